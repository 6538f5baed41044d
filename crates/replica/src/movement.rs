//! One stock movement asked for by a person (`yitu stock …`): checked against the balance folded
//! inside the same transaction, so no balance goes negative even with two writers, then added
//! to the ledger and the change log.

use crate::import::{log, Author, Tx};
use crate::{Error, Store};
use yitu_domain::stock::material::MaterialCode;
use yitu_domain::stock::{Balance, LedgerEntry, MoveKind, Terms};
use yitu_domain::sync::Op;
use yitu_domain::{EntityId, Layer};

/// Name, unit and terms (expiry, minimum) of a stock line opened by its first receipt.
pub struct NewLine<'a> {
    pub name: &'a str,
    pub unit: &'a str,
    pub terms: Terms,
}

impl Store {
    /// Records a movement and returns the balance after it.
    #[allow(clippy::too_many_arguments)]
    pub async fn move_stock(
        &self,
        depot: EntityId,
        code: &MaterialCode,
        kind: MoveKind,
        quantity: i64,
        note: &str,
        new_line: Option<NewLine<'_>>,
        mut author: Author<'_>,
    ) -> Result<Balance, Error> {
        let mut tx = self.pool.begin().await?;
        lock(&mut tx).await?;
        let after = move_in(
            &mut tx,
            depot,
            code,
            kind,
            quantity,
            note,
            new_line,
            &mut author,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

/// Takes SQLite's write lock at once. BEGIN IMMEDIATE would be ideal; a write first takes the
/// lock just as well: balances read afterwards cannot change before the transaction commits.
pub(crate) async fn lock(tx: &mut Tx<'_>) -> Result<(), Error> {
    sqlx::query("UPDATE meta SET value = value WHERE key = 'lock'")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// One checked movement inside a transaction that already holds the write lock ([`lock`]), so
/// a decision's reservations and its transition commit or fail together.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn move_in(
    tx: &mut Tx<'_>,
    depot: EntityId,
    code: &MaterialCode,
    kind: MoveKind,
    quantity: i64,
    note: &str,
    new_line: Option<NewLine<'_>>,
    author: &mut Author<'_>,
) -> Result<Balance, Error> {
    {
        let depot_s = depot.to_string();
        let is_depot: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM resource WHERE id = ? AND layer = 'depots' AND retired = 0",
        )
        .bind(&depot_s)
        .fetch_optional(&mut **tx)
        .await?;
        if is_depot.is_none() {
            return Err(Error::NotFound {
                what: "depot",
                id: depot_s,
            });
        }
        let line: Option<(String, String)> =
            sqlx::query_as("SELECT name, unit FROM stock_line WHERE depot_id = ? AND code = ?")
                .bind(&depot_s)
                .bind(code.as_str())
                .fetch_optional(&mut **tx)
                .await?;
        let stamp = format!("{:013}-0000-local", author.at_ms);
        let had_line = line.is_some();
        let (line_name, line_unit) = match (line, &new_line, kind) {
            (Some(l), _, _) => l,
            (None, Some(l), MoveKind::Receive) => (l.name.to_owned(), l.unit.to_owned()),
            _ => (String::new(), String::new()),
        };
        if !had_line {
            match (&new_line, kind) {
                (Some(l), MoveKind::Receive) => {
                    l.terms.check()?;
                    sqlx::query(
                        "INSERT INTO stock_line (depot_id, code, name, unit, expiry, hlc, origin)
                         VALUES (?, ?, ?, ?, NULL, ?, 'local')",
                    )
                    .bind(&depot_s)
                    .bind(code.as_str())
                    .bind(l.name)
                    .bind(l.unit)
                    .bind(&stamp)
                    .execute(&mut **tx)
                    .await?;
                }
                _ => {
                    return Err(Error::NotFound {
                        what: "stock line (receive with --name and --unit to open one)",
                        id: format!("{depot_s} {code}"),
                    })
                }
            }
        }
        let entries: Vec<(String, i64)> = sqlx::query_as(
            "SELECT kind, quantity FROM ledger_entry WHERE depot_id = ? AND code = ?",
        )
        .bind(&depot_s)
        .bind(code.as_str())
        .fetch_all(&mut **tx)
        .await?;
        let mut balance = Balance::default();
        for (k, q) in entries {
            balance = balance.apply(MoveKind::from_code(&k)?, q);
        }
        let entry_quantity = balance.movement(kind, quantity)?;
        let terms = new_line
            .filter(|_| !had_line)
            .map(|l| l.terms)
            .filter(|t| *t != Terms::default());
        let entry = LedgerEntry {
            id: (author.new_id)(),
            depot_id: depot,
            code: code.clone(),
            kind,
            quantity: entry_quantity,
            at_ms: author.at_ms,
            note: note.to_owned(),
        };
        record_entry(tx, entry, line_name, line_unit, terms, &stamp, author).await?;
        let after = balance.apply(kind, entry_quantity);
        let diff = serde_json::json!({
            "code": code.as_str(),
            "movement": {"kind": kind.code(), "quantity": entry_quantity, "note": note},
            "balance": [balance, after],
        });
        log(tx, author, "stock", Layer::Depots.code(), depot, &diff, 0).await?;
        Ok(after)
    }
}

/// Sets a line's terms inside a transaction holding the write lock: a recount of 0 carrying
/// them (see [`Store::set_stock_terms`](crate::Store::set_stock_terms)).
pub(crate) async fn terms_in(
    tx: &mut Tx<'_>,
    depot: EntityId,
    code: &MaterialCode,
    terms: Terms,
    author: &mut Author<'_>,
) -> Result<(), Error> {
    let depot_s = depot.to_string();
    let line: Option<(String, String, Option<String>, Option<i64>)> = sqlx::query_as(
        "SELECT name, unit, expiry, minimum FROM stock_line WHERE depot_id = ? AND code = ?",
    )
    .bind(&depot_s)
    .bind(code.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    let Some((name, unit, expiry, minimum)) = line else {
        return Err(Error::NotFound {
            what: "stock line",
            id: format!("{depot_s} {code}"),
        });
    };
    let before = Terms { expiry, minimum };
    if before == terms {
        return Ok(());
    }
    let stamp = format!("{:013}-0000-local", author.at_ms);
    let entry = LedgerEntry {
        id: (author.new_id)(),
        depot_id: depot,
        code: code.clone(),
        kind: MoveKind::Recount,
        quantity: 0,
        at_ms: author.at_ms,
        note: "设置有效期与最低库存 / terms set".into(),
    };
    record_entry(tx, entry, name, unit, Some(terms.clone()), &stamp, author).await?;
    let diff = serde_json::json!({
        "code": code.as_str(),
        "terms": [before, terms],
    });
    log(tx, author, "stock", Layer::Depots.code(), depot, &diff, 0).await?;
    Ok(())
}

/// Adds one entry to the ledger and its change to the outbox (which applies any terms it
/// carries to the line).
async fn record_entry(
    tx: &mut Tx<'_>,
    entry: LedgerEntry,
    name: String,
    unit: String,
    terms: Option<Terms>,
    stamp: &str,
    author: &mut Author<'_>,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO ledger_entry (id, depot_id, code, kind, quantity, at_ms, note, hlc, origin)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'local')",
    )
    .bind(entry.id.to_string())
    .bind(entry.depot_id.to_string())
    .bind(entry.code.as_str())
    .bind(entry.kind.code())
    .bind(entry.quantity)
    .bind(entry.at_ms)
    .bind(&entry.note)
    .bind(stamp)
    .execute(&mut **tx)
    .await?;
    let op = Op::Ledger {
        entry,
        name,
        unit,
        terms,
    };
    crate::sync::outbox::append_all(tx, author.actor, author.at_ms, &[op]).await
}
