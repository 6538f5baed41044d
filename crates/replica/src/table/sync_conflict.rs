//! `sync_conflict`: the fields of a record two people changed concurrently to different values,
//! each with every version, as the merge last found them.

use super::Conn;
use crate::sync::record::Version;
use crate::Error;
use yitu_domain::sync::Collection;

/// A collection name as stored: a row written by this code always reads back.
fn collection(code: &str) -> Result<Collection, Error> {
    Collection::from_code(code).map_err(|e| Error::Sync(format!("sync_conflict: {e}")))
}

/// Replaces a record's conflict rows by `conflicts` (field, versions winner first).
pub(crate) async fn replace(
    conn: &mut Conn,
    collection: Collection,
    id: &str,
    conflicts: &[(String, Vec<Version>)],
) -> Result<(), Error> {
    sqlx::query("DELETE FROM sync_conflict WHERE record_id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (field, versions) in conflicts {
        sqlx::query(
            "INSERT INTO sync_conflict (collection, record_id, field, versions) VALUES (?, ?, ?, ?)",
        )
        .bind(collection.code())
        .bind(id)
        .bind(field)
        .bind(serde_json::to_string(versions).map_err(|e| Error::Sync(e.to_string()))?)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The collection of a field in conflict, if it is.
pub(crate) async fn collection_of(
    conn: &mut Conn,
    id: &str,
    field: &str,
) -> Result<Option<Collection>, Error> {
    let code: Option<String> = sqlx::query_scalar(
        "SELECT collection FROM sync_conflict WHERE record_id = ? AND field = ?",
    )
    .bind(id)
    .bind(field)
    .fetch_optional(&mut *conn)
    .await?;
    code.as_deref().map(collection).transpose()
}

/// Every conflict: (collection, record, field, versions text), by record then field.
pub(crate) async fn all(
    conn: &mut Conn,
) -> Result<Vec<(Collection, String, String, String)>, Error> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT collection, record_id, field, versions FROM sync_conflict ORDER BY record_id, field",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(c, id, field, versions)| Ok((collection(&c)?, id, field, versions)))
        .collect()
}
