//! The level the national criteria suggest from a toll, with the rule and the figures that
//! decided it, so the window can say why: 生产安全事故 by 《生产安全事故报告和调查处理条例》
//! (国务院令第493号) 第三条, 地质灾害 by its 灾情 grades. A suggestion only: the level is set
//! by a person, with a reason (`phase::LevelChange`).

use super::toll::DisasterToll;
use crate::command::incident::{IncidentCategory, IncidentKind, IncidentLevel};
use serde::{Deserialize, Serialize};

crate::labelled_enum! {
    /// Which national text a suggestion comes from.
    Criterion {
        ProductionSafety => ("production_safety_493", "《生产安全事故报告和调查处理条例》（国务院令第493号）第三条", "Regulations on production safety accidents (State Council Decree 493), art. 3"),
        GeohazardDisaster => ("geohazard_disaster", "地质灾害灾情分级（死亡失踪人数、直接经济损失）", "Geohazard disaster grades (dead and missing, direct loss)"),
    }
}

/// One measure the criterion reads, the band its value falls in and the level of that band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    /// 死亡, 重伤, 死亡失踪, 直接经济损失.
    pub name: String,
    pub value: f64,
    pub unit: String,
    /// The band as the text words it: 10人以上30人以下, 1000万元以下.
    pub band: String,
    pub level: IncidentLevel,
}

/// A suggested level and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelBasis {
    pub level: IncidentLevel,
    pub criterion: Criterion,
    /// The grade as the criterion names it: 重大事故, 大型地质灾害.
    pub grade: String,
    /// Every measure read, in the text's order; the level is the gravest of theirs.
    pub measures: Vec<Measure>,
    /// One sentence for the window: the rule and the measures that reached the level.
    pub because: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "suggestion", rename_all = "snake_case")]
pub enum Suggestion {
    Level(LevelBasis),
    /// No national criterion for this kind is encoded: the officer judges by the 专项应急预案.
    NoCriterion {
        kind: IncidentKind,
        note: String,
    },
}

impl Suggestion {
    pub fn level(&self) -> Option<IncidentLevel> {
        match self {
            Suggestion::Level(b) => Some(b.level),
            Suggestion::NoCriterion { .. } => None,
        }
    }
}

