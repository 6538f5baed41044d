//! The toll as the disaster and accident statistics count it (《自然灾害情况统计调查制度》's
//! 快报 items and 493号令's 重伤): people, houses in 户 and 间, crops in 公顷, direct loss in
//! 万元; which items changed between two reports; and the older four-number `Toll`.

use crate::command::incident::Toll;
use crate::Error;
use serde::{Deserialize, Serialize};

/// Every item defaults to zero so that a record written before an item existed still reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DisasterToll {
    /// 死亡 (人).
    pub dead: u32,
    /// 失踪 (人).
    pub missing: u32,
    /// 受伤 (人), serious injuries included.
    pub injured: u32,
    /// 重伤 (人), 急性工业中毒 included (493号令 第三条): the production-accident criterion.
    pub seriously_injured: u32,
    /// 被困 (人).
    pub trapped: u32,
    /// 紧急转移安置 (人次).
    pub relocated: u32,
    /// 受灾人口 (人次).
    pub affected: u32,
    /// 倒塌房屋 (户, 间).
    pub collapsed_households: u32,
    pub collapsed_rooms: u32,
    /// 严重损坏房屋 (户, 间).
    pub severely_damaged_households: u32,
    pub severely_damaged_rooms: u32,
    /// 一般损坏房屋 (户, 间).
    pub slightly_damaged_households: u32,
    pub slightly_damaged_rooms: u32,
    /// 农作物受灾面积 (公顷): any loss of yield.
    pub crops_affected_ha: f64,
    /// 农作物成灾面积 (公顷): a loss of three tenths or more; part of 受灾.
    pub crops_damaged_ha: f64,
    /// 农作物绝收面积 (公顷): a loss of eight tenths or more; part of 成灾.
    pub crops_lost_ha: f64,
    /// 直接经济损失 (万元).
    pub direct_loss_wan: f64,
}

crate::labelled_enum! {
    /// One item of a [`DisasterToll`], in the order the 快报表 lists them: what a 续报 names
    /// when it carries only what changed.
    TollField {
        Dead => ("dead", "死亡", "Dead"),
        Missing => ("missing", "失踪", "Missing"),
        Injured => ("injured", "受伤", "Injured"),
        SeriouslyInjured => ("seriously_injured", "重伤", "Seriously injured"),
        Trapped => ("trapped", "被困", "Trapped"),
        Relocated => ("relocated", "紧急转移安置", "Relocated in emergency"),
        Affected => ("affected", "受灾人口", "People affected"),
        CollapsedHouseholds => ("collapsed_households", "倒塌房屋（户）", "Houses collapsed (households)"),
        CollapsedRooms => ("collapsed_rooms", "倒塌房屋（间）", "Houses collapsed (rooms)"),
        SeverelyDamagedHouseholds => ("severely_damaged_households", "严重损坏房屋（户）", "Houses severely damaged (households)"),
        SeverelyDamagedRooms => ("severely_damaged_rooms", "严重损坏房屋（间）", "Houses severely damaged (rooms)"),
        SlightlyDamagedHouseholds => ("slightly_damaged_households", "一般损坏房屋（户）", "Houses slightly damaged (households)"),
        SlightlyDamagedRooms => ("slightly_damaged_rooms", "一般损坏房屋（间）", "Houses slightly damaged (rooms)"),
        CropsAffected => ("crops_affected_ha", "农作物受灾面积", "Crops affected"),
        CropsDamaged => ("crops_damaged_ha", "农作物成灾面积", "Crops damaged"),
        CropsLost => ("crops_lost_ha", "农作物绝收面积", "Crops lost"),
        DirectLoss => ("direct_loss_wan", "直接经济损失", "Direct economic loss"),
    }
}

impl TollField {
    /// The unit the statistics count the item in.
    pub fn unit(self) -> &'static str {
        use TollField::*;
        match self {
            Dead | Missing | Injured | SeriouslyInjured | Trapped => "人",
            Relocated | Affected => "人次",
            CollapsedHouseholds | SeverelyDamagedHouseholds | SlightlyDamagedHouseholds => "户",
            CollapsedRooms | SeverelyDamagedRooms | SlightlyDamagedRooms => "间",
            CropsAffected | CropsDamaged | CropsLost => "公顷",
            DirectLoss => "万元",
        }
    }
}

