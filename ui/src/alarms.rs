//! 告警: the top bar's button (how many alarms are open, red while any is 未确认) and the alarm
//! board: every alarm with its station, rule, colour, when it was raised and at what value,
//! its state and its log, what is overdue first and marked; and what a duty officer does
//! about one — 确认, 叫应 (whom, phone, role, answered, a note; the watched hazard's
//! 群测群防员 filled in), 升级 (to whom, why), 解除 (why) — each a step sent to the shell as the logged-in user,
//! whose reply is the board after it. A refusal (nobody logged in) shows the shell's words.

use crate::context::shared;
use crate::i18n::Lang;
use crate::map;
use crate::monitoring::{minutes, short_time, value, LevelChip};
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use yitu_domain::monitoring::{AlarmState, Entry, Step};
use yitu_domain::registries::resource::Resource;
use yitu_domain::{EntityId, Layer};
use yitu_ipc::call;
use yitu_ipc::monitoring::AlarmView;
use yitu_ui_state::{board, Side, Window};

/// The top bar's 告警 button.
#[component]
pub fn AlarmButton() -> impl IntoView {
    let shared = shared();
    let lang = shared.lang;
    let counted = Memo::new(move |_| {
        shared.monitoring.with(|m| {
            m.as_ref().map_or((0, false), |m| {
                let alarms: Vec<_> = m.alarms.iter().map(|a| a.alarm.clone()).collect();
                board::count(&alarms)
            })
        })
    });
    view! {
        <button id="alarms-open" class="alarms-button"
            class:unseen=move || counted.get().1
            class:some=move || { counted.get().0 > 0 }
            class:active=move || shared.side.with(Side::alarms)
            data-count=move || counted.get().0.to_string()
            data-unseen=move || counted.get().1.to_string()
            title=move || lang.get().t("告警处置（监测站报警）", "Alarm board (monitoring stations)")
            on:click=move |_| shared.act(Window::toggle_alarms)>
            {move || format!("{} {}", lang.get().t("告警", "Alarms"), counted.get().0)}
        </button>
    }
}

/// Which form is open under an alarm.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Form {
    Call,
    Escalate,
    Clear,
}

/// What the 叫应 form holds.
#[derive(Clone, Copy)]
struct CallForm {
    who: RwSignal<String>,
    phone: RwSignal<String>,
    role: RwSignal<String>,
    answered: RwSignal<bool>,
    note: RwSignal<String>,
}

/// The 群测群防员 of the first hazard a station watches, from the loaded records.
fn watcher(code: &str) -> Option<(String, String)> {
    let shared = shared();
    let watches = shared.monitoring.with_untracked(|m| {
        m.as_ref()?
            .stations
            .iter()
            .find(|s| s.station.code == code)
            .map(|s| s.station.watches.clone())
    })?;
    shared.records.with_value(|all| {
        all.get(&Layer::Hazards)?.iter().find_map(|r| match r {
            Resource::Hazard(h) if watches.contains(&h.id) && !h.monitor.trim().is_empty() => {
                Some((h.monitor.clone(), h.monitor_phone.clone()))
            }
            _ => None,
        })
    })
}

/// One line of an alarm's log.
fn log_line(e: &Entry, unit: &str, l: Lang) -> String {
    let at = short_time(e.at_ms());
    match e {
        Entry::Level(c) => format!(
            "{at} {} {} {unit}",
            l.t(c.level.zh(), c.level.en()),
            value(c.value)
        ),
        Entry::AutoCleared { value: v, .. } => format!(
            "{at} {}（{} {unit}）",
            l.t("回落，自动解除", "fell back, cleared"),
            value(*v)
        ),
        Entry::Step(Step::Acknowledged { by, .. }) => {
            format!("{at} {by} {}", l.t("确认", "acknowledged"))
        }
        Entry::Step(Step::Called {
            who,
            phone,
            role,
            answered,
            note,
            ..
        }) => {
            let answered = if *answered {
                l.t("已应答", "answered")
            } else {
                l.t("未应答", "no answer")
            };
            let note = if note.is_empty() {
                String::new()
            } else {
                format!("：{note}")
            };
            format!(
                "{at} {} {who}（{role} {phone}）{answered}{note}",
                l.t("叫应", "called")
            )
        }
        Entry::Step(Step::Escalated { to, reason, .. }) => {
            format!("{at} {} {to} {reason}", l.t("升级至", "escalated to"))
        }
        Entry::Step(Step::Cleared { by, reason, .. }) => {
            format!("{at} {by} {}：{reason}", l.t("人工解除", "cleared"))
        }
    }
}

