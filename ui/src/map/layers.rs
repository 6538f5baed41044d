//! The map's sources and layers: the shipped base map, each resource layer's clustered vector
//! tiles, the road network, the analysis and command overlays; showing, hiding and redrawing
//! them.

use super::style::{cluster_colour, colour_expression, style_layers, LABEL_FONT, LABEL_FROM_ZOOM};
use super::{js, Map};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use yitu_domain::Layer;

/// What the base map is drawn from (the shipped layers' GeoJSON text, the glyph and feature
/// URL templates), as the shell answers `base_map`.
pub use yitu_ipc::app::BaseMap;

/// Adds the shipped base layers: neighbouring districts, the district outline, rivers.
pub fn add_base(map: &Map, base: &BaseMap) {
    map.set_glyphs(&base.glyphs);
    let parse = |text: &str| js_sys::JSON::parse(text).unwrap_or(JsValue::NULL);
    for (id, text) in [
        ("neighbours", &base.neighbours),
        ("outline", &base.outline),
        ("rivers", &base.rivers),
    ] {
        let source = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&source, &"type".into(), &"geojson".into());
        let _ = js_sys::Reflect::set(&source, &"data".into(), &parse(text));
        map.add_source(id, &source);
    }
    for layer in [
        json!({ "id": "neighbours-fill", "type": "fill", "source": "neighbours",
                "filter": ["!=", ["get", "adcode"], "500117"],
                "paint": { "fill-color": "#dde2e7" } }),
        json!({ "id": "neighbours-line", "type": "line", "source": "neighbours",
                "paint": { "line-color": "#9aa5b1", "line-width": 0.8 } }),
        json!({ "id": "outline-fill", "type": "fill", "source": "outline",
                "paint": { "fill-color": "#fbfaf5" } }),
        json!({ "id": "rivers", "type": "line", "source": "rivers",
                "layout": { "line-cap": "round", "line-join": "round" },
                "paint": { "line-color": "#6fa8dc", "line-width": ["interpolate", ["linear"], ["zoom"], 8, 2, 13, 5] } }),
        json!({ "id": "outline-line", "type": "line", "source": "outline",
                "paint": { "line-color": "#37474f", "line-width": 2.5 } }),
    ] {
        map.add_layer(&js(&layer));
    }
}

/// Adds a resource layer: a vector source of the shell's clustered tiles (`url`), its record
/// discs and pictograms, names at close zoom, and count discs where records merge.
pub fn add_resource_layer(map: &Map, layer: Layer, url: &str) {
    map.add_source(
        layer.code(),
        &js(&json!({
            "type": "vector",
            "tiles": [url],
            "minzoom": 0,
            "maxzoom": yitu_domain::map::cluster::MAX_ZOOM,
        })),
    );
    if let Some(image) = crate::symbols::pictogram(layer) {
        map.add_image(
            &format!("{}-pictogram", layer.code()),
            &image,
            &js(&json!({ "pixelRatio": 2 })),
        );
    }
    let single = json!(["!", ["has", "point_count"]]);
    let [disc, icon, label, cluster, count] = style_layers(layer);
    map.add_layer(&js(&json!({
        "id": disc, "type": "circle", "source": layer.code(), "source-layer": layer.code(), "filter": single,
        "paint": {
            "circle-color": colour_expression(layer),
            "circle-radius": ["interpolate", ["linear"], ["zoom"], 8, 7, 11, 10, 15, 14],
            "circle-stroke-color": "#ffffff",
            "circle-stroke-width": 1.5,
        }
    })));
    map.add_layer(&js(&json!({
        "id": icon, "type": "symbol", "source": layer.code(), "source-layer": layer.code(), "filter": single,
        "layout": {
            "icon-image": format!("{}-pictogram", layer.code()),
            "icon-size": ["interpolate", ["linear"], ["zoom"], 8, 0.6, 11, 0.85, 15, 1.2],
            "icon-allow-overlap": true,
            "icon-ignore-placement": true,
        }
    })));
    // Names under the symbols; where two would collide one is left out (the symbol stays).
    map.add_layer(&js(&json!({
        "id": label, "type": "symbol", "source": layer.code(), "source-layer": layer.code(), "filter": single,
        "minzoom": LABEL_FROM_ZOOM,
        "layout": {
            "text-field": ["get", "name"],
            "text-font": [LABEL_FONT],
            "text-size": ["interpolate", ["linear"], ["zoom"], 12.5, 12, 16, 15],
            "text-anchor": "top",
            "text-offset": [0, 1.2],
            "text-max-width": 9,
            "text-padding": 1,
        },
        "paint": {
            "text-color": "#1f2933",
            "text-halo-color": "#ffffff",
            "text-halo-width": 1.6,
        }
    })));
    map.add_layer(&js(&json!({
        "id": cluster, "type": "circle", "source": layer.code(), "source-layer": layer.code(), "filter": ["has", "point_count"],
        "paint": {
            "circle-color": cluster_colour(layer),
            "circle-radius": ["step", ["get", "point_count"], 13, 10, 16, 50, 20, 200, 25, 1000, 30],
            "circle-stroke-color": "#ffffff",
            "circle-stroke-width": 2.5,
        }
    })));
    map.add_layer(&js(&json!({
        "id": count, "type": "symbol", "source": layer.code(), "source-layer": layer.code(), "filter": ["has", "point_count"],
        "layout": {
            "text-field": ["get", "point_count_abbreviated"],
            "text-font": [LABEL_FONT],
            "text-size": 13,
            "text-allow-overlap": true,
            "text-ignore-placement": true,
        },
        "paint": { "text-color": "#ffffff", "text-halo-color": "rgba(0,0,0,0.35)", "text-halo-width": 1 }
    })));
}

