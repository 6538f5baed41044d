//! The incident's life as a duty officer records it — 接报 → 先期处置 → 响应启动 → 处置中 →
//! 响应终止 → 善后 → 结束 —, which steps are allowed, the fold of recorded changes into the
//! phase it is in, and level changes (升级/降级) with their reasons.

use super::{at_text, blank};
use crate::command::incident::{IncidentLevel, IncidentStatus};
use crate::Error;
use serde::{Deserialize, Serialize};

crate::labelled_enum! {
    /// Where an incident is in its life, in the order it is lived.
    IncidentPhase {
        Reported => ("reported", "接报", "Reported"),
        Initial => ("initial", "先期处置", "Initial response"),
        ResponseStarted => ("response_started", "响应启动", "Response started"),
        Handling => ("handling", "处置中", "Handling"),
        ResponseEnded => ("response_ended", "响应终止", "Response ended"),
        Aftermath => ("aftermath", "善后", "Aftermath"),
        Closed => ("closed", "结束", "Closed"),
    }
}

impl IncidentPhase {
    /// The older two-state status the rest of yitu keeps: only 结束 is closed; 善后 is still
    /// work on the desk.
    pub fn status(self) -> IncidentStatus {
        match self {
            IncidentPhase::Closed => IncidentStatus::Closed,
            _ => IncidentStatus::Responding,
        }
    }

    /// The phases a change may lead to from here, for the window's choice.
    pub fn next(self) -> Vec<IncidentPhase> {
        STEPS
            .iter()
            .filter(|(from, _, _)| *from == self)
            .map(|(_, to, _)| *to)
            .collect()
    }
}

/// How a step relates to the ordinary course: a skip or a restart must say why, so that the
/// record shows why an incident closed without a response or why a response started again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    Forward,
    Skip,
    Restart,
}

use IncidentPhase::*;

/// The steps a duty officer takes. Beside the one-by-one forward course:
/// - 接报 → 响应启动: a call grave enough that the district starts a response at once (the
///   town's 先期处置 runs meanwhile, on the scene, not on this desk); an ordinary step.
/// - 接报 → 结束: a false or already-resolved report (误报、不实、已自行消除); reason required.
/// - 先期处置 → 善后 / 结束: most events never start a 预案's response — the town and the
///   departments deal with them in the first response. They never reach 响应终止, which
///   ends a response that was started, so that step is not offered from 先期处置.
/// - 响应启动 → 响应终止: a response started on a threat that then passed.
/// - 响应终止 → 结束: nothing to restore.
/// - 响应终止 / 善后 → 响应启动: the situation flares again (a forest fire rekindles, a second
///   slide); the response is started again on the same incident, with the reason.
///
/// Nothing leaves 结束: a new development after closing is a new incident.
pub const STEPS: &[(IncidentPhase, IncidentPhase, StepKind)] = &[
    (Reported, Initial, StepKind::Forward),
    (Reported, ResponseStarted, StepKind::Forward),
    (Reported, Closed, StepKind::Skip),
    (Initial, ResponseStarted, StepKind::Forward),
    (Initial, Aftermath, StepKind::Skip),
    (Initial, Closed, StepKind::Skip),
    (ResponseStarted, Handling, StepKind::Forward),
    (ResponseStarted, ResponseEnded, StepKind::Skip),
    (Handling, ResponseEnded, StepKind::Forward),
    (ResponseEnded, Aftermath, StepKind::Forward),
    (ResponseEnded, Closed, StepKind::Skip),
    (ResponseEnded, ResponseStarted, StepKind::Restart),
    (Aftermath, Closed, StepKind::Forward),
    (Aftermath, ResponseStarted, StepKind::Restart),
];

/// Whether `from → to` is a step, and of which kind; otherwise why not, in the officer's words.
pub fn step(from: IncidentPhase, to: IncidentPhase) -> Result<StepKind, Error> {
    if let Some((_, _, kind)) = STEPS.iter().find(|(f, t, _)| *f == from && *t == to) {
        return Ok(*kind);
    }
    let why = if from == to {
        "已处于该阶段"
    } else if from == Closed {
        "事件已结束，不能再变更；如有新情况，请另行接报"
    } else if to == Reported {
        "接报是事件的起点，不能回到接报"
    } else if to == ResponseEnded && matches!(from, Reported | Initial) {
        "尚未启动响应，无需终止；未启动响应的事件可直接转为善后或结束"
    } else if to < from {
        "不能回退；响应终止后情况反复的，可重新启动响应"
    } else {
        "不能越过中间阶段"
    };
    Err(Error::PhaseStep {
        from: from.zh(),
        to: to.zh(),
        why,
    })
}

