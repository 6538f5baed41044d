//! 待办: what waits for a person in a role — drafts to review (技术指挥官), reviewed decisions to
//! sign (签发: the commander for 行政类 orders, the technical officer for 技术类), an urgent
//! signature's review afterwards (事后审核), issued orders whose recipients have not acknowledged
//! (值班员 and any desk that records receipts). One rule, so the window's count, its list and
//! `yitu inbox` agree.

use crate::command::decision::{Decision, ExceptionKind};
use crate::command::role::Role;
use crate::command::workflow::{self, Action, DecisionState};

crate::labelled_enum! {
    /// What a decision waits for.
    Waiting {
        Review => ("review", "待审核", "To review"),
        ReviewAfter => ("review_after", "待事后审核", "To review after an urgent signature"),
        Approve => ("approve", "待批准", "To approve"),
        Issue => ("issue", "待签发", "To sign and issue"),
        Acknowledge => ("acknowledge", "待签收", "Receipts awaited"),
    }
}

/// What decision `d`, with `unacknowledged` recipients, waits for from someone in `role`, if
/// anything.
pub fn waiting(role: Role, d: &Decision, unacknowledged: usize) -> Option<Waiting> {
    let urgent = matches!(&d.exception, Some(e) if e.kind == ExceptionKind::Urgent);
    let (waiting, action) = match d.state {
        DecisionState::Draft => (Waiting::Review, Action::ReviewAgree),
        DecisionState::Reviewed | DecisionState::Approved => {
            // 签发 by the signer of the order's class.
            return (role == workflow::signer(d.content.class)).then_some(Waiting::Issue);
        }
        DecisionState::Issued
            if urgent && d.reviews.is_empty() && role == Role::TechnicalOfficer =>
        {
            return Some(Waiting::ReviewAfter);
        }
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
    use crate::command::decision::{Content, Exception, OrderClass, Review, Signoff};
    use crate::EntityId;
    use DecisionState::*;
    use Role::*;

    fn decision(state: DecisionState, class: OrderClass) -> Decision {
        let mut d = Decision::draft(
            EntityId::v7(1, [1; 10]),
            EntityId::v7(1, [2; 10]),
            Content {
                class,
                situation: "山洪".into(),
                ..Content::default()
            },
            Signoff {
                by: "王参谋".into(),
                at_ms: 0,
                desk: String::new(),
            },
        );
        d.state = state;
        d
    }

    /// Written out by hand: who sees what, per state.
    #[test]
    fn each_role_waits_on_its_own_step() {
        use OrderClass::*;
        let cases = [
            (
                TechnicalOfficer,
                Draft,
                Administrative,
                0,
                Some(Waiting::Review),
            ),
            (Commander, Draft, Administrative, 0, None),
            (Staff, Draft, Administrative, 0, None),
            (Commander, Reviewed, Administrative, 0, Some(Waiting::Issue)),
            (TechnicalOfficer, Reviewed, Administrative, 0, None),
            (
                TechnicalOfficer,
                Reviewed,
                Technical,
                0,
                Some(Waiting::Issue),
            ),
            (Commander, Reviewed, Technical, 0, None),
            (Commander, Approved, Administrative, 0, Some(Waiting::Issue)),
            (Staff, Issued, Administrative, 2, Some(Waiting::Acknowledge)),
            (
                TechnicalOfficer,
                Issued,
                Administrative,
                1,
                Some(Waiting::Acknowledge),
            ),
            (Commander, Issued, Administrative, 2, None),
            (Staff, Issued, Administrative, 0, None),
            (Observer, Issued, Administrative, 2, None),
            (DrillController, Draft, Administrative, 0, None),
            (Staff, Withdrawn, Administrative, 2, None),
        ];
        for (role, state, class, n, expected) in cases {
            let d = decision(state, class);
            assert_eq!(waiting(role, &d, n), expected, "{role} {state} {class} {n}");
        }
    }

    #[test]
    fn an_urgent_signature_waits_for_its_review_afterwards() {
        let mut d = decision(Issued, OrderClass::Administrative);
        d.exception = Some(Exception {
            kind: ExceptionKind::Urgent,
            by: "李指挥".into(),
            at_ms: 1,
            reason: "垮塌".into(),
        });
        assert_eq!(waiting(TechnicalOfficer, &d, 1), Some(Waiting::ReviewAfter));
        assert_eq!(waiting(Commander, &d, 1), None);
        d.reviews.push(Review {
            by: "张技术".into(),
            at_ms: 2,
            agree: true,
            advice: "同意".into(),
        });
        assert_eq!(waiting(TechnicalOfficer, &d, 1), Some(Waiting::Acknowledge));
    }
}
