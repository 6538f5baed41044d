//! The snapshot a new desktop starts from (`GET /v1/snapshot`): every change up to the log's
//! head folded by `yitu_domain::sync::snapshot`, written as JSON lines (a head line, one line per
//! record, one per stock, log or event change) and compressed with zstd as it is written, so the
//! desktop can apply it in batches as it decompresses instead of holding it all parsed.

use crate::store::Store;
use crate::Error;
use sqlx::Row;
use std::io::Write;
use yitu_domain::sync::snapshot::{Fold, SnapshotHead};
use yitu_domain::sync::Change;

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

    /// The fold of every change up to the head, compressed. Read in one transaction, the head
    /// first: pushes update the head row in the transaction that stores their changes, so every
    /// change up to a committed head is there to read, and nothing later is taken.
    pub async fn snapshot(&self) -> Result<Vec<u8>, Error> {
        let mut tx = self.pool().begin().await?;
        let head: i64 = sqlx::query_scalar("SELECT seq FROM log_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let mut fold = Fold::default();
        let mut after = 0i64;
        while after < head {
            let rows = sqlx::query(
                "SELECT server_seq, body FROM sync_change
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
                let body: String = row.try_get(1)?;
                let change: Change = serde_json::from_str(&body).map_err(Error::Corrupt)?;
                fold.add(change);
            }
        }
        tx.commit().await?;
        // Encoding is CPU work of a second or so for a large district: off the async workers.
        tokio::task::spawn_blocking(move || encode(head as u64, fold))
            .await
            .map_err(|e| Error::BadRequest(format!("the snapshot could not be made: {e}")))?
    }
}

fn encode(cursor: u64, fold: Fold) -> Result<Vec<u8>, Error> {
    let (records, changes) = fold.finish();
    let head = SnapshotHead {
        cursor,
        records: records.len() as u64,
        changes: changes.len() as u64,
    };
    let mut out = zstd::stream::write::Encoder::new(Vec::new(), 3).map_err(unencodable)?;
    line(&mut out, &head)?;
    for r in &records {
        line(&mut out, r)?;
    }
    for c in &changes {
        line(&mut out, c)?;
    }
    out.finish().map_err(unencodable)
}

fn line<T: serde::Serialize>(out: &mut impl Write, value: &T) -> Result<(), Error> {
    serde_json::to_writer(&mut *out, value).map_err(Error::Corrupt)?;
    out.write_all(b"\n").map_err(unencodable)
}

fn unencodable(e: std::io::Error) -> Error {
    Error::BadRequest(format!("the snapshot could not be encoded: {e}"))
}
