//! `decision_act`: every act on a decision this desk holds (made here or pulled), with the stamp
//! it was made under. Only added: a decision's state is the fold of these.

use super::Conn;
use crate::Error;
use yitu_domain::command::fold::Stamped;
use yitu_domain::command::transition::Transition;
use yitu_domain::sync::Stamp;
use yitu_domain::EntityId;

/// Keeps an act unless it is already here; whether it was new.
pub(crate) async fn insert_if_absent(
    conn: &mut Conn,
    stamp: &Stamp,
    t: &Transition,
) -> Result<bool, Error> {
    let body = serde_json::to_string(t).map_err(|e| Error::Sync(e.to_string()))?;
    let done = sqlx::query(
        "INSERT OR IGNORE INTO decision_act (id, decision_id, stamp, body) VALUES (?, ?, ?, ?)",
    )
    .bind(t.id.to_string())
    .bind(t.decision.to_string())
    .bind(stamp.to_string())
    .bind(body)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A decision's acts, in stamp order.
pub(crate) async fn of_decision(
    conn: &mut Conn,
    decision: EntityId,
) -> Result<Vec<Stamped>, Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT stamp, body FROM decision_act WHERE decision_id = ? ORDER BY stamp, id",
    )
    .bind(decision.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(stamp, body)| {
            Ok(Stamped {
                stamp: stamp.parse().map_err(|e| Error::Sync(format!("{e}")))?,
                t: serde_json::from_str(&body).map_err(|e| Error::Sync(e.to_string()))?,
            })
        })
        .collect()
}

/// How many orders this desk has signed within an incident (its next number is one more).
pub(crate) async fn issued_by_desk(
    conn: &mut Conn,
    incident: EntityId,
    desk: &str,
) -> Result<u32, Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM decision_act
         WHERE json_extract(body, '$.incident') = ? AND json_extract(body, '$.desk') = ?
           AND json_extract(body, '$.act.act') IN ('issue', 'sign', 'overrule', 'urgent')",
    )
    .bind(incident.to_string())
    .bind(desk)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n as u32)
}
