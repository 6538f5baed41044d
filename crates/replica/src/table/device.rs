//! `device`: the public keys this store knows (its own and those met through sync), against
//! which `verify` checks every signed event.

use super::Conn;
use crate::Error;

pub(crate) async fn insert_if_absent(
    conn: &mut Conn,
    public_key: &str,
    label: &str,
    at_ms: i64,
) -> Result<(), Error> {
    sqlx::query("INSERT OR IGNORE INTO device (public_key, label, created_at_ms) VALUES (?, ?, ?)")
        .bind(public_key)
        .bind(label)
        .bind(at_ms)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn public_keys(conn: &mut Conn) -> Result<Vec<String>, Error> {
    Ok(sqlx::query_scalar("SELECT public_key FROM device")
        .fetch_all(&mut *conn)
        .await?)
}
