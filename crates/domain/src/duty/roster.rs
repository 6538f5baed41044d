//! 值班: duty shifts (带班领导, 值班员, the hours, the handover record) and who is on duty at
//! a time.

use super::{at_text, blank};
use crate::{EntityId, Error};
use serde::{Deserialize, Serialize};

/// One duty shift: 领导带班、值班员值守 for the hours from `start_ms` (inclusive) to `end_ms`
/// (exclusive), with what was handed over at its end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyShift {
    pub id: EntityId,
    /// 带班领导: the leader answerable for the shift, always named (领导带班 is the rule).
    pub leader: String,
    /// 值班员: those at the desk; at least one.
    pub officers: Vec<String>,
    pub start_ms: i64,
    pub end_ms: i64,
    /// 交接班记录: what the outgoing shift hands over (matters still open, calls awaited).
    #[serde(default)]
    pub handover_notes: String,
}

impl DutyShift {
    /// Refuses a shift that cannot be worked: no leader, no officer, a blank name, or an end
    /// not after its start.
    pub fn validate(&self) -> Result<(), Error> {
        if blank(&self.leader) {
            return Err(Error::Required {
                field: "带班领导",
                field_en: "the leader on duty",
            });
        }
        if self.officers.is_empty() || self.officers.iter().any(|n| blank(n)) {
            return Err(Error::Required {
                field: "值班员姓名",
                field_en: "the name of each duty officer",
            });
        }
        if self.end_ms <= self.start_ms {
            return Err(Error::TimeOrder {
                earlier: "值班开始时间",
                earlier_en: "the shift's start",
                earlier_at: at_text(self.start_ms),
                later: "值班结束时间",
                later_en: "the shift's end",
                later_at: at_text(self.end_ms),
            });
        }
        Ok(())
    }

    pub fn covers(&self, at_ms: i64) -> bool {
        self.start_ms <= at_ms && at_ms < self.end_ms
    }
}

/// The shift on duty at `at_ms`. Shifts overlap at handover (the incoming shift arrives before
/// the outgoing one leaves); then the latest-started is on duty, because from the moment it
/// arrives the incoming shift takes the calls and the outgoing one only finishes its notes.
/// Of two shifts started at the same moment, the one listed last (the later entry) wins.
pub fn on_duty(shifts: &[DutyShift], at_ms: i64) -> Option<&DutyShift> {
    shifts
        .iter()
        .filter(|s| s.covers(at_ms))
        .max_by_key(|s| s.start_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duty::bj;

    fn shift(n: u64, leader: &str, officers: &[&str], start: i64, end: i64) -> DutyShift {
        DutyShift {
            id: EntityId::v7(n, [0; 10]),
            leader: leader.into(),
            officers: officers.iter().map(|s| s.to_string()).collect(),
            start_ms: start,
            end_ms: end,
            handover_notes: String::new(),
        }
    }

    #[test]
    fn a_shift_needs_a_leader_officers_and_hours_in_order() {
        let (a, b) = (bj(2026, 7, 12, 8, 30), bj(2026, 7, 13, 8, 30));
        let cases: [(&str, DutyShift, Option<&str>); 6] = [
            (
                "a day shift",
                shift(1, "李局", &["王敏", "张强"], a, b),
                None,
            ),
            (
                "no leader",
                shift(1, " ", &["王敏"], a, b),
                Some("带班领导"),
            ),
            ("no officers", shift(1, "李局", &[], a, b), Some("值班员")),
            (
                "a blank name",
                shift(1, "李局", &["王敏", ""], a, b),
                Some("值班员"),
            ),
            (
                "ends when it starts",
                shift(1, "李局", &["王敏"], a, a),
                Some("早于"),
            ),
            (
                "ends before it starts",
                shift(1, "李局", &["王敏"], b, a),
                Some("2026-07-12 08:30:00"),
            ),
        ];
        for (name, s, want) in cases {
            match (s.validate(), want) {
                (Ok(()), None) => {}
                (Err(e), Some(w)) => assert!(e.to_string().contains(w), "{name}: {e}"),
                (got, want) => panic!("{name}: got {got:?}, wanted {want:?}"),
            }
        }
    }

    #[test]
    fn the_latest_started_shift_is_on_duty_through_a_handover() {
        // Day shift 08:30–次日09:00, next shift 08:30 the next day: 30 minutes of overlap.
        let day = shift(
            1,
            "李局",
            &["王敏"],
            bj(2026, 7, 12, 8, 30),
            bj(2026, 7, 13, 9, 0),
        );
        let next = shift(
            2,
            "陈局",
            &["刘洋"],
            bj(2026, 7, 13, 8, 30),
            bj(2026, 7, 14, 9, 0),
        );
        let shifts = [day, next];
        let cases = [
            ("before any shift", bj(2026, 7, 12, 8, 0), None),
            ("at the first start", bj(2026, 7, 12, 8, 30), Some("李局")),
            ("at night", bj(2026, 7, 13, 2, 0), Some("李局")),
            ("in the overlap", bj(2026, 7, 13, 8, 45), Some("陈局")),
            ("at the outgoing end", bj(2026, 7, 13, 9, 0), Some("陈局")),
            ("after every shift", bj(2026, 7, 14, 9, 0), None),
        ];
        for (name, at, want) in cases {
            assert_eq!(
                on_duty(&shifts, at).map(|s| s.leader.as_str()),
                want,
                "{name}"
            );
        }
        // The order the shifts are listed in does not matter when their starts differ.
        let reversed = [shifts[1].clone(), shifts[0].clone()];
        assert_eq!(
            on_duty(&reversed, bj(2026, 7, 13, 8, 45)).map(|s| s.leader.as_str()),
            Some("陈局")
        );
    }
}
