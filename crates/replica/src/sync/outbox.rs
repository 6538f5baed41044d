//! The outbox: a local write's change, stamped by this replica's hybrid logical clock and
//! numbered densely, added in the write's own transaction (so a crash keeps both or neither).

use crate::import::Tx;
use crate::Error;
use std::collections::BTreeMap;
use yitu_domain::sync::{FieldWrite, Op, Stamp};
use yitu_domain::EntityId;

/// This replica's clock for one transaction: loaded once, advanced per change, saved at the end.
pub(crate) struct Clock {
    node: String,
    last: Option<Stamp>,
}

impl Clock {
    /// Reads the node id (made on first use) and the last stamp made or seen.
    pub(crate) async fn load(tx: &mut Tx<'_>) -> Result<Self, Error> {
        let node: Option<String> =
            sqlx::query_scalar("SELECT value FROM meta WHERE key = 'sync_node'")
                .fetch_optional(&mut **tx)
                .await?;
        let node = match node {
            Some(n) => n,
            None => {
                let mut b = [0u8; 8];
                getrandom::getrandom(&mut b)
                    .map_err(|e| Error::Sync(format!("random source: {e}")))?;
                let n: String = b.iter().map(|x| format!("{x:02x}")).collect();
                sqlx::query("INSERT INTO meta (key, value) VALUES ('sync_node', ?)")
                    .bind(&n)
                    .execute(&mut **tx)
                    .await?;
                n
            }
        };
        let last: Option<String> = sqlx::query_scalar("SELECT value FROM meta WHERE key = 'hlc'")
            .fetch_optional(&mut **tx)
            .await?;
        Ok(Self {
            node,
            last: last.and_then(|s| s.parse().ok()),
        })
    }

    pub(crate) fn tick(&mut self, now_ms: i64) -> Stamp {
        let s = Stamp::tick(self.last.as_ref(), now_ms.max(0) as u64, &self.node);
        self.last = Some(s.clone());
        s
    }

    pub(crate) fn observe(&mut self, seen: &Stamp) {
        self.last = Some(Stamp::observe(self.last.take(), seen));
    }

    pub(crate) async fn save(&self, tx: &mut Tx<'_>) -> Result<(), Error> {
        if let Some(last) = &self.last {
            sqlx::query(
                "INSERT INTO meta (key, value) VALUES ('hlc', ?)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(last.to_string())
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// Stamps `op`, adds it to the outbox and, for a record, to the record's known writes; a stock
    /// entry's terms go to its line under the same stamp.
    pub(crate) async fn append(
        &mut self,
        tx: &mut Tx<'_>,
        author: &str,
        at_ms: i64,
        op: &Op,
    ) -> Result<Stamp, Error> {
        let stamp = self.tick(at_ms);
        let op_json = serde_json::to_string(op).map_err(|e| Error::Sync(e.to_string()))?;
        sqlx::query("INSERT INTO outbox (stamp, author, op, at_ms) VALUES (?, ?, ?, ?)")
            .bind(stamp.to_string())
            .bind(author)
            .bind(&op_json)
            .bind(at_ms)
            .execute(&mut **tx)
            .await?;
        if let Op::Record {
            collection,
            id,
            fields,
        } = op
        {
            super::record::insert_op(tx, collection, *id, &stamp, author, fields).await?;
        }
        if let Op::Ledger {
            entry,
            terms: Some(terms),
            ..
        } = op
        {
            crate::stock::apply_terms(
                tx,
                &entry.depot_id.to_string(),
                entry.code.as_str(),
                terms,
                &stamp.to_string(),
            )
            .await?;
        }
        Ok(stamp)
    }
}

/// A record's fields as a change: every field but its id and layer tag. `bases` gives the stamp
/// each field's current value carries (none for a new record).
pub(crate) fn record_op(
    collection: &str,
    id: EntityId,
    values: impl IntoIterator<Item = (String, serde_json::Value)>,
    bases: &BTreeMap<String, Stamp>,
) -> Op {
    let fields = values
        .into_iter()
        .filter(|(k, _)| k != "id" && k != "layer")
        .map(|(k, value)| {
            let base = bases.get(&k).cloned();
            (k, FieldWrite { value, base })
        })
        .collect();
    Op::Record {
        collection: collection.to_owned(),
        id,
        fields,
    }
}

/// Stamps and appends a batch of changes in one go (an import's rows).
pub(crate) async fn append_all(
    tx: &mut Tx<'_>,
    author: &str,
    at_ms: i64,
    ops: &[Op],
) -> Result<(), Error> {
    if ops.is_empty() {
        return Ok(());
    }
    let mut clock = Clock::load(tx).await?;
    for op in ops {
        clock.append(tx, author, at_ms, op).await?;
    }
    clock.save(tx).await
}
