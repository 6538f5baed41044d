//! The monitoring-station register (测站): what a station is, what it measures, whose it is,
//! what it watches and its thresholds; and its health on the map (正常, 超阈值, 离线, 未知) and
//! its power, from the last time it was heard and the now passed in.

use super::reading::{Element, Reading};
use super::threshold::{AlarmLevel, Thresholds};
use crate::{EntityId, Error, LonLat};
use serde::{Deserialize, Serialize};

crate::labelled_enum! {
    StationKind {
        Rain => ("rain", "雨量站", "Rain gauge station"),
        WaterLevel => ("water_level", "水位站", "Water-level (hydrological) station"),
        Geohazard => ("geohazard", "地质灾害监测点", "Geohazard monitoring point"),
        Weather => ("weather", "气象站", "Weather station"),
        FireVideo => ("fire_video", "林火视频监控", "Forest-fire video camera"),
    }
}

crate::labelled_enum! {
    /// An instrument installed at a station. The register lists instruments, not elements: that
    /// is what a survey form records and a maintainer replaces.
    Sensor {
        RainGauge => ("rain_gauge", "雨量计", "Rain gauge"),
        WaterLevelGauge => ("water_level_gauge", "水位计", "Water-level gauge"),
        Gnss => ("gnss", "GNSS 位移监测", "GNSS displacement"),
        CrackMeter => ("crack_meter", "裂缝计", "Crack meter"),
        Tiltmeter => ("tiltmeter", "倾角仪", "Tiltmeter"),
        MoistureMeter => ("moisture_meter", "含水率计", "Soil-moisture meter"),
        WeatherSensors => ("weather_sensors", "气象要素传感器", "Weather sensors"),
        Camera => ("camera", "视频摄像机", "Video camera"),
    }
}

impl Sensor {
    /// Whether this instrument reports `element`. The supply voltage comes from the station's
    /// logger, not an instrument, and is reported by every kind.
    pub fn reports(self, element: Element) -> bool {
        use Element as E;
        match self {
            Sensor::RainGauge => matches!(
                element,
                E::PeriodRain { .. } | E::CurrentRain | E::DailyRain | E::AccumulatedRain
            ),
            Sensor::WaterLevelGauge => matches!(element, E::RiverLevel | E::ReservoirLevel),
            Sensor::Gnss => matches!(element, E::GnssDisplacement(_)),
            Sensor::CrackMeter => element == E::CrackWidth,
            Sensor::Tiltmeter => matches!(element, E::Tilt(_)),
            Sensor::MoistureMeter => element == E::MoistureContent,
            // Rain is the weather element thresholds are about; the others have no element yet.
            Sensor::WeatherSensors => matches!(element, E::PeriodRain { .. } | E::CurrentRain),
            Sensor::Camera => false,
        }
    }
}

impl StationKind {
    /// The instruments a station of this kind usually carries: the register form's starting
    /// point. A geohazard point's are those of the 普适型 monitoring kit.
    pub fn usual_sensors(self) -> Vec<Sensor> {
        match self {
            StationKind::Rain => vec![Sensor::RainGauge],
            StationKind::WaterLevel => vec![Sensor::WaterLevelGauge, Sensor::RainGauge],
            StationKind::Geohazard => vec![
                Sensor::Gnss,
                Sensor::CrackMeter,
                Sensor::Tiltmeter,
                Sensor::RainGauge,
            ],
            StationKind::Weather => vec![Sensor::WeatherSensors, Sensor::RainGauge],
            StationKind::FireVideo => vec![Sensor::Camera],
        }
    }
}

/// A monitoring station in the register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Station {
    pub id: EntityId,
    /// 测站编码: an SL 651 station's address as 10 hex digits, or a device's id. The key the
    /// readings carry; unique in the register (the store's rule).
    pub code: String,
    pub name: String,
    pub kind: StationKind,
    pub sensors: Vec<Sensor>,
    /// 主管部门 (区水利局, 区规划自然资源局, 区气象局, 区林业局).
    pub owner: String,
    pub location: LonLat,
    pub town_code: String,
    /// The hazard points it watches.
    pub watches: Vec<EntityId>,
    /// The river reach (河段) a water-level station stands on.
    pub river: Option<String>,
    pub thresholds: Thresholds,
    /// The interval it is expected to report at, minutes: what 离线 is measured against.
    pub reports_every_min: u32,
}

