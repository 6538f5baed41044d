//! `warning`: warnings (预警) as JSON, each issue, update and lift a row of its own. Written
//! whole when issued here and rebuilt from merged writes when changed elsewhere.

use super::Conn;
use crate::Error;
use yitu_domain::monitoring::Warning;

/// Writes a warning, new or replacing its row.
pub(crate) async fn upsert(conn: &mut Conn, w: &Warning, retired: bool) -> Result<(), Error> {
    let body = serde_json::to_string(w).map_err(|source| Error::Corrupt {
        id: w.id.to_string(),
        source,
    })?;
    sqlx::query(
        "INSERT INTO warning (id, body, issued_at_ms, retired) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body,
           issued_at_ms = excluded.issued_at_ms, retired = excluded.retired",
    )
    .bind(w.id.to_string())
    .bind(body)
    .bind(w.issued_at_ms)
    .bind(i64::from(retired))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The stored text of a warning.
pub(crate) async fn body(conn: &mut Conn, id: &str) -> Result<Option<String>, Error> {
    Ok(sqlx::query_scalar("SELECT body FROM warning WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Every warning held, oldest issued first.
pub(crate) async fn all(conn: &mut Conn) -> Result<Vec<Warning>, Error> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, body FROM warning WHERE retired = 0 ORDER BY issued_at_ms, id")
            .fetch_all(&mut *conn)
            .await?;
    rows.into_iter()
        .map(|(id, body)| {
            serde_json::from_str(&body).map_err(|source| Error::Corrupt { id, source })
        })
        .collect()
}
