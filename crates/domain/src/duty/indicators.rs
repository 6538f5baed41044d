//! The year's natural-disaster statistics summed from its incidents, and the six core
//! indicators of 《合川区应急管理“十四五”规划》 (二（三） 核心指标), each with its value, goal,
//! whether it is met and its unit, from the year's GDP (亿元) and 常住人口 entered per year.
//!
//! The plan's table (seed text, lines 94–127) gives the goals: 1 生产安全事故死亡人数 下降9%
//! (约束性); 2 5年累计重特大生产安全事故起数 0起 (约束性); 3 亿元地区生产总值生产安全事故死亡率
//! 下降37.5% (约束性); 4 年均因自然灾害直接经济损失占生产总值的比例 ≤1% (预期性); 5 年均每
//! 百万人口因自然灾害死亡率 ≤1人 (预期性); 6 年均每十万人受灾人次 <15000人 (预期性). The base of
//! indicator 3 is the plan's line 24: the rate fell "从“十二五”末的0.034下降至0.0248", so the
//! goal is 0.0248 × (1 − 37.5 %) = 0.0155. Indicator 1's base (the deaths of the base year) is
//! not in the plan's text, so it is entered.
//!
//! Which incidents count: 生产安全事故 are the incidents of category 事故灾难; natural-disaster
//! figures come from category 自然灾害. Indicator 5 counts 死亡 only, as its name says; the
//! statistics also give 因灾死亡失踪 (the two together) beside it.

use super::toll::DisasterToll;
use crate::beijing_time::BeijingTime;
use crate::command::incident::{IncidentCategory, IncidentKind, IncidentLevel};
use crate::Error;
use serde::{Deserialize, Serialize};

/// What is entered for a year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct YearInput {
    pub year: i32,
    /// 地区生产总值, 亿元.
    pub gdp_yi: f64,
    /// 常住人口, 人 (not 万人: the unit the denominators below are worked in).
    pub population: u64,
}

impl YearInput {
    pub fn validate(&self) -> Result<(), Error> {
        if !self.gdp_yi.is_finite() || self.gdp_yi <= 0.0 {
            return Err(Error::Quantity {
                field: "地区生产总值（亿元）",
                value: self.gdp_yi,
                expected: "正数",
            });
        }
        if self.population == 0 {
            return Err(Error::Quantity {
                field: "常住人口（人）",
                value: 0.0,
                expected: "正数",
            });
        }
        Ok(())
    }
}

/// An incident as the year's count reads it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct YearIncident {
    pub kind: IncidentKind,
    pub level: IncidentLevel,
    /// 事发时间; the incident counts in the Beijing year it happened in.
    pub occurred_at_ms: i64,
    pub toll: DisasterToll,
}

impl YearIncident {
    fn in_year(&self, year: i32) -> bool {
        BeijingTime::from_unix_ms(self.occurred_at_ms).year == year
    }
}

/// The year's natural-disaster statistics, summed over its 自然灾害 incidents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisasterStatistics {
    pub year: i32,
    /// How many natural-disaster incidents.
    pub events: u32,
    /// 受灾人口 (人次).
    pub affected: u32,
    /// 因灾死亡失踪 (人), and the two apart.
    pub dead_and_missing: u32,
    pub dead: u32,
    pub missing: u32,
    /// 紧急转移安置 (人次).
    pub relocated: u32,
    /// 倒损房屋 (倒塌 + 严重损坏 + 一般损坏), 户 and 间; 倒塌 alone as well.
    pub damaged_households: u32,
    pub damaged_rooms: u32,
    pub collapsed_households: u32,
    pub collapsed_rooms: u32,
    /// 农作物受灾/成灾/绝收面积 (公顷).
    pub crops_affected_ha: f64,
    pub crops_damaged_ha: f64,
    pub crops_lost_ha: f64,
    /// 直接经济损失 (万元).
    pub direct_loss_wan: f64,
    /// Every item summed, for a table that shows more.
    pub toll: DisasterToll,
}

