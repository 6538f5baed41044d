//! Risk monitoring (the plan's 风险监测预警一张图): what stations observe (`reading`), the
//! station register and its health (`station`), its thresholds (`threshold`), the values they
//! are compared against (`series`), and the alarms a run of readings raises and their handling
//! (`alarm`), and the warnings a commander issues to an area (`warning`). Pure: decoders of the stations' own formats live in
//! `yitu-telemetry`, the sockets in the server.

pub mod alarm;
pub mod import;
pub mod reading;
pub mod series;
pub mod station;
pub mod threshold;
pub mod warning;

pub use alarm::{
    board, current_level, evaluate, fold, Alarm, AlarmState, Board, Clearing, Deadlines, Entry,
    Episode, Escalation, LevelChange, Overdue, OverdueKind, Step,
};
pub use reading::{Axis, Element, Lateness, Reading, ReadingKey};
pub use series::{Point, Rainfall};
pub use station::{
    Health, HealthKind, Power, Sensor, Station, StationKind, Status, OFFLINE_AFTER_INTERVALS,
};
pub use threshold::{
    AlarmLevel, DeformationThresholds, Hold, Hysteresis, RainLimits, RainThresholds, Rule, Steps,
    TangentAngle, Thresholds, WaterThresholds,
};
pub use warning::{Warning, WarningArea, WarningError, WarningKind, WarningLevel, WarningStatus};
