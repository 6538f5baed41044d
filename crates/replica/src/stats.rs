//! Counts per layer and per kind: what the layer panel shows and `yitu stats` prints.

use crate::{Error, Store};
use std::collections::BTreeMap;
use yitu_domain::Layer;
pub use yitu_ipc::registry::{LayerStats, Stats};

impl Store {
    pub async fn stats(&self) -> Result<Stats, Error> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT layer, kind, count(*) FROM resource WHERE retired = 0 GROUP BY layer, kind",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut layers: BTreeMap<String, LayerStats> = Layer::ALL
            .iter()
            .map(|l| (l.code().to_owned(), LayerStats::default()))
            .collect();
        for (layer, kind, n) in rows {
            let entry = layers.entry(layer).or_default();
            entry.total += n;
            entry.by_kind.insert(kind, n);
        }
        let newest: Vec<(String, i64)> =
            sqlx::query_as("SELECT layer, max(at_ms) FROM change_log GROUP BY layer")
                .fetch_all(&self.pool)
                .await?;
        for (layer, at_ms) in newest {
            if let Some(entry) = layers.get_mut(&layer) {
                entry.as_of_ms = Some(at_ms);
            }
        }
        let count = |sql: &'static str| async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&self.pool)
                .await
        };
        Ok(Stats {
            layers,
            towns: count("SELECT count(*) FROM town").await?,
            stock_lines: count("SELECT count(*) FROM stock_line").await?,
            ledger_entries: count("SELECT count(*) FROM ledger_entry").await?,
            demo: self.has_demo().await?,
        })
    }
}