/// Hechuan's bounding box, and how far beyond it a station may stand: the district watches
/// gauges up the Jialing, Fujiang and Qujiang (武胜, 潼南, 广安), within about a degree.
const DISTRICT_BOX: (f64, f64, f64, f64) = (105.96, 106.68, 29.84, 30.39);
const STATION_MARGIN_DEG: f64 = 1.0;

/// A station silent for more than this many of its intervals is 离线: one missed report is a
/// retry on a weak GPRS link, three are a station down.
pub const OFFLINE_AFTER_INTERVALS: i64 = 3;

impl Station {
    /// Refuses what the register cannot use. The code's uniqueness needs the whole register
    /// and is the store's to check.
    pub fn validate(&self) -> Result<(), Error> {
        let empty = |s: &str, field| {
            if s.trim().is_empty() {
                Err(Error::Station {
                    field,
                    reason: "不能为空 (must not be empty)",
                })
            } else {
                Ok(())
            }
        };
        empty(&self.code, "编码 (code)")?;
        empty(&self.name, "名称 (name)")?;
        empty(&self.owner, "主管部门 (owner)")?;
        empty(&self.town_code, "所属镇街 (town)")?;
        if self.code.chars().any(char::is_whitespace) {
            return Err(Error::Station {
                field: "编码 (code)",
                reason: "不能含空白字符 (must not contain spaces)",
            });
        }
        if self.sensors.is_empty() {
            return Err(Error::Station {
                field: "传感器 (sensors)",
                reason: "至少一种 (list at least one)",
            });
        }
        if self.reports_every_min == 0 {
            return Err(Error::Station {
                field: "报送间隔 (reporting interval)",
                reason: "应至少 1 分钟 (at least one minute)",
            });
        }
        let LonLat { lon, lat } = self.location;
        LonLat::new(lon, lat)?;
        let (w, e, s, n) = DISTRICT_BOX;
        let m = STATION_MARGIN_DEG;
        if !(lon >= w - m && lon <= e + m && lat >= s - m && lat <= n + m) {
            return Err(Error::StationFar { lon, lat });
        }
        self.thresholds.validate()
    }

    /// How long it may stay silent before it is 离线, ms.
    pub fn offline_after_ms(&self) -> i64 {
        OFFLINE_AFTER_INTERVALS * i64::from(self.reports_every_min) * 60_000
    }

    /// Its health: never heard is 未知, silent too long is 离线 (whatever its last alarm), an
    /// open alarm is 超阈值, and only a station heard lately with no alarm is 正常. A reading
    /// stamped after `now_ms` (a station clock running fast) counts as heard now.
    pub fn health(
        &self,
        last_heard_ms: Option<i64>,
        alarm: Option<AlarmLevel>,
        now_ms: i64,
    ) -> Health {
        let Some(last) = last_heard_ms else {
            return Health::Unknown;
        };
        if now_ms - last > self.offline_after_ms() {
            return Health::Offline {
                last_heard_ms: last,
                alarm,
            };
        }
        match alarm {
            Some(level) => Health::Alarm { level },
            None => Health::Normal,
        }
    }

    /// Its power, from the last supply voltage it sent.
    pub fn power(&self, last_voltage: Option<f64>) -> Power {
        match (last_voltage, self.thresholds.low_voltage_v) {
            (None, _) => Power::NotReported,
            (Some(volts), Some(low)) if volts < low => Power::Low { volts },
            (Some(volts), _) => Power::Reported { volts },
        }
    }

