//! A monitoring station's panel: what it is and whose (kind, code, 主管部门, town, river, what
//! it watches), how it is (health and how long since it was last heard, its supply voltage),
//! its latest values in Beijing time and its 24 h rain, the thresholds that apply, its open
//! alarms, and its chart over the last 48 hours (read with `call::StationReadings` when it
//! opens and each time the board is read again).

use crate::chart::{ChartKey, ChartSvg};
use crate::context::shared;
use crate::i18n::Lang;
use crate::map;
use crate::monitoring::{ago, short_time, value, LevelChip};
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use yitu_domain::monitoring::{AlarmLevel, HealthKind, Power, Reading, Rule, Station};
use yitu_domain::registries::resource::Resource;
use yitu_domain::registries::town;
use yitu_domain::Layer;
use yitu_ipc::call;
use yitu_ipc::monitoring::StationState;
use yitu_ui_state::{board, chart, Side};

/// A rule's limits as a duty officer reads them: 准备转移 30 mm · 立即转移 50 mm.
fn ladder_text(rule: Rule, ladder: &[(AlarmLevel, f64)], lang: Lang) -> String {
    let unit = rule.unit();
    ladder
        .iter()
        .map(|&(level, v)| {
            let name = match (rule, level) {
                (Rule::Rain1h | Rule::Rain3h | Rule::Rain24h, AlarmLevel::Orange) => {
                    lang.t("准备转移", "prepare to move")
                }
                (Rule::Rain1h | Rule::Rain3h | Rule::Rain24h, AlarmLevel::Red) => {
                    lang.t("立即转移", "move now")
                }
                (Rule::Level, AlarmLevel::Orange) => lang.t("警戒水位", "warning level"),
                (Rule::Level, AlarmLevel::Red) => lang.t("保证水位", "guarantee level"),
                _ => lang.t(level.zh(), level.en()),
            };
            format!("{name} {} {unit}", value(v))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

fn power_text(p: Power, lang: Lang) -> String {
    match p {
        Power::NotReported => lang.t("未报送", "not reported").to_owned(),
        Power::Reported { volts } => format!("{} V", value(volts)),
        Power::Low { volts } => format!("{} V {}", value(volts), lang.t("电压低", "low")),
    }
}

/// The hazard points a station watches, from the loaded records.
fn watched(s: &Station) -> Vec<Resource> {
    let shared = shared();
    shared.records.with_value(|all| {
        all.get(&Layer::Hazards)
            .into_iter()
            .flatten()
            .filter(|r| s.watches.contains(&r.id()))
            .cloned()
            .collect()
    })
}

#[component]
pub fn StationPanel(code: String, on_close: impl Fn() + Copy + 'static) -> impl IntoView {
    let shared = shared();
    let lang = shared.lang;
    let state = {
        let code = code.clone();
        Memo::new(move |_| {
            shared.monitoring.with(|m| {
                m.as_ref().and_then(|m| {
                    m.stations
                        .iter()
                        .find(|s| s.station.code == code)
                        .cloned()
                        .map(|s| (s, m.now_ms))
                })
            })
        })
    };
    let (readings, set_readings) = signal(None::<Result<Vec<Reading>, String>>);
    // The chart's readings, asked again whenever the board was read again (a new now).
    Effect::new(move |_| {
        let Some((s, now)) = state.get() else { return };
        let (from_ms, to_ms) = chart::asked(s.station.kind, now);
        let code = s.station.code.clone();
        spawn_local(async move {
            let r = invoke(&call::StationReadings {
                code,
                from_ms,
                to_ms,
            })
            .await
            .map_err(|e| e.message);
            set_readings.set(Some(r));
        });
    });
    view! {
        <aside class="details station" id="station" data-code=code.clone() role="dialog">
            <button class="close" title="关闭 / Close" on:click=move |_| on_close()>"×"</button>
            {move || match state.get() {
                None => view! { <p class="muted">{lang.get().t("加载中…", "Loading…")}</p> }.into_any(),
                Some((s, now)) => body(s, now, lang.get(), readings).into_any(),
            }}
        </aside>
    }
}

fn body(
    s: StationState,
    now: i64,
    l: Lang,
    readings: ReadSignal<Option<Result<Vec<Reading>, String>>>,
) -> impl IntoView {
    let shared = shared();
    let st = s.station.clone();
    let (fill, stroke, _, _) = map::station_look(s.health, s.level);
    let health = match l {
        Lang::Zh => s.health_zh.clone(),
        Lang::En => match s.level {
            Some(level) if s.health == HealthKind::Alarm => {
                format!("{} ({})", s.health.en(), level.en())
            }
            _ => s.health.en().to_owned(),
        },
    };
    let heard = match s.last_heard_ms {
        Some(ms) => format!(
            "{}{}（{}）",
            l.t("最后报送 ", "last heard "),
            ago(l, now, ms),
            short_time(ms)
        ),
        None => l.t("从未报送", "never heard").to_owned(),
    };
    let town = town::by_code(&st.town_code)
        .map(|t| t.name)
        .unwrap_or_else(|| st.town_code.clone());
    let hazards = watched(&st);
    let mut rows: Vec<(&'static str, &'static str, &'static str, String)> = vec![
        (
            "kind",
            "类型",
            "Kind",
            l.t(st.kind.zh(), st.kind.en()).to_owned(),
        ),
        ("code", "测站编码", "Code", st.code.clone()),
        ("owner", "主管部门", "Owner", st.owner.clone()),
        ("town", "所属镇街", "Town", town),
    ];
    if let Some(river) = &st.river {
        rows.push(("river", "所在河段", "River", river.clone()));
    }
    if !hazards.is_empty() {
        let names: Vec<String> = hazards.iter().map(|h| h.name().to_owned()).collect();
        rows.push(("watches", "监测对象", "Watches", names.join("、")));
    }
    rows.push((
        "interval",
        "报送间隔",
        "Reports every",
        format!("{} {}", st.reports_every_min, l.t("分钟", "min")),
    ));
    rows.push((
        "power",
        "电源电压",
        "Supply voltage",
        power_text(s.power, l),
    ));
    if let Some(mm) = s.rain_24h_mm {
        rows.push((
            "rain_24h",
            "24 小时雨量",
            "24 h rain",
            format!("{} mm", value(mm)),
        ));
    }
    let latest = s
        .latest
        .iter()
        .map(|r| {
            view! {
                <tr data-element=r.element.code()>
                    <th>{r.element.label()}</th>
                    <td class="num">{format!("{} {}", value(r.value), r.element.unit())}</td>
                    <td class="when">{short_time(r.observed_at_ms)}</td>
                </tr>
            }
        })
        .collect_view();
    let thresholds = yitu_domain::monitoring::Rule::ALL
        .iter()
        .filter_map(|&rule| {
            let ladder = st.thresholds.ladder(rule);
            (!ladder.is_empty()).then(|| {
                view! {
                    <tr data-rule=rule.code()>
                        <th>{l.t(rule.zh(), rule.en())}</th>
                        <td>{ladder_text(rule, &ladder, l)}</td>
                    </tr>
                }
            })
        })
        .collect_view();
    let alarms: Vec<_> = shared.monitoring.with_untracked(|m| {
        m.as_ref()
            .map(|m| {
                m.alarms
                    .iter()
                    .filter(|a| a.station_code == st.code && board::is_open(&a.alarm))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    });
    let alarm_list = (!alarms.is_empty()).then(|| {
        view! {
            <h3>{l.t("未解除的告警", "Open alarms")}</h3>
            <ul class="station-alarms">
                {alarms.into_iter().map(|a| {
                    let e = &a.alarm.episode;
                    let (zh, en) = board::rule_words(e.rule, e.level());
                    view! {
                        <li data-alarm=e.id.to_string()>
                            <LevelChip level=e.level()/>
                            " "{if l == Lang::Zh { zh } else { en }}
                            <small class="muted">{format!(" {} · {}", short_time(e.raised_at_ms), l.t(a.alarm.state.zh(), a.alarm.state.en()))}</small>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <button class="pick" id="station-alarms-open"
                on:click=move |_| shared.act(|w| w.open(Side::Alarms))>
                {l.t("到告警处置", "Go to the alarm board")}
            </button>
        }
    });
    let chart_station = st.clone();
    view! {
        <h2>{st.name.clone()}</h2>
        <p class="layer-name">{l.t("监测站", "Monitoring station")}" · "{l.t(st.kind.zh(), st.kind.en())}</p>
        <p class="health" id="station-health" data-health=s.health.code()
            data-level=s.level.map(|x| x.code())>
            <span class="dot" style=format!("background:{fill};border-color:{stroke}")></span>
            <strong>{health}</strong>
            <span class="muted">" · "{heard}</span>
        </p>
        <h3>{l.t("近 48 小时", "Last 48 hours")}</h3>
        {move || match readings.get() {
            None => view! { <p class="muted">{l.t("读取观测数据…", "Reading observations…")}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
            Some(Ok(rs)) => match chart::chart(&chart_station, &rs, now) {
                None => view! { <p class="muted">{l.t("此类测站无曲线", "No chart for this kind of station")}</p> }.into_any(),
                Some(c) => {
                    let (empty, kind) = (c.empty, c.kind);
                    view! {
                        <div class="chart-wrap">
                            <ChartSvg chart=c now_ms=now lang=l/>
                            <ChartKey kind=kind lang=l/>
                            {empty.then(|| view! {
                                <p class="chart-empty muted" id="chart-empty">{l.t("近 48 小时没有观测数据", "No observations in the last 48 hours")}</p>
                            })}
                        </div>
                    }.into_any()
                }
            },
        }}
        {alarm_list}
        <table class="fields"><tbody>
            {rows.into_iter().map(|(key, zh, en, v)| view! {
                <tr data-field=key><th>{l.t(zh, en)}</th><td>{v}</td></tr>
            }).collect_view()}
        </tbody></table>
        <h3>{l.t("最新观测（北京时间）", "Latest values (Beijing time)")}</h3>
        {if s.latest.is_empty() {
            view! { <p class="muted" id="station-latest-none">{l.t("尚无观测数据", "No observations yet")}</p> }.into_any()
        } else {
            view! { <table class="latest" id="station-latest"><tbody>{latest}</tbody></table> }.into_any()
        }}
        <h3>{l.t("预警阈值", "Thresholds")}</h3>
        <table class="fields thresholds"><tbody>{thresholds}</tbody></table>
    }
}
