//! The window's view of sync with the district server: the indicator in the top bar (online or
//! not, changes waiting, last sync, conflicts) and its panel: enrolment, "sync now", changes the
//! server refused, and the conflicts list where a user sees every version and picks or types one.

use crate::details;
use crate::i18n::Lang;
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use wasm_bindgen::JsValue;
use yitu_domain::sync::Collection;
use yitu_ipc::call;
use yitu_ipc::sync::{ConflictView as Conflict, Refused, SyncStatus as Status};
use yitu_ipc::ErrorCode;

/// What the indicator says: its `data-state` and its words.
fn state_of(s: &Status) -> &'static str {
    match (&s.enrolled, s.online) {
        (None, _) => "unenrolled",
        (Some(_), None) => "waiting",
        (Some(_), Some(true)) => "online",
        (Some(_), Some(false)) => "offline",
    }
}

fn state_words(state: &str, lang: Lang) -> &'static str {
    match state {
        "unenrolled" => lang.t("未登记服务器", "Not enrolled"),
        "waiting" => lang.t("连接中…", "Connecting…"),
        "online" => lang.t("在线", "Online"),
        _ => lang.t("离线", "Offline"),
    }
}

/// A local time of day for a Unix-ms instant.
/// A desk's clock off the server's, in words a duty officer acts on.
fn clock_words(ahead_ms: i64, l: Lang) -> String {
    let minutes = (ahead_ms.abs() as f64 / 60_000.0).round() as i64;
    let (zh, en) = if ahead_ms > 0 {
        ("快", "ahead of")
    } else {
        ("慢", "behind")
    };
    match l {
        Lang::Zh => format!("本机时钟比服务器{zh} {minutes} 分钟：请校准本机时间（比服务器快 5 分钟以上时记下的修改，上传前按服务器时间重新标记）"),
        Lang::En => format!("This desk's clock is {minutes} minutes {en} the server's: set it right (changes stamped more than 5 minutes ahead are stamped again from the server's time before they are sent)"),
    }
}

/// What to do about a change the server refused, by its code (the reason says why).
fn what_to_do(reason: &str, l: Lang) -> String {
    let code = reason.split(':').next().unwrap_or_default();
    match code {
        "quarantined" => l.t(
            "处理：本机时钟过快。校准本机时间后再同步，本机会按服务器时间重新标记并上传。",
            "To do: this desk's clock ran ahead. Set it right and sync: the change is stamped again from the server's time and sent.",
        ),
        "role" | "author" => l.t(
            "处理：该用户无权做此修改。请由有权限的用户登录后重做。",
            "To do: the user may not make this change. Have a user who may log in and make it.",
        ),
        "malformed" => l.t(
            "处理：数据不合要求。按原因修正后重新修改。",
            "To do: the change does not fit. Correct it as the reason says and make it again.",
        ),
        "signature" => l.t(
            "处理：签名无效。请联系技术人员检查本机密钥。",
            "To do: the signature does not hold. Have a technician check this desk's key.",
        ),
        _ => l.t(
            "处理：按原因修正后重新修改。",
            "To do: correct it as the reason says and make it again.",
        ),
    }
    .to_owned()
}

fn clock(ms: i64) -> String {
    js_sys::Date::new(&JsValue::from_f64(ms as f64))
        .to_locale_time_string("zh-CN")
        .into()
}

/// When a version was written: its stamp's first part is Unix ms.
fn written_at(stamp: &str) -> String {
    stamp
        .split('-')
        .next()
        .and_then(|ms| ms.parse::<i64>().ok())
        .map(|ms| {
            String::from(
                js_sys::Date::new(&JsValue::from_f64(ms as f64))
                    .to_locale_string("zh-CN", &JsValue::UNDEFINED),
            )
        })
        .unwrap_or_default()
}

/// A value as people read it: text without quotes.
fn shown(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Bool(true) => "是 / yes".into(),
        serde_json::Value::Bool(false) => "否 / no".into(),
        other => other.to_string(),
    }
}

/// A typed value read as the same kind of value the versions hold (a number for a capacity,
/// text for a name), so "120" is a number where numbers are kept and a name where names are.
fn typed(text: &str, like: &serde_json::Value) -> serde_json::Value {
    let text = text.trim();
    match like {
        serde_json::Value::String(_) => serde_json::Value::String(text.to_owned()),
        _ => serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.into())),
    }
}

