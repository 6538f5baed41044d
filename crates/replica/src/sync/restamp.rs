//! This desk's changes stamped while its clock ran far ahead of the server's, stamped again
//! from the server's time at the start of a pass, before they are pushed, so the server takes
//! them instead of quarantining them (`yitu_domain::sync::restamp` says why that is safe), and
//! the clock set back so what the desk stamps next is not far ahead too. Changes quarantined
//! before this desk did so are stamped again and sent once more the same way.

use crate::table::{meta, Conn};
use crate::write::Origin;
use crate::{Error, Store};
use std::collections::{BTreeSet, HashMap};
use yitu_domain::sync::restamp::{bound_text, plan, rewrite};
use yitu_domain::sync::Stamp;
use yitu_domain::EntityId;

/// Stamps again, in one transaction, this desk's changes the server would quarantine at
/// `server_ms`, and sets the clock back after them; how many were stamped again. Nothing is
/// opened for writing when no stamp this desk holds is that far ahead (every pass asks).
pub(crate) async fn ahead(store: &Store, server_ms: u64) -> Result<u64, Error> {
    let bound = bound_text(server_ms);
    {
        let mut conn = store.pool.acquire().await?;
        let hlc = meta::get(&mut conn, "hlc").await?.unwrap_or_default();
        if hlc < bound && !any_own_ahead(&mut conn, &bound).await? {
            return Ok(0);
        }
    }
    let mut w = store
        .write_from(Origin::Elsewhere, "", crate::clock::wall_clock_ms())
        .await?;
    let node = w.clock().node().to_owned();
    let own = own_untaken(w.conn()).await?;
    let stamps = own
        .iter()
        .map(|(_, s, quarantined)| Ok((s.parse::<Stamp>()?, *quarantined)))
        .collect::<Result<Vec<_>, yitu_domain::sync::stamp::BadStamp>>()
        .map_err(|e| Error::Sync(e.to_string()))?;
    let known = newest_admissible(w.conn(), &bound).await?;
    let planned = plan(&stamps, known.as_ref(), server_ms, &node);
    let new: HashMap<String, String> = planned
        .iter()
        .map(|(old, new)| (old.to_string(), new.to_string()))
        .collect();
    let conn = w.conn();
    for (seq, stamp, _) in &own {
        let Some(to) = new.get(stamp) else { continue };
        let op: String = sqlx::query_scalar("SELECT op FROM outbox WHERE seq = ?")
            .bind(seq)
            .fetch_one(&mut *conn)
            .await?;
        let op = rewrite(&op, &node, &new).unwrap_or(op);
        // A quarantined change waits again (outcome NULL): the server, holding a refusal under
        // its number, answers `rewound`, and the engine numbers it after what the server holds.
        sqlx::query("UPDATE outbox SET stamp = ?, op = ?, outcome = NULL WHERE seq = ?")
            .bind(to)
            .bind(&op)
            .bind(seq)
            .execute(&mut *conn)
            .await?;
    }
    restamp_records(conn, &bound, &node, &new).await?;
    let decisions = restamp_acts(conn, &bound, &new).await?;
    for (old, to) in &new {
        sqlx::query("UPDATE stock_line SET terms_stamp = ? WHERE terms_stamp = ?")
            .bind(to)
            .bind(old)
            .execute(&mut *conn)
            .await?;
    }
    let conflicts: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT record_id, field, versions FROM sync_conflict WHERE instr(versions, ?) > 0",
    )
    .bind(&node)
    .fetch_all(&mut *conn)
    .await?;
    for (record, field, versions) in conflicts {
        if let Some(versions) = rewrite(&versions, &node, &new) {
            sqlx::query("UPDATE sync_conflict SET versions = ? WHERE record_id = ? AND field = ?")
                .bind(versions)
                .bind(record)
                .bind(field)
                .execute(&mut *conn)
                .await?;
        }
    }
    // The sheet's times of the acts stamped again are the server's now.
    for id in decisions {
        let id = EntityId::parse(&id).map_err(|e| Error::Sync(e.to_string()))?;
        crate::decisions::rebuild(conn, id, None).await?;
    }
    let newest = planned.last().map(|(_, n)| n.clone()).or(known);
    if let Some(newest) = newest {
        w.clock().rewind(newest);
    }
    w.commit().await?;
    tracing::warn!(
        restamped = planned.len(),
        "this desk's clock ran ahead of the server's: its changes were stamped again from the server's time"
    );
    Ok(planned.len() as u64)
}

