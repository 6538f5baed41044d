//! `sync_conflict`: the fields of a record two people changed concurrently to different values,
//! each with every version, as the merge last found them.

use super::Conn;
use crate::sync::record::Version;
use crate::Error;

/// Replaces a record's conflict rows by `conflicts` (field, versions winner first).
pub(crate) async fn replace(
    conn: &mut Conn,
    collection: &str,
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
        .bind(collection)
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
) -> Result<Option<String>, Error> {
    Ok(
        sqlx::query_scalar(
            "SELECT collection FROM sync_conflict WHERE record_id = ? AND field = ?",
        )
        .bind(id)
        .bind(field)
        .fetch_optional(&mut *conn)
        .await?,
    )
}

/// Every conflict: (collection, record, field, versions text), by record then field.
pub(crate) async fn all(conn: &mut Conn) -> Result<Vec<(String, String, String, String)>, Error> {
    Ok(sqlx::query_as(
        "SELECT collection, record_id, field, versions FROM sync_conflict ORDER BY record_id, field",
    )
    .fetch_all(&mut *conn)
    .await?)
}
