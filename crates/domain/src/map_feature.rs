//! What the map draws of a record: its point and the few fields its symbol is styled, labelled
//! and picked by, as GeoJSON text. The same text is built by the desktop shell (served to
//! MapLibre's worker) and by the window (after a filter), so the two can never draw differently.

use crate::resource::Resource;
use serde::Serialize;

#[derive(Serialize)]
struct Feature<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    geometry: Point,
    properties: Properties<'a>,
}

#[derive(Serialize)]
struct Point {
    #[serde(rename = "type")]
    kind: &'static str,
    coordinates: [f64; 2],
}

/// The styled fields. A whole record carries phones, equipment and facilities the map never
/// reads; sending 50,000 of them cost seconds (the map benchmark measured 17.9 MB of replies).
#[derive(Serialize)]
struct Properties<'a> {
    /// The record's id: a click opens its details by it.
    id: String,
    layer: &'static str,
    /// The label at street zoom.
    name: &'a str,
    kind: &'static str,
    /// Teams' readiness colours their disc; a closed shelter is grey.
    #[serde(skip_serializing_if = "str::is_empty")]
    status: &'static str,
    /// A hazard's risk level or a depot's level colours its disc.
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<&'static str>,
    /// A shelter's colour is how full it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    capacity: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    occupancy: Option<u32>,
}

fn feature(r: &Resource) -> Feature<'_> {
    let (level, capacity, occupancy) = match r {
        Resource::Hazard(h) => (Some(h.level.code()), None, None),
        Resource::Depot(d) => (Some(d.level.code()), None, None),
        Resource::Shelter(s) => (None, Some(s.capacity), Some(s.occupancy)),
        Resource::Team(_) | Resource::Expert(_) => (None, None, None),
    };
    let at = r.location();
    Feature {
        kind: "Feature",
        geometry: Point {
            kind: "Point",
            coordinates: [at.lon, at.lat],
        },
        properties: Properties {
            id: r.id().to_string(),
            layer: r.layer().code(),
            name: r.name(),
            kind: r.kind_code(),
            status: r.status_code(),
            level,
            capacity,
            occupancy,
        },
    }
}

/// The records as an RFC 7946 FeatureCollection of WGS-84 points, as JSON text.
pub fn collection<'a>(records: impl IntoIterator<Item = &'a Resource>) -> String {
    let mut out = String::from(r#"{"type":"FeatureCollection","features":["#);
    for (i, r) in records.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        // Writing plain structs of strings and numbers into a String cannot fail.
        out.push_str(&serde_json::to_string(&feature(r)).expect("map features serialize"));
    }
    out.push_str("]}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;
    use serde_json::Value;

    fn parsed(records: &[Resource]) -> Value {
        serde_json::from_str(&collection(records)).expect("valid JSON")
    }

    #[test]
    fn every_record_becomes_a_point_at_its_position_with_its_id_and_layer() {
        let records = demo::generate(7).resources;
        let fc = parsed(&records);
        assert_eq!(fc["type"], "FeatureCollection");
        let features = fc["features"].as_array().unwrap();
        assert_eq!(features.len(), records.len());
        for (f, r) in features.iter().zip(&records) {
            assert_eq!(f["type"], "Feature");
            assert_eq!(f["geometry"]["type"], "Point");
            let at = r.location();
            assert_eq!(
                f["geometry"]["coordinates"],
                serde_json::json!([at.lon, at.lat])
            );
            assert_eq!(f["properties"]["id"], r.id().to_string());
            assert_eq!(f["properties"]["layer"], r.layer().code());
            assert_eq!(f["properties"]["name"], r.name());
        }
    }

    #[test]
    fn the_styled_fields_are_the_records_own_and_nothing_else_is_sent() {
        let records = demo::generate(7).resources;
        let fc = parsed(&records);
        for (f, r) in fc["features"].as_array().unwrap().iter().zip(&records) {
            let p = f["properties"].as_object().unwrap();
            match r {
                Resource::Team(t) => {
                    assert_eq!(p["status"], t.status.code());
                    assert!(!p.contains_key("duty_phone") && !p.contains_key("equipment"));
                }
                Resource::Shelter(s) => {
                    assert_eq!(p["capacity"], s.capacity);
                    assert_eq!(p["occupancy"], s.occupancy);
                    assert_eq!(p["status"], s.status.code());
                    assert!(!p.contains_key("facilities"));
                }
                Resource::Hazard(h) => {
                    assert_eq!(p["level"], h.level.code());
                    assert!(!p.contains_key("monitor_phone"));
                }
                Resource::Depot(d) => {
                    assert_eq!(p["level"], d.level.code());
                    assert!(!p.contains_key("status"), "a depot has no status");
                }
                Resource::Expert(e) => {
                    assert_eq!(p["kind"], e.field.code());
                    assert!(!p.contains_key("phone"));
                }
            }
        }
    }

    #[test]
    fn no_records_is_an_empty_collection() {
        assert_eq!(
            parsed(&[]),
            serde_json::json!({"type": "FeatureCollection", "features": []})
        );
    }
}
