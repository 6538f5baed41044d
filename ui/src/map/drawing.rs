//! The shapes the window's state asks the map to show: a briefing's ringed teams, point and
//! routes, an area drawn, the ruler's path, the shape being sketched, incidents and the open
//! incident's drawings. Each replaces its source's data whole.

use super::layers::set_source;
use super::{js, Map};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

fn points(items: &[(String, f64, f64)]) -> JsValue {
    let features: Vec<Value> = items
        .iter()
        .map(|(id, lon, lat)| json!({ "type": "Feature", "properties": { "id": id }, "geometry": { "type": "Point", "coordinates": [lon, lat] } }))
        .collect();
    js(&json!({ "type": "FeatureCollection", "features": features }))
}

/// Rings these resources (id, lon, lat) and marks the picked point, replacing what was there.
pub fn set_highlight(map: &Map, items: &[(String, f64, f64)], picked: Option<(f64, f64)>) {
    if let Some(src) = map.get_source("highlight") {
        src.set_data(&points(items));
    }
    if let Some(src) = map.get_source("picked") {
        let p: Vec<(String, f64, f64)> = picked
            .map(|(lon, lat)| ("picked".to_owned(), lon, lat))
            .into_iter()
            .collect();
        src.set_data(&points(&p));
    }
}

/// Draws routes (each a list of [lon, lat]); the first is drawn boldest.
pub fn set_routes(map: &Map, paths: &[Vec<[f64; 2]>]) {
    let features: Vec<Value> = paths
        .iter()
        .enumerate()
        .rev()
        .map(|(i, p)| {
            json!({ "type": "Feature", "properties": { "first": i == 0 },
            "geometry": { "type": "LineString", "coordinates": p } })
        })
        .collect();
    set_source(
        map,
        "route",
        &json!({ "type": "FeatureCollection", "features": features }),
    );
}

/// Draws an area being drawn (its vertices and outline) or finished (filled).
pub fn set_area(map: &Map, vertices: &[[f64; 2]], closed: bool) {
    set_shape(map, "area", vertices, closed);
}

/// Vertices as points, joined by a line, or by a polygon once `closed`, into a source.
fn set_shape(map: &Map, source: &str, vertices: &[[f64; 2]], closed: bool) {
    let mut features: Vec<Value> = vertices
        .iter()
        .map(|v| json!({ "type": "Feature", "properties": {}, "geometry": { "type": "Point", "coordinates": v } }))
        .collect();
    if closed && vertices.len() >= 3 {
        let mut ring = vertices.to_vec();
        ring.push(vertices[0]);
        features.push(json!({ "type": "Feature", "properties": {}, "geometry": { "type": "Polygon", "coordinates": [ring] } }));
    } else if vertices.len() >= 2 {
        features.push(json!({ "type": "Feature", "properties": {}, "geometry": { "type": "LineString", "coordinates": vertices } }));
    }
    set_source(
        map,
        source,
        &json!({ "type": "FeatureCollection", "features": features }),
    );
}

/// Draws the measuring path: its points and the line through them.
pub fn set_measure(map: &Map, vertices: &[[f64; 2]]) {
    set_shape(map, "measure", vertices, false);
}

/// Draws the shape being sketched: its points and the line (or closed outline) through them.
pub fn set_sketch(map: &Map, vertices: &[[f64; 2]], line: bool) {
    set_shape(map, "sketch", vertices, !line);
}

/// Incidents (points and affected areas; `open` marks the one in the panel) and the drawings of
/// the open incident's decisions in force.
pub fn set_incidents(
    map: &Map,
    incidents: &[yitu_domain::command::incident::Incident],
    open: Option<&str>,
    drawings: &[yitu_domain::command::decision::Drawing],
) {
    let mut features: Vec<Value> = Vec::new();
    for i in incidents {
        let id = i.id.to_string();
        if let Some(area) = &i.area {
            features.push(json!({ "type": "Feature", "properties": { "kind": "area", "id": id }, "geometry": area }));
        }
        features.push(json!({ "type": "Feature",
            "properties": { "kind": "incident", "id": id, "open": open == Some(id.as_str()), "level": i.level.code() },
            "geometry": { "type": "Point", "coordinates": [i.point.lon, i.point.lat] } }));
    }
    for d in drawings {
        features.push(json!({ "type": "Feature", "properties": { "kind": d.kind.code(), "label": d.label }, "geometry": d.geometry }));
    }
    set_source(
        map,
        "incidents",
        &json!({ "type": "FeatureCollection", "features": features }),
    );
}
