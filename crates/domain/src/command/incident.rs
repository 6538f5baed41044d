//! Incidents (突发事件): what happened, where, how serious, and the time-stamped log (续报) of what
//! is known. Categories and levels follow the Emergency Response Law's four kinds and four grades.

use crate::{EntityId, LonLat};
use serde::{Deserialize, Serialize};

crate::labelled_enum! {
    /// The four categories of 突发事件.
    IncidentCategory {
        Natural => ("natural", "自然灾害", "Natural disaster"),
        Accident => ("accident", "事故灾难", "Accident"),
        PublicHealth => ("public_health", "公共卫生事件", "Public health"),
        SocialSafety => ("social_safety", "社会安全事件", "Social safety"),
    }
}

crate::labelled_enum! {
    /// What kind of incident, which decides its category and its decision template.
    IncidentKind {
        Flood => ("flood", "洪涝灾害", "Flood"),
        Landslide => ("landslide", "滑坡崩塌地质灾害", "Landslide"),
        ForestFire => ("forest_fire", "森林火灾", "Forest fire"),
        Earthquake => ("earthquake", "地震灾害", "Earthquake"),
        HazardousChemicals => ("hazardous_chemicals", "危险化学品事故", "Hazardous chemicals"),
        RoadTraffic => ("road_traffic", "道路交通事故", "Road traffic accident"),
        WaterTraffic => ("water_traffic", "水上交通事故", "Water traffic accident"),
        BuildingFire => ("building_fire", "建筑火灾", "Building fire"),
        BuildingCollapse => ("building_collapse", "建筑坍塌事故", "Building collapse"),
        Epidemic => ("epidemic", "传染病疫情", "Epidemic"),
        FoodPoisoning => ("food_poisoning", "群体性食物中毒", "Mass food poisoning"),
        MassGathering => ("mass_gathering", "人员聚集踩踏", "Crowd crush / mass gathering"),
    }
}

impl IncidentKind {
    pub fn category(self) -> IncidentCategory {
        use IncidentKind::*;
        match self {
            Flood | Landslide | ForestFire | Earthquake => IncidentCategory::Natural,
            HazardousChemicals | RoadTraffic | WaterTraffic | BuildingFire | BuildingCollapse => {
                IncidentCategory::Accident
            }
            Epidemic | FoodPoisoning => IncidentCategory::PublicHealth,
            MassGathering => IncidentCategory::SocialSafety,
        }
    }
}

crate::labelled_enum! {
    /// The four grades, I (most serious) to IV.
    IncidentLevel {
        ExtremelySerious => ("extremely_serious", "特别重大", "Extremely serious (I)"),
        Serious => ("serious", "重大", "Serious (II)"),
        Major => ("major", "较大", "Major (III)"),
        General => ("general", "一般", "General (IV)"),
    }
}

crate::labelled_enum! {
    IncidentStatus {
        Responding => ("responding", "处置中", "Responding"),
        Closed => ("closed", "已结束", "Closed"),
    }
}

/// Dead, injured, missing and people affected, as last reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Toll {
    #[serde(default)]
    pub dead: u32,
    #[serde(default)]
    pub injured: u32,
    #[serde(default)]
    pub missing: u32,
    #[serde(default)]
    pub affected: u32,
}

/// An incident. `area` is the affected area drawn on the map (a GeoJSON Polygon), when drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: EntityId,
    pub title: String,
    pub kind: IncidentKind,
    pub level: IncidentLevel,
    pub status: IncidentStatus,
    /// When it happened (Unix ms), as reported.
    pub at_ms: i64,
    pub point: LonLat,
    #[serde(default)]
    pub area: Option<geojson::Geometry>,
    #[serde(default)]
    pub toll: Toll,
    pub created_by: String,
}

impl Incident {
    /// A title when none was given: 合川区 + the kind, e.g. 合川区森林火灾.
    pub fn default_title(kind: IncidentKind) -> String {
        format!("合川区{}", kind.zh())
    }
}

/// One 续报: what became known, by whom, when; optionally a new toll. Append-only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    pub id: EntityId,
    pub incident_id: EntityId,
    pub at_ms: i64,
    pub author: String,
    pub text: String,
    #[serde(default)]
    pub toll: Option<Toll>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_category_and_chinese_codes_parse() {
        for k in IncidentKind::ALL {
            let _ = k.category();
        }
        assert_eq!(
            IncidentKind::from_code("森林火灾").unwrap().category(),
            IncidentCategory::Natural
        );
        assert_eq!(
            IncidentKind::from_code("hazardous_chemicals")
                .unwrap()
                .category(),
            IncidentCategory::Accident
        );
        assert_eq!(
            IncidentLevel::from_code("较大").unwrap(),
            IncidentLevel::Major
        );
    }
}
