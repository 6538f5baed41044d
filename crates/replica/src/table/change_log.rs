//! `change_log`: who changed which record, when, how and from what source — the history a
//! record's card shows. Append-only.

use super::Conn;
use crate::Error;

/// One line of the log.
pub(crate) struct Entry<'a> {
    pub action: &'a str,
    pub layer: &'a str,
    pub record_id: String,
    pub diff: serde_json::Value,
    pub source: String,
}

/// Rows per statement (7 parameters each).
const ROWS_PER_STATEMENT: usize = 200;

/// Adds entries made by `actor` at `at_ms`, a few hundred to a statement.
pub(crate) async fn append(
    conn: &mut Conn,
    actor: &str,
    at_ms: i64,
    entries: &[Entry<'_>],
) -> Result<(), Error> {
    for chunk in entries.chunks(ROWS_PER_STATEMENT) {
        let tuples = vec!["(?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql = format!(
            "INSERT INTO change_log (at_ms, actor, action, layer, record_id, diff, source) VALUES {tuples}"
        );
        let mut q = sqlx::query(&sql);
        for e in chunk {
            q = q
                .bind(at_ms)
                .bind(actor)
                .bind(e.action)
                .bind(e.layer)
                .bind(&e.record_id)
                .bind(e.diff.to_string())
                .bind(&e.source);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// A record's log, oldest first: (at_ms, actor, action, diff).
pub(crate) async fn of_record(
    conn: &mut Conn,
    id: &str,
) -> Result<Vec<(i64, String, String, String)>, Error> {
    Ok(sqlx::query_as(
        "SELECT at_ms, actor, action, diff FROM change_log WHERE record_id = ? ORDER BY seq",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?)
}
