//! Geohazard monitoring devices (地质灾害监测普适型仪器: GNSS, 裂缝计, 倾角仪, 雨量计, 含水率计)
//! publishing JSON over MQTT, one topic per device. Vendors differ, so each device type has a
//! small documented mapping from payload fields to elements; anything else in the payload is
//! ignored, and a payload missing what its type needs is refused whole.
//!
//! The payload yitu accepts (ours, documented for vendors and the simulator):
//!
//! ```json
//! {"deviceId": "GP500117001", "time": "2026-07-01 14:05:00", "data": {"gpsTotalX": 1.2}}
//! {"deviceId": "GP500117001", "records": [{"time": 1751349900000, "data": {…}}, …]}
//! ```
//!
//! `time` is either UTC epoch milliseconds (a number) or `YYYY-MM-DD HH:MM:SS` on a Beijing
//! clock (a string); values are numbers or numeric strings. The field names for GNSS
//! (`gpsTotalX/Y/Z`, mm from the initial position), 裂缝 (`value`, mm) and 倾角 (`X`, `Y`, `Z`,
//! `angle`, degrees) follow the China Geological Survey IoT platform's monitoring-type table
//! (ghiot.cigem.cn/doc/overview/overview.html); those for 雨量 (`value` current, `totalValue`
//! accumulated, mm) and 含水率 (`value`, %) are ours, not checked against a CGS text.

use serde_json::Value;

use crate::beijing::BeijingTime;
use crate::reading::{Axis, Element, Lateness, Reading};
use crate::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeviceType {
    Gnss,
    Crack,
    Tilt,
    RainGauge,
    Moisture,
}

impl DeviceType {
    pub const ALL: [DeviceType; 5] =
        [DeviceType::Gnss, DeviceType::Crack, DeviceType::Tilt, DeviceType::RainGauge, DeviceType::Moisture];

    /// Our names, and the CGS platform's codes where known (GP 地表位移, LF 裂缝, QJ 倾角).
    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "gnss" | "GP" => DeviceType::Gnss,
            "crack" | "LF" => DeviceType::Crack,
            "tilt" | "QJ" => DeviceType::Tilt,
            "rain" => DeviceType::RainGauge,
            "moisture" => DeviceType::Moisture,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            DeviceType::Gnss => "GNSS 位移计",
            DeviceType::Crack => "裂缝计",
            DeviceType::Tilt => "倾角仪",
            DeviceType::RainGauge => "雨量计",
            DeviceType::Moisture => "含水率计",
        }
    }

    /// Payload field → element.
    pub fn mapping(self) -> &'static [(&'static str, Element)] {
        match self {
            DeviceType::Gnss => &[
                ("gpsTotalX", Element::GnssDisplacement(Axis::X)),
                ("gpsTotalY", Element::GnssDisplacement(Axis::Y)),
                ("gpsTotalZ", Element::GnssDisplacement(Axis::Z)),
                ("gpsTotal", Element::GnssDisplacement(Axis::Total)),
            ],
            DeviceType::Crack => &[("value", Element::CrackWidth)],
            DeviceType::Tilt => &[
                ("X", Element::Tilt(Axis::X)),
                ("Y", Element::Tilt(Axis::Y)),
                ("Z", Element::Tilt(Axis::Z)),
                ("angle", Element::Tilt(Axis::Total)),
            ],
            DeviceType::RainGauge => &[("value", Element::CurrentRain), ("totalValue", Element::AccumulatedRain)],
            DeviceType::Moisture => &[("value", Element::MoistureContent)],
        }
    }
}

/// How far ahead of its arrival a device's clock may run before its time is refused.
pub const MAX_AHEAD_MS: i64 = 10 * 60_000;
/// 2000-01-01T00:00Z: earlier times are an unset device clock.
pub const EARLIEST_MS: i64 = 946_684_800_000;

/// The readings in one MQTT message from a device of type `device`.
pub fn decode(device: DeviceType, payload: &[u8], received_at_ms: i64, lateness: Lateness) -> Result<Vec<Reading>, Error> {
    let root: Value = serde_json::from_slice(payload).map_err(|source| Error::Json { source })?;
    let station = match root.get("deviceId") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(Error::MissingField { field: "deviceId".into() }),
    };
    let records: Vec<&Value> = match root.get("records") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(_) => return Err(Error::MissingField { field: "records (数组)".into() }),
        None => vec![&root],
    };
    let mut readings = Vec::new();
    for record in records {
        let observed_at_ms = time(record.get("time"), received_at_ms)?;
        let Some(Value::Object(data)) = record.get("data") else {
            return Err(Error::MissingField { field: "data".into() });
        };
        let before = readings.len();
        for &(field, element) in device.mapping() {
            let Some(v) = data.get(field) else { continue };
            readings.push(Reading {
                station: station.clone(),
                element,
                observed_at_ms,
                value: number(field, v)?,
                historical: lateness.is_historical(observed_at_ms, received_at_ms),
            });
        }
        if readings.len() == before {
            let expected = device.mapping().iter().map(|(f, _)| *f).collect::<Vec<_>>().join(", ");
            return Err(Error::NoValues { device: device.name(), expected });
        }
    }
    Ok(readings)
}

fn number(field: &str, v: &Value) -> Result<f64, Error> {
    let n = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    n.filter(|n| n.is_finite()).ok_or_else(|| Error::NotNumeric { field: field.into(), found: v.to_string() })
}

fn time(v: Option<&Value>, received_at_ms: i64) -> Result<i64, Error> {
    let (ms, text) = match v {
        None => return Err(Error::MissingField { field: "time".into() }),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(ms) => (ms, n.to_string()),
            None => return Err(Error::NotNumeric { field: "time".into(), found: n.to_string() }),
        },
        Some(Value::String(s)) => (beijing(s)?, s.clone()),
        Some(other) => return Err(Error::NotNumeric { field: "time".into(), found: other.to_string() }),
    };
    if ms < EARLIEST_MS {
        return Err(Error::TimeOutOfRange { text, why: "早于 2000 年, 设备时钟未校准" });
    }
    if ms - received_at_ms > MAX_AHEAD_MS {
        return Err(Error::TimeOutOfRange { text, why: "晚于收到时间 10 分钟以上, 设备时钟超前" });
    }
    Ok(ms)
}

/// `YYYY-MM-DD HH:MM:SS` (a `T` also accepted between date and time), Beijing time.
fn beijing(s: &str) -> Result<i64, Error> {
    let bad = || Error::BadTime { what: "设备观测时间", text: s.into() };
    let b = s.as_bytes();
    let shape = b.len() == 19
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b' ' || b[10] == b'T')
        && b[13] == b':'
        && b[16] == b':';
    if !shape {
        return Err(bad());
    }
    let f = |r: std::ops::Range<usize>| s[r].parse::<u32>().map_err(|_| bad());
    let t = BeijingTime::new("设备观测时间", (f(0..4)? as i32, f(5..7)?, f(8..10)?), (f(11..13)?, f(14..16)?, f(17..19)?))?;
    Ok(t.to_utc_ms())
}
