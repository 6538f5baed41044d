//! One stock movement asked for by a person (`yitu stock …`): checked against the balance folded
//! inside the same write (which holds the store's write lock, so no balance goes negative even
//! with two writers), then added to the ledger, the outbox and the change log.

use crate::table::{change_log, ledger_entry, resource, stock_line};
use crate::write::{Author, Write};
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

/// One movement: of a material at a depot, with the note the ledger keeps.
pub(crate) struct Movement<'a> {
    pub depot: EntityId,
    pub code: &'a MaterialCode,
    pub kind: MoveKind,
    pub quantity: i64,
    pub note: &'a str,
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
        author: Author<'_>,
    ) -> Result<Balance, Error> {
        let mut w = self.write_as(&author).await?;
        let movement = Movement {
            depot,
            code,
            kind,
            quantity,
            note,
        };
        let after = move_in(&mut w, &movement, new_line, author.new_id).await?;
        w.commit().await?;
        Ok(after)
    }

    /// Sets a line's expiry and minimum: a recount of 0 (the count unchanged) that carries the
    /// terms, so the change reaches other replicas like any movement and shows in the history.
    pub async fn set_stock_terms(
        &self,
        depot: EntityId,
        code: &MaterialCode,
        terms: Terms,
        author: Author<'_>,
    ) -> Result<(), Error> {
        terms.check()?;
        let mut w = self.write_as(&author).await?;
        terms_in(&mut w, depot, code, terms, author.new_id).await?;
        w.commit().await
    }
}

/// One checked movement inside a write, so a decision's reservations and its transition commit
/// or fail together. Returns the balance after it.
pub(crate) async fn move_in(
    w: &mut Write<'_>,
    m: &Movement<'_>,
    new_line: Option<NewLine<'_>>,
    new_id: &mut (dyn FnMut() -> EntityId + Send + Sync),
) -> Result<Balance, Error> {
    let depot_s = m.depot.to_string();
    if !resource::is_live_depot(w.conn(), m.depot).await? {
        return Err(Error::NotFound {
            what: "depot",
            id: depot_s,
        });
    }
    let line = stock_line::get(w.conn(), m.depot, m.code.as_str()).await?;
    let had_line = line.is_some();
    let (name, unit) = match (line, &new_line, m.kind) {
        (Some(l), _, _) => (l.name, l.unit),
        (None, Some(l), MoveKind::Receive) => {
            l.terms.check()?;
            stock_line::insert_if_absent(w.conn(), &depot_s, m.code.as_str(), l.name, l.unit, None)
                .await?;
            (l.name.to_owned(), l.unit.to_owned())
        }
        _ => {
            return Err(Error::NotFound {
                what: "stock line (receive with --name and --unit to open one)",
                id: format!("{depot_s} {}", m.code),
            })
        }
    };
    let balance = ledger_entry::balance(w.conn(), m.depot, m.code.as_str()).await?;
    let quantity = balance.movement(m.kind, m.quantity)?;
    let terms = new_line
        .filter(|_| !had_line)
        .map(|l| l.terms)
        .filter(|t| *t != Terms::default());
    let entry = LedgerEntry {
        id: new_id(),
        depot_id: m.depot,
        code: m.code.clone(),
        kind: m.kind,
        quantity,
        at_ms: w.at_ms(),
        note: m.note.to_owned(),
    };
    record_entry(w, entry, name, unit, terms).await?;
    let after = balance.apply(m.kind, quantity);
    let diff = serde_json::json!({
        "code": m.code.as_str(),
        "movement": {"kind": m.kind.code(), "quantity": quantity, "note": m.note},
        "balance": [balance, after],
    });
    log_stock(w, m.depot, diff).await?;
    Ok(after)
}

/// Sets a line's terms inside a write: a recount of 0 carrying them
/// (see [`Store::set_stock_terms`]).
async fn terms_in(
    w: &mut Write<'_>,
    depot: EntityId,
    code: &MaterialCode,
    terms: Terms,
    new_id: &mut (dyn FnMut() -> EntityId + Send + Sync),
) -> Result<(), Error> {
    let Some(line) = stock_line::get(w.conn(), depot, code.as_str()).await? else {
        return Err(Error::NotFound {
            what: "stock line",
            id: format!("{depot} {code}"),
        });
    };
    let before = line.terms();
    if before == terms {
        return Ok(());
    }
    let entry = LedgerEntry {
        id: new_id(),
        depot_id: depot,
        code: code.clone(),
        kind: MoveKind::Recount,
        quantity: 0,
        at_ms: w.at_ms(),
        note: "设置有效期与最低库存 / terms set".into(),
    };
    record_entry(w, entry, line.name, line.unit, Some(terms.clone())).await?;
    let diff = serde_json::json!({
        "code": code.as_str(),
        "terms": [before, terms],
    });
    log_stock(w, depot, diff).await
}

/// Adds one entry to the ledger and its change to the outbox (which applies any terms it
/// carries to the line).
async fn record_entry(
    w: &mut Write<'_>,
    entry: LedgerEntry,
    name: String,
    unit: String,
    terms: Option<Terms>,
) -> Result<(), Error> {
    ledger_entry::insert(w.conn(), &entry).await?;
    w.change(&Op::Ledger {
        entry,
        name,
        unit,
        terms,
    })
    .await
    .map(drop)
}

async fn log_stock(
    w: &mut Write<'_>,
    depot: EntityId,
    diff: serde_json::Value,
) -> Result<(), Error> {
    w.log(&[change_log::Entry {
        action: "stock",
        layer: Layer::Depots.code(),
        record_id: depot.to_string(),
        diff,
        source: w.source().to_owned(),
    }])
    .await
}