/// Points a resource layer at new tiles (a redraw: new filters, an edit, a sync).
pub fn set_layer_tiles(map: &Map, layer: Layer, url: &str) {
    if let Some(src) = map.get_vector_source(layer.code()) {
        let tiles = js_sys::Array::of1(&url.into());
        src.set_tiles(&tiles);
    }
}

/// Shows or hides a resource layer.
pub fn set_visible(map: &Map, layer: Layer, visible: bool) {
    let value = if visible { "visible" } else { "none" };
    for id in style_layers(layer) {
        // Unset is visible. Setting what already holds is not free: any layout change makes
        // MapLibre cut the source's tiles again (the map benchmark saw every layer reloaded
        // just after first paint, when the toggles first applied their all-visible state).
        let now = map.get_layout_property(&id, "visibility").as_string();
        if now.as_deref().unwrap_or("visible") != value {
            map.set_layout_property(&id, "visibility", &value.into());
        }
    }
}

/// Adds the overlay that rings highlighted resources and marks a picked point (drawn on top).
pub fn add_overlays(map: &Map) {
    let empty =
        json!({ "type": "geojson", "data": { "type": "FeatureCollection", "features": [] } });
    map.add_source("highlight", &js(&empty));
    map.add_source("picked", &js(&empty));
    map.add_layer(&js(&json!({
        "id": "highlight", "type": "circle", "source": "highlight",
        "paint": {
            "circle-radius": ["interpolate", ["linear"], ["zoom"], 8, 13, 15, 20],
            "circle-color": "rgba(0,0,0,0)",
            "circle-stroke-color": "#ffd600",
            "circle-stroke-width": 4,
        }
    })));
    map.add_layer(&js(&json!({
        "id": "picked", "type": "circle", "source": "picked",
        "paint": { "circle-radius": 8, "circle-color": "#ffffff", "circle-stroke-color": "#111111", "circle-stroke-width": 5 }
    })));
}

/// Replaces the data of one of our GeoJSON sources.
pub fn set_source(map: &Map, id: &str, data: &Value) {
    if let Some(src) = map.get_source(id) {
        src.set_data(&js(data));
    }
}

fn empty_source() -> Value {
    json!({ "type": "geojson", "data": { "type": "FeatureCollection", "features": [] } })
}

/// The loaded road network, drawn under the resources (added before them).
pub fn add_roads_layer(map: &Map) {
    map.add_source("roads", &js(&empty_source()));
    map.add_layer(&js(&json!({
        "id": "roads", "type": "line", "source": "roads",
        "layout": { "line-cap": "round", "line-join": "round" },
        "paint": {
            "line-color": "#8d6e63",
            "line-width": ["interpolate", ["linear"], ["get", "speed_kmh"], 10, 1.5, 80, 4],
            "line-opacity": 0.85,
        }
    })));
}

