//! A station's thresholds: the rainfall, water-level and deformation limits each alarm rule
//! compares against, the four alarm colours they map to, and the hysteresis and hold that keep
//! one noisy reading from raising or clearing an alarm. Values only; `series` computes what is
//! compared, `alarm` runs the comparison.

use crate::Error;
use serde::{Deserialize, Serialize};

crate::labelled_enum! {
    /// The four colours of 预警 (GB/T 27962 and the geohazard and flash-flood schemes), ordered:
    /// `Blue < Yellow < Orange < Red`.
    AlarmLevel {
        Blue => ("blue", "蓝色", "Blue"),
        Yellow => ("yellow", "黄色", "Yellow"),
        Orange => ("orange", "橙色", "Orange"),
        Red => ("red", "红色", "Red"),
    }
}

crate::labelled_enum! {
    /// Which threshold an alarm is about. The code is part of the alarm's id, so it never changes.
    Rule {
        Rain1h => ("rain_1h", "1 小时雨量", "1-hour rainfall"),
        Rain3h => ("rain_3h", "3 小时雨量", "3-hour rainfall"),
        Rain24h => ("rain_24h", "24 小时雨量", "24-hour rainfall"),
        Level => ("level", "水位 (警戒/保证)", "Water level (warning/guarantee)"),
        LevelRise => ("level_rise", "水位涨率", "Rate of rise"),
        DisplacementRate => ("displacement_rate", "位移速率", "Displacement rate"),
        TangentAngle => ("tangent_angle", "改进切线角", "Improved tangent angle"),
        CrackRate => ("crack_rate", "裂缝扩张速率", "Crack widening rate"),
    }
}

impl Rule {
    /// The unit of the value the rule compares (a tangent angle's in degrees).
    pub fn unit(self) -> &'static str {
        match self {
            Rule::Rain1h | Rule::Rain3h | Rule::Rain24h => "mm",
            Rule::Level => "m",
            Rule::LevelRise => "m/h",
            Rule::DisplacementRate | Rule::CrackRate => "mm/d",
            Rule::TangentAngle => "°",
        }
    }
}

/// The two amounts of a rainfall window, in mm, as flash-flood warning indices are published
/// (山洪灾害预警指标): 准备转移 (prepare to move) and 立即转移 (move now).
///
/// 准备转移 maps to Orange and 立即转移 to Red: in the four-colour scheme Orange is the last
/// warning before action (警戒, people get ready) and Red is the call to act (警报); Blue and
/// Yellow are left to the rules that have a 注意/警示 stage of their own (tangent angle, rates).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RainLimits {
    pub prepare_mm: f64,
    pub evacuate_mm: f64,
}

/// Rolling-window rainfall limits. `None` switches the window's rule off.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct RainThresholds {
    pub h1: Option<RainLimits>,
    pub h3: Option<RainLimits>,
    pub h24: Option<RainLimits>,
}

impl RainThresholds {
    /// Placeholders for Chongqing's small hilly watersheds, of the order the municipal flash-flood
    /// indices give; a district sets each station's own from its 山洪灾害调查评价 analysis.
    pub fn placeholders() -> Self {
        let l = |prepare_mm, evacuate_mm| {
            Some(RainLimits {
                prepare_mm,
                evacuate_mm,
            })
        };
        Self {
            h1: l(30.0, 50.0),
            h3: l(50.0, 80.0),
            h24: l(100.0, 150.0),
        }
    }
}

/// Water-level limits, in metres on the station's own datum, and the rate of rise.
///
/// Above 警戒水位 dykes are patrolled and people near the river get ready: Orange. 保证水位 is
/// the highest level the works are designed to hold; above it failure is possible and people
/// move: Red. Neither has a default: they are the gauge's own figures from its 水文 record.
/// A fast rise alone is Yellow: it says the level is coming, the level itself says how bad.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct WaterThresholds {
    pub warning_m: Option<f64>,
    pub guarantee_m: Option<f64>,
    pub rise_m_per_h: Option<f64>,
}

/// A limit for each colour, ascending; a colour left `None` is skipped.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Steps {
    pub blue: Option<f64>,
    pub yellow: Option<f64>,
    pub orange: Option<f64>,
    pub red: Option<f64>,
}

impl Steps {
    /// The set limits, lowest colour first.
    pub fn ladder(&self) -> Vec<(AlarmLevel, f64)> {
        [
            (AlarmLevel::Blue, self.blue),
            (AlarmLevel::Yellow, self.yellow),
            (AlarmLevel::Orange, self.orange),
            (AlarmLevel::Red, self.red),
        ]
        .into_iter()
        .filter_map(|(l, v)| v.map(|v| (l, v)))
        .collect()
    }
}

