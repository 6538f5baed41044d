//! What one act on a decision does, worked out as a value before anything is written: the
//! document after it, the state it moves to, the stock moved and shelter places promised or
//! given back, the chain events to sign, the history row. The store only carries a [`Plan`] out
//! (and refuses it whole when a depot cannot promise what it asks), so the window, the command
//! line and the store agree on every effect, and the rules are tested here without a database.

use crate::command::canonical;
use crate::command::chain::EventKind;
use crate::command::decision::{Decision, Exception, ExceptionKind, Review, Signoff};
use crate::command::role::Role;
use crate::command::workflow::{self, Action, DecisionState, Refusal};
use crate::stock::material::MaterialCode;
use crate::stock::MoveKind;
use crate::EntityId;
use serde::{Deserialize, Serialize};

/// What a user does to an existing decision (sent tagged: `{"act": "review", …}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "act", rename_all = "snake_case")]
pub enum Act {
    Review {
        agree: bool,
        advice: String,
    },
    Approve,
    Issue,
    /// 签发: approve and issue in one act, by the signer of the order's class.
    Sign,
    /// The commander signs over a technical objection; the objection stays on the sheet.
    Overrule {
        reason: String,
    },
    /// 紧急处置: the commander or the technical officer signs at once, before any review; the
    /// review is recorded afterwards and the sheet says so.
    Urgent {
        reason: String,
    },
    Acknowledge {
        recipient: String,
    },
    /// A recipient (a team) reached the scene (到场).
    Arrive {
        recipient: String,
    },
    /// A recipient left the scene or was stood down (撤离): its team is free again.
    Leave {
        recipient: String,
    },
    Complete,
    Withdraw {
        reason: String,
    },
    /// Replaced by a later decision issued with `supersedes` naming this one: taken by the
    /// desk that issues the revision, in the same write, never asked for on its own.
    Supersede {
        by: EntityId,
        number: String,
    },
}

impl Act {
    pub fn action(&self) -> Action {
        match self {
            Act::Review { agree: true, .. } => Action::ReviewAgree,
            Act::Review { agree: false, .. } => Action::ReviewObject,
            Act::Approve => Action::Approve,
            Act::Issue => Action::Issue,
            Act::Sign => Action::Sign,
            Act::Overrule { .. } => Action::Overrule,
            Act::Urgent { .. } => Action::Urgent,
            Act::Acknowledge { .. } => Action::Acknowledge,
            Act::Arrive { .. } => Action::Arrive,
            Act::Leave { .. } => Action::Leave,
            Act::Complete => Action::Complete,
            Act::Withdraw { .. } => Action::Withdraw,
            Act::Supersede { .. } => Action::Supersede,
        }
    }
}

/// What a recipient has had recorded so far: 签收, then 到场, then 撤离.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub recipient: String,
    pub arrived: bool,
    pub left: bool,
}

impl Receipt {
    /// Acknowledged only.
    pub fn acknowledged(recipient: impl Into<String>) -> Self {
        Self {
            recipient: recipient.into(),
            arrived: false,
            left: false,
        }
    }
}

/// One ledger movement an act causes, with the names a refusal needs.
#[derive(Debug, Clone, PartialEq)]
pub struct StockMove {
    pub depot_id: EntityId,
    pub depot_name: String,
    pub code: MaterialCode,
    pub name: String,
    pub unit: String,
    pub kind: MoveKind,
    pub quantity: i64,
    pub note: String,
}

/// Shelter places promised (positive) or given back (negative).
#[derive(Debug, Clone, PartialEq)]
pub struct Places {
    pub shelter_id: EntityId,
    pub people: i64,
}

/// A chain event to sign for the decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Signed {
    pub kind: EventKind,
    pub payload: String,
}

/// The history row an act leaves.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub action: Action,
    pub from: DecisionState,
    pub to: DecisionState,
    pub note: String,
}

/// Everything one act does to one decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The decision after the act.
    pub decision: Decision,
    /// The stored body when it changes: the working document before issue, the signed bytes at
    /// issue; from then on it is frozen (`None`).
    pub body: Option<String>,
    pub step: Step,
    pub moves: Vec<StockMove>,
    pub places: Vec<Places>,
    pub events: Vec<Signed>,
    /// A recipient whose acknowledgement is recorded.
    pub acknowledged: Option<String>,
    /// A recipient whose arrival (`true`) or leaving (`false`) is recorded.
    pub movement: Option<(String, bool)>,
}

