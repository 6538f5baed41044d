//! The life of a decision: which action moves it from which state to which, and who may take it.
//! One table (`transition`) so the window, the command line and the store all refuse the same
//! things for the same reason.

use crate::command::decision::{Decision, ExceptionKind, OrderClass};
use crate::command::role::Role;
use serde::Serialize;

crate::labelled_enum! {
    /// Where a decision is in its life.
    DecisionState {
        Draft => ("draft", "草稿", "Draft"),
        Reviewed => ("reviewed", "已审核", "Reviewed"),
        Approved => ("approved", "已批准", "Approved"),
        Issued => ("issued", "已下达", "Issued"),
        Completed => ("completed", "已完成", "Completed"),
        Withdrawn => ("withdrawn", "已撤销", "Withdrawn"),
        Superseded => ("superseded", "已被替代", "Superseded"),
    }
}

crate::labelled_enum! {
    /// What a user does to a decision.
    Action {
        Edit => ("edit", "修改草稿", "Edit the draft"),
        ReviewAgree => ("review_agree", "审核同意", "Review: agree"),
        ReviewObject => ("review_object", "审核提出异议", "Review: object"),
        Approve => ("approve", "批准", "Approve"),
        Issue => ("issue", "下达", "Issue"),
        Sign => ("sign", "签发", "Sign and issue"),
        Overrule => ("overrule", "否决异议签发", "Overrule the objection and sign"),
        Urgent => ("urgent", "紧急处置签发", "Sign at once (urgent)"),
        Acknowledge => ("acknowledge", "登记签收", "Record an acknowledgement"),
        Arrive => ("arrive", "登记到场", "Record arrival on scene"),
        Leave => ("leave", "登记撤离", "Record leaving the scene"),
        Complete => ("complete", "办结", "Complete"),
        Withdraw => ("withdraw", "撤销", "Withdraw"),
        Supersede => ("supersede", "以新决策替代", "Supersede by a later decision"),
    }
}

impl Action {
    /// The acts that sign the decision and send it out (each numbers it).
    pub fn issues(self) -> bool {
        matches!(
            self,
            Self::Issue | Self::Sign | Self::Overrule | Self::Urgent
        )
    }
}

impl DecisionState {
    /// Nothing more happens to a decision in these states.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Withdrawn | Self::Superseded)
    }

    /// Issued and later: the decision is signed into the incident's chain and cannot change.
    pub fn is_signed(self) -> bool {
        matches!(
            self,
            Self::Issued | Self::Completed | Self::Withdrawn | Self::Superseded
        )
    }
}

/// Why a transition was refused, in Chinese for the user and English for logs and scripts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, thiserror::Error)]
#[error("{zh} / {en}")]
pub struct Refusal {
    pub zh: String,
    pub en: String,
}

impl Refusal {
    fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

/// Who may take an action at all, whatever the state. Kept apart from the state rules so a
/// refusal says the more useful thing: "your role may not" before "not in this state".
///
/// Why these: the plan (三（一）2 规范现场指挥决策) separates administrative command (the commander
/// approves, issues, withdraws) from technical command (the technical officer reviews); staff
/// draft and keep the record (acknowledgements by radio or phone). An observer changes nothing.
/// 签发 is the commander's for 行政类 orders and the technical officer's for 技术类 ones
/// ([`signer`]); overruling a technical objection is the commander's alone (总指挥负责制); either
/// may act at once in an emergency (紧急处置), the review following.
pub fn may(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        Edit => matches!(role, Staff | TechnicalOfficer | Commander),
        ReviewAgree | ReviewObject => role == TechnicalOfficer,
        Approve | Issue | Complete | Supersede | Overrule => role == Commander,
        Sign | Urgent => matches!(role, Commander | TechnicalOfficer),
        Acknowledge | Arrive | Leave => matches!(role, Staff | TechnicalOfficer | Commander),
        // Staff may discard their own drafts; only the commander withdraws anything later.
        Withdraw => matches!(role, Staff | Commander),
    }
}

