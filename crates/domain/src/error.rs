//! The one error type of the domain crate: what can be wrong with a value a user gave.

/// A value refused by validation. Each variant carries what a user needs to correct it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("coordinate out of range: longitude {lon}, latitude {lat} (longitude −180…180, latitude −90…90; give longitude first)")]
    CoordinateRange { lon: f64, lat: f64 },
    #[error("position {lon}, {lat} is outside Hechuan district (105.96–106.68 E, 29.84–30.39 N); are longitude and latitude swapped?")]
    OutsideDistrict { lon: f64, lat: f64 },
    #[error("unknown {what} {code:?}; expected one of: {expected}")]
    UnknownCode {
        what: &'static str,
        code: String,
        expected: String,
    },
    #[error("invalid GB/T 38565-2020 material code {0:?}: expected 1, 3, 5 or 7 digits starting with 1, 2 or 3")]
    MaterialCode(String),
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("{field} is {value}, which is not allowed: {reason}")]
    OutOfRange {
        field: &'static str,
        value: i64,
        reason: &'static str,
    },
    #[error("{field} {value:?} is not a date (YYYY-MM-DD)")]
    NotADate { field: &'static str, value: String },
    #[error("the area cannot be used: {0}")]
    Area(#[from] crate::space::area::AreaError),
    #[error("{0}")]
    Warning(#[from] crate::monitoring::warning::WarningError),
    #[error("invalid id {0:?}")]
    Id(String),
    #[error("cannot {kind} {quantity}: only {limit} {what}")]
    Insufficient {
        kind: &'static str,
        quantity: i64,
        limit: i64,
        what: &'static str,
    },
    /// A sync body of a protocol version this build does not read.
    #[error("protocol {given} is not read here: this server reads {min} to {max}")]
    Protocol { given: u32, min: u32, max: u32 },
    /// A sync body that is not of its protocol's shape (serde's message: the error is `Clone`).
    #[error("the body cannot be read: {0}")]
    Body(String),
    /// A station's threshold that is not a usable number (monitoring).
    #[error("阈值无效：{rule}（{level}）为 {value}，应为正的有限数 (threshold is not a usable positive number)")]
    ThresholdValue {
        rule: &'static str,
        level: &'static str,
        value: f64,
    },
    /// A station's thresholds whose colours are not in ascending order.
    #[error("阈值次序有误：{rule} 的{lower} {lower_value} 应小于{upper} {upper_value} (thresholds must rise with the level)")]
    ThresholdOrder {
        rule: &'static str,
        lower: &'static str,
        lower_value: f64,
        upper: &'static str,
        upper_value: f64,
    },
    /// A field of a monitoring station's register record that cannot be used.
    #[error("测站{field}有误：{reason}")]
    Station {
        field: &'static str,
        reason: &'static str,
    },
    /// A station placed far from the district: most often longitude and latitude swapped.
    #[error("测站位置 {lon}, {lat} 离合川区过远，经纬度是否填反？(station too far from Hechuan; are longitude and latitude swapped?)")]
    StationFar { lon: f64, lat: f64 },
}
