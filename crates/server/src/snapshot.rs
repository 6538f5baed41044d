//! The snapshot a new desktop starts from (`GET /v1/snapshot`): every change up to the log's
//! head folded by the rules of `yitu_domain::sync::snapshot`, written as JSON lines (a head
//! line, one line per record, one per stock, log or event change) compressed with zstd, so the
//! desktop can apply it in batches as it decompresses instead of holding it all parsed.
//!
//! Record writes are folded from the text the server stored, not parsed into values and
//! written out again: reading a stamp, an author and each field's base is all the fold needs,
//! and the fields' text goes into the snapshot as it was pushed (parsing and re-encoding was
//! most of the time of a snapshot of 100,000 records).

use crate::store::Store;
use crate::Error;
use serde::Deserialize;
use serde_json::value::RawValue;
use sqlx::Row;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use yitu_domain::sync::snapshot::{live, Entries, SnapshotHead, Written};
use yitu_domain::sync::{Change, Collection, Stamp};

/// Rows read from the change log per query while folding.
const READ_PAGE: i64 = 10_000;

impl Store {
    /// The last change number taken (0 before any).
    pub async fn head(&self) -> Result<u64, Error> {
        let seq: i64 = sqlx::query_scalar("SELECT seq FROM log_head WHERE id = 1")
            .fetch_one(self.pool())
            .await?;
        Ok(seq as u64)
    }

    /// The fold of every change up to the head, compressed, whole.
    pub async fn snapshot(&self) -> Result<Vec<u8>, Error> {
        let (fold, head) = self.fold().await?;
        // Encoding is CPU work of a second or so for a large district: off the async workers.
        tokio::task::spawn_blocking(move || fold.encode(head, Vec::new()))
            .await
            .map_err(|e| Error::BadRequest(format!("the snapshot could not be made: {e}")))?
    }

    /// The snapshot in chunks, for `GET /v1/snapshot` to send each as it comes: the one this
    /// instance keeps while the log has grown by at most [`KEPT_WHILE`] changes since, else a
    /// new one, sent as it is compressed (the desktop applies the first records while the last
    /// are still encoded) and kept. A fault while encoding ends the chunks with an error (the
    /// response is cut; a cut snapshot is refused by the desktop, unapplied).
    pub async fn snapshot_chunks(
        &self,
    ) -> Result<(u64, mpsc::Receiver<Result<Vec<u8>, Error>>), Error> {
        if let Some((cursor, bytes)) = self.kept.fresh(self.head().await?) {
            let (tx, rx) = mpsc::channel(bytes.len() / CHUNK + 1);
            for chunk in bytes.chunks(CHUNK) {
                // Room for every chunk was made above.
                let _ = tx.try_send(Ok(chunk.to_vec()));
            }
            return Ok((cursor, rx));
        }
        let (fold, head) = self.fold().await?;
        let (tx, rx) = mpsc::channel(CHUNKS_AHEAD);
        let kept = self.kept.clone();
        tokio::task::spawn_blocking(move || {
            let sink = Chunks {
                tx: Some(tx.clone()),
                buf: Vec::with_capacity(CHUNK),
                whole: Vec::new(),
            };
            match fold.encode(head, sink).map(Chunks::finish) {
                Ok(whole) => kept.keep(head, whole),
                Err(e) => {
                    tracing::warn!(error = %e, "snapshot cut short");
                    let _ = tx.blocking_send(Err(e));
                }
            }
        });
        Ok((head, rx))
    }

    /// The rest, from byte `offset`, of the kept snapshot consistent with `cursor` (at most
    /// `length` bytes of it), and the whole snapshot's size: what a desk whose download was cut
    /// asks for. Refused when this instance keeps another one now (the desk starts again) or
    /// the offset is past its end.
    pub fn kept_snapshot_from(
        &self,
        cursor: u64,
        offset: u64,
        length: Option<u64>,
    ) -> Result<(Vec<u8>, u64), Error> {
        let kept = self
            .kept
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match &*kept {
            Some((c, bytes)) if *c == cursor => bytes
                .get(offset as usize..)
                .map(|rest| {
                    let n = length.map_or(rest.len(), |l| rest.len().min(l as usize));
                    (rest[..n].to_vec(), bytes.len() as u64)
                })
                .ok_or_else(|| {
                    Error::BadRequest(format!(
                        "offset {offset} is past the end of snapshot {cursor} ({} bytes)",
                        bytes.len()
                    ))
                }),
            _ => Err(Error::SnapshotGone { cursor }),
        }
    }