/// The state after `action` by someone in `role`, or why not.
///
/// An objection sends the draft back to be redrafted (the advice is kept with it): the commander
/// approves only what the technical officer has agreed to, so technical advice cannot be skipped
/// silently. Acknowledgements leave an issued decision issued; who has acknowledged is kept
/// beside it.
pub fn transition(
    state: DecisionState,
    action: Action,
    role: Role,
) -> Result<DecisionState, Refusal> {
    use Action::*;
    use DecisionState::*;
    if !may(role, action) {
        return Err(Refusal::new(
            format!("{}无权{}", role.zh(), action.zh()),
            format!(
                "the {} may not: {}",
                role.en().to_lowercase(),
                action.en().to_lowercase()
            ),
        ));
    }
    let next = match (state, action) {
        (Draft, Edit) => Some(Draft),
        (Draft, ReviewAgree) => Some(Reviewed),
        (Draft, ReviewObject) => Some(Draft),
        (Reviewed, Approve) => Some(Approved),
        (Approved, Issue) => Some(Issued),
        (Reviewed | Approved, Sign) => Some(Issued),
        (Draft, Overrule) => Some(Issued),
        (Draft | Reviewed | Approved, Urgent) => Some(Issued),
        (Issued, Acknowledge | Arrive | Leave) => Some(Issued),
        (Issued, Complete) => Some(Completed),
        (Issued, Supersede) => Some(Superseded),
        (Draft, Withdraw) => Some(Withdrawn),
        (Reviewed | Approved | Issued, Withdraw) if role == Role::Commander => Some(Withdrawn),
        _ => None,
    };
    next.ok_or_else(|| {
        let (zh_hint, en_hint) = hint(state, action, role);
        Refusal::new(
            format!("决策{}，不能{}{}", state.zh(), action.zh(), zh_hint),
            format!(
                "{} is not possible for a decision that is {}{}",
                action.en(),
                state.en().to_lowercase(),
                en_hint
            ),
        )
    })
}

/// Who signs an order of `class`: the commander (行政类) or the technical officer (技术类).
pub fn signer(class: OrderClass) -> Role {
    match class {
        OrderClass::Administrative => Role::Commander,
        OrderClass::Technical => Role::TechnicalOfficer,
    }
}

/// [`transition`] for this decision: with the rules that depend on what it says and what
/// happened to it — who signs its class, an overrule only over an objection that stands, a
/// review after a 紧急处置 signature recorded on the issued decision (事后审核).
pub fn transition_of(d: &Decision, action: Action, role: Role) -> Result<DecisionState, Refusal> {
    let urgent = matches!(&d.exception, Some(e) if e.kind == ExceptionKind::Urgent);
    let objection = d.reviews.last().is_some_and(|r| !r.agree);
    match action {
        Action::ReviewAgree | Action::ReviewObject
            if d.state == DecisionState::Issued && urgent && may(role, action) =>
        {
            return Ok(DecisionState::Issued);
        }
        Action::Sign if may(role, action) && role != signer(d.content.class) => {
            return Err(Refusal::new(
                format!(
                    "{}指令由{}签发",
                    d.content.class.zh(),
                    signer(d.content.class).zh()
                ),
                format!(
                    "a {} order is signed by the {}",
                    d.content.class.en().to_lowercase(),
                    signer(d.content.class).en().to_lowercase()
                ),
            ));
        }
        Action::Overrule if d.state == DecisionState::Draft && !objection => {
            return Err(Refusal::new(
                "没有待否决的技术异议：请先经技术指挥官审核，或紧急处置签发",
                "there is no technical objection to overrule: have it reviewed, or sign at once",
            ));
        }
        _ => {}
    }
    transition(d.state, action, role)
}

