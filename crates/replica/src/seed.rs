//! Loading the demonstration dataset into the store: all or nothing, and idempotent (the same
//! seed gives the same ids, so a second load inserts nothing and changes nothing).

use crate::table::{ledger_entry, meta, resource, station, stock_line, town};
use crate::{Error, Store};
use yitu_domain::demo::{self, DemoDataset};

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
        // Nothing is stamped: the demo set is made by no device and never pushed (every desk
        // seeds the same one itself), so any real edit wins over it.
        let mut w = self.write("demo", 0).await?;
        for t in &data.towns {
            let anchor = data
                .town_anchors
                .iter()
                .find(|(c, _)| *c == t.code)
                .map(|(_, p)| *p);
            town::insert_if_absent(w.conn(), &t.code, &t.name, anchor).await?;
        }
        let rows = data
            .resources
            .iter()
            .map(|r| resource::Row::of(r, false))
            .collect::<Result<Vec<_>, Error>>()?;
        let resources_inserted = resource::insert_demo(w.conn(), rows).await?;
        for l in &data.stock_lines {
            stock_line::insert_if_absent(
                w.conn(),
                &l.depot_id.to_string(),
                l.code.as_str(),
                &l.name,
                &l.unit,
                l.expiry.as_deref(),
            )
            .await?;
        }
        let mut ledger_entries_inserted = 0;
        for e in &data.ledger {
            ledger_entries_inserted +=
                u64::from(ledger_entry::insert_if_absent(w.conn(), e).await?);
        }
        // The demo's monitoring stations (演示数据 too): seeded, never pushed, like its records.
        for st in demo::stations::stations(data) {
            station::insert_if_absent(w.conn(), &st).await?;
        }
        meta::set_once(w.conn(), "demo_seed", &seed.to_string()).await?;
        w.commit().await?;
        Ok(SeedReport {
            resources_inserted,
            ledger_entries_inserted,
        })
    }
}
