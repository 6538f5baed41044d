//! Creating a record from the window: the kind's import columns as a form (so the importer's
//! rules validate it), the position by a click on the map or typed, and every reason shown
//! when it is refused.

use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use yitu_domain::import::{columns, required, sheet, ImportKind};
use yitu_domain::registries::resource::Resource;
use yitu_ipc::call;

/// The kinds a form creates (stock is received into a depot, from its panel).
const KINDS: [ImportKind; 5] = [
    ImportKind::Shelters,
    ImportKind::Teams,
    ImportKind::Experts,
    ImportKind::Depots,
    ImportKind::Hazards,
];

#[component]
pub fn CreatePanel(
    on_created: impl Fn(Resource) + Copy + Send + Sync + 'static,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let shared = crate::context::shared();
    let lang = shared.lang;
    let kind = RwSignal::new(ImportKind::Shelters);
    let values = RwSignal::new(vec![
        String::new();
        sheet::headers(ImportKind::Shelters).len()
    ]);
    let (error, set_error) = signal(None::<String>);
    let (busy, set_busy) = signal(false);
    let towns = StoredValue::new(yitu_domain::registries::town::all());
    // A click on the map while locating fills the longitude and latitude columns.
    Effect::new(move |_| {
        let Some((lon, lat)) = shared.located.get() else {
            return;
        };
        shared.located.set(None);
        let fields = columns::fields(kind.get_untracked());
        values.update(|v| {
            for (i, f) in fields.iter().enumerate() {
                match f.key {
                    "lon" => v[i] = format!("{lon:.6}"),
                    "lat" => v[i] = format!("{lat:.6}"),
                    _ => {}
                }
            }
        });
    });
    let save = move |_| {
        let args = call::CreateRecord {
            kind: kind.get_untracked(),
            cells: values.get_untracked(),
        };
        set_busy.set(true);
        set_error.set(None);
        spawn_local(async move {
            match invoke(&args).await {
                Ok(r) => {
                    shared.end_locate();
                    on_created(r);
                }
                Err(e) => set_error.set(Some(e.message)),
            }
            set_busy.set(false);
        });
    };
    let form = move || {
        let k = kind.get();
        let must = required(k);
        columns::fields(k)
            .iter()
            .enumerate()
            // The id is made by the store.
            .filter(|(_, f)| f.key != "id")
            .map(|(i, f)| {
                let offered = columns::choices(k, f.key, &towns.read_value());
                let list = (!offered.is_empty()).then(|| format!("create-choices-{}", f.key));
                let star = (must.contains(&f.key) || matches!(f.key, "lon" | "lat")).then_some(" *");
                view! {
                    <label class="field">
                        <span>{f.zh}{star}</span>
                        <input data-key=f.key list=list.clone()
                            prop:value=move || values.with(|v| v.get(i).cloned().unwrap_or_default())
                            on:input=move |ev| { let s = event_target_value(&ev); values.update(|v| v[i] = s); }/>
                        {list.map(|id| view! {
                            <datalist id=id>{offered.into_iter().map(|o| view! { <option value=o/> }).collect_view()}</datalist>
                        })}
                    </label>
                }
            })
            .collect_view()
    };
    view! {
        <aside class="details create" id="create" role="dialog">
            <button class="close" title="关闭 / Close" on:click=move |_| { shared.end_locate(); on_close() }>"×"</button>
            <h2>{move || lang.get().t("新建记录", "New record")}</h2>
            <label class="field">
                <span>{move || lang.get().t("类别", "Kind")}</span>
                <select id="create-kind" on:change=move |ev| {
                    if let Ok(k) = ImportKind::from_code(&event_target_value(&ev)) {
                        kind.set(k);
                        values.set(vec![String::new(); sheet::headers(k).len()]);
                        set_error.set(None);
                    }
                }>
                    {KINDS.iter().map(|k| {
                        let k = *k;
                        view! { <option value=k.code() selected=move || kind.get() == k>{move || lang.get().t(k.zh(), k.en())}</option> }
                    }).collect_view()}
                </select>
            </label>
            <p class="muted">{move || lang.get().t(
                "带 * 的为必填项；可选项可从列表中选择。坐标为 WGS-84（CGCS2000），可在地图上点选。",
                "* marks a required field; choices drop down where there are some. Positions are WGS-84 (CGCS2000); click the map to set one.")}</p>
            <div class="editor" id="create-form">{form}</div>
            <button class="pick" id="create-locate" class:active=move || shared.locating()
                on:click=move |_| shared.toggle_locate()>
                {move || if shared.locating() {
                    lang.get().t("请在地图上点击位置…", "Click the position on the map…")
                } else {
                    lang.get().t("在地图上点选位置", "Set the position on the map")
                }}
            </button>
            {move || error.get().map(|e| view! { <pre class="error" id="create-error">{e}</pre> })}
            <div class="buttons">
                <button id="create-save" disabled=move || busy.get() on:click=save>{move || lang.get().t("保存", "Save")}</button>
                <button id="create-cancel" on:click=move |_| { shared.end_locate(); on_close() }>{move || lang.get().t("取消", "Cancel")}</button>
            </div>
        </aside>
    }
}
