//! Keeping a registry current from the window: the edit form of a record (its import row, so the
//! same rules as an import validate it), retiring a record with a reason, and its history.

use crate::i18n::Lang;
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use yitu_domain::registries::resource::Resource;
use yitu_ipc::call;
use yitu_ipc::registry::{Change, RecordForm};

/// Headers of the position columns, filled by a click on the map.
const LON: &str = "经度";
const LAT: &str = "纬度";

/// The edit form of one record; its position can come from a click on the map (`MapTool::Locate`).
#[component]
pub fn RecordEditor(
    id: String,
    on_saved: impl Fn(Resource) + Copy + Send + Sync + 'static,
    on_retired: impl Fn(String) + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let shared = crate::context::shared();
    let lang = shared.lang;
    let (form, set_form) = signal(None::<Result<RecordForm, String>>);
    let values = RwSignal::new(Vec::<String>::new());
    let (error, set_error) = signal(None::<String>);
    let (busy, set_busy) = signal(false);
    let retire_reason = RwSignal::new(String::new());
    {
        let id = id.clone();
        spawn_local(async move {
            let f = invoke(&call::RecordForm { id })
                .await
                .map_err(|e| e.message);
            if let Ok(f) = &f {
                values.set(f.cells.clone());
            }
            set_form.set(Some(f));
        });
    }
    // A click on the map while locating fills the longitude and latitude.
    Effect::new(move |_| {
        let Some((lon, lat)) = shared.located.get() else {
            return;
        };
        shared.located.set(None);
        form.with_untracked(|f| {
            if let Some(Ok(f)) = f {
                values.update(|v| {
                    for (i, h) in f.headers.iter().enumerate() {
                        if h == LON {
                            v[i] = format!("{lon:.6}");
                        } else if h == LAT {
                            v[i] = format!("{lat:.6}");
                        }
                    }
                });
            }
        });
    });
    let save_id = id.clone();
    let save = move |_| {
        let Some(Ok(f)) = form.get_untracked() else {
            return;
        };
        let now = values.get_untracked();
        let sets: Vec<(String, String)> = f
            .headers
            .iter()
            .zip(f.cells.iter().zip(&now))
            .skip(1)
            .filter(|(_, (was, is))| was != is)
            .map(|(h, (_, is))| (h.clone(), is.clone()))
            .collect();
        if sets.is_empty() {
            on_cancel();
            return;
        }
        let id = save_id.clone();
        set_busy.set(true);
        set_error.set(None);
        spawn_local(async move {
            match invoke(&call::UpdateRecord { id, sets }).await {
                Ok(r) => on_saved(r),
                Err(e) => set_error.set(Some(e.message)),
            }
            set_busy.set(false);
        });
    };
    let retire_id = id.clone();
    let retire = move |_| {
        let id = retire_id.clone();
        let reason = retire_reason.get_untracked();
        set_error.set(None);
        spawn_local(async move {
            match invoke(&call::RetireRecord {
                id: id.clone(),
                reason,
            })
            .await
            {
                Ok(()) => on_retired(id),
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    view! {
        <div class="editor" id="editor">
            {move || match form.get() {
                None => view! { <p class="muted">{lang.get().t("加载中…", "Loading…")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
                Some(Ok(f)) => f.headers.iter().enumerate().skip(1).map(|(i, h)| {
                    let header = h.clone();
                    view! {
                        <label class="field">
                            <span>{header.clone()}</span>
                            <input data-header=header
                                prop:value=move || values.with(|v| v.get(i).cloned().unwrap_or_default())
                                on:input=move |ev| { let s = event_target_value(&ev); values.update(|v| v[i] = s); }/>
                        </label>
                    }
                }).collect_view().into_any(),
            }}
            <button class="pick" id="edit-locate" class:active=move || shared.locating()
                on:click=move |_| shared.toggle_locate()>
                {move || if shared.locating() {
                    lang.get().t("请在地图上点击新位置…", "Click the new position on the map…")
                } else {
                    lang.get().t("在地图上点选位置", "Set the position on the map")
                }}
            </button>
            {move || error.get().map(|e| view! { <pre class="error" id="edit-error">{e}</pre> })}
            <div class="buttons">
                <button id="edit-save" disabled=move || busy.get() on:click=save>{move || lang.get().t("保存", "Save")}</button>
                <button id="edit-cancel" on:click=move |_| on_cancel()>{move || lang.get().t("取消", "Cancel")}</button>
            </div>
            <details class="retire">
                <summary>{move || lang.get().t("退役此记录…", "Retire this record…")}</summary>
                <input id="retire-reason" placeholder=move || lang.get().t("退役原因（必填）", "Reason (required)")
                    prop:value=move || retire_reason.get()
                    on:input=move |ev| retire_reason.set(event_target_value(&ev))/>
                <button id="retire-go" disabled=move || retire_reason.with(|r| r.trim().is_empty()) on:click=retire>
                    {move || lang.get().t("确认退役", "Retire")}
                </button>
                <p class="muted">{move || lang.get().t("退役的记录不再显示和参与分析，但保留在库中并保留历史。", "A retired record leaves the map and the analyses; it stays in the file with its history.")}</p>
            </details>
        </div>
    }
}

/// Who changed a record, when, and what (newest first).
#[component]
pub fn History(id: String) -> impl IntoView {
    let lang = crate::context::lang();
    let (changes, set_changes) = signal(None::<Result<Vec<Change>, String>>);
    spawn_local(async move {
        let r = invoke(&call::History { id }).await.map_err(|e| e.message);
        set_changes.set(Some(r));
    });
    view! {
        <div class="history" id="history">
            {move || match changes.get() {
                None => view! { <p class="muted">{lang.get().t("加载中…", "Loading…")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="muted">{lang.get().t("没有修改记录（初始数据）", "No changes (as first loaded)")}</p>
                }.into_any(),
                Some(Ok(list)) => {
                    let l = lang.get();
                    view! { <ol class="changes">{list.into_iter().rev().map(|c| {
                        let when = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(c.at_ms as f64))
                            .to_locale_string("zh-CN", &wasm_bindgen::JsValue::UNDEFINED);
                        let what = describe(&c, l);
                        view! { <li><span class="when">{String::from(when)}</span>" · "{c.actor}" · "<span class="what">{what}</span></li> }
                    }).collect_view()}</ol> }.into_any()
                }
            }}
        </div>
    }
}

/// A change in words: the fields changed with before → after, or what was done.
fn describe(c: &Change, l: Lang) -> String {
    match c.action.as_str() {
        "update" => c
            .diff
            .as_object()
            .map(|fields| {
                fields
                    .iter()
                    .map(|(field, v)| format!("{field}: {} → {}", plain(&v[0]), plain(&v[1])))
                    .collect::<Vec<_>>()
                    .join("；")
            })
            .unwrap_or_default(),
        "retire" => format!("{}（{}）", l.t("退役", "retired"), plain(&c.diff["reason"])),
        "insert" => l.t("新建", "created").to_owned(),
        other => format!("{other} {}", c.diff),
    }
}

fn plain(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