/// One recorded change of phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseChange {
    pub from: IncidentPhase,
    pub to: IncidentPhase,
    pub at_ms: i64,
    pub by: String,
    /// Required for a skip and a restart (see [`STEPS`]); may be empty for an ordinary step.
    #[serde(default)]
    pub reason: String,
}

impl PhaseChange {
    /// Refuses a change that is not a step or lacks who made it or, for a skip or a restart,
    /// why.
    pub fn validate(&self) -> Result<StepKind, Error> {
        let kind = step(self.from, self.to)?;
        if blank(&self.by) {
            return Err(Error::Required {
                field: "变更人",
                field_en: "who made the change",
            });
        }
        if kind != StepKind::Forward && blank(&self.reason) {
            return Err(Error::Required {
                field: "变更理由",
                field_en: "why the ordinary course was left",
            });
        }
        Ok(kind)
    }
}

/// Where the record leaves an incident: its phase and since when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseState {
    pub phase: IncidentPhase,
    pub since_ms: i64,
}

/// Folds an incident's recorded changes, in the order recorded, from 接报 at `opened_at_ms`.
/// Refuses the first change that is not a step, that does not start from the phase the
/// previous ones left, or that is dated before the previous one (or before the 接报).
pub fn fold_phases(opened_at_ms: i64, changes: &[PhaseChange]) -> Result<PhaseState, Error> {
    let mut state = PhaseState {
        phase: Reported,
        since_ms: opened_at_ms,
    };
    for (i, c) in changes.iter().enumerate() {
        if c.from != state.phase {
            return Err(Error::ChangeFrom {
                what: "阶段",
                number: i + 1,
                expected: state.phase.zh(),
                given: c.from.zh(),
            });
        }
        c.validate()?;
        check_order(state.since_ms, c.at_ms)?;
        state = PhaseState {
            phase: c.to,
            since_ms: c.at_ms,
        };
    }
    Ok(state)
}

fn check_order(previous_ms: i64, at_ms: i64) -> Result<(), Error> {
    if at_ms < previous_ms {
        return Err(Error::TimeOrder {
            earlier: "上一次变更",
            earlier_en: "the previous change",
            earlier_at: at_text(previous_ms),
            later: "本次变更",
            later_en: "this change",
            later_at: at_text(at_ms),
        });
    }
    Ok(())
}

crate::labelled_enum! {
    /// Which way a level change goes.
    LevelDirection {
        Raise => ("raise", "升级", "Raised"),
        Lower => ("lower", "降级", "Lowered"),
    }
}

/// 升级 or 降级 of an incident's level, always with the reason (a toll that grew, a criterion
/// now reached, a situation brought under control).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelChange {
    pub from: IncidentLevel,
    pub to: IncidentLevel,
    pub at_ms: i64,
    pub by: String,
    pub reason: String,
}

/// How grave a level is, 4 for 特别重大 down to 1 for 一般. `IncidentLevel`'s own order runs
/// from Ⅰ to Ⅳ (the gravest first), which reads backwards in comparisons.
pub fn gravity(level: IncidentLevel) -> u8 {
    match level {
        IncidentLevel::ExtremelySerious => 4,
        IncidentLevel::Serious => 3,
        IncidentLevel::Major => 2,
        IncidentLevel::General => 1,
    }
}

impl LevelChange {
    pub fn direction(&self) -> Option<LevelDirection> {
        match gravity(self.to).cmp(&gravity(self.from)) {
            std::cmp::Ordering::Greater => Some(LevelDirection::Raise),
            std::cmp::Ordering::Less => Some(LevelDirection::Lower),
            std::cmp::Ordering::Equal => None,
        }
    }

    pub fn validate(&self) -> Result<LevelDirection, Error> {
        let direction = self
            .direction()
            .ok_or(Error::LevelUnchanged(self.to.zh()))?;
        if blank(&self.by) {
            return Err(Error::Required {
                field: "变更人",
                field_en: "who changed the level",
            });
        }
        if blank(&self.reason) {
            return Err(Error::Required {
                field: "升级或降级的理由",
                field_en: "why the level changed",
            });
        }
        Ok(direction)
    }
}

