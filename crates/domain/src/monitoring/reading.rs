//! The one value every source produces: a station's element observed at an instant, with the
//! element's Chinese label and unit, the key the store deduplicates on, and the rule that marks a
//! late reading historical so a backlog never raises a fresh alarm.

use serde::{Deserialize, Serialize};

/// One observed value. `station` is the 测站编码 (an SL 651 station's address as 10 hex digits,
/// or a device's id); `observed_at_ms` is UTC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub station: String,
    pub element: Element,
    pub observed_at_ms: i64,
    pub value: f64,
    /// Older than the lateness allowed when it arrived: stored and drawn, never alarmed on.
    pub historical: bool,
}

/// What the store deduplicates on: a station resending a frame (it did not hear the centre's
/// confirmation) gives the same key, so the second copy replaces nothing and alarms nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReadingKey {
    pub station: String,
    pub element: Element,
    pub observed_at_ms: i64,
}

impl Reading {
    pub fn key(&self) -> ReadingKey {
        ReadingKey {
            station: self.station.clone(),
            element: self.element,
            observed_at_ms: self.observed_at_ms,
        }
    }
}

/// How late a reading may arrive and still count as news. Passed in by whoever knows the link
/// (a GPRS station retrying for an hour and a device flushing its backlog differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lateness {
    pub after_ms: i64,
}

impl Lateness {
    pub fn is_historical(self, observed_at_ms: i64, received_at_ms: i64) -> bool {
        received_at_ms - observed_at_ms > self.after_ms
    }
}

/// The axis of a displacement or tilt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Axis {
    X,
    Y,
    Z,
    /// The resultant: GNSS total displacement, or a tiltmeter's plane angle.
    Total,
}

impl Axis {
    fn code(self) -> &'static str {
        match self {
            Axis::X => "x",
            Axis::Y => "y",
            Axis::Z => "z",
            Axis::Total => "total",
        }
    }
}

/// What was measured. `code()` is the stable text the store keeps; `label()` and `unit()` are
/// what a duty officer reads. It crosses the wire and the store as that code too, so a
/// reading's JSON reads `"element": "rain.period.60"` and a renamed variant breaks nothing kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Element {
    /// 时段降水量 over the given minutes (SL 651's 1, 5, 10, 30 minute and 1–12 hour periods).
    PeriodRain { minutes: u16 },
    /// 当前降水量.
    CurrentRain,
    /// 日降水量.
    DailyRain,
    /// 累计降水量 (SL 651's 降水量累计值: the gauge's running total, never reset).
    AccumulatedRain,
    /// 瞬时河道水位 (潮位), m.
    RiverLevel,
    /// 库(闸、站)上水位, m.
    ReservoirLevel,
    /// 电源电压, V.
    SupplyVoltage,
    /// GNSS 位移 from the point's initial position, mm.
    GnssDisplacement(Axis),
    /// 裂缝宽度 (张开度), mm.
    CrackWidth,
    /// 倾角 against the horizontal, degrees.
    Tilt(Axis),
    /// 含水率, %.
    MoistureContent,
}

impl From<Element> for String {
    fn from(e: Element) -> String {
        e.code()
    }
}

impl TryFrom<String> for Element {
    type Error = String;

    fn try_from(code: String) -> Result<Self, String> {
        Element::from_code(&code)
            .ok_or_else(|| format!("unknown element {code:?} / 未知的监测要素"))
    }
}

impl Element {
    pub fn code(self) -> String {
        match self {
            Element::PeriodRain { minutes } => format!("rain.period.{minutes}"),
            Element::CurrentRain => "rain.current".into(),
            Element::DailyRain => "rain.daily".into(),
            Element::AccumulatedRain => "rain.accumulated".into(),
            Element::RiverLevel => "level.river".into(),
            Element::ReservoirLevel => "level.reservoir".into(),
            Element::SupplyVoltage => "power.voltage".into(),
            Element::GnssDisplacement(a) => format!("gnss.{}", a.code()),
            Element::CrackWidth => "crack.width".into(),
            Element::Tilt(a) => format!("tilt.{}", a.code()),
            Element::MoistureContent => "moisture".into(),
        }
    }

    pub fn from_code(code: &str) -> Option<Element> {
        let axis = |s: &str| match s {
            "x" => Some(Axis::X),
            "y" => Some(Axis::Y),
            "z" => Some(Axis::Z),
            "total" => Some(Axis::Total),
            _ => None,
        };
        Some(match code {
            "rain.current" => Element::CurrentRain,
            "rain.daily" => Element::DailyRain,
            "rain.accumulated" => Element::AccumulatedRain,
            "level.river" => Element::RiverLevel,
            "level.reservoir" => Element::ReservoirLevel,
            "power.voltage" => Element::SupplyVoltage,
            "crack.width" => Element::CrackWidth,
            "moisture" => Element::MoistureContent,
            _ => {
                if let Some(m) = code.strip_prefix("rain.period.") {
                    let minutes: u16 = m.parse().ok()?;
                    // The code must be the one `code()` writes (no "+5", no "05").
                    if minutes == 0 || minutes.to_string() != m {
                        return None;
                    }
                    Element::PeriodRain { minutes }
                } else if let Some(a) = code.strip_prefix("gnss.") {
                    Element::GnssDisplacement(axis(a)?)
                } else if let Some(a) = code.strip_prefix("tilt.") {
                    Element::Tilt(axis(a)?)
                } else {
                    return None;
                }
            }
        })
    }