    /// Health and power from its readings (any order; other stations' are ignored) and its
    /// current alarm level (see [`super::alarm::current_level`]).
    pub fn status(&self, readings: &[Reading], alarm: Option<AlarmLevel>, now_ms: i64) -> Status {
        let own = || readings.iter().filter(|r| r.station == self.code);
        let last_heard = own().map(|r| r.observed_at_ms).max();
        // The latest voltage; at one instant, the lowest, so a tie never hides a low battery.
        let voltage = own()
            .filter(|r| r.element == Element::SupplyVoltage && r.value.is_finite())
            .min_by(|a, b| {
                b.observed_at_ms
                    .cmp(&a.observed_at_ms)
                    .then(a.value.total_cmp(&b.value))
            })
            .map(|r| r.value);
        Status {
            health: self.health(last_heard, alarm, now_ms),
            power: self.power(voltage),
        }
    }
}

crate::labelled_enum! {
    HealthKind {
        Normal => ("normal", "正常", "Normal"),
        Alarm => ("alarm", "超阈值", "Over threshold"),
        Offline => ("offline", "离线", "Offline"),
        Unknown => ("unknown", "未知", "Unknown"),
    }
}

/// A station's health on the map.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Health {
    Normal,
    Alarm {
        level: AlarmLevel,
    },
    /// Silent too long. The alarm open when it fell silent is kept: a gauge lost in a flood is
    /// news, and its red must not disappear with it.
    Offline {
        last_heard_ms: i64,
        alarm: Option<AlarmLevel>,
    },
    /// Never heard since it was registered.
    Unknown,
}

impl Health {
    pub fn kind(self) -> HealthKind {
        match self {
            Health::Normal => HealthKind::Normal,
            Health::Alarm { .. } => HealthKind::Alarm,
            Health::Offline { .. } => HealthKind::Offline,
            Health::Unknown => HealthKind::Unknown,
        }
    }

    /// What the map's legend says: 超阈值（红色）, 离线（最后报警 红色）, 正常.
    pub fn label_zh(self) -> String {
        match self {
            Health::Alarm { level } => format!("超阈值（{}）", level.zh()),
            Health::Offline {
                alarm: Some(level), ..
            } => format!("离线（最后报警 {}）", level.zh()),
            other => other.kind().zh().to_owned(),
        }
    }
}

/// A station's power, from its last 电源电压.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Power {
    NotReported,
    Reported { volts: f64 },
    Low { volts: f64 },
}