/// Folds level changes, in the order recorded, from the level the incident was opened at.
pub fn fold_levels(
    opened: IncidentLevel,
    opened_at_ms: i64,
    changes: &[LevelChange],
) -> Result<IncidentLevel, Error> {
    let (mut level, mut since) = (opened, opened_at_ms);
    for (i, c) in changes.iter().enumerate() {
        if c.from != level {
            return Err(Error::ChangeFrom {
                what: "级别",
                number: i + 1,
                expected: level.zh(),
                given: c.from.zh(),
            });
        }
        c.validate()?;
        check_order(since, c.at_ms)?;
        (level, since) = (c.to, c.at_ms);
    }
    Ok(level)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(from: IncidentPhase, to: IncidentPhase, at_ms: i64, reason: &str) -> PhaseChange {
        PhaseChange {
            from,
            to,
            at_ms,
            by: "王敏".into(),
            reason: reason.into(),
        }
    }

    #[test]
    fn steps_a_duty_officer_takes_and_those_refused() {
        let cases: [(&str, IncidentPhase, IncidentPhase, Result<StepKind, &str>); 16] = [
            (
                "the ordinary course 1",
                Reported,
                Initial,
                Ok(StepKind::Forward),
            ),
            (
                "the ordinary course 2",
                Initial,
                ResponseStarted,
                Ok(StepKind::Forward),
            ),
            (
                "the ordinary course 3",
                ResponseStarted,
                Handling,
                Ok(StepKind::Forward),
            ),
            (
                "the ordinary course 4",
                Handling,
                ResponseEnded,
                Ok(StepKind::Forward),
            ),
            (
                "the ordinary course 5",
                ResponseEnded,
                Aftermath,
                Ok(StepKind::Forward),
            ),
            (
                "the ordinary course 6",
                Aftermath,
                Closed,
                Ok(StepKind::Forward),
            ),
            (
                "a grave call starts the response",
                Reported,
                ResponseStarted,
                Ok(StepKind::Forward),
            ),
            ("a false report", Reported, Closed, Ok(StepKind::Skip)),
            ("a small event closes", Initial, Closed, Ok(StepKind::Skip)),
            (
                "a rekindled fire",
                ResponseEnded,
                ResponseStarted,
                Ok(StepKind::Restart),
            ),
            ("nothing leaves 结束", Closed, Aftermath, Err("事件已结束")),
            (
                "nor restarts from 结束",
                Closed,
                ResponseStarted,
                Err("事件已结束"),
            ),
            (
                "no response to end",
                Initial,
                ResponseEnded,
                Err("尚未启动响应"),
            ),
            (
                "no going back to 接报",
                Initial,
                Reported,
                Err("不能回到接报"),
            ),
            (
                "no going back in a response",
                Handling,
                ResponseStarted,
                Err("不能回退"),
            ),
            (
                "no jumping ahead",
                Reported,
                Handling,
                Err("不能越过中间阶段"),
            ),
        ];
        for (name, from, to, want) in cases {
            match (step(from, to), want) {
                (Ok(k), Ok(w)) => assert_eq!(k, w, "{name}"),
                (Err(e), Err(w)) => assert!(e.to_string().contains(w), "{name}: {e}"),
                (got, want) => panic!("{name}: got {got:?}, wanted {want:?}"),
            }
        }
        assert!(step(Handling, Handling)
            .unwrap_err()
            .to_string()
            .contains("已处于该阶段"));
    }

    #[test]
    fn every_phase_but_closed_leads_on_and_closed_is_reached_from_each() {
        for p in IncidentPhase::ALL {
            assert_eq!(p.next().is_empty(), *p == Closed, "{p}");
        }
        // From every phase, following the table reaches 结束.
        for start in IncidentPhase::ALL {
            let mut seen = vec![*start];
            let mut i = 0;
            while i < seen.len() {
                for n in seen[i].next() {
                    if !seen.contains(&n) {
                        seen.push(n);
                    }
                }
                i += 1;
            }
            assert!(seen.contains(&Closed), "{start}");
        }
    }

    #[test]
    fn the_fold_gives_the_phase_and_refuses_an_illegal_step() {
        let life = [
            change(Reported, Initial, 10, ""),
            change(Initial, ResponseStarted, 20, ""),
            change(ResponseStarted, Handling, 30, ""),
            change(Handling, ResponseEnded, 40, ""),
            change(ResponseEnded, Aftermath, 50, ""),
            change(Aftermath, Closed, 60, ""),
        ];
        type Case<'a> = (
            &'a str,
            &'a [PhaseChange],
            Result<(IncidentPhase, i64), &'a str>,
        );
        let cases: [Case; 8] = [
            ("nothing recorded", &[], Ok((Reported, 0))),
            ("in the response", &life[..3], Ok((Handling, 30))),
            ("the whole life", &life, Ok((Closed, 60))),
            (
                "a small event closed with a reason",
                &[
                    change(Reported, Initial, 5, ""),
                    change(Initial, Closed, 9, "镇街已处置完毕"),
                ],
                Ok((Closed, 9)),
            ),
            (
                "a skip without a reason",
                &[
                    change(Reported, Initial, 5, ""),
                    change(Initial, Closed, 9, " "),
                ],
                Err("未填写变更理由"),
            ),
            (
                "a change out of turn",
                &[
                    change(Reported, Initial, 5, ""),
                    change(ResponseStarted, Handling, 9, ""),
                ],
                Err("第2条阶段变更记为从“响应启动”开始，但此时应为“先期处置”"),
            ),
            (
                "dated before the previous",
                &[
                    change(Reported, Initial, 5, ""),
                    change(Initial, ResponseStarted, 4, ""),
                ],
                Err("早于上一次变更"),
            ),
            (
                "a step after 结束",
                &[
                    life.as_slice(),
                    &[change(Closed, ResponseStarted, 70, "复燃")],
                ]
                .concat(),
                Err("事件已结束"),
            ),
        ];
        for (name, changes, want) in cases {
            match (fold_phases(0, changes), want) {
                (Ok(s), Ok((p, at))) => assert_eq!((s.phase, s.since_ms), (p, at), "{name}"),
                (Err(e), Err(w)) => assert!(e.to_string().contains(w), "{name}: {e}"),
                (got, want) => panic!("{name}: got {got:?}, wanted {want:?}"),
            }
        }
    }

    #[test]
    fn only_closed_maps_to_the_closed_status() {
        for p in IncidentPhase::ALL {
            let want = if *p == Closed {
                IncidentStatus::Closed
            } else {
                IncidentStatus::Responding
            };
            assert_eq!(p.status(), want, "{p}");
        }
    }

    #[test]
    fn level_changes_need_a_reason_and_fold_in_turn() {
        use IncidentLevel::*;
        let lc = |from, to, at_ms, reason: &str| LevelChange {
            from,
            to,
            at_ms,
            by: "李局".into(),
            reason: reason.into(),
        };
        assert_eq!(
            lc(General, Major, 1, "死亡3人").validate(),
            Ok(LevelDirection::Raise)
        );
        assert_eq!(
            lc(Serious, Major, 1, "险情得到控制").validate(),
            Ok(LevelDirection::Lower)
        );
        assert!(lc(Major, Major, 1, "x")
            .validate()
            .unwrap_err()
            .to_string()
            .contains("级别未变"));
        assert!(lc(General, Major, 1, "")
            .validate()
            .unwrap_err()
            .to_string()
            .contains("理由"));

        let record = [
            lc(General, Major, 10, "死亡3人"),
            lc(Major, Serious, 20, "死亡升至11人"),
        ];
        assert_eq!(fold_levels(General, 0, &record), Ok(Serious));
        assert_eq!(fold_levels(General, 0, &[]), Ok(General));
        let out_of_turn = [
            lc(General, Major, 10, "死亡3人"),
            lc(General, Serious, 20, "x"),
        ];
        assert!(fold_levels(General, 0, &out_of_turn)
            .unwrap_err()
            .to_string()
            .contains("第2条级别变更"));
        assert!(fold_levels(General, 30, &record[..1])
            .unwrap_err()
            .to_string()
            .contains("早于"));
    }

    #[test]
    fn phases_are_stored_by_code() {
        let c = change(Initial, Closed, 9, "镇街已处置完毕");
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains(r#""from":"initial","to":"closed""#), "{json}");
        assert_eq!(serde_json::from_str::<PhaseChange>(&json).unwrap(), c);
        assert_eq!(IncidentPhase::from_code("善后").unwrap(), Aftermath);
    }
}
