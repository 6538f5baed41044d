//! `town`: the district's towns and their schematic anchors, seeded once.

use super::Conn;
use crate::Error;
use yitu_domain::LonLat;

pub(crate) async fn insert_if_absent(
    conn: &mut Conn,
    code: &str,
    name: &str,
    anchor: Option<LonLat>,
) -> Result<(), Error> {
    sqlx::query("INSERT OR IGNORE INTO town (code, name, lon, lat) VALUES (?, ?, ?, ?)")
        .bind(code)
        .bind(name)
        .bind(anchor.map(|p| p.lon))
        .bind(anchor.map(|p| p.lat))
        .execute(&mut *conn)
        .await?;
    Ok(())
}
