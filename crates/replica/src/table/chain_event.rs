//! `chain_event`: the signed, hash-chained events of issued decisions, per incident, named by
//! their hash (two desks signing at once both take the same place: the chain branches there).
//! The table refuses updates and deletes (triggers): events are only ever added.

use super::Conn;
use crate::Error;
use yitu_domain::command::chain::{Event, EventKind};
use yitu_domain::EntityId;

/// An event as stored, its ids and kind as text (an unreadable one is itself a changed byte,
/// which `verify` reports).
#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    pub incident_id: String,
    pub seq: i64,
    pub kind: String,
    pub decision_id: String,
    payload: String,
    author: String,
    device: String,
    at_ms: i64,
    prev_hash: String,
    hash: String,
    signature: String,
}

impl EventRow {
    pub(crate) fn event(self) -> Result<Event, Error> {
        Ok(Event {
            incident_id: EntityId::parse(&self.incident_id)?,
            seq: self.seq,
            kind: EventKind::from_code(&self.kind)?,
            decision_id: EntityId::parse(&self.decision_id)?,
            payload: self.payload,
            author: self.author,
            device: self.device,
            at_ms: self.at_ms,
            prev_hash: self.prev_hash,
            hash: self.hash,
            signature: self.signature,
        })
    }
}

const COLUMNS: &str =
    "incident_id, seq, kind, decision_id, payload, author, device, at_ms, prev_hash, hash, signature";

/// Adds an event signed here (its place in the chain must be free).
pub(crate) async fn insert(conn: &mut Conn, e: &Event) -> Result<(), Error> {
    write(conn, "INSERT", e).await
}

/// Adds an event signed elsewhere, kept as it was signed, unless it is already here.
pub(crate) async fn insert_if_absent(conn: &mut Conn, e: &Event) -> Result<(), Error> {
    write(conn, "INSERT OR IGNORE", e).await
}

async fn write(conn: &mut Conn, verb: &str, e: &Event) -> Result<(), Error> {
    sqlx::query(&format!(
        "{verb} INTO chain_event ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(e.incident_id.to_string())
    .bind(e.seq)
    .bind(e.kind.code())
    .bind(e.decision_id.to_string())
    .bind(&e.payload)
    .bind(&e.author)
    .bind(&e.device)
    .bind(e.at_ms)
    .bind(&e.prev_hash)
    .bind(&e.hash)
    .bind(&e.signature)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The last event of an incident's chain: (seq, hash).
pub(crate) async fn last(
    conn: &mut Conn,
    incident: EntityId,
) -> Result<Option<(i64, String)>, Error> {
    Ok(sqlx::query_as(
        "SELECT seq, hash FROM chain_event WHERE incident_id = ? ORDER BY seq DESC, hash LIMIT 1",
    )
    .bind(incident.to_string())
    .fetch_optional(&mut *conn)
    .await?)
}

/// An incident's chain, in order.
pub(crate) async fn of_incident(conn: &mut Conn, incident: EntityId) -> Result<Vec<Event>, Error> {
    let rows: Vec<EventRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM chain_event WHERE incident_id = ? ORDER BY seq, hash"
    ))
    .bind(incident.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(EventRow::event).collect()
}

/// Every event as stored, by incident then place.
pub(crate) async fn all_rows(conn: &mut Conn) -> Result<Vec<EventRow>, Error> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM chain_event ORDER BY incident_id, seq, hash"
    ))
    .fetch_all(&mut *conn)
    .await?)
}
