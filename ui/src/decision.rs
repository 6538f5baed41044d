//! A 现场指挥决策 in the window: the editor (from the incident kind's template, orders to named
//! teams, materials from named depots, drawings on the map) and the decision panel (the document,
//! its review, approval, issue and acknowledgements, with the actions the user's role allows).

use crate::i18n::Lang;
use crate::incident::{when, Printout};
use crate::stock::StockRow;
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;
use yitu_domain::command::act::Act;
use yitu_domain::command::decision::{
    Basis, Content, Decision, Drawing, DrawingKind, ExceptionKind, MaterialDraw, Order, OrderClass,
    Recipient, Relocation,
};
use yitu_domain::command::incident::Incident;
use yitu_domain::command::workflow::{self, Action, DecisionState};
use yitu_domain::registries::resource::Resource;
use yitu_domain::registries::team::{Readiness, Specialty};
use yitu_domain::stock::material::MaterialCode;
use yitu_domain::{EntityId, Layer};
use yitu_ipc::call;
use yitu_ipc::decision::{DecisionView, HistoryRow, VerifyReport};
use yitu_ui_state::sketch::{self, Purpose, Sketch};
use yitu_ui_state::MapTool;

/// One order as the form holds it (text until saved).
#[derive(Debug, Clone, Default, PartialEq)]
struct OrderRow {
    recipient: String,
    action: String,
    place: String,
    deadline: String,
}

/// People to move to a shelter, as the form holds them.
#[derive(Debug, Clone, Default, PartialEq)]
struct RelocationRow {
    shelter: String,
    people: String,
    from: String,
}

