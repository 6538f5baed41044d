//! Incidents and their logs (续报) in the store. The log is append-only; a 续报 with a new toll
//! also updates the incident's toll, in the same transaction.

use crate::sync::{outbox, record};
use crate::user::Actor;
use crate::{Error, Store};
use yitu_domain::command::incident::{Incident, LogEntry};
use yitu_domain::space::area::Area;
use yitu_domain::space::district::{District, WORKING_MARGIN_KM};
use yitu_domain::sync::change::RETIRED;
use yitu_domain::sync::Op;
use yitu_domain::EntityId;

/// The clock a change is stamped by: an incident's own time is when it happened, which may be
/// long before it was recorded.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub(crate) fn stamp(at_ms: i64) -> String {
    format!("{:013}-0000-local", at_ms)
}

impl Store {
    /// Records a new incident.
    pub async fn create_incident(&self, actor: &Actor, incident: &Incident) -> Result<(), Error> {
        actor.may_write()?;
        // An incident is recorded where the district works, or the map and every distance
        // computed from it would be wrong.
        District::hechuan().check_near(incident.point, WORKING_MARGIN_KM)?;
        if let Some(area) = &incident.area {
            Area::from_geojson(area).map_err(yitu_domain::Error::from)?;
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO incident (id, body, kind, level, status, at_ms, lon, lat, hlc, origin)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'local')",
        )
        .bind(incident.id.to_string())
        .bind(
            serde_json::to_string(incident).map_err(|source| Error::Corrupt {
                id: incident.id.to_string(),
                source,
            })?,
        )
        .bind(incident.kind.code())
        .bind(incident.level.code())
        .bind(incident.status.code())
        .bind(incident.at_ms)
        .bind(incident.point.lon)
        .bind(incident.point.lat)
        .bind(stamp(incident.at_ms))
        .execute(&mut *tx)
        .await?;
        let body = serde_json::to_value(incident).map_err(|source| Error::Corrupt {
            id: incident.id.to_string(),
            source,
        })?;
        let fields = body
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .chain([(RETIRED.to_owned(), serde_json::Value::Bool(false))]);
        let op = outbox::record_op("incidents", incident.id, fields, &Default::default());
        outbox::append_all(&mut tx, &actor.name, now_ms(), &[op]).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn incident(&self, id: EntityId) -> Result<Incident, Error> {
        let body: Option<String> =
            sqlx::query_scalar("SELECT body FROM incident WHERE id = ? AND retired = 0")
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await?;
        let body = body.ok_or_else(|| Error::NotFound {
            what: "incident",
            id: id.to_string(),
        })?;
        serde_json::from_str(&body).map_err(|source| Error::Corrupt {
            id: id.to_string(),
            source,
        })
    }

    /// All incidents, newest first.
    pub async fn incidents(&self) -> Result<Vec<Incident>, Error> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, body FROM incident WHERE retired = 0 ORDER BY at_ms DESC, id DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, body)| {
                serde_json::from_str(&body).map_err(|source| Error::Corrupt { id, source })
            })
            .collect()
    }

    /// Appends a 续报 (and applies its toll to the incident, when it gives one).
    pub async fn add_log(&self, actor: &Actor, entry: &LogEntry) -> Result<(), Error> {
        actor.may_write()?;
        let mut incident = self.incident(entry.incident_id).await?;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO incident_log (id, incident_id, at_ms, author, body, hlc, origin)
             VALUES (?, ?, ?, ?, ?, ?, 'local')",
        )
        .bind(entry.id.to_string())
        .bind(entry.incident_id.to_string())
        .bind(entry.at_ms)
        .bind(&entry.author)
        .bind(
            serde_json::to_string(entry).map_err(|source| Error::Corrupt {
                id: entry.id.to_string(),
                source,
            })?,
        )
        .bind(stamp(entry.at_ms))
        .execute(&mut *tx)
        .await?;
        let mut ops = vec![Op::Log {
            incident: entry.incident_id,
            id: entry.id,
            body: serde_json::to_value(entry).map_err(|source| Error::Corrupt {
                id: entry.id.to_string(),
                source,
            })?,
        }];
        if let Some(toll) = entry.toll {
            let bases = record::bases(&mut tx, incident.id).await?;
            ops.push(outbox::record_op(
                "incidents",
                incident.id,
                [(
                    "toll".to_owned(),
                    serde_json::to_value(toll).map_err(|source| Error::Corrupt {
                        id: incident.id.to_string(),
                        source,
                    })?,
                )],
                &bases,
            ));
            incident.toll = toll;
            sqlx::query("UPDATE incident SET body = ?, hlc = ? WHERE id = ?")
                .bind(
                    serde_json::to_string(&incident).map_err(|source| Error::Corrupt {
                        id: incident.id.to_string(),
                        source,
                    })?,
                )
                .bind(stamp(entry.at_ms))
                .bind(incident.id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        outbox::append_all(&mut tx, &actor.name, now_ms(), &ops).await?;
        tx.commit().await?;
        Ok(())
    }

    /// An incident's log, oldest first.
    pub async fn incident_log(&self, id: EntityId) -> Result<Vec<LogEntry>, Error> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, body FROM incident_log WHERE incident_id = ? ORDER BY at_ms, id",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, body)| {
                serde_json::from_str(&body).map_err(|source| Error::Corrupt { id, source })
            })
            .collect()
    }
}
