//! Monitoring readings in the server's store: taken in from the listeners (`Store::ingest`) or
//! from a desk's push, kept once per station, element and observation time, and sent to the
//! desks as changes the server itself makes (device [`SERVER_DEVICE`]) in the one log pulls page
//! over. Refused frames and messages are kept apart, for the operator.

use crate::store::{insert_changes, Taken};
use crate::{Error, Store};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};
use yitu_domain::monitoring::{Element, Reading, ReadingKey};
use yitu_domain::sync::change::MAX_READINGS;
use yitu_domain::sync::{merge, Change, Op, Stamp};

/// The device name the server's own changes carry (no desk can enrol under it: device ids are
/// UUIDs).
pub const SERVER_DEVICE: &str = "server";
/// The author of the server's own changes, shown in a desk's log of where a reading came from.
pub const SERVER_AUTHOR: &str = "yitu-server";

/// What one ingest did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ingested {
    /// Readings that were news (a new key, or a copy that changed what the key held).
    pub fresh: usize,
    /// Copies of readings already held: a station that did not hear its confirmation resent.
    pub repeated: usize,
}

/// A refused frame or message as the operator reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub at_ms: i64,
    pub source: String,
    pub peer: String,
    pub reason: String,
    /// The first bytes, as hex.
    pub head: String,
}

/// Copies of one key in a batch merged into one, by the desks' rule.
fn merged(readings: &[Reading]) -> Vec<Reading> {
    let mut by_key: BTreeMap<ReadingKey, Reading> = BTreeMap::new();
    for r in readings {
        by_key
            .entry(r.key())
            .and_modify(|held| {
                (held.value, held.historical) =
                    merge::reading((held.value, held.historical), (r.value, r.historical))
            })
            .or_insert_with(|| r.clone());
    }
    by_key.into_values().collect()
}

/// Why readings cannot be taken in, checked as a desk's push of them is (`Op::problem`).
pub fn problem(source: &str, readings: &[Reading]) -> Option<String> {
    readings.chunks(MAX_READINGS).find_map(|chunk| {
        Op::Readings {
            source: source.into(),
            readings: chunk.to_vec(),
        }
        .problem()
    })
}

/// Merges `readings` into the `reading` table by the desks' rule; answers the keys whose row
/// was inserted or changed (a repeat changes nothing and is not returned). Copies of one key
/// within `readings` are merged first: one statement cannot touch a row twice.
pub(crate) async fn upsert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    source: &str,
    readings: &[Reading],
    now_ms: i64,
) -> Result<Vec<ReadingKey>, Error> {
    let mut changed = Vec::new();
    let readings = merged(readings);
    // 7 parameters a row: 100 rows stay far below either database's limit.
    for chunk in readings.chunks(100) {
        let tuples: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = i * 7;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7
                )
            })
            .collect();
        // The row changes only when the copy is news: a greater value, or live where the held
        // one was historical; then RETURNING names it (in both dialects only rows written).
        let sql = format!(
            "INSERT INTO reading (station, element, observed_at_ms, value, historical, source,
                                  received_at_ms) VALUES {}
             ON CONFLICT (station, element, observed_at_ms) DO UPDATE SET
                 value = CASE WHEN excluded.value > reading.value THEN excluded.value
                              ELSE reading.value END,
                 historical = CASE WHEN excluded.historical < reading.historical
                                   THEN excluded.historical ELSE reading.historical END
             WHERE excluded.value > reading.value OR excluded.historical < reading.historical
             RETURNING station, element, observed_at_ms",
            tuples.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(r.station.as_str())
                .bind(r.element.code())
                .bind(r.observed_at_ms)
                .bind(r.value)
                .bind(i64::from(r.historical))
                .bind(source)
                .bind(now_ms);
        }
        for row in q.fetch_all(&mut **tx).await? {
            let code: String = row.try_get(1)?;
            changed.push(ReadingKey {
                station: row.try_get(0)?,
                element: Element::from_code(&code)
                    .ok_or_else(|| Error::CorruptReading(code.clone()))?,
                observed_at_ms: row.try_get(2)?,
            });
        }
    }
    Ok(changed)
}

impl Store {
    /// Takes in readings a listener decoded, in one transaction: each kept once by its key,
    /// and those that were news appended to the log as the server's own changes (at most
    /// [`MAX_READINGS`] a change), so every desk pulls them. A repeat (the station resent a
    /// frame it had no confirmation for) writes nothing and sends nothing.
    pub async fn ingest(
        &self,
        source: &str,
        readings: &[Reading],
        now_ms: i64,
    ) -> Result<Ingested, Error> {
        let fresh = self.ingest_keys(source, readings, now_ms).await?;
        let mine: BTreeSet<ReadingKey> = readings.iter().map(Reading::key).collect();
        let news = mine.iter().filter(|k| fresh.contains(k)).count();
        Ok(Ingested {
            fresh: news,
            repeated: readings.len() - news,
        })
    }

