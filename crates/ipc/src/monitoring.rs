//! What the desk knows of its monitoring network, as the window and the CLI show it: each
//! station with its health and latest values, the alarm board, and the warnings in force.

use serde::{Deserialize, Serialize};
use yitu_domain::monitoring::warning::Recipients;
use yitu_domain::monitoring::{
    Alarm, AlarmLevel, HealthKind, Overdue, Power, Reading, Station, Step, Warning, WarningArea,
    WarningKind, WarningLevel,
};
use yitu_domain::EntityId;

/// A station on the map and in its panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StationState {
    pub station: Station,
    /// 正常 / 超阈值 / 离线 / 未知: offline is never shown as normal.
    pub health: HealthKind,
    /// The health as a duty officer reads it (离线 with how long, 超阈值 with the colour).
    pub health_zh: String,
    /// The gravest open alarm's colour, where one is open.
    pub level: Option<AlarmLevel>,
    pub last_heard_ms: Option<i64>,
    pub power: Power,
    /// The newest value of each element it sends.
    pub latest: Vec<Reading>,
    /// Rain over the 24 hours before now, mm, where it measures rain.
    pub rain_24h_mm: Option<f64>,
}

/// The desk's monitoring as of `now_ms`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Monitoring {
    pub now_ms: i64,
    pub stations: Vec<StationState>,
    /// Open and recent alarms, gravest and newest first.
    pub alarms: Vec<AlarmView>,
    /// What is overdue (an unacknowledged 红色, an unanswered call), longest first.
    pub overdue: Vec<Overdue>,
}

/// An alarm with the station it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlarmView {
    pub station_code: String,
    pub station_name: String,
    pub alarm: Alarm,
}

/// A step a person takes on an alarm, as the window sends it.
pub type AlarmStep = Step;

/// A warning as a desk shows it: whether it is in force, and whom it reaches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WarningState {
    pub warning: Warning,
    /// Issued or updated, not lifted, not replaced by a later message, and not expired (one
    /// whose onset is still ahead counts: people prepare before it).
    pub in_force: bool,
    /// Where a later message replaced it, that message's id.
    pub superseded_by: Option<EntityId>,
    pub recipients: Recipients,
}

/// A warning as a commander fills it in: issued now for `hours`, or (with `replaces`) an
/// update of one in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewWarning {
    pub level: WarningLevel,
    pub kind: WarningKind,
    pub area: WarningArea,
    pub headline: String,
    #[serde(default)]
    pub description: String,
    pub instructions: String,
    pub hours: i64,
    #[serde(default)]
    pub sender: String,
    /// 演练: inside a drill.
    #[serde(default)]
    pub exercise: bool,
    /// The warning this one updates.
    #[serde(default)]
    pub replaces: Option<EntityId>,
}
