//! Risk monitoring (the plan's 风险监测预警一张图): what stations observe (`reading`), the
//! station register and its thresholds, the alarms a run of readings raises, and the warnings a
//! commander issues to an area. Pure: decoders of the stations' own formats live in
//! `yitu-telemetry`, the sockets in the server.

pub mod reading;
pub mod warning;

pub use reading::{Axis, Element, Lateness, Reading, ReadingKey};
pub use warning::{Warning, WarningArea, WarningError, WarningKind, WarningLevel, WarningStatus};
