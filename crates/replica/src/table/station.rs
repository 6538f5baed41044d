//! `station`: the monitoring-station register as JSON, with the code its readings carry.
//! Written whole when registered here and rebuilt from its merged writes when changed
//! elsewhere; retired, never deleted.

use super::Conn;
use crate::Error;
use yitu_domain::monitoring::station::Station;

fn text(station: &Station) -> Result<String, Error> {
    serde_json::to_string(station).map_err(|source| Error::Corrupt {
        id: station.id.to_string(),
        source,
    })
}

/// Writes a station, new or replacing its row (with whether it is retired).
pub(crate) async fn upsert(conn: &mut Conn, station: &Station, retired: bool) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO station (id, code, body, retired) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET code = excluded.code, body = excluded.body,
           retired = excluded.retired",
    )
    .bind(station.id.to_string())
    .bind(&station.code)
    .bind(text(station)?)
    .bind(i64::from(retired))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Adds a station unless its id is held (the demo's, seeded at every start).
pub(crate) async fn insert_if_absent(conn: &mut Conn, station: &Station) -> Result<(), Error> {
    sqlx::query("INSERT OR IGNORE INTO station (id, code, body) VALUES (?, ?, ?)")
        .bind(station.id.to_string())
        .bind(&station.code)
        .bind(text(station)?)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The stored text of a station, retired or not.
pub(crate) async fn body(conn: &mut Conn, id: &str) -> Result<Option<String>, Error> {
    Ok(sqlx::query_scalar("SELECT body FROM station WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// The live id holding `code`, if one does (codes are unique among live stations).
pub(crate) async fn id_of_code(conn: &mut Conn, code: &str) -> Result<Option<String>, Error> {
    Ok(
        sqlx::query_scalar("SELECT id FROM station WHERE code = ? AND retired = 0 LIMIT 1")
            .bind(code)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// Every live station, by code.
pub(crate) async fn all_live(conn: &mut Conn) -> Result<Vec<Station>, Error> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, body FROM station WHERE retired = 0 ORDER BY code")
            .fetch_all(&mut *conn)
            .await?;
    rows.into_iter()
        .map(|(id, body)| {
            serde_json::from_str(&body).map_err(|source| Error::Corrupt { id, source })
        })
        .collect()
}
