//! `record_op`: every write known for a record (local and pulled), field by field with the stamp
//! each was based on — what a record is merged from. Under one stamp two different writes (only
//! a broken device makes them) keep the greater fields text, the rule
//! `yitu_domain::sync::State` keeps, so every replica shows the same record.

use super::{marks, Conn};
use crate::Error;
use std::collections::BTreeMap;
use yitu_domain::sync::{resolve, FieldOp, FieldWrite, Stamp};
use yitu_domain::EntityId;

/// A write as `record_op` keeps it.
pub(crate) struct OpRow<'a> {
    pub collection: yitu_domain::sync::Collection,
    pub id: EntityId,
    pub stamp: &'a Stamp,
    pub author: &'a str,
    pub text: &'a str,
}

/// Rows per statement (5 parameters each).
const ROWS_PER_STATEMENT: usize = 200;

/// Inserts writes, 200 to a statement. A write already known changes nothing.
pub(crate) async fn insert(conn: &mut Conn, writes: &[OpRow<'_>]) -> Result<(), Error> {
    for chunk in writes.chunks(ROWS_PER_STATEMENT) {
        let tuples = vec!["(?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql = format!(
            "INSERT INTO record_op (collection, record_id, stamp, author, fields) VALUES {tuples}
             ON CONFLICT (record_id, stamp) DO UPDATE SET author = excluded.author, fields = excluded.fields
             WHERE excluded.fields > record_op.fields"
        );
        let mut q = sqlx::query(&sql);
        for w in chunk {
            q = q
                .bind(w.collection.code())
                .bind(w.id.to_string())
                .bind(w.stamp.to_string())
                .bind(w.author)
                .bind(w.text);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The writes stored for one record: (stamp, author, fields text).
pub(crate) async fn of_record(
    conn: &mut Conn,
    id: EntityId,
) -> Result<Vec<(String, String, String)>, Error> {
    Ok(
        sqlx::query_as("SELECT stamp, author, fields FROM record_op WHERE record_id = ?")
            .bind(id.to_string())
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// The writes stored for `ids` (at most 500), by record then stamp: (author, fields text).
pub(crate) async fn of_records(
    conn: &mut Conn,
    ids: &[String],
) -> Result<BTreeMap<String, BTreeMap<String, (String, String)>>, Error> {
    let sql = format!(
        "SELECT record_id, stamp, author, fields FROM record_op WHERE record_id IN ({})",
        marks(ids.len())
    );
    let mut q = sqlx::query_as::<_, (String, String, String, String)>(&sql);
    for id in ids {
        q = q.bind(id);
    }
    let mut stored: BTreeMap<String, BTreeMap<String, (String, String)>> = BTreeMap::new();
    for (record, stamp, author, fields) in q.fetch_all(&mut *conn).await? {
        stored
            .entry(record)
            .or_default()
            .insert(stamp, (author, fields));
    }
    Ok(stored)
}

/// Whether any write is stored (when none is, applying needs no read of them).
pub(crate) async fn any(conn: &mut Conn) -> Result<bool, Error> {
    let any: Option<i64> = sqlx::query_scalar("SELECT 1 FROM record_op LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    Ok(any.is_some())
}

/// Every write stored for a record, field by field.
pub(crate) async fn field_ops(
    conn: &mut Conn,
    id: EntityId,
) -> Result<BTreeMap<String, Vec<FieldOp>>, Error> {
    let mut out: BTreeMap<String, Vec<FieldOp>> = BTreeMap::new();
    for (stamp, author, fields) in of_record(conn, id).await? {
        add_ops(&mut out, &stamp, &author, &fields)?;
    }
    Ok(out)
}

/// One stored write (its stamp, author and fields as text) added field by field.
pub(crate) fn add_ops(
    out: &mut BTreeMap<String, Vec<FieldOp>>,
    stamp: &str,
    author: &str,
    fields: &str,
) -> Result<(), Error> {
    let stamp: Stamp = stamp.parse().map_err(|e| Error::Sync(format!("{e}")))?;
    let fields: BTreeMap<String, FieldWrite> =
        serde_json::from_str(fields).map_err(|e| Error::Sync(e.to_string()))?;
    for (name, w) in fields {
        out.entry(name).or_default().push(FieldOp {
            stamp: stamp.clone(),
            base: w.base,
            value: w.value,
            author: author.to_owned(),
        });
    }
    Ok(())
}

/// The stamp of each field's current value: the bases of a local edit.
pub(crate) async fn bases(conn: &mut Conn, id: EntityId) -> Result<BTreeMap<String, Stamp>, Error> {
    Ok(field_ops(conn, id)
        .await?
        .iter()
        .filter_map(|(f, ops)| resolve(ops).map(|r| (f.clone(), r.winner.stamp.clone())))
        .collect())
}