impl Plan {
    /// Whether carrying it out signs anything (so the device key is needed).
    pub fn signs(&self) -> bool {
        !self.events.is_empty()
    }

    fn new(decision: &Decision, action: Action, to: DecisionState) -> Self {
        Self {
            decision: decision.clone(),
            body: None,
            step: Step {
                action,
                from: decision.state,
                to,
                note: String::new(),
            },
            moves: vec![],
            places: vec![],
            events: vec![],
            acknowledged: None,
            movement: None,
        }
    }

    fn sign(&mut self, kind: EventKind, payload: String) {
        self.events.push(Signed { kind, payload });
    }

    /// What an issued decision reserved, given back: materials released (and, when it is
    /// completed, issued from the depot: they left it), shelter places freed (occupancy is then
    /// the shelter registry's to record).
    fn give_back(&mut self, used: bool) {
        let d = &self.decision;
        for m in &d.content.materials {
            let moved = |kind, note: String| StockMove {
                depot_id: m.depot_id,
                depot_name: m.depot_name.clone(),
                code: m.code.clone(),
                name: m.name.clone(),
                unit: m.unit.clone(),
                kind,
                quantity: m.quantity,
                note,
            };
            self.moves
                .push(moved(MoveKind::Release, format!("{} 释放预留", d.number)));
            if used {
                self.moves
                    .push(moved(MoveKind::Issue, format!("{} 办结出库", d.number)));
            }
        }
        for r in &d.content.relocations {
            self.places.push(Places {
                shelter_id: r.shelter_id,
                people: -i64::from(r.people),
            });
        }
    }
}

/// Whether `recipient` is one of the decision's recipients, or why not.
fn is_recipient(d: &Decision, recipient: &str) -> Result<(), Refusal> {
    let recipients = d.recipients();
    if recipients.iter().any(|r| r == recipient) {
        return Ok(());
    }
    Err(refuse(
        format!(
            "{recipient} 不是本决策的接收单位（接收单位：{}）",
            recipients.join("、")
        ),
        format!("{recipient:?} is not a recipient of this decision"),
    ))
}

fn refuse(zh: impl Into<String>, en: impl Into<String>) -> Refusal {
    Refusal {
        zh: zh.into(),
        en: en.into(),
    }
}

/// Who acts, in which role, and when.
#[derive(Debug, Clone, Copy)]
pub struct By<'a> {
    pub name: &'a str,
    pub role: Role,
    pub at_ms: i64,
}

