//! Decisions as the window acts on and reads them: what a user does to a decision, and a
//! decision with everything that happened to it; the chain check's report.

use serde::{Deserialize, Serialize};
use yitu_domain::command::chain::{Broken, Event};
use yitu_domain::command::decision::Decision;

/// What a user does to an existing decision (it crosses tagged: `{"act": "review", …}`):
/// the domain's, whose `plan` says what it does.
pub use yitu_domain::command::act::Act;

/// An acknowledgement recorded for a recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack {
    pub recipient: String,
    pub at_ms: i64,
    pub recorded_by: String,
}

/// One row of a decision's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub at_ms: i64,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub note: String,
}

/// A decision with everything that happened to it, as its panel and `decision show` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionView {
    pub decision: Decision,
    pub acknowledgements: Vec<Ack>,
    /// Recipients who have not acknowledged yet (issued decisions).
    pub awaiting: Vec<String>,
    pub history: Vec<HistoryRow>,
    pub events: Vec<Event>,
}

/// What checking every incident's chain and every signed decision found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    pub ok: bool,
    pub incidents: usize,
    pub events: usize,
    pub decisions_checked: usize,
    /// The first link that does not hold: chains are checked incident by incident (oldest
    /// first), then each signed decision against its issue event.
    pub first_broken: Option<Broken>,
    pub broken: Vec<Broken>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acts_cross_tagged_by_their_name() {
        for (act, json) in [
            (
                Act::Review {
                    agree: false,
                    advice: "再核实".into(),
                },
                serde_json::json!({"act": "review", "agree": false, "advice": "再核实"}),
            ),
            (Act::Issue, serde_json::json!({"act": "issue"})),
            (
                Act::Acknowledge {
                    recipient: "区消防救援支队".into(),
                },
                serde_json::json!({"act": "acknowledge", "recipient": "区消防救援支队"}),
            ),
        ] {
            assert_eq!(serde_json::to_value(&act).unwrap(), json);
            assert_eq!(serde_json::from_value::<Act>(json).unwrap(), act);
        }
    }
}
