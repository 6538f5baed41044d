//! The merge rules, as functions of the set of changes seen: any order, duplication or
//! re-delivery of the same changes gives the same state.
//!
//! - A record's field: the write with the highest stamp wins. A write *replaced* another when its
//!   base (the stamp it saw) is at or after that write's stamp. Writes no other write replaced are
//!   the field's heads; heads other than the winner holding another value are conflicts, shown
//!   until someone writes the field again having seen them (the pick is a new change).
//! - Stock: ledger entries by id, union; the balance is their fold.
//! - Incident logs: entries by id, union.

use super::change::{Change, Collection, FieldWrite, Op, RETIRED};
use super::Stamp;
use crate::monitoring::ReadingKey;
use crate::stock::{Balance, LedgerEntry};
use crate::EntityId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One write of one field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldOp {
    pub stamp: Stamp,
    pub base: Option<Stamp>,
    pub value: serde_json::Value,
    /// Who wrote it, so a conflict can say whose version is whose.
    #[serde(default)]
    pub author: String,
}

/// A field's value after the merge, and the concurrent writes it conflicts with.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved<'a> {
    pub winner: &'a FieldOp,
    pub conflicts: Vec<&'a FieldOp>,
}

/// Resolves one field from every write of it that is known (in any order; duplicates allowed).
pub fn resolve(ops: &[FieldOp]) -> Option<Resolved<'_>> {
    let winner = ops.iter().max_by(|a, b| order(a, b))?;
    let replaced = |o: &FieldOp| {
        ops.iter()
            .any(|p| p.stamp != o.stamp && p.base.as_ref().is_some_and(|b| *b >= o.stamp))
    };
    let mut conflicts: Vec<&FieldOp> = ops
        .iter()
        .filter(|o| o.stamp != winner.stamp && o.value != winner.value && !replaced(o))
        .collect();
    conflicts.sort_by(|a, b| order(a, b));
    conflicts.dedup_by(|a, b| a.stamp == b.stamp);
    Some(Resolved { winner, conflicts })
}

/// Stamp order; two writes with one stamp (only a broken device makes them) are ordered by
/// value text, so every replica still picks the same one.
fn order(a: &FieldOp, b: &FieldOp) -> std::cmp::Ordering {
    a.stamp
        .cmp(&b.stamp)
        .then_with(|| a.value.to_string().cmp(&b.value.to_string()))
}

