//! A resource of any layer, as one type: what the store keeps, the map draws and exports write.

use crate::registries::depot::Depot;
use crate::registries::expert::Expert;
use crate::registries::hazard::Hazard;
use crate::registries::shelter::Shelter;
use crate::registries::team::Team;
use crate::{EntityId, Layer, LonLat};
use serde::{Deserialize, Serialize};

/// One record of one of the five layers, tagged by its layer code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "layer")]
pub enum Resource {
    #[serde(rename = "teams")]
    Team(Team),
    #[serde(rename = "experts")]
    Expert(Expert),
    #[serde(rename = "depots")]
    Depot(Depot),
    #[serde(rename = "shelters")]
    Shelter(Shelter),
    #[serde(rename = "hazards")]
    Hazard(Hazard),
}

impl Resource {
    pub fn layer(&self) -> Layer {
        match self {
            Self::Team(_) => Layer::Teams,
            Self::Expert(_) => Layer::Experts,
            Self::Depot(_) => Layer::Depots,
            Self::Shelter(_) => Layer::Shelters,
            Self::Hazard(_) => Layer::Hazards,
        }
    }

    pub fn id(&self) -> EntityId {
        match self {
            Self::Team(r) => r.id,
            Self::Expert(r) => r.id,
            Self::Depot(r) => r.id,
            Self::Shelter(r) => r.id,
            Self::Hazard(r) => r.id,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Self::Team(r) => &r.name,
            Self::Expert(r) => &r.name,
            Self::Depot(r) => &r.name,
            Self::Shelter(r) => &r.name,
            Self::Hazard(r) => &r.name,
        }
    }

    pub fn location(&self) -> LonLat {
        match self {
            Self::Team(r) => r.location,
            Self::Expert(r) => r.location,
            Self::Depot(r) => r.location,
            Self::Shelter(r) => r.location,
            Self::Hazard(r) => r.location,
        }
    }

    pub fn town_code(&self) -> &str {
        match self {
            Self::Team(r) => &r.town_code,
            Self::Expert(r) => &r.town_code,
            Self::Depot(r) => &r.town_code,
            Self::Shelter(r) => &r.town_code,
            Self::Hazard(r) => &r.town_code,
        }
    }

    /// The kind a layer is counted and styled by: team kind, expert field, depot level,
    /// shelter class, hazard kind.
    pub fn kind_code(&self) -> &'static str {
        match self {
            Self::Team(r) => r.kind.code(),
            Self::Expert(r) => r.field.code(),
            Self::Depot(r) => r.level.code(),
            Self::Shelter(r) => r.class.code(),
            Self::Hazard(r) => r.kind.code(),
        }
    }

    /// The state a layer is filtered by: readiness, availability, shelter or hazard status.
    pub fn status_code(&self) -> &'static str {
        match self {
            Self::Team(r) => r.status.code(),
            Self::Expert(r) => r.availability.code(),
            Self::Depot(_) => "",
            Self::Shelter(r) => r.status.code(),
            Self::Hazard(r) => r.status.code(),
        }
    }

    /// An RFC 7946 feature: a WGS-84 point, the record's id as the feature id, and every field
    /// of the record (but the position) as properties.
    pub fn to_feature(&self) -> geojson::Feature {
        let mut value = serde_json::to_value(self).expect("resources serialize");
        let mut props = value
            .as_object_mut()
            .map(std::mem::take)
            .unwrap_or_default();
        props.remove("location");
        props.insert("kind".into(), self.kind_code().into());
        let loc = self.location();
        geojson::Feature {
            bbox: None,
            geometry: Some(geojson::Geometry::new_point([loc.lon, loc.lat])),
            id: Some(geojson::feature::Id::String(self.id().to_string())),
            properties: Some(props),
            foreign_members: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registries::expert::{Availability, ExpertField};

    #[test]
    fn a_feature_carries_id_layer_fields_and_lon_lat_order() {
        let r = Resource::Expert(Expert {
            id: EntityId::v7(1, [1; 10]),
            name: "张工".into(),
            field: ExpertField::Geology,
            organisation: "区规划自然资源局".into(),
            title: "高级工程师".into(),
            phone: "13900000000".into(),
            town_code: "500117001".into(),
            location: LonLat::new(106.27, 29.99).unwrap(),
            availability: Availability::Available,
        });
        let f = r.to_feature();
        let props = f.properties.as_ref().unwrap();
        assert_eq!(props["layer"], "experts");
        assert_eq!(props["field"], "geology");
        assert_eq!(props["kind"], "geology");
        assert!(!props.contains_key("location"));
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["geometry"]["type"], "Point");
        assert_eq!(
            json["geometry"]["coordinates"],
            serde_json::json!([106.27, 29.99])
        );
        let back: Resource = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back, r);
    }
}