fn collection_words(c: Collection, lang: Lang) -> &'static str {
    lang.t(c.zh(), c.en())
}

/// The field's label as the details panel shows it, or its name.
fn field_words(c: &Conflict, lang: Lang) -> String {
    if c.field == "retired" {
        return lang.t("已退役", "Retired").into();
    }
    c.record
        .as_ref()
        .and_then(|r| {
            details::fields(r, lang)
                .into_iter()
                .find(|f| f.0 == c.field)
                .map(|f| lang.t(f.1, f.2).to_owned())
        })
        .unwrap_or_else(|| c.field.clone())
}

/// The indicator and its panel. `on_changed` runs when a pass brought other desktops' changes
/// or a pick changed a record, so the map and panels read the store again.
#[component]
pub fn SyncBox(on_changed: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let lang = crate::context::lang();
    let (status, set_status) = signal(Status::default());
    let (open, set_open) = signal(false);
    let (busy, set_busy) = signal(false);
    let (error, set_error) = signal(None::<String>);
    let (conflicts, set_conflicts) = signal(Vec::<Conflict>::new());
    let (refused, set_refused) = signal(Vec::<Refused>::new());
    let server = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let label = RwSignal::new(String::new());
    // The last pass already seen (for the lists), and the pulled commits already drawn: the
    // map reloads when more changes were applied, whichever pass applied them.
    let seen_pass = StoredValue::new(None::<i64>);
    let seen_pulled = StoredValue::new(0u64);

    let lists = move || {
        spawn_local(async move {
            if let Ok(c) = invoke(&call::SyncConflicts {}).await {
                set_conflicts.set(c);
            }
            if let Ok(r) = invoke(&call::SyncRefused {}).await {
                set_refused.set(r);
            }
        });
    };
    let refresh = move || {
        spawn_local(async move {
            let Ok(s) = invoke(&call::SyncStatus {}).await else {
                return;
            };
            if let Some(p) = &s.last_pass {
                if seen_pass.get_value() != Some(p.at_ms) {
                    seen_pass.set_value(Some(p.at_ms));
                    lists();
                }
            }
            // Counted from the app's start: a pull before the window's first look is drawn too
            // (one reload more at worst).
            if seen_pulled.get_value() != s.pulled_commits {
                seen_pulled.set_value(s.pulled_commits);
                on_changed();
            }
            if s.conflicts != status.with_untracked(|o| o.conflicts) {
                lists();
            }
            set_status.set(s);
        });
    };
    refresh();
    lists();
    // The loop syncs in the background; the indicator reads its state every few seconds.
    let _ = set_interval_with_handle(refresh, Duration::from_secs(3));

    let sync_now = move || {
        set_busy.set(true);
        set_error.set(None);
        spawn_local(async move {
            if let Err(e) = invoke(&call::SyncNow {}).await {
                set_error.set(Some(e.message));
            }
            set_busy.set(false);
            refresh();
        });
    };
    let enrol = move || {
        set_busy.set(true);
        set_error.set(None);
        let (s, c, l) = (
            server.get_untracked(),
            code.get_untracked(),
            label.get_untracked(),
        );
        spawn_local(async move {
            let args = call::SyncEnrol {
                server: s,
                code: c,
                label: l,
            };
            match invoke(&args).await {
                Ok(st) => {
                    code.set(String::new());
                    set_status.set(st);
                }
                Err(e) => set_error.set(Some(e.message)),
            }
            set_busy.set(false);
        });
    };
    let pick = move |record_id: String, field: String, value: serde_json::Value| {
        set_error.set(None);
        spawn_local(async move {
            let args = call::SyncResolve {
                record_id,
                field,
                value,
            };
            match invoke(&args).await {
                Ok(()) => {
                    on_changed();
                    lists();
                    refresh();
                }
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };

    let state = move || status.with(state_of);
    view! {
        <div class="sync">
            <button id="sync-open" class="sync-button" data-state=state class:active=move || open.get()
                on:click=move |_| { set_open.update(|o| *o = !*o); lists(); }
                title=move || lang.get().t("与区级服务器同步", "Sync with the district server")>
                <span class="dot"></span>
                <span id="sync-state">{move || state_words(state(), lang.get())}</span>
                {move || {
                    let n = status.with(|s| s.pending);
                    (n > 0).then(|| view! {
                        <span class="pending" id="sync-pending" data-count=n.to_string()
                            title=move || lang.get().t("待上传的本地修改", "local changes waiting to be sent")>
                            {format!("↑{n}")}
                        </span>
                    })
                }}
                {move || {
                    let n = status.with(|s| s.conflicts);
                    (n > 0).then(|| view! {
                        <span class="conflict-count" id="sync-conflict-count" data-count=n.to_string()>
                            {move || format!("{}{n}", lang.get().t("冲突 ", "conflicts "))}
                        </span>
                    })
                }}
            </button>
            {move || open.get().then(|| view! {
                <div class="sync-panel" id="sync-panel">
                    {move || match status.get().enrolled {
                        None => view! {
                            <form class="enrol" on:submit=move |ev| { ev.prevent_default(); enrol(); }>
                                <p class="muted">{move || lang.get().t(
                                    "本机尚未登记到区级服务器。填写管理员给出的服务器地址和一次性登记码：",
                                    "This desktop is not enrolled with the district server. Enter the address and the one-time code the administrator gave:")}</p>
                                <label>{move || lang.get().t("服务器地址", "Server address")}
                                    <input id="sync-server" placeholder="http://10.0.0.2:8443" prop:value=move || server.get()
                                        on:input=move |ev| server.set(event_target_value(&ev))/></label>
                                <label>{move || lang.get().t("登记码", "Enrolment code")}
                                    <input id="sync-code" prop:value=move || code.get()
                                        on:input=move |ev| code.set(event_target_value(&ev))/></label>
                                <label>{move || lang.get().t("本机名称", "This desktop's name")}
                                    <input id="sync-label" placeholder=move || lang.get().t("如：1号指挥车", "e.g. command vehicle 1") prop:value=move || label.get()
                                        on:input=move |ev| label.set(event_target_value(&ev))/></label>
                                <button id="sync-enrol" type="submit" disabled=move || busy.get()>{move || lang.get().t("登记", "Enrol")}</button>
                            </form>
                        }.into_any(),
                        Some(e) => {
                            let s = status.get();
                            let l = lang.get();
                            view! {
                                <dl class="sync-facts">
                                    <dt>{l.t("服务器", "Server")}</dt><dd id="sync-server-shown">{e.server.clone()}</dd>
                                    <dt>{l.t("登记用户", "Enrolled as")}</dt><dd>{format!("{}（{}）", e.user, e.role)}</dd>
                                    <dt>{l.t("待上传", "Waiting to send")}</dt><dd id="sync-pending-count">{s.pending}</dd>
                                    <dt>{l.t("上次同步", "Last sync")}</dt>
                                    <dd id="sync-last">{s.last_sync_ms.map(clock).unwrap_or_else(|| l.t("从未", "never").into())}</dd>
                                </dl>
                                {s.last_pass.clone().and_then(|p| p.error).map(|e| view! {
                                    <p class="error" id="sync-last-error" data-code=e.code.as_str()>
                                        {if e.code == ErrorCode::Offline { l.t("无法连接服务器，修改已保存在本机，恢复后自动上传。", "Cannot reach the server; changes are kept here and sent once it is back.") } else { "" }}
                                        <small>{e.message}</small>
                                    </p>
                                })}
                                {s.last_pass.clone().and_then(|p| p.report).map(|r| view! {
                                    <p class="muted" id="sync-report">{format!("{}{} · {}{} · {}{}",
                                        l.t("上传 ", "sent "), r.accepted,
                                        l.t("收到 ", "received "), r.pulled,
                                        l.t("冲突 ", "conflicts "), r.conflicts)}</p>
                                    {(r.clock_ahead_ms.abs() > 60_000).then(|| view! {
                                        <p class="error" id="sync-clock">{clock_words(r.clock_ahead_ms, l)}</p>
                                    })}
                                    {(r.restamped > 0).then(|| view! {
                                        <p class="error" id="sync-restamped">{format!("{} {} {}",
                                            l.t("本机时钟曾快于服务器：", "This desk's clock ran ahead of the server's: "),
                                            r.restamped,
                                            l.t("条修改已按服务器时间重新标记并上传，未丢失。", "changes were stamped again from the server's time and sent: nothing lost."))}</p>
                                    })}
                                    {(r.renumbered > 0).then(|| view! {
                                        <p class="error" id="sync-rewound">{format!("{} {} {}",
                                            l.t("本机数据曾从备份恢复或被复制：", "This desk was restored from a backup or copied: "),
                                            r.renumbered,
                                            l.t("条待上传的修改已重新编号并上传，本机此前上传的修改已从服务器取回，未丢失；如有冲突请在下方处理。", "waiting changes were numbered again and sent, and what it had sent before was taken back from the server: nothing lost; settle any conflict below."))}</p>
                                    })}
                                })}
                                <button id="sync-now" disabled=move || busy.get() on:click=move |_| sync_now()>
                                    {move || if busy.get() { lang.get().t("同步中…", "Syncing…") } else { lang.get().t("立即同步", "Sync now") }}
                                </button>
                            }.into_any()
                        }
                    }}
                    {move || error.get().map(|e| view! { <p class="error" id="sync-error">{e}</p> })}
                    {move || (!refused.get().is_empty()).then(|| view! {
                        <h3>{move || lang.get().t("服务器拒收的修改", "Changes the server refused")}</h3>
                        <ul id="sync-refused">
                            {refused.get().into_iter().map(|r| {
                                let todo = what_to_do(&r.reason, lang.get());
                                view! { <li data-seq=r.seq.to_string()>{format!("#{} {}", r.seq, r.reason)}<br/><small class="todo">{todo}</small></li> }
                            }).collect_view()}
                        </ul>
                    })}
                    {move || (!conflicts.get().is_empty()).then(|| view! {
                        <h3>{move || lang.get().t("冲突：两台设备同时改了同一项", "Conflicts: two desktops changed the same field")}</h3>
                        <ul id="sync-conflicts">
                            {move || conflicts.get().into_iter().map(|c| {
                                let l = lang.get();
                                let name = c.record.as_ref().map(|r| r.name().to_owned()).or_else(|| c.incident.clone()).unwrap_or_else(|| c.record_id.clone());
                                let heading = format!("{} · {} · {}", collection_words(c.collection, l), name, field_words(&c, l));
                                let like = c.versions.first().map(|v| v.value.clone()).unwrap_or_default();
                                let typed_value = RwSignal::new(String::new());
                                let (rid, fld) = (c.record_id.clone(), c.field.clone());
                                view! {
                                    <li class="conflict" data-record=c.record_id.clone() data-field=c.field.clone()>
                                        <strong>{heading}</strong>
                                        <table><tbody>
                                            {c.versions.iter().enumerate().map(|(i, v)| {
                                                let (rid, fld, value) = (c.record_id.clone(), c.field.clone(), v.value.clone());
                                                view! {
                                                    <tr class="version" data-value=v.value.to_string()>
                                                        <td class="value">{shown(&v.value)}{(i == 0).then(|| view! { <small class="muted">{l.t("（当前显示）", " (shown now)")}</small> })}</td>
                                                        <td>{v.author.clone()}</td>
                                                        <td><small>{written_at(&v.stamp)}</small></td>
                                                        <td><button class="pick" on:click=move |_| pick(rid.clone(), fld.clone(), value.clone())>{l.t("采用", "Keep this")}</button></td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody></table>
                                        <form class="pick-typed" on:submit=move |ev| {
                                            ev.prevent_default();
                                            let text = typed_value.get_untracked();
                                            if !text.trim().is_empty() { pick(rid.clone(), fld.clone(), typed(&text, &like)); }
                                        }>
                                            <input class="custom" placeholder=l.t("或填写新值", "or type another value")
                                                on:input=move |ev| typed_value.set(event_target_value(&ev))/>
                                            <button type="submit" class="pick-custom">{l.t("保存", "Save")}</button>
                                        </form>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })}
                </div>
            })}
        </div>
    }
}
