//! `outbox`: this replica's own changes, stamped and numbered densely (`seq`), waiting for the
//! server's answer (`outcome`: NULL until answered, `accepted`, or the refusal's code and reason).

use super::{marks, Conn};
use crate::Error;
use yitu_domain::sync::Stamp;

pub(crate) async fn append(
    conn: &mut Conn,
    stamp: &Stamp,
    author: &str,
    op_json: &str,
    at_ms: i64,
) -> Result<(), Error> {
    sqlx::query("INSERT INTO outbox (stamp, author, op, at_ms) VALUES (?, ?, ?, ?)")
        .bind(stamp.to_string())
        .bind(author)
        .bind(op_json)
        .bind(at_ms)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Up to `limit` unanswered changes, oldest first: (seq, stamp, author, op).
pub(crate) async fn pending(
    conn: &mut Conn,
    limit: i64,
) -> Result<Vec<(i64, String, String, String)>, Error> {
    Ok(sqlx::query_as(
        "SELECT seq, stamp, author, op FROM outbox WHERE outcome IS NULL ORDER BY seq LIMIT ?",
    )
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}

pub(crate) async fn pending_count(conn: &mut Conn) -> Result<u64, Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE outcome IS NULL")
        .fetch_one(&mut *conn)
        .await?;
    Ok(n as u64)
}

/// Marks changes accepted, one statement for a batch (≤ 500 of them).
pub(crate) async fn accept(conn: &mut Conn, seqs: &[i64]) -> Result<(), Error> {
    if seqs.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "UPDATE outbox SET outcome = 'accepted' WHERE seq IN ({})",
        marks(seqs.len())
    );
    let mut q = sqlx::query(&sql);
    for seq in seqs {
        q = q.bind(*seq);
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

/// Records the server's refusal of one change.
pub(crate) async fn refuse(conn: &mut Conn, seq: i64, outcome: &str) -> Result<(), Error> {
    sqlx::query("UPDATE outbox SET outcome = ? WHERE seq = ?")
        .bind(outcome)
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Changes the server refused: (seq, outcome).
pub(crate) async fn refused(conn: &mut Conn) -> Result<Vec<(i64, String)>, Error> {
    Ok(sqlx::query_as(
        "SELECT seq, outcome FROM outbox WHERE outcome IS NOT NULL AND outcome != 'accepted' ORDER BY seq",
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// Numbers the waiting changes again, densely from `after + 1` on, in their order (a desk
/// restored from a backup: the server holds other changes under their numbers). Answered
/// changes keep theirs (all below `after`). How many were numbered again.
pub(crate) async fn renumber_after(conn: &mut Conn, after: i64) -> Result<u64, Error> {
    let waiting: Vec<i64> =
        sqlx::query_scalar("SELECT seq FROM outbox WHERE outcome IS NULL ORDER BY seq")
            .fetch_all(&mut *conn)
            .await?;
    // Through negative numbers, so no two rows share a key midway.
    for (i, seq) in waiting.iter().enumerate() {
        sqlx::query("UPDATE outbox SET seq = ? WHERE seq = ?")
            .bind(-(after + 1 + i as i64))
            .bind(seq)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("UPDATE outbox SET seq = -seq WHERE seq < 0")
        .execute(&mut *conn)
        .await?;
    Ok(waiting.len() as u64)
}
