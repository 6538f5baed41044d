//! What the desk knows of its monitoring network, as the window and the CLI show it: each
//! station with its health and latest values, and the alarm board.

use serde::{Deserialize, Serialize};
use yitu_domain::monitoring::{
    Alarm, AlarmLevel, HealthKind, Overdue, Power, Reading, Station, Step,
};

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
