//! Every call into MapLibre GL. This module holds our thin bindings of MapLibre's types and
//! the map's life (made, loaded, idle); its parts each own one side of the map: `style` the
//! colours and layer names, `layers` the sources and layers added, `tiles` a tile package under
//! them, `camera` where the map looks, `picking` what a click or the pointer lands on,
//! `drawing` the shapes the window's state asks to be drawn, `overlay` the user's overlays,
//! `stations` the monitoring stations.

mod camera;
mod drawing;
mod layers;
mod overlay;
mod picking;
mod stations;
mod style;
mod tiles;
mod warnings;

pub use camera::{fly_to, jump_to, zoom_into};
pub use drawing::{set_area, set_highlight, set_incidents, set_measure, set_routes, set_sketch};
pub use layers::{
    add_analysis_layers, add_base, add_command_layers, add_overlays, add_resource_layer,
    add_roads_layer, set_layer_tiles, set_source, set_visible, BaseMap,
};
pub use overlay::{remove_user_overlay, set_user_overlay};
pub use picking::{on_click, on_cursor, Hit};
pub use stations::{
    add_station_layer, alarm_colour, kind_letter, set_station_ring, set_stations,
    set_stations_visible, station_look, STATION_NORMAL, STATION_OFFLINE, STATION_UNKNOWN,
};
pub use style::{base_colour, DEPOT_LEVELS, DRAW_ORDER, SHELTER_CLOSED, SHELTER_FILL};
pub use tiles::{set_tile_base, TileBase};
pub use warnings::{
    add_warning_layer, area_geometry, set_warnings, set_warnings_visible, warning_colour,
};

use camera::DISTRICT_BOUNDS;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// `maplibregl.Map`, resolved at call time from the global the loader module sets.
    #[wasm_bindgen(js_namespace = maplibregl, js_name = Map)]
    #[derive(Clone)]
    pub type Map;
    #[wasm_bindgen(constructor, js_namespace = maplibregl, js_class = "Map", catch)]
    fn new(options: &JsValue) -> Result<Map, JsValue>;
    #[wasm_bindgen(method)]
    fn on(this: &Map, event: &str, handler: &js_sys::Function);
    #[wasm_bindgen(method)]
    fn once(this: &Map, event: &str, handler: &js_sys::Function);
    #[wasm_bindgen(method, js_name = addSource)]
    fn add_source(this: &Map, id: &str, source: &JsValue);
    #[wasm_bindgen(method, js_name = addLayer)]
    fn add_layer(this: &Map, layer: &JsValue);
    #[wasm_bindgen(method, js_name = addLayer)]
    fn add_layer_before(this: &Map, layer: &JsValue, before: &str);
    #[wasm_bindgen(method, js_name = removeLayer)]
    fn remove_layer(this: &Map, id: &str);
    #[wasm_bindgen(method, js_name = removeSource)]
    fn remove_source(this: &Map, id: &str);
    #[wasm_bindgen(method, js_name = getStyle)]
    fn get_style(this: &Map) -> JsValue;
    #[wasm_bindgen(method, js_name = addImage)]
    fn add_image(this: &Map, id: &str, image: &JsValue, options: &JsValue);
    #[wasm_bindgen(method, js_name = setLayoutProperty)]
    fn set_layout_property(this: &Map, layer: &str, name: &str, value: &JsValue);
    #[wasm_bindgen(method, js_name = getLayoutProperty)]
    fn get_layout_property(this: &Map, layer: &str, name: &str) -> JsValue;
    #[wasm_bindgen(method, js_name = queryRenderedFeatures)]
    fn query_rendered_features(this: &Map, point: &JsValue, options: &JsValue) -> js_sys::Array;
    #[wasm_bindgen(method, js_name = getCanvas)]
    fn get_canvas(this: &Map) -> web_sys::HtmlElement;
    #[wasm_bindgen(method, js_name = addControl)]
    fn add_control(this: &Map, control: &JsValue, position: &str);
    #[wasm_bindgen(method, js_name = flyTo)]
    fn fly_to(this: &Map, options: &JsValue);
    #[wasm_bindgen(method, js_name = easeTo)]
    fn ease_to(this: &Map, options: &JsValue);
    #[wasm_bindgen(method, js_name = getZoom)]
    fn get_zoom(this: &Map) -> f64;
    #[wasm_bindgen(method, js_name = setGlyphs)]
    fn set_glyphs(this: &Map, url: &str);

    #[wasm_bindgen(js_namespace = maplibregl, js_name = NavigationControl)]
    type NavigationControl;
    #[wasm_bindgen(constructor, js_namespace = maplibregl, js_class = "NavigationControl")]
    fn new(options: &JsValue) -> NavigationControl;
    #[wasm_bindgen(js_namespace = maplibregl, js_name = ScaleControl)]
    type ScaleControl;
    #[wasm_bindgen(constructor, js_namespace = maplibregl, js_class = "ScaleControl")]
    fn new(options: &JsValue) -> ScaleControl;
}

