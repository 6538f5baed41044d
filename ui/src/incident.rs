//! Incidents in the window: the list in the side panel, the form that records one where it was
//! clicked on the map (with its affected area drawn), and the incident panel (situation, toll,
//! 续报 log, its decisions, the briefing printout).

use crate::decision::{DecisionEditor, DecisionPanel};
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;
use yitu_domain::command::decision::Decision;
use yitu_domain::command::incident::{Incident, IncidentKind, IncidentLevel, Toll};
use yitu_ipc::call;
/// Where a printout was written.
pub use yitu_ipc::incident::Printout;
use yitu_ipc::incident::{IncidentFile, NewIncident};
use yitu_ui_state::{MapTool, Purpose, Side, Sketch, Window};

/// A time as local date and minutes.
pub fn when(ms: i64) -> String {
    String::from(
        js_sys::Date::new(&JsValue::from_f64(ms as f64))
            .to_locale_string("zh-CN", &JsValue::UNDEFINED),
    )
}

pub async fn fetch_incidents() -> Result<Vec<Incident>, String> {
    invoke(&call::Incidents {}).await.map_err(|e| e.message)
}

/// The side panel's incident section: start a new one on the map, open an existing one.
#[component]
pub fn IncidentList() -> impl IntoView {
    let shared = crate::context::shared();
    let (lang, incidents, side) = (shared.lang, shared.incidents, shared.side);
    let placing = move || {
        shared
            .tool
            .with(|t| t.sketching() == Some(Purpose::IncidentPoint))
    };
    view! {
        <h2>{move || lang.get().t("事件指挥", "Incident command")}</h2>
        <button id="incident-new" class="pick incident" class:active=placing
            on:click=move |_| shared.act(Window::toggle_incident_point)>
            {move || if placing() {
                lang.get().t("请在地图上点击事发地点…", "Click where it happened on the map…")
            } else {
                lang.get().t("新建事件（地图标点）", "New incident (click the map)")
            }}
        </button>
        <ul class="incidents" id="incidents">
            {move || incidents.get().into_iter().map(|i| {
                let id = i.id.to_string();
                let open_id = id.clone();
                let open = move || side.with(|s| s.incident() == Some(open_id.as_str()));
                let attr_id = id.clone();
                view! {
                    <li data-id=attr_id class:active=open data-status=i.status.code()>
                        <button on:click=move |_| shared.act(|w| w.open(Side::Incident(id.clone())))>
                            <span class="level" data-level=i.level.code()>{move || lang.get().t(i.level.zh(), i.level.en())}</span>
                            <span class="title">{i.title.clone()}</span>
                            <small>{when(i.at_ms)}</small>
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// Four toll numbers as inputs; empty means "not reported".
#[component]
fn TollInputs(prefix: &'static str, toll: RwSignal<[Option<u32>; 4]>) -> impl IntoView {
    let lang = crate::context::lang();
    const LABELS: [(&str, &str, &str); 4] = [
        ("dead", "死亡", "Dead"),
        ("injured", "受伤", "Injured"),
        ("missing", "失联", "Missing"),
        ("affected", "受影响", "Affected"),
    ];
    view! {
        <div class="toll">
            {LABELS.iter().enumerate().map(|(i, (key, zh, en))| view! {
                <label>{move || lang.get().t(zh, en)}
                    <input type="number" min="0" id=format!("{prefix}-{key}")
                        prop:value=move || toll.with(|t| t[i].map(|n| n.to_string()).unwrap_or_default())
                        on:change=move |ev| {
                            let v = event_target_value(&ev).trim().parse::<u32>().ok();
                            toll.update(|t| t[i] = v);
                        }/>
                </label>
            }).collect_view()}
        </div>
    }
}

fn toll_over(base: Toll, t: [Option<u32>; 4]) -> Toll {
    Toll {
        dead: t[0].unwrap_or(base.dead),
        injured: t[1].unwrap_or(base.injured),
        missing: t[2].unwrap_or(base.missing),
        affected: t[3].unwrap_or(base.affected),
    }
}

/// Records a new incident at the clicked point: kind, level, title, toll, and the affected area
/// drawn on the map.
#[component]
pub fn IncidentForm(
    point: [f64; 2],
    on_created: impl Fn(Incident) + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let shared = crate::context::shared();
    let lang = shared.lang;
    // The affected area is the side panel's (`Side::NewIncident`), drawn as a sketch.
    let area = move || shared.side.with(|s| s.incident_area().map(<[_]>::to_vec));
    let kind = RwSignal::new(IncidentKind::Landslide);
    let level = RwSignal::new(IncidentLevel::General);
    let title = RwSignal::new(String::new());
    let toll = RwSignal::new([None; 4]);
    let (error, set_error) = signal(None::<String>);
    let drawing = move || {
        shared
            .tool
            .with(|t| t.sketching() == Some(Purpose::IncidentArea))
    };
    let save = move || {
        let new = NewIncident {
            kind: kind.get_untracked(),
            level: level.get_untracked(),
            title: title.get_untracked(),
            at_ms: None,
            point,
            area: untrack(area),
            toll: toll_over(Toll::default(), toll.get_untracked()),
        };
        spawn_local(async move {
            match invoke(&call::CreateIncident { new }).await {
                Ok(i) => on_created(i),
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    view! {
        <aside class="details incident-form" id="incident-form">
            <button class="close" title="关闭 / Close" on:click=move |_| on_cancel()>"×"</button>
            <h2>{move || lang.get().t("新建事件", "New incident")}</h2>
            <p class="muted">{format!("WGS-84 {:.5}, {:.5}", point[0], point[1])}</p>
            <label>{move || lang.get().t("事件类型", "Kind")}
                <select id="incident-kind" on:change=move |ev| {
                    if let Ok(k) = IncidentKind::from_code(&event_target_value(&ev)) { kind.set(k) }
                }>
                    {IncidentKind::ALL.iter().map(|k| {
                        let k = *k;
                        view! { <option value=k.code() selected=move || kind.get() == k>
                            {move || format!("{} · {}", lang.get().t(k.category().zh(), k.category().en()), lang.get().t(k.zh(), k.en()))}
                        </option> }
                    }).collect_view()}
                </select>
            </label>
            <label>{move || lang.get().t("事件级别", "Level")}
                <select id="incident-level" on:change=move |ev| {
                    if let Ok(l) = IncidentLevel::from_code(&event_target_value(&ev)) { level.set(l) }
                }>
                    {IncidentLevel::ALL.iter().map(|l| {
                        let l = *l;
                        view! { <option value=l.code() selected=move || level.get() == l>{move || lang.get().t(l.zh(), l.en())}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>{move || lang.get().t("标题（可空：合川区+类型）", "Title (empty: district + kind)")}
                <input id="incident-title" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/>
            </label>
            <TollInputs prefix="incident-toll" toll=toll/>
            <div class="area-row">
                <button id="incident-draw-area" class="pick" class:active=drawing on:click=move |_| {
                    shared.act(|w| match w.tool.take_sketch() {
                        // The finished area stays drawn until the incident is saved or dropped.
                        Some(s) => w.side.set_incident_area(s.complete().then_some(s.points)),
                        None => {
                            w.side.set_incident_area(None);
                            w.tool = MapTool::Sketch(Sketch::new(Purpose::IncidentArea));
                        }
                    })
                }>
                    {move || match (drawing(), area()) {
                        (true, _) => format!("{}（{} {}）", lang.get().t("完成影响范围", "Finish the affected area"),
                            shared.tool.with(|t| t.sketch().map_or(0, |s| s.points.len())), lang.get().t("点", "points")),
                        (false, Some(a)) => format!("{}（{} {}）", lang.get().t("重新圈定影响范围", "Redraw the affected area"), a.len(), lang.get().t("点", "points")),
                        (false, None) => lang.get().t("圈定影响范围（可选）", "Draw the affected area (optional)").to_owned(),
                    }}
                </button>
            </div>
            <div class="buttons editor">
                <button id="incident-save" on:click=move |_| save()>{move || lang.get().t("保存事件", "Save incident")}</button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" id="incident-error">{e}</p> })}
        </aside>
    }
}

/// What the incident panel shows below the incident.
#[derive(Debug, Clone, PartialEq)]
enum Pane {
    Overview,
    Draft(Option<Box<Decision>>),
    /// A new 紧急撤离 order, to sign at once.
    Evacuation,
    Decision(String),
}

/// The incident panel: the incident, its 续报 log, its decisions; drafting and acting on them.
#[component]
pub fn IncidentPanel(
    id: String,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let shared = crate::context::shared();
    let (lang, user, drawings) = (shared.lang, shared.user, shared.drawings);
    let (file, set_file) = signal(None::<Result<IncidentFile, String>>);
    let pane = RwSignal::new(Pane::Overview);
    let (error, set_error) = signal(None::<String>);
    let (printout, set_printout) = signal(None::<Printout>);
    let log_text = RwSignal::new(String::new());
    let log_toll = RwSignal::new([None; 4]);
    let id = StoredValue::new(id);
    // A 待办 item of this incident opens its decision here, whether the panel was open or not
    // (or made again while it opened); going back to the incident forgets the request.
    Effect::new(move |_| {
        let mine = shared.open_decision.with(|o| {
            o.as_ref()
                .filter(|(i, _)| *i == id.get_value())
                .map(|(_, d)| d.clone())
        });
        if let Some(d) = mine {
            if pane.with_untracked(|p| !matches!(p, Pane::Decision(x) if *x == d)) {
                pane.set(Pane::Decision(d));
            }
        }
    });
    let reload = move || {
        let id = id.get_value();
        spawn_local(async move {
            let r = invoke(&call::Incident { id: id.clone() })
                .await
                .map_err(|e| e.message);
            if let Ok(f) = &r {
                // The drawings of the decisions still in force are shown on the map.
                drawings.set(
                    f.decisions
                        .iter()
                        .filter(|d| !d.state.is_final())
                        .flat_map(|d| d.content.drawings.clone())
                        .collect(),
                );
            }
            set_file.set(Some(r));
        });
    };
    reload();
    let add_log = move || {
        let Some(Ok(f)) = file.get_untracked() else {
            return;
        };
        let t = log_toll.get_untracked();
        let toll = t
            .iter()
            .any(Option::is_some)
            .then(|| toll_over(f.incident.toll, t));
        let text = log_text.get_untracked();
        spawn_local(async move {
            let id = id.get_value();
            match invoke(&call::AddLog {
                id: id.clone(),
                text,
                toll,
            })
            .await
            {
                Ok(_) => {
                    log_text.set(String::new());
                    log_toll.set([None; 4]);
                    set_error.set(None);
                    reload();
                }
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    let print = move || {
        spawn_local(async move {
            let id = id.get_value();
            match invoke(&call::IncidentBriefingPdf { id: id.clone() }).await {
                Ok(p) => set_printout.set(Some(p)),
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    view! {
        <aside class="details incident-panel" id="incident-panel">
            <button class="close" title="关闭 / Close" on:click=move |_| { drawings.set(Vec::new()); shared.open_decision.set(None); on_close() }>"×"</button>
            {move || match file.get() {
                None => view! { <p class="muted">{lang.get().t("读取中…", "Loading…")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
                Some(Ok(f)) => {
                    let l = lang.get();
                    // Nobody logged in still sees the forms: acting asks for a login.
                    let writes = user.with(|u| u.as_ref().is_none_or(|u| u.role.may_write()));
                    let i = f.incident.clone();
                    let incident = i.clone();
                    let issued: Vec<(String, String)> = f.decisions.iter()
                        .filter(|d| d.state == yitu_domain::command::workflow::DecisionState::Issued)
                        .map(|d| (d.id.to_string(), d.number.clone()))
                        .collect();
                    view! {
                        <h2 id="incident-title-shown">{i.title.clone()}</h2>
                        <p class="layer-name">
                            <span class="level" data-level=i.level.code()>{l.t(i.level.zh(), i.level.en())}</span>
                            {format!(" · {} · {} · {}", l.t(f.category.zh(), f.category.en()), l.t(i.kind.zh(), i.kind.en()), l.t(i.status.zh(), i.status.en()))}
                        </p>
                        <table class="fields">
                            <tr><th>{l.t("发生时间", "When")}</th><td>{when(i.at_ms)}</td></tr>
                            <tr><th>{l.t("位置", "Where")}</th><td>{format!("{:.5}, {:.5}", i.point.lon, i.point.lat)}{if i.area.is_some() { l.t("（已圈定影响范围）", " (affected area drawn)") } else { "" }}</td></tr>
                            <tr><th>{l.t("伤亡与受影响", "Toll")}</th><td id="incident-toll">{format!("{} {} · {} {} · {} {} · {} {}",
                                l.t("死亡", "dead"), i.toll.dead, l.t("受伤", "injured"), i.toll.injured,
                                l.t("失联", "missing"), i.toll.missing, l.t("受影响", "affected"), i.toll.affected)}</td></tr>
                            <tr><th>{l.t("记录人", "Recorded by")}</th><td>{i.created_by.clone()}</td></tr>
                        </table>
                        {match pane.get() {
                            Pane::Overview => view! {
                                <h3>{l.t("现场指挥决策", "Command decisions")}</h3>
                                <ul class="decisions" id="decisions">
                                    {f.decisions.iter().map(|d| {
                                        let did = d.id.to_string();
                                        let attr_id = did.clone();
                                        view! {
                                            <li data-id=attr_id data-state=d.state.code()>
                                                <button on:click=move |_| pane.set(Pane::Decision(did.clone()))>
                                                    <span class="number">{crate::decision::number_or_draft(&d.number, lang.get())}</span>
                                                    <span class="state" data-state=d.state.code()>{l.t(d.state.zh(), d.state.en())}</span>
                                                </button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                                {writes.then(|| view! {
                                <button id="decision-new" class="pick" on:click=move |_| pane.set(Pane::Draft(None))>
                                    {l.t("按预案模板起草决策", "Draft a decision from the plan's template")}
                                </button>
                                <button id="evacuation-new" class="pick danger" on:click=move |_| pane.set(Pane::Evacuation)>
                                    {l.t("紧急撤离令", "Emergency evacuation order")}
                                </button>
                                })}
                                <h3>{l.t("续报", "Updates (续报)")}</h3>
                                <ol class="log" id="incident-log">
                                    {f.log.iter().map(|e| view! {
                                        <li><small>{format!("{} · {}", when(e.at_ms), e.author)}</small><br/>{e.text.clone()}</li>
                                    }).collect_view()}
                                </ol>
                                {if writes {
                                    view! {
                                <form class="log-form" on:submit=move |ev| { ev.prevent_default(); add_log(); }>
                                    <textarea id="log-text" rows="2" placeholder=l.t("新掌握的情况…", "What is now known…")
                                        prop:value=move || log_text.get() on:input=move |ev| log_text.set(event_target_value(&ev))></textarea>
                                    <TollInputs prefix="log-toll" toll=log_toll/>
                                    <button id="log-add" type="submit">{l.t("添加续报", "Add update")}</button>
                                </form>
                                    }.into_any()
                                } else {
                                    view! { <p class="muted" id="read-only">{l.t("观察员只能查看，不能起草决策或添加续报", "An observer reads only: no drafting, no updates")}</p> }.into_any()
                                }}
                                <div class="buttons editor">
                                    <button id="incident-pdf" on:click=move |_| print()>{l.t("打印事件态势简报（PDF）", "Print the incident briefing (PDF)")}</button>
                                </div>
                            }.into_any(),
                            Pane::Draft(draft) => view! {
                                <DecisionEditor incident=incident draft=draft.map(|d| *d) issued=issued
                                    on_saved=move |d: Decision| { reload(); pane.set(Pane::Decision(d.id.to_string())) }
                                    on_cancel=move || { reload(); pane.set(Pane::Overview) }/>
                            }.into_any(),
                            Pane::Evacuation => view! {
                                <DecisionEditor incident=incident draft=None issued=issued evacuation=true
                                    on_saved=move |d: Decision| { reload(); pane.set(Pane::Decision(d.id.to_string())) }
                                    on_cancel=move || { reload(); pane.set(Pane::Overview) }/>
                            }.into_any(),
                            Pane::Decision(did) => view! {
                                <DecisionPanel id=did
                                    on_changed=move || reload()
                                    on_edit=move |d: Decision| pane.set(Pane::Draft(Some(Box::new(d))))
                                    on_back=move || { shared.open_decision.set(None); pane.set(Pane::Overview) }/>
                            }.into_any(),
                        }}
                    }.into_any()
                }
            }}
            {move || error.get().map(|e| view! { <p class="error" id="incident-panel-error">{e}</p> })}
            {move || printout.get().map(|p| view! {
                <p class="printout" id="printout" data-bytes=p.bytes>{move || lang.get().t("已生成：", "Written: ")}{p.path.clone()}</p>
            })}
        </aside>
    }
}
