//! A depot's stock: its lines with the balance folded from the ledger, and their terms (expiry,
//! minimum) with the warnings they raise.

use crate::table::{ledger_entry, stock_line};
use crate::{Error, Store};
use std::collections::HashMap;
use yitu_domain::stock::material::MaterialCode;
use yitu_domain::stock::warning::warnings;
use yitu_domain::stock::Balance;
use yitu_domain::EntityId;

pub use yitu_ipc::stock::{Holding, LineWarning, StockRow};

/// Lines (in code order) with each balance and the warnings its terms raise on `today`.
fn fold(
    lines: Vec<stock_line::Line>,
    balances: &HashMap<(String, String), Balance>,
    today: &str,
) -> Result<Vec<StockRow>, Error> {
    let mut rows = Vec::with_capacity(lines.len());
    for l in lines {
        let material = MaterialCode::parse(&l.code)?;
        let balance = balances
            .get(&(l.depot_id.clone(), l.code.clone()))
            .copied()
            .unwrap_or_default();
        let terms = l.terms();
        rows.push(StockRow {
            category: material.category_zh().to_owned(),
            code: l.code,
            name: l.name,
            unit: l.unit,
            warnings: warnings(&terms, balance, today),
            expiry: terms.expiry,
            minimum: terms.minimum,
            balance,
        });
    }
    Ok(rows)
}

impl Store {
    /// The stock of a depot, by material code, with each line's warnings on `today` (ISO date,
    /// Beijing). The fold happens here, in Rust, from the entries themselves, so the balance is
    /// the same function the domain tests check.
    pub async fn stock(&self, depot_id: EntityId, today: &str) -> Result<Vec<StockRow>, Error> {
        let mut conn = self.pool.acquire().await?;
        let lines = stock_line::of_depot(&mut conn, depot_id).await?;
        let balances = ledger_entry::depot_balances(&mut conn, depot_id).await?;
        fold(lines, &balances, today)
    }
}

impl Store {
    /// Every stock line of a live depot that warns on `today`, depot by depot: what a keeper
    /// or the duty office works through.
    pub async fn stock_warnings(&self, today: &str) -> Result<Vec<LineWarning>, Error> {
        // Three reads for every depot together: one read per depot took thousands of queries
        // on a district with thousands of depots (the map benchmark's 7,332).
        let depots: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT id, name, town_code FROM resource
             WHERE layer = 'depots' AND retired = 0 ORDER BY town_code, name",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut conn = self.pool.acquire().await?;
        let mut lines: HashMap<String, Vec<stock_line::Line>> = HashMap::new();
        for l in stock_line::all(&mut conn).await? {
            lines.entry(l.depot_id.clone()).or_default().push(l);
        }
        let balances = ledger_entry::all_balances(&mut conn).await?;
        let mut found = Vec::new();
        for (id, name, town_code) in depots {
            let Some(depot_lines) = lines.remove(&id) else {
                continue;
            };
            for line in fold(depot_lines, &balances, today)? {
                if !line.warnings.is_empty() {
                    found.push(LineWarning {
                        depot_id: id.clone(),
                        depot: name.clone(),
                        town_code: town_code.clone(),
                        line,
                    });
                }
            }
        }
        Ok(found)
    }
}

impl Store {
    /// For every depot with stock lines under the material code `prefix` (a GB/T 38565 code at
    /// any level), what it can still promise of each, folded from the ledger.
    pub async fn holdings(
        &self,
        prefix: &MaterialCode,
    ) -> Result<std::collections::HashMap<EntityId, Vec<Holding>>, Error> {
        let mut conn = self.pool.acquire().await?;
        let lines = stock_line::of_live_depots_under(&mut conn, prefix.as_str()).await?;
        // Folded once per (depot, code) from the entries grouped first: linear in the entries.
        let balances = ledger_entry::balances_under(&mut conn, prefix.as_str()).await?;
        let mut out: std::collections::HashMap<EntityId, Vec<Holding>> = Default::default();
        for l in lines {
            let available = balances
                .get(&(l.depot_id.clone(), l.code.clone()))
                .map(Balance::available)
                .unwrap_or(0);
            out.entry(EntityId::parse(&l.depot_id)?)
                .or_default()
                .push(Holding {
                    code: l.code,
                    name: l.name,
                    unit: l.unit,
                    available,
                });
        }
        Ok(out)
    }
}