fn js(v: &Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).expect("serde_json writes valid JSON")
}

/// Whether this webview offers WebGL 2, which MapLibre 6 requires.
pub fn has_webgl2() -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Ok(canvas) = doc.create_element("canvas") else {
        return false;
    };
    let Ok(canvas) = canvas.dyn_into::<web_sys::HtmlCanvasElement>() else {
        return false;
    };
    matches!(canvas.get_context("webgl2"), Ok(Some(_)))
}

/// Whether the loader module has made `window.maplibregl` available yet.
pub fn library_loaded() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"maplibregl".into()).ok())
        .is_some_and(|v| !v.is_undefined())
}

/// Creates the map in `container` with an empty background style; layers come on `load`.
pub fn create(container: &web_sys::HtmlElement, attribution: &str) -> Result<Map, String> {
    let options = js(&json!({
        "style": {
            "version": 8,
            "sources": {},
            "layers": [{ "id": "background", "type": "background", "paint": { "background-color": "#e9edf1" } }]
        },
        "bounds": DISTRICT_BOUNDS,
        "fitBoundsOptions": { "padding": 24 },
        "attributionControl": { "compact": false, "customAttribution": attribution },
        "maxZoom": 18,
        "minZoom": 6,
        // Chinese characters in labels are drawn by the webview from installed fonts; digits,
        // Latin letters and punctuation come from the shell's glyph ranges (`glyphs`).
        "localIdeographFontFamily": "'Noto Sans CJK SC', 'Droid Sans Fallback', sans-serif",
        // Symbols and names appear at once rather than fading in over 300 ms: a fade is a moment
        // of a half-drawn map after every move, and each of its frames is redrawn in software
        // here (the first paint waited for it).
        "fadeDuration": 0,
    }));
    js_sys::Reflect::set(&options, &"container".into(), container).map_err(|e| format!("{e:?}"))?;
    let map = Map::new(&options).map_err(|e| e.as_string().unwrap_or_else(|| format!("{e:?}")))?;
    map.add_control(
        &NavigationControl::new(&js(&json!({ "showCompass": false }))),
        "top-right",
    );
    map.add_control(
        &ScaleControl::new(&js(&json!({ "unit": "metric" }))),
        "bottom-right",
    );
    // For the end-to-end tests and for a developer at the console.
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &"__yituMap".into(), &map);
    }
    Ok(map)
}

/// Runs `f` once the map's style has loaded.
pub fn on_load(map: &Map, f: impl FnOnce() + 'static) {
    let cb = Closure::once_into_js(f);
    map.once("load", cb.unchecked_ref());
}

/// Runs `f` the next time the map has finished drawing everything it has.
pub fn on_idle(map: &Map, f: impl FnOnce() + 'static) {
    let cb = Closure::once_into_js(f);
    map.once("idle", cb.unchecked_ref());
}

#[wasm_bindgen]
extern "C" {
    type GeoJsonSource;
    #[wasm_bindgen(method, js_name = getSource)]
    fn get_source(this: &Map, id: &str) -> Option<GeoJsonSource>;
    #[wasm_bindgen(method, js_name = setData)]
    fn set_data(this: &GeoJsonSource, data: &JsValue);
    type VectorSource;
    #[wasm_bindgen(method, js_name = getSource)]
    fn get_vector_source(this: &Map, id: &str) -> Option<VectorSource>;
    #[wasm_bindgen(method, js_name = setTiles)]
    fn set_tiles(this: &VectorSource, tiles: &js_sys::Array);
}