/// The fields of one record change as field writes.
pub fn field_ops(change: &Change) -> Vec<(String, FieldOp)> {
    match &change.op {
        Op::Record { fields, .. } => fields
            .iter()
            .map(|(name, w)| {
                (
                    name.clone(),
                    FieldOp {
                        stamp: change.stamp.clone(),
                        base: w.base.clone(),
                        value: w.value.clone(),
                        author: change.author.clone(),
                    },
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

type RecordKey = (Collection, EntityId);

fn text<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Every change seen, kept as sets: the reference the server's state and the property tests use.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Each record's writes by stamp: (author, fields as text). A stamp names one change; should
    /// a broken device send two different changes under one stamp, every replica keeps the same
    /// one (the greater fields text), whatever the order they arrive in. The replica's
    /// `record_op` table keeps the same rule.
    records: BTreeMap<RecordKey, BTreeMap<Stamp, Write>>,
    ledger: BTreeMap<EntityId, LedgerEntry>,
    logs: BTreeMap<EntityId, (EntityId, serde_json::Value)>,
    /// Decision events by hash (a hash names its content).
    events: BTreeMap<String, (EntityId, i64)>,
    /// Each decision's acts with their stamps, by decision (a re-delivery is folded away).
    acts: BTreeMap<EntityId, Vec<crate::command::fold::Stamped>>,
    /// Readings by their key: (value, historical) as [`reading`] merges them.
    readings: BTreeMap<ReadingKey, (f64, bool)>,
    /// Alarm steps as their text (a step names itself whole: a repeat is the same text).
    alarm_steps: BTreeSet<String>,
}

/// Two copies of one reading (station, element and observation time alike) merged: the greater
/// value, historical only when both are. Commutative, associative and idempotent, so replicas
/// agree whatever order copies arrive in; a station's resent frame is the same copy, and a
/// live copy keeps its power to alarm whichever came first. The replica's `reading` table
/// keeps the same rule in SQL (`MAX` value, `MIN` historical).
pub fn reading(a: (f64, bool), b: (f64, bool)) -> (f64, bool) {
    (
        if b.0.total_cmp(&a.0).is_gt() {
            b.0
        } else {
            a.0
        },
        a.1 && b.1,
    )
}

/// One record's writes resolved field by field: what every replica and the server's view show
/// of it. Written once here; the replica's store and [`State::view`] both use it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merged {
    /// Each field's winning value.
    pub winners: BTreeMap<String, serde_json::Value>,
    /// The newest winning stamp (none: no write yet).
    pub newest: Option<Stamp>,
    /// Fields in conflict, each with its heads, the winner first.
    pub conflicts: Vec<(String, Vec<FieldOp>)>,
    /// Some field has more than one write (so conflicts may have existed before).
    pub several: bool,
}

/// Resolves a record's writes, field by field.
pub fn record(ops: &BTreeMap<String, Vec<FieldOp>>) -> Merged {
    let mut m = Merged {
        several: ops.values().any(|w| w.len() > 1),
        ..Merged::default()
    };
    for (field, fops) in ops {
        let Some(r) = resolve(fops) else { continue };
        m.winners.insert(field.clone(), r.winner.value.clone());
        if m.newest.as_ref().is_none_or(|n| r.winner.stamp > *n) {
            m.newest = Some(r.winner.stamp.clone());
        }
        if !r.conflicts.is_empty() {
            let heads = std::iter::once(r.winner)
                .chain(r.conflicts.iter().copied())
                .cloned()
                .collect();
            m.conflicts.push((field.clone(), heads));
        }
    }
    m
}

/// One record write as kept: who made it, and its fields (with their text, the tie-break).
#[derive(Debug, Clone)]
struct Write {
    author: String,
    text: String,
    fields: BTreeMap<String, FieldWrite>,
}

/// What a state shows: each record's fields, conflicts, balances, ledger and log entries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct View {
    /// (collection, id) → field → value; `retired` among them once set.
    pub records: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
    /// "collection/id/field" of every field in conflict.
    pub conflicts: BTreeSet<String>,
    /// "depot/code" → balance.
    pub balances: BTreeMap<String, Balance>,
    pub ledger_entries: BTreeSet<String>,
    /// log entry id → incident id.
    pub logs: BTreeMap<String, String>,
    /// Decision event hashes → "incident/seq".
    #[serde(default)]
    pub events: BTreeMap<String, String>,
    /// Decision id → its state and number as its acts fold ("issued 合川现指〔2026〕7C2A9F-1号").
    #[serde(default)]
    pub decisions: BTreeMap<String, String>,
    /// "station/element/observed_ms" → "value" (", historical" after it when it is).
    #[serde(default)]
    pub readings: BTreeMap<String, String>,
    /// Every alarm step, as its JSON.
    #[serde(default)]
    pub alarm_steps: BTreeSet<String>,
}

impl State {
    /// Adds one change; adding it again changes nothing.
    pub fn apply(&mut self, change: &Change) {
        match &change.op {
            Op::Record {
                collection,
                id,
                fields,
            } => {
                let record = self.records.entry((*collection, *id)).or_default();
                let new = Write {
                    author: change.author.clone(),
                    text: text(fields),
                    fields: fields.clone(),
                };
                if record
                    .get(&change.stamp)
                    .is_none_or(|old| new.text > old.text)
                {
                    record.insert(change.stamp.clone(), new);
                }
            }
            // Ids are unique in practice; should a broken device reuse one, every replica keeps
            // the same of the two (the greater text), whatever the order.
            Op::Ledger { entry, .. } => {
                let keep = match self.ledger.get(&entry.id) {
                    Some(old) => text(entry) > text(old),
                    None => true,
                };
                if keep {
                    self.ledger.insert(entry.id, entry.clone());
                }
            }
            Op::Event { event } => {
                self.events
                    .insert(event.hash.clone(), (event.incident_id, event.seq));
            }
            Op::Act { transition } => {
                if let Some(e) = &transition.event {
                    self.events.insert(e.hash.clone(), (e.incident_id, e.seq));
                }
                self.acts.entry(transition.decision).or_default().push(
                    crate::command::fold::Stamped {
                        stamp: change.stamp.clone(),
                        t: (**transition).clone(),
                    },
                );
            }
            Op::AlarmStep { step } => {
                self.alarm_steps
                    .insert(serde_json::to_string(step).unwrap_or_default());
            }
            Op::Readings { readings, .. } => {
                for r in readings {
                    let copy = (r.value, r.historical);
                    self.readings
                        .entry(r.key())
                        .and_modify(|held| *held = reading(*held, copy))
                        .or_insert(copy);
                }
            }
            Op::Log { incident, id, body } => {
                let new = (*incident, body.clone());
                let keep = match self.logs.get(id) {
                    Some(old) => text(&new) > text(old),
                    None => true,
                };
                if keep {
                    self.logs.insert(*id, new);
                }
            }
        }
    }

    pub fn view(&self) -> View {
        let mut view = View::default();
        for ((collection, id), writes) in &self.records {
            let mut fields: BTreeMap<String, Vec<FieldOp>> = BTreeMap::new();
            for (stamp, write) in writes {
                for (name, w) in &write.fields {
                    fields.entry(name.clone()).or_default().push(FieldOp {
                        stamp: stamp.clone(),
                        base: w.base.clone(),
                        value: w.value.clone(),
                        author: write.author.clone(),
                    });
                }
            }
            let merged = record(&fields);
            for (field, _) in &merged.conflicts {
                view.conflicts.insert(format!("{collection}/{id}/{field}"));
            }
            let values = merged.winners;
            if *collection == Collection::Decisions {
                // What the decision holds is its fold's: reservations and places are effects of
                // its acts, never entries of their own.
                if let Ok(draft) = crate::command::draft::from_fields(*id, &values) {
                    let acts = self.acts.get(id).map(Vec::as_slice).unwrap_or_default();
                    let f = crate::command::fold::fold(&draft, acts);
                    for m in &f.moves {
                        let key = format!("{}/{}", m.what.depot_id, m.what.code.as_str());
                        let b = view.balances.entry(key).or_default();
                        *b = b.apply(m.what.kind, m.what.quantity);
                    }
                    view.decisions.insert(
                        id.to_string(),
                        format!("{} {}", f.decision.state, f.decision.number),
                    );
                }
            }
            view.records.insert(format!("{collection}/{id}"), values);
        }
        for entry in self.ledger.values() {
            let key = format!("{}/{}", entry.depot_id, entry.code.as_str());
            let b = view.balances.entry(key).or_default();
            *b = b.apply(entry.kind, entry.quantity);
            view.ledger_entries.insert(entry.id.to_string());
        }
        for (id, (incident, _)) in &self.logs {
            view.logs.insert(id.to_string(), incident.to_string());
        }
        for (hash, (incident, seq)) in &self.events {
            view.events
                .insert(hash.clone(), format!("{incident}/{seq}"));
        }
        view.alarm_steps = self.alarm_steps.clone();
        for (k, (value, historical)) in &self.readings {
            view.readings.insert(
                format!("{}/{}/{}", k.station, k.element.code(), k.observed_at_ms),
                format!("{value}{}", if *historical { ", historical" } else { "" }),
            );
        }
        view
    }
}

impl View {
    /// Whether a record is retired (its tombstone set and winning).
    pub fn retired(&self, key: &str) -> bool {
        self.records
            .get(key)
            .and_then(|f| f.get(RETIRED))
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stock::material::MaterialCode;
    use crate::stock::MoveKind;
    use proptest::prelude::*;
    use serde_json::json;

    fn st(ms: u64, node: &str) -> Stamp {
        Stamp {
            ms,
            counter: 0,
            node: node.into(),
        }
    }

    fn op(ms: u64, node: &str, base: Option<u64>, value: i64) -> FieldOp {
        FieldOp {
            stamp: st(ms, node),
            base: base.map(|b| st(b, "c")),
            value: json!(value),
            author: node.into(),
        }
    }

    #[test]
    fn later_edit_that_saw_the_earlier_one_wins_without_conflict() {
        let ops = [op(1, "c", None, 1), op(5, "a", Some(1), 2)];
        let r = resolve(&ops).unwrap();
        assert_eq!(r.winner.value, json!(2));
        assert!(r.conflicts.is_empty());
    }

    #[test]
    fn two_edits_from_the_same_base_conflict_and_the_later_stamp_wins() {
        let ops = [
            op(1, "c", None, 1),
            op(5, "a", Some(1), 2),
            op(4, "b", Some(1), 3),
        ];
        let r = resolve(&ops).unwrap();
        assert_eq!(r.winner.value, json!(2));
        assert_eq!(r.conflicts.len(), 1);
        assert_eq!(r.conflicts[0].value, json!(3));
    }

    #[test]
    fn same_value_written_twice_is_no_conflict() {
        let ops = [op(5, "a", Some(1), 2), op(4, "b", Some(1), 2)];
        assert!(resolve(&ops).unwrap().conflicts.is_empty());
    }

    #[test]
    fn copies_of_one_reading_keep_the_greater_value_and_alarm_if_either_was_live() {
        let cases = [
            ((1.0, true), (2.0, true), (2.0, true)),
            ((2.0, false), (1.0, true), (2.0, false)),
            ((1.5, true), (1.5, false), (1.5, false)),
            ((-0.5, true), (-1.0, true), (-0.5, true)),
        ];
        for (a, b, want) in cases {
            assert_eq!(reading(a, b), want);
            assert_eq!(reading(b, a), want);
            assert_eq!(reading(reading(a, b), b), want);
        }
    }

    #[test]
    fn a_pick_that_saw_both_versions_ends_the_conflict() {
        let mut ops = vec![op(5, "a", Some(1), 2), op(4, "b", Some(1), 3)];
        ops.push(FieldOp {
            stamp: st(6, "b"),
            base: Some(st(5, "a")),
            value: json!(3),
            author: "b".into(),
        });
        let r = resolve(&ops).unwrap();
        assert_eq!(r.winner.value, json!(3));
        assert!(r.conflicts.is_empty());
    }

    // Property test of the merge rules: a random history of changes from three devices (field
    // edits with bases, retirements, stock movements, log entries), applied in any order with
    // duplicates, gives the same view.
    fn arb_change() -> impl Strategy<Value = Change> {
        let node = prop::sample::select(vec!["a", "b", "c"]);
        let record = 0u8..3;
        let field = prop::sample::select(vec!["name", "capacity", RETIRED]);
        (
            node,
            1u64..40,
            0u32..3,
            prop_oneof![
                (record, field, 0i64..4, prop::option::of(1u64..40)).prop_map(|(r, f, v, b)| {
                    let value = if f == RETIRED {
                        json!(v % 2 == 0)
                    } else {
                        json!(v)
                    };
                    (0u8, r, f, value, b, 0i64)
                }),
                (0u8..3, 1i64..50).prop_map(|(r, q)| (1u8, r, "", json!(null), None, q)),
                (0u8..3).prop_map(|r| (2u8, r, "", json!(null), None, 0)),
                // Readings: few keys, so copies of one key with other values and lateness meet.
                (0u8..2, 0i64..3).prop_map(|(r, q)| (3u8, r, "", json!(null), None, q)),
            ],
        )
            .prop_map(|(node, ms, counter, (kind, r, f, value, base, q))| {
                let stamp = Stamp {
                    ms,
                    counter,
                    node: node.into(),
                };
                let rid = EntityId::v7(u64::from(r) + 1, [r; 10]);
                let eid = EntityId::v7(
                    ms,
                    [counter as u8, r, 0, 0, 0, 0, 0, 0, 0, node.as_bytes()[0]],
                );
                let op = match kind {
                    0 => Op::Record {
                        collection: Collection::Shelters,
                        id: rid,
                        fields: [(
                            f.to_string(),
                            FieldWrite {
                                value,
                                base: base.map(|b| Stamp {
                                    ms: b,
                                    counter: 0,
                                    node: "a".into(),
                                }),
                            },
                        )]
                        .into(),
                    },
                    1 => Op::Ledger {
                        entry: LedgerEntry {
                            id: eid,
                            depot_id: rid,
                            code: MaterialCode::parse("1010301").unwrap(),
                            kind: if q % 2 == 0 {
                                MoveKind::Issue
                            } else {
                                MoveKind::Receive
                            },
                            quantity: q,
                            at_ms: ms as i64,
                            note: String::new(),
                        },
                        name: "棉被".into(),
                        unit: "床".into(),
                        terms: None,
                    },
                    2 => Op::Log {
                        incident: rid,
                        id: eid,
                        body: json!({"text": "续报"}),
                    },
                    _ => Op::Readings {
                        source: node.into(),
                        readings: vec![crate::monitoring::Reading {
                            station: format!("00000000{r}"),
                            element: crate::monitoring::Element::PeriodRain { minutes: 60 },
                            observed_at_ms: 946_684_800_000 + (ms as i64 % 3) * 3_600_000,
                            value: q as f64 + f64::from(counter) / 2.0,
                            historical: counter % 2 == 0,
                        }],
                    },
                };
                Change {
                    seq: 0,
                    stamp,
                    author: node.into(),
                    op,
                }
            })
    }

    proptest! {
        #[test]
        fn any_order_duplication_or_redelivery_gives_the_same_view(
            changes in prop::collection::vec(arb_change(), 1..30),
            order in any::<prop::sample::Index>(),
            dups in prop::collection::vec(any::<prop::sample::Index>(), 0..10),
        ) {
            let mut a = State::default();
            for c in &changes { a.apply(c); }

            // Another order (rotated and reversed) with some changes delivered again.
            let mut shuffled = changes.clone();
            let k = order.index(shuffled.len());
            shuffled.rotate_left(k);
            shuffled.reverse();
            for d in &dups { shuffled.push(changes[d.index(changes.len())].clone()); }
            let mut b = State::default();
            for c in &shuffled { b.apply(c); }
            // And the second state fed everything again: re-delivery.
            for c in &changes { b.apply(c); }
            prop_assert_eq!(a.view(), b.view());
        }

        #[test]
        fn stock_from_two_devices_is_the_sum_of_both(q1 in 1i64..100, q2 in 1i64..100) {
            let depot = EntityId::v7(1, [1; 10]);
            let issue = |id: u8, q: i64, node: &str| Change {
                seq: 1,
                stamp: Stamp { ms: 10, counter: 0, node: node.into() },
                author: node.into(),
                op: Op::Ledger {
                    entry: LedgerEntry {
                        id: EntityId::v7(10, [id; 10]),
                        depot_id: depot,
                        code: MaterialCode::parse("1010301").unwrap(),
                        kind: MoveKind::Issue,
                        quantity: q,
                        at_ms: 10,
                        note: String::new(),
                    },
                    name: "棉被".into(),
                    unit: "床".into(),
                    terms: None,
                },
            };
            let mut s = State::default();
            s.apply(&issue(1, q1, "a"));
            s.apply(&issue(2, q2, "b"));
            s.apply(&issue(1, q1, "a"));
            let v = s.view();
            prop_assert_eq!(v.balances.values().next().unwrap().on_hand, -(q1 + q2));
        }
    }
}