/// What to do instead, where there is something useful to say.
fn hint(state: DecisionState, action: Action, role: Role) -> (&'static str, &'static str) {
    use Action::*;
    use DecisionState::*;
    match (state, action) {
        (Draft, Approve) => (
            "：须先经技术指挥官审核同意",
            ": the technical officer must agree first",
        ),
        (Reviewed | Draft, Issue) => (
            "：须先经指挥长批准",
            ": the commander must approve it first",
        ),
        (Draft, Sign) => (
            "：须先经技术指挥官审核同意（紧急情况可紧急处置签发）",
            ": the technical officer must agree first (or sign at once in an emergency)",
        ),
        (Issued, Arrive | Leave) => ("：须先登记签收", ": record its acknowledgement first"),
        (Reviewed | Approved, Edit) => (
            "：已审核的决策不能修改，请撤销后重新起草",
            ": withdraw it and draft a new one",
        ),
        (Issued, Edit) => (
            "：已下达的决策不可更改，请起草新决策替代",
            ": draft a later decision that supersedes it",
        ),
        (Reviewed | Approved | Issued, Withdraw) if role == Role::Staff => {
            ("：只有指挥长可撤销", ": only the commander may withdraw it")
        }
        _ if state.is_final() => ("：该决策已结束", ": it is closed"),
        _ => ("", ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use DecisionState::*;
    use Role::*;

    /// Every (state, action, role) triple: allowed ones listed with their outcome, all others
    /// must be refused. Written out by hand from the issue, not derived from the code above.
    #[test]
    fn every_transition_by_every_role() {
        let allowed: &[(DecisionState, Action, Role, DecisionState)] = &[
            (Draft, Edit, Staff, Draft),
            (Draft, Edit, TechnicalOfficer, Draft),
            (Draft, Edit, Commander, Draft),
            (Draft, ReviewAgree, TechnicalOfficer, Reviewed),
            (Draft, ReviewObject, TechnicalOfficer, Draft),
            (Draft, Withdraw, Staff, Withdrawn),
            (Draft, Withdraw, Commander, Withdrawn),
            (Reviewed, Approve, Commander, Approved),
            (Reviewed, Withdraw, Commander, Withdrawn),
            (Approved, Issue, Commander, Issued),
            (Approved, Withdraw, Commander, Withdrawn),
            (Reviewed, Sign, Commander, Issued),
            (Reviewed, Sign, TechnicalOfficer, Issued),
            (Approved, Sign, Commander, Issued),
            (Approved, Sign, TechnicalOfficer, Issued),
            (Draft, Overrule, Commander, Issued),
            (Draft, Urgent, Commander, Issued),
            (Draft, Urgent, TechnicalOfficer, Issued),
            (Reviewed, Urgent, Commander, Issued),
            (Reviewed, Urgent, TechnicalOfficer, Issued),
            (Approved, Urgent, Commander, Issued),
            (Approved, Urgent, TechnicalOfficer, Issued),
            (Issued, Acknowledge, Staff, Issued),
            (Issued, Acknowledge, TechnicalOfficer, Issued),
            (Issued, Acknowledge, Commander, Issued),
            (Issued, Arrive, Staff, Issued),
            (Issued, Arrive, TechnicalOfficer, Issued),
            (Issued, Arrive, Commander, Issued),
            (Issued, Leave, Staff, Issued),
            (Issued, Leave, TechnicalOfficer, Issued),
            (Issued, Leave, Commander, Issued),
            (Issued, Complete, Commander, Completed),
            (Issued, Supersede, Commander, Superseded),
            (Issued, Withdraw, Commander, Withdrawn),
        ];
        let mut checked = 0;
        for &state in DecisionState::ALL {
            for &action in Action::ALL {
                for &role in Role::ALL {
                    let expected = allowed
                        .iter()
                        .find(|(s, a, r, _)| (*s, *a, *r) == (state, action, role))
                        .map(|t| t.3);
                    let got = transition(state, action, role);
                    match expected {
                        Some(next) => assert_eq!(got, Ok(next), "{state} {action} {role}"),
                        None => {
                            let refusal = got.expect_err(&format!("{state} {action} {role}"));
                            assert!(!refusal.zh.is_empty() && !refusal.en.is_empty());
                        }
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 7 * 14 * 5);
    }

    #[test]
    fn an_observer_may_do_nothing() {
        for &state in DecisionState::ALL {
            for &action in Action::ALL {
                let r = transition(state, action, Observer).unwrap_err();
                assert_eq!(r.zh, format!("观察员无权{}", action.zh()));
            }
        }
    }

    /// A drill controller runs the exercise's incidents, not its decisions: the commander's
    /// and the technical officer's parts are played by users in those roles.
    #[test]
    fn a_drill_controller_may_do_nothing_to_a_decision() {
        for &state in DecisionState::ALL {
            for &action in Action::ALL {
                let r = transition(state, action, DrillController).unwrap_err();
                assert_eq!(r.zh, format!("演练导调员无权{}", action.zh()));
            }
        }
    }

    #[test]
    fn refusals_say_what_to_do_instead() {
        let r = transition(Draft, Approve, Commander).unwrap_err();
        assert!(r.zh.contains("技术指挥官审核"), "{}", r.zh);
        let r = transition(Issued, Edit, Staff).unwrap_err();
        assert!(r.en.contains("supersedes"), "{}", r.en);
        let r = transition(Issued, Withdraw, Staff).unwrap_err();
        assert!(r.zh.contains("只有指挥长"), "{}", r.zh);
        let r = transition(Approved, Issue, Staff).unwrap_err();
        assert_eq!(r.en, "the duty officer / staff may not: issue");
    }
}
