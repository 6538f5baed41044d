//! `incident_log`: an incident's 续报, append-only.

use super::Conn;
use crate::Error;
use yitu_domain::command::incident::LogEntry;
use yitu_domain::EntityId;

/// Adds an entry made here.
pub(crate) async fn insert(conn: &mut Conn, entry: &LogEntry) -> Result<(), Error> {
    let body = serde_json::to_string(entry).map_err(|source| Error::Corrupt {
        id: entry.id.to_string(),
        source,
    })?;
    write(
        conn,
        "INSERT",
        entry.id,
        entry.incident_id,
        entry.at_ms,
        &entry.author,
        &body,
    )
    .await
}

/// Adds an entry made elsewhere, kept as its author wrote it, unless it is known.
pub(crate) async fn insert_if_absent(
    conn: &mut Conn,
    id: EntityId,
    incident: EntityId,
    at_ms: i64,
    author: &str,
    body: &str,
) -> Result<(), Error> {
    write(conn, "INSERT OR IGNORE", id, incident, at_ms, author, body).await
}

async fn write(
    conn: &mut Conn,
    verb: &str,
    id: EntityId,
    incident: EntityId,
    at_ms: i64,
    author: &str,
    body: &str,
) -> Result<(), Error> {
    sqlx::query(&format!(
        "{verb} INTO incident_log (id, incident_id, at_ms, author, body) VALUES (?, ?, ?, ?, ?)"
    ))
    .bind(id.to_string())
    .bind(incident.to_string())
    .bind(at_ms)
    .bind(author)
    .bind(body)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An incident's log, oldest first.
pub(crate) async fn of_incident(conn: &mut Conn, id: EntityId) -> Result<Vec<LogEntry>, Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, body FROM incident_log WHERE incident_id = ? ORDER BY at_ms, id",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(id, body)| {
            serde_json::from_str(&body).map_err(|source| Error::Corrupt { id, source })
        })
        .collect()
}
