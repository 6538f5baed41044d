//! The analysis tools beside the briefing: the road network (status and loading a file), areas
//! drawn on the map (what lies inside), and coverage of towns within a travel time.

use crate::briefing::Row;
use crate::i18n::Lang;
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use yitu_domain::dispatch::readiness::Readiness;
use yitu_domain::space::crs::Crs;
use yitu_domain::Layer;
use yitu_ipc::call;
use yitu_ipc::dispatch::TownReach;
/// What lies inside a drawn area, and which towns a standby team reaches in time.
pub use yitu_ipc::dispatch::{Coverage as CoverageReport, Inside as AreaReport, Roads};
use yitu_ui_state::{CoverageAsk, Window};

/// Reads the loaded network from the store (`None` when there is none).
pub async fn fetch_roads() -> Result<Option<Roads>, String> {
    invoke(&call::Roads {}).await.map_err(|e| e.message)
}

/// Road status and the file chooser that loads a network (GeoJSON text read in the webview and
/// checked by the shell: a bad file is refused whole and the loaded network stays).
#[component]
pub fn RoadsControl(
    roads: RwSignal<Option<Roads>>,
    on_loaded: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = crate::context::lang();
    let (error, set_error) = signal(None::<String>);
    let (busy, set_busy) = signal(false);
    let crs = RwSignal::new(Crs::Wgs84);
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        set_busy.set(true);
        set_error.set(None);
        spawn_local(async move {
            let name = file.name();
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string());
            let result = match text {
                None => Err(format!("{name}: 无法读取 / cannot be read")),
                Some(text) => invoke(&call::LoadRoads {
                    name,
                    text,
                    crs: crs.get_untracked(),
                })
                .await
                .map_err(|e| e.message),
            };
            match result {
                Ok(_) => on_loaded(),
                Err(e) => set_error.set(Some(e)),
            }
            input.set_value("");
            set_busy.set(false);
        });
    };
    view! {
        <div class="roads" id="roads">
            <p class="status" id="roads-status" data-lines=move || roads.with(|r| r.as_ref().map(|r| r.info.summary.lines).unwrap_or(0))>
                {move || {
                    let l = lang.get();
                    match roads.get() {
                        None => l.t("路网：未加载，行程时间按直线 × 1.4 估算", "Roads: none loaded; travel times estimated (straight line × 1.4)").to_owned(),
                        Some(r) => format!("{}{} · {} {} · {:.0} km{}", l.t("路网：", "Roads: "), r.info.source, r.info.summary.lines, l.t("条线路", "lines"), r.info.summary.length_km,
                            if r.info.summary.pieces > 1 { format!(" · {} {}", r.info.summary.pieces, l.t("个互不连通部分", "separate pieces")) } else { String::new() }),
                    }
                }}
            </p>
            <label class="file file-pick">
                <span>{move || if busy.get() { lang.get().t("加载中…", "Loading…") } else { lang.get().t("加载路网（GeoJSON）…", "Load roads (GeoJSON)…") }}</span>
                <input type="file" id="roads-file" accept=".geojson,.json,application/geo+json" on:change=on_file/>
            </label>
            <select id="roads-crs" title=move || lang.get().t("文件坐标系", "Coordinate system of the file")
                on:change=move |ev| {
                    if let Ok(c) = Crs::from_code(&event_target_value(&ev)) {
                        crs.set(c);
                    }
                }>
                {Crs::ALL.iter().map(|c| {
                    let c = *c;
                    view! { <option value=c.code()>{move || lang.get().t(c.zh(), c.en())}</option> }
                }).collect_view()}
            </select>
            {move || error.get().map(|e| view! { <pre class="error" id="roads-error">{e}</pre> })}
        </div>
    }
}

