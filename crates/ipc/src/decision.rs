//! Decisions as the window reads them: a decision with everything that happened to it, and the
//! chain check's report. What a user does to a decision is the domain's
//! `yitu_domain::command::act::Act`.

use serde::{Deserialize, Serialize};
use yitu_domain::command::chain::{Broken, Event};
use yitu_domain::command::decision::Decision;
pub use yitu_domain::command::fold::Concurrent;

/// An acknowledgement recorded for a recipient, with its 到场 and 撤离: the fold's own type.
pub use yitu_domain::command::fold::Acknowledged as Ack;

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
    /// The act's id (empty for the draft's first line), which `concurrent` names.
    #[serde(default)]
    pub transition: String,
    /// The desk it was taken on.
    #[serde(default)]
    pub desk: String,
    /// `applied`, `recorded` (kept on the sheet, changed nothing) or `void` (not applied).
    #[serde(default = "applied")]
    pub outcome: String,
    /// Why it did not apply, Chinese first.
    #[serde(default)]
    pub reason: String,
}

fn applied() -> String {
    "applied".into()
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
    /// Acts two desks took at once, and what the rule kept ("两端同时操作").
    #[serde(default)]
    pub concurrent: Vec<Concurrent>,
}

/// What checking every incident's chain and every signed decision found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    pub ok: bool,
    pub incidents: usize,
    pub events: usize,
    pub decisions_checked: usize,
    /// Places where two desks signed for one incident at once (the chain branches there: a
    /// recorded merge, not a break).
    #[serde(default)]
    pub branches: usize,
    /// The first link that does not hold: chains are checked incident by incident (oldest
    /// first), then each signed decision against its issue event.
    pub first_broken: Option<Broken>,
    pub broken: Vec<Broken>,
}

/// A decision waiting for someone's step (待办).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxItem {
    pub decision: yitu_domain::EntityId,
    pub incident: yitu_domain::EntityId,
    pub incident_title: String,
    /// Empty for a draft (numbered when signed).
    pub number: String,
    pub situation: String,
    pub waiting: yitu_domain::command::inbox::Waiting,
    /// Recipients not yet acknowledged (for 待签收).
    #[serde(default)]
    pub awaiting: Vec<String>,
    /// The desk that drafted it and the one that signed it (when signed).
    pub drafted_by: String,
    #[serde(default)]
    pub signed_on: String,
}
