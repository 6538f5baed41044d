//! Incidents and their logs (续报) in the store. The log is append-only; a 续报 with a new toll
//! also updates the incident's toll, in the same write.

use crate::table::{incident, incident_log, record_op};
use crate::user::Actor;
use crate::{Error, Store};
use yitu_domain::command::incident::{Incident, LogEntry};
use yitu_domain::space::area::Area;
use yitu_domain::space::district::{District, WORKING_MARGIN_KM};
use yitu_domain::sync::{Collection, Op};
use yitu_domain::EntityId;

fn corrupt(id: EntityId) -> impl FnOnce(serde_json::Error) -> Error {
    move |source| Error::Corrupt {
        id: id.to_string(),
        source,
    }
}

impl Store {
    /// Records a new incident, as `actor` at `now_ms` (when it is recorded; the incident's own
    /// time is when it happened, which may be long before).
    pub async fn create_incident(
        &self,
        actor: &Actor,
        incident: &Incident,
        now_ms: i64,
    ) -> Result<(), Error> {
        actor.may_write()?;
        // An incident is recorded where the district works, or the map and every distance
        // computed from it would be wrong.
        District::hechuan().check_near(incident.point, WORKING_MARGIN_KM)?;
        if let Some(area) = &incident.area {
            Area::from_geojson(area).map_err(yitu_domain::Error::from)?;
        }
        let mut w = self.write(&actor.name, now_ms).await?;
        incident::upsert(w.conn(), incident, false).await?;
        let body = serde_json::to_value(incident).map_err(corrupt(incident.id))?;
        w.change(&Op::created(Collection::Incidents, incident.id, &body))
            .await?;
        w.commit().await
    }

    pub async fn incident(&self, id: EntityId) -> Result<Incident, Error> {
        let mut conn = self.pool.acquire().await?;
        incident::live(&mut conn, id)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: "incident",
                id: id.to_string(),
            })
    }

    /// All incidents, newest first.
    pub async fn incidents(&self) -> Result<Vec<Incident>, Error> {
        let mut conn = self.pool.acquire().await?;
        incident::all_live(&mut conn).await
    }

    /// Appends a 续报 (and applies its toll to the incident, when it gives one), as `actor` at
    /// `now_ms`.
    pub async fn add_log(&self, actor: &Actor, entry: &LogEntry, now_ms: i64) -> Result<(), Error> {
        actor.may_write()?;
        let mut w = self.write(&actor.name, now_ms).await?;
        let Some(mut incident) = incident::live(w.conn(), entry.incident_id).await? else {
            return Err(Error::NotFound {
                what: "incident",
                id: entry.incident_id.to_string(),
            });
        };
        incident_log::insert(w.conn(), entry).await?;
        w.change(&Op::Log {
            incident: entry.incident_id,
            id: entry.id,
            body: serde_json::to_value(entry).map_err(corrupt(entry.id))?,
        })
        .await?;
        if let Some(toll) = entry.toll {
            let bases = record_op::bases(w.conn(), incident.id).await?;
            let value = serde_json::to_value(toll).map_err(corrupt(incident.id))?;
            w.change(&Op::record(
                Collection::Incidents,
                incident.id,
                [("toll".to_owned(), value)],
                &bases,
            ))
            .await?;
            incident.toll = toll;
            incident::upsert(w.conn(), &incident, false).await?;
        }
        w.commit().await
    }

    /// An incident's log, oldest first.
    pub async fn incident_log(&self, id: EntityId) -> Result<Vec<LogEntry>, Error> {
        let mut conn = self.pool.acquire().await?;
        incident_log::of_incident(&mut conn, id).await
    }
}
