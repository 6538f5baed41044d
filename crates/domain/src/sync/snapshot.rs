//! The compacted snapshot a new desktop starts from instead of pulling every change since the
//! beginning: each record's writes that still matter, and the stock, log and decision-event
//! changes once each, consistent with one server cursor.
//!
//! A record write is left out when every field it set was *superseded*: written again, at a
//! later stamp, by a write whose base is at or after it. Such a write can never win again nor
//! be part of a conflict, and whatever replaced it is itself kept or superseded by a kept write
//! (stamps grow along the chain), so a replica holding the kept writes resolves every field
//! exactly as one holding them all, now and after any later change. That needs every base to
//! be earlier than its own write's stamp, which the hybrid clock gives an honest device and
//! `policy::admit` enforces. The kept writes are whole, as pushed (not cut down to their live
//! fields): a stamp then names the same text on every replica, which the same-stamp tie-break
//! compares. The server folds the record writes from their stored text ([`live`] over its own
//! [`Written`]); the other changes go through [`Entries`].

use super::change::{Change, FieldWrite, Op};
use super::Stamp;
use crate::EntityId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The snapshot's first line: the cursor it is consistent with (pull from there next) and how
/// many record lines, then change lines, follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotHead {
    pub cursor: u64,
    pub records: u64,
    pub changes: u64,
}

/// One record's writes that still matter, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordWrites {
    pub collection: super::Collection,
    pub id: EntityId,
    pub writes: Vec<RecordWrite>,
}

/// One write of a record's fields as it was pushed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordWrite {
    pub stamp: Stamp,
    pub author: String,
    pub fields: BTreeMap<String, FieldWrite>,
}

/// A record write as far as the compaction needs it: its stamp, and the base each of its
/// fields was written over.
pub trait Written {
    fn stamp(&self) -> &Stamp;
    fn bases(&self) -> Vec<(&str, Option<&Stamp>)>;
}

impl Written for RecordWrite {
    fn stamp(&self) -> &Stamp {
        &self.stamp
    }

    fn bases(&self) -> Vec<(&str, Option<&Stamp>)> {
        self.fields
            .iter()
            .map(|(name, f)| (name.as_str(), f.base.as_ref()))
            .collect()
    }
}

/// The writes of one record without those whose every field was superseded.
pub fn live<W: Written>(writes: Vec<W>) -> Vec<W> {
    if writes.len() < 2 {
        return writes;
    }
    // Per field, the newest base any write gave it: a write at stamp s superseded field f when
    // a later write's base for f is ≥ s. Bases are below their own stamps, so the later write
    // is found by the base alone.
    let mut newest_base: BTreeMap<&str, &Stamp> = BTreeMap::new();
    for w in &writes {
        for (name, base) in w.bases() {
            if let Some(b) = base {
                let e = newest_base.entry(name).or_insert(b);
                if b > *e {
                    *e = b;
                }
            }
        }
    }
    let keep: Vec<bool> = writes
        .iter()
        .map(|w| {
            w.bases()
                .iter()
                .any(|(name, _)| newest_base.get(name).is_none_or(|b| *b < w.stamp()))
        })
        .collect();
    writes
        .into_iter()
        .zip(keep)
        .filter_map(|(w, k)| k.then_some(w))
        .collect()
}

/// The stock, log and decision-event changes a snapshot carries: the first of each key in
/// server order. A replica pulling every change keeps the first it is given of each (`INSERT
/// OR IGNORE`), so the snapshot gives the same one.
#[derive(Debug, Default)]
pub struct Entries {
    changes: Vec<Change>,
    seen: BTreeSet<String>,
}

impl Entries {
    /// Adds the next such change in server order (a record write is not one: ignored).
    pub fn add(&mut self, change: Change) {
        let key = match &change.op {
            Op::Record { .. } => return,
            Op::Ledger { entry, .. } => format!("ledger/{}", entry.id),
            Op::Log { id, .. } => format!("log/{id}"),
            Op::Event { event } => format!("event/{}", event.hash),
            Op::Act { transition } => format!("act/{}", transition.id),
            Op::AlarmStep { step } => format!(
                "alarm/{}/{}",
                step.alarm(),
                serde_json::to_string(step).unwrap_or_default()
            ),
            // Readings merge by union and each replica keeps them by their own key, so every
            // batch is carried; one seen twice (a desk's import of what a station sent) is
            // merged again to the same rows.
            Op::Readings { .. } => {
                self.changes.push(change);
                return;
            }
        };
        if self.seen.insert(key) {
            self.changes.push(change);
        }
    }

