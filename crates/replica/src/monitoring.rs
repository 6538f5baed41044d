//! Monitoring on the desk: the station register (registered here or pulled, merged field by
//! field like a registry record) and the readings it holds (pulled from the server, or imported
//! here), by station and time, for the layer, the charts and the alarms.

use crate::table::{reading, station};
use crate::user::Actor;
use crate::{Error, Store};
use yitu_domain::monitoring::station::Station;
use yitu_domain::monitoring::Reading;
use yitu_domain::sync::change::RETIRED;
use yitu_domain::sync::{Collection, Op};

impl Store {
    /// Registers a new station, as `actor` at `now_ms`: refused when it is not valid or its
    /// code is another live station's (readings would not know which one they belong to).
    pub async fn register_station(
        &self,
        actor: &Actor,
        s: &Station,
        now_ms: i64,
    ) -> Result<(), Error> {
        actor.may_write()?;
        s.validate()?;
        let mut w = self.write(&actor.name, now_ms).await?;
        if let Some(held) = station::id_of_code(w.conn(), &s.code).await? {
            if held != s.id.to_string() {
                return Err(Error::Invalid(yitu_domain::Error::Station {
                    field: "编码 (code)",
                    reason: "已被另一测站使用 (another station has this code)",
                }));
            }
        }
        station::upsert(w.conn(), s, false).await?;
        let body = serde_json::to_value(s).map_err(|source| Error::Corrupt {
            id: s.id.to_string(),
            source,
        })?;
        let fields = body
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .chain([(RETIRED.to_owned(), serde_json::Value::Bool(false))]);
        w.change(&Op::record(
            Collection::Stations,
            s.id,
            fields,
            &Default::default(),
        ))
        .await?;
        w.commit().await
    }

    /// Every live station of the register, by code.
    pub async fn stations(&self) -> Result<Vec<Station>, Error> {
        let mut conn = self.pool.acquire().await?;
        station::all_live(&mut conn).await
    }

    /// A station's readings observed in `[from_ms, to_ms)`, oldest first.
    pub async fn readings_of(
        &self,
        station: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<Reading>, Error> {
        let mut conn = self.pool.acquire().await?;
        reading::of_station(&mut conn, station, from_ms, to_ms).await
    }

    /// Each station heard from, with its newest observation time.
    pub async fn stations_heard(&self) -> Result<Vec<(String, i64)>, Error> {
        let mut conn = self.pool.acquire().await?;
        reading::last_heard(&mut conn).await
    }

    /// How many readings this desk holds.
    pub async fn reading_count(&self) -> Result<u64, Error> {
        let mut conn = self.pool.acquire().await?;
        reading::count(&mut conn).await
    }
}