#[component]
pub fn AreaPanel(
    /// The outline drawn (WGS-84), also written on the panel for tests and copying.
    outline: Memo<Option<Vec<[f64; 2]>>>,
    result: ReadSignal<Option<Result<AreaReport, String>>>,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
    on_open: impl Fn(Layer, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = crate::context::lang();
    view! {
        <aside class="details briefing" id="area-report"
            data-outline=move || outline.with(|o| serde_json::to_string(o).unwrap_or_default())>
            <button class="close" title="关闭 / Close" on:click=move |_| on_close()>"×"</button>
            <h2>{move || lang.get().t("圈选区域", "Drawn area")}</h2>
            {move || match result.get() {
                None => view! { <p class="muted">{lang.get().t("分析中…", "Working…")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" id="area-error">{e}</p> }.into_any(),
                Some(Ok(r)) => {
                    let l = lang.get();
                    let list = |rows: Vec<Row>, layer: Layer| rows.into_iter().map(|row| {
                        let id = row.resource.id().to_string();
                        let data_id = id.clone();
                        view! { <li data-id=data_id on:click=move |_| on_open(layer, id.clone())><span class="name">{row.resource.name().to_owned()}</span></li> }
                    }).collect_view();
                    view! {
                        <p class="summary" id="area-summary" data-hazards=r.hazards.count data-people=r.hazards.threatened_people data-free=r.shelters.free_capacity>
                            {format!("{:.2} km² · {} {} · {} {} · {} {} · {} {}",
                                r.area_km2,
                                r.hazards.count, l.t("处隐患点", "hazard points"),
                                r.hazards.threatened_people, l.t("人受威胁", "people threatened"),
                                r.shelters.count, l.t("处有空位的避难场所", "shelters with free places"),
                                r.shelters.free_capacity, l.t("个空位", "free places"))}
                        </p>
                        <h3>{l.t("隐患点（距区域中心由近到远）", "Hazard points, nearest the centre first")}</h3>
                        <ol class="ranked hazards">{list(r.hazards.results, Layer::Hazards)}</ol>
                        <h3>{l.t("有空位的避难场所", "Shelters with free places")}</h3>
                        <ol class="ranked shelters">{list(r.shelters.results, Layer::Shelters)}</ol>
                    }.into_any()
                }
            }}
        </aside>
    }
}

pub async fn fetch_coverage(ask: CoverageAsk) -> Result<CoverageReport, String> {
    invoke(&call::Coverage {
        specialty: ask.specialty,
        minutes: ask.minutes,
    })
    .await
    .map_err(|e| e.message)
}

/// The towns as map features, coloured by whether they are reached.
pub fn coverage_features(r: &CoverageReport) -> serde_json::Value {
    let features: Vec<serde_json::Value> = r
        .results
        .iter()
        .map(|t| {
            serde_json::json!({
                "type": "Feature",
                "properties": { "code": t.code, "name": t.name, "covered": t.covered },
                "geometry": { "type": "Point", "coordinates": [t.at.lon, t.at.lat] },
            })
        })
        .collect();
    serde_json::json!({ "type": "FeatureCollection", "features": features })
}

#[component]
pub fn CoveragePanel(result: ReadSignal<Option<Result<CoverageReport, String>>>) -> impl IntoView {
    let shared = crate::context::shared();
    let lang = shared.lang;
    let ask = Memo::new(move |_| shared.side.with(|s| s.coverage()));
    view! {
        <aside class="details briefing" id="coverage-report">
            <button class="close" title="关闭 / Close" on:click=move |_| shared.act(Window::close_panel)>"×"</button>
            <h2>{move || lang.get().t("覆盖分析", "Coverage")}</h2>
            <p class="layer-name">{move || ask.get().map(|a| {
                let l = lang.get();
                let who = a.specialty.map(|s| l.t(s.zh(), s.en()).to_owned()).unwrap_or_else(|| l.t("全部专业", "any specialty").to_owned());
                format!("{who} · {} {} {}", l.t("待命队伍", "standby teams within"), a.minutes, l.t("分钟内", "min"))
            })}</p>
            {move || match result.get() {
                None => view! { <p class="muted">{lang.get().t("分析中…", "Working…")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
                Some(Ok(r)) => {
                    let l = lang.get();
                    let assumption = if l == Lang::Zh { r.assumption.zh.clone() } else { r.assumption.en.clone() };
                    let beyond: Vec<TownReach> = r.results.iter().filter(|t| !t.covered).cloned().collect();
                    view! {
                        <p class="assumption">{assumption}</p>
                        <p class="summary" id="coverage-summary" data-uncovered=r.uncovered>
                            {format!("{} / {} {}", r.towns - r.uncovered, r.towns, l.t("个镇街可达；以下镇街超出时限：", "towns reached; beyond the limit:"))}
                        </p>
                        <ol class="ranked uncovered" id="coverage-uncovered">
                            {beyond.into_iter().map(|t| view! {
                                <li data-code=t.code.clone()>
                                    <span class="name">{t.name}</span>
                                    <span class="dist">{match (t.travel_min, t.nearest) {
                                        (Some(m), Some(n)) => format!("{:.0} {} · {}", m, l.t("分钟", "min"), n.name),
                                        _ => l.t("无可达队伍", "no team can reach it").to_owned(),
                                    }}</span>
                                </li>
                            }).collect_view()}
                        </ol>
                        <p class="muted">{l.t("镇街位置为示意（非实测镇政府驻地）", "Town positions are schematic, not surveyed town seats")}</p>
                    }.into_any()
                }
            }}
        </aside>
    }
}

/// 储备保障能力: the district reserve and each town's, shortfalls first.
#[component]
pub fn ReadinessPanel(on_close: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let lang = crate::context::lang();
    let (report, set_report) = signal(None::<Result<Readiness, String>>);
    spawn_local(async move {
        let r = invoke(&call::Readiness {}).await.map_err(|e| e.message);
        set_report.set(Some(r));
    });
    view! {
        <aside class="details briefing" id="readiness">
            <button class="close" title="关闭 / Close" on:click=move |_| on_close()>"×"</button>
            <h2>{move || lang.get().t("储备保障能力", "Relocation reserve readiness")}</h2>
            {move || match report.get() {
                None => view! { <p class="muted">{lang.get().t("计算中…", "Working…")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
                Some(Ok(r)) => {
                    let l = lang.get();
                    let mut towns = r.towns.clone();
                    towns.sort_by_key(|t| (t.reserve.meets_standard, t.reserve.people));
                    let verdict = |ok: bool| if ok { l.t("达标", "meets") } else { l.t("不足", "short") };
                    // The limiting material by name (the report gives its code).
                    let needs = r.per_person.clone();
                    let named = move |code: Option<String>| code.map(|c| {
                        needs.iter().find(|n| n.code == c).map(|n| format!("{} {}", n.name, c)).unwrap_or(c)
                    });
                    view! {
                        <p class="summary" id="readiness-summary" data-district-people=r.district.people data-below=r.towns_below_standard>
                            {format!("{} {} {} / {} {} {}{}", l.t("区级储备可保障", "District reserve supports"), r.district.people,
                                l.t("人", "people"), l.t("标准", "standard"), r.district.standard, verdict(r.district.meets_standard),
                                named(r.district.limited_by.clone()).map(|m| format!(" · {} {m}", l.t("短板", "limited by"))).unwrap_or_default())}
                        </p>
                        <p class="muted">{format!("{} {} · {}", l.t("未达标镇街", "Towns below standard:"), r.towns_below_standard,
                            l.t("按帐篷、折叠床、棉被、饮用水、食品中最缺者计", "the scarcest of tents, beds, quilts, water and food decides"))}</p>
                        <table class="stock readiness">
                            <thead><tr><th>{l.t("镇街", "Town")}</th><th class="num">{l.t("可保障人数", "People")}</th><th>{l.t("短板", "Limited by")}</th></tr></thead>
                            <tbody>{towns.into_iter().map(|t| view! {
                                <tr data-code=t.code.clone() class:short=!t.reserve.meets_standard>
                                    <td>{t.name}</td>
                                    <td class="num">{format!("{} / {}", t.reserve.people, t.reserve.standard)}</td>
                                    <td>{named(t.reserve.limited_by).unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}</tbody>
                        </table>
                        <p class="muted">{l.t("每人定额见 README；可用量 = 在库 − 预留", "Per-person quantities in README; available = on hand − reserved")}</p>
                    }.into_any()
                }
            }}
        </aside>
    }
}