impl DisasterToll {
    /// One item's value (counts widened to f64, exactly: every u32 is a whole f64).
    pub fn value(&self, field: TollField) -> f64 {
        use TollField::*;
        match field {
            Dead => self.dead.into(),
            Missing => self.missing.into(),
            Injured => self.injured.into(),
            SeriouslyInjured => self.seriously_injured.into(),
            Trapped => self.trapped.into(),
            Relocated => self.relocated.into(),
            Affected => self.affected.into(),
            CollapsedHouseholds => self.collapsed_households.into(),
            CollapsedRooms => self.collapsed_rooms.into(),
            SeverelyDamagedHouseholds => self.severely_damaged_households.into(),
            SeverelyDamagedRooms => self.severely_damaged_rooms.into(),
            SlightlyDamagedHouseholds => self.slightly_damaged_households.into(),
            SlightlyDamagedRooms => self.slightly_damaged_rooms.into(),
            CropsAffected => self.crops_affected_ha,
            CropsDamaged => self.crops_damaged_ha,
            CropsLost => self.crops_lost_ha,
            DirectLoss => self.direct_loss_wan,
        }
    }

    /// The items whose value differs from `before`, in the 快报表's order: what a 续报 that
    /// carries only what changed lists.
    pub fn changed(&self, before: &Self) -> Vec<TollField> {
        TollField::ALL
            .iter()
            .copied()
            .filter(|f| self.value(*f) != before.value(*f))
            .collect()
    }

    /// 死亡失踪: the two counted together, as the 灾情 grade and the statistics count them.
    pub fn dead_and_missing(&self) -> u32 {
        self.dead.saturating_add(self.missing)
    }

    /// 倒塌 + 严重损坏 + 一般损坏, in 户: the statistics' 倒损房屋.
    pub fn damaged_households(&self) -> u32 {
        self.collapsed_households
            .saturating_add(self.severely_damaged_households)
            .saturating_add(self.slightly_damaged_households)
    }

    /// The same, in 间.
    pub fn damaged_rooms(&self) -> u32 {
        self.collapsed_rooms
            .saturating_add(self.severely_damaged_rooms)
            .saturating_add(self.slightly_damaged_rooms)
    }

    /// Adds another incident's toll, item by item (a year's statistics).
    pub fn add(&mut self, other: &Self) {
        macro_rules! sum {
            ($($count:ident),*; $($area:ident),*) => {
                $(self.$count = self.$count.saturating_add(other.$count);)*
                $(self.$area += other.$area;)*
            };
        }
        sum!(dead, missing, injured, seriously_injured, trapped, relocated, affected,
            collapsed_households, collapsed_rooms, severely_damaged_households,
            severely_damaged_rooms, slightly_damaged_households, slightly_damaged_rooms;
            crops_affected_ha, crops_damaged_ha, crops_lost_ha, direct_loss_wan);
    }

    /// Refuses areas and losses that are not non-negative numbers, and parts larger than
    /// their whole (重伤 within 受伤, 绝收 within 成灾 within 受灾).
    pub fn validate(&self) -> Result<(), Error> {
        use TollField::*;
        for f in [CropsAffected, CropsDamaged, CropsLost, DirectLoss] {
            let v = self.value(f);
            if !v.is_finite() || v < 0.0 {
                return Err(Error::Quantity {
                    field: f.zh(),
                    value: v,
                    expected: "非负数",
                });
            }
        }
        for (part, whole) in [
            (SeriouslyInjured, Injured),
            (CropsLost, CropsDamaged),
            (CropsDamaged, CropsAffected),
        ] {
            if self.value(part) > self.value(whole) {
                return Err(Error::TollPart {
                    part: part.zh(),
                    part_value: self.value(part),
                    whole: whole.zh(),
                    whole_value: self.value(whole),
                });
            }
        }
        Ok(())
    }

    /// The older four numbers, for code that still shows `Toll` (受灾人口 is its `affected`).
    pub fn summary(&self) -> Toll {
        Toll {
            dead: self.dead,
            injured: self.injured,
            missing: self.missing,
            affected: self.affected,
        }
    }
}

