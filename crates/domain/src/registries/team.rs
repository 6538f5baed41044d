//! Rescue teams (救援队伍): kinds, specialties, readiness and the team record.

use crate::{EntityId, LonLat};
use serde::{Deserialize, Serialize};

crate::labelled_enum! {
    /// The force a team belongs to, after 应急〔2022〕61号 and the district plan's count
    /// (2 district comprehensive, 20 departmental, 30 town teams).
    TeamKind {
        Comprehensive => ("comprehensive", "综合应急救援队伍", "Comprehensive rescue"),
        FireRescueNational => ("fire_rescue_national", "国家综合性消防救援队伍", "National fire & rescue"),
        FireLocalProfessional => ("fire_local_professional", "地方专职消防队伍", "Local full-time fire brigade"),
        Professional => ("professional", "专业应急救援队伍", "Professional (departmental) rescue"),
        Social => ("social", "社会应急力量", "Volunteer rescue organisation"),
        Grassroots => ("grassroots", "镇街应急救援队伍", "Town/street rescue team"),
        Militia => ("militia", "民兵应急队伍", "Militia emergency unit"),
    }
}

crate::labelled_enum! {
    /// What a team is trained and equipped for.
    Specialty {
        Water => ("water", "水上救援", "Water rescue"),
        ForestFire => ("forest_fire", "森林灭火", "Forest firefighting"),
        Geological => ("geological", "地质灾害", "Geological hazards"),
        Flood => ("flood", "防汛抗旱", "Flood & drought"),
        Hazmat => ("hazmat", "危化品", "Hazardous chemicals"),
        Mining => ("mining", "矿山救援", "Mine rescue"),
        Collapse => ("collapse", "建筑坍塌", "Structural collapse"),
        Mountain => ("mountain", "山地搜救", "Mountain search"),
        Medical => ("medical", "医疗救护", "Medical"),
        Comms => ("comms", "通信保障", "Communications"),
    }
}

crate::labelled_enum! {
    /// Whether a team can be sent now. Only `Standby` teams are offered for dispatch.
    Readiness {
        Standby => ("standby", "待命", "Standby"),
        Deployed => ("deployed", "出动", "Deployed"),
        OnDuty => ("on_duty", "执勤", "On duty"),
        Resting => ("resting", "休整", "Resting"),
        Unavailable => ("unavailable", "不可用", "Unavailable"),
    }
}

/// A rescue team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Team {
    pub id: EntityId,
    pub name: String,
    pub kind: TeamKind,
    /// The professional subtype or the owning department (e.g. 区水利局), where there is one.
    #[serde(default)]
    pub unit: String,
    pub specialties: Vec<Specialty>,
    pub headcount: u32,
    #[serde(default)]
    pub equipment: Vec<String>,
    pub town_code: String,
    pub location: LonLat,
    pub status: Readiness,
    pub leader: String,
    pub duty_phone: String,
}
