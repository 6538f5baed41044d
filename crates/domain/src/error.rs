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
}