/// What the map shows for a station.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Status {
    pub health: Health,
    pub power: Power,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A rain gauge in 钓鱼城街道 reporting hourly.
    pub(crate) fn gauge(kind: StationKind) -> Station {
        Station {
            id: EntityId::derived(&[b"station", b"0050117001"]),
            code: "0050117001".into(),
            name: "钓鱼城雨量站".into(),
            kind,
            sensors: kind.usual_sensors(),
            owner: "区水利局".into(),
            location: LonLat {
                lon: 106.28,
                lat: 30.01,
            },
            town_code: "500117001".into(),
            watches: vec![],
            river: None,
            thresholds: Thresholds::for_kind(kind),
            reports_every_min: 60,
        }
    }

    fn reading(element: Element, at: i64, value: f64) -> Reading {
        Reading {
            station: "0050117001".into(),
            element,
            observed_at_ms: at,
            value,
            historical: false,
        }
    }

    const HOUR: i64 = 3_600_000;

    #[test]
    fn a_good_station_validates_and_round_trips() {
        for kind in StationKind::ALL {
            let s = gauge(*kind);
            s.validate().unwrap();
            let back: Station = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn what_a_register_cannot_use_is_refused_in_chinese_first() {
        type Spoil = fn(&mut Station);
        let cases: [(&str, Spoil, &str); 6] = [
            ("empty name", |s| s.name = " ".into(), "测站名称"),
            (
                "code with a space",
                |s| s.code = "00501 17001".into(),
                "测站编码",
            ),
            ("no sensors", |s| s.sensors.clear(), "测站传感器"),
            ("zero interval", |s| s.reports_every_min = 0, "测站报送间隔"),
            (
                "swapped coordinates",
                |s| {
                    s.location = LonLat {
                        lon: 30.01,
                        lat: 106.28,
                    }
                },
                "coordinate out of range",
            ),
            (
                "in another province",
                |s| {
                    s.location = LonLat {
                        lon: 116.4,
                        lat: 39.9,
                    }
                },
                "测站位置",
            ),
        ];
        for (name, spoil, starts) in cases {
            let mut s = gauge(StationKind::Rain);
            spoil(&mut s);
            let e = s.validate().unwrap_err().to_string();
            assert!(e.starts_with(starts), "{name}: {e}");
        }
        // Upstream on the Fujiang at 潼南 is still a station the district watches.
        let mut s = gauge(StationKind::WaterLevel);
        s.location = LonLat {
            lon: 105.84,
            lat: 30.19,
        };
        s.validate().unwrap();
    }

    #[test]
    fn offline_is_never_shown_as_normal() {
        let s = gauge(StationKind::Rain);
        let now = 100 * HOUR;
        // (last heard, alarm, expected): hourly, so 离线 after more than 3 hours of silence.
        let cases = [
            (None, None, Health::Unknown),
            (Some(now - HOUR), None, Health::Normal),
            (Some(now - 3 * HOUR), None, Health::Normal),
            (
                Some(now - 3 * HOUR - 1),
                None,
                Health::Offline {
                    last_heard_ms: now - 3 * HOUR - 1,
                    alarm: None,
                },
            ),
            (
                Some(now - 2 * HOUR),
                Some(AlarmLevel::Orange),
                Health::Alarm {
                    level: AlarmLevel::Orange,
                },
            ),
            (
                Some(now - 5 * HOUR),
                Some(AlarmLevel::Red),
                Health::Offline {
                    last_heard_ms: now - 5 * HOUR,
                    alarm: Some(AlarmLevel::Red),
                },
            ),
            // A fast station clock: heard "in the future" is heard now.
            (Some(now + HOUR), None, Health::Normal),
        ];
        for (last, alarm, expected) in cases {
            let h = s.health(last, alarm, now);
            assert_eq!(h, expected, "{last:?} {alarm:?}");
        }
        let silent = s.health(Some(0), None, now);
        assert_eq!(silent.kind(), HealthKind::Offline);
        assert_eq!(silent.label_zh(), "离线");
        assert_ne!(silent.kind(), HealthKind::Normal);
        assert_eq!(
            s.health(Some(0), Some(AlarmLevel::Red), now).label_zh(),
            "离线（最后报警 红色）"
        );
    }

    #[test]
    fn status_reads_last_heard_and_the_latest_voltage() {
        let s = gauge(StationKind::Rain);
        let now = 10 * HOUR;
        let mut readings = vec![
            reading(Element::SupplyVoltage, 8 * HOUR, 12.6),
            reading(Element::SupplyVoltage, 9 * HOUR, 11.2),
            reading(Element::PeriodRain { minutes: 60 }, 9 * HOUR + 60_000, 0.5),
        ];
        let mut other = reading(Element::SupplyVoltage, 10 * HOUR, 13.0);
        other.station = "somebody else".into();
        readings.push(other);
        let st = s.status(&readings, None, now);
        assert_eq!(st.health, Health::Normal);
        assert_eq!(st.power, Power::Low { volts: 11.2 });

        assert_eq!(s.status(&[], None, now).health, Health::Unknown);
        assert_eq!(s.status(&[], None, now).power, Power::NotReported);
        assert_eq!(s.power(Some(12.4)), Power::Reported { volts: 12.4 });
        // The district set no low mark for a geohazard device: its voltage is shown, never low.
        assert_eq!(
            gauge(StationKind::Geohazard).power(Some(3.5)),
            Power::Reported { volts: 3.5 }
        );
    }

    #[test]
    fn sensors_say_what_they_report() {
        assert!(Sensor::RainGauge.reports(Element::AccumulatedRain));
        assert!(Sensor::Gnss.reports(Element::GnssDisplacement(super::super::Axis::Total)));
        assert!(!Sensor::Camera.reports(Element::CurrentRain));
        assert_eq!(
            StationKind::from_code("地质灾害监测点"),
            Ok(StationKind::Geohazard)
        );
    }
}
