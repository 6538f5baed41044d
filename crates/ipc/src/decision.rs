//! Decisions as the window reads them: a decision with everything that happened to it, and the
//! chain check's report. What a user does to a decision is the domain's
//! `yitu_domain::command::act::Act`.

use serde::{Deserialize, Serialize};
use yitu_domain::command::chain::{Broken, Event};
use yitu_domain::command::decision::Decision;

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