    /// Every change up to the log's head, folded, and that head. Read in one transaction, the
    /// head first: pushes update the head row in the transaction that stores their changes, so
    /// every change up to a committed head is there to read, and nothing later is taken.
    async fn fold(&self) -> Result<(Fold, u64), Error> {
        let mut tx = self.pool().begin().await?;
        let head: i64 = sqlx::query_scalar("SELECT seq FROM log_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let mut fold = Fold::default();
        let mut after = 0i64;
        while after < head {
            let rows = sqlx::query(
                "SELECT server_seq, kind, body FROM sync_change
                 WHERE server_seq > $1 AND server_seq <= $2 ORDER BY server_seq LIMIT $3",
            )
            .bind(after)
            .bind(head)
            .bind(READ_PAGE)
            .fetch_all(&mut *tx)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get(0)?;
            for row in &rows {
                let kind: &str = row.try_get(1)?;
                let body: &str = row.try_get(2)?;
                fold.add(kind, body)?;
            }
        }
        tx.commit().await?;
        Ok((fold, head as u64))
    }
}

/// Bytes per chunk of a streamed snapshot, and chunks made ahead of the connection.
const CHUNK: usize = 64 * 1024;
const CHUNKS_AHEAD: usize = 16;

/// How many changes the log may have grown by since the kept snapshot for it to be served: a
/// desktop that starts from it pulls them as pages (two of them at most), which costs far less
/// than folding the whole log again.
pub(crate) const KEPT_WHILE: u64 = 2_000;

/// The last snapshot this instance made and the cursor it is consistent with. Any snapshot
/// and the pages after its cursor give a desktop what pulling every change gives it, so an
/// older one is as correct as a new one; only what is left to pull differs. Kept in memory
/// (a few megabytes compressed for 100,000 records): each instance keeps its own.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeptSnapshot(Arc<Mutex<Option<Cursored>>>, Arc<AtomicBool>);

/// How long pushes must have paused before a snapshot is made ahead of time: an import pushed
/// in batches is folded once, after its last batch.
const QUIET: Duration = Duration::from_secs(2);

/// From what size of log snapshots are made ahead of time: the size from which desktops ask
/// for one (`yitu_replica::sync::SNAPSHOT_FROM`; the server does not depend on the replica).
pub(crate) const AHEAD_FROM: u64 = 5_000;

impl Store {
    /// After a push: when the log is large enough for new desktops to start from a snapshot and
    /// the kept one has fallen behind (or there is none), makes one in the background once
    /// pushes have paused for [`QUIET`], so the next new desktop is served it at once instead of
    /// waiting for the fold. One at a time per instance; a failure only leaves the old one.
    pub fn refresh_snapshot_later(&self) {
        if self.kept.1.swap(true, Ordering::AcqRel) {
            return;
        }
        let store = self.clone();
        tokio::spawn(async move {
            if let Err(e) = store.refresh_when_quiet().await {
                tracing::warn!(error = %e, "snapshot ahead of time not made");
            }
            store.kept.1.store(false, Ordering::Release);
        });
    }

    async fn refresh_when_quiet(&self) -> Result<(), Error> {
        let mut seen = self.head().await?;
        loop {
            tokio::time::sleep(QUIET).await;
            let now = self.head().await?;
            if now == seen {
                break;
            }
            seen = now;
        }
        if seen < AHEAD_FROM || self.kept.fresh(seen).is_some() {
            return Ok(());
        }
        let (fold, head) = self.fold().await?;
        let bytes = tokio::task::spawn_blocking(move || fold.encode(head, Vec::new()))
            .await
            .map_err(|e| Error::BadRequest(format!("the snapshot could not be made: {e}")))??;
        self.kept.keep(head, bytes);
        tracing::info!(cursor = head, "snapshot made ahead of time");
        Ok(())
    }

    /// The cursor of the snapshot this instance keeps, if any (tests, the bench).
    pub fn kept_snapshot_cursor(&self) -> Option<u64> {
        self.kept
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .as_ref()
            .map(|(cursor, _)| *cursor)
    }
}

/// A snapshot's compressed bytes and the cursor it is consistent with.
type Cursored = (u64, Arc<[u8]>);

impl KeptSnapshot {
    /// The kept snapshot and its cursor when the log's head is at most [`KEPT_WHILE`] changes
    /// past it.
    fn fresh(&self, head: u64) -> Option<Cursored> {
        let kept = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match &*kept {
            Some((cursor, bytes)) if head >= *cursor && head - cursor <= KEPT_WHILE => {
                Some((*cursor, bytes.clone()))
            }
            _ => None,
        }
    }

    /// Keeps a snapshot unless a later one is kept already.
    fn keep(&self, cursor: u64, bytes: Vec<u8>) {
        let mut kept = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if kept.as_ref().is_none_or(|(c, _)| *c <= cursor) {
            *kept = Some((cursor, bytes.into()));
        }
    }
}

/// Where a streamed snapshot's compressed bytes go: chunks sent as they fill, and the whole
/// kept to be served again.
struct Chunks {
    /// None once the desktop went away: the encoding goes on, so the snapshot is kept for the
    /// desk to resume its download from where its link was cut.
    tx: Option<mpsc::Sender<Result<Vec<u8>, Error>>>,
    buf: Vec<u8>,
    whole: Vec<u8>,
}

impl Chunks {
    fn send(&mut self) {
        let full = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        self.whole.extend_from_slice(&full);
        if self
            .tx
            .as_ref()
            .is_some_and(|tx| tx.blocking_send(Ok(full)).is_err())
        {
            self.tx = None;
        }
    }

