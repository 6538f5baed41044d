//! One module per table: each owns its rows' SQL, so a second use case that needs a table calls
//! its module instead of writing the statement again. Functions take a connection (inside a
//! [`Write`](crate::write::Write) for anything that changes rows) and speak domain types.

pub(crate) mod alarm_step;
pub(crate) mod app_user;
pub(crate) mod chain_event;
pub(crate) mod change_log;
pub(crate) mod decision;
pub(crate) mod decision_ack;
pub(crate) mod decision_act;
pub(crate) mod decision_history;
pub(crate) mod device;
pub(crate) mod incident;
pub(crate) mod incident_log;
pub(crate) mod ledger_entry;
pub(crate) mod login_failure;
pub(crate) mod meta;
pub(crate) mod outbox;
pub(crate) mod reading;
pub(crate) mod record_op;
pub(crate) mod resource;
pub(crate) mod shelter_reservation;
pub(crate) mod station;
pub(crate) mod stock_line;
pub(crate) mod sync_conflict;
pub(crate) mod town;
pub(crate) mod warning;

/// A connection or a transaction's connection: what every table function runs on.
pub(crate) type Conn = sqlx::SqliteConnection;

/// `?, ?, …` for `n` parameters of an `IN (…)` list.
pub(crate) fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}