    /// [`Store::ingest`], answering the keys that were news.
    pub async fn ingest_keys(
        &self,
        source: &str,
        readings: &[Reading],
        now_ms: i64,
    ) -> Result<BTreeSet<ReadingKey>, Error> {
        let batch = merged(readings);
        if let Some(why) = problem(source, &batch) {
            return Err(Error::BadRequest(why));
        }
        let mut tx = self.pool().begin().await?;
        // The head row's lock first, as a push takes it: server sequences commit in order.
        let mut head: i64 =
            sqlx::query_scalar("UPDATE log_head SET seq = seq WHERE id = 1 RETURNING seq")
                .fetch_one(&mut *tx)
                .await?;
        let fresh: BTreeSet<ReadingKey> = upsert(&mut tx, source, &batch, now_ms)
            .await?
            .into_iter()
            .collect();
        let news: Vec<Reading> = batch
            .iter()
            .filter(|r| fresh.contains(&r.key()))
            .cloned()
            .collect();
        let mut taken: Vec<Taken> = Vec::new();
        for (i, chunk) in news.chunks(MAX_READINGS).enumerate() {
            head += 1;
            let change = Change {
                // The server's sequence stands for its own device sequence: unique, and dense
                // enough for a reader of the log.
                seq: head as u64,
                stamp: Stamp {
                    ms: now_ms.max(0) as u64,
                    counter: i as u32,
                    node: SERVER_DEVICE.into(),
                },
                author: SERVER_AUTHOR.into(),
                op: Op::Readings {
                    source: source.into(),
                    readings: chunk.to_vec(),
                },
            };
            let body = serde_json::to_string(&change).map_err(Error::Corrupt)?;
            taken.push((
                head,
                head as u64,
                change.stamp.to_string(),
                change.op.kind(),
                change.author,
                body,
            ));
        }
        insert_changes(&mut tx, SERVER_DEVICE, &taken, now_ms).await?;
        sqlx::query("UPDATE log_head SET seq = $1 WHERE id = 1")
            .bind(head)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        if !taken.is_empty() {
            self.news.notify_waiters();
        }
        Ok(fresh)
    }

    /// Keeps a refused frame or message for the operator (`yitu-server telemetry refused`).
    pub async fn refuse_telemetry(
        &self,
        source: &str,
        peer: &str,
        reason: &str,
        bytes: &[u8],
        now_ms: i64,
    ) -> Result<(), Error> {
        let head: String = bytes.iter().take(64).map(|b| format!("{b:02X}")).collect();
        sqlx::query(
            "INSERT INTO telemetry_refusal (at_ms, source, peer, reason, head)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(now_ms)
        .bind(source)
        .bind(peer)
        .bind(reason)
        .bind(head)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Refused frames and messages, oldest first.
    pub async fn telemetry_refusals(&self) -> Result<Vec<Refusal>, Error> {
        let rows = sqlx::query(
            "SELECT at_ms, source, peer, reason, head FROM telemetry_refusal ORDER BY at_ms",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Refusal {
                    at_ms: r.try_get(0)?,
                    source: r.try_get(1)?,
                    peer: r.try_get(2)?,
                    reason: r.try_get(3)?,
                    head: r.try_get(4)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Error::Db)
    }

    /// The readings held for a station, in observation time order (the operator's check, the
    /// tests' oracle of what the server kept).
    pub async fn readings_of(&self, station: &str) -> Result<Vec<Reading>, Error> {
        let rows = sqlx::query(
            "SELECT station, element, observed_at_ms, value, historical FROM reading
             WHERE station = $1 ORDER BY observed_at_ms, element",
        )
        .bind(station)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let code: String = r.try_get(1)?;
                Ok(Reading {
                    station: r.try_get(0)?,
                    element: Element::from_code(&code)
                        .ok_or_else(|| Error::CorruptReading(code.clone()))?,
                    observed_at_ms: r.try_get(2)?,
                    value: r.try_get(3)?,
                    historical: r.try_get::<i64, _>(4)? != 0,
                })
            })
            .collect()
    }

    /// How many readings the server holds.
    pub async fn reading_count(&self) -> Result<u64, Error> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reading")
            .fetch_one(self.pool())
            .await?;
        Ok(n as u64)
    }
}
