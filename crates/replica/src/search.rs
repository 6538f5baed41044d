//! Searching every layer at once (the window's search box and `yitu search`).

use crate::{Error, Store};
use std::collections::HashMap;
use yitu_domain::dispatch::search;
pub use yitu_ipc::registry::Hit;

impl Store {
    /// Records matching `query`, strongest reason first, then by layer and name; at most `limit`.
    pub async fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>, Error> {
        let q = search::normalise(query);
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let towns: HashMap<String, String> = self
            .towns()
            .await?
            .into_iter()
            .map(|t| (t.code, t.name))
            .collect();
        let mut materials: HashMap<String, Vec<(String, String)>> = HashMap::new();
        let lines: Vec<(String, String, String)> =
            sqlx::query_as("SELECT depot_id, code, name FROM stock_line")
                .fetch_all(&self.pool)
                .await?;
        for (depot, code, name) in lines {
            materials.entry(depot).or_default().push((code, name));
        }
        let mut hits: Vec<Hit> = self
            .all_resources()
            .await?
            .iter()
            .filter_map(|r| {
                let id = r.id().to_string();
                let town = towns.get(r.town_code()).cloned().unwrap_or_default();
                let stocked = materials.get(&id).map(Vec::as_slice).unwrap_or(&[]);
                let reason = search::matches(r, &q, &town, stocked)?;
                let p = r.location();
                Some(Hit {
                    layer: r.layer(),
                    id,
                    name: r.name().to_owned(),
                    town,
                    reason,
                    lon: p.lon,
                    lat: p.lat,
                })
            })
            .collect();
        // Layers by code, as they sorted when hits carried the code.
        hits.sort_by(|a, b| {
            (a.reason, a.layer.code(), &a.name).cmp(&(b.reason, b.layer.code(), &b.name))
        });
        hits.truncate(limit);
        Ok(hits)
    }
}
