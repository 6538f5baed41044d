//! A decision's life as every desk and the server compute it: the fold of its transitions in
//! stamp order, with the rules for acts two desks took at once (ARCHITECTURE.md, "Two desks at
//! once"). The same transitions, in any order, duplicated or delivered again, fold to the same
//! decision, sheet history, acknowledgements and effects (stock and shelter places), so a
//! desk's reservations are a cache of the fold that any desk can rebuild, never a second truth.
//!
//! Two acts are *concurrent* when neither desk had seen the other (`Transition::after`). The
//! rules, decided here and nowhere else:
//! - **撤销优先**: a commander's withdrawal stands against anything taken at once (an issue, a
//!   completion, a supersession): the decision ends withdrawn and what it held is given back.
//! - **异议优先**: an objection stands against an agreement or approval taken at once: the draft
//!   goes back to be redrafted; both reviews stay on the sheet.
//! - **先签发者有效**: of two issues taken at once, the earlier stamp stands; the other number is
//!   void (it stays on the sheet and in the chain, marked so, never reused).
//! - **照录在案**: an acknowledgement or review that arrives for a decision already ended or
//!   signed is kept on the sheet, marked as taken unaware; it changes nothing.
//! - **草稿作废不生效**: a discard of a draft (not a commander's withdrawal) taken at once with
//!   anybody else's act does not apply.

use crate::command::act::{self, Act, By, Places, Receipt, StockMove};
use crate::command::decision::{Decision, Review};
use crate::command::role::Role;
use crate::command::transition::Transition;
use crate::command::workflow::{Action, DecisionState, Refusal};
use crate::sync::Stamp;
use crate::EntityId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A transition with the stamp of the change that carried it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stamped {
    pub stamp: Stamp,
    pub t: Transition,
}

crate::labelled_enum! {
    /// What a transition did in the fold.
    Outcome {
        Applied => ("applied", "已生效", "Applied"),
        Recorded => ("recorded", "照录在案", "Kept on record"),
        Void => ("void", "未生效", "Not applied"),
    }
}

crate::labelled_enum! {
    /// The rule that decided between two acts taken at once on different desks.
    Rule {
        WithdrawalStands => ("withdrawal_stands", "撤销优先", "The withdrawal stands"),
        ObjectionStands => ("objection_stands", "异议优先", "The objection stands"),
        FirstIssueStands => ("first_issue_stands", "先签发者有效", "The first issue stands"),
        KeptOnRecord => ("kept_on_record", "照录在案", "Kept on record, changes nothing"),
        DiscardYields => ("discard_yields", "草稿作废不生效", "A discard yields to others' work"),
        EarlierStands => ("earlier_stands", "按先后", "The earlier act stands"),
    }
}

/// One line of a decision's history, in fold order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub transition: EntityId,
    pub action: Action,
    pub by: String,
    pub role: Role,
    pub desk: String,
    pub at_ms: i64,
    pub from: DecisionState,
    pub to: DecisionState,
    pub note: String,
    pub outcome: Outcome,
    /// Why it did not apply (a rule, or the workflow's refusal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Refusal>,
}

/// Two acts taken at once on different desks, and what the rule kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Concurrent {
    pub first: EntityId,
    pub second: EntityId,
    pub rule: Rule,
    /// The act whose effect stands.
    pub kept: EntityId,
}

/// A recipient's acknowledgement as the fold keeps it (and as the window reads it:
/// `yitu_ipc::decision::Ack`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledged {
    pub recipient: String,
    pub at_ms: i64,
    pub recorded_by: String,
    /// The desk it was recorded on.
    #[serde(default)]
    pub desk: String,
    /// Taken while, on another desk, the decision was being withdrawn: the recipient must be
    /// told it no longer stands.
    #[serde(default)]
    pub unaware_of_withdrawal: bool,
    /// When the recipient (a team) reached the scene, as recorded (到场).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrived_at_ms: Option<i64>,
    /// When it left the scene or was stood down (撤离).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_at_ms: Option<i64>,
}

impl Acknowledged {
    fn receipt(&self) -> Receipt {
        Receipt {
            recipient: self.recipient.clone(),
            arrived: self.arrived_at_ms.is_some(),
            left: self.left_at_ms.is_some(),
        }
    }

