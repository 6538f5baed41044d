//! The monitoring stations (监测站) on the map: one GeoJSON source of a few tens of points
//! (no tiles needed), drawn as discs coloured by health with the kind's character on them
//! (雨/水/地/气/火) and the name at close zoom, above the resources and under the analyses;
//! the ring round the station whose panel is open.

use super::style::LABEL_FONT;
use super::{js, Map};
use serde_json::{json, Value};
use yitu_domain::monitoring::{AlarmLevel, HealthKind, StationKind};

/// The style layers that draw the stations (the disc is what a click lands on).
pub const STATION_LAYERS: [&str; 3] = ["stations-disc", "stations-letter", "stations-label"];
pub const STATION_DISC: &str = "stations-disc";

/// 正常: green, and only a station heard lately with no alarm open is.
pub const STATION_NORMAL: &str = "#2e9d4a";
/// 离线: a mid grey with a dark outline, never mistaken for a working station.
pub const STATION_OFFLINE: (&str, &str) = ("#7d868f", "#1c2430");
/// 未知 (never heard): a pale grey with a grey outline.
pub const STATION_UNKNOWN: (&str, &str) = ("#d3d8dd", "#6b7682");

/// The four alarm colours, on the map, the legend and the alarm board alike.
pub fn alarm_colour(level: AlarmLevel) -> &'static str {
    match level {
        AlarmLevel::Blue => "#1e6fd9",
        AlarmLevel::Yellow => "#f2c500",
        AlarmLevel::Orange => "#ff7a00",
        AlarmLevel::Red => "#e02020",
    }
}

/// The character on a station's disc.
pub fn kind_letter(kind: StationKind) -> &'static str {
    match kind {
        StationKind::Rain => "雨",
        StationKind::WaterLevel => "水",
        StationKind::Geohazard => "地",
        StationKind::Weather => "气",
        StationKind::FireVideo => "火",
    }
}

/// How a station is drawn: (fill, outline, outline width, character colour). An offline
/// station that fell silent in alarm keeps the alarm's colour as its outline: a gauge lost in
/// a flood is news.
pub fn station_look(
    health: HealthKind,
    level: Option<AlarmLevel>,
) -> (&'static str, &'static str, f64, &'static str) {
    let ink = |fill: &str| {
        if fill == alarm_colour(AlarmLevel::Yellow) || fill == STATION_UNKNOWN.0 {
            "#1c2430"
        } else {
            "#ffffff"
        }
    };
    match (health, level) {
        (HealthKind::Normal, _) => (STATION_NORMAL, "#ffffff", 1.5, "#ffffff"),
        (HealthKind::Alarm, l) => {
            let fill = alarm_colour(l.unwrap_or(AlarmLevel::Red));
            (fill, "#ffffff", 1.5, ink(fill))
        }
        (HealthKind::Offline, Some(l)) => (STATION_OFFLINE.0, alarm_colour(l), 3.0, "#ffffff"),
        (HealthKind::Offline, None) => (STATION_OFFLINE.0, STATION_OFFLINE.1, 2.5, "#ffffff"),
        (HealthKind::Unknown, _) => (STATION_UNKNOWN.0, STATION_UNKNOWN.1, 2.0, "#1c2430"),
    }
}

fn empty() -> Value {
    json!({ "type": "geojson", "data": { "type": "FeatureCollection", "features": [] } })
}

/// Adds the stations' source (empty until [`set_stations`]) and layers, and the ring.
pub fn add_station_layer(map: &Map) {
    map.add_source("stations", &js(&empty()));
    map.add_source("station-ring", &js(&empty()));
    map.add_layer(&js(&json!({
        "id": "station-ring", "type": "circle", "source": "station-ring",
        "paint": {
            "circle-radius": ["interpolate", ["linear"], ["zoom"], 8, 14, 11, 17, 15, 21],
            "circle-color": "rgba(0,0,0,0)",
            "circle-stroke-color": "#16202c",
            "circle-stroke-width": 3,
        }
    })));
    // Graver on top: a red station is never hidden under a grey one.
    map.add_layer(&js(&json!({
        "id": STATION_DISC, "type": "circle", "source": "stations",
        "layout": { "circle-sort-key": ["get", "rank"] },
        "paint": {
            "circle-color": ["get", "fill"],
            "circle-radius": ["interpolate", ["linear"], ["zoom"], 8, 8, 11, 10, 15, 13],
            "circle-stroke-color": ["get", "stroke"],
            "circle-stroke-width": ["get", "stroke_width"],
        }
    })));
    map.add_layer(&js(&json!({
        "id": "stations-letter", "type": "symbol", "source": "stations",
        "layout": {
            "text-field": ["get", "letter"],
            "text-font": [LABEL_FONT],
            "text-size": ["interpolate", ["linear"], ["zoom"], 8, 10, 11, 12, 15, 15],
            "text-allow-overlap": true,
            "text-ignore-placement": true,
            "symbol-sort-key": ["get", "rank"],
        },
        "paint": { "text-color": ["get", "ink"] }
    })));
    map.add_layer(&js(&json!({
        "id": "stations-label", "type": "symbol", "source": "stations",
        "minzoom": 11,
        "layout": {
            "text-field": ["get", "name"],
            "text-font": [LABEL_FONT],
            "text-size": ["interpolate", ["linear"], ["zoom"], 11, 12, 16, 15],
            "text-anchor": "top",
            "text-offset": [0, 1.1],
            "text-max-width": 10,
            "text-padding": 1,
        },
        "paint": {
            "text-color": "#1f2933",
            "text-halo-color": "#ffffff",
            "text-halo-width": 1.6,
        }
    })));
}

/// Replaces the stations drawn (a FeatureCollection of their points and looks).
pub fn set_stations(map: &Map, features: &Value) {
    super::layers::set_source(map, "stations", features);
}

/// Rings the station at `at`, or none.
pub fn set_station_ring(map: &Map, at: Option<(f64, f64)>) {
    let features: Vec<Value> = at
        .into_iter()
        .map(|(lon, lat)| {
            json!({ "type": "Feature", "properties": {},
                    "geometry": { "type": "Point", "coordinates": [lon, lat] } })
        })
        .collect();
    super::layers::set_source(
        map,
        "station-ring",
        &json!({ "type": "FeatureCollection", "features": features }),
    );
}

/// Shows or hides the stations (and their ring).
pub fn set_stations_visible(map: &Map, visible: bool) {
    let value = if visible { "visible" } else { "none" };
    for id in STATION_LAYERS.iter().chain(&["station-ring"]) {
        let now = map.get_layout_property(id, "visibility").as_string();
        if now.as_deref().unwrap_or("visible") != value {
            map.set_layout_property(id, "visibility", &value.into());
        }
    }
}
