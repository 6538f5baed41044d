//! `decision`: decisions as JSON with their state and number. Before issue the body is the
//! working document; from issue on it is the exact bytes that were signed.

use super::Conn;
use crate::Error;
use yitu_domain::command::decision::Decision;
use yitu_domain::command::workflow::DecisionState;
use yitu_domain::EntityId;

fn corrupt(id: EntityId) -> impl FnOnce(serde_json::Error) -> Error {
    move |source| Error::Corrupt {
        id: id.to_string(),
        source,
    }
}

/// The working document's text (before issue).
pub(crate) fn text(d: &Decision) -> Result<String, Error> {
    serde_json::to_string(d).map_err(corrupt(d.id))
}

pub(crate) async fn insert(conn: &mut Conn, d: &Decision) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO decision (id, incident_id, number, state, body) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(d.id.to_string())
    .bind(d.incident_id.to_string())
    .bind(&d.number)
    .bind(d.state.code())
    .bind(text(d)?)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Sets the stored body (the working document, or the signed bytes at issue).
pub(crate) async fn set_body(conn: &mut Conn, id: EntityId, body: &str) -> Result<(), Error> {
    sqlx::query("UPDATE decision SET body = ? WHERE id = ?")
        .bind(body)
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn set_state(
    conn: &mut Conn,
    id: EntityId,
    state: DecisionState,
) -> Result<(), Error> {
    sqlx::query("UPDATE decision SET state = ? WHERE id = ?")
        .bind(state.code())
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A decision as stored (its state from the state column).
pub(crate) async fn get(conn: &mut Conn, id: EntityId) -> Result<Decision, Error> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT state, body FROM decision WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    let (state, body) = row.ok_or_else(|| Error::NotFound {
        what: "decision",
        id: id.to_string(),
    })?;
    let mut d: Decision = serde_json::from_str(&body).map_err(corrupt(id))?;
    d.state = DecisionState::from_code(&state)?;
    Ok(d)
}

/// How many numbers start with `prefix` (the year's orders so far).
pub(crate) async fn count_numbered(conn: &mut Conn, prefix: &str) -> Result<i64, Error> {
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM decision WHERE number LIKE ?")
            .bind(format!("{prefix}%"))
            .fetch_one(&mut *conn)
            .await?,
    )
}

/// An incident's decision ids, oldest first.
pub(crate) async fn ids_of_incident(
    conn: &mut Conn,
    incident: EntityId,
) -> Result<Vec<String>, Error> {
    Ok(
        sqlx::query_scalar("SELECT id FROM decision WHERE incident_id = ? ORDER BY id")
            .bind(incident.to_string())
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// Every decision as stored: (id, incident, state, body), by incident then id.
pub(crate) async fn all_rows(
    conn: &mut Conn,
) -> Result<Vec<(String, String, String, String)>, Error> {
    Ok(
        sqlx::query_as(
            "SELECT id, incident_id, state, body FROM decision ORDER BY incident_id, id",
        )
        .fetch_all(&mut *conn)
        .await?,
    )
}