pub fn disaster_statistics(year: i32, incidents: &[YearIncident]) -> DisasterStatistics {
    let mut toll = DisasterToll::default();
    let mut events = 0;
    for i in incidents
        .iter()
        .filter(|i| i.in_year(year) && i.kind.category() == IncidentCategory::Natural)
    {
        toll.add(&i.toll);
        events += 1;
    }
    DisasterStatistics {
        year,
        events,
        affected: toll.affected,
        dead_and_missing: toll.dead_and_missing(),
        dead: toll.dead,
        missing: toll.missing,
        relocated: toll.relocated,
        damaged_households: toll.damaged_households(),
        damaged_rooms: toll.damaged_rooms(),
        collapsed_households: toll.collapsed_households,
        collapsed_rooms: toll.collapsed_rooms,
        crops_affected_ha: toll.crops_affected_ha,
        crops_damaged_ha: toll.crops_damaged_ha,
        crops_lost_ha: toll.crops_lost_ha,
        direct_loss_wan: toll.direct_loss_wan,
        toll,
    }
}

crate::labelled_enum! {
    /// The plan's six core indicators, in its order.
    IndicatorCode {
        AccidentDeaths => ("accident_deaths", "生产安全事故死亡人数", "Deaths in production-safety accidents"),
        MajorAccidents => ("major_accidents", "重特大生产安全事故起数", "Serious and extremely serious accidents"),
        GdpDeathRate => ("gdp_death_rate", "亿元地区生产总值生产安全事故死亡率", "Accident deaths per 100 million yuan of GDP"),
        LossShareOfGdp => ("loss_share_of_gdp", "因自然灾害直接经济损失占生产总值的比例", "Direct natural-disaster loss as a share of GDP"),
        DeathsPerMillion => ("deaths_per_million", "每百万人口因自然灾害死亡率", "Natural-disaster deaths per million people"),
        AffectedPer100k => ("affected_per_100k", "每十万人受灾人次", "People affected per 100,000"),
    }
}

crate::labelled_enum! {
    /// 约束性 (binding) or 预期性 (expected), as the plan's table marks each.
    IndicatorNature {
        Binding => ("binding", "约束性", "Binding"),
        Expected => ("expected", "预期性", "Expected"),
    }
}

impl IndicatorCode {
    pub fn unit(self) -> &'static str {
        match self {
            IndicatorCode::AccidentDeaths => "人",
            IndicatorCode::MajorAccidents => "起",
            IndicatorCode::GdpDeathRate => "人/亿元",
            IndicatorCode::LossShareOfGdp => "%",
            IndicatorCode::DeathsPerMillion => "人/百万人",
            IndicatorCode::AffectedPer100k => "人次/十万人",
        }
    }

    pub fn nature(self) -> IndicatorNature {
        match self {
            IndicatorCode::AccidentDeaths
            | IndicatorCode::MajorAccidents
            | IndicatorCode::GdpDeathRate => IndicatorNature::Binding,
            _ => IndicatorNature::Expected,
        }
    }

    /// The goal as the plan's table words it.
    pub fn plan_goal(self) -> &'static str {
        match self {
            IndicatorCode::AccidentDeaths => "下降9%",
            IndicatorCode::MajorAccidents => "0起（5年累计）",
            IndicatorCode::GdpDeathRate => "下降37.5%（自0.0248）",
            IndicatorCode::LossShareOfGdp => "≤1%",
            IndicatorCode::DeathsPerMillion => "≤1人",
            IndicatorCode::AffectedPer100k => "<15000人",
        }
    }
}

/// The plan's goals as numbers (see the module's text for the lines they come from).
pub const ACCIDENT_DEATHS_CUT: f64 = 0.09;
pub const GDP_DEATH_RATE_BASE: f64 = 0.0248;
pub const GDP_DEATH_RATE_CUT: f64 = 0.375;
pub const LOSS_SHARE_MAX_PERCENT: f64 = 1.0;
pub const DEATHS_PER_MILLION_MAX: f64 = 1.0;
pub const AFFECTED_PER_100K_BELOW: f64 = 15_000.0;

