//! `decision_ack`: each recipient's acknowledgement of an issued decision, once per recipient,
//! as the decision's fold keeps them (rebuilt with it).

use super::Conn;
use crate::Error;
use yitu_domain::EntityId;

/// An acknowledgement recorded for a recipient (a reply the window reads: `yitu_ipc`).
pub use yitu_ipc::decision::Ack;

/// Replaces a decision's acknowledgements by `acks`.
pub(crate) async fn replace(
    conn: &mut Conn,
    decision: EntityId,
    acks: &[Ack],
) -> Result<(), Error> {
    sqlx::query("DELETE FROM decision_ack WHERE decision_id = ?")
        .bind(decision.to_string())
        .execute(&mut *conn)
        .await?;
    for ack in acks {
        sqlx::query(
            "INSERT OR IGNORE INTO decision_ack
                 (decision_id, recipient, at_ms, recorded_by, desk, unaware_of_withdrawal,
                  arrived_at_ms, left_at_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(decision.to_string())
        .bind(&ack.recipient)
        .bind(ack.at_ms)
        .bind(&ack.recorded_by)
        .bind(&ack.desk)
        .bind(ack.unaware_of_withdrawal)
        .bind(ack.arrived_at_ms)
        .bind(ack.left_at_ms)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub(crate) async fn of_decision(conn: &mut Conn, decision: EntityId) -> Result<Vec<Ack>, Error> {
    type Row = (String, i64, String, String, bool, Option<i64>, Option<i64>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT recipient, at_ms, recorded_by, desk, unaware_of_withdrawal, arrived_at_ms,
                left_at_ms
         FROM decision_ack WHERE decision_id = ? ORDER BY at_ms, recipient",
    )
    .bind(decision.to_string())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                recipient,
                at_ms,
                recorded_by,
                desk,
                unaware_of_withdrawal,
                arrived_at_ms,
                left_at_ms,
            )| {
                Ack {
                    recipient,
                    at_ms,
                    recorded_by,
                    desk,
                    unaware_of_withdrawal,
                    arrived_at_ms,
                    left_at_ms,
                }
            },
        )
        .collect())
}

/// (decision, recipient) of every recipient of an order in force whose 撤离 is recorded.
pub(crate) async fn left_in_force(
    conn: &mut Conn,
) -> Result<std::collections::BTreeSet<(String, String)>, Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.decision_id, a.recipient FROM decision_ack a
         JOIN decision d ON d.id = a.decision_id
         WHERE d.state = 'issued' AND a.left_at_ms IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().collect())
}
