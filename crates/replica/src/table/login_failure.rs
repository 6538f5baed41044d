//! `login_failure`: wrong passwords in a row per user name, local to this desk (never synced).

use super::Conn;
use crate::Error;
use yitu_domain::command::login::Failures;

pub(crate) async fn get(conn: &mut Conn, name: &str) -> Result<Failures, Error> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT failures, last_ms FROM login_failure WHERE name = ?")
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(
        row.map_or_else(Failures::default, |(count, last_ms)| Failures {
            count: u32::try_from(count).unwrap_or(u32::MAX),
            last_ms,
        }),
    )
}

pub(crate) async fn set(conn: &mut Conn, name: &str, f: Failures) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO login_failure (name, failures, last_ms) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET failures = excluded.failures, last_ms = excluded.last_ms",
    )
    .bind(name)
    .bind(i64::from(f.count))
    .bind(f.last_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A right password: the count starts again.
pub(crate) async fn clear(conn: &mut Conn, name: &str) -> Result<(), Error> {
    sqlx::query("DELETE FROM login_failure WHERE name = ?")
        .bind(name)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
