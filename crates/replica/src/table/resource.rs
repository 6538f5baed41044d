//! `resource`: the five registries' rows — the record as JSON and the columns lists filter by.
//! Nothing is deleted: a retired record keeps its row with `retired = 1`.

use super::{marks, Conn};
use crate::Error;
use std::collections::{BTreeMap, BTreeSet};
use yitu_domain::registries::resource::Resource;
use yitu_domain::EntityId;

/// Rows per multi-row statement: 11 parameters each, far below SQLite's 32,766. sqlx hands
/// every statement to a worker thread, and that round trip, not SQLite, was the cost of one
/// statement per row (measured: 10,000 teams took 1.8 s one by one).
const ROWS_PER_STATEMENT: usize = 200;

/// A registry row as written: the record's indexed columns and its text.
pub(crate) struct Row {
    id: String,
    layer: &'static str,
    kind: &'static str,
    status: &'static str,
    name: String,
    town_code: String,
    lon: f64,
    lat: f64,
    body: String,
    retired: bool,
}

impl Row {
    pub(crate) fn of(r: &Resource, retired: bool) -> Result<Self, Error> {
        let loc = r.location();
        Ok(Self {
            id: r.id().to_string(),
            layer: r.layer().code(),
            kind: r.kind_code(),
            status: r.status_code(),
            name: r.name().to_owned(),
            town_code: r.town_code().to_owned(),
            lon: loc.lon,
            lat: loc.lat,
            body: serde_json::to_string(r).map_err(|source| Error::Corrupt {
                id: r.id().to_string(),
                source,
            })?,
            retired,
        })
    }
}

/// Writes rows, new or replacing (a replaced row keeps whether it is demo data). The rows'
/// texts are moved into the statement: bound by reference they would be copied once more.
pub(crate) async fn upsert(conn: &mut Conn, rows: Vec<Row>) -> Result<(), Error> {
    write(conn, rows, false).await.map(drop)
}

/// Writes demo rows where no row of that id exists; how many were new.
pub(crate) async fn insert_demo(conn: &mut Conn, rows: Vec<Row>) -> Result<u64, Error> {
    write(conn, rows, true).await
}

async fn write(conn: &mut Conn, rows: Vec<Row>, demo: bool) -> Result<u64, Error> {
    let mut written = 0;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Row> = rows.by_ref().take(ROWS_PER_STATEMENT).collect();
        let tuples = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql = if demo {
            format!(
                "INSERT OR IGNORE INTO resource (id, layer, kind, status, name, town_code, lon, lat, body, retired, demo)
                 VALUES {tuples}"
            )
        } else {
            format!(
                "INSERT INTO resource (id, layer, kind, status, name, town_code, lon, lat, body, retired, demo)
                 VALUES {tuples}
                 ON CONFLICT (id) DO UPDATE SET
                   layer = excluded.layer, kind = excluded.kind, status = excluded.status,
                   name = excluded.name, town_code = excluded.town_code, lon = excluded.lon,
                   lat = excluded.lat, body = excluded.body, retired = excluded.retired"
            )
        };
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(r.id)
                .bind(r.layer)
                .bind(r.kind)
                .bind(r.status)
                .bind(r.name)
                .bind(r.town_code)
                .bind(r.lon)
                .bind(r.lat)
                .bind(r.body)
                .bind(i64::from(r.retired))
                .bind(i64::from(demo));
        }
        written += q.execute(&mut *conn).await?.rows_affected();
    }
    Ok(written)
}

/// Marks a live record retired; whether there was one.
pub(crate) async fn retire(conn: &mut Conn, id: EntityId) -> Result<bool, Error> {
    let done = sqlx::query("UPDATE resource SET retired = 1 WHERE id = ? AND retired = 0")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The record's text, retired or not.
pub(crate) async fn body(conn: &mut Conn, id: &str) -> Result<Option<String>, Error> {
    Ok(sqlx::query_scalar("SELECT body FROM resource WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// A live record, read.
pub(crate) async fn live(conn: &mut Conn, id: EntityId) -> Result<Option<Resource>, Error> {
    let body: Option<String> =
        sqlx::query_scalar("SELECT body FROM resource WHERE id = ? AND retired = 0")
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    body.map(|b| {
        serde_json::from_str(&b).map_err(|source| Error::Corrupt {
            id: id.to_string(),
            source,
        })
    })
    .transpose()
}

/// Whether a row of that id exists (live or retired).
pub(crate) async fn exists(conn: &mut Conn, id: &str) -> Result<bool, Error> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM resource WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.is_some())
}

/// Whether `id` is a live depot.
pub(crate) async fn is_live_depot(conn: &mut Conn, id: EntityId) -> Result<bool, Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM resource WHERE id = ? AND layer = 'depots' AND retired = 0",
    )
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.is_some())
}

/// Which of `ids` have a row.
pub(crate) async fn present(conn: &mut Conn, ids: &[String]) -> Result<BTreeSet<String>, Error> {
    let mut held = BTreeSet::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT id FROM resource WHERE id IN ({})",
            marks(chunk.len())
        );
        let mut q = sqlx::query_scalar::<_, String>(&sql);
        for id in chunk {
            q = q.bind(id);
        }
        held.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(held)
}

/// The texts of those of `ids` (at most 500) that have a row.
pub(crate) async fn bodies(
    conn: &mut Conn,
    ids: &[String],
) -> Result<BTreeMap<String, String>, Error> {
    let sql = format!(
        "SELECT id, body FROM resource WHERE id IN ({})",
        marks(ids.len())
    );
    let mut q = sqlx::query_as::<_, (String, String)>(&sql);
    for id in ids {
        q = q.bind(id);
    }
    Ok(q.fetch_all(&mut *conn).await?.into_iter().collect())
}