    /// Records an arrival (`true`) or a leaving at `at_ms`.
    fn moved(&mut self, arrive: bool, at_ms: i64) {
        if arrive {
            self.arrived_at_ms.get_or_insert(at_ms);
        } else {
            self.left_at_ms.get_or_insert(at_ms);
        }
    }
}

/// Something an act causes, under an id every desk derives alike.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect<T> {
    pub id: EntityId,
    pub cause: EntityId,
    pub at_ms: i64,
    pub what: T,
}

/// A decision as its transitions make it.
#[derive(Debug, Clone, PartialEq)]
pub struct Folded {
    pub decision: Decision,
    pub lines: Vec<Line>,
    pub acknowledged: Vec<Acknowledged>,
    pub concurrent: Vec<Concurrent>,
    pub moves: Vec<Effect<StockMove>>,
    pub places: Vec<Effect<Places>>,
    /// The signed bytes of the issue that stands (the stored document from then on).
    pub signed: Option<String>,
}

fn rule_refusal(rule: Rule) -> Refusal {
    Refusal {
        zh: format!("两端同时操作：{}", rule.zh()),
        en: format!("two desks at once: {}", rule.en().to_lowercase()),
    }
}

/// Every act's ancestors: the acts reachable through `after` (unknown ones skipped).
fn ancestry(acts: &[&Stamped]) -> BTreeMap<EntityId, BTreeSet<EntityId>> {
    let after: BTreeMap<EntityId, &[EntityId]> = acts
        .iter()
        .map(|s| (s.t.id, s.t.after.as_slice()))
        .collect();
    let mut out = BTreeMap::new();
    for s in acts {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<EntityId> = s.t.after.clone();
        while let Some(id) = todo.pop() {
            if id == s.t.id || !seen.insert(id) {
                continue;
            }
            if let Some(more) = after.get(&id) {
                todo.extend_from_slice(more);
            }
        }
        out.insert(s.t.id, seen);
    }
    out
}

/// The acts of `acts` that no other act follows: what a desk names as `after` when it acts.
pub fn heads(acts: &[Transition]) -> Vec<EntityId> {
    let followed: BTreeSet<EntityId> = acts.iter().flat_map(|t| t.after.iter().copied()).collect();
    let mut out: Vec<EntityId> = acts
        .iter()
        .map(|t| t.id)
        .filter(|id| !followed.contains(id))
        .collect();
    out.sort();
    out.dedup();
    out
}

fn is_objection(t: &Transition) -> bool {
    matches!(t.act, Act::Review { agree: false, .. })
}

fn is_commanders_withdrawal(t: &Transition) -> bool {
    matches!(t.act, Act::Withdraw { .. }) && t.role == Role::Commander
}

