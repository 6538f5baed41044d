//! Where the map looks: the district's extent it opens on, flights and jumps to a place, and
//! zooming into a cluster.

use super::style::CLUSTER_BELOW_ZOOM;
use super::{js, Map};
use serde_json::json;

/// The district's measured extent, the view the map opens on.
pub(super) const DISTRICT_BOUNDS: [[f64; 2]; 2] = [[105.964, 29.847], [106.674, 30.380]];

/// Flies to a position at street zoom.
pub fn fly_to(map: &Map, lon: f64, lat: f64) {
    map.fly_to(&js(
        &json!({ "center": [lon, lat], "zoom": 13, "essential": true }),
    ));
}

/// Moves the view at once (no animation, so what is clicked next is where it looks).
pub fn jump_to(map: &Map, lon: f64, lat: f64, zoom: f64) {
    map.fly_to(&js(
        &json!({ "center": [lon, lat], "zoom": zoom, "animate": false, "essential": true }),
    ));
}

/// Zooms in on a cluster to where its records stand apart: at least two steps (a visible move
/// in), further when they only part deeper, and no further than where every record has its own
/// symbol.
pub fn zoom_into(map: &Map, lon: f64, lat: f64, expansion: Option<f64>) {
    let step = map.get_zoom() + 2.0;
    let zoom = expansion
        .unwrap_or(step)
        .max(step)
        .min(f64::from(CLUSTER_BELOW_ZOOM));
    map.ease_to(&js(
        &json!({ "center": [lon, lat], "zoom": zoom, "duration": 400 }),
    ));
}
