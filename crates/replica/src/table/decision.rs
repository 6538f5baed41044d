//! `decision`: decisions as JSON with their state and number. Before issue the body is the
//! working document; from issue on it is the exact bytes that were signed.

use super::Conn;
use crate::Error;
use yitu_domain::command::decision::Decision;
use yitu_domain::command::fold::Concurrent;
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

/// Writes a decision's row as its fold makes it: `body` is the working document, or the signed
/// bytes from issue on; a draft (no number yet) holds its id in the unique number column.
pub(crate) async fn upsert(
    conn: &mut Conn,
    d: &Decision,
    body: &str,
    concurrent: &str,
) -> Result<(), Error> {
    let number = if d.number.is_empty() {
        d.id.to_string()
    } else {
        d.number.clone()
    };
    sqlx::query(
        "INSERT INTO decision (id, incident_id, number, state, body, concurrent)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET number = excluded.number, state = excluded.state,
             body = excluded.body, concurrent = excluded.concurrent",
    )
    .bind(d.id.to_string())
    .bind(d.incident_id.to_string())
    .bind(number)
    .bind(d.state.code())
    .bind(body)
    .bind(concurrent)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The acts two desks took at once on a decision, as its fold last found them.
pub(crate) async fn concurrent(conn: &mut Conn, id: EntityId) -> Result<Vec<Concurrent>, Error> {
    let text: Option<String> = sqlx::query_scalar("SELECT concurrent FROM decision WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    match text {
        Some(t) => serde_json::from_str(&t).map_err(corrupt(id)),
        None => Ok(vec![]),
    }
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

/// Every decision in force (issued, not yet completed, withdrawn or superseded).
pub(crate) async fn in_force(conn: &mut Conn) -> Result<Vec<Decision>, Error> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, body FROM decision WHERE state = 'issued' ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
    rows.into_iter()
        .map(|(id, body)| {
            let id = EntityId::parse(&id)?;
            let mut d: Decision = serde_json::from_str(&body).map_err(corrupt(id))?;
            d.state = DecisionState::Issued;
            Ok(d)
        })
        .collect()
}
