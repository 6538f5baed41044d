//! A snapshot as it arrives from the server: decompressed, parsed and merged into rows on a
//! thread of its own while the store writes the batch before it, so reading and writing overlap
//! (on one thread each was about half of applying a snapshot of 100,000 records).

use super::record::{prepare, prepare_one, Incoming, Prepared};
use crate::table::record_op::OpRow;
use crate::Error;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{BufRead, Read};
use tokio::sync::mpsc;
use yitu_domain::sync::snapshot::SnapshotHead;
use yitu_domain::sync::{Change, Collection, FieldWrite, Stamp};
use yitu_domain::EntityId;

/// Records (or stock, log and event changes) parsed per batch.
const BATCH: u64 = 2_000;
/// Batches parsed ahead of the store: enough to keep both threads busy, little memory.
const AHEAD: usize = 2;

/// What the reading thread hands the store, in the snapshot's order.
pub(crate) enum Part {
    Head(SnapshotHead),
    Records(Vec<Record>),
    Changes(Vec<Change>),
}

/// A snapshot's record line (`yitu_domain::sync::snapshot::RecordWrites`) with what its
/// writes make on their own.
pub(crate) struct Record {
    pub collection: Collection,
    pub id: EntityId,
    pub writes: Vec<Write>,
    pub alone: Option<Prepared>,
}

/// One write of a snapshot record; `text` is its fields as the server sent them (its own serde
/// output of the pushed write, what `record_op` holds when pulled), not encoded again.
pub(crate) struct Write {
    pub stamp: Stamp,
    pub author: String,
    pub text: String,
}

impl Record {
    /// Each write's fields, parsed: only needed to merge with what the store holds.
    pub fn fields(&self) -> Result<Vec<BTreeMap<String, FieldWrite>>, Error> {
        self.writes
            .iter()
            .map(|w| serde_json::from_str(&w.text).map_err(bad))
            .collect()
    }

    /// The record's writes as the store applies writes from elsewhere, with their fields as
    /// [`fields`](Self::fields) gave them.
    pub fn incoming<'a>(&'a self, fields: &'a [BTreeMap<String, FieldWrite>]) -> Vec<Incoming<'a>> {
        self.writes
            .iter()
            .zip(fields)
            .map(|(w, fields)| Incoming {
                collection: self.collection,
                id: self.id,
                stamp: &w.stamp,
                author: &w.author,
                fields,
                text: Cow::Borrowed(&w.text),
            })
            .collect()
    }

    /// The record's writes as `record_op` keeps them.
    pub fn ops(&self) -> impl Iterator<Item = OpRow<'_>> {
        self.writes.iter().map(|w| OpRow {
            collection: self.collection,
            id: self.id,
            stamp: &w.stamp,
            author: &w.author,
            text: &w.text,
        })
    }
}

#[derive(Deserialize)]
struct Line {
    collection: Collection,
    id: EntityId,
    writes: Vec<LineWrite>,
}

#[derive(Deserialize)]
struct LineWrite {
    stamp: Stamp,
    author: String,
    fields: Box<RawValue>,
}

/// Starts reading a snapshot (zstd-compressed JSON lines) on a blocking thread. Its parts
/// arrive in order; a fault ends them with an error, and the reading stops early when the
/// receiver is dropped (the store gave up).
pub(crate) fn read(source: impl Read + Send + 'static) -> mpsc::Receiver<Result<Part, Error>> {
    let (tx, rx) = mpsc::channel(AHEAD);
    tokio::task::spawn_blocking(move || {
        if let Err(e) = parse(source, &tx) {
            let _ = tx.blocking_send(Err(e));
        }
    });
    rx
}

pub(crate) fn bad(why: impl std::fmt::Display) -> Error {
    Error::Sync(format!("bad snapshot from the server: {why}"))
}

/// A read that failed: the transport's own error when the body stopped coming (the server
/// went away mid-snapshot), else the bytes were not a snapshot.
fn unreadable(e: std::io::Error) -> Error {
    if !e.get_ref().is_some_and(|inner| inner.is::<Error>()) {
        return bad(e);
    }
    match e.into_inner().map(|inner| inner.downcast::<Error>()) {
        Some(Ok(ours)) => *ours,
        _ => unreachable!("checked to hold one of ours"),
    }
}

fn parse(source: impl Read, tx: &mpsc::Sender<Result<Part, Error>>) -> Result<(), Error> {
    let decoder = zstd::stream::read::Decoder::new(source).map_err(unreadable)?;
    let mut lines = std::io::BufReader::new(decoder).lines();
    let mut next_line = || -> Result<String, Error> {
        match lines.next() {
            Some(line) => line.map_err(unreadable),
            None => Err(bad("it ends early")),
        }
    };
    let head: SnapshotHead = serde_json::from_str(&next_line()?).map_err(bad)?;
    let (records, changes) = (head.records, head.changes);
    // A send fails only when the store stopped listening: nothing left to do.
    if tx.blocking_send(Ok(Part::Head(head))).is_err() {
        return Ok(());
    }
    let mut left = records;
    while left > 0 {
        let n = left.min(BATCH);
        let batch = (0..n)
            .map(|_| record(&next_line()?))
            .collect::<Result<Vec<_>, Error>>()?;
        if tx.blocking_send(Ok(Part::Records(batch))).is_err() {
            return Ok(());
        }
        left -= n;
    }
    let mut left = changes;
    while left > 0 {
        let n = left.min(BATCH);
        let batch = (0..n)
            .map(|_| serde_json::from_str(&next_line()?).map_err(bad))
            .collect::<Result<Vec<Change>, Error>>()?;
        if tx.blocking_send(Ok(Part::Changes(batch))).is_err() {
            return Ok(());
        }
        left -= n;
    }
    Ok(())
}

fn record(line: &str) -> Result<Record, Error> {
    let line: Line = serde_json::from_str(line).map_err(bad)?;
    let writes: Vec<Write> = line
        .writes
        .into_iter()
        .map(|w| Write {
            stamp: w.stamp,
            author: w.author,
            text: String::from(Box::<str>::from(w.fields)),
        })
        .collect();
    let mut r = Record {
        collection: line.collection,
        id: line.id,
        writes,
        alone: None,
    };
    let one = match &r.writes[..] {
        [w] if !matches!(
            r.collection,
            Collection::Incidents
                | Collection::Decisions
                | Collection::Stations
                | Collection::Warnings
        ) =>
        {
            prepare_one(r.collection, r.id, &w.text)
        }
        _ => None,
    };
    r.alone = match one {
        Some(prepared) => Some(prepared?),
        None => prepare(&r.incoming(&r.fields()?))?,
    };
    Ok(r)
}