/// The improved tangent angle (改进切线角) of a displacement–time curve, from 许强、曾裕平、
/// 钱江澎 等,《一种改进的切线角及对应的滑坡预警判据》, 地质通报 2009, 28(4): 501–505: the
/// displacement axis is divided by the rate of the steady (等速) stage so that the angle is
/// `atan(v / v_steady)`, 45° at steady creep. Their levels, used as defaults: 初加速 past 45°
/// 注意级 (blue), 中加速 past 80° 警示级 (yellow), 加加速 past 85° 警戒级 (orange), 临滑 past 89°
/// 警报级 (red).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TangentAngle {
    /// The steady-stage rate, mm/day, from the slope's own record; until a geologist sets it the
    /// rule is off (there is no honest default for it).
    pub steady_mm_per_day: Option<f64>,
    pub blue_deg: f64,
    pub yellow_deg: f64,
    pub orange_deg: f64,
    pub red_deg: f64,
}

impl Default for TangentAngle {
    fn default() -> Self {
        Self {
            steady_mm_per_day: None,
            blue_deg: 45.0,
            yellow_deg: 80.0,
            orange_deg: 85.0,
            red_deg: 89.0,
        }
    }
}

/// Deformation limits of a geohazard point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DeformationThresholds {
    /// GNSS resultant displacement rate, mm/day.
    pub displacement_mm_per_day: Steps,
    /// Crack widening rate, mm/day.
    pub crack_mm_per_day: Steps,
    pub tangent: TangentAngle,
    /// The span a rate is fitted over, hours: a day smooths GNSS's millimetre noise.
    pub rate_window_h: u32,
}

impl Default for DeformationThresholds {
    fn default() -> Self {
        Self {
            displacement_mm_per_day: Steps::default(),
            crack_mm_per_day: Steps::default(),
            tangent: TangentAngle::default(),
            rate_window_h: 24,
        }
    }
}

impl DeformationThresholds {
    /// Placeholders of the order 群测群防 criteria use for small soil landslides; a geologist
    /// sets each point's own.
    pub fn placeholders() -> Self {
        Self {
            displacement_mm_per_day: Steps {
                blue: None,
                yellow: Some(2.0),
                orange: Some(5.0),
                red: Some(10.0),
            },
            crack_mm_per_day: Steps {
                blue: None,
                yellow: Some(1.0),
                orange: Some(2.0),
                red: Some(5.0),
            },
            ..Self::default()
        }
    }
}

/// How far below its limit a value must fall before a level drops or the alarm clears.
///
/// A fraction of the limit for amounts and rates (which start from zero); metres for a water
/// level, which is an elevation on a datum: a tenth of a 200 m 警戒水位 would be 20 m.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Hysteresis {
    pub fraction: f64,
    pub level_m: f64,
}

impl Default for Hysteresis {
    fn default() -> Self {
        Self {
            fraction: 0.1,
            level_m: 0.1,
        }
    }
}

/// How many consecutive live readings must agree before a level rises, drops or clears.
///
/// Counted in readings, not milliseconds: a station reports at its own pace (every 5 minutes in
/// a storm, hourly otherwise) and a glitch is one reading at any pace; waiting for the next
/// report to agree is what a duty officer does by eye. A time span would be met by a single
/// interval at an hourly station and would hold back a fast one for no gain.
///
/// Rain windows take their own count, 1 by default: a window's sum already spans the window,
/// and a bad increment stays inside it for the whole window, so waiting for the next report
/// would not filter it, only delay an evacuation by a reporting interval (an hour at an hourly
/// gauge).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Hold {
    pub readings: u32,
    pub rain_readings: u32,
}

impl Default for Hold {
    fn default() -> Self {
        Self {
            readings: 2,
            rain_readings: 1,
        }
    }
}

/// One station's thresholds. Start from [`Thresholds::for_kind`] and override what the
/// district has set for the station.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    pub rain: RainThresholds,
    pub water: WaterThresholds,
    pub deformation: DeformationThresholds,
    pub hysteresis: Hysteresis,
    pub hold: Hold,
    /// Supply voltage below which the station's power is shown low, V.
    pub low_voltage_v: Option<f64>,
}

