//! `ledger_entry`: the stock ledger, one row per movement (receive, issue, reserve, release,
//! recount). Entries are only added; balances are folds of them (`yitu_domain::stock`).

use super::Conn;
use crate::Error;
use std::collections::HashMap;
use yitu_domain::stock::{Balance, LedgerEntry, MoveKind};
use yitu_domain::EntityId;

/// Adds an entry made here (its id is new: a repeat is an error, not a no-op).
pub(crate) async fn insert(conn: &mut Conn, e: &LedgerEntry) -> Result<(), Error> {
    write(conn, e, "INSERT").await.map(drop)
}

/// Adds an entry made elsewhere (pulled, or the demo set) unless it is known; whether it was new.
pub(crate) async fn insert_if_absent(conn: &mut Conn, e: &LedgerEntry) -> Result<bool, Error> {
    write(conn, e, "INSERT OR IGNORE").await
}

/// Removes the entries a decision's fold made (reservations, releases, materials issued on
/// completion), before the fold's are written again: they are the fold's, every desk derives
/// them, none is pushed.
pub(crate) async fn clear_derived(conn: &mut Conn, decision: EntityId) -> Result<(), Error> {
    sqlx::query("DELETE FROM ledger_entry WHERE decision_id = ?")
        .bind(decision.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Adds an entry of a decision's fold.
pub(crate) async fn add_derived(
    conn: &mut Conn,
    decision: EntityId,
    e: &LedgerEntry,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO ledger_entry (id, depot_id, code, kind, quantity, at_ms, note, decision_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(e.id.to_string())
    .bind(e.depot_id.to_string())
    .bind(e.code.as_str())
    .bind(e.kind.code())
    .bind(e.quantity)
    .bind(e.at_ms)
    .bind(&e.note)
    .bind(decision.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn write(conn: &mut Conn, e: &LedgerEntry, verb: &str) -> Result<bool, Error> {
    let done = sqlx::query(&format!(
        "{verb} INTO ledger_entry (id, depot_id, code, kind, quantity, at_ms, note)
         VALUES (?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(e.id.to_string())
    .bind(e.depot_id.to_string())
    .bind(e.code.as_str())
    .bind(e.kind.code())
    .bind(e.quantity)
    .bind(e.at_ms)
    .bind(&e.note)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Balances by (depot, code), folded from the entries selected by `filter` ("" for all).
async fn balances(
    conn: &mut Conn,
    filter: &str,
    binds: &[String],
) -> Result<HashMap<(String, String), Balance>, Error> {
    let sql = format!("SELECT depot_id, code, kind, quantity FROM ledger_entry {filter}");
    let mut q = sqlx::query_as::<_, (String, String, String, i64)>(&sql);
    for b in binds {
        q = q.bind(b);
    }
    let mut out: HashMap<(String, String), Balance> = HashMap::new();
    for (depot, code, kind, quantity) in q.fetch_all(&mut *conn).await? {
        let b = out.entry((depot, code)).or_default();
        *b = b.apply(MoveKind::from_code(&kind)?, quantity);
    }
    Ok(out)
}

/// Every line's balance.
pub(crate) async fn all_balances(
    conn: &mut Conn,
) -> Result<HashMap<(String, String), Balance>, Error> {
    balances(conn, "", &[]).await
}

/// The balances of one depot's lines.
pub(crate) async fn depot_balances(
    conn: &mut Conn,
    depot: EntityId,
) -> Result<HashMap<(String, String), Balance>, Error> {
    balances(conn, "WHERE depot_id = ?", &[depot.to_string()]).await
}

/// The balances of lines whose code starts with `prefix`.
pub(crate) async fn balances_under(
    conn: &mut Conn,
    prefix: &str,
) -> Result<HashMap<(String, String), Balance>, Error> {
    balances(conn, "WHERE code LIKE ?", &[format!("{prefix}%")]).await
}

/// One line's balance.
pub(crate) async fn balance(
    conn: &mut Conn,
    depot: EntityId,
    code: &str,
) -> Result<Balance, Error> {
    let found = balances(
        conn,
        "WHERE depot_id = ? AND code = ?",
        &[depot.to_string(), code.to_owned()],
    )
    .await?;
    Ok(found.into_values().next().unwrap_or_default())
}
