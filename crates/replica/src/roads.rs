//! The road network a user loaded: kept in the store (replaced whole on each load) and rebuilt
//! into a routable graph for the questions that need travel times.

use crate::{Error, Store};
use yitu_domain::space::crs::Crs;
use yitu_domain::space::road::{RoadLine, RoadNetwork};
use yitu_domain::LonLat;
pub use yitu_ipc::dispatch::RoadInfo;

/// A loaded network, ready to route on.
#[derive(Debug, Clone)]
pub struct Roads {
    pub info: RoadInfo,
    pub network: RoadNetwork,
    pub lines: Vec<RoadLine>,
}

impl Store {
    /// Replaces the road network with `lines` (already checked, in WGS-84), in one transaction.
    pub async fn load_roads(
        &self,
        source: &str,
        crs: Crs,
        lines: &[RoadLine],
        now_ms: i64,
    ) -> Result<RoadInfo, Error> {
        let mut w = self.write("", now_ms).await?;
        let tx = w.conn();
        sqlx::query("DELETE FROM road_line")
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO road_network (id, source, crs, loaded_at_ms) VALUES (1, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET source = excluded.source, crs = excluded.crs,
             loaded_at_ms = excluded.loaded_at_ms",
        )
        .bind(source)
        .bind(crs.code())
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        for line in lines {
            let points: Vec<[f64; 2]> = line.points.iter().map(|p| [p.lon, p.lat]).collect();
            sqlx::query("INSERT INTO road_line (class, speed_kmh, points) VALUES (?, ?, ?)")
                .bind(&line.class)
                .bind(line.speed_kmh)
                .bind(serde_json::to_string(&points).expect("points serialize"))
                .execute(&mut *tx)
                .await?;
        }
        w.commit().await?;
        Ok(self.roads().await?.expect("a network was just stored").info)
    }

    /// Forgets the road network: travel times fall back to the straight-line estimate.
    pub async fn clear_roads(&self) -> Result<bool, Error> {
        // No change is stamped, so the write needs no time.
        let mut w = self.write("", 0).await?;
        let tx = w.conn();
        sqlx::query("DELETE FROM road_line")
            .execute(&mut *tx)
            .await?;
        let gone = sqlx::query("DELETE FROM road_network")
            .execute(&mut *tx)
            .await?
            .rows_affected();
        w.commit().await?;
        Ok(gone > 0)
    }

    /// The loaded road network, built for routing; `None` when none is loaded.
    pub async fn roads(&self) -> Result<Option<Roads>, Error> {
        let head: Option<(String, String, i64)> =
            sqlx::query_as("SELECT source, crs, loaded_at_ms FROM road_network WHERE id = 1")
                .fetch_optional(&self.pool)
                .await?;
        let Some((source, crs, loaded_at_ms)) = head else {
            return Ok(None);
        };
        let rows: Vec<(i64, Option<String>, f64, String)> =
            sqlx::query_as("SELECT id, class, speed_kmh, points FROM road_line ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        let lines = rows
            .into_iter()
            .map(|(id, class, speed_kmh, points)| {
                let pairs: Vec<[f64; 2]> =
                    serde_json::from_str(&points).map_err(|source| Error::Corrupt {
                        id: format!("road line {id}"),
                        source,
                    })?;
                let points = pairs
                    .into_iter()
                    .map(|[lon, lat]| LonLat::new(lon, lat))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(RoadLine {
                    class,
                    speed_kmh,
                    points,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let network = RoadNetwork::build(&lines);
        Ok(Some(Roads {
            info: RoadInfo {
                source,
                crs,
                loaded_at_ms,
                summary: network.summary(lines.len()),
            },
            network,
            lines,
        }))
    }
}