    /// Sends what is left and gives the whole snapshot.
    fn finish(mut self) -> Vec<u8> {
        if !self.buf.is_empty() {
            self.send();
        }
        self.whole
    }
}

impl Write for Chunks {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK {
            self.send();
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A stored record change, borrowed from its text where it can be.
#[derive(Deserialize)]
struct StoredChange<'a> {
    #[serde(borrow)]
    stamp: Cow<'a, str>,
    #[serde(borrow)]
    author: Cow<'a, str>,
    #[serde(borrow)]
    op: StoredRecord<'a>,
}

#[derive(Deserialize)]
struct StoredRecord<'a> {
    collection: Collection,
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    fields: &'a RawValue,
}

/// Of a field write, only its base (the value stays in the text).
#[derive(Deserialize)]
struct StoredField<'a> {
    #[serde(borrow, default)]
    base: Option<Cow<'a, str>>,
}

/// One record write kept for the snapshot: its fields as pushed, and their bases read.
struct Kept {
    stamp: Stamp,
    author: String,
    fields: String,
    bases: Vec<(String, Option<Stamp>)>,
}

impl Written for Kept {
    fn stamp(&self) -> &Stamp {
        &self.stamp
    }

    fn bases(&self) -> Vec<(&str, Option<&Stamp>)> {
        self.bases
            .iter()
            .map(|(name, base)| (name.as_str(), base.as_ref()))
            .collect()
    }
}

#[derive(Default)]
struct Fold {
    /// (collection, id) → stamp → write: under one stamp the greater fields text, the rule of
    /// `yitu_domain::sync::State` and of the replica's `record_op`.
    records: BTreeMap<(Collection, String), BTreeMap<Stamp, Kept>>,
    entries: Entries,
}

impl Fold {
    fn add(&mut self, kind: &str, body: &str) -> Result<(), Error> {
        if kind != "record" {
            let change: Change = serde_json::from_str(body).map_err(Error::Corrupt)?;
            self.entries.add(change);
            return Ok(());
        }
        let change: StoredChange = serde_json::from_str(body).map_err(Error::Corrupt)?;
        let stamp = read_stamp(&change.stamp)?;
        let fields = change.op.fields.get();
        let writes = self
            .records
            .entry((change.op.collection, change.op.id.into_owned()))
            .or_default();
        if writes
            .get(&stamp)
            .is_some_and(|old| old.fields.as_str() >= fields)
        {
            return Ok(());
        }
        let parsed: BTreeMap<Cow<str>, StoredField> =
            serde_json::from_str(fields).map_err(Error::Corrupt)?;
        let bases = parsed
            .into_iter()
            .map(|(name, f)| {
                Ok((
                    name.into_owned(),
                    f.base.map(|b| read_stamp(&b)).transpose()?,
                ))
            })
            .collect::<Result<_, Error>>()?;
        writes.insert(
            stamp.clone(),
            Kept {
                stamp,
                author: change.author.into_owned(),
                fields: fields.to_owned(),
                bases,
            },
        );
        Ok(())
    }

    /// Writes the snapshot, compressed, into `sink` and gives it back.
    fn encode<W: Write>(self, cursor: u64, sink: W) -> Result<W, Error> {
        let changes = self.entries.into_changes();
        let head = SnapshotHead {
            cursor,
            records: self.records.len() as u64,
            changes: changes.len() as u64,
        };
        let mut out = zstd::stream::write::Encoder::new(sink, 3).map_err(unencodable)?;
        line(&mut out, &head)?;
        let mut text = String::new();
        for ((collection, id), writes) in self.records {
            // A `RecordWrites` line written around the stored fields text.
            let quote = |s: &str| serde_json::to_string(s).map_err(Error::Corrupt);
            text.clear();
            text.push_str("{\"collection\":");
            text.push_str(&quote(collection.code())?);
            text.push_str(",\"id\":");
            text.push_str(&quote(&id)?);
            text.push_str(",\"writes\":[");
            for (i, w) in live(writes.into_values().collect()).iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                text.push_str("{\"stamp\":\"");
                text.push_str(&w.stamp.to_string());
                text.push_str("\",\"author\":");
                text.push_str(&quote(&w.author)?);
                text.push_str(",\"fields\":");
                text.push_str(&w.fields);
                text.push('}');
            }
            text.push_str("]}\n");
            out.write_all(text.as_bytes()).map_err(unencodable)?;
        }
        for c in &changes {
            line(&mut out, c)?;
        }
        out.finish().map_err(unencodable)
    }
}

fn read_stamp(text: &str) -> Result<Stamp, Error> {
    text.parse()
        .map_err(|e| Error::BadRequest(format!("a stored change's stamp: {e}")))
}

fn line<T: serde::Serialize>(out: &mut impl Write, value: &T) -> Result<(), Error> {
    serde_json::to_writer(&mut *out, value).map_err(Error::Corrupt)?;
    out.write_all(b"\n").map_err(unencodable)
}

fn unencodable(e: std::io::Error) -> Error {
    Error::BadRequest(format!("the snapshot could not be encoded: {e}"))
}