impl Thresholds {
    /// The defaults of a kind of station. Every kind that may carry a rain gauge gets the rain
    /// placeholders (a rule without readings never fires, so a spare limit costs nothing).
    pub fn for_kind(kind: super::station::StationKind) -> Self {
        use super::station::StationKind as K;
        let rain = match kind {
            K::FireVideo => RainThresholds::default(),
            _ => RainThresholds::placeholders(),
        };
        let water = match kind {
            // A placeholder for small rivers; the levels themselves are the gauge's own.
            K::WaterLevel => WaterThresholds {
                rise_m_per_h: Some(0.5),
                ..WaterThresholds::default()
            },
            _ => WaterThresholds::default(),
        };
        let deformation = match kind {
            K::Geohazard => DeformationThresholds::placeholders(),
            _ => DeformationThresholds::default(),
        };
        Self {
            rain,
            water,
            deformation,
            hysteresis: Hysteresis::default(),
            hold: Hold::default(),
            // 12 V lead-acid RTUs (SL 651 stations, weather stations) are low near 11.5 V.
            // Geohazard devices run from 3.6 V cells or 12 V packs: the district sets theirs.
            low_voltage_v: match kind {
                K::Geohazard => None,
                _ => Some(11.5),
            },
        }
    }

    /// The limits of one rule, lowest colour first.
    pub fn ladder(&self, rule: Rule) -> Vec<(AlarmLevel, f64)> {
        let pair = |lower: Option<f64>, upper: Option<f64>| {
            [(AlarmLevel::Orange, lower), (AlarmLevel::Red, upper)]
                .into_iter()
                .filter_map(|(l, v)| v.map(|v| (l, v)))
                .collect()
        };
        let rain = |w: Option<RainLimits>| pair(w.map(|w| w.prepare_mm), w.map(|w| w.evacuate_mm));
        let d = &self.deformation;
        match rule {
            Rule::Rain1h => rain(self.rain.h1),
            Rule::Rain3h => rain(self.rain.h3),
            Rule::Rain24h => rain(self.rain.h24),
            Rule::Level => pair(self.water.warning_m, self.water.guarantee_m),
            Rule::LevelRise => self
                .water
                .rise_m_per_h
                .map(|v| vec![(AlarmLevel::Yellow, v)])
                .unwrap_or_default(),
            Rule::DisplacementRate => d.displacement_mm_per_day.ladder(),
            Rule::CrackRate => d.crack_mm_per_day.ladder(),
            Rule::TangentAngle if d.tangent.steady_mm_per_day.is_some() => vec![
                (AlarmLevel::Blue, d.tangent.blue_deg),
                (AlarmLevel::Yellow, d.tangent.yellow_deg),
                (AlarmLevel::Orange, d.tangent.orange_deg),
                (AlarmLevel::Red, d.tangent.red_deg),
            ],
            Rule::TangentAngle => Vec::new(),
        }
    }

