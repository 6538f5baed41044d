//! The fold against hand-worked cases (each pair of concurrent acts, in both orders) and, as a
//! property, desks that act and sync at random: whatever order the union arrives in, duplicated
//! or not, every desk folds the same decision, and what it holds balances.

use super::*;
use crate::command::chain::{Unsealed, GENESIS};
use crate::command::decision::{
    Content, ExceptionKind, MaterialDraw, Order, Recipient, Relocation, Signoff,
};
use crate::command::desk::order_number;
use crate::stock::material::MaterialCode;
use crate::stock::MoveKind;
use ed25519_dalek::SigningKey;
use proptest::prelude::*;

fn draft() -> Decision {
    Decision {
        id: EntityId::v7(1, [1; 10]),
        incident_id: EntityId::v7(2, [2; 10]),
        number: String::new(),
        state: DecisionState::Draft,
        content: Content {
            situation: "钱塘镇龙凤村山洪，12户被困".into(),
            orders: vec![
                Order {
                    recipient: Recipient {
                        id: None,
                        name: "钱塘镇人民政府".into(),
                    },
                    action: "组织转移".into(),
                    place: String::new(),
                    geometry: None,
                    deadline: String::new(),
                },
                Order {
                    recipient: Recipient {
                        id: None,
                        name: "区综合应急救援队".into(),
                    },
                    action: "搜救".into(),
                    place: String::new(),
                    geometry: None,
                    deadline: String::new(),
                },
            ],
            materials: vec![MaterialDraw {
                depot_id: EntityId::v7(3, [3; 10]),
                code: MaterialCode::parse("1010101").expect("a code"),
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

/// A desk as the tests drive it: its person, role, key, clock and the acts it holds.
#[derive(Clone)]
struct Desk {
    name: &'static str,
    role: Role,
    code: String,
    key: SigningKey,
    clock: Option<Stamp>,
    held: Vec<Stamped>,
    issued: u32,
}

impl Desk {
    fn new(n: u8, name: &'static str, role: Role) -> Self {
        let key = SigningKey::from_bytes(&[n; 32]);
        let code = crate::command::desk::code_of(&crate::command::canonical::hex(
            key.verifying_key().as_bytes(),
        ));
        Desk {
            name,
            role,
            code,
            key,
            clock: None,
            held: vec![],
            issued: 0,
        }
    }

    fn now(&self) -> Folded {
        fold(&draft(), &self.held)
    }

    /// Takes `act` as this desk would: planned on its own fold, signed where it signs.
    fn act(&mut self, act: Act, wall_ms: u64) -> Result<Transition, Refusal> {
        let now = self.now();
        let mut d = now.decision.clone();
        if act.action().issues() {
            d.number = order_number(2026, &self.code, self.issued + 1);
        }
        let acked: Vec<Receipt> = now.acknowledged.iter().map(Acknowledged::receipt).collect();
        let by = By {
            name: self.name,
            role: self.role,
            at_ms: wall_ms as i64,
        };
        let p = act::plan(&d, &act, by, &acked)?;
        if act.action().issues() {
            self.issued += 1;
        }
        let id = EntityId::v7(
            wall_ms,
            [
                self.key.as_bytes()[0],
                self.held.len() as u8,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
            ],
        );
        let event = p.events.first().map(|e| {
            Unsealed {
                incident_id: d.incident_id,
                seq: 1,
                kind: e.kind,
                decision_id: d.id,
                payload: e.payload.clone(),
                author: self.name,
                at_ms: wall_ms as i64,
                prev_hash: GENESIS,
            }
            .seal(&self.key)
        });
        let held: Vec<Transition> = self.held.iter().map(|s| s.t.clone()).collect();
        let t = Transition {
            id,
            decision: d.id,
            incident: d.incident_id,
            act,
            by: self.name.into(),
            role: self.role,
            desk: self.code.clone(),
            at_ms: wall_ms as i64,
            after: heads(&held),
            event,
        };
        let stamp = Stamp::tick(self.clock.as_ref(), wall_ms, &self.code);
        self.clock = Some(stamp.clone());
        self.held.push(Stamped {
            stamp,
            t: t.clone(),
        });
        Ok(t)
    }

    fn hear(&mut self, other: &Desk) {
        for s in &other.held {
            if !self.held.iter().any(|h| h.t.id == s.t.id) {
                self.clock = Some(Stamp::observe(self.clock.take(), &s.stamp));
                self.held.push(s.clone());
            }
        }
    }
}

fn desks() -> (Desk, Desk, Desk) {
    (
        Desk::new(1, "李指挥", Role::Commander),
        Desk::new(2, "张技术", Role::TechnicalOfficer),
        Desk::new(3, "赵指挥", Role::Commander),
    )
}

/// Net reserved and net places a fold holds.
fn held(f: &Folded) -> (i64, i64, i64) {
    let mut reserved = 0;
    let mut used = 0;
    for m in &f.moves {
        match m.what.kind {
            MoveKind::Reserve => reserved += m.what.quantity,
            MoveKind::Release => reserved -= m.what.quantity,
            MoveKind::Issue => used += m.what.quantity,
            _ => {}
        }
    }
    let places = f.places.iter().map(|p| p.what.people).sum();
    (reserved, used, places)
}

fn approved() -> (Desk, Desk, Desk) {
    let (mut vehicle, mut tech, mut centre) = desks();
    tech.act(
        Act::Review {
            agree: true,
            advice: "同意，注意上游来水".into(),
        },
        10,
    )
    .expect("review");
    vehicle.hear(&tech);
    vehicle.act(Act::Approve, 20).expect("approve");
    centre.hear(&vehicle);
    tech.hear(&vehicle);
    (vehicle, tech, centre)
}

#[test]
fn a_withdrawal_at_the_centre_stands_against_an_issue_in_the_vehicle_in_either_order() {
    for withdraw_first in [true, false] {
        let (mut vehicle, _, mut centre) = approved();
        let (w_ms, i_ms) = if withdraw_first { (30, 31) } else { (31, 30) };
        centre
            .act(
                Act::Withdraw {
                    reason: "险情变化，另行部署".into(),
                },
                w_ms,
            )
            .expect("withdraw");
        vehicle.act(Act::Issue, i_ms).expect("issue");
        vehicle.hear(&centre);
        centre.hear(&vehicle);
        let (a, b) = (vehicle.now(), centre.now());
        assert_eq!(a, b, "both desks fold alike");
        assert_eq!(a.decision.state, DecisionState::Withdrawn);
        assert_eq!(held(&a), (0, 0, 0), "nothing stays reserved");
        assert_eq!(a.concurrent.len(), 1);
        assert_eq!(a.concurrent[0].rule, Rule::WithdrawalStands);
        let issue = a.lines.iter().find(|l| l.action == Action::Issue).unwrap();
        let expected = if withdraw_first {
            Outcome::Void
        } else {
            Outcome::Applied
        };
        assert_eq!(issue.outcome, expected);
    }
}

#[test]
fn an_objection_stands_against_an_agreement_taken_at_once_in_either_order() {
    for object_first in [true, false] {
        let (mut tech_a, mut tech_b, mut vehicle) = (
            Desk::new(4, "张技术", Role::TechnicalOfficer),
            Desk::new(5, "刘技术", Role::TechnicalOfficer),
            Desk::new(1, "李指挥", Role::Commander),
        );
        let (o_ms, a_ms) = if object_first { (10, 11) } else { (11, 10) };
        tech_a
            .act(
                Act::Review {
                    agree: false,
                    advice: "转移路线经过滑坡体，须改道".into(),
                },
                o_ms,
            )
            .expect("object");
        tech_b
            .act(
                Act::Review {
                    agree: true,
                    advice: "同意".into(),
                },
                a_ms,
            )
            .expect("agree");
        tech_a.hear(&tech_b);
        vehicle.hear(&tech_a);
        let f = vehicle.now();
        assert_eq!(
            f.decision.state,
            DecisionState::Draft,
            "back to be redrafted"
        );
        assert_eq!(f.decision.reviews.len(), 2, "both reviews on the sheet");
        assert_eq!(f.concurrent[0].rule, Rule::ObjectionStands);
        // The commander cannot approve what the objection sent back.
        assert!(vehicle.act(Act::Approve, 40).is_err());
    }
}

#[test]
fn an_acknowledgement_of_a_decision_withdrawn_meanwhile_is_kept_and_marked() {
    for ack_first in [true, false] {
        let (mut vehicle, _, mut centre) = approved();
        vehicle.act(Act::Issue, 30).expect("issue");
        centre.hear(&vehicle);
        let mut town = Desk::new(6, "钱塘镇值班员", Role::Staff);
        town.hear(&vehicle);
        let (a_ms, w_ms) = if ack_first { (40, 41) } else { (41, 40) };
        town.act(
            Act::Acknowledge {
                recipient: "钱塘镇人民政府".into(),
            },
            a_ms,
        )
        .expect("ack");
        centre
            .act(
                Act::Withdraw {
                    reason: "改由新决策部署".into(),
                },
                w_ms,
            )
            .expect("withdraw");
        town.hear(&centre);
        centre.hear(&town);
        let (a, b) = (town.now(), centre.now());
        assert_eq!(a, b);
        assert_eq!(a.decision.state, DecisionState::Withdrawn);
        assert_eq!(a.acknowledged.len(), 1);
        assert!(a.acknowledged[0].unaware_of_withdrawal);
        assert_eq!(held(&a), (0, 0, 0));
        assert_eq!(a.concurrent[0].rule, Rule::WithdrawalStands);
    }
}

#[test]
fn of_two_issues_at_once_the_earlier_stands_and_the_other_number_is_void() {
    let (mut vehicle, _, mut centre) = approved();
    vehicle.act(Act::Issue, 30).expect("issue");
    centre.act(Act::Issue, 31).expect("issue");
    vehicle.hear(&centre);
    let f = vehicle.now();
    assert_eq!(f.decision.state, DecisionState::Issued);
    assert!(
        f.decision.number.contains(&vehicle.code),
        "{}",
        f.decision.number
    );
    assert_eq!(f.concurrent[0].rule, Rule::FirstIssueStands);
    assert_eq!(held(&f), (40, 0, 120), "reserved once, not twice");
}

#[test]
fn a_completion_taken_while_the_centre_withdrew_yields_to_the_withdrawal() {
    for complete_first in [true, false] {
        let (mut vehicle, _, mut centre) = approved();
        vehicle.act(Act::Issue, 30).expect("issue");
        centre.hear(&vehicle);
        let (c_ms, w_ms) = if complete_first { (40, 41) } else { (41, 40) };
        vehicle.act(Act::Complete, c_ms).expect("complete");
        centre
            .act(
                Act::Withdraw {
                    reason: "撤销".into(),
                },
                w_ms,
            )
            .expect("withdraw");
        vehicle.hear(&centre);
        let f = vehicle.now();
        assert_eq!(f.decision.state, DecisionState::Withdrawn);
        assert_eq!(held(&f), (0, 0, 0), "released, and nothing issued out");
    }
}

#[test]
fn acts_that_follow_each_other_are_not_concurrent() {
    let (mut vehicle, mut tech, _) = approved();
    vehicle.act(Act::Issue, 30).expect("issue");
    tech.hear(&vehicle);
    tech.act(
        Act::Acknowledge {
            recipient: "区综合应急救援队".into(),
        },
        40,
    )
    .expect("ack");
    vehicle.hear(&tech);
    vehicle.act(Act::Complete, 50).expect("complete");
    let f = vehicle.now();
    assert!(f.concurrent.is_empty(), "{:?}", f.concurrent);
    assert_eq!(f.decision.state, DecisionState::Completed);
    assert_eq!(
        held(&f),
        (0, 40, 0),
        "released then issued out of the depot"
    );
    assert!(f.lines.iter().all(|l| l.outcome == Outcome::Applied));
}

/// 紧急处置 in the vehicle while the centre signs the reviewed draft the ordinary way: one
/// signature stands (the earlier), one reservation, and the urgent mark goes with whichever
/// stands; the technical officer's review afterwards is kept on the issued decision.
#[test]
fn an_urgent_signature_and_an_ordinary_one_at_once_reserve_once_in_either_order() {
    for urgent_first in [true, false] {
        let (mut vehicle, mut tech, mut centre) = desks();
        tech.act(
            Act::Review {
                agree: true,
                advice: "同意".into(),
            },
            10,
        )
        .expect("review");
        centre.hear(&tech);
        let (u_ms, s_ms) = if urgent_first { (30, 31) } else { (31, 30) };
        vehicle
            .act(
                Act::Urgent {
                    reason: "山体持续垮塌，立即撤离".into(),
                },
                u_ms,
            )
            .expect("urgent");
        centre.act(Act::Sign, s_ms).expect("sign");
        vehicle.hear(&centre);
        vehicle.hear(&tech);
        centre.hear(&vehicle);
        let (a, b) = (vehicle.now(), centre.now());
        assert_eq!(a, b, "both desks fold alike");
        assert_eq!(a.decision.state, DecisionState::Issued);
        assert_eq!(held(&a), (40, 0, 120), "reserved once");
        assert_eq!(a.concurrent[0].rule, Rule::FirstIssueStands);
        let urgent = a.decision.exception.as_ref().map(|e| e.kind);
        if urgent_first {
            assert_eq!(urgent, Some(ExceptionKind::Urgent));
            assert!(a.decision.number.contains(&vehicle.code));
        } else {
            assert_eq!(urgent, None);
            assert!(a.decision.number.contains(&centre.code));
            assert_eq!(
                a.decision.approved.as_ref().map(|s| s.by.as_str()),
                Some("赵指挥")
            );
        }
    }
    // The review after an urgent signature: recorded, still issued, nothing moves twice.
    let (mut vehicle, mut tech, _) = desks();
    vehicle
        .act(
            Act::Urgent {
                reason: "来不及审核".into(),
            },
            30,
        )
        .expect("urgent");
    tech.hear(&vehicle);
    tech.act(
        Act::Review {
            agree: false,
            advice: "撤离路线经过滑坡体，建议改道".into(),
        },
        40,
    )
    .expect("the review afterwards");
    vehicle.hear(&tech);
    let f = vehicle.now();
    assert_eq!(f.decision.state, DecisionState::Issued);
    assert_eq!(f.decision.reviews.len(), 1);
    assert!(f.lines.iter().all(|l| l.outcome == Outcome::Applied));
    assert_eq!(held(&f), (40, 0, 120));
}

/// The commander signs over the objection: the objection and the reason both stay.
#[test]
fn an_overruled_objection_stays_on_the_sheet_with_the_reason() {
    let (mut vehicle, mut tech, _) = desks();
    tech.act(
        Act::Review {
            agree: false,
            advice: "下游堤段未复核".into(),
        },
        10,
    )
    .expect("object");
    vehicle.hear(&tech);
    vehicle
        .act(
            Act::Overrule {
                reason: "险情紧迫，先转移后复核".into(),
            },
            20,
        )
        .expect("overrule");
    let f = vehicle.now();
    assert_eq!(f.decision.state, DecisionState::Issued);
    assert!(!f.decision.reviews[0].agree);
    let e = f.decision.exception.as_ref().expect("marked");
    assert_eq!(e.kind, ExceptionKind::Overrule);
    assert_eq!(e.reason, "险情紧迫，先转移后复核");
    let signed = f.signed.as_deref().expect("signed");
    assert!(signed.contains("下游堤段未复核") && signed.contains("先转移后复核"));
}

/// A team acknowledged, arrived and left: its times are on the fold; a team moving while the
/// centre withdrew the order is kept on record.
#[test]
fn a_team_arrives_and_leaves_and_a_move_after_a_withdrawal_is_kept() {
    let (mut vehicle, _, mut centre) = approved();
    vehicle.act(Act::Issue, 30).expect("issue");
    let team = || "区综合应急救援队".to_string();
    vehicle
        .act(Act::Acknowledge { recipient: team() }, 31)
        .expect("ack");
    vehicle
        .act(Act::Arrive { recipient: team() }, 40)
        .expect("arrive");
    centre.hear(&vehicle);
    centre
        .act(
            Act::Withdraw {
                reason: "另行部署".into(),
            },
            50,
        )
        .expect("withdraw");
    vehicle
        .act(Act::Leave { recipient: team() }, 51)
        .expect("leave");
    vehicle.hear(&centre);
    centre.hear(&vehicle);
    let (a, b) = (vehicle.now(), centre.now());
    assert_eq!(a, b);
    assert_eq!(a.decision.state, DecisionState::Withdrawn);
    let r = a
        .acknowledged
        .iter()
        .find(|r| r.recipient == team())
        .unwrap();
    assert_eq!((r.arrived_at_ms, r.left_at_ms), (Some(40), Some(51)));
    let leave = a.lines.iter().find(|l| l.action == Action::Leave).unwrap();
    assert_eq!(leave.outcome, Outcome::Recorded);
}

/// Found by the property test: two desks record the same receipt while a third completes the
/// order; the receipt that meets the completed order is on the sheet, but counted once.
#[test]
fn one_receipt_recorded_twice_while_the_order_was_completed_counts_once() {
    let (mut vehicle, mut tech, mut centre) = desks();
    centre
        .act(
            Act::Urgent {
                reason: "险情突变".into(),
            },
            10,
        )
        .expect("urgent");
    vehicle.hear(&centre);
    tech.hear(&vehicle);
    let town = || "钱塘镇人民政府".to_string();
    vehicle
        .act(Act::Acknowledge { recipient: town() }, 20)
        .expect("ack in the vehicle");
    centre.act(Act::Complete, 30).expect("complete");
    tech.act(Act::Acknowledge { recipient: town() }, 40)
        .expect("the same ack on the technical officer's desk");
    let mut all = vehicle.clone();
    all.hear(&tech);
    all.hear(&centre);
    let f = all.now();
    assert_eq!(f.decision.state, DecisionState::Completed);
    let receipts = f
        .acknowledged
        .iter()
        .filter(|a| a.recipient == town())
        .count();
    assert_eq!(receipts, 1, "{:?}", f.acknowledged);
    assert_eq!(f.lines.len(), 4, "every act is on the sheet");
}

/// One step of a random run: a desk acts, or one desk hears another.
#[derive(Debug, Clone)]
enum Step {
    Act(usize, u8),
    Hear(usize, usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0usize..4, 0u8..13).prop_map(|(d, a)| Step::Act(d, a)),
        (0usize..4, 0usize..4).prop_map(|(a, b)| Step::Hear(a, b)),
    ]
}

fn pick(a: u8) -> Act {
    match a {
        0 => Act::Review {
            agree: true,
            advice: "同意".into(),
        },
        1 => Act::Review {
            agree: false,
            advice: "须补充安全措施".into(),
        },
        2 => Act::Approve,
        3 => Act::Issue,
        4 => Act::Acknowledge {
            recipient: "钱塘镇人民政府".into(),
        },
        5 => Act::Acknowledge {
            recipient: "区综合应急救援队".into(),
        },
        6 => Act::Complete,
        7 => Act::Sign,
        8 => Act::Urgent {
            reason: "险情突变".into(),
        },
        9 => Act::Overrule {
            reason: "总指挥决定".into(),
        },
        10 => Act::Arrive {
            recipient: "区综合应急救援队".into(),
        },
        11 => Act::Leave {
            recipient: "区综合应急救援队".into(),
        },
        _ => Act::Withdraw {
            reason: "撤销".into(),
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Four desks (two commanders, a technical officer, a town's staff) act on what each has
    /// heard and hear each other at random; then every desk hears everything, in a shuffled
    /// order with repeats. Every desk folds the same, and what the decision holds is what its
    /// end says it holds.
    #[test]
    fn any_order_and_any_repeat_of_the_same_acts_fold_alike(
        steps in prop::collection::vec(step(), 1..40),
        shuffle in prop::collection::vec(any::<prop::sample::Index>(), 0..80),
    ) {
        let mut ds = vec![
            Desk::new(1, "李指挥", Role::Commander),
            Desk::new(2, "张技术", Role::TechnicalOfficer),
            Desk::new(3, "赵指挥", Role::Commander),
            Desk::new(6, "钱塘镇值班员", Role::Staff),
        ];
        for (i, s) in steps.iter().enumerate() {
            match *s {
                Step::Act(d, a) => { let _ = ds[d].act(pick(a), 100 + i as u64); }
                Step::Hear(a, b) if a != b => { let other = ds[b].clone(); ds[a].hear(&other); }
                Step::Hear(..) => {}
            }
        }
        let mut all: Vec<Stamped> = Vec::new();
        for d in &ds {
            for s in &d.held {
                if !all.iter().any(|x| x.t.id == s.t.id) {
                    all.push(s.clone());
                }
            }
        }
        let reference = fold(&draft(), &all);
        let mut mixed = all.clone();
        for (i, ix) in shuffle.iter().enumerate() {
            if mixed.is_empty() { break; }
            let j = ix.index(mixed.len());
            if i % 3 == 0 {
                let again = mixed[j].clone();
                mixed.push(again);
            } else {
                let last = mixed.len() - 1;
                mixed.swap(j, last);
            }
        }
        prop_assert_eq!(&fold(&draft(), &mixed), &reference);

        let (reserved, used, places) = held(&reference);
        let state = reference.decision.state;
        match state {
            DecisionState::Issued => prop_assert_eq!((reserved, used, places), (40, 0, 120)),
            DecisionState::Completed => prop_assert_eq!((reserved, used, places), (0, 40, 0)),
            _ => prop_assert_eq!((reserved, used, places), (0, 0, 0)),
        }
        // Every act is on the sheet once.
        prop_assert_eq!(reference.lines.len(), all.len());
        // No recipient is counted twice.
        let mut names: Vec<&str> = reference.acknowledged.iter().map(|a| a.recipient.as_str()).collect();
        names.sort();
        let n = names.len();
        names.dedup();
        prop_assert_eq!(names.len(), n);
        // A team leaves only after it was acknowledged, and the times say so.
        for a in &reference.acknowledged {
            if let Some(left) = a.left_at_ms {
                prop_assert!(left >= a.at_ms, "{:?}", a);
            }
        }
    }
}
