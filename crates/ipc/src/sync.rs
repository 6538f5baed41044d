//! Sync with the district server as the window sees it: the status behind the indicator, what a
//! pass did, the fields in conflict and the changes the server refused.

use crate::Failure;
use serde::{Deserialize, Serialize};
use yitu_domain::registries::resource::Resource;
use yitu_domain::sync::wire::Rejection;

/// Which server this desktop is enrolled with, and as whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    pub server: String,
    pub user: String,
    pub role: String,
    pub device: String,
}

/// What the sync indicator and panel show (`sync_status`, `sync_enrol`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncStatus {
    pub enrolled: Option<Enrolment>,
    /// Whether the last pass reached the server; none before the first pass ends.
    pub online: Option<bool>,
    /// Local changes the server has not answered yet.
    pub pending: u64,
    /// When a pass last reached the server (kept in the database, so it survives a restart).
    pub last_sync_ms: Option<i64>,
    pub last_pass: Option<Pass>,
    pub conflicts: usize,
    pub refused: usize,
    /// Commits that applied changes pulled from the server since the app started: the window
    /// reloads the map when it grows. Not a pass's own count, which two passes close together
    /// (the loop woken by news, then "sync now") would hide.
    #[serde(default)]
    pub pulled_commits: u64,
}

/// What one pass ended with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pass {
    pub at_ms: i64,
    pub report: Option<SyncReport>,
    /// Why the pass failed: code `offline` when the server could not be reached.
    pub error: Option<Failure>,
}

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncReport {
    /// Changes sent this pass (including repeats the server had already).
    pub pushed: u64,
    pub accepted: u64,
    pub rejected: Vec<Rejection>,
    /// Changes from other devices applied.
    pub pulled: u64,
    /// Fields in conflict after the pass.
    pub conflicts: u64,
    /// Local changes still waiting for the server.
    pub pending: u64,
    pub cursor: u64,
    pub server_time_ms: u64,
    /// Waiting changes numbered again because the server held other changes of this desk under
    /// their numbers (the desk was restored from a backup or copied): none is lost, and what
    /// the desk had pushed after the backup is taken back in the same pass.
    #[serde(default)]
    pub renumbered: u64,
    /// This desk's clock minus the server's, as seen at the start of the pass (the request's
    /// time in flight included): a desk more than a minute off is told so.
    #[serde(default)]
    pub clock_ahead_ms: i64,
    /// This desk's changes stamped again from the server's time this pass, before they were
    /// sent, because its clock had run so far ahead that the server would have quarantined them.
    #[serde(default)]
    pub restamped: u64,
}

/// One version of a field in conflict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Version {
    pub value: serde_json::Value,
    pub author: String,
    pub stamp: String,
}

/// A field in conflict, with the record it belongs to (for its name and field labels).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictView {
    pub collection: yitu_domain::sync::Collection,
    pub record_id: String,
    pub field: String,
    /// The version shown now first, then the others.
    pub versions: Vec<Version>,
    pub record: Option<Resource>,
    /// An incident's title, when the record is one.
    pub incident: Option<String>,
}

/// A local change the server refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    pub seq: i64,
    pub reason: String,
}
