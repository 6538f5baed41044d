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
    /// A field a duty officer must fill in (接报登记, 值班, 报告) that was left empty.
    #[error("未填写{field} ({field_en} is required)")]
    Required {
        field: &'static str,
        field_en: &'static str,
    },
    /// Two times of one record in the wrong order (事发 after 接报, a shift ending before it
    /// starts); the times are Beijing clock readings so the user can see which is wrong.
    #[error("{later}（{later_at}）早于{earlier}（{earlier_at}），请核对时间 ({later_en} is before {earlier_en})")]
    TimeOrder {
        earlier: &'static str,
        earlier_en: &'static str,
        earlier_at: String,
        later: &'static str,
        later_en: &'static str,
        later_at: String,
    },
    /// A phone number holding something other than digits, `-`, `+` and spaces.
    #[error("电话号码“{0}”只能由数字、“-”、“+”和空格组成 (a phone number may hold only digits, -, + and spaces)")]
    Phone(String),
    /// A reported place far from the district: most often longitude and latitude swapped.
    #[error("事发地点 {lon}, {lat} 不在合川区及周边，经纬度是否填反？(the place is not in or near Hechuan; are longitude and latitude swapped?)")]
    PlaceFar { lon: f64, lat: f64 },
    /// A town code that is not one of the district's 30 towns and streets.
    #[error(
        "{0:?} 不是合川区的镇街代码 (not one of Hechuan's town codes, 9 digits starting 500117)"
    )]
    UnknownTown(String),
    /// A quantity (a toll's count or area, a year's GDP) that cannot be used.
    #[error("{field}为 {value}，应为{expected} ({field} must be {expected})")]
    Quantity {
        field: &'static str,
        value: f64,
        expected: &'static str,
    },
    /// A step of an incident's life that a duty officer does not take (结束 is final).
    #[error("不能从“{from}”转为“{to}”：{why} (this step of the incident's life is not allowed)")]
    PhaseStep {
        from: &'static str,
        to: &'static str,
        why: &'static str,
    },
    /// A recorded change (of phase or level) that does not start where the previous one left
    /// the incident: the record is out of order or a change is missing.
    #[error("第{number}条{what}变更记为从“{given}”开始，但此时应为“{expected}” (change {number} does not start from the current {what})")]
    ChangeFrom {
        what: &'static str,
        number: usize,
        expected: &'static str,
        given: &'static str,
    },
    /// A level change to the level the incident already has.
    #[error("响应级别未变（仍为{0}），无需记录升级或降级 (the level is unchanged)")]
    LevelUnchanged(&'static str),
    /// A part of a toll larger than the whole it is part of (绝收 more than 成灾, 重伤 more
    /// than 受伤).
    #[error("{part}（{part_value}）不应多于{whole}（{whole_value}） ({part} is part of {whole})")]
    TollPart {
        part: &'static str,
        part_value: f64,
        whole: &'static str,
        whole_value: f64,
    },
    /// A station placed far from the district: most often longitude and latitude swapped.
    #[error("测站位置 {lon}, {lat} 离合川区过远，经纬度是否填反？(station too far from Hechuan; are longitude and latitude swapped?)")]
    StationFar { lon: f64, lat: f64 },
}