/// This desk's changes after the last the server took, waiting or quarantined, in order:
/// (seq, stamp, quarantined). Only this tail: a quarantined change with a taken one after it
/// stays as it is, since stamping it again would put it after what followed it.
async fn own_untaken(conn: &mut Conn) -> Result<Vec<(i64, String, bool)>, Error> {
    Ok(sqlx::query_as(
        "SELECT seq, stamp, outcome IS NOT NULL FROM outbox
         WHERE seq > (SELECT COALESCE(MAX(seq), 0) FROM outbox WHERE outcome = 'accepted')
           AND (outcome IS NULL OR outcome LIKE 'quarantined%')
         ORDER BY seq",
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// Whether a change of this desk the server has not taken is stamped at or past `bound`, or
/// was quarantined: one query, asked every pass.
async fn any_own_ahead(conn: &mut Conn, bound: &str) -> Result<bool, Error> {
    let any: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM outbox
         WHERE seq > (SELECT COALESCE(MAX(seq), 0) FROM outbox WHERE outcome = 'accepted')
           AND ((outcome IS NULL AND stamp >= ?) OR outcome LIKE 'quarantined%')
         LIMIT 1",
    )
    .bind(bound)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(any.is_some())
}

/// The newest stamp this desk holds below `bound` (what the server could have admitted):
/// record writes, decision acts and its own changes. Runs only when something is ahead.
async fn newest_admissible(conn: &mut Conn, bound: &str) -> Result<Option<Stamp>, Error> {
    let newest: Option<String> = sqlx::query_scalar(
        "SELECT MAX(s) FROM (
             SELECT MAX(stamp) AS s FROM record_op WHERE stamp < ?1
             UNION ALL SELECT MAX(stamp) FROM decision_act WHERE stamp < ?1
             UNION ALL SELECT MAX(stamp) FROM outbox WHERE stamp < ?1)",
    )
    .bind(bound)
    .fetch_one(&mut *conn)
    .await?;
    newest
        .map(|s| s.parse().map_err(|e| Error::Sync(format!("{e}"))))
        .transpose()
}

/// Record writes stamped again, their bases with them.
async fn restamp_records(
    conn: &mut Conn,
    bound: &str,
    node: &str,
    new: &HashMap<String, String>,
) -> Result<(), Error> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT record_id, stamp, fields FROM record_op WHERE stamp >= ?")
            .bind(bound)
            .fetch_all(&mut *conn)
            .await?;
    for (record, stamp, fields) in rows {
        let Some(to) = new.get(&stamp) else { continue };
        let fields = rewrite(&fields, node, new).unwrap_or(fields);
        sqlx::query("UPDATE record_op SET stamp = ?, fields = ? WHERE record_id = ? AND stamp = ?")
            .bind(to)
            .bind(fields)
            .bind(record)
            .bind(stamp)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Decision acts stamped again (their bodies hold no stamp); the decisions they belong to.
async fn restamp_acts(
    conn: &mut Conn,
    bound: &str,
    new: &HashMap<String, String>,
) -> Result<BTreeSet<String>, Error> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, decision_id, stamp FROM decision_act WHERE stamp >= ?")
            .bind(bound)
            .fetch_all(&mut *conn)
            .await?;
    let mut decisions = BTreeSet::new();
    for (id, decision, stamp) in rows {
        let Some(to) = new.get(&stamp) else { continue };
        sqlx::query("UPDATE decision_act SET stamp = ? WHERE id = ?")
            .bind(to)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        decisions.insert(decision);
    }
    Ok(decisions)
}
