//! Experts (专家): the district's expert pool by field, with availability.

use crate::{EntityId, LonLat};
use serde::{Deserialize, Serialize};

crate::labelled_enum! {
    /// An expert's field of advice.
    ExpertField {
        Geology => ("geology", "地质", "Geology"),
        WaterResources => ("water", "水利", "Water resources"),
        Meteorology => ("meteorology", "气象", "Meteorology"),
        Hazmat => ("hazmat", "危化", "Hazardous chemicals"),
        Fire => ("fire", "消防", "Fire protection"),
        Medicine => ("medicine", "医学", "Medicine"),
        Structure => ("structure", "建筑结构", "Structural engineering"),
        Forestry => ("forestry", "林业", "Forestry"),
        Mining => ("mining", "矿山", "Mining"),
        Transport => ("transport", "交通", "Transport"),
        SpecialEquipment => ("special_equipment", "特种设备", "Special equipment"),
    }
}

crate::labelled_enum! {
    /// Whether an expert can be called on now.
    Availability {
        Available => ("available", "可联系", "Available"),
        Engaged => ("engaged", "执行任务中", "Engaged"),
        Away => ("away", "外出", "Away"),
    }
}

/// An expert of the district's pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expert {
    pub id: EntityId,
    pub name: String,
    pub field: ExpertField,
    pub organisation: String,
    pub title: String,
    pub phone: String,
    pub town_code: String,
    pub location: LonLat,
    pub availability: Availability,
}