    /// Refuses a limit that is not a positive number, limits out of order, and a hysteresis or
    /// hold that would make alarms never clear or never hold.
    pub fn validate(&self) -> Result<(), Error> {
        for rule in Rule::ALL {
            let ladder = self.ladder(*rule);
            for &(level, v) in &ladder {
                // A level may sit below its datum's zero; every other limit is a positive amount.
                let ok = v.is_finite() && (*rule == Rule::Level || v > 0.0);
                if !ok {
                    return Err(Error::ThresholdValue {
                        rule: rule.zh(),
                        level: level.zh(),
                        value: v,
                    });
                }
            }
            for w in ladder.windows(2) {
                if w[0].1 >= w[1].1 {
                    return Err(Error::ThresholdOrder {
                        rule: rule.zh(),
                        lower: w[0].0.zh(),
                        lower_value: w[0].1,
                        upper: w[1].0.zh(),
                        upper_value: w[1].1,
                    });
                }
            }
        }
        let t = &self.deformation.tangent;
        if let Some(v) = t.steady_mm_per_day {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::ThresholdValue {
                    rule: "等速变形速率 (steady-stage rate)",
                    level: "—",
                    value: v,
                });
            }
        }
        if t.red_deg >= 90.0 {
            return Err(Error::ThresholdValue {
                rule: Rule::TangentAngle.zh(),
                level: AlarmLevel::Red.zh(),
                value: t.red_deg,
            });
        }
        let field = |what, value: f64, ok: bool| {
            if ok {
                Ok(())
            } else {
                Err(Error::ThresholdValue {
                    rule: what,
                    level: "—",
                    value,
                })
            }
        };
        let h = self.hysteresis;
        field(
            "回差比例 (hysteresis fraction, 0–0.5)",
            h.fraction,
            (0.0..=0.5).contains(&h.fraction),
        )?;
        field(
            "水位回差 (level hysteresis, m)",
            h.level_m,
            h.level_m.is_finite() && h.level_m >= 0.0,
        )?;
        field(
            "持续读数 (hold readings, ≥ 1)",
            f64::from(self.hold.readings),
            self.hold.readings >= 1,
        )?;
        field(
            "雨量持续读数 (rain hold readings, ≥ 1)",
            f64::from(self.hold.rain_readings),
            self.hold.rain_readings >= 1,
        )?;
        field(
            "速率拟合时长 (rate window, h, ≥ 1)",
            f64::from(self.deformation.rate_window_h),
            self.deformation.rate_window_h >= 1,
        )?;
        if let Some(v) = self.low_voltage_v {
            field("低电压 (low voltage, V)", v, v.is_finite() && v > 0.0)?;
        }
        Ok(())
    }

    /// The value below which a level held at `limit` drops, for `rule`.
    pub fn release(&self, rule: Rule, limit: f64) -> f64 {
        match rule {
            Rule::Level => limit - self.hysteresis.level_m,
            // The angle's band is taken on tan(α) = v / v_steady, the rate it stands for: a tenth
            // of 89° would hold a red until the rate had fallen to a tenth of the trigger's.
            Rule::TangentAngle => {
                let r = limit.to_radians().tan() * (1.0 - self.hysteresis.fraction);
                r.atan().to_degrees()
            }
            _ => limit * (1.0 - self.hysteresis.fraction),
        }
    }

    /// How many consecutive live readings `rule` needs to change its level.
    pub fn hold_for(&self, rule: Rule) -> u32 {
        match rule {
            Rule::Rain1h | Rule::Rain3h | Rule::Rain24h => self.hold.rain_readings,
            _ => self.hold.readings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::station::StationKind;
    use super::*;

    #[test]
    fn levels_are_ordered_blue_to_red() {
        assert!(AlarmLevel::Blue < AlarmLevel::Yellow);
        assert!(AlarmLevel::Yellow < AlarmLevel::Orange);
        assert!(AlarmLevel::Orange < AlarmLevel::Red);
        assert_eq!(AlarmLevel::from_code("红色"), Ok(AlarmLevel::Red));
    }

    #[test]
    fn every_kinds_defaults_validate() {
        for k in StationKind::ALL {
            Thresholds::for_kind(*k).validate().unwrap();
        }
    }

    #[test]
    fn rain_maps_prepare_to_orange_and_evacuate_to_red() {
        let t = Thresholds::for_kind(StationKind::Rain);
        assert_eq!(
            t.ladder(Rule::Rain1h),
            vec![(AlarmLevel::Orange, 30.0), (AlarmLevel::Red, 50.0)]
        );
        assert!(t.ladder(Rule::Level).is_empty());
        assert!(t.ladder(Rule::TangentAngle).is_empty());
    }

    #[test]
    fn out_of_order_and_nonsense_limits_are_refused() {
        let mut t = Thresholds::for_kind(StationKind::WaterLevel);
        t.water.warning_m = Some(201.5);
        t.water.guarantee_m = Some(201.0);
        let e = t.validate().unwrap_err();
        assert!(matches!(e, Error::ThresholdOrder { .. }));
        assert!(e.to_string().starts_with("阈值次序有误"), "{e}");

        let mut t = Thresholds::for_kind(StationKind::Rain);
        t.rain.h3 = Some(RainLimits {
            prepare_mm: f64::NAN,
            evacuate_mm: 80.0,
        });
        assert!(matches!(t.validate(), Err(Error::ThresholdValue { .. })));

        let mut t = Thresholds::for_kind(StationKind::Rain);
        t.hold.readings = 0;
        assert!(t.validate().is_err());
        let mut t = Thresholds::for_kind(StationKind::Rain);
        t.hysteresis.fraction = 0.9;
        assert!(t.validate().is_err());
    }

    #[test]
    fn release_is_below_the_limit_in_each_rules_own_terms() {
        let mut t = Thresholds::for_kind(StationKind::Geohazard);
        t.deformation.tangent.steady_mm_per_day = Some(1.0);
        assert!((t.release(Rule::Rain1h, 50.0) - 45.0).abs() < 1e-9);
        assert!((t.release(Rule::Level, 200.0) - 199.9).abs() < 1e-9);
        // tan 45° = 1, so the band is at atan(0.9) ≈ 41.99°.
        assert!((t.release(Rule::TangentAngle, 45.0) - 41.987_212).abs() < 1e-5);
        let r = t.release(Rule::TangentAngle, 89.0);
        assert!(r < 89.0 && r > 88.8, "{r}");
    }

    #[test]
    fn thresholds_round_trip_through_json() {
        let t = Thresholds::for_kind(StationKind::Geohazard);
        let back: Thresholds = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(back, t);
    }
}