crate::labelled_enum! {
    /// How a value meets its goal: ≤ (at most) or < (below); 0起 is at most 0.
    Comparison {
        AtMost => ("at_most", "≤", "At most"),
        Below => ("below", "<", "Below"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    pub comparison: Comparison,
    pub target: f64,
}

impl Goal {
    pub fn met_by(self, value: f64) -> bool {
        match self.comparison {
            Comparison::AtMost => value <= self.target,
            Comparison::Below => value < self.target,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub code: IndicatorCode,
    pub value: f64,
    /// `None` when its base was not entered (indicator 1 without the base year's deaths).
    pub goal: Option<Goal>,
    pub met: Option<bool>,
    pub unit: String,
}

fn indicator(code: IndicatorCode, value: f64, goal: Option<Goal>) -> Indicator {
    Indicator {
        code,
        value,
        goal,
        met: goal.map(|g| g.met_by(value)),
        unit: code.unit().to_owned(),
    }
}

/// The six indicators for one year. `base_accident_deaths` is the base year's (the last of
/// 十三五, 2020) 生产安全事故死亡人数, when entered. Indicator 2's plan goal is over the five
/// years; for one year it is that year's count (the period's sum is [`plan_period`]'s).
pub fn year_indicators(
    input: &YearInput,
    incidents: &[YearIncident],
    base_accident_deaths: Option<u32>,
) -> Result<Vec<Indicator>, Error> {
    input.validate()?;
    let year: Vec<&YearIncident> = incidents.iter().filter(|i| i.in_year(input.year)).collect();
    let accidents = year
        .iter()
        .filter(|i| i.kind.category() == IncidentCategory::Accident);
    let accident_deaths: f64 = accidents.clone().map(|i| f64::from(i.toll.dead)).sum();
    let major = accidents
        .filter(|i| {
            matches!(
                i.level,
                IncidentLevel::Serious | IncidentLevel::ExtremelySerious
            )
        })
        .count() as f64;
    let stats = disaster_statistics(input.year, incidents);
    let people = input.population as f64;
    let at_most = |target| Goal {
        comparison: Comparison::AtMost,
        target,
    };
    Ok(vec![
        indicator(
            IndicatorCode::AccidentDeaths,
            accident_deaths,
            base_accident_deaths.map(|b| at_most(f64::from(b) * (1.0 - ACCIDENT_DEATHS_CUT))),
        ),
        indicator(IndicatorCode::MajorAccidents, major, Some(at_most(0.0))),
        indicator(
            IndicatorCode::GdpDeathRate,
            accident_deaths / input.gdp_yi,
            Some(at_most(GDP_DEATH_RATE_BASE * (1.0 - GDP_DEATH_RATE_CUT))),
        ),
        // 万元 over 亿元: 1 亿元 = 10,000 万元; then as a percentage.
        indicator(
            IndicatorCode::LossShareOfGdp,
            stats.direct_loss_wan / (input.gdp_yi * 10_000.0) * 100.0,
            Some(at_most(LOSS_SHARE_MAX_PERCENT)),
        ),
        indicator(
            IndicatorCode::DeathsPerMillion,
            f64::from(stats.dead) / people * 1_000_000.0,
            Some(at_most(DEATHS_PER_MILLION_MAX)),
        ),
        indicator(
            IndicatorCode::AffectedPer100k,
            f64::from(stats.affected) / people * 100_000.0,
            Some(Goal {
                comparison: Comparison::Below,
                target: AFFECTED_PER_100K_BELOW,
            }),
        ),
    ])
}

/// The indicators over the plan's period (the years given, e.g. 2021–2025): indicators 1 and
/// 3 are the last year's (the plan compares the period's end with its base), 2 is the sum of
/// the years' counts (5年累计), and 4–6 are the mean of the years' values (年均).
pub fn plan_period(
    years: &[YearInput],
    incidents: &[YearIncident],
    base_accident_deaths: Option<u32>,
) -> Result<Vec<Indicator>, Error> {
    let mut per_year = Vec::with_capacity(years.len());
    for y in years {
        per_year.push(year_indicators(y, incidents, base_accident_deaths)?);
    }
    let last_year = years
        .iter()
        .enumerate()
        .max_by_key(|(_, y)| y.year)
        .map(|(i, _)| i);
    let Some(last) = last_year else {
        return Ok(Vec::new());
    };
    let n = per_year.len() as f64;
    Ok(IndicatorCode::ALL
        .iter()
        .enumerate()
        .map(|(k, code)| {
            let first = &per_year[last][k];
            let value = match code {
                IndicatorCode::AccidentDeaths | IndicatorCode::GdpDeathRate => first.value,
                IndicatorCode::MajorAccidents => per_year.iter().map(|y| y[k].value).sum(),
                _ => per_year.iter().map(|y| y[k].value).sum::<f64>() / n,
            };
            indicator(*code, value, first.goal)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duty::bj;
    use IncidentKind::*;
    use IncidentLevel::*;

    fn inc(kind: IncidentKind, level: IncidentLevel, at: i64, toll: DisasterToll) -> YearIncident {
        YearIncident {
            kind,
            level,
            occurred_at_ms: at,
            toll,
        }
    }

    fn dead(n: u32) -> DisasterToll {
        DisasterToll {
            dead: n,
            ..Default::default()
        }
    }

    /// A year of incidents (演示数据: invented for the test, not the district's record).
    fn year_2024() -> Vec<YearIncident> {
        vec![
            inc(RoadTraffic, General, bj(2024, 3, 2, 8, 0), dead(2)),
            inc(
                HazardousChemicals,
                Major,
                bj(2024, 5, 9, 14, 0),
                DisasterToll {
                    dead: 4,
                    injured: 3,
                    seriously_injured: 3,
                    ..Default::default()
                },
            ),
            inc(BuildingCollapse, Serious, bj(2024, 9, 1, 10, 0), dead(11)),
            inc(
                Flood,
                Major,
                bj(2024, 7, 12, 3, 0),
                DisasterToll {
                    affected: 120_000,
                    dead: 1,
                    missing: 1,
                    relocated: 5_000,
                    collapsed_households: 3,
                    collapsed_rooms: 7,
                    severely_damaged_households: 5,
                    severely_damaged_rooms: 12,
                    slightly_damaged_households: 20,
                    slightly_damaged_rooms: 41,
                    crops_affected_ha: 800.0,
                    crops_damaged_ha: 300.0,
                    crops_lost_ha: 50.0,
                    direct_loss_wan: 6_000.0,
                    ..Default::default()
                },
            ),
            inc(
                Landslide,
                General,
                bj(2024, 8, 20, 16, 0),
                DisasterToll {
                    affected: 30_000,
                    relocated: 800,
                    collapsed_households: 1,
                    collapsed_rooms: 2,
                    direct_loss_wan: 2_000.0,
                    ..Default::default()
                },
            ),
            // Not counted: another year (2023-12-31 23:30 Beijing), and a public-health event.
            inc(
                Flood,
                General,
                bj(2023, 12, 31, 23, 30),
                DisasterToll {
                    affected: 999,
                    dead: 3,
                    ..Default::default()
                },
            ),
            inc(Epidemic, General, bj(2024, 2, 1, 0, 0), dead(5)),
        ]
    }

    const INPUT: YearInput = YearInput {
        year: 2024,
        gdp_yi: 1_000.0,
        population: 1_250_000,
    };

    #[test]
    fn the_years_natural_disasters_add_up() {
        let s = disaster_statistics(2024, &year_2024());
        assert_eq!(s.events, 2);
        // 120,000 + 30,000 受灾; 1 dead + 1 missing; 5,000 + 800 relocated.
        assert_eq!(
            (
                s.affected,
                s.dead_and_missing,
                s.dead,
                s.missing,
                s.relocated
            ),
            (150_000, 2, 1, 1, 5_800)
        );
        // 倒损: 3 + 5 + 20 + 1 = 29 户, 7 + 12 + 41 + 2 = 62 间; 倒塌 3 + 1 = 4 户, 7 + 2 = 9 间.
        assert_eq!(
            (
                s.damaged_households,
                s.damaged_rooms,
                s.collapsed_households,
                s.collapsed_rooms
            ),
            (29, 62, 4, 9)
        );
        assert_eq!(
            (s.crops_affected_ha, s.crops_damaged_ha, s.crops_lost_ha),
            (800.0, 300.0, 50.0)
        );
        // 6,000 + 2,000 万元.
        assert_eq!(s.direct_loss_wan, 8_000.0);
        // The 23:30 flood on 31 December counts in 2023.
        assert_eq!(disaster_statistics(2023, &year_2024()).affected, 999);
    }

    #[test]
    fn the_six_indicators_checked_by_hand() {
        let got = year_indicators(&INPUT, &year_2024(), Some(22)).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        // (code, value, goal's target, met)
        let want = [
            // Accidents' deaths 2 + 4 + 11 = 17; goal 22 × (1 − 0.09) = 20.02; 17 ≤ 20.02.
            (IndicatorCode::AccidentDeaths, 17.0, 20.02, true),
            // One 重大 accident (the collapse); goal 0.
            (IndicatorCode::MajorAccidents, 1.0, 0.0, false),
            // 17 / 1,000 亿元 = 0.017; goal 0.0248 × 0.625 = 0.0155; 0.017 > 0.0155.
            (IndicatorCode::GdpDeathRate, 0.017, 0.0155, false),
            // 8,000 万元 = 0.8 亿元; 0.8 / 1,000 = 0.08 %; ≤ 1 %.
            (IndicatorCode::LossShareOfGdp, 0.08, 1.0, true),
            // 1 natural death / 1.25 million people = 0.8 per million; ≤ 1.
            (IndicatorCode::DeathsPerMillion, 0.8, 1.0, true),
            // 150,000 / 1,250,000 × 100,000 = 12,000; < 15,000.
            (IndicatorCode::AffectedPer100k, 12_000.0, 15_000.0, true),
        ];
        assert_eq!(got.len(), 6);
        for (ind, (code, value, target, met)) in got.iter().zip(want) {
            assert_eq!(ind.code, code);
            assert!(close(ind.value, value), "{code}: {} ≠ {value}", ind.value);
            assert!(
                close(ind.goal.unwrap().target, target),
                "{code}: goal {:?}",
                ind.goal
            );
            assert_eq!(ind.met, Some(met), "{code}");
            assert_eq!(ind.unit, code.unit());
        }
        // Without the base year's deaths, indicator 1 has a value but no goal.
        let got = year_indicators(&INPUT, &year_2024(), None).unwrap();
        assert_eq!((got[0].value, got[0].goal, got[0].met), (17.0, None, None));
    }

    #[test]
    fn goals_at_their_boundaries() {
        // ≤ 1 % is met at exactly 1 %: 10,000 万元 = 1 亿元 on a GDP of 100 亿元.
        let input = YearInput {
            year: 2024,
            gdp_yi: 100.0,
            population: 1_000_000,
        };
        let at = bj(2024, 6, 1, 0, 0);
        let cases = [
            (
                "loss exactly 1 %",
                DisasterToll {
                    direct_loss_wan: 10_000.0,
                    ..Default::default()
                },
                3,
                true,
            ),
            (
                "loss just over 1 %",
                DisasterToll {
                    direct_loss_wan: 10_000.5,
                    ..Default::default()
                },
                3,
                false,
            ),
            // 1 death in 1,000,000 people is exactly 1 per million: ≤ 1 is met.
            ("one death per million", dead(1), 4, true),
            ("two deaths per million", dead(2), 4, false),
            // 150,000 / 1,000,000 × 100,000 = 15,000: "< 15000" is not met at 15,000.
            (
                "15,000 per 100,000",
                DisasterToll {
                    affected: 150_000,
                    ..Default::default()
                },
                5,
                false,
            ),
            (
                "14,999.9 per 100,000",
                DisasterToll {
                    affected: 149_999,
                    ..Default::default()
                },
                5,
                true,
            ),
        ];
        for (name, toll, k, met) in cases {
            let got = year_indicators(&input, &[inc(Flood, General, at, toll)], None).unwrap();
            assert_eq!(got[k].met, Some(met), "{name}: {}", got[k].value);
        }
    }

    #[test]
    fn a_year_without_gdp_or_people_is_refused() {
        for (input, want) in [
            (
                YearInput {
                    gdp_yi: 0.0,
                    ..INPUT
                },
                "地区生产总值",
            ),
            (
                YearInput {
                    gdp_yi: f64::NAN,
                    ..INPUT
                },
                "地区生产总值",
            ),
            (
                YearInput {
                    population: 0,
                    ..INPUT
                },
                "常住人口",
            ),
        ] {
            let e = year_indicators(&input, &[], None).unwrap_err();
            assert!(e.to_string().contains(want), "{e}");
        }
    }

    #[test]
    fn over_the_period_counts_add_and_rates_average() {
        // 2024 as above; 2025 with GDP 1,100 亿元, 1,260,000 people and only a road accident
        // with 1 death and a flood of 25,200 受灾, 0 dead, 1,100 万元.
        let mut incidents = year_2024();
        incidents.push(inc(RoadTraffic, Serious, bj(2025, 4, 4, 9, 0), dead(1)));
        incidents.push(inc(
            Flood,
            General,
            bj(2025, 6, 30, 9, 0),
            DisasterToll {
                affected: 25_200,
                direct_loss_wan: 1_100.0,
                ..Default::default()
            },
        ));
        let y2025 = YearInput {
            year: 2025,
            gdp_yi: 1_100.0,
            population: 1_260_000,
        };
        let got = plan_period(&[INPUT, y2025], &incidents, Some(22)).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        // 1: the last year's deaths, 1 (≤ 20.02). 2: 1 + 1 = 2 重特大 over the two years.
        assert_eq!((got[0].value, got[0].met), (1.0, Some(true)));
        assert_eq!((got[1].value, got[1].met), (2.0, Some(false)));
        // 3: 2025's 1 / 1,100 = 0.000909…
        assert!(close(got[2].value, 1.0 / 1_100.0));
        // 4: 2024 0.08 %, 2025 1,100 万元 / 11,000,000 万元 = 0.01 %; mean 0.045 %.
        assert!(close(got[3].value, 0.045), "{}", got[3].value);
        // 5: 2024 0.8, 2025 0; mean 0.4.
        assert!(close(got[4].value, 0.4));
        // 6: 2024 12,000; 2025 25,200 / 1,260,000 × 100,000 = 2,000; mean 7,000.
        assert!(close(got[5].value, 7_000.0), "{}", got[5].value);
        assert!(plan_period(&[], &incidents, None).unwrap().is_empty());
    }

    #[test]
    fn indicators_carry_the_plans_words() {
        assert_eq!(IndicatorCode::AffectedPer100k.plan_goal(), "<15000人");
        assert_eq!(
            IndicatorCode::GdpDeathRate.nature(),
            IndicatorNature::Binding
        );
        assert_eq!(
            IndicatorCode::LossShareOfGdp.nature(),
            IndicatorNature::Expected
        );
        let got = year_indicators(&INPUT, &year_2024(), Some(22)).unwrap();
        let json = serde_json::to_string(&got[5]).unwrap();
        assert!(
            json.contains(r#""code":"affected_per_100k""#)
                && json.contains(r#""comparison":"below""#),
            "{json}"
        );
    }
}
