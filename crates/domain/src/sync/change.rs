//! What a device pushes: one change is one local write (a record's fields set, a stock
//! movement, a 续报), stamped by the device's clock and numbered densely per device.

use super::Stamp;
use crate::stock::LedgerEntry;
use crate::EntityId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The collections whose records merge field by field: the five registries and incidents.
pub const COLLECTIONS: [&str; 6] = [
    "teams",
    "experts",
    "depots",
    "shelters",
    "hazards",
    "incidents",
];

/// The field that carries a record's tombstone: retiring sets it, nothing deletes.
pub const RETIRED: &str = "retired";

/// One change as the device made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The device's own dense sequence number, from 1: what makes a push idempotent.
    pub seq: u64,
    pub stamp: Stamp,
    /// The person who made it (provenance; the server checks the role of the device's user).
    pub author: String,
    pub op: Op,
}

/// A field's new value and the stamp of the value the writer replaced (none when the writer saw
/// no earlier write of it): how a replica tells a later edit from a concurrent one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldWrite {
    pub value: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<Stamp>,
}

/// What a change does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// Sets fields of a record (all of them when it is created); merged per field,
    /// last writer wins on (stamp), concurrent writes kept as conflicts.
    Record {
        collection: String,
        id: EntityId,
        fields: BTreeMap<String, FieldWrite>,
    },
    /// A stock movement, with the line's name and unit so a replica that never saw the line can
    /// open it. Merged by union: two offline issues both count. `terms`, where the keeper set
    /// them with this entry (a recount of 0 carries only terms), replace the line's when this
    /// entry's stamp is newer than the line's.
    Ledger {
        entry: LedgerEntry,
        name: String,
        unit: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        terms: Option<crate::stock::Terms>,
    },
    /// A 续报 appended to an incident's log (the body is the whole entry).
    Log {
        incident: EntityId,
        id: EntityId,
        body: serde_json::Value,
    },
    /// A signed event of an issued decision (issue, acknowledgement, completion, withdrawal):
    /// the server checks the device's signature and countersigns it in its own chain.
    Event { event: Box<crate::chain::Event> },
}

impl Op {
    /// A short name for reports and refusals.
    pub fn kind(&self) -> &'static str {
        match self {
            Op::Record { .. } => "record",
            Op::Ledger { .. } => "ledger",
            Op::Log { .. } => "log",
            Op::Event { .. } => "decision event",
        }
    }

    /// Why the change is malformed, if it is: checked before anything is written.
    pub fn problem(&self) -> Option<String> {
        match self {
            Op::Record {
                collection, fields, ..
            } => {
                if !COLLECTIONS.contains(&collection.as_str()) {
                    return Some(format!("unknown collection {collection:?}"));
                }
                if fields.is_empty() {
                    return Some("a record change sets no field".into());
                }
                if let Some(f) = fields
                    .keys()
                    .find(|f| f.is_empty() || *f == "id" || *f == "layer")
                {
                    return Some(format!("field {f:?} cannot be set"));
                }
                if let Some(w) = fields.get(RETIRED) {
                    if !w.value.is_boolean() {
                        return Some("retired must be true or false".into());
                    }
                }
                None
            }
            Op::Ledger {
                entry, terms: None, ..
            } if entry.quantity == 0 => Some("a stock movement of 0".into()),
            Op::Ledger {
                entry,
                terms: Some(_),
                ..
            } if entry.quantity == 0 && entry.kind != crate::stock::MoveKind::Recount => {
                Some("only a recount of 0 may carry terms alone".into())
            }
            Op::Ledger {
                terms: Some(terms), ..
            } if terms.check().is_err() => terms.check().err().map(|e| e.to_string()),
            Op::Ledger { .. } => None,
            Op::Log { body, .. } if !body.is_object() => {
                Some("a log entry must be an object".into())
            }
            Op::Log { .. } | Op::Event { .. } => None,
        }
    }
}