/// The decision `draft` (as its record's fields make it, in its draft state) after `acts`.
pub fn fold(draft: &Decision, acts: &[Stamped]) -> Folded {
    // One of each transition (a re-delivery is the same id), in stamp order.
    let mut sorted: Vec<&Stamped> = acts.iter().collect();
    sorted.sort_by(|a, b| (&a.stamp, a.t.id).cmp(&(&b.stamp, b.t.id)));
    let mut ids = BTreeSet::new();
    sorted.retain(|s| ids.insert(s.t.id));
    let seen = ancestry(&sorted);
    let concurrent = |a: &Transition, b: &Transition| {
        a.id != b.id && !seen[&a.id].contains(&b.id) && !seen[&b.id].contains(&a.id)
    };

    // Rules that look at the whole set, so that they do not depend on which act came first.
    let mut void: BTreeMap<EntityId, (Rule, EntityId)> = BTreeMap::new();
    for s in &sorted {
        let t = &s.t;
        let against = |pred: &dyn Fn(&Transition) -> bool| {
            sorted
                .iter()
                .map(|o| &o.t)
                .find(|o| concurrent(t, o) && pred(o))
                .map(|o| o.id)
        };
        match t.act {
            Act::Withdraw { .. } if t.role != Role::Commander => {
                if let Some(o) = against(&|o| !matches!(o.act, Act::Withdraw { .. })) {
                    void.insert(t.id, (Rule::DiscardYields, o));
                }
            }
            Act::Complete | Act::Supersede { .. } => {
                if let Some(o) = against(&is_commanders_withdrawal) {
                    void.insert(t.id, (Rule::WithdrawalStands, o));
                }
            }
            _ => {}
        }
    }

    let mut d = draft.clone();
    d.state = DecisionState::Draft;
    let mut out = Folded {
        decision: d.clone(),
        lines: vec![],
        acknowledged: vec![],
        concurrent: vec![],
        moves: vec![],
        places: vec![],
        signed: None,
    };
    let mut taken: Vec<&Transition> = Vec::new();
    for s in &sorted {
        let t = &s.t;
        let from = d.state;
        let mut line = Line {
            transition: t.id,
            action: t.act.action(),
            by: t.by.clone(),
            role: t.role,
            desk: t.desk.clone(),
            at_ms: t.at_ms,
            from,
            to: from,
            note: String::new(),
            outcome: Outcome::Void,
            reason: None,
        };
        if let Some(&(rule, other)) = void.get(&t.id) {
            line.reason = Some(rule_refusal(rule));
            out.lines.push(line);
            out.concurrent.push(pair(other, t.id, rule, other));
            taken.push(t);
            continue;
        }
        let others: Vec<&Transition> = taken.iter().copied().filter(|o| concurrent(t, o)).collect();
        let by = By {
            name: &t.by,
            role: t.role,
            at_ms: t.at_ms,
        };
        let acked: Vec<Receipt> = out.acknowledged.iter().map(Acknowledged::receipt).collect();
        // An issue is the document its desk signed, whatever this desk's draft says now.
        let base = match (t.act.action().issues(), &t.event) {
            (true, Some(e)) => match serde_json::from_str::<Decision>(&e.payload) {
                Ok(mut signed) if signed.id == d.id => {
                    signed.state = d.state;
                    signed.issued = None;
                    signed.exception = None;
                    if !matches!(t.act, Act::Issue) {
                        signed.approved = d.approved.clone();
                    }
                    signed
                }
                _ => {
                    line.reason = Some(Refusal {
                        zh: "签发事件中的决策无法读取".into(),
                        en: "the signed document cannot be read".into(),
                    });
                    out.lines.push(line);
                    taken.push(t);
                    continue;
                }
            },
            _ => d.clone(),
        };
        match act::plan(&base, &t.act, by, &acked) {
            Ok(p)
                if p.step.action == Action::ReviewAgree
                    && others.iter().any(|o| is_objection(o)) =>
            {
                // 异议优先: the agreement stays on the sheet and moves nothing.
                let o = others
                    .iter()
                    .find(|o| is_objection(o))
                    .expect("found above");
                d.reviews = p.decision.reviews;
                line.note = p.step.note;
                line.outcome = Outcome::Recorded;
                line.reason = Some(rule_refusal(Rule::ObjectionStands));
                out.concurrent
                    .push(pair(o.id, t.id, Rule::ObjectionStands, o.id));
            }
            Ok(p) => {
                line.to = p.step.to;
                line.note = p.step.note.clone();
                line.outcome = Outcome::Applied;
                for (i, m) in p.moves.iter().enumerate() {
                    out.moves.push(effect(t, b"move", i, m.clone()));
                }
                for (i, pl) in p.places.iter().enumerate() {
                    out.places.push(effect(t, b"places", i, pl.clone()));
                }
                if let Some(recipient) = &p.acknowledged {
                    out.acknowledged.push(Acknowledged {
                        recipient: recipient.clone(),
                        at_ms: t.at_ms,
                        recorded_by: t.by.clone(),
                        desk: t.desk.clone(),
                        unaware_of_withdrawal: false,
                        arrived_at_ms: None,
                        left_at_ms: None,
                    });
                }
                if let Some((recipient, arrive)) = &p.movement {
                    if let Some(a) = out
                        .acknowledged
                        .iter_mut()
                        .find(|a| &a.recipient == recipient)
                    {
                        a.moved(*arrive, t.at_ms);
                    }
                }
                if t.act.action().issues() {
                    out.signed = t.event.as_ref().map(|e| e.payload.clone());
                }
                if is_commanders_withdrawal(t) {
                    for o in &others {
                        out.concurrent
                            .push(pair(o.id, t.id, Rule::WithdrawalStands, t.id));
                        if let Act::Acknowledge { recipient } = &o.act {
                            for a in out.acknowledged.iter_mut() {
                                if a.recipient == recipient.trim() {
                                    a.unaware_of_withdrawal = true;
                                }
                            }
                        }
                    }
                }
                d = p.decision;
                d.state = p.step.to;
            }
            Err(refusal) if !others.is_empty() => {
                let o = others[others.len() - 1];
                let rule = match (&t.act, from) {
                    (
                        Act::Review {
                            agree: false,
                            advice,
                        },
                        DecisionState::Reviewed | DecisionState::Approved,
                    ) => {
                        // 异议优先: back to be redrafted, the approval (taken unaware) undone.
                        d.reviews.push(Review {
                            by: t.by.clone(),
                            at_ms: t.at_ms,
                            agree: false,
                            advice: advice.trim().to_owned(),
                        });
                        d.approved = None;
                        d.state = DecisionState::Draft;
                        line.to = DecisionState::Draft;
                        line.note = advice.trim().to_owned();
                        line.outcome = Outcome::Applied;
                        Rule::ObjectionStands
                    }
                    (Act::Review { advice, .. }, _) => {
                        if !from.is_signed() {
                            d.reviews.push(Review {
                                by: t.by.clone(),
                                at_ms: t.at_ms,
                                agree: true,
                                advice: advice.trim().to_owned(),
                            });
                        }
                        line.note = advice.trim().to_owned();
                        line.outcome = Outcome::Recorded;
                        Rule::KeptOnRecord
                    }
                    (Act::Acknowledge { recipient }, s) if s.is_final() => {
                        // Kept once: another desk may have recorded the same receipt at once.
                        let known = out
                            .acknowledged
                            .iter()
                            .any(|a| a.recipient == recipient.trim());
                        if !known {
                            out.acknowledged.push(Acknowledged {
                                recipient: recipient.trim().to_owned(),
                                at_ms: t.at_ms,
                                recorded_by: t.by.clone(),
                                desk: t.desk.clone(),
                                unaware_of_withdrawal: s == DecisionState::Withdrawn,
                                arrived_at_ms: None,
                                left_at_ms: None,
                            });
                        }
                        line.note = recipient.trim().to_owned();
                        line.outcome = Outcome::Recorded;
                        ended(s)
                    }
                    (Act::Arrive { recipient } | Act::Leave { recipient }, s) if s.is_final() => {
                        // The team did move: its times are kept, the decision is not changed.
                        let arrive = matches!(t.act, Act::Arrive { .. });
                        if let Some(a) = out
                            .acknowledged
                            .iter_mut()
                            .find(|a| a.recipient == recipient.trim())
                        {
                            a.moved(arrive, t.at_ms);
                        }
                        line.note = recipient.trim().to_owned();
                        line.outcome = Outcome::Recorded;
                        ended(s)
                    }
                    (a, DecisionState::Draft)
                        if (matches!(a, Act::Approve) || a.action().issues())
                            && others.iter().any(|o| is_objection(o)) =>
                    {
                        Rule::ObjectionStands
                    }
                    (a, DecisionState::Withdrawn) if a.action().issues() => Rule::WithdrawalStands,
                    (a, _) if a.action().issues() && from.is_signed() => Rule::FirstIssueStands,
                    _ => Rule::EarlierStands,
                };
                if line.outcome == Outcome::Void {
                    line.reason = Some(refusal);
                } else if line.outcome == Outcome::Recorded {
                    line.reason = Some(rule_refusal(rule));
                }
                let kept = if line.outcome == Outcome::Applied {
                    t.id
                } else {
                    o.id
                };
                out.concurrent.push(pair(o.id, t.id, rule, kept));
            }
            Err(refusal) => {
                // A desk acted on a state it did not have: kept on the sheet, applied nowhere.
                line.reason = Some(refusal);
            }
        }
        out.lines.push(line);
        taken.push(t);
    }
    out.decision = d;
    out
}

/// The rule for an act that met a decision already ended: the withdrawal stood, or the act is
/// kept on record.
fn ended(s: DecisionState) -> Rule {
    if s == DecisionState::Withdrawn {
        Rule::WithdrawalStands
    } else {
        Rule::KeptOnRecord
    }
}

fn pair(first: EntityId, second: EntityId, rule: Rule, kept: EntityId) -> Concurrent {
    Concurrent {
        first,
        second,
        rule,
        kept,
    }
}

fn effect<T>(t: &Transition, what: &[u8], i: usize, value: T) -> Effect<T> {
    Effect {
        id: EntityId::derived(&[t.id.as_bytes(), what, &(i as u64).to_be_bytes()]),
        cause: t.id,
        at_ms: t.at_ms,
        what: value,
    }
}

#[cfg(test)]
mod tests;
