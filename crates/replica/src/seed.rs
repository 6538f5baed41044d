//! Loading the demonstration dataset into the store: all or nothing, and idempotent (the same
//! seed gives the same ids, so a second load inserts nothing and changes nothing).

use crate::{Error, Store};
use yitu_domain::demo::{self, DemoDataset};

/// The origin recorded on demo rows: they were made by no device.
const DEMO_ORIGIN: &str = "demo";
/// The stamp of demo rows: older than any real edit, so any edit wins over them.
const DEMO_HLC: &str = "0000000000000-0000-demo";

/// What a load did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SeedReport {
    pub resources_inserted: u64,
    pub ledger_entries_inserted: u64,
}

impl Store {
    /// Loads the demo dataset made from `seed`, in one transaction.
    pub async fn seed_demo(&self, seed: u64) -> Result<SeedReport, Error> {
        let data = demo::generate(seed);
        self.load(&data, seed).await
    }

    /// Loads a larger generated set of exactly `records` records (for benchmarks), the demo set
    /// first: demo data like it (演示数据), written the same way.
    pub async fn seed_generated(&self, seed: u64, records: usize) -> Result<SeedReport, Error> {
        let data = demo::generate_many(seed, records);
        self.load(&data, seed).await
    }

    /// Whether the store holds no resource at all (a first start).
    pub async fn is_empty(&self) -> Result<bool, Error> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM resource")
            .fetch_one(&self.pool)
            .await?;
        Ok(n == 0)
    }

    /// Whether demo data was loaded into this store.
    pub async fn has_demo(&self) -> Result<bool, Error> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM resource WHERE demo = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    async fn load(&self, data: &DemoDataset, seed: u64) -> Result<SeedReport, Error> {
        let mut tx = self.pool.begin().await?;
        for t in &data.towns {
            let anchor = data
                .town_anchors
                .iter()
                .find(|(c, _)| *c == t.code)
                .map(|(_, p)| *p);
            sqlx::query("INSERT OR IGNORE INTO town (code, name, lon, lat) VALUES (?, ?, ?, ?)")
                .bind(&t.code)
                .bind(&t.name)
                .bind(anchor.map(|p| p.lon))
                .bind(anchor.map(|p| p.lat))
                .execute(&mut *tx)
                .await?;
        }
        let mut resources_inserted = 0;
        for r in &data.resources {
            let body = serde_json::to_string(r).expect("resources serialize");
            let loc = r.location();
            resources_inserted += sqlx::query(
                "INSERT OR IGNORE INTO resource (id, layer, kind, status, name, town_code, lon, lat, body, demo, hlc, origin)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            )
            .bind(r.id().to_string())
            .bind(r.layer().code())
            .bind(r.kind_code())
            .bind(r.status_code())
            .bind(r.name())
            .bind(r.town_code())
            .bind(loc.lon)
            .bind(loc.lat)
            .bind(body)
            .bind(DEMO_HLC)
            .bind(DEMO_ORIGIN)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        for l in &data.stock_lines {
            sqlx::query(
                "INSERT OR IGNORE INTO stock_line (depot_id, code, name, unit, expiry, hlc, origin) VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(l.depot_id.to_string())
            .bind(l.code.as_str())
            .bind(&l.name)
            .bind(&l.unit)
            .bind(&l.expiry)
            .bind(DEMO_HLC)
            .bind(DEMO_ORIGIN)
            .execute(&mut *tx)
            .await?;
        }
        let mut ledger_entries_inserted = 0;
        for e in &data.ledger {
            ledger_entries_inserted += sqlx::query(
                "INSERT OR IGNORE INTO ledger_entry (id, depot_id, code, kind, quantity, at_ms, note, hlc, origin)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(e.id.to_string())
            .bind(e.depot_id.to_string())
            .bind(e.code.as_str())
            .bind(e.kind.code())
            .bind(e.quantity)
            .bind(e.at_ms)
            .bind(&e.note)
            .bind(DEMO_HLC)
            .bind(DEMO_ORIGIN)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        sqlx::query("INSERT OR IGNORE INTO meta (key, value) VALUES ('demo_seed', ?)")
            .bind(seed.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(SeedReport {
            resources_inserted,
            ledger_entries_inserted,
        })
    }
}
