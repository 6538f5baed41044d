//! Emergency shelters (应急避难场所) after GB/T 44013-2024: grade by administrative level,
//! class by how long people may stay, indoor or outdoor, capacity and occupancy.

use crate::{EntityId, LonLat};
use serde::{Deserialize, Serialize};

crate::labelled_enum! {
    /// Grade by the administrative level that runs it.
    ShelterGrade {
        Province => ("province", "省级", "Provincial"),
        City => ("city", "市级", "City"),
        County => ("county", "县级", "District"),
        Town => ("town", "乡镇（街道）级", "Town"),
        Village => ("village", "村（社区）级", "Village"),
    }
}

crate::labelled_enum! {
    /// Class by duration of stay (category names after GB/T 44013-2024; thresholds to be checked
    /// against the standard's text before they are relied on).
    ShelterClass {
        Emergency => ("emergency", "紧急", "Emergency"),
        Short => ("short", "短期", "Short-term"),
        Medium => ("medium", "中期", "Medium-term"),
        Long => ("long", "长期", "Long-term"),
    }
}

crate::labelled_enum! {
    SpaceType {
        Indoor => ("indoor", "室内", "Indoor"),
        Outdoor => ("outdoor", "室外", "Outdoor"),
    }
}

crate::labelled_enum! {
    ShelterStatus {
        Open => ("open", "已开放", "Open"),
        Ready => ("ready", "可启用", "Ready"),
        Closed => ("closed", "关闭", "Closed"),
    }
}

/// A shelter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shelter {
    pub id: EntityId,
    pub name: String,
    pub grade: ShelterGrade,
    pub class: ShelterClass,
    pub space: SpaceType,
    /// People it can hold.
    pub capacity: u32,
    /// People in it now.
    #[serde(default)]
    pub occupancy: u32,
    pub area_m2: u32,
    #[serde(default)]
    pub facilities: Vec<String>,
    pub status: ShelterStatus,
    pub town_code: String,
    pub location: LonLat,
    pub manager: String,
    pub phone: String,
}

impl Shelter {
    /// Places left; a closed shelter has none.
    pub fn free_capacity(&self) -> u32 {
        match self.status {
            ShelterStatus::Closed => 0,
            _ => self.capacity.saturating_sub(self.occupancy),
        }
    }
}