/// The plan of `act` on `d` by `by`, or why not. `receipts` lists who has acknowledged
/// already (and arrived, and left). Issuing a revision plans only the revision: the desk that issues it plans
/// [`Act::Supersede`] of the one it replaces beside it (each decision's own fold then carries
/// its own act).
pub fn plan(d: &Decision, act: &Act, by: By<'_>, receipts: &[Receipt]) -> Result<Plan, Refusal> {
    let from = d.state;
    let next = workflow::transition_of(d, act.action(), by.role)?;
    let mut p = Plan::new(d, act.action(), next);
    let signoff = Signoff {
        by: by.name.to_owned(),
        at_ms: by.at_ms,
        desk: String::new(),
    };
    let number = d.number.clone();
    match act {
        Act::Review { agree, advice } => {
            let advice = advice.trim();
            if advice.is_empty() {
                return Err(refuse(
                    "审核须填写技术意见",
                    "a review must record technical advice",
                ));
            }
            p.decision.reviews.push(Review {
                by: by.name.to_owned(),
                at_ms: by.at_ms,
                agree: *agree,
                advice: advice.to_owned(),
            });
            p.step.note = advice.to_owned();
        }
        Act::Approve => p.decision.approved = Some(signoff),
        Act::Supersede {
            number: by_number, ..
        } => {
            p.give_back(false);
            p.step.note = by_number.clone();
            p.sign(
                EventKind::Supersede,
                canonical::of_value(&serde_json::json!({
                    "number": number, "superseded_by": by_number,
                })),
            );
        }
        Act::Issue | Act::Sign | Act::Overrule { .. } | Act::Urgent { .. } => {
            let exception = match act {
                Act::Overrule { reason } => Some((ExceptionKind::Overrule, reason)),
                Act::Urgent { reason } => Some((ExceptionKind::Urgent, reason)),
                _ => None,
            };
            if let Some((kind, reason)) = exception {
                let reason = reason.trim();
                if reason.is_empty() {
                    return Err(refuse(
                        format!("{}须说明理由", kind.zh()),
                        format!("{} needs a reason", kind.en().to_lowercase()),
                    ));
                }
                p.decision.exception = Some(Exception {
                    kind,
                    by: by.name.to_owned(),
                    at_ms: by.at_ms,
                    reason: reason.to_owned(),
                });
                p.step.note = reason.to_owned();
            }
            if !matches!(act, Act::Issue) && p.decision.approved.is_none() {
                // 签发 is the approval too: the sheet's signature line names the signer.
                p.decision.approved = Some(signoff.clone());
            }
            if number.trim().is_empty() {
                return Err(refuse(
                    "签发须先编号",
                    "a decision is numbered when it is issued",
                ));
            }
            p.decision.issued = Some(signoff);
            p.decision.state = next;
            for m in &d.content.materials {
                p.moves.push(StockMove {
                    depot_id: m.depot_id,
                    depot_name: m.depot_name.clone(),
                    code: m.code.clone(),
                    name: m.name.clone(),
                    unit: m.unit.clone(),
                    kind: MoveKind::Reserve,
                    quantity: m.quantity,
                    note: format!("{number} 预留"),
                });
            }
            for r in &d.content.relocations {
                p.places.push(Places {
                    shelter_id: r.shelter_id,
                    people: i64::from(r.people),
                });
            }
            let payload = String::from_utf8(canonical::to_bytes(&p.decision))
                .map_err(|_| refuse("编码错误", "not UTF-8"))?;
            p.body = Some(payload.clone());
            p.sign(EventKind::Issue, payload);
        }
        Act::Arrive { recipient } | Act::Leave { recipient } => {
            let recipient = recipient.trim();
            let arrive = matches!(act, Act::Arrive { .. });
            is_recipient(d, recipient)?;
            let Some(r) = receipts.iter().find(|r| r.recipient == recipient) else {
                return Err(refuse(
                    format!("{recipient} 尚未签收：请先登记签收"),
                    format!("{recipient:?} has not acknowledged: record that first"),
                ));
            };
            if r.left {
                return Err(refuse(
                    format!("{recipient} 已撤离"),
                    format!("{recipient:?} has already left"),
                ));
            }
            if arrive && r.arrived {
                return Err(refuse(
                    format!("{recipient} 已到场"),
                    format!("{recipient:?} has already arrived"),
                ));
            }
            let kind = if arrive {
                EventKind::Arrive
            } else {
                EventKind::Leave
            };
            p.movement = Some((recipient.to_owned(), arrive));
            p.step.note = recipient.to_owned();
            p.sign(
                kind,
                canonical::of_value(&serde_json::json!({
                    "number": number, "recipient": recipient, "recorded_by": by.name,
                })),
            );
        }
        Act::Acknowledge { recipient } => {
            let recipient = recipient.trim();
            is_recipient(d, recipient)?;
            if receipts.iter().any(|a| a.recipient == recipient) {
                return Err(refuse(
                    format!("{recipient} 已签收"),
                    format!("{recipient:?} has already acknowledged"),
                ));
            }
            p.acknowledged = Some(recipient.to_owned());
            p.step.note = recipient.to_owned();
            p.sign(
                EventKind::Acknowledge,
                canonical::of_value(&serde_json::json!({
                    "number": number, "recipient": recipient, "recorded_by": by.name,
                })),
            );
        }
        Act::Complete => {
            p.give_back(true);
            p.sign(
                EventKind::Complete,
                canonical::of_value(&serde_json::json!({"number": number})),
            );
        }
        Act::Withdraw { reason } => {
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(refuse("撤销须说明理由", "a withdrawal must give a reason"));
            }
            p.step.note = reason.to_owned();
            if from == DecisionState::Issued {
                p.give_back(false);
                p.sign(
                    EventKind::Withdraw,
                    canonical::of_value(&serde_json::json!({"number": number, "reason": reason})),
                );
            }
        }
    }
    p.decision.state = next;
    if !from.is_signed() && next != DecisionState::Issued {
        // Before issue the document still changes (reviews, approval); after, it is frozen.
        p.body = Some(
            serde_json::to_string(&p.decision).map_err(|e| refuse("编码错误", e.to_string()))?,
        );
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::decision::{Content, MaterialDraw, Order, Recipient, Relocation};

    fn decision(state: DecisionState) -> Decision {
        let depot = EntityId::v7(2, [2; 10]);
        Decision {
            id: EntityId::v7(1, [1; 10]),
            incident_id: EntityId::v7(3, [3; 10]),
            number: "合川现指〔2026〕1号".into(),
            state,
            content: Content {
                situation: "钱塘镇山洪".into(),
                orders: vec![Order {
                    recipient: Recipient {
                        id: None,
                        name: "钱塘镇人民政府".into(),
                    },
                    action: "组织转移".into(),
                    place: String::new(),
                    geometry: None,
                    deadline: String::new(),
                }],
                materials: vec![MaterialDraw {
                    depot_id: depot,
                    code: MaterialCode::parse("1010101").expect("a material code"),
                    quantity: 40,
                    name: "帐篷".into(),
                    depot_name: "区级储备库".into(),
                    unit: "顶".into(),
                }],
                relocations: vec![Relocation {
                    shelter_id: EntityId::v7(4, [4; 10]),
                    people: 120,
                    shelter_name: "钱塘中学".into(),
                    from: String::new(),
                }],
                ..Content::default()
            },
            drafted: Signoff {
                by: "王参谋".into(),
                at_ms: 1,
                desk: String::new(),
            },
            reviews: vec![],
            approved: None,
            issued: None,
            exception: None,
        }
    }

    fn by(role: Role) -> By<'static> {
        By {
            name: "李指挥",
            role,
            at_ms: 1_000,
        }
    }

    #[test]
    fn issue_reserves_every_material_and_place_and_signs_the_frozen_document() {
        let d = decision(DecisionState::Approved);
        let p = plan(&d, &Act::Issue, by(Role::Commander), &[]).expect("issued");
        assert_eq!(p.step.to, DecisionState::Issued);
        assert_eq!(p.moves.len(), 1);
        assert_eq!(
            (p.moves[0].kind, p.moves[0].quantity),
            (MoveKind::Reserve, 40)
        );
        assert_eq!(p.moves[0].note, "合川现指〔2026〕1号 预留");
        assert_eq!(
            p.places,
            vec![Places {
                shelter_id: EntityId::v7(4, [4; 10]),
                people: 120
            }]
        );
        assert_eq!(p.events.len(), 1);
        assert_eq!(p.events[0].kind, EventKind::Issue);
        // The signed bytes are the stored body, and they say who issued it.
        assert_eq!(p.body.as_deref(), Some(p.events[0].payload.as_str()));
        assert!(p.events[0]
            .payload
            .contains("\"issued\":{\"at_ms\":1000,\"by\":\"李指挥\"}"));
    }

    #[test]
    fn completion_releases_then_issues_and_frees_the_places() {
        let d = decision(DecisionState::Issued);
        let p = plan(&d, &Act::Complete, by(Role::Commander), &[]).expect("completed");
        let kinds: Vec<(MoveKind, i64)> = p.moves.iter().map(|m| (m.kind, m.quantity)).collect();
        assert_eq!(kinds, vec![(MoveKind::Release, 40), (MoveKind::Issue, 40)]);
        assert_eq!(p.places[0].people, -120);
        assert_eq!(p.body, None, "a signed decision's body never changes");
    }

    #[test]
    fn withdrawing_a_draft_signs_nothing_and_gives_nothing_back() {
        let d = decision(DecisionState::Draft);
        let act = Act::Withdraw {
            reason: "重复起草".into(),
        };
        let p = plan(&d, &act, by(Role::Staff), &[]).expect("withdrawn");
        assert!(!p.signs());
        assert!(p.moves.is_empty() && p.places.is_empty());
        assert_eq!(p.step.note, "重复起草");
    }

    #[test]
    fn refusals_name_the_reason() {
        let issued = decision(DecisionState::Issued);
        let acked = [Receipt::acknowledged("钱塘镇人民政府")];
        let cases: &[(&str, Act, Role, &[Receipt], &str)] = &[
            (
                "empty advice",
                Act::Review {
                    agree: true,
                    advice: " ".into(),
                },
                Role::TechnicalOfficer,
                &[],
                "审核须填写技术意见",
            ),
            ("staff may not issue", Act::Issue, Role::Staff, &[], "无权"),
            (
                "not a recipient",
                Act::Acknowledge {
                    recipient: "太和镇".into(),
                },
                Role::Staff,
                &[],
                "不是本决策的接收单位",
            ),
            (
                "twice",
                Act::Acknowledge {
                    recipient: "钱塘镇人民政府".into(),
                },
                Role::Staff,
                &acked,
                "已签收",
            ),
            (
                "no reason",
                Act::Withdraw { reason: "".into() },
                Role::Commander,
                &[],
                "撤销须说明理由",
            ),
        ];
        for (name, act, role, acked, zh) in cases {
            let d = if matches!(act, Act::Review { .. }) {
                decision(DecisionState::Draft)
            } else {
                issued.clone()
            };
            let err = plan(&d, act, by(*role), acked).expect_err(name);
            assert!(err.zh.contains(zh), "{name}: {}", err.zh);
        }
    }

    #[test]
    fn being_superseded_gives_back_and_signs_the_revision_number() {
        let old = decision(DecisionState::Issued);
        let act = Act::Supersede {
            by: EntityId::v7(9, [9; 10]),
            number: "合川现指〔2026〕2号".into(),
        };
        let q = plan(&old, &act, by(Role::Commander), &[]).expect("superseded");
        assert_eq!(q.step.to, DecisionState::Superseded);
        assert_eq!(q.step.note, "合川现指〔2026〕2号");
        assert_eq!(q.moves[0].kind, MoveKind::Release);
        assert_eq!(q.places[0].people, -120);
        assert_eq!(q.events[0].kind, EventKind::Supersede);
        // Only an issued decision is superseded.
        let draft = decision(DecisionState::Draft);
        assert!(plan(&draft, &act, by(Role::Commander), &[]).is_err());
    }

    #[test]
    fn an_unnumbered_decision_is_not_issued() {
        let mut d = decision(DecisionState::Approved);
        d.number.clear();
        let err = plan(&d, &Act::Issue, by(Role::Commander), &[]).unwrap_err();
        assert!(err.zh.contains("编号"), "{}", err.zh);
    }

    #[test]
    fn signing_is_approval_and_issue_in_one_act_by_the_signer_of_the_class() {
        let mut d = decision(DecisionState::Reviewed);
        let p = plan(&d, &Act::Sign, by(Role::Commander), &[]).expect("signed");
        assert_eq!(p.step.to, DecisionState::Issued);
        assert_eq!(
            p.decision.approved.as_ref().map(|s| s.by.as_str()),
            Some("李指挥")
        );
        assert_eq!(p.decision.issued.as_ref().map(|s| s.at_ms), Some(1_000));
        assert_eq!(p.events[0].kind, EventKind::Issue);
        assert_eq!(p.moves[0].kind, MoveKind::Reserve);
        // 行政类 by the commander, not the technical officer; 技术类 the other way round.
        let err = plan(&d, &Act::Sign, by(Role::TechnicalOfficer), &[]).unwrap_err();
        assert_eq!(err.zh, "行政类指令由指挥长签发");
        d.content.class = crate::command::decision::OrderClass::Technical;
        let err = plan(&d, &Act::Sign, by(Role::Commander), &[]).unwrap_err();
        assert_eq!(err.zh, "技术类指令由技术指挥官签发");
        assert!(plan(&d, &Act::Sign, by(Role::TechnicalOfficer), &[]).is_ok());
        // Not before the review.
        let draft = decision(DecisionState::Draft);
        let err = plan(&draft, &Act::Sign, by(Role::Commander), &[]).unwrap_err();
        assert!(err.zh.contains("须先经技术指挥官审核同意"), "{}", err.zh);
    }

    #[test]
    fn the_commander_overrules_only_an_objection_and_says_why() {
        let mut d = decision(DecisionState::Draft);
        let act = Act::Overrule {
            reason: "险情紧迫，先行转移".into(),
        };
        let err = plan(&d, &act, by(Role::Commander), &[]).unwrap_err();
        assert!(err.zh.contains("没有待否决的技术异议"), "{}", err.zh);
        d.reviews.push(Review {
            by: "赵工".into(),
            at_ms: 500,
            agree: false,
            advice: "下游堤段未复核".into(),
        });
        let err = plan(
            &d,
            &Act::Overrule { reason: " ".into() },
            by(Role::Commander),
            &[],
        )
        .unwrap_err();
        assert_eq!(err.zh, "否决技术异议须说明理由");
        let err = plan(&d, &act, by(Role::TechnicalOfficer), &[]).unwrap_err();
        assert!(err.zh.contains("无权"), "{}", err.zh);
        let p = plan(&d, &act, by(Role::Commander), &[]).expect("overruled");
        assert_eq!(p.step.to, DecisionState::Issued);
        // The objection stays on the signed sheet beside the reason it was overruled.
        assert!(!p.decision.reviews[0].agree);
        let e = p.decision.exception.as_ref().expect("marked");
        assert_eq!(
            (e.kind, e.reason.as_str()),
            (ExceptionKind::Overrule, "险情紧迫，先行转移")
        );
        assert!(p.events[0].payload.contains("下游堤段未复核"));
        assert!(p.events[0].payload.contains("险情紧迫，先行转移"));
    }

    #[test]
    fn an_urgent_signature_comes_first_and_its_review_after() {
        let d = decision(DecisionState::Draft);
        let act = Act::Urgent {
            reason: "山体持续垮塌".into(),
        };
        let err = plan(&d, &act, by(Role::Staff), &[]).unwrap_err();
        assert!(err.zh.contains("无权"), "{}", err.zh);
        let p = plan(&d, &act, by(Role::TechnicalOfficer), &[]).expect("urgent");
        assert_eq!(p.step.to, DecisionState::Issued);
        assert_eq!(
            p.decision.exception.as_ref().map(|e| e.kind),
            Some(ExceptionKind::Urgent)
        );
        // The review afterwards is recorded on the issued decision, which stays issued, and
        // its signed body does not change.
        let review = Act::Review {
            agree: true,
            advice: "同意，补充监测".into(),
        };
        let q = plan(&p.decision, &review, by(Role::TechnicalOfficer), &[]).expect("reviewed");
        assert_eq!(q.step.to, DecisionState::Issued);
        assert_eq!(q.decision.reviews.len(), 1);
        assert_eq!(q.body, None);
        // An ordinary issued decision takes no review.
        let ordinary = decision(DecisionState::Issued);
        assert!(plan(&ordinary, &review, by(Role::TechnicalOfficer), &[]).is_err());
    }

    #[test]
    fn a_team_arrives_after_its_receipt_and_leaves_once() {
        let d = decision(DecisionState::Issued);
        let who = || "钱塘镇人民政府".to_string();
        let arrive = Act::Arrive { recipient: who() };
        let leave = Act::Leave { recipient: who() };
        let err = plan(&d, &arrive, by(Role::Staff), &[]).unwrap_err();
        assert!(err.zh.contains("尚未签收"), "{}", err.zh);
        let acked = [Receipt::acknowledged(who())];
        let p = plan(&d, &arrive, by(Role::Staff), &acked).expect("arrived");
        assert_eq!(p.movement, Some((who(), true)));
        assert_eq!(p.events[0].kind, EventKind::Arrive);
        let arrived = [Receipt {
            arrived: true,
            ..Receipt::acknowledged(who())
        }];
        assert!(plan(&d, &arrive, by(Role::Staff), &arrived)
            .unwrap_err()
            .zh
            .contains("已到场"));
        let p = plan(&d, &leave, by(Role::Staff), &arrived).expect("left");
        assert_eq!(p.movement, Some((who(), false)));
        let gone = [Receipt {
            left: true,
            ..arrived[0].clone()
        }];
        assert!(plan(&d, &leave, by(Role::Staff), &gone)
            .unwrap_err()
            .zh
            .contains("已撤离"));
    }
}