/// A band of a measure: at least `from` (以上包括本数), the level, and the text's words.
type Band = (f64, IncidentLevel, &'static str);

use IncidentLevel::{ExtremelySerious as I, General as IV, Major as III, Serious as II};

/// 493号令 第三条: 特别重大 30人以上死亡, 或者100人以上重伤（包括急性工业中毒）, 或者1亿元
/// 以上直接经济损失; 重大 10–30 / 50–100 / 5000万–1亿; 较大 3–10 / 10–50 / 1000万–5000万;
/// 一般 3人以下 / 10人以下 / 1000万元以下. "所称的'以上'包括本数, 所称的'以下'不包括本数."
const ACCIDENT_DEAD: &[Band] = &[
    (30.0, I, "30人以上"),
    (10.0, II, "10人以上30人以下"),
    (3.0, III, "3人以上10人以下"),
    (0.0, IV, "3人以下"),
];
const ACCIDENT_SERIOUSLY_INJURED: &[Band] = &[
    (100.0, I, "100人以上"),
    (50.0, II, "50人以上100人以下"),
    (10.0, III, "10人以上50人以下"),
    (0.0, IV, "10人以下"),
];
/// In 万元: 1亿元 = 10000万元.
const ACCIDENT_LOSS_WAN: &[Band] = &[
    (10_000.0, I, "1亿元以上"),
    (5_000.0, II, "5000万元以上1亿元以下"),
    (1_000.0, III, "1000万元以上5000万元以下"),
    (0.0, IV, "1000万元以下"),
];

/// 地质灾害 灾情 (emergency_enums.json `geohazard.disaster_level_灾情`): 特大型 死亡失踪 30人
/// 以上 或 直接损失 1000万元以上; 大型 10–30人 或 500–1000万元; 中型 3–10人 或 100–500万元;
/// 小型 3人以下 且 100万元以下; read as 特别重大/重大/较大/一般, the four grades the
/// geological-disaster plans use for the same thresholds.
const GEO_DEAD_MISSING: &[Band] = &[
    (30.0, I, "30人以上"),
    (10.0, II, "10人以上30人以下"),
    (3.0, III, "3人以上10人以下"),
    (0.0, IV, "3人以下"),
];
const GEO_LOSS_WAN: &[Band] = &[
    (1_000.0, I, "1000万元以上"),
    (500.0, II, "500万元以上1000万元以下"),
    (100.0, III, "100万元以上500万元以下"),
    (0.0, IV, "100万元以下"),
];

fn measure(name: &str, value: f64, unit: &str, bands: &[Band]) -> Measure {
    // The last band starts at 0, so every non-negative value falls in one; a negative value
    // (refused by `DisasterToll::validate`) is read as the lowest band.
    let (_, level, band) = bands
        .iter()
        .find(|(from, _, _)| value >= *from)
        .copied()
        .unwrap_or(bands[bands.len() - 1]);
    Measure {
        name: name.to_owned(),
        value,
        unit: unit.to_owned(),
        band: band.to_owned(),
        level,
    }
}

/// The level the national criterion for `kind` suggests from `toll`: accidents (category
/// 事故灾难) by 493号令; 滑坡崩塌地质灾害 by the 灾情 grades, 死亡 and 失踪 counted together.
/// Other kinds have no criterion encoded here, and none is invented.
pub fn suggest(kind: IncidentKind, toll: &DisasterToll) -> Suggestion {
    let (criterion, measures) = if kind.category() == IncidentCategory::Accident {
        (
            Criterion::ProductionSafety,
            vec![
                measure("死亡", toll.dead.into(), "人", ACCIDENT_DEAD),
                measure(
                    "重伤",
                    toll.seriously_injured.into(),
                    "人",
                    ACCIDENT_SERIOUSLY_INJURED,
                ),
                measure(
                    "直接经济损失",
                    toll.direct_loss_wan,
                    "万元",
                    ACCIDENT_LOSS_WAN,
                ),
            ],
        )
    } else if kind == IncidentKind::Landslide {
        (
            Criterion::GeohazardDisaster,
            vec![
                measure(
                    "死亡失踪",
                    toll.dead_and_missing().into(),
                    "人",
                    GEO_DEAD_MISSING,
                ),
                measure("直接经济损失", toll.direct_loss_wan, "万元", GEO_LOSS_WAN),
            ],
        )
    } else {
        return Suggestion::NoCriterion {
            kind,
            note: format!(
                "未编入{}的国家分级标准，请按相应专项应急预案研判级别 (no national criterion for this kind is encoded)",
                kind.zh()
            ),
        };
    };
    let level = measures
        .iter()
        .map(|m| m.level)
        .min() // IncidentLevel orders from Ⅰ (gravest) to Ⅳ
        .unwrap_or(IV);
    let grade = match criterion {
        Criterion::ProductionSafety => format!("{}事故", level.zh()),
        Criterion::GeohazardDisaster => format!("{}地质灾害", geo_grade(level)),
    };
    let decisive: Vec<String> = measures
        .iter()
        .filter(|m| m.level == level)
        .map(|m| format!("{}{}{}（{}）", m.name, m.value, m.unit, m.band))
        .collect();
    let because = format!("依{}：{}，为{}", criterion.zh(), decisive.join("、"), grade);
    Suggestion::Level(LevelBasis {
        level,
        criterion,
        grade,
        measures,
        because,
    })
}

/// The geological grade a level stands for (特大型 for 特别重大 …).
pub fn geo_grade(level: IncidentLevel) -> &'static str {
    match level {
        I => "特大型",
        II => "大型",
        III => "中型",
        IV => "小型",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accident(dead: u32, seriously_injured: u32, loss_wan: f64) -> DisasterToll {
        DisasterToll {
            dead,
            seriously_injured,
            injured: seriously_injured,
            direct_loss_wan: loss_wan,
            ..Default::default()
        }
    }

    #[test]
    fn production_accidents_at_every_boundary_of_decree_493() {
        // (case, dead, 重伤, 万元, level): "以上包括本数，以下不包括本数", so each threshold
        // itself belongs to the graver band and one below it to the lighter.
        let cases = [
            ("no toll", 0, 0, 0.0, IV),
            ("2 dead", 2, 0, 0.0, IV),
            ("3 dead", 3, 0, 0.0, III),
            ("9 dead", 9, 0, 0.0, III),
            ("10 dead", 10, 0, 0.0, II),
            ("29 dead", 29, 0, 0.0, II),
            ("30 dead", 30, 0, 0.0, I),
            ("9 seriously injured", 0, 9, 0.0, IV),
            ("10 seriously injured", 0, 10, 0.0, III),
            ("49 seriously injured", 0, 49, 0.0, III),
            ("50 seriously injured", 0, 50, 0.0, II),
            ("99 seriously injured", 0, 99, 0.0, II),
            ("100 seriously injured", 0, 100, 0.0, I),
            ("999.99万元", 0, 0, 999.99, IV),
            ("1000万元", 0, 0, 1000.0, III),
            ("4999.99万元", 0, 0, 4999.99, III),
            ("5000万元", 0, 0, 5000.0, II),
            ("9999.99万元", 0, 0, 9999.99, II),
            ("1亿元", 0, 0, 10_000.0, I),
            // The gravest measure decides: 2 dead alone is 一般, 12 重伤 makes it 较大.
            ("2 dead and 12 seriously injured", 2, 12, 300.0, III),
            ("5 dead and 6000万元", 5, 0, 6000.0, II),
        ];
        for kind in [
            IncidentKind::RoadTraffic,
            IncidentKind::HazardousChemicals,
            IncidentKind::BuildingFire,
        ] {
            for (name, dead, si, loss, want) in cases {
                let s = suggest(kind, &accident(dead, si, loss));
                assert_eq!(s.level(), Some(want), "{kind} {name}");
            }
        }
    }

    #[test]
    fn geohazard_disasters_count_the_dead_and_missing_together() {
        let geo = |dead, missing, loss_wan| DisasterToll {
            dead,
            missing,
            direct_loss_wan: loss_wan,
            ..Default::default()
        };
        let cases = [
            ("none", geo(0, 0, 0.0), IV, "小型"),
            ("2 dead", geo(2, 0, 0.0), IV, "小型"),
            // 2 dead + 1 missing = 3: 中型, though neither alone reaches it.
            ("2 dead 1 missing", geo(2, 1, 0.0), III, "中型"),
            ("3 missing", geo(0, 3, 0.0), III, "中型"),
            ("9 dead and missing", geo(5, 4, 0.0), III, "中型"),
            ("10 dead and missing", geo(6, 4, 0.0), II, "大型"),
            ("29 dead and missing", geo(20, 9, 0.0), II, "大型"),
            ("30 dead and missing", geo(20, 10, 0.0), I, "特大型"),
            ("99.99万元", geo(0, 0, 99.99), IV, "小型"),
            ("100万元", geo(0, 0, 100.0), III, "中型"),
            ("499.99万元", geo(0, 0, 499.99), III, "中型"),
            ("500万元", geo(0, 0, 500.0), II, "大型"),
            ("999.99万元", geo(0, 0, 999.99), II, "大型"),
            ("1000万元", geo(0, 0, 1000.0), I, "特大型"),
            ("1 dead and 600万元", geo(1, 0, 600.0), II, "大型"),
        ];
        for (name, toll, want, grade) in cases {
            match suggest(IncidentKind::Landslide, &toll) {
                Suggestion::Level(b) => {
                    assert_eq!(b.level, want, "{name}");
                    assert_eq!(b.grade, format!("{grade}地质灾害"), "{name}");
                    assert_eq!(b.criterion, Criterion::GeohazardDisaster, "{name}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_suggestion_says_which_rule_and_which_figures() {
        let Suggestion::Level(b) = suggest(IncidentKind::RoadTraffic, &accident(12, 3, 200.0))
        else {
            panic!("accidents have a criterion");
        };
        assert_eq!(b.grade, "重大事故");
        assert_eq!(
            b.because,
            "依《生产安全事故报告和调查处理条例》（国务院令第493号）第三条：死亡12人（10人以上30人以下），为重大事故"
        );
        let bands: Vec<&str> = b.measures.iter().map(|m| m.band.as_str()).collect();
        assert_eq!(bands, ["10人以上30人以下", "10人以下", "1000万元以下"]);
        // Two measures at the same level are both named.
        let Suggestion::Level(b) = suggest(
            IncidentKind::Landslide,
            &DisasterToll {
                dead: 3,
                direct_loss_wan: 150.0,
                ..Default::default()
            },
        ) else {
            panic!("landslides have a criterion");
        };
        assert!(b.because.ends_with("死亡失踪3人（3人以上10人以下）、直接经济损失150万元（100万元以上500万元以下），为中型地质灾害"), "{}", b.because);
    }

    #[test]
    fn kinds_without_an_encoded_criterion_get_none_and_a_note() {
        for kind in IncidentKind::ALL {
            let s = suggest(*kind, &accident(50, 200, 20_000.0));
            let has =
                kind.category() == IncidentCategory::Accident || *kind == IncidentKind::Landslide;
            assert_eq!(s.level().is_some(), has, "{kind}");
            if let Suggestion::NoCriterion { note, .. } = s {
                assert!(
                    note.contains(kind.zh()) && note.contains("专项应急预案"),
                    "{note}"
                );
            }
        }
    }
}
