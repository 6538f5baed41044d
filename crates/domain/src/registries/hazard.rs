//! Hazard and risk points (隐患点/风险点): geological hazards with their 险情 level, major hazard
//! sources (GB 18218), flood, waterlogging and forest-fire risk areas.

use crate::{EntityId, LonLat};
use serde::{Deserialize, Serialize};

crate::labelled_enum! {
    HazardKind {
        Landslide => ("landslide", "滑坡", "Landslide"),
        Rockfall => ("rockfall", "崩塌", "Rockfall"),
        DebrisFlow => ("debris_flow", "泥石流", "Debris flow"),
        Collapse => ("collapse", "地面塌陷", "Ground collapse"),
        GroundFissure => ("ground_fissure", "地裂缝", "Ground fissure"),
        Subsidence => ("subsidence", "地面沉降", "Subsidence"),
        UnstableSlope => ("unstable_slope", "不稳定斜坡", "Unstable slope"),
        MajorHazardSource => ("major_hazard_source", "重大危险源", "Major hazard source"),
        Flood => ("flood", "洪水风险区", "Flood risk area"),
        Waterlogging => ("waterlogging", "内涝点", "Waterlogging point"),
        ForestFire => ("forest_fire", "森林火险区", "Forest-fire risk area"),
    }
}

impl HazardKind {
    /// The seven geological kinds of 《地质灾害防治条例》, whose level follows threatened people.
    pub fn is_geological(self) -> bool {
        matches!(
            self,
            Self::Landslide
                | Self::Rockfall
                | Self::DebrisFlow
                | Self::Collapse
                | Self::GroundFissure
                | Self::Subsidence
                | Self::UnstableSlope
        )
    }
}

crate::labelled_enum! {
    /// Severity in four steps, I the gravest. Shown in each family's own words (see
    /// [`RiskLevel::label_zh`]).
    RiskLevel {
        I => ("1", "Ⅰ级", "Level I"),
        II => ("2", "Ⅱ级", "Level II"),
        III => ("3", "Ⅲ级", "Level III"),
        IV => ("4", "Ⅳ级", "Level IV"),
    }
}

impl RiskLevel {
    /// The level in the words of the hazard's own scale: 险情 for geological hazards, 一至四级
    /// for GB 18218 major hazard sources, 风险等级 for the rest.
    pub fn label_zh(self, kind: HazardKind) -> &'static str {
        let i = self as usize;
        if kind.is_geological() {
            ["特大型", "大型", "中型", "小型"][i]
        } else if kind == HazardKind::MajorHazardSource {
            ["一级", "二级", "三级", "四级"][i]
        } else {
            ["极高风险", "高风险", "较高风险", "一般风险"][i]
        }
    }

    /// The 险情 level of a geological hazard from the people threatened (≥1000 特大型,
    /// 500–1000 大型, 100–500 中型, <100 小型).
    pub fn geological_from_people(people: u32) -> Self {
        match people {
            1000.. => Self::I,
            500..=999 => Self::II,
            100..=499 => Self::III,
            _ => Self::IV,
        }
    }
}

crate::labelled_enum! {
    HazardStatus {
        Monitoring => ("monitoring", "监测中", "Monitoring"),
        Treating => ("treating", "治理中", "Under treatment"),
        Resolved => ("resolved", "已销号", "Resolved"),
    }
}

/// A hazard or risk point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hazard {
    pub id: EntityId,
    pub name: String,
    pub kind: HazardKind,
    pub level: RiskLevel,
    pub threatened_people: u32,
    pub threatened_households: u32,
    /// The 群测群防员 who watches it.
    pub monitor: String,
    pub monitor_phone: String,
    pub status: HazardStatus,
    pub town_code: String,
    pub location: LonLat,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geological_level_thresholds() {
        let cases = [
            (0, RiskLevel::IV),
            (99, RiskLevel::IV),
            (100, RiskLevel::III),
            (499, RiskLevel::III),
            (500, RiskLevel::II),
            (999, RiskLevel::II),
            (1000, RiskLevel::I),
            (50_000, RiskLevel::I),
        ];
        for (people, level) in cases {
            assert_eq!(RiskLevel::geological_from_people(people), level, "{people}");
        }
    }

    #[test]
    fn each_family_speaks_its_own_scale() {
        assert_eq!(RiskLevel::II.label_zh(HazardKind::Landslide), "大型");
        assert_eq!(RiskLevel::I.label_zh(HazardKind::MajorHazardSource), "一级");
        assert_eq!(RiskLevel::IV.label_zh(HazardKind::Waterlogging), "一般风险");
    }

    #[test]
    fn labels_parse_back_from_chinese_and_codes() {
        assert_eq!(HazardKind::from_code("泥石流"), Ok(HazardKind::DebrisFlow));
        assert_eq!(
            HazardKind::from_code(" debris_flow "),
            Ok(HazardKind::DebrisFlow)
        );
        assert!(HazardKind::from_code("火山").is_err());
        for k in HazardKind::ALL {
            assert_eq!(HazardKind::from_code(k.code()), Ok(*k));
        }
    }
}