/// One material draw as the form holds it.
#[derive(Debug, Clone, Default, PartialEq)]
struct MaterialRow {
    depot: String,
    code: String,
    quantity: String,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The nearest standby team of a specialty to a point: who a template's order goes to first.
fn nearest_standby(
    teams: &[Resource],
    specialty: Specialty,
    at: yitu_domain::LonLat,
) -> Option<String> {
    teams
        .iter()
        .filter_map(|r| match r {
            Resource::Team(t)
                if t.status == Readiness::Standby && t.specialties.contains(&specialty) =>
            {
                Some((t.location.distance_m(at), t.name.clone()))
            }
            _ => None,
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name)
}

/// Drafts a new decision from the template, or edits a draft.
#[component]
pub fn DecisionEditor(
    incident: Incident,
    draft: Option<Decision>,
    /// The incident's issued decisions, any of which this one may replace.
    issued: Vec<(String, String)>,
    on_saved: impl Fn(Decision) + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
    /// A new 紧急撤离 order rather than the kind's template.
    #[prop(optional)]
    evacuation: bool,
) -> impl IntoView {
    let shared = crate::context::shared();
    let (lang, records, drawings, tool) =
        (shared.lang, shared.records, shared.drawings, shared.tool);
    let situation = RwSignal::new(String::new());
    let objectives = RwSignal::new(String::new());
    let safety = RwSignal::new(String::new());
    let orders = RwSignal::new(Vec::<OrderRow>::new());
    let materials = RwSignal::new(Vec::<MaterialRow>::new());
    let relocations = RwSignal::new(Vec::<RelocationRow>::new());
    let supersedes = RwSignal::new(None::<EntityId>);
    let class = RwSignal::new(OrderClass::Administrative);
    let own_drawings = RwSignal::new(Vec::<Drawing>::new());
    let basis = RwSignal::new(Basis::default());
    let (note, set_note) = signal(None::<String>);
    let (error, set_error) = signal(None::<String>);
    // Each depot's stock lines, read when the depot is chosen.
    let stock = RwSignal::new(BTreeMap::<String, Vec<StockRow>>::new());
    let (ready, set_ready) = signal(false);
    let team_names: Vec<String> = records.with_value(|all| {
        all.get(&Layer::Teams)
            .map(|v| v.iter().map(|r| r.name().to_owned()).collect())
            .unwrap_or_default()
    });
    let depots: Vec<(String, String)> = records.with_value(|all| {
        all.get(&Layer::Depots)
            .map(|v| {
                v.iter()
                    .map(|r| (r.id().to_string(), r.name().to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    });
    let shelters: Vec<(String, String)> = records.with_value(|all| {
        all.get(&Layer::Shelters)
            .map(|v| {
                v.iter()
                    .map(|r| (r.id().to_string(), r.name().to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    });
    let experts: Vec<(String, String)> = records.with_value(|all| {
        all.get(&Layer::Experts)
            .map(|v| {
                v.iter()
                    .map(|r| (r.id().to_string(), r.name().to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    });
    let draft_id = draft.as_ref().map(|d| d.id.to_string());
    let fill = move |c: Content| {
        situation.set(c.situation.clone());
        objectives.set(c.objectives.join("\n"));
        safety.set(c.safety.join("\n"));
        orders.set(
            c.orders
                .iter()
                .map(|o| OrderRow {
                    recipient: o.recipient.name.clone(),
                    action: o.action.clone(),
                    place: o.place.clone(),
                    deadline: o.deadline.clone(),
                })
                .collect(),
        );
        materials.set(
            c.materials
                .iter()
                .map(|m| MaterialRow {
                    depot: m.depot_id.to_string(),
                    code: m.code.as_str().to_owned(),
                    quantity: m.quantity.to_string(),
                })
                .collect(),
        );
        relocations.set(
            c.relocations
                .iter()
                .map(|r| RelocationRow {
                    shelter: r.shelter_id.to_string(),
                    people: r.people.to_string(),
                    from: r.from.clone(),
                })
                .collect(),
        );
        supersedes.set(c.supersedes);
        class.set(c.class);
        own_drawings.set(c.drawings.clone());
        basis.set(c.basis.clone());
        set_ready.set(true);
    };
    match draft {
        Some(d) => fill(d.content),
        None if evacuation => {
            set_note.set(Some(
                "紧急撤离令：保存后由指挥长或技术指挥官“紧急处置签发”，事后补审核 / An evacuation order: save it, then sign it at once (urgent); the review follows".to_owned(),
            ));
            fill(yitu_domain::command::template::evacuation(&incident));
        }
        None => {
            let incident = incident.clone();
            spawn_local(async move {
                let id = incident.id.to_string();
                match invoke(&call::DecisionTemplate { incident: id }).await {
                    Ok(mut content) => {
                        // The kind's template says which orders call for which specialty.
                        let template = yitu_domain::command::template::for_kind(incident.kind);
                        // Orders that call for a specialty go to the nearest standby team of it.
                        let teams = records
                            .with_value(|all| all.get(&Layer::Teams).cloned().unwrap_or_default());
                        for (o, t) in content.orders.iter_mut().zip(&template.orders) {
                            if let Some(name) = t
                                .specialty
                                .and_then(|s| nearest_standby(&teams, s, incident.point))
                            {
                                o.recipient.name = name;
                            }
                        }
                        set_note.set(template.note.map(str::to_owned));
                        fill(content);
                    }
                    Err(e) => set_error.set(Some(e.message)),
                }
            });
        }
    }
    let load_stock = move |depot: String| {
        if depot.is_empty() || stock.with_untracked(|s| s.contains_key(&depot)) {
            return;
        }
        spawn_local(async move {
            if let Ok(rows) = invoke(&call::DepotStock { id: depot.clone() }).await {
                stock.update(|s| {
                    s.insert(depot, rows);
                });
            }
        });
    };
    // Stock lines of depots already chosen (an edited draft) are read at once.
    Effect::new(move |_| {
        for m in materials.get() {
            load_stock(m.depot.clone());
        }
    });
    let drawing_kind = move || {
        tool.with(|t| match t.sketching() {
            Some(Purpose::Drawing(k)) => Some(k),
            _ => None,
        })
    };
    let finish_drawing = move || {
        let Some(s) = shared.act(|w| w.tool.take_sketch()) else {
            return;
        };
        let Purpose::Drawing(kind) = s.purpose else {
            return;
        };
        if !s.complete() {
            return;
        }
        let geometry = serde_json::from_value(sketch::geometry(s.purpose, &s.points))
            .expect("a drawn shape is GeoJSON");
        let d = Drawing {
            kind,
            label: kind.zh().to_owned(),
            geometry,
        };
        own_drawings.update(|v| v.push(d.clone()));
        drawings.update(|v| v.push(d));
    };
    let content = move || -> Result<Content, String> {
        let teams = records.with_value(|all| all.get(&Layer::Teams).cloned().unwrap_or_default());
        let orders = orders
            .get_untracked()
            .into_iter()
            .map(|o| {
                let name = o.recipient.trim().to_owned();
                // A registered team is linked by id; any other unit is named.
                let id = teams.iter().find(|r| r.name() == name).map(Resource::id);
                Order {
                    recipient: Recipient { id, name },
                    action: o.action.trim().to_owned(),
                    place: o.place.trim().to_owned(),
                    geometry: None,
                    deadline: o.deadline.trim().to_owned(),
                }
            })
            .collect();
        let mut draws = Vec::new();
        for (i, m) in materials.get_untracked().into_iter().enumerate() {
            let row = i + 1;
            let depot_id = EntityId::parse(&m.depot).map_err(|_| {
                format!("物资第 {row} 行：请选择储备库 / material line {row}: choose a depot")
            })?;
            let code = MaterialCode::parse(&m.code)
                .map_err(|e| format!("物资第 {row} 行 / material line {row}: {e}"))?;
            let quantity = m.quantity.trim().parse::<i64>().map_err(|_| format!("物资第 {row} 行：数量须为整数 / material line {row}: the quantity must be a whole number"))?;
            draws.push(MaterialDraw {
                depot_id,
                code,
                quantity,
                name: String::new(),
                depot_name: String::new(),
                unit: String::new(),
            });
        }
        let mut moves = Vec::new();
        for (i, r) in relocations.get_untracked().into_iter().enumerate() {
            let row = i + 1;
            let shelter_id = EntityId::parse(&r.shelter).map_err(|_| {
                format!("转移第 {row} 行：请选择避难场所 / relocation line {row}: choose a shelter")
            })?;
            let people = r.people.trim().parse::<u32>().map_err(|_| format!("转移第 {row} 行：人数须为正整数 / relocation line {row}: people must be a whole number"))?;
            moves.push(Relocation {
                shelter_id,
                people,
                shelter_name: String::new(),
                from: r.from.trim().to_owned(),
            });
        }
        Ok(Content {
            class: class.get_untracked(),
            situation: situation.get_untracked().trim().to_owned(),
            objectives: lines(&objectives.get_untracked()),
            orders,
            materials: draws,
            relocations: moves,
            safety: lines(&safety.get_untracked()),
            basis: basis.get_untracked(),
            drawings: own_drawings.get_untracked(),
            supersedes: supersedes.get_untracked(),
        })
    };
    let incident_id = incident.id.to_string();
    let save = move || {
        let content = match content() {
            Ok(c) => c,
            Err(e) => return set_error.set(Some(e)),
        };
        let incident_id = incident_id.clone();
        let draft_id = draft_id.clone();
        spawn_local(async move {
            let r = match &draft_id {
                Some(id) => {
                    invoke(&call::EditDraft {
                        id: id.clone(),
                        content,
                    })
                    .await
                }
                None => {
                    invoke(&call::DraftDecision {
                        incident: incident_id,
                        content,
                    })
                    .await
                }
            };
            match r {
                Ok(d) => on_saved(d),
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    let save = StoredValue::new(save);
    let depots = StoredValue::new(depots);
    let shelters = StoredValue::new(shelters);
    view! {
        <div class="decision-editor editor" id="decision-editor" data-ready=move || ready.get().to_string()>
            <h3>{move || lang.get().t("起草现场指挥决策", "Draft a command decision")}</h3>
            {move || note.get().map(|n| view! { <p class="muted">{n}</p> })}
            <datalist id="team-names">{team_names.into_iter().map(|n| view! { <option value=n></option> }).collect_view()}</datalist>
            <label>{move || lang.get().t("情况", "Situation")}
                <textarea id="d-situation" rows="3" prop:value=move || situation.get() on:input=move |ev| situation.set(event_target_value(&ev))></textarea>
            </label>
            <label>{move || lang.get().t("处置目标（每行一条）", "Objectives (one per line)")}
                <textarea id="d-objectives" rows="3" prop:value=move || objectives.get() on:input=move |ev| objectives.set(event_target_value(&ev))></textarea>
            </label>
            <h4>{move || lang.get().t("指令", "Orders")}</h4>
            <div class="orders" id="d-orders">
                {move || orders.get().into_iter().enumerate().map(|(i, o)| view! {
                    <div class="order" data-index=i>
                        <input class="o-recipient" list="team-names" placeholder=move || lang.get().t("接收队伍/单位", "To (team or unit)")
                            prop:value=o.recipient.clone() on:input=move |ev| { let v = event_target_value(&ev); orders.update_untracked(|r| r[i].recipient = v) }/>
                        <input class="o-action" placeholder=move || lang.get().t("任务", "Action")
                            prop:value=o.action.clone() on:input=move |ev| { let v = event_target_value(&ev); orders.update_untracked(|r| r[i].action = v) }/>
                        <input class="o-place" placeholder=move || lang.get().t("地点", "Place")
                            prop:value=o.place.clone() on:input=move |ev| { let v = event_target_value(&ev); orders.update_untracked(|r| r[i].place = v) }/>
                        <input class="o-deadline" placeholder=move || lang.get().t("时限", "By when")
                            prop:value=o.deadline.clone() on:input=move |ev| { let v = event_target_value(&ev); orders.update_untracked(|r| r[i].deadline = v) }/>
                        <button class="o-remove" title="删除 / Remove" on:click=move |_| orders.update(|r| { r.remove(i); })>"×"</button>
                    </div>
                }).collect_view()}
            </div>
            <button id="order-add" on:click=move |_| orders.update(|r| r.push(OrderRow::default()))>{move || lang.get().t("＋ 指令", "+ Order")}</button>
            <h4>{move || lang.get().t("调用物资（下达时预留）", "Materials (reserved on issue)")}</h4>
            <div class="materials" id="d-materials">
                {move || materials.get().into_iter().enumerate().map(|(i, m)| {
                    let chosen = m.depot.clone();
                    let lines_of = chosen.clone();
                    view! {
                        <div class="material" data-index=i>
                            <select class="m-depot" on:change=move |ev| {
                                let v = event_target_value(&ev);
                                load_stock(v.clone());
                                materials.update(|r| { r[i].depot = v; r[i].code = String::new(); });
                            }>
                                <option value="">{move || lang.get().t("储备库…", "Depot…")}</option>
                                {depots.get_value().into_iter().map(|(id, name)| {
                                    let sel = id == chosen;
                                    view! { <option value=id selected=sel>{name}</option> }
                                }).collect_view()}
                            </select>
                            <select class="m-code" on:change=move |ev| { let v = event_target_value(&ev); materials.update_untracked(|r| r[i].code = v) }>
                                <option value="">{move || lang.get().t("物资…", "Material…")}</option>
                                {move || stock.with(|s| s.get(&lines_of).cloned().unwrap_or_default()).into_iter().map(|row| {
                                    let sel = materials.with_untracked(|r| r.get(i).map(|m| m.code == row.code).unwrap_or(false));
                                    let free = row.balance.on_hand - row.balance.reserved;
                                    view! { <option value=row.code.clone() selected=sel>{format!("{} {}（可用 {} {}）", row.code, row.name, free, row.unit)}</option> }
                                }).collect_view()}
                            </select>
                            <input class="m-qty" type="number" min="1" placeholder=move || lang.get().t("数量", "Qty")
                                prop:value=m.quantity.clone() on:input=move |ev| { let v = event_target_value(&ev); materials.update_untracked(|r| r[i].quantity = v) }/>
                            <button class="m-remove" title="删除 / Remove" on:click=move |_| materials.update(|r| { r.remove(i); })>"×"</button>
                        </div>
                    }
                }).collect_view()}
            </div>
            <button id="material-add" on:click=move |_| materials.update(|r| r.push(MaterialRow::default()))>{move || lang.get().t("＋ 物资", "+ Material")}</button>
            <h4>{move || lang.get().t("转移安置（下达时预留场所容量）", "People to move (shelter places reserved on issue)")}</h4>
            <div class="materials" id="d-relocations">
                {move || relocations.get().into_iter().enumerate().map(|(i, r)| {
                    let chosen = r.shelter.clone();
                    view! {
                        <div class="material relocation" data-index=i>
                            <select class="r-shelter" on:change=move |ev| { let v = event_target_value(&ev); relocations.update_untracked(|r| r[i].shelter = v) }>
                                <option value="">{move || lang.get().t("避难场所…", "Shelter…")}</option>
                                {shelters.get_value().into_iter().map(|(id, name)| {
                                    let sel = id == chosen;
                                    view! { <option value=id selected=sel>{name}</option> }
                                }).collect_view()}
                            </select>
                            <input class="r-from" placeholder=move || lang.get().t("从何处", "From")
                                prop:value=r.from.clone() on:input=move |ev| { let v = event_target_value(&ev); relocations.update_untracked(|r| r[i].from = v) }/>
                            <input class="r-people" type="number" min="1" placeholder=move || lang.get().t("人数", "People")
                                prop:value=r.people.clone() on:input=move |ev| { let v = event_target_value(&ev); relocations.update_untracked(|r| r[i].people = v) }/>
                            <button class="r-remove" title="删除 / Remove" on:click=move |_| relocations.update(|r| { r.remove(i); })>"×"</button>
                        </div>
                    }
                }).collect_view()}
            </div>
            <button id="relocation-add" on:click=move |_| relocations.update(|r| r.push(RelocationRow::default()))>{move || lang.get().t("＋ 转移", "+ Relocation")}</button>
            <label>{move || lang.get().t("安全措施（每行一条）", "Safety measures (one per line)")}
                <textarea id="d-safety" rows="2" prop:value=move || safety.get() on:input=move |ev| safety.set(event_target_value(&ev))></textarea>
            </label>
            <h4>{move || lang.get().t("依据", "Basis")}</h4>
            <ul class="clauses">{move || basis.get().plan_clauses.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
            <select id="d-expert" on:change=move |ev| {
                let v = event_target_value(&ev);
                basis.update(|b| b.expert_id = EntityId::parse(&v).ok());
            }>
                <option value="">{move || lang.get().t("咨询专家（可选）", "Expert consulted (optional)")}</option>
                {experts.into_iter().map(|(id, name)| {
                    let eid = id.clone();
                    view! { <option value=id selected=move || basis.with(|b| b.expert_id.map(|x| x.to_string()) == Some(eid.clone()))>{name}</option> }
                }).collect_view()}
            </select>
            <textarea id="d-advice" rows="2" placeholder=move || lang.get().t("专家意见", "Expert advice")
                prop:value=move || basis.get().expert_advice on:input=move |ev| { let v = event_target_value(&ev); basis.update_untracked(|b| b.expert_advice = v) }></textarea>
            <h4>{move || lang.get().t("标绘", "Drawings")}</h4>
            <ul class="drawings" id="d-drawings">
                {move || own_drawings.get().into_iter().enumerate().map(|(i, d)| view! {
                    <li data-kind=d.kind.code()>{move || lang.get().t(d.kind.zh(), d.kind.en())}
                        <button title="删除 / Remove" on:click=move |_| own_drawings.update(|v| { v.remove(i); })>"×"</button></li>
                }).collect_view()}
            </ul>
            <div class="draw-buttons">
                {[DrawingKind::Cordon, DrawingKind::Staging, DrawingKind::Route].into_iter().map(|k| view! {
                    <button id=format!("draw-{}", k.code()) class:active=move || drawing_kind() == Some(k) on:click=move |_| {
                        if drawing_kind() == Some(k) { finish_drawing() } else { shared.act(|w| w.tool = MapTool::Sketch(Sketch::new(Purpose::Drawing(k)))) }
                    }>
                        {move || if drawing_kind() == Some(k) {
                            format!("{}（{}）", lang.get().t("完成", "Finish"), tool.with(|t| t.sketch().map_or(0, |s| s.points.len())))
                        } else {
                            lang.get().t(k.zh(), k.en()).to_owned()
                        }}
                    </button>
                }).collect_view()}
            </div>
            <label>{move || lang.get().t("指令类别（技术类由技术指挥官签发，行政类由指挥长签发）", "Class (technical: signed by the technical officer; administrative: by the commander)")}
                <select id="d-class" on:change=move |ev| class.set(OrderClass::from_code(&event_target_value(&ev)).unwrap_or_default())>
                    {OrderClass::ALL.iter().map(|&k| view! {
                        <option value=k.code() selected=move || class.get() == k>{move || lang.get().t(k.zh(), k.en()).to_owned()}</option>
                    }).collect_view()}
                </select>
            </label>
            {(!issued.is_empty()).then(|| view! {
                <label>{move || lang.get().t("替代已下达的决策（下达时生效）", "Replaces an issued decision (when issued)")}
                    <select id="d-supersedes" on:change=move |ev| supersedes.set(EntityId::parse(&event_target_value(&ev)).ok())>
                        <option value="">{move || lang.get().t("不替代", "None")}</option>
                        {issued.into_iter().map(|(id, number)| {
                            let sid = id.clone();
                            view! { <option value=id selected=move || supersedes.get().map(|x| x.to_string()) == Some(sid.clone())>{number}</option> }
                        }).collect_view()}
                    </select>
                </label>
            })}
            <div class="buttons">
                <button id="decision-save" on:click=move |_| save.with_value(|s| s())>{move || lang.get().t("保存草稿", "Save draft")}</button>
                <button id="decision-cancel" on:click=move |_| { shared.act(|w| w.tool.end_sketch()); on_cancel() }>{move || lang.get().t("取消", "Cancel")}</button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" id="decision-error">{e}</p> })}
        </div>
    }
}

/// The decision panel: the document and the actions the logged-in user's role allows now.
#[component]
pub fn DecisionPanel(
    id: String,
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
    on_edit: impl Fn(Decision) + Copy + Send + Sync + 'static,
    on_back: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let shared = crate::context::shared();
    let (lang, user) = (shared.lang, shared.user);
    let (view_, set_view) = signal(None::<Result<DecisionView, String>>);
    let (error, set_error) = signal(None::<String>);
    let (printout, set_printout) = signal(None::<Printout>);
    let (verified, set_verified) = signal(None::<VerifyReport>);
    let advice = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let id = StoredValue::new(id);
    // Read again whenever the store changed under the window: an act pulled from another desk
    // shows here without reopening the panel.
    let changed = shared.changed;
    Effect::new(move |_| {
        changed.track();
        spawn_local(async move {
            let id = id.get_value();
            let r = invoke(&call::DecisionView { id })
                .await
                .map_err(|e| e.message);
            set_view.set(Some(r));
        });
    });
    let act = move |a: Act| {
        spawn_local(async move {
            let id = id.get_value();
            match invoke(&call::DecisionAct { id, act: a }).await {
                Ok(v) => {
                    set_error.set(None);
                    set_view.set(Some(Ok(v)));
                    shared.acted.update(|n| *n += 1);
                    on_changed();
                }
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    // Offered only when the role may take it in this state; the store decides again.
    let allowed = move |d: &Decision, action: Action| {
        user.with(|u| {
            u.as_ref()
                .is_some_and(|u| workflow::transition_of(d, action, u.role).is_ok())
        })
    };
    let urgent_reason = RwSignal::new(String::new());
    view! {
        <div class="decision-panel" id="decision-panel">
            <button class="back" id="decision-back" on:click=move |_| on_back()>{move || lang.get().t("← 返回事件", "← Back to the incident")}</button>
            {move || match view_.get() {
                None => view! { <p class="muted">{lang.get().t("读取中…", "Loading…")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
                Some(Ok(v)) => {
                    let l = lang.get();
                    let d = v.decision.clone();
                    let c = d.content.clone();
                    let state = d.state;
                    let acked: Vec<String> = v.acknowledgements.iter().map(|a| a.recipient.clone()).collect();
                    let for_edit = d.clone();
                    let may = |action: Action| allowed(&d, action);
                    let urgent = matches!(&d.exception, Some(e) if e.kind == ExceptionKind::Urgent);
                    let moves = v.acknowledgements.clone();
                    view! {
                        <h3 id="decision-number">{number_or_draft(&d.number, l)}</h3>
                        <p><span class="state" id="decision-state" data-state=state.code()>{l.t(state.zh(), state.en())}</span>
                            " "<span class="class" id="decision-class" data-class=c.class.code()>{l.t(c.class.zh(), c.class.en())}</span>
                            {format!(" · {} {} {}{}", l.t("起草", "drafted by"), d.drafted.by, when(d.drafted.at_ms), v.history.first().filter(|h| !h.desk.is_empty()).map(|h| format!("〔{}{}〕", l.t("终端 ", "desk "), h.desk)).unwrap_or_default())}</p>
                        {d.exception.as_ref().map(|e| view! {
                            <p class="exception" id="decision-exception" data-kind=e.kind.code()>
                                <strong>{l.t(e.kind.zh(), e.kind.en())}</strong>
                                {format!("：{}（{} {}）", e.reason, e.by, when(e.at_ms))}
                                {(e.kind == ExceptionKind::Urgent && d.reviews.is_empty()).then(|| view! { <span class="muted">{l.t(" · 待事后审核", " · review to follow")}</span> })}
                            </p>
                        })}
                        <p class="situation">{c.situation.clone()}</p>
                        <h4>{l.t("处置目标", "Objectives")}</h4>
                        <ol>{c.objectives.iter().map(|o| view! { <li>{o.clone()}</li> }).collect_view()}</ol>
                        <h4>{l.t("指令", "Orders")}</h4>
                        <table class="stock orders-table" id="decision-orders">
                            <thead><tr><th>{l.t("接收", "To")}</th><th>{l.t("任务", "Action")}</th><th class="ack-col">{l.t("签收 / 到场", "Receipt / on scene")}</th></tr></thead>
                            <tbody>{c.orders.iter().map(|o| {
                                let ok = acked.contains(&o.recipient.name);
                                let m = moves.iter().find(|a| a.recipient == o.recipient.name);
                                let on_scene = match m.map(|a| (a.arrived_at_ms, a.left_at_ms)) {
                                    Some((_, Some(left))) => format!("{} {}", l.t("撤离", "left"), when(left)),
                                    Some((Some(at), None)) => format!("{} {}", l.t("到场", "arrived"), when(at)),
                                    _ if ok && state == DecisionState::Issued && o.recipient.id.is_some() => l.t("已出动", "deployed").to_owned(),
                                    _ => String::new(),
                                };
                                view! { <tr data-recipient=o.recipient.name.clone() data-acked=ok.to_string()>
                                    <td>{o.recipient.name.clone()}{o.recipient.id.map(|_| " ✓").unwrap_or("")}</td>
                                    <td>{o.action.clone()}{(!o.place.is_empty()).then(|| format!("（{}）", o.place))}{(!o.deadline.is_empty()).then(|| format!(" · {}", o.deadline))}</td>
                                    <td class="ack-col">{if ok { l.t("已签收", "yes") } else if state.is_signed() { l.t("待签收", "awaited") } else { "" }}
                                        <div class="on-scene">{on_scene}</div></td>
                                </tr> }
                            }).collect_view()}</tbody>
                        </table>
                        {(!c.materials.is_empty()).then(|| view! {
                            <h4>{l.t("调用物资", "Materials")}</h4>
                            <ul id="decision-materials">{c.materials.iter().map(|m| view! {
                                <li>{format!("{} · {} {} × {} {}", m.depot_name, m.code.as_str(), m.name, m.quantity, m.unit)}</li>
                            }).collect_view()}</ul>
                        })}
                        {(!c.safety.is_empty()).then(|| view! {
                            <h4>{l.t("安全措施", "Safety")}</h4>
                            <ul>{c.safety.iter().map(|s| view! { <li>{s.clone()}</li> }).collect_view()}</ul>
                        })}
                        <h4>{l.t("审核与批准", "Review and approval")}</h4>
                        <ul class="reviews" id="decision-reviews">
                            {d.reviews.iter().map(|r| {
                                let after = urgent && d.exception.as_ref().is_some_and(|e| r.at_ms >= e.at_ms);
                                view! {
                                    <li data-agree=r.agree.to_string()>{format!("{} {} · {}{}：{}", r.by, when(r.at_ms), if after { l.t("事后审核 ", "review afterwards: ") } else { "" }, if r.agree { l.t("同意", "agrees") } else { l.t("异议", "objects") }, r.advice)}</li>
                                }
                            }).collect_view()}
                            {match (d.approved.as_ref(), d.issued.as_ref()) {
                                (Some(a), Some(i)) if a == i => view! { <li id="decision-signer">{format!("{} {} {}", l.t("签发", "Signed by"), i.by, when(i.at_ms))}</li> }.into_any(),
                                (a, i) => view! {
                                    {a.map(|s| view! { <li>{format!("{} {} {}", l.t("批准", "Approved by"), s.by, when(s.at_ms))}</li> })}
                                    {i.map(|s| view! { <li id="decision-signer">{format!("{} {} {}", l.t("下达", "Issued by"), s.by, when(s.at_ms))}</li> })}
                                }.into_any(),
                            }}
                        </ul>
                        {(!v.concurrent.is_empty()).then(|| view! {
                            <div class="concurrent" id="decision-concurrent">
                                <h4>{l.t("两端同时操作", "Two desks at once")}</h4>
                                <ul>{v.concurrent.iter().map(|c| {
                                    let row = |t: &EntityId| v.history.iter().find(|h| h.transition == t.to_string()).map(|h| act_words(h, l)).unwrap_or_default();
                                    let kept = row(&c.kept);
                                    view! { <li data-rule=c.rule.code()>
                                        <div>{format!("① {}", row(&c.first))}</div>
                                        <div>{format!("② {}", row(&c.second))}</div>
                                        <div class="rule">{format!("{}{} → {}{}", l.t("规则：", "Rule: "), l.t(c.rule.zh(), c.rule.en()), l.t("保留 ", "kept "), kept)}</div>
                                    </li> }
                                }).collect_view()}</ul>
                            </div>
                        })}
                        {(!v.events.is_empty()).then(|| view! {
                            <p class="muted" id="decision-signed">{format!("{} {} {}", l.t("已签名入链", "Signed into the chain:"), v.events.len(), l.t("个事件", "events"))}</p>
                        })}
                        <div class="actions" id="decision-actions">
                            {user.get().is_none().then(|| view! { <p class="muted">{l.t("登录后按角色办理", "Log in to act in your role")}</p> })}
                            {may(Action::Edit).then(|| view! {
                                <button id="decision-edit" on:click=move |_| on_edit(for_edit.clone())>{l.t("修改草稿", "Edit the draft")}</button>
                            })}
                            {may(Action::ReviewAgree).then(|| view! {
                                <div class="review">
                                    <textarea id="review-advice" rows="2" placeholder=l.t("技术意见", "Technical advice")
                                        prop:value=move || advice.get() on:input=move |ev| advice.set(event_target_value(&ev))></textarea>
                                    <button id="review-agree" on:click=move |_| act(Act::Review { agree: true, advice: advice.get_untracked() })>{l.t("审核同意", "Agree")}</button>
                                    <button id="review-object" on:click=move |_| act(Act::Review { agree: false, advice: advice.get_untracked() })>{l.t("提出异议（退回）", "Object (send back)")}</button>
                                </div>
                            })}
                            {may(Action::Sign).then(|| view! {
                                <button id="sign" class="primary" on:click=move |_| act(Act::Sign)>{l.t("签发", "Sign and issue")}</button>
                            })}
                            {(state == DecisionState::Approved && may(Action::Issue) && !may(Action::Sign)).then(|| view! {
                                <button id="issue" on:click=move |_| act(Act::Issue)>{l.t("下达", "Issue")}</button>
                            })}
                            {(may(Action::Overrule) || (may(Action::Urgent) && state == DecisionState::Draft)).then(|| view! {
                                <div class="exception-act">
                                    <input id="urgent-reason" placeholder=l.t("理由（必填）", "Reason (required)")
                                        prop:value=move || urgent_reason.get() on:input=move |ev| urgent_reason.set(event_target_value(&ev))/>
                                    {may(Action::Overrule).then(|| view! {
                                        <button id="overrule" on:click=move |_| act(Act::Overrule { reason: urgent_reason.get_untracked() })>{l.t("否决异议并签发", "Overrule and sign")}</button>
                                    })}
                                    {(may(Action::Urgent) && state == DecisionState::Draft).then(|| view! {
                                        <button id="urgent" class="danger" on:click=move |_| act(Act::Urgent { reason: urgent_reason.get_untracked() })>{l.t("紧急处置签发", "Sign at once (urgent)")}</button>
                                    })}
                                </div>
                            })}
                            {may(Action::Acknowledge).then(|| v.awaiting.iter().map(|r| {
                                let r = r.clone();
                                let label = format!("{} {}", l.t("登记签收：", "Record receipt: "), r);
                                view! { <button class="ack" data-recipient=r.clone() on:click=move |_| act(Act::Acknowledge { recipient: r.clone() })>{label}</button> }
                            }).collect_view())}
                            {may(Action::Arrive).then(|| v.acknowledgements.iter().filter(|a| a.left_at_ms.is_none()).map(|a| {
                                let r = a.recipient.clone();
                                let (arrive, label) = if a.arrived_at_ms.is_none() {
                                    (true, format!("{} {}", l.t("登记到场：", "Arrived: "), r))
                                } else {
                                    (false, format!("{} {}", l.t("登记撤离：", "Left: "), r))
                                };
                                view! { <button class="move" data-recipient=r.clone() data-arrive=arrive.to_string() on:click=move |_| act(if arrive { Act::Arrive { recipient: r.clone() } } else { Act::Leave { recipient: r.clone() } })>{label}</button> }
                            }).collect_view())}
                            {may(Action::Complete).then(|| view! {
                                <button id="complete" on:click=move |_| act(Act::Complete)>{l.t("办结", "Complete")}</button>
                            })}
                            {may(Action::Withdraw).then(|| view! {
                                <div class="withdraw">
                                    <input id="withdraw-reason" placeholder=l.t("撤销原因", "Reason to withdraw")
                                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
                                    <button id="withdraw" on:click=move |_| act(Act::Withdraw { reason: reason.get_untracked() })>{l.t("撤销", "Withdraw")}</button>
                                </div>
                            })}
                        </div>
                        <h4>{l.t("办理记录", "History")}</h4>
                        <ol class="log" id="decision-history">
                            {v.history.iter().map(|h| view! {
                                <li data-outcome=h.outcome.clone()>{act_words(h, l)}
                                    {(h.outcome != "applied").then(|| view! { <small class="outcome">{format!(" 〔{}〕{}", outcome_words(&h.outcome, l), h.reason)}</small> })}
                                </li>
                            }).collect_view()}
                            {v.acknowledgements.iter().map(|a| view! {
                                <li data-unaware=a.unaware_of_withdrawal.to_string()><small>{format!("{} · {}", when(a.at_ms), a.recorded_by)}</small>{format!(" {} {}", l.t("登记签收", "receipt from"), a.recipient)}
                                    {a.unaware_of_withdrawal.then(|| view! { <strong class="error">{l.t("（签收时决策已在他端撤销，须告知接收单位）", " (acknowledged while withdrawn elsewhere: tell the recipient)")}</strong> })}
                                </li>
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }
            }}
            <div class="buttons editor">
                <button id="decision-pdf" on:click=move |_| {
                    spawn_local(async move {
                        let id = id.get_value();
                        match invoke(&call::DecisionPdf { id }).await {
                            Ok(p) => set_printout.set(Some(p)),
                            Err(e) => set_error.set(Some(e.message)),
                        }
                    });
                }>{move || lang.get().t("打印指令单（PDF）", "Print the order sheet (PDF)")}</button>
                <button id="verify" on:click=move |_| {
                    spawn_local(async move {
                        match invoke(&call::Verify {}).await {
                            Ok(r) => set_verified.set(Some(r)),
                            Err(e) => set_error.set(Some(e.message)),
                        }
                    });
                }>{move || lang.get().t("校验签名链", "Verify the chain")}</button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" id="act-error">{e}</p> })}
            {move || printout.get().map(|p| view! {
                <p class="printout" id="decision-printout" data-bytes=p.bytes>{move || lang.get().t("已生成：", "Written: ")}{p.path.clone()}</p>
            })}
            {move || verified.get().map(|r| {
                let l = lang.get();
                view! {
                    <p id="verify-result" data-ok=r.ok.to_string() class:error=!r.ok>
                        {if r.ok {
                            format!("{} {} {} · {} {}", l.t("签名链完整：", "Chain intact:"), r.events, l.t("个事件", "events"), r.decisions_checked, l.t("份决策核对一致", "decisions match"))
                        } else {
                            format!("{} {}", l.t("签名链断裂：", "Chain broken: "), r.first_broken.map(|b| b.to_string()).unwrap_or_default())
                        }}
                    </p>
                }
            })}
        </div>
    }
}

/// An order's number, or that it has none yet (a decision is numbered when it is signed).
pub fn number_or_draft(number: &str, l: Lang) -> String {
    if number.is_empty() {
        l.t("草稿（签发时编号）", "Draft (numbered when issued)")
            .to_owned()
    } else {
        number.to_owned()
    }
}

/// One act as the sheet says it: when, who, on which desk, what, and its note.
fn act_words(h: &HistoryRow, l: Lang) -> String {
    let action = Action::from_code(&h.action)
        .map(|a| l.t(a.zh(), a.en()).to_owned())
        .unwrap_or_else(|_| match h.action.as_str() {
            "draft" => l.t("起草", "Drafted").to_owned(),
            other => other.to_owned(),
        });
    let desk = if h.desk.is_empty() {
        String::new()
    } else {
        format!("〔{}{}〕", l.t("终端 ", "desk "), h.desk)
    };
    let note = if h.note.is_empty() {
        String::new()
    } else {
        format!("：{}", h.note)
    };
    format!("{} · {}{} {}{}", when(h.at_ms), h.actor, desk, action, note)
}

fn outcome_words(code: &str, l: Lang) -> &'static str {
    match code {
        "void" => l.t("未生效", "not applied"),
        "recorded" => l.t("照录在案", "kept on record"),
        _ => l.t("已生效", "applied"),
    }
}
