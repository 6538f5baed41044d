//! 待办: what waits for a person in a role — drafts to review (技术指挥官), reviewed or approved
//! decisions to approve and sign (指挥长), issued orders whose recipients have not acknowledged
//! (值班员 and any desk that records receipts). One rule, so the window's count, its list and
//! `yitu inbox` agree.

use crate::command::role::Role;
use crate::command::workflow::{self, Action, DecisionState};

crate::labelled_enum! {
    /// What a decision waits for.
    Waiting {
        Review => ("review", "待审核", "To review"),
        Approve => ("approve", "待批准", "To approve"),
        Issue => ("issue", "待签发", "To sign and issue"),
        Acknowledge => ("acknowledge", "待签收", "Receipts awaited"),
    }
}

/// What a decision in `state`, with `unacknowledged` recipients, waits for from someone in
/// `role`, if anything.
pub fn waiting(role: Role, state: DecisionState, unacknowledged: usize) -> Option<Waiting> {
    let (waiting, action) = match state {
        DecisionState::Draft => (Waiting::Review, Action::ReviewAgree),
        DecisionState::Reviewed => (Waiting::Approve, Action::Approve),
        DecisionState::Approved => (Waiting::Issue, Action::Issue),
        DecisionState::Issued if unacknowledged > 0 => (Waiting::Acknowledge, Action::Acknowledge),
        _ => return None,
    };
    // A receipt may be recorded by anyone who keeps the record, but it waits on the duty desk:
    // the commander's list is for what only the commander can do.
    if waiting == Waiting::Acknowledge && role == Role::Commander {
        return None;
    }
    workflow::may(role, action).then_some(waiting)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DecisionState::*;
    use Role::*;

    /// Written out by hand: who sees what, per state.
    #[test]
    fn each_role_waits_on_its_own_step() {
        let cases = [
            (TechnicalOfficer, Draft, 0, Some(Waiting::Review)),
            (Commander, Draft, 0, None),
            (Staff, Draft, 0, None),
            (Commander, Reviewed, 0, Some(Waiting::Approve)),
            (TechnicalOfficer, Reviewed, 0, None),
            (Commander, Approved, 0, Some(Waiting::Issue)),
            (Staff, Issued, 2, Some(Waiting::Acknowledge)),
            (TechnicalOfficer, Issued, 1, Some(Waiting::Acknowledge)),
            (Commander, Issued, 2, None),
            (Staff, Issued, 0, None),
            (Observer, Issued, 2, None),
            (DrillController, Draft, 0, None),
            (Staff, Withdrawn, 2, None),
        ];
        for (role, state, n, expected) in cases {
            assert_eq!(waiting(role, state, n), expected, "{role} {state} {n}");
        }
    }
}
