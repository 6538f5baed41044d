//! The warnings in force (预警) on the map: one GeoJSON source of their areas, filled
//! translucent in the level's colour with a solid outline, under the resources' symbols (added
//! before them) so that a hazard or shelter inside stays clickable. A circle is drawn as a
//! polygon of 64 points. A towns area has no outline in yitu (no town polygons are held): it is
//! drawn as rings round the hazard points it reaches (its 叫应 list's), the places a monitor is
//! called for, in the level's colour.

use super::{js, Map};
use serde_json::{json, Value};
use yitu_domain::monitoring::{WarningArea, WarningLevel};
use yitu_domain::LonLat;

/// The style layers that draw the warnings.
pub const WARNING_LAYERS: [&str; 3] = ["warnings-fill", "warnings-line", "warnings-ring"];

/// The four warning colours (the alarm colours: one colour says one gravity across yitu).
pub fn warning_colour(level: WarningLevel) -> &'static str {
    match level {
        WarningLevel::Blue => "#1e6fd9",
        WarningLevel::Yellow => "#f2c500",
        WarningLevel::Orange => "#ff7a00",
        WarningLevel::Red => "#e02020",
    }
}

/// Points on a circle of `radius_m` metres round `centre` (on the sphere, closed), enough that
/// the outline reads as round at any zoom the district is worked at.
pub fn circle_ring(centre: LonLat, radius_m: f64, points: usize) -> Vec<[f64; 2]> {
    const EARTH_M: f64 = 6_371_008.8;
    let d = radius_m / EARTH_M;
    let (lat1, lon1) = (centre.lat.to_radians(), centre.lon.to_radians());
    let mut ring: Vec<[f64; 2]> = (0..points)
        .map(|i| {
            let bearing = std::f64::consts::TAU * i as f64 / points as f64;
            let lat2 = (lat1.sin() * d.cos() + lat1.cos() * d.sin() * bearing.cos()).asin();
            let lon2 = lon1
                + (bearing.sin() * d.sin() * lat1.cos()).atan2(d.cos() - lat1.sin() * lat2.sin());
            [lon2.to_degrees(), lat2.to_degrees()]
        })
        .collect();
    if let Some(first) = ring.first().copied() {
        ring.push(first);
    }
    ring
}

/// A drawn area's geometry (a closed ring), or `None` for a towns area.
pub fn area_geometry(area: &WarningArea) -> Option<Value> {
    let ring: Vec<[f64; 2]> = match area {
        WarningArea::Polygon { ring } => {
            let mut r: Vec<[f64; 2]> = ring.iter().map(|p| [p.lon, p.lat]).collect();
            if let Some(first) = r.first().copied() {
                r.push(first);
            }
            r
        }
        WarningArea::Circle { centre, radius_m } => circle_ring(*centre, *radius_m, 64),
        WarningArea::Towns { .. } => return None,
    };
    Some(json!({ "type": "Polygon", "coordinates": [ring] }))
}

fn empty() -> Value {
    json!({ "type": "geojson", "data": { "type": "FeatureCollection", "features": [] } })
}

/// Adds the warnings' source (empty until [`set_warnings`]) and layers; call before the
/// resource layers so that the areas lie under their symbols.
pub fn add_warning_layer(map: &Map) {
    map.add_source("warnings", &js(&empty()));
    // Graver on top: a red area is never washed out under a blue one.
    map.add_layer(&js(&json!({
        "id": "warnings-fill", "type": "fill", "source": "warnings",
        "filter": ["==", ["geometry-type"], "Polygon"],
        "layout": { "fill-sort-key": ["get", "rank"] },
        "paint": { "fill-color": ["get", "colour"], "fill-opacity": 0.18 }
    })));
    map.add_layer(&js(&json!({
        "id": "warnings-line", "type": "line", "source": "warnings",
        "filter": ["==", ["geometry-type"], "Polygon"],
        "layout": { "line-join": "round", "line-sort-key": ["get", "rank"] },
        "paint": { "line-color": ["get", "colour"], "line-width": 2.5 }
    })));
    map.add_layer(&js(&json!({
        "id": "warnings-ring", "type": "circle", "source": "warnings",
        "filter": ["==", ["geometry-type"], "Point"],
        "layout": { "circle-sort-key": ["get", "rank"] },
        "paint": {
            "circle-radius": ["interpolate", ["linear"], ["zoom"], 8, 11, 11, 15, 15, 19],
            "circle-color": ["get", "colour"],
            "circle-opacity": 0.15,
            "circle-stroke-color": ["get", "colour"],
            "circle-stroke-width": 3,
        }
    })));
}

/// Replaces the warnings drawn (a FeatureCollection of their areas and rings).
pub fn set_warnings(map: &Map, features: &Value) {
    super::layers::set_source(map, "warnings", features);
}

/// Shows or hides the warnings.
pub fn set_warnings_visible(map: &Map, visible: bool) {
    let value = if visible { "visible" } else { "none" };
    for id in WARNING_LAYERS {
        let now = map.get_layout_property(id, "visibility").as_string();
        if now.as_deref().unwrap_or("visible") != value {
            map.set_layout_property(id, "visibility", &value.into());
        }
    }
}
