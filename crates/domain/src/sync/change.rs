//! What a device pushes: one change is one local write (a record's fields set, a stock
//! movement, a 续报), stamped by the device's clock and numbered densely per device.

use super::Stamp;
use crate::stock::LedgerEntry;
use crate::EntityId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

crate::labelled_enum! {
    /// The collections whose records merge field by field: the five registries, incidents,
/// decision drafts, the monitoring-station register and warnings (预警).
    /// Closed: a push naming any other is refused whole, before anything is written.
    Collection {
        Teams => ("teams", "救援队伍", "Team"),
        Experts => ("experts", "专家", "Expert"),
        Depots => ("depots", "物资库", "Depot"),
        Shelters => ("shelters", "避难场所", "Shelter"),
        Hazards => ("hazards", "隐患点", "Hazard"),
        Incidents => ("incidents", "事件", "Incident"),
        Decisions => ("decisions", "决策", "Decision"),
        Stations => ("stations", "监测站", "Monitoring station"),
        Warnings => ("warnings", "预警", "Warning"),
    }
}

impl Collection {
    /// The registry layer whose records this collection holds (none for incidents).
    pub fn layer(self) -> Option<crate::Layer> {
        use crate::Layer;
        match self {
            Collection::Teams => Some(Layer::Teams),
            Collection::Experts => Some(Layer::Experts),
            Collection::Depots => Some(Layer::Depots),
            Collection::Shelters => Some(Layer::Shelters),
            Collection::Hazards => Some(Layer::Hazards),
            Collection::Incidents
            | Collection::Decisions
            | Collection::Stations
            | Collection::Warnings => None,
        }
    }

    /// The collection of a registry layer's records.
    pub fn of_layer(layer: crate::Layer) -> Self {
        use crate::Layer;
        match layer {
            Layer::Teams => Collection::Teams,
            Layer::Experts => Collection::Experts,
            Layer::Depots => Collection::Depots,
            Layer::Shelters => Collection::Shelters,
            Layer::Hazards => Collection::Hazards,
        }
    }
}

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
        collection: Collection,
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
    /// the server checks the device's signature and countersigns it in its own chain. Pushed
    /// before decisions travelled; an act now carries its event ([`Op::Act`]).
    Event {
        event: Box<crate::command::chain::Event>,
    },
    /// One act on a decision (review, approval, issue, acknowledgement, completion,
    /// withdrawal, supersession), with its signed event where it signs: every desk folds a
    /// decision's acts the same way (`command::fold`).
    Act {
        transition: Box<crate::command::transition::Transition>,
    },
    /// Monitoring readings, appended (the server's from SL 651 frames and MQTT, a desk's from
    /// an imported file). Merged by union on (station, element, observation time); two copies
    /// of one key differing keep the greater value, and are historical only when both are
    /// (`merge::reading`), so every replica holds the same whatever the order.
    Readings {
        /// Where they came from (`sl651`, `mqtt`, `file`): for the station's log.
        source: String,
        readings: Vec<crate::monitoring::Reading>,
    },
    /// What a desk did about an alarm (确认, 叫应, 升级, 人工解除). The alarm itself is not
    /// pushed: every desk derives it from the readings (`monitoring::evaluate`, the same id
    /// everywhere); its steps merge by union and fold in time order (`monitoring::fold`).
    AlarmStep { step: crate::monitoring::Step },
}

/// The most readings one change carries: a frame or a file is cut into changes of this size,
/// so no page or push grows without bound.
pub const MAX_READINGS: usize = 2_000;

impl Op {
    /// A record write of `values` (every field but the record's id and layer tag, which the
    /// record's identity gives), each based on the stamp `bases` gives for the value it
    /// replaces (none for a new record).
    pub fn record(
        collection: Collection,
        id: EntityId,
        values: impl IntoIterator<Item = (String, serde_json::Value)>,
        bases: &BTreeMap<String, Stamp>,
    ) -> Op {
        let fields = values
            .into_iter()
            .filter(|(k, _)| k != "id" && k != "layer")
            .map(|(k, value)| {
                let base = bases.get(&k).cloned();
                (k, FieldWrite { value, base })
            })
            .collect();
        Op::Record {
            collection,
            id,
            fields,
        }
    }

    /// A record made here, whole: every field of its JSON object (but its id and layer tag),
    /// not retired, replacing nothing.
    pub fn created(collection: Collection, id: EntityId, body: &serde_json::Value) -> Op {
        let fields = body
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .chain([(RETIRED.to_owned(), serde_json::Value::Bool(false))]);
        Op::record(collection, id, fields, &BTreeMap::new())
    }

