//! A depot's stock: its lines with the balance folded from the ledger.

use crate::{Error, Store};
use serde::Serialize;
use yitu_domain::material::MaterialCode;
use yitu_domain::stock::{Balance, MoveKind};
use yitu_domain::EntityId;

/// One stock line of a depot with its balance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StockRow {
    pub code: String,
    pub category: &'static str,
    pub name: String,
    pub unit: String,
    pub expiry: Option<String>,
    pub balance: Balance,
}

impl Store {
    /// The stock of a depot, by material code. The fold happens here, in Rust, from the entries
    /// themselves, so the balance is the same function the domain tests check.
    pub async fn stock(&self, depot_id: EntityId) -> Result<Vec<StockRow>, Error> {
        let depot = depot_id.to_string();
        let lines: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT code, name, unit, expiry FROM stock_line WHERE depot_id = ? ORDER BY code",
        )
        .bind(&depot)
        .fetch_all(&self.pool)
        .await?;
        let entries: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT code, kind, quantity FROM ledger_entry WHERE depot_id = ?")
                .bind(&depot)
                .fetch_all(&self.pool)
                .await?;
        let mut rows = Vec::with_capacity(lines.len());
        for (code, name, unit, expiry) in lines {
            let material = MaterialCode::parse(&code)?;
            let mut balance = Balance::default();
            for (_, kind, quantity) in entries.iter().filter(|(c, _, _)| *c == code) {
                balance = balance.apply(MoveKind::from_code(kind)?, *quantity);
            }
            rows.push(StockRow {
                category: material.category_zh(),
                code,
                name,
                unit,
                expiry,
                balance,
            });
        }
        Ok(rows)
    }
}

/// What a depot holds of one material, for dispatch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holding {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub available: i64,
}

impl Store {
    /// For every depot with stock lines under the material code `prefix` (a GB/T 38565 code at
    /// any level), what it can still promise of each, folded from the ledger.
    pub async fn holdings(
        &self,
        prefix: &MaterialCode,
    ) -> Result<std::collections::HashMap<EntityId, Vec<Holding>>, Error> {
        let pattern = format!("{}%", prefix.as_str());
        let lines: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT l.depot_id, l.code, l.name, l.unit FROM stock_line l
             JOIN resource r ON r.id = l.depot_id AND r.retired = 0
             WHERE l.code LIKE ? ORDER BY l.depot_id, l.code",
        )
        .bind(&pattern)
        .fetch_all(&self.pool)
        .await?;
        let entries: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT depot_id, code, kind, quantity FROM ledger_entry WHERE code LIKE ?",
        )
        .bind(&pattern)
        .fetch_all(&self.pool)
        .await?;
        // Fold each (depot, code) once: the entries are grouped first, so the work is linear.
        let mut balances: std::collections::HashMap<(String, String), Balance> = Default::default();
        for (depot, code, kind, quantity) in entries {
            let b = balances.entry((depot, code)).or_default();
            *b = b.apply(MoveKind::from_code(&kind)?, quantity);
        }
        let mut out: std::collections::HashMap<EntityId, Vec<Holding>> = Default::default();
        for (depot, code, name, unit) in lines {
            let available = balances
                .get(&(depot.clone(), code.clone()))
                .map(Balance::available)
                .unwrap_or(0);
            out.entry(EntityId::parse(&depot)?)
                .or_default()
                .push(Holding {
                    code,
                    name,
                    unit,
                    available,
                });
        }
        Ok(out)
    }
}
