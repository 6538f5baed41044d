//! `meta`: the store's own small facts by key (the sync node id, the clock's last stamp, the
//! sync cursor, the demo seed).

use super::Conn;
use crate::Error;

pub(crate) async fn get(conn: &mut Conn, key: &str) -> Result<Option<String>, Error> {
    Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = ?")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?)
}

pub(crate) async fn set(conn: &mut Conn, key: &str, value: &str) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Sets `key` only if it has no value yet; whether it was set.
pub(crate) async fn set_once(conn: &mut Conn, key: &str, value: &str) -> Result<bool, Error> {
    let done = sqlx::query("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)")
        .bind(key)
        .bind(value)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// A counter kept as text (the cursor); 0 when unset or unreadable.
pub(crate) async fn get_u64(conn: &mut Conn, key: &str) -> Result<u64, Error> {
    Ok(get(conn, key)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}