    /// A short name for reports and refusals.
    pub fn kind(&self) -> &'static str {
        match self {
            Op::Record { .. } => "record",
            Op::Ledger { .. } => "ledger",
            Op::Log { .. } => "log",
            Op::Event { .. } => "decision event",
            Op::Act { .. } => "decision act",
            Op::Readings { .. } => "readings",
            Op::AlarmStep { .. } => "alarm step",
        }
    }

    /// Why the change is malformed, if it is: checked before anything is written.
    pub fn problem(&self) -> Option<String> {
        match self {
            Op::Record {
                collection, fields, ..
            } => {
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
                // A value no record of the collection could hold is refused here, whole,
                // rather than synced to desks that cannot read the record after it.
                super::fit::all_fit(
                    *collection,
                    fields.iter().map(|(name, w)| (name.as_str(), &w.value)),
                )
                .err()
            }
            // A stocktake that found the count right is a recount of 0 (it may carry the
            // line's terms); any other movement of 0 moves nothing.
            Op::Ledger { entry, .. }
                if entry.quantity == 0 && entry.kind != crate::stock::MoveKind::Recount =>
            {
                Some("a stock movement of 0 (only a recount may find no difference)".into())
            }
            Op::Ledger {
                terms: Some(terms), ..
            } => terms.check().err().map(|e| e.to_string()),
            Op::Ledger { .. } => None,
            Op::Log { body, .. } if !body.is_object() => {
                Some("a log entry must be an object".into())
            }
            Op::Act { transition } => transition.problem(),
            Op::Readings { readings, .. } => readings_problem(readings),
            Op::AlarmStep { step } => {
                use crate::monitoring::Step;
                let named = match step {
                    Step::Acknowledged { by, .. } | Step::Cleared { by, .. } => by,
                    Step::Called { who, .. } => who,
                    Step::Escalated { to, .. } => to,
                };
                named.trim().is_empty().then(|| {
                    "an alarm step names nobody (who saw, was called, or cleared it)".into()
                })
            }
            Op::Log { .. } | Op::Event { .. } => None,
        }
    }
}

/// Why a batch of readings cannot be kept: checked at the door, before anything is written.
fn readings_problem(readings: &[crate::monitoring::Reading]) -> Option<String> {
    // 2000-01-01T00:00Z: an earlier time is a station whose clock was never set.
    const EARLIEST_MS: i64 = 946_684_800_000;
    if readings.is_empty() {
        return Some("a readings change carries no reading".into());
    }
    if readings.len() > MAX_READINGS {
        return Some(format!(
            "{} readings in one change (at most {MAX_READINGS})",
            readings.len()
        ));
    }
    readings.iter().find_map(|r| {
        if r.station.trim().is_empty() || r.station.len() > 64 {
            Some(format!("station code {:?} is empty or too long", r.station))
        } else if !r.value.is_finite() {
            Some(format!(
                "{} of {}: not a number",
                r.element.code(),
                r.station
            ))
        } else if r.observed_at_ms < EARLIEST_MS {
            Some(format!(
                "{} of {} observed before 2000: the station's clock was not set",
                r.element.code(),
                r.station
            ))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stock::material::MaterialCode;
    use crate::stock::{LedgerEntry, MoveKind, Terms};

    fn ledger(kind: MoveKind, quantity: i64, terms: Option<Terms>) -> Op {
        Op::Ledger {
            entry: LedgerEntry {
                id: EntityId::v7(1, [1; 10]),
                depot_id: EntityId::v7(2, [2; 10]),
                code: MaterialCode::parse("1010301").unwrap(),
                kind,
                quantity,
                at_ms: 1,
                note: String::new(),
            },
            name: "棉被".into(),
            unit: "床".into(),
            terms,
        }
    }

    #[test]
    fn a_ledger_change_is_read_for_what_it_moves_and_sets() {
        let terms = |expiry: &str, minimum: i64| {
            Some(Terms {
                expiry: Some(expiry.into()),
                minimum: Some(minimum),
            })
        };
        let cases = [
            ("a receipt", ledger(MoveKind::Receive, 5, None), true),
            ("an issue of 0", ledger(MoveKind::Issue, 0, None), false),
            (
                "a stocktake that found no difference",
                ledger(MoveKind::Recount, 0, None),
                true,
            ),
            (
                "terms alone",
                ledger(MoveKind::Recount, 0, terms("2027-06-30", 5)),
                true,
            ),
            (
                "terms with a receipt",
                ledger(MoveKind::Receive, 5, terms("2027-06-30", 5)),
                true,
            ),
            (
                "an expiry that is no date",
                ledger(MoveKind::Recount, 0, terms("明年", 5)),
                false,
            ),
            (
                "a negative minimum",
                ledger(MoveKind::Receive, 5, terms("2027-06-30", -1)),
                false,
            ),
        ];
        for (name, op, fine) in cases {
            assert_eq!(op.problem().is_none(), fine, "{name}: {:?}", op.problem());
        }
        // An old client's entry without terms reads as none; none are not written out.
        let text = serde_json::to_string(&ledger(MoveKind::Receive, 5, None)).unwrap();
        assert!(!text.contains("terms"));
        let back: Op = serde_json::from_str(&text).unwrap();
        assert_eq!(back, ledger(MoveKind::Receive, 5, None));
    }
}
