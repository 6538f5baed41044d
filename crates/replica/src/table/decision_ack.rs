//! `decision_ack`: each recipient's acknowledgement of an issued decision, once per recipient.

use super::Conn;
use crate::Error;
use yitu_domain::EntityId;

/// An acknowledgement recorded for a recipient (a reply the window reads: `yitu_ipc`).
pub use yitu_ipc::decision::Ack;

pub(crate) async fn insert(conn: &mut Conn, decision: EntityId, ack: &Ack) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO decision_ack (decision_id, recipient, at_ms, recorded_by) VALUES (?, ?, ?, ?)",
    )
    .bind(decision.to_string())
    .bind(&ack.recipient)
    .bind(ack.at_ms)
    .bind(&ack.recorded_by)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(crate) async fn of_decision(conn: &mut Conn, decision: EntityId) -> Result<Vec<Ack>, Error> {
    let rows: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT recipient, at_ms, recorded_by FROM decision_ack WHERE decision_id = ? ORDER BY at_ms, recipient",
    )
    .bind(decision.to_string())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(recipient, at_ms, recorded_by)| Ack {
            recipient,
            at_ms,
            recorded_by,
        })
        .collect())
}
