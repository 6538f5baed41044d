//! `alarm_step`: what desks did about alarms, append-only; a step is its own key (its JSON), so
//! a step pulled twice or pushed again is kept once.

use super::Conn;
use crate::Error;
use yitu_domain::monitoring::Step;

pub(crate) async fn insert_if_absent(conn: &mut Conn, step: &Step) -> Result<(), Error> {
    let body = serde_json::to_string(step).map_err(|source| Error::Corrupt {
        id: step.alarm().to_string(),
        source,
    })?;
    sqlx::query("INSERT OR IGNORE INTO alarm_step (body, alarm_id, at_ms) VALUES (?, ?, ?)")
        .bind(body)
        .bind(step.alarm().to_string())
        .bind(step.at_ms())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Every step held, in time order.
pub(crate) async fn all(conn: &mut Conn) -> Result<Vec<Step>, Error> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT alarm_id, body FROM alarm_step ORDER BY at_ms, body")
            .fetch_all(&mut *conn)
            .await?;
    rows.into_iter()
        .map(|(id, body)| {
            serde_json::from_str(&body).map_err(|source| Error::Corrupt { id, source })
        })
        .collect()
}
