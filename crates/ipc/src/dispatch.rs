//! Dispatch answers as the window and `yitu` receive them: resources ranked for a point (by road
//! where a network is loaded), what lies around a point or inside a drawn area, which towns a
//! team reaches, and the loaded road network. Every travel time comes with the assumption it
//! rests on.

use crate::stock::Holding;
use serde::{Deserialize, Serialize};
use yitu_domain::dispatch::Limit;
use yitu_domain::registries::resource::Resource;
use yitu_domain::registries::team::Specialty;
use yitu_domain::space::road::NetworkSummary;
use yitu_domain::{EntityId, LonLat};

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bilingual {
    pub zh: String,
    pub en: String,
}

/// How travel times were reckoned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Routing {
    /// No road network loaded: straight line × the detour factor at the assumed speed.
    None,
    /// On the loaded road network (legs off it by the straight-line rule).
    Roads,
    /// Straight-line distance, no time (coverage by kilometres).
    StraightLine,
}

/// The assumption every travel time of an answer rests on, in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assumption {
    pub routing: Routing,
    /// The network used, when `routing` is `roads`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roads: Option<RoadInfo>,
    pub zh: String,
    pub en: String,
}

/// A resource found for a question: the whole record, how far it is, and what the question
/// asked of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Found {
    #[serde(flatten)]
    pub resource: Resource,
    /// Straight-line metres, rounded to the metre.
    pub distance_m: f64,
    /// Straight line × the detour factor at the assumed speed, minutes to one decimal.
    pub travel_min_estimate: f64,
    /// The drive by road, where a network is loaded and connects the two.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub road: Option<Drive>,
    /// What a depot can still promise of the material asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holdings: Option<Vec<Holding>>,
    /// A shelter's free places, when shelters were asked for by free places.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_capacity: Option<u32>,
}

/// A drive on the road network to a resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drive {
    /// Minutes, to one decimal.
    pub travel_min: f64,
    /// Metres on the network, rounded.
    pub road_m: f64,
    /// Metres off the network at both ends, rounded.
    pub access_m: f64,
    /// The route as `[lon, lat]` points.
    pub path: Vec<[f64; 2]>,
}

/// The `k` resources that meet a need, quickest first (`yitu nearest`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Nearest {
    pub at: LonLat,
    pub assumption: Assumption,
    pub results: Vec<Found>,
}

/// Hazard points found, with the people they threaten.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hazards {
    pub count: usize,
    pub threatened_people: u64,
    pub results: Vec<Found>,
}

/// Shelters with free places found, with their free places together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shelters {
    pub count: usize,
    pub free_capacity: u64,
    pub results: Vec<Found>,
}

/// Hazards and shelters with free places within a radius of a point, nearest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Around {
    pub at: LonLat,
    pub radius_km: f64,
    pub hazards: Hazards,
    pub shelters: Shelters,
}

/// Hazards and shelters with free places inside a drawn area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inside {
    /// Square kilometres, to two decimals.
    pub area_km2: f64,
    pub centroid: LonLat,
    pub hazards: Hazards,
    pub shelters: Shelters,
}

/// What the window shows for a point picked on the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Briefing {
    pub at: LonLat,
    pub assumption: Assumption,
    /// The quickest standby teams (of the specialty asked for).
    pub teams: Vec<Found>,
    /// The nearest experts (of the field asked for), whatever their availability.
    pub experts: Vec<Found>,
    /// Depots that can still promise the material asked for (none asked: empty).
    pub depots: Vec<Found>,
    /// Shelters with free places.
    pub shelters: Vec<Found>,
    pub within: Around,
}

/// Which towns a standby team reaches within a limit, worst first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub specialty: Option<Specialty>,
    pub limit: Limit,
    pub assumption: Assumption,
    /// That the towns' positions are schematic.
    pub positions: Bilingual,
    pub towns: usize,
    pub uncovered: usize,
    pub results: Vec<TownReach>,
}

/// Whether a town is within reach, and of which team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TownReach {
    pub code: String,
    pub name: String,
    pub at: LonLat,
    pub covered: bool,
    /// Minutes from the team that reaches it first, to one decimal.
    pub travel_min: Option<f64>,
    pub nearest: Option<Reacher>,
}

/// The team that reaches a town first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reacher {
    pub id: EntityId,
    pub name: String,
    pub location: LonLat,
    /// Straight-line metres, rounded.
    pub distance_m: f64,
}

/// Where the loaded road network came from, and what it amounts to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoadInfo {
    pub source: String,
    /// The coordinate system the file was in.
    pub crs: String,
    pub loaded_at_ms: i64,
    #[serde(flatten)]
    pub summary: NetworkSummary,
}

/// The loaded road network as the map draws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Roads {
    pub info: RoadInfo,
    pub lines: RoadLines,
}

/// The network's lines as a GeoJSON FeatureCollection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "FeatureCollection")]
pub struct RoadLines {
    pub features: Vec<RoadFeature>,
}

/// One road line as a GeoJSON Feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "Feature")]
pub struct RoadFeature {
    pub properties: RoadProperties,
    pub geometry: LineString,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoadProperties {
    pub class: Option<String>,
    pub speed_kmh: f64,
}

/// A GeoJSON LineString of `[lon, lat]` positions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "LineString")]
pub struct LineString {
    pub coordinates: Vec<[f64; 2]>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A found resource crosses as the record's own fields beside its distances, and comes back
    /// as the same record, of every layer.
    #[test]
    fn found_resources_decode_as_they_were() {
        let data = yitu_domain::demo::generate(yitu_domain::demo::DEFAULT_SEED);
        for &layer in yitu_domain::Layer::ALL {
            let resource = data
                .resources
                .iter()
                .find(|r| r.layer() == layer)
                .unwrap()
                .clone();
            let found = Found {
                resource,
                distance_m: 1234.0,
                travel_min_estimate: 2.6,
                road: None,
                holdings: (layer == yitu_domain::Layer::Depots).then(Vec::new),
                free_capacity: (layer == yitu_domain::Layer::Shelters).then_some(40),
            };
            let value = serde_json::to_value(&found).unwrap();
            assert_eq!(value["layer"], layer.code());
            assert_eq!(value["distance_m"], 1234.0);
            assert!(value.get("road").is_none(), "no drive: no key");
            assert_eq!(serde_json::from_value::<Found>(value).unwrap(), found);
        }
    }

    #[test]
    fn road_lines_are_geojson() {
        let lines = RoadLines {
            features: vec![RoadFeature {
                properties: RoadProperties {
                    class: Some("县道".into()),
                    speed_kmh: 40.0,
                },
                geometry: LineString {
                    coordinates: vec![[106.2, 30.0], [106.3, 30.1]],
                },
            }],
        };
        let value = serde_json::to_value(&lines).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"type": "FeatureCollection", "features": [{
                "type": "Feature",
                "properties": {"class": "县道", "speed_kmh": 40.0},
                "geometry": {"type": "LineString", "coordinates": [[106.2, 30.0], [106.3, 30.1]]},
            }]})
        );
        assert_eq!(serde_json::from_value::<RoadLines>(value).unwrap(), lines);
    }
}
