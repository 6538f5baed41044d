//! `shelter_reservation`: places promised in a shelter by issued decisions (positive) and given
//! back when they end (negative), as each decision's fold makes them (rebuilt with it). The free
//! places are the shelter's minus their sum.

use super::Conn;
use crate::Error;
use yitu_domain::EntityId;

/// Removes what a decision's fold made, before the fold's places are written again.
pub(crate) async fn clear(conn: &mut Conn, decision: EntityId) -> Result<(), Error> {
    sqlx::query("DELETE FROM shelter_reservation WHERE decision_id = ?")
        .bind(decision.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn insert(
    conn: &mut Conn,
    id: EntityId,
    shelter: EntityId,
    decision: EntityId,
    people: i64,
    at_ms: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO shelter_reservation (id, shelter_id, decision_id, people, at_ms) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(shelter.to_string())
    .bind(decision.to_string())
    .bind(people)
    .bind(at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Places promised in a shelter now.
pub(crate) async fn promised(conn: &mut Conn, shelter: EntityId) -> Result<i64, Error> {
    Ok(sqlx::query_scalar(
        "SELECT coalesce(sum(people), 0) FROM shelter_reservation WHERE shelter_id = ?",
    )
    .bind(shelter.to_string())
    .fetch_one(&mut *conn)
    .await?)
}
