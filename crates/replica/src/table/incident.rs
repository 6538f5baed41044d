//! `incident`: incidents as JSON, with the columns lists filter by. Written whole when recorded
//! here and rebuilt from their merged writes when changed elsewhere; retired, never deleted.

use super::Conn;
use crate::Error;
use yitu_domain::command::incident::Incident;
use yitu_domain::EntityId;

fn text(incident: &Incident) -> Result<String, Error> {
    serde_json::to_string(incident).map_err(|source| Error::Corrupt {
        id: incident.id.to_string(),
        source,
    })
}

/// Writes an incident, new or replacing its row (with whether it is retired).
pub(crate) async fn upsert(
    conn: &mut Conn,
    incident: &Incident,
    retired: bool,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO incident (id, body, kind, level, status, at_ms, lon, lat, retired)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body, kind = excluded.kind,
           level = excluded.level, status = excluded.status, at_ms = excluded.at_ms,
           lon = excluded.lon, lat = excluded.lat, retired = excluded.retired",
    )
    .bind(incident.id.to_string())
    .bind(text(incident)?)
    .bind(incident.kind.code())
    .bind(incident.level.code())
    .bind(incident.status.code())
    .bind(incident.at_ms)
    .bind(incident.point.lon)
    .bind(incident.point.lat)
    .bind(i64::from(retired))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The stored text of an incident, retired or not.
pub(crate) async fn body(conn: &mut Conn, id: &str) -> Result<Option<String>, Error> {
    Ok(sqlx::query_scalar("SELECT body FROM incident WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// A live incident.
pub(crate) async fn live(conn: &mut Conn, id: EntityId) -> Result<Option<Incident>, Error> {
    let body: Option<String> =
        sqlx::query_scalar("SELECT body FROM incident WHERE id = ? AND retired = 0")
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    body.map(|b| {
        serde_json::from_str(&b).map_err(|source| Error::Corrupt {
            id: id.to_string(),
            source,
        })
    })
    .transpose()
}

/// Whether a row of that id exists.
pub(crate) async fn exists(conn: &mut Conn, id: EntityId) -> Result<bool, Error> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM incident WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.is_some())
}

/// Every live incident, newest first.
pub(crate) async fn all_live(conn: &mut Conn) -> Result<Vec<Incident>, Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, body FROM incident WHERE retired = 0 ORDER BY at_ms DESC, id DESC",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(id, body)| {
            serde_json::from_str(&body).map_err(|source| Error::Corrupt { id, source })
        })
        .collect()
}
