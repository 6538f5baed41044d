//! `decision_history`: every step taken on a decision — who, in which role, from which state to
//! which, with its note. Append-only.

use super::Conn;
use crate::Error;
use yitu_domain::EntityId;

/// One row of a decision's history (a reply the window reads: `yitu_ipc`).
pub use yitu_ipc::decision::HistoryRow;

pub(crate) async fn append(
    conn: &mut Conn,
    decision: EntityId,
    row: &HistoryRow,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO decision_history (decision_id, at_ms, actor, role, action, from_state, to_state, note)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(decision.to_string())
    .bind(row.at_ms)
    .bind(&row.actor)
    .bind(&row.role)
    .bind(&row.action)
    .bind(&row.from_state)
    .bind(&row.to_state)
    .bind(&row.note)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(crate) async fn of_decision(
    conn: &mut Conn,
    decision: EntityId,
) -> Result<Vec<HistoryRow>, Error> {
    let rows: Vec<(i64, String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT at_ms, actor, role, action, from_state, to_state, note FROM decision_history
         WHERE decision_id = ? ORDER BY seq",
    )
    .bind(decision.to_string())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(at_ms, actor, role, action, from_state, to_state, note)| HistoryRow {
                at_ms,
                actor,
                role,
                action,
                from_state,
                to_state,
                note,
            },
        )
        .collect())
}
