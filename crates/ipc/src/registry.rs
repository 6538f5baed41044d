//! The registries as the window reads and edits them: counts per layer, search hits, a record's
//! edit form and its history.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use yitu_domain::dispatch::search::Reason;
use yitu_domain::import::ImportKind;
use yitu_domain::Layer;

/// Counts of live (not retired) records: what the layer panel shows and `yitu stats` prints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// By layer code.
    pub layers: BTreeMap<String, LayerStats>,
    pub towns: i64,
    pub stock_lines: i64,
    pub ledger_entries: i64,
    /// Whether any of it is demonstration data (演示数据).
    pub demo: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerStats {
    pub total: i64,
    pub by_kind: BTreeMap<String, i64>,
    /// "Data as of": when the newest change the layer holds was made (an import, an edit, a
    /// retirement, a stock move), ms since the epoch; `None` while it holds only what was first
    /// loaded (the demo data).
    pub as_of_ms: Option<i64>,
}

/// One search hit: enough to list it, fly to it and open it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub layer: Layer,
    pub id: String,
    pub name: String,
    pub town: String,
    pub reason: Reason,
    pub lon: f64,
    pub lat: f64,
}

/// A record laid out as its import row, for the edit form: the kind, its Chinese headers and
/// the record's cells (the first is the id, which cannot be changed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordForm {
    pub kind: ImportKind,
    pub headers: Vec<String>,
    pub cells: Vec<String>,
}

/// One change to a record, as its change log holds it (newest last).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub at_ms: i64,
    pub actor: String,
    pub action: String,
    /// Field by field, what it was and what it became.
    pub diff: serde_json::Value,
}