#[component]
pub fn AlarmBoard(on_close: impl Fn() + Copy + 'static) -> impl IntoView {
    let shared = shared();
    let lang = shared.lang;
    let (error, set_error) = signal(None::<String>);
    let form = RwSignal::new(None::<(EntityId, Form)>);
    let call_form = CallForm {
        who: RwSignal::new(String::new()),
        phone: RwSignal::new(String::new()),
        role: RwSignal::new(String::new()),
        answered: RwSignal::new(true),
        note: RwSignal::new(String::new()),
    };
    let reason = RwSignal::new(String::new());
    let escalate_to = RwSignal::new(String::new());
    // The board is read afresh when it opens.
    crate::monitoring::refresh(shared);
    let by = move || {
        shared
            .user
            .get_untracked()
            .map(|a| a.name)
            .unwrap_or_default()
    };
    let now = || js_sys::Date::now() as i64;
    let send = move |step: Step| {
        spawn_local(async move {
            match invoke(&call::AlarmStep { step }).await {
                Ok(m) => {
                    shared.monitoring.set(Some(m));
                    form.set(None);
                    set_error.set(None);
                }
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    let open_call = move |alarm: EntityId, station: &str| {
        let (who, phone, role) = match watcher(station) {
            Some((who, phone)) => (who, phone, "群测群防员".to_owned()),
            None => (String::new(), String::new(), "镇街值班".to_owned()),
        };
        call_form.who.set(who);
        call_form.phone.set(phone);
        call_form.role.set(role);
        call_form.answered.set(true);
        call_form.note.set(String::new());
        form.set(Some((alarm, Form::Call)));
    };
    let fly = move |code: &str| {
        let at = shared.monitoring.with_untracked(|m| {
            m.as_ref()?
                .stations
                .iter()
                .find(|s| s.station.code == code)
                .map(|s| (s.station.location.lon, s.station.location.lat))
        });
        if let Some((lon, lat)) = at {
            shared.station_focus.set(Some(code.to_owned()));
            shared.with_map(|m| map::fly_to(m, lon, lat));
        }
    };
    let item = move |a: AlarmView, overdue: Option<(String, i64)>, l: Lang| {
        let e = a.alarm.episode.clone();
        let id = e.id;
        let (zh, en) = board::rule_words(e.rule, e.level());
        let unit = e.rule.unit();
        let state = a.alarm.state;
        let open = board::is_open(&a.alarm);
        let station = a.station_code.clone();
        let (s1, s2, s3) = (station.clone(), station.clone(), station.clone());
        let raised = format!(
            "{} {} · {} {unit}",
            l.t("触发", "raised"),
            short_time(e.raised_at_ms),
            value(e.raised_value)
        );
        let now_level = (e.level() != e.peak || e.changes.len() > 1).then(|| {
            format!(
                " · {} {}",
                l.t("现为", "now"),
                l.t(e.level().zh(), e.level().en())
            )
        });
        let late = overdue.is_some();
        let log = a
            .alarm
            .log
            .iter()
            .map(|entry| view! { <li>{log_line(entry, unit, l)}</li> })
            .collect_view();
        view! {
            <li class="alarm" class:overdue=late class:cleared=!open
                data-alarm=id.to_string() data-state=state.code() data-level=e.level().code()
                data-station=station.clone() data-rule=e.rule.code()>
                <div class="alarm-head" title=l.t("在地图上定位测站", "Show the station on the map")
                    on:click=move |_| fly(&s1)>
                    <LevelChip level=e.level()/>
                    <strong class="rule">{if l == Lang::Zh { zh } else { en }}</strong>
                    <span class="alarm-state" data-state=state.code()>{l.t(state.zh(), state.en())}</span>
                </div>
                <div class="alarm-station">{a.station_name.clone()}</div>
                <div class="alarm-facts">{raised}{now_level}</div>
                {overdue.map(|(kind, late_by)| view! {
                    <div class="overdue-note">{format!("{kind} {}", minutes(l, late_by))}</div>
                })}
                {open.then(|| view! {
                    <div class="alarm-actions">
                        {(state == AlarmState::Raised).then(|| view! {
                            <button class="ack primary" on:click=move |_| send(Step::Acknowledged {
                                alarm: id, by: by(), at_ms: now(),
                            })>{l.t("确认", "Acknowledge")}</button>
                        })}
                        <button class="call" on:click=move |_| open_call(id, &s2)>{l.t("叫应", "Call")}</button>
                        <button class="escalate" on:click=move |_| {
                            reason.set(String::new());
                            escalate_to.set("区应急局带班领导".to_owned());
                            form.set(Some((id, Form::Escalate)));
                        }>{l.t("升级", "Escalate")}</button>
                        <button class="clear" on:click=move |_| {
                            reason.set(String::new());
                            form.set(Some((id, Form::Clear)));
                        }>{l.t("解除", "Clear")}</button>
                        <button class="to-station" on:click=move |_| {
                            fly(&s3);
                            shared.act(|w| w.side.open_station(s3.clone()));
                        }>{l.t("测站详情", "Station")}</button>
                    </div>
                })}
                {move || match form.get() {
                    Some((f, Form::Call)) if f == id => Some(view! {
                        <form class="alarm-form call-form" on:submit=move |ev| {
                            ev.prevent_default();
                            send(Step::Called {
                                alarm: id,
                                who: call_form.who.get_untracked().trim().to_owned(),
                                phone: call_form.phone.get_untracked().trim().to_owned(),
                                role: call_form.role.get_untracked().trim().to_owned(),
                                at_ms: now(),
                                answered: call_form.answered.get_untracked(),
                                note: call_form.note.get_untracked().trim().to_owned(),
                            });
                        }>
                            <label>{l.t("被叫应人", "Called")}
                                <input name="who" prop:value=move || call_form.who.get()
                                    on:input=move |ev| call_form.who.set(event_target_value(&ev))/></label>
                            <label>{l.t("电话", "Phone")}
                                <input name="phone" prop:value=move || call_form.phone.get()
                                    on:input=move |ev| call_form.phone.set(event_target_value(&ev))/></label>
                            <label>{l.t("身份", "Role")}
                                <input name="role" list="call-roles" prop:value=move || call_form.role.get()
                                    on:input=move |ev| call_form.role.set(event_target_value(&ev))/></label>
                            <datalist id="call-roles">
                                <option value="群测群防员"/><option value="镇街值班"/>
                                <option value="村社干部"/><option value="水利站"/>
                            </datalist>
                            <label class="check"><input type="checkbox" name="answered"
                                prop:checked=move || call_form.answered.get()
                                on:change=move |ev| call_form.answered.set(event_target_checked(&ev))/>
                                {l.t("已应答", "Answered")}</label>
                            <label class="wide">{l.t("备注", "Note")}
                                <input name="note" prop:value=move || call_form.note.get()
                                    on:input=move |ev| call_form.note.set(event_target_value(&ev))/></label>
                            <div class="buttons">
                                <button type="submit" class="primary">{l.t("记录叫应", "Record the call")}</button>
                                <button type="button" on:click=move |_| form.set(None)>{l.t("取消", "Cancel")}</button>
                            </div>
                        </form>
                    }.into_any()),
                    Some((f, Form::Escalate)) if f == id => Some(view! {
                        <form class="alarm-form escalate-form" on:submit=move |ev| {
                            ev.prevent_default();
                            send(Step::Escalated {
                                alarm: id,
                                to: escalate_to.get_untracked().trim().to_owned(),
                                at_ms: now(),
                                reason: reason.get_untracked().trim().to_owned(),
                            });
                        }>
                            <label class="wide">{l.t("报告给", "Escalate to")}
                                <input name="to" list="escalate-to" prop:value=move || escalate_to.get()
                                    on:input=move |ev| escalate_to.set(event_target_value(&ev))/></label>
                            <datalist id="escalate-to">
                                <option value="区应急局带班领导"/><option value="区防汛抗旱指挥部办公室"/>
                                <option value="区规划自然资源局"/><option value="区委区政府总值班室"/>
                            </datalist>
                            <label class="wide">{l.t("升级原因", "Why")}
                                <input name="reason" prop:value=move || reason.get()
                                    on:input=move |ev| reason.set(event_target_value(&ev))/></label>
                            <div class="buttons">
                                <button type="submit" class="primary">{l.t("升级上报", "Escalate")}</button>
                                <button type="button" on:click=move |_| form.set(None)>{l.t("取消", "Cancel")}</button>
                            </div>
                        </form>
                    }.into_any()),
                    Some((f, Form::Clear)) if f == id => Some(view! {
                        <form class="alarm-form clear-form" on:submit=move |ev| {
                            ev.prevent_default();
                            send(Step::Cleared {
                                alarm: id, by: by(), at_ms: now(),
                                reason: reason.get_untracked().trim().to_owned(),
                            });
                        }>
                            <label class="wide">{l.t("解除原因", "Why it is cleared")}
                                <input name="reason" prop:value=move || reason.get()
                                    on:input=move |ev| reason.set(event_target_value(&ev))/></label>
                            <div class="buttons">
                                <button type="submit" class="primary">{l.t("解除告警", "Clear the alarm")}</button>
                                <button type="button" on:click=move |_| form.set(None)>{l.t("取消", "Cancel")}</button>
                            </div>
                        </form>
                    }.into_any()),
                    _ => None,
                }}
                <ol class="log">{log}</ol>
            </li>
        }
    };
    view! {
        <aside class="details alarms" id="alarms" role="dialog">
            <button class="close" title="关闭 / Close" on:click=move |_| on_close()>"×"</button>
            <h2>{move || lang.get().t("告警", "Alarms")}</h2>
            {move || error.get().map(|e| view! { <p class="error" id="alarm-error">{e}</p> })}
            {move || {
                let l = lang.get();
                shared.monitoring.with(|m| match m {
                    None => view! { <p class="muted">{l.t("加载中…", "Loading…")}</p> }.into_any(),
                    Some(m) => {
                        let alarms: Vec<_> = m.alarms.iter().map(|a| a.alarm.clone()).collect();
                        let (open, unseen) = board::count(&alarms);
                        let unseen_n = alarms.iter().filter(|a| a.state == AlarmState::Raised).count();
                        let late: std::collections::BTreeSet<EntityId> = m.overdue.iter().map(|o| o.alarm).collect();
                        let summary = format!(
                            "{} {open} · {} {unseen_n} · {} {}",
                            l.t("未解除", "open"),
                            l.t("未确认", "unacknowledged"),
                            l.t("超时", "overdue"),
                            late.len(),
                        );
                        if m.alarms.is_empty() {
                            return view! {
                                <p class="muted" id="alarms-none">{l.t("没有告警：各测站读数均未超过阈值", "No alarms: no station's readings are over a threshold")}</p>
                            }.into_any();
                        }
                        let now_ms = m.now_ms;
                        let items = board::order(&alarms, &m.overdue).into_iter().map(|i| {
                            let a = m.alarms[i].clone();
                            let overdue = board::overdue_of(a.alarm.episode.id, &m.overdue)
                                .map(|o| (l.t(o.kind.zh(), o.kind.en()).to_owned(), board::minutes_overdue(o, now_ms)));
                            item(a, overdue, l)
                        }).collect_view();
                        view! {
                            <p class="summary" id="alarms-summary" data-open=open data-unseen=unseen.to_string()>{summary}</p>
                            <ul class="alarm-list" id="alarm-list">{items}</ul>
                        }.into_any()
                    }
                })
            }}
        </aside>
    }
}