    pub fn label(self) -> String {
        let axis = |a: Axis| match a {
            Axis::X => "X 向",
            Axis::Y => "Y 向",
            Axis::Z => "Z 向",
            Axis::Total => "合",
        };
        match self {
            Element::PeriodRain { minutes } if minutes % 60 == 0 => {
                format!("{} 小时时段降水量", minutes / 60)
            }
            Element::PeriodRain { minutes } => format!("{minutes} 分钟时段降水量"),
            Element::CurrentRain => "当前降水量".into(),
            Element::DailyRain => "日降水量".into(),
            Element::AccumulatedRain => "累计降水量".into(),
            Element::RiverLevel => "瞬时河道水位".into(),
            Element::ReservoirLevel => "库上水位".into(),
            Element::SupplyVoltage => "电源电压".into(),
            Element::GnssDisplacement(Axis::Total) => "GNSS 合位移".into(),
            Element::GnssDisplacement(a) => format!("GNSS {}位移", axis(a)),
            Element::CrackWidth => "裂缝宽度".into(),
            Element::Tilt(Axis::Total) => "倾角 (平面)".into(),
            Element::Tilt(a) => format!("{}倾角", axis(a)),
            Element::MoistureContent => "含水率".into(),
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Element::PeriodRain { .. }
            | Element::CurrentRain
            | Element::DailyRain
            | Element::AccumulatedRain
            | Element::GnssDisplacement(_)
            | Element::CrackWidth => "mm",
            Element::RiverLevel | Element::ReservoirLevel => "m",
            Element::SupplyVoltage => "V",
            Element::Tilt(_) => "°",
            Element::MoistureContent => "%",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_element() -> Vec<Element> {
        let mut all = vec![
            Element::CurrentRain,
            Element::DailyRain,
            Element::AccumulatedRain,
            Element::RiverLevel,
            Element::ReservoirLevel,
            Element::SupplyVoltage,
            Element::CrackWidth,
            Element::MoistureContent,
        ];
        for minutes in [1, 5, 10, 30, 60, 120, 180, 360, 720] {
            all.push(Element::PeriodRain { minutes });
        }
        for a in [Axis::X, Axis::Y, Axis::Z, Axis::Total] {
            all.push(Element::GnssDisplacement(a));
            all.push(Element::Tilt(a));
        }
        all
    }

    #[test]
    fn every_element_reads_back_from_its_stored_code() {
        for e in every_element() {
            assert_eq!(Element::from_code(&e.code()), Some(e), "{}", e.code());
            assert!(!e.label().is_empty() && !e.unit().is_empty());
        }
        for bad in [
            "rain.period.0",
            "rain.period.05",
            "rain.period.+5",
            "gnss.w",
            "",
            "rain",
        ] {
            assert_eq!(Element::from_code(bad), None, "{bad}");
        }
    }

    #[test]
    fn labels_read_as_a_duty_officer_expects() {
        let cases = [
            (
                Element::PeriodRain { minutes: 60 },
                "1 小时时段降水量",
                "mm",
            ),
            (Element::PeriodRain { minutes: 5 }, "5 分钟时段降水量", "mm"),
            (Element::RiverLevel, "瞬时河道水位", "m"),
            (Element::GnssDisplacement(Axis::X), "GNSS X 向位移", "mm"),
            (Element::Tilt(Axis::Y), "Y 向倾角", "°"),
            (Element::MoistureContent, "含水率", "%"),
        ];
        for (e, label, unit) in cases {
            assert_eq!((e.label().as_str(), e.unit()), (label, unit));
        }
    }

    #[test]
    fn a_reading_crosses_the_wire_with_its_elements_code() {
        let r = Reading {
            station: "0012345678".into(),
            element: Element::PeriodRain { minutes: 60 },
            observed_at_ms: 1_700_000_000_000,
            value: 12.5,
            historical: false,
        };
        let text = serde_json::to_string(&r).unwrap();
        assert!(text.contains(r#""element":"rain.period.60""#), "{text}");
        assert_eq!(serde_json::from_str::<Reading>(&text).unwrap(), r);
        let bad = text.replace("rain.period.60", "rain.period.05");
        assert!(serde_json::from_str::<Reading>(&bad).is_err());
    }

    #[test]
    fn a_reading_older_than_the_lateness_is_historical() {
        let lag = Lateness {
            after_ms: 3_600_000,
        };
        let cases = [(0, 3_600_000, false), (0, 3_600_001, true), (10, 0, false)];
        for (observed, received, historical) in cases {
            assert_eq!(lag.is_historical(observed, received), historical);
        }
    }
}
