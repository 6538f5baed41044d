//! What the map draws of a record: its point and the few fields its symbol is styled, labelled
//! and picked by. The desktop shell clusters these and serves them as vector tiles
//! (`map_cluster`), so a map of 50,000 records never carries whole records.

use crate::map::vector_tile::TileValue;
use crate::registries::resource::Resource;

/// A record as the map sees it. A whole record carries phones, equipment and facilities the map
/// never reads; sending 50,000 of them cost seconds (the map benchmark measured 17.9 MB).
#[derive(Debug, Clone, PartialEq)]
pub struct MapFeature {
    /// WGS-84 degrees.
    pub lon: f64,
    pub lat: f64,
    /// The record's id: a click opens its details by it.
    pub id: String,
    pub layer: &'static str,
    /// The label at street zoom.
    pub name: String,
    pub kind: &'static str,
    /// Teams' readiness colours their disc; a closed shelter is grey. Empty when the kind has none.
    pub status: &'static str,
    /// A hazard's risk level ("1" is the gravest) or a depot's level colours its disc.
    pub level: Option<&'static str>,
    /// A shelter's colour is how full it is.
    pub capacity: Option<u32>,
    pub occupancy: Option<u32>,
}

impl MapFeature {
    pub fn of(r: &Resource) -> Self {
        let (level, capacity, occupancy) = match r {
            Resource::Hazard(h) => (Some(h.level.code()), None, None),
            Resource::Depot(d) => (Some(d.level.code()), None, None),
            Resource::Shelter(s) => (None, Some(s.capacity), Some(s.occupancy)),
            Resource::Team(_) | Resource::Expert(_) => (None, None, None),
        };
        let at = r.location();
        Self {
            lon: at.lon,
            lat: at.lat,
            id: r.id().to_string(),
            layer: r.layer().code(),
            name: r.name().to_owned(),
            kind: r.kind_code(),
            status: r.status_code(),
            level,
            capacity,
            occupancy,
        }
    }

    /// A hazard's risk level as a number (1 gravest … 4), for a cluster's gravest member.
    pub fn risk_rank(&self) -> Option<u8> {
        (self.layer == crate::Layer::Hazards.code())
            .then(|| self.level.and_then(|l| l.parse().ok()))
            .flatten()
    }

    /// The attributes the style reads, as a vector tile carries them (absent ones left out).
    pub fn attributes(&self) -> Vec<(&'static str, TileValue)> {
        let mut out = vec![
            ("id", TileValue::from(self.id.as_str())),
            ("layer", self.layer.into()),
            ("name", self.name.as_str().into()),
            ("kind", self.kind.into()),
        ];
        if !self.status.is_empty() {
            out.push(("status", self.status.into()));
        }
        if let Some(level) = self.level {
            out.push(("level", level.into()));
        }
        if let Some(c) = self.capacity {
            out.push(("capacity", c.into()));
        }
        if let Some(o) = self.occupancy {
            out.push(("occupancy", o.into()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;
    use std::collections::BTreeMap;

    fn attributes(r: &Resource) -> BTreeMap<&'static str, TileValue> {
        MapFeature::of(r).attributes().into_iter().collect()
    }

    #[test]
    fn every_record_keeps_its_position_id_layer_and_name() {
        for r in demo::generate(7).resources {
            let f = MapFeature::of(&r);
            let at = r.location();
            assert_eq!((f.lon, f.lat), (at.lon, at.lat));
            let a = attributes(&r);
            assert_eq!(a["id"], TileValue::Text(r.id().to_string()));
            assert_eq!(a["layer"], TileValue::Text(r.layer().code().into()));
            assert_eq!(a["name"], TileValue::Text(r.name().into()));
        }
    }

    #[test]
    fn the_styled_fields_are_the_records_own_and_nothing_else_is_sent() {
        let text = |s: &str| TileValue::Text(s.into());
        for r in demo::generate(7).resources {
            let a = attributes(&r);
            match &r {
                Resource::Team(t) => {
                    assert_eq!(a["status"], text(t.status.code()));
                    assert_eq!(a.len(), 5, "id, layer, name, kind, status: {a:?}");
                }
                Resource::Shelter(s) => {
                    assert_eq!(a["capacity"], s.capacity.into());
                    assert_eq!(a["occupancy"], s.occupancy.into());
                    assert_eq!(a["status"], text(s.status.code()));
                    assert_eq!(a.len(), 7);
                }
                Resource::Hazard(h) => {
                    assert_eq!(a["level"], text(h.level.code()));
                    let rank = MapFeature::of(&r).risk_rank();
                    assert_eq!(rank.map(|n| n.to_string()).as_deref(), Some(h.level.code()));
                }
                Resource::Depot(d) => {
                    assert_eq!(a["level"], text(d.level.code()));
                    assert!(!a.contains_key("status"), "a depot has no status");
                    assert_eq!(MapFeature::of(&r).risk_rank(), None, "only hazards rank");
                }
                Resource::Expert(e) => {
                    assert_eq!(a["kind"], text(e.field.code()));
                    assert_eq!(a.len(), 4 + usize::from(a.contains_key("status")));
                }
            }
        }
    }
}
