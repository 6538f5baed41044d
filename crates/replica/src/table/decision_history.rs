//! `decision_history`: a decision's sheet history — who, in which role, on which desk, from which
//! state to which, with its note and whether it applied. Rebuilt from the decision's fold each
//! time an act of it arrives (its rows are the fold's lines, in fold order).

use super::Conn;
use crate::Error;
use yitu_domain::EntityId;

/// One row of a decision's history (a reply the window reads: `yitu_ipc`).
pub use yitu_ipc::decision::HistoryRow;

/// Replaces a decision's rows by `rows`, in order.
pub(crate) async fn replace(
    conn: &mut Conn,
    decision: EntityId,
    rows: &[HistoryRow],
) -> Result<(), Error> {
    sqlx::query("DELETE FROM decision_history WHERE decision_id = ?")
        .bind(decision.to_string())
        .execute(&mut *conn)
        .await?;
    for row in rows {
        sqlx::query(
            "INSERT INTO decision_history (decision_id, at_ms, actor, role, action, from_state,
                 to_state, note, transition, desk, outcome, reason)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(decision.to_string())
        .bind(row.at_ms)
        .bind(&row.actor)
        .bind(&row.role)
        .bind(&row.action)
        .bind(&row.from_state)
        .bind(&row.to_state)
        .bind(&row.note)
        .bind(&row.transition)
        .bind(&row.desk)
        .bind(&row.outcome)
        .bind(&row.reason)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

type Row = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

pub(crate) async fn of_decision(
    conn: &mut Conn,
    decision: EntityId,
) -> Result<Vec<HistoryRow>, Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT at_ms, actor, role, action, from_state, to_state, note, transition, desk,
                outcome, reason
         FROM decision_history WHERE decision_id = ? ORDER BY seq",
    )
    .bind(decision.to_string())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                at_ms,
                actor,
                role,
                action,
                from_state,
                to_state,
                note,
                transition,
                desk,
                outcome,
                reason,
            )| {
                HistoryRow {
                    at_ms,
                    actor,
                    role,
                    action,
                    from_state,
                    to_state,
                    note,
                    transition,
                    desk,
                    outcome,
                    reason,
                }
            },
        )
        .collect())
}