/// The analysis overlays drawn over everything: a drawn area, coverage of towns, and routes.
pub fn add_analysis_layers(map: &Map) {
    for id in ["area", "coverage", "route", "measure"] {
        map.add_source(id, &js(&empty_source()));
    }
    map.add_layer(&js(&json!({
        "id": "area-fill", "type": "fill", "source": "area",
        "filter": ["==", ["geometry-type"], "Polygon"],
        "paint": { "fill-color": "#e65100", "fill-opacity": 0.15 }
    })));
    map.add_layer(&js(&json!({
        "id": "area-line", "type": "line", "source": "area",
        "filter": ["!=", ["geometry-type"], "Point"],
        "paint": { "line-color": "#e65100", "line-width": 3, "line-dasharray": [2, 1] }
    })));
    map.add_layer(&js(&json!({
        "id": "area-vertex", "type": "circle", "source": "area",
        "filter": ["==", ["geometry-type"], "Point"],
        "paint": { "circle-radius": 5, "circle-color": "#e65100", "circle-stroke-color": "#fff", "circle-stroke-width": 2 }
    })));
    map.add_layer(&js(&json!({
        "id": "measure-line", "type": "line", "source": "measure",
        "filter": ["==", ["geometry-type"], "LineString"],
        "paint": { "line-color": "#283593", "line-width": 3, "line-dasharray": [1, 1] }
    })));
    map.add_layer(&js(&json!({
        "id": "measure-vertex", "type": "circle", "source": "measure",
        "filter": ["==", ["geometry-type"], "Point"],
        "paint": { "circle-radius": 4, "circle-color": "#fff", "circle-stroke-color": "#283593", "circle-stroke-width": 2 }
    })));
    map.add_layer(&js(&json!({
        "id": "route", "type": "line", "source": "route",
        "layout": { "line-cap": "round", "line-join": "round" },
        "paint": {
            "line-color": ["case", ["get", "first"], "#1565c0", "#64b5f6"],
            "line-width": ["case", ["get", "first"], 6, 3],
        }
    })));
    // Towns beyond reach: a red ring with a cross-hair look; towns within reach: a small green dot.
    map.add_layer(&js(&json!({
        "id": "coverage", "type": "circle", "source": "coverage",
        "paint": {
            "circle-radius": ["case", ["get", "covered"], 6, 11],
            "circle-color": ["case", ["get", "covered"], "#2e7d32", "rgba(198,40,40,0.25)"],
            "circle-stroke-color": ["case", ["get", "covered"], "#ffffff", "#c62828"],
            "circle-stroke-width": ["case", ["get", "covered"], 2, 4],
        }
    })));
}

/// The command layers: incidents (affected areas and points), decisions' drawings, and the shape
/// being sketched, over everything else.
pub fn add_command_layers(map: &Map) {
    for id in ["incidents", "sketch"] {
        map.add_source(id, &js(&empty_source()));
    }
    map.add_layer(&js(&json!({
        "id": "incident-area", "type": "fill", "source": "incidents",
        "filter": ["all", ["==", ["geometry-type"], "Polygon"], ["==", ["get", "kind"], "area"]],
        "paint": { "fill-color": "#b71c1c", "fill-opacity": 0.12 }
    })));
    // Drawings by kind: cordon red, staging green, route blue, danger zone dark red, other grey.
    let colour = json!([
        "match",
        ["get", "kind"],
        "area",
        "#b71c1c",
        "cordon",
        "#d50000",
        "staging",
        "#2e7d32",
        "route",
        "#1565c0",
        "hazard",
        "#6d0000",
        "#616161"
    ]);
    map.add_layer(&js(&json!({
        "id": "drawing-fill", "type": "fill", "source": "incidents",
        "filter": ["all", ["==", ["geometry-type"], "Polygon"], ["!=", ["get", "kind"], "area"]],
        "paint": { "fill-color": colour, "fill-opacity": 0.10 }
    })));
    map.add_layer(&js(&json!({
        "id": "drawing-line", "type": "line", "source": "incidents",
        "filter": ["!=", ["geometry-type"], "Point"],
        "layout": { "line-join": "round" },
        "paint": { "line-color": colour, "line-width": 3, "line-dasharray": [3, 1.5] }
    })));
    map.add_layer(&js(&json!({
        "id": "incident-point", "type": "circle", "source": "incidents",
        "filter": ["==", ["geometry-type"], "Point"],
        "paint": {
            "circle-radius": ["case", ["get", "open"], 11, 8],
            "circle-color": "#d50000",
            "circle-stroke-color": "#ffffff", "circle-stroke-width": 3,
        }
    })));
    map.add_layer(&js(&json!({
        "id": "sketch-line", "type": "line", "source": "sketch",
        "filter": ["!=", ["geometry-type"], "Point"],
        "paint": { "line-color": "#d50000", "line-width": 3, "line-dasharray": [1, 1] }
    })));
    map.add_layer(&js(&json!({
        "id": "sketch-vertex", "type": "circle", "source": "sketch",
        "filter": ["==", ["geometry-type"], "Point"],
        "paint": { "circle-radius": 5, "circle-color": "#d50000", "circle-stroke-color": "#fff", "circle-stroke-width": 2 }
    })));
}
