//! The user's overlays (GeoJSON, Shapefile or GeoPackage the user added, converted to WGS-84
//! by the shell): drawn in their colour above the base map and under roads and resources.

use super::{js, Map};
use serde_json::json;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `map.getLayer(id)`, under a name of its own: undefined when there is no such layer.
    #[wasm_bindgen(method, js_name = getLayer)]
    fn user_overlay_layer(this: &Map, id: &str) -> JsValue;
    #[wasm_bindgen(method, js_name = getSource)]
    fn user_overlay_source(this: &Map, id: &str) -> JsValue;
}

/// A user overlay's source is `user-overlay-{id}`; its layers add `-fill`, `-line`, `-circle`.
pub fn user_overlay_layers(id: &str) -> [String; 3] {
    ["fill", "line", "circle"].map(|k| format!("user-overlay-{id}-{k}"))
}

/// Draws a user overlay (a WGS-84 FeatureCollection) in `colour`, replacing it if drawn: areas
/// as a translucent fill, their outlines and lines as strokes, points as discs; above the base
/// map and under the roads and the resources.
pub fn set_user_overlay(map: &Map, id: &str, geojson: &JsValue, colour: &str) {
    remove_user_overlay(map, id);
    let source = format!("user-overlay-{id}");
    let src = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&src, &"type".into(), &"geojson".into());
    let _ = js_sys::Reflect::set(&src, &"data".into(), geojson);
    map.add_source(&source, &src);
    // `geometry-type` gives Multi* names in newer styles: match both.
    let kinds = |k: &[&str]| json!(["in", ["geometry-type"], ["literal", k]]);
    let [fill, line, circle] = user_overlay_layers(id);
    let layers = [
        json!({ "id": fill, "type": "fill", "source": source,
                "filter": kinds(&["Polygon", "MultiPolygon"]),
                "paint": { "fill-color": colour, "fill-opacity": 0.35 } }),
        json!({ "id": line, "type": "line", "source": source,
                "filter": kinds(&["LineString", "MultiLineString", "Polygon", "MultiPolygon"]),
                "layout": { "line-cap": "round", "line-join": "round" },
                "paint": { "line-color": colour, "line-width": 2.5 } }),
        json!({ "id": circle, "type": "circle", "source": source,
                "filter": kinds(&["Point", "MultiPoint"]),
                "paint": { "circle-color": colour, "circle-radius": 5,
                           "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 } }),
    ];
    let before = ["roads", "hazards-disc"]
        .into_iter()
        .find(|b| !map.user_overlay_layer(b).is_undefined());
    for l in layers {
        match before {
            Some(b) => map.add_layer_before(&js(&l), b),
            None => map.add_layer(&js(&l)),
        }
    }
}

/// Takes a user overlay off the map (nothing happens when it is not drawn).
pub fn remove_user_overlay(map: &Map, id: &str) {
    for l in user_overlay_layers(id) {
        if !map.user_overlay_layer(&l).is_undefined() {
            map.remove_layer(&l);
        }
    }
    let source = format!("user-overlay-{id}");
    if !map.user_overlay_source(&source).is_undefined() {
        map.remove_source(&source);
    }
}
