//! `stock_line`: what a depot stocks of one material code — its name, unit and terms (expiry,
//! minimum). The quantity is never here: it is the fold of the ledger.

use super::Conn;
use crate::Error;
use yitu_domain::stock::{StockLine, Terms};
use yitu_domain::EntityId;

/// A line as stored, the depot as text.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct Line {
    pub depot_id: String,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub expiry: Option<String>,
    pub minimum: Option<i64>,
}

impl Line {
    pub(crate) fn terms(&self) -> Terms {
        Terms {
            expiry: self.expiry.clone(),
            minimum: self.minimum,
        }
    }
}

const COLUMNS: &str = "depot_id, code, name, unit, expiry, minimum";

/// Writes a line whole, new or replacing the one of the same depot and code (an import).
pub(crate) async fn upsert(conn: &mut Conn, line: &StockLine) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO stock_line (depot_id, code, name, unit, expiry, minimum) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (depot_id, code) DO UPDATE SET
           name = excluded.name, unit = excluded.unit, expiry = excluded.expiry,
           minimum = excluded.minimum",
    )
    .bind(line.depot_id.to_string())
    .bind(line.code.as_str())
    .bind(&line.name)
    .bind(&line.unit)
    .bind(&line.expiry)
    .bind(line.minimum)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Opens a line unless the depot has one for the code already (a first receipt, a pulled
/// entry, the demo set): an existing line keeps its name, unit and terms.
pub(crate) async fn insert_if_absent(
    conn: &mut Conn,
    depot: &str,
    code: &str,
    name: &str,
    unit: &str,
    expiry: Option<&str>,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT OR IGNORE INTO stock_line (depot_id, code, name, unit, expiry) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(depot)
    .bind(code)
    .bind(name)
    .bind(unit)
    .bind(expiry)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Replaces a line's terms with those of the change stamped `stamp`, unless the line already
/// holds newer ones: local settings and pulled ones meet here, in any order.
pub(crate) async fn apply_terms(
    conn: &mut Conn,
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
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One line of a depot.
pub(crate) async fn get(
    conn: &mut Conn,
    depot: EntityId,
    code: &str,
) -> Result<Option<Line>, Error> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM stock_line WHERE depot_id = ? AND code = ?"
    ))
    .bind(depot.to_string())
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Every line, in code order.
pub(crate) async fn all(conn: &mut Conn) -> Result<Vec<Line>, Error> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM stock_line ORDER BY code"))
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// A depot's lines, in code order.
pub(crate) async fn of_depot(conn: &mut Conn, depot: EntityId) -> Result<Vec<Line>, Error> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM stock_line WHERE depot_id = ? ORDER BY code"
    ))
    .bind(depot.to_string())
    .fetch_all(&mut *conn)
    .await?)
}

/// Lines of live depots whose code starts with `prefix`, by depot then code.
pub(crate) async fn of_live_depots_under(
    conn: &mut Conn,
    prefix: &str,
) -> Result<Vec<Line>, Error> {
    Ok(sqlx::query_as(
        "SELECT l.depot_id, l.code, l.name, l.unit, l.expiry, l.minimum FROM stock_line l
         JOIN resource r ON r.id = l.depot_id AND r.retired = 0
         WHERE l.code LIKE ? ORDER BY l.depot_id, l.code",
    )
    .bind(format!("{prefix}%"))
    .fetch_all(&mut *conn)
    .await?)
}
