//! `reading`: monitoring readings, one row per station, element and observation time, merged
//! by the replicas' shared rule (`yitu_domain::sync::merge::reading`) whatever the order copies
//! arrive in; never deleted.

use super::Conn;
use crate::Error;
use sqlx::Row;
use yitu_domain::monitoring::{Element, Reading};

/// Merges `readings` in: a new key is added; a copy of a held one keeps the greater value and
/// is historical only when both were. `source` names where a new row came from.
pub(crate) async fn merge(
    conn: &mut Conn,
    source: &str,
    readings: &[Reading],
) -> Result<(), Error> {
    // 6 parameters a row: 150 rows stay under SQLite's default limit of 32,766.
    for chunk in readings.chunks(150) {
        let rows = vec!["(?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql = format!(
            "INSERT INTO reading (station, element, observed_at_ms, value, historical, source)
             VALUES {rows}
             ON CONFLICT (station, element, observed_at_ms) DO UPDATE SET
                 value = MAX(value, excluded.value),
                 historical = MIN(historical, excluded.historical)"
        );
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(&r.station)
                .bind(r.element.code())
                .bind(r.observed_at_ms)
                .bind(r.value)
                .bind(r.historical)
                .bind(source);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// A station's readings observed in `[from_ms, to_ms)`, oldest first.
pub(crate) async fn of_station(
    conn: &mut Conn,
    station: &str,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<Reading>, Error> {
    let rows = sqlx::query(
        "SELECT station, element, observed_at_ms, value, historical FROM reading
         WHERE station = ? AND observed_at_ms >= ? AND observed_at_ms < ?
         ORDER BY observed_at_ms, element",
    )
    .bind(station)
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(read).collect()
}

/// Every station's newest observation time, for health (离线 when a station went quiet).
pub(crate) async fn last_heard(conn: &mut Conn) -> Result<Vec<(String, i64)>, Error> {
    let rows = sqlx::query("SELECT station, MAX(observed_at_ms) FROM reading GROUP BY station")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Error::from)
}

/// How many readings are held.
pub(crate) async fn count(conn: &mut Conn) -> Result<u64, Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reading")
        .fetch_one(&mut *conn)
        .await?;
    Ok(n as u64)
}

fn read(r: &sqlx::sqlite::SqliteRow) -> Result<Reading, Error> {
    let code: String = r.try_get(1)?;
    Ok(Reading {
        station: r.try_get(0)?,
        element: Element::from_code(&code).ok_or_else(|| Error::Corrupt {
            id: format!("reading {code}"),
            source: <serde_json::Error as serde::de::Error>::custom("unknown element"),
        })?,
        observed_at_ms: r.try_get(2)?,
        value: r.try_get(3)?,
        historical: r.try_get(4)?,
    })
}