/// An incident's older toll read into the statistics' items: its `affected` is 受灾人口.
impl From<Toll> for DisasterToll {
    fn from(t: Toll) -> Self {
        DisasterToll {
            dead: t.dead,
            missing: t.missing,
            injured: t.injured,
            affected: t.affected,
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_continued_report_names_only_what_changed() {
        let before = DisasterToll {
            dead: 1,
            missing: 2,
            relocated: 120,
            direct_loss_wan: 85.5,
            ..Default::default()
        };
        type Edit = fn(&mut DisasterToll);
        let cases: [(&str, Edit, &[TollField]); 5] = [
            ("nothing new", |_| {}, &[]),
            (
                "one found dead",
                |t| {
                    t.dead = 2;
                    t.missing = 1;
                },
                &[TollField::Dead, TollField::Missing],
            ),
            (
                "houses counted",
                |t| {
                    t.collapsed_households = 3;
                    t.collapsed_rooms = 7;
                },
                &[TollField::CollapsedHouseholds, TollField::CollapsedRooms],
            ),
            (
                "a loss revised",
                |t| t.direct_loss_wan = 85.6,
                &[TollField::DirectLoss],
            ),
            (
                "crops lost",
                |t| {
                    t.crops_affected_ha = 12.0;
                    t.crops_damaged_ha = 5.0;
                    t.crops_lost_ha = 1.5
                },
                &[
                    TollField::CropsAffected,
                    TollField::CropsDamaged,
                    TollField::CropsLost,
                ],
            ),
        ];
        for (name, edit, want) in cases {
            let mut now = before;
            edit(&mut now);
            assert_eq!(now.changed(&before), want, "{name}");
        }
    }

    #[test]
    fn every_field_has_a_value_a_unit_and_a_distinct_code() {
        let mut t = DisasterToll::default();
        // A toll whose every item differs from zero: each must show as changed.
        t.add(&DisasterToll {
            dead: 1,
            missing: 1,
            injured: 1,
            seriously_injured: 1,
            trapped: 1,
            relocated: 1,
            affected: 1,
            collapsed_households: 1,
            collapsed_rooms: 1,
            severely_damaged_households: 1,
            severely_damaged_rooms: 1,
            slightly_damaged_households: 1,
            slightly_damaged_rooms: 1,
            crops_affected_ha: 1.0,
            crops_damaged_ha: 1.0,
            crops_lost_ha: 1.0,
            direct_loss_wan: 1.0,
        });
        assert_eq!(t.changed(&DisasterToll::default()), TollField::ALL);
        let json = serde_json::to_value(t).unwrap();
        for f in TollField::ALL {
            assert!(!f.unit().is_empty());
            // The field's code is the stored key, so the two cannot drift apart.
            assert_eq!(json[f.code()].as_f64(), Some(1.0), "{f}");
        }
    }

    #[test]
    fn older_records_read_and_the_old_toll_converts() {
        let t: DisasterToll = serde_json::from_str(r#"{"dead":2,"affected":300}"#).unwrap();
        assert_eq!((t.dead, t.affected, t.crops_lost_ha), (2, 300, 0.0));
        let old = Toll {
            dead: 1,
            injured: 4,
            missing: 2,
            affected: 50,
        };
        let t = DisasterToll::from(old);
        assert_eq!(
            (t.dead, t.injured, t.missing, t.affected, t.trapped),
            (1, 4, 2, 50, 0)
        );
        assert_eq!(t.summary(), old);
        assert_eq!(t.dead_and_missing(), 3);
    }

    #[test]
    fn parts_may_not_exceed_their_whole() {
        type Edit = fn(&mut DisasterToll);
        let cases: [(&str, Edit, Option<&str>); 6] = [
            (
                "parts within wholes",
                |t| {
                    t.injured = 5;
                    t.seriously_injured = 5;
                    t.crops_affected_ha = 3.0;
                    t.crops_damaged_ha = 2.0;
                    t.crops_lost_ha = 2.0
                },
                None,
            ),
            (
                "more seriously injured than injured",
                |t| t.seriously_injured = 1,
                Some("重伤（1）不应多于受伤（0）"),
            ),
            (
                "more lost than damaged",
                |t| {
                    t.crops_affected_ha = 3.0;
                    t.crops_lost_ha = 0.5
                },
                Some("农作物绝收面积"),
            ),
            (
                "more damaged than affected",
                |t| t.crops_damaged_ha = 0.5,
                Some("农作物成灾面积（0.5）不应多于农作物受灾面积（0）"),
            ),
            (
                "a negative loss",
                |t| t.direct_loss_wan = -1.0,
                Some("直接经济损失为 -1，应为非负数"),
            ),
            (
                "not a number",
                |t| t.crops_affected_ha = f64::NAN,
                Some("农作物受灾面积为 NaN"),
            ),
        ];
        for (name, edit, want) in cases {
            let mut t = DisasterToll::default();
            edit(&mut t);
            match (t.validate(), want) {
                (Ok(()), None) => {}
                (Err(e), Some(w)) => assert!(e.to_string().contains(w), "{name}: {e}"),
                (got, want) => panic!("{name}: got {got:?}, wanted {want:?}"),
            }
        }
    }

    #[test]
    fn houses_add_up_across_the_three_grades() {
        let t = DisasterToll {
            collapsed_households: 2,
            collapsed_rooms: 5,
            severely_damaged_households: 3,
            severely_damaged_rooms: 8,
            slightly_damaged_households: 10,
            slightly_damaged_rooms: 21,
            ..Default::default()
        };
        // 2 + 3 + 10 = 15 户; 5 + 8 + 21 = 34 间.
        assert_eq!((t.damaged_households(), t.damaged_rooms()), (15, 34));
    }
}
