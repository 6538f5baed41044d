//! A depot's stock: its lines with the balance folded from the ledger, and their terms (expiry,
//! minimum) with the warnings they raise.

use crate::import::{Author, Tx};
use crate::{Error, Store};
use std::collections::HashMap;
use yitu_domain::stock::material::MaterialCode;
use yitu_domain::stock::warning::warnings;
use yitu_domain::stock::{Balance, MoveKind, Terms};
use yitu_domain::EntityId;

pub use yitu_ipc::stock::{Holding, LineWarning, StockRow};

/// A stock line as stored: code, name, unit, expiry, minimum.
type LineRow = (String, String, String, Option<String>, Option<i64>);
/// A stock line with its depot first: depot id, code, name, unit, expiry, minimum.
type DepotLineRow = (String, String, String, String, Option<String>, Option<i64>);
/// A ledger entry of one depot: code, kind, quantity.
type EntryRow = (String, String, i64);

/// A depot's lines (in code order) with each balance folded from the depot's entries and the
/// warnings its terms raise on `today`.
fn fold(lines: Vec<LineRow>, entries: &[EntryRow], today: &str) -> Result<Vec<StockRow>, Error> {
    let mut rows = Vec::with_capacity(lines.len());
    for (code, name, unit, expiry, minimum) in lines {
        let material = MaterialCode::parse(&code)?;
        let mut balance = Balance::default();
        for (_, kind, quantity) in entries.iter().filter(|(c, _, _)| *c == code) {
            balance = balance.apply(MoveKind::from_code(kind)?, *quantity);
        }
        let terms = Terms { expiry, minimum };
        rows.push(StockRow {
            category: material.category_zh().to_owned(),
            code,
            name,
            unit,
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
        let depot = depot_id.to_string();
        let lines: Vec<LineRow> = sqlx::query_as(
            "SELECT code, name, unit, expiry, minimum FROM stock_line WHERE depot_id = ? ORDER BY code",
        )
        .bind(&depot)
        .fetch_all(&self.pool)
        .await?;
        let entries: Vec<EntryRow> =
            sqlx::query_as("SELECT code, kind, quantity FROM ledger_entry WHERE depot_id = ?")
                .bind(&depot)
                .fetch_all(&self.pool)
                .await?;
        fold(lines, &entries, today)
    }

    /// Sets a line's expiry and minimum: a recount of 0 (the count unchanged) that carries the
    /// terms, so the change reaches other replicas like any movement and shows in the history.
    pub async fn set_stock_terms(
        &self,
        depot: EntityId,
        code: &MaterialCode,
        terms: Terms,
        mut author: Author<'_>,
    ) -> Result<(), Error> {
        terms.check()?;
        let mut tx = self.pool.begin().await?;
        crate::movement::lock(&mut tx).await?;
        crate::movement::terms_in(&mut tx, depot, code, terms, &mut author).await?;
        tx.commit().await?;
        Ok(())
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
        let line_rows: Vec<DepotLineRow> = sqlx::query_as(
            "SELECT depot_id, code, name, unit, expiry, minimum FROM stock_line ORDER BY code",
        )
        .fetch_all(&self.pool)
        .await?;
        let entry_rows: Vec<(String, String, String, i64)> =
            sqlx::query_as("SELECT depot_id, code, kind, quantity FROM ledger_entry")
                .fetch_all(&self.pool)
                .await?;
        let mut lines: HashMap<String, Vec<LineRow>> = HashMap::new();
        for (depot, code, name, unit, expiry, minimum) in line_rows {
            lines
                .entry(depot)
                .or_default()
                .push((code, name, unit, expiry, minimum));
        }
        let mut entries: HashMap<String, Vec<EntryRow>> = HashMap::new();
        for (depot, code, kind, quantity) in entry_rows {
            entries
                .entry(depot)
                .or_default()
                .push((code, kind, quantity));
        }
        let mut found = Vec::new();
        for (id, name, town_code) in depots {
            let Some(depot_lines) = lines.remove(&id) else {
                continue;
            };
            let depot_entries = entries.remove(&id).unwrap_or_default();
            for line in fold(depot_lines, &depot_entries, today)? {
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

/// Replaces a line's terms with those of the entry stamped `stamp`, unless the line already
/// holds newer ones: local settings and pulled ones meet here, in any order.
pub(crate) async fn apply_terms(
    tx: &mut Tx<'_>,
    depot: &str,
    code: &str,
    terms: &Terms,
    stamp: &str,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE stock_line SET expiry = ?, minimum = ?, terms_stamp = ?
         WHERE depot_id = ? AND code = ? AND (terms_stamp IS NULL OR terms_stamp < ?)",
    )
    .bind(&terms.expiry)
    .bind(terms.minimum)
    .bind(stamp)
    .bind(depot)
    .bind(code)
    .bind(stamp)
    .execute(&mut **tx)
    .await?;
    Ok(())
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