    pub fn into_changes(self) -> Vec<Change> {
        self.changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::{resolve, FieldOp};
    use proptest::prelude::*;
    use serde_json::json;

    fn st(ms: u64, node: &str) -> Stamp {
        Stamp {
            ms,
            counter: 0,
            node: node.into(),
        }
    }

    fn write(ms: u64, node: &str, fields: &[(&str, i64, Option<u64>)]) -> RecordWrite {
        RecordWrite {
            stamp: st(ms, node),
            author: node.into(),
            fields: fields
                .iter()
                .map(|(f, v, base)| {
                    (
                        f.to_string(),
                        FieldWrite {
                            value: json!(v),
                            base: base.map(|b| st(b, "a")),
                        },
                    )
                })
                .collect(),
        }
    }

    /// Each field's winner and conflicting values, as a replica shows them.
    fn shown(writes: &[RecordWrite]) -> BTreeMap<String, (serde_json::Value, Vec<String>)> {
        let mut ops: BTreeMap<String, Vec<FieldOp>> = BTreeMap::new();
        for w in writes {
            for (name, f) in &w.fields {
                ops.entry(name.clone()).or_default().push(FieldOp {
                    stamp: w.stamp.clone(),
                    base: f.base.clone(),
                    value: f.value.clone(),
                    author: w.author.clone(),
                });
            }
        }
        ops.iter()
            .map(|(f, o)| {
                let r = resolve(o).unwrap();
                let c = r.conflicts.iter().map(|c| c.stamp.to_string()).collect();
                (f.clone(), (r.winner.value.clone(), c))
            })
            .collect()
    }

    #[test]
    fn a_write_whose_fields_were_all_replaced_is_left_out_and_a_conflict_kept() {
        let cases: [(&str, Vec<RecordWrite>, usize); 3] = [
            (
                "import then two edits of one field: the import keeps its other field",
                vec![
                    write(1, "a", &[("name", 1, None), ("capacity", 1, None)]),
                    write(2, "a", &[("capacity", 2, Some(1))]),
                    write(3, "a", &[("capacity", 3, Some(2))]),
                ],
                2,
            ),
            (
                "two concurrent edits of the same base are both kept (a conflict)",
                vec![
                    write(1, "a", &[("capacity", 1, None)]),
                    write(2, "b", &[("capacity", 2, Some(1))]),
                    write(3, "c", &[("capacity", 3, Some(1))]),
                ],
                2,
            ),
            (
                "a pick that saw both ends it: only the pick is left",
                vec![
                    write(2, "b", &[("capacity", 2, None)]),
                    write(3, "a", &[("capacity", 3, None)]),
                    write(4, "c", &[("capacity", 2, Some(3))]),
                ],
                1,
            ),
        ];
        for (name, writes, kept) in cases {
            let compact = live(writes.clone());
            assert_eq!(compact.len(), kept, "{name}");
            assert_eq!(shown(&compact), shown(&writes), "{name}");
        }
    }

    fn arb_history() -> impl Strategy<Value = Vec<RecordWrite>> {
        // Writes at increasing stamps; each field's base is some earlier write's stamp (or none).
        prop::collection::vec(
            (
                prop::sample::select(vec!["a", "b", "c"]),
                prop::collection::btree_map(
                    prop::sample::select(vec!["name", "capacity", "retired"]),
                    (0i64..3, prop::option::of(0usize..8)),
                    1..3,
                ),
            ),
            1..8,
        )
        .prop_map(|ws| {
            ws.into_iter()
                .enumerate()
                .map(|(i, (node, fields))| {
                    let ms = i as u64 + 1;
                    RecordWrite {
                        stamp: st(ms, node),
                        author: node.into(),
                        fields: fields
                            .into_iter()
                            .map(|(f, (v, base))| {
                                let base = base.filter(|b| (*b as u64) < i as u64).map(|b| Stamp {
                                    ms: b as u64 + 1,
                                    counter: 0,
                                    node: ["a", "b", "c"][b % 3].into(),
                                });
                                (
                                    f.to_string(),
                                    FieldWrite {
                                        value: json!(v),
                                        base,
                                    },
                                )
                            })
                            .collect(),
                    }
                })
                .collect()
        })
    }

    proptest! {
        /// Left-out writes change nothing now, nor after any later writes arrive.
        #[test]
        fn the_kept_writes_resolve_like_all_of_them(history in arb_history(), split in 0usize..8) {
            let split = split.min(history.len());
            let (before, after) = history.split_at(split);
            let mut compact = live(before.to_vec());
            compact.extend_from_slice(after);
            prop_assert_eq!(shown(&compact), shown(&history));
        }
    }
}
