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

use crate::beijing;
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
    pub const ALL: [DeviceType; 5] = [
        DeviceType::Gnss,
        DeviceType::Crack,
        DeviceType::Tilt,
        DeviceType::RainGauge,
        DeviceType::Moisture,
    ];

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
            DeviceType::RainGauge => &[
                ("value", Element::CurrentRain),
                ("totalValue", Element::AccumulatedRain),
            ],
            DeviceType::Moisture => &[("value", Element::MoistureContent)],
        }
    }
}

/// How far ahead of its arrival a device's clock may run before its time is refused.
pub const MAX_AHEAD_MS: i64 = 10 * 60_000;
/// 2000-01-01T00:00Z: earlier times are an unset device clock.
pub const EARLIEST_MS: i64 = 946_684_800_000;

/// The readings in one MQTT message from a device of type `device`.
pub fn decode(
    device: DeviceType,
    payload: &[u8],
    received_at_ms: i64,
    lateness: Lateness,
) -> Result<Vec<Reading>, Error> {
    let root: Value = serde_json::from_slice(payload).map_err(|source| Error::Json { source })?;
    let station = match root.get("deviceId") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            return Err(Error::MissingField {
                field: "deviceId".into(),
            })
        }
    };
    let records: Vec<&Value> = match root.get("records") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(_) => {
            return Err(Error::MissingField {
                field: "records (数组)".into(),
            })
        }
        None => vec![&root],
    };
    let mut readings = Vec::new();
    for record in records {
        let observed_at_ms = time(record.get("time"), received_at_ms)?;
        let Some(Value::Object(data)) = record.get("data") else {
            return Err(Error::MissingField {
                field: "data".into(),
            });
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
            let expected = device
                .mapping()
                .iter()
                .map(|(f, _)| *f)
                .collect::<Vec<_>>()
                .join(", ");
            return Err(Error::NoValues {
                device: device.name(),
                expected,
            });
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
    n.filter(|n| n.is_finite())
        .ok_or_else(|| Error::NotNumeric {
            field: field.into(),
            found: v.to_string(),
        })
}

fn time(v: Option<&Value>, received_at_ms: i64) -> Result<i64, Error> {
    let (ms, text) = match v {
        None => {
            return Err(Error::MissingField {
                field: "time".into(),
            })
        }
        Some(Value::Number(n)) => match n.as_i64() {
            Some(ms) => (ms, n.to_string()),
            None => {
                return Err(Error::NotNumeric {
                    field: "time".into(),
                    found: n.to_string(),
                })
            }
        },
        Some(Value::String(s)) => (beijing(s)?, s.clone()),
        Some(other) => {
            return Err(Error::NotNumeric {
                field: "time".into(),
                found: other.to_string(),
            })
        }
    };
    if ms < EARLIEST_MS {
        return Err(Error::TimeOutOfRange {
            text,
            why: "早于 2000 年, 设备时钟未校准",
        });
    }
    if ms - received_at_ms > MAX_AHEAD_MS {
        return Err(Error::TimeOutOfRange {
            text,
            why: "晚于收到时间 10 分钟以上, 设备时钟超前",
        });
    }
    Ok(ms)
}

/// `YYYY-MM-DD HH:MM:SS` (a `T` also accepted between date and time), Beijing time.
fn beijing(s: &str) -> Result<i64, Error> {
    let bad = || Error::BadTime {
        what: "设备观测时间",
        text: s.into(),
    };
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
    let t = beijing::read(
        "设备观测时间",
        (f(0..4)? as i32, f(5..7)?, f(8..10)?),
        (f(11..13)?, f(14..16)?, f(17..19)?),
    )?;
    Ok(t.to_unix_ms())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate;

    /// Which error a case expects.
    type Is = fn(&Error) -> bool;
    type Mapped = Vec<(Element, f64)>;

    const NOW: i64 = 1_721_025_000_000; // 2024-07-15 14:30 Beijing
    const LAG: Lateness = Lateness {
        after_ms: 3_600_000,
    };

    fn elements(readings: &[Reading]) -> Vec<(Element, f64)> {
        readings.iter().map(|r| (r.element, r.value)).collect()
    }

    #[test]
    fn each_device_type_maps_its_fields_to_elements() {
        let cases: [(DeviceType, &str, Mapped); 5] = [
            (
                DeviceType::Gnss,
                r#"{"gpsTotalX": 1.5, "gpsTotalY": "-0.25", "gpsTotalZ": 3}"#,
                vec![
                    (Element::GnssDisplacement(Axis::X), 1.5),
                    (Element::GnssDisplacement(Axis::Y), -0.25),
                    (Element::GnssDisplacement(Axis::Z), 3.0),
                ],
            ),
            (
                DeviceType::Crack,
                r#"{"value": 4.12}"#,
                vec![(Element::CrackWidth, 4.12)],
            ),
            (
                DeviceType::Tilt,
                r#"{"X": 0.8, "Y": -1.2, "angle": 1.4, "AZI": 270}"#,
                vec![
                    (Element::Tilt(Axis::X), 0.8),
                    (Element::Tilt(Axis::Y), -1.2),
                    (Element::Tilt(Axis::Total), 1.4),
                ],
            ),
            (
                DeviceType::RainGauge,
                r#"{"value": 2.5, "totalValue": 130.5}"#,
                vec![
                    (Element::CurrentRain, 2.5),
                    (Element::AccumulatedRain, 130.5),
                ],
            ),
            (
                DeviceType::Moisture,
                r#"{"value": 31.2}"#,
                vec![(Element::MoistureContent, 31.2)],
            ),
        ];
        for (device, data, want) in cases {
            let payload =
                format!(r#"{{"deviceId": "DEV1", "time": "2024-07-15 14:25:00", "data": {data}}}"#);
            let readings = decode(device, payload.as_bytes(), NOW, LAG).unwrap();
            assert_eq!(elements(&readings), want, "{}", device.name());
            assert!(readings
                .iter()
                .all(|r| r.station == "DEV1" && !r.historical));
            assert!(
                readings
                    .iter()
                    .all(|r| r.observed_at_ms == NOW - 5 * 60_000),
                "Beijing time read as UTC+8"
            );
        }
    }

    #[test]
    fn malformed_payloads_are_refused_with_what_is_wrong() {
        let cases: [(&str, Is); 9] = [
            ("{not json", |e| matches!(e, Error::Json { .. })),
            (r#"{"time": 1721025000000, "data": {"value": 1}}"#, |e| {
                matches!(e, Error::MissingField { .. })
            }),
            (r#"{"deviceId": "D", "data": {"value": 1}}"#, |e| {
                matches!(e, Error::MissingField { .. })
            }),
            (r#"{"deviceId": "D", "time": 1721025000000}"#, |e| {
                matches!(e, Error::MissingField { .. })
            }),
            (
                r#"{"deviceId": "D", "time": 1721025000000, "data": {"value": "high"}}"#,
                |e| matches!(e, Error::NotNumeric { .. }),
            ),
            (
                r#"{"deviceId": "D", "time": 1721025000000, "data": {"value": null}}"#,
                |e| matches!(e, Error::NotNumeric { .. }),
            ),
            (
                r#"{"deviceId": "D", "time": 1721025000000, "data": {"other": 1}}"#,
                |e| matches!(e, Error::NoValues { .. }),
            ),
            (
                r#"{"deviceId": "D", "time": 12345, "data": {"value": 1}}"#,
                |e| matches!(e, Error::TimeOutOfRange { .. }),
            ),
            (
                r#"{"deviceId": "D", "time": "2024-07-15 15:30:00", "data": {"value": 1}}"#,
                |e| matches!(e, Error::TimeOutOfRange { .. }),
            ),
        ];
        for (payload, is) in cases {
            let err = decode(DeviceType::Crack, payload.as_bytes(), NOW, LAG).expect_err(payload);
            assert!(is(&err), "{payload}: {err}");
        }
        let bad_date = r#"{"deviceId": "D", "time": "2024-02-30 10:00:00", "data": {"value": 1}}"#;
        assert!(matches!(
            decode(DeviceType::Crack, bad_date.as_bytes(), NOW, LAG),
            Err(Error::BadTime { .. })
        ));
    }

    #[test]
    fn a_late_backlog_is_marked_historical_and_a_fresh_reading_is_not() {
        let payload = format!(
            r#"{{"deviceId": "D", "records": [{{"time": {}, "data": {{"value": 1}}}}, {{"time": {}, "data": {{"value": 2}}}}]}}"#,
            NOW - 3 * 3_600_000,
            NOW - 60_000
        );
        let readings = decode(DeviceType::Moisture, payload.as_bytes(), NOW, LAG).unwrap();
        let flags: Vec<_> = readings.iter().map(|r| (r.value, r.historical)).collect();
        assert_eq!(flags, vec![(1.0, true), (2.0, false)]);
    }

    #[test]
    fn simulated_payloads_decode_for_every_device_type() {
        for device in DeviceType::ALL {
            let payloads =
                simulate::device_payloads(11, device, "SIM", NOW - 3_600_000, 6, 600_000);
            assert_eq!(
                payloads,
                simulate::device_payloads(11, device, "SIM", NOW - 3_600_000, 6, 600_000)
            );
            for p in &payloads {
                assert!(
                    !decode(device, p, NOW, LAG).unwrap().is_empty(),
                    "{}",
                    device.name()
                );
            }
            assert_eq!(
                DeviceType::from_code(match device {
                    DeviceType::Gnss => "GP",
                    DeviceType::Crack => "LF",
                    DeviceType::Tilt => "QJ",
                    DeviceType::RainGauge => "rain",
                    DeviceType::Moisture => "moisture",
                }),
                Some(device)
            );
        }
    }
}
