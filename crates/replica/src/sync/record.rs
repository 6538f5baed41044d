//! Records as merged from their field writes: the writes known for a record (local and pulled),
//! the record's row rebuilt from the winners, and the conflicts a person resolves.

use crate::table::record_op::{self, OpRow};
use crate::table::{change_log, incident, resource, sync_conflict, Conn};
use crate::{Error, Store};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use yitu_domain::command::incident::Incident;
use yitu_domain::monitoring::{Station, Warning};
use yitu_domain::registries::resource::Resource;
use yitu_domain::sync::change::RETIRED;
use yitu_domain::sync::merge::{self, Merged};
use yitu_domain::sync::{Change, Collection, FieldOp, FieldWrite, Op, Stamp};
use yitu_domain::EntityId;

pub use yitu_ipc::sync::Version;

/// A field two people changed concurrently to different values: the version now shown (first)
/// and the others. Every replica that holds the same writes shows the same conflict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    pub collection: Collection,
    pub record_id: String,
    pub field: String,
    pub versions: Vec<Version>,
}

/// A record write from elsewhere (a pulled change or a snapshot line), with its fields' text as
/// `record_op` keeps it.
pub(crate) struct Incoming<'a> {
    pub collection: Collection,
    pub id: EntityId,
    pub stamp: &'a Stamp,
    pub author: &'a str,
    pub fields: &'a BTreeMap<String, FieldWrite>,
    pub text: Cow<'a, str>,
}

impl<'a> Incoming<'a> {
    pub fn new(
        collection: Collection,
        id: EntityId,
        stamp: &'a Stamp,
        author: &'a str,
        fields: &'a BTreeMap<String, FieldWrite>,
    ) -> Result<Self, Error> {
        Ok(Self {
            collection,
            id,
            stamp,
            author,
            fields,
            text: Cow::Owned(
                serde_json::to_string(fields).map_err(|e| Error::Sync(e.to_string()))?,
            ),
        })
    }

    /// The record write of a pulled change, if it is one.
    pub fn of(change: &'a Change) -> Result<Option<Self>, Error> {
        match &change.op {
            Op::Record {
                collection,
                id,
                fields,
            } => Self::new(*collection, *id, &change.stamp, &change.author, fields).map(Some),
            _ => Ok(None),
        }
    }
}

/// Records rebuilt per statement batch when writes from elsewhere are applied.
const RECORDS_PER_BATCH: usize = 500;

/// Keeps writes from elsewhere and rebuilds their records, merging from the writes in hand and
/// those already stored, read once per batch of records (none when `none_stored`: a first sync
/// into an empty `record_op`). Reading each batch's writes back from `record_op` and parsing
/// them again was most of the cost of applying a pulled page.
pub(crate) async fn apply_writes(
    conn: &mut Conn,
    writes: &[Incoming<'_>],
    none_stored: bool,
) -> Result<(), Error> {
    let mut by_record: BTreeMap<EntityId, Vec<&Incoming>> = BTreeMap::new();
    for w in writes {
        by_record.entry(w.id).or_default().push(w);
    }
    let records: Vec<(EntityId, Vec<&Incoming>)> = by_record.into_iter().collect();
    for chunk in records.chunks(RECORDS_PER_BATCH) {
        let ids: Vec<String> = chunk.iter().map(|(id, _)| id.to_string()).collect();
        // Stored writes by record and stamp: (author, fields text).
        let mut stored = if none_stored {
            BTreeMap::new()
        } else {
            record_op::of_records(conn, &ids).await?
        };
        let incoming: Vec<OpRow> = chunk
            .iter()
            .flat_map(|(_, ws)| ws.iter())
            .map(|w| OpRow {
                collection: w.collection,
                id: w.id,
                stamp: w.stamp,
                author: w.author,
                text: &w.text,
            })
            .collect();
        record_op::insert(conn, &incoming).await?;
        let bodies = resource::bodies(conn, &ids).await?;
        let mut rows = Vec::with_capacity(chunk.len());
        for ((_, ws), id) in chunk.iter().zip(&ids) {
            let collection = ws[0].collection;
            let ops = known_ops(stored.remove(id).unwrap_or_default(), ws)?;
            let m = merge::record(&ops);
            write_conflicts(conn, collection, id, m.several, &versions(&m.conflicts)).await?;
            if collection == Collection::Incidents {
                write_incident(conn, id, &m).await?;
            } else if collection == Collection::Stations {
                write_station(conn, id, &m).await?;
            } else if collection == Collection::Warnings {
                write_warning(conn, id, &m).await?;
            } else if collection == Collection::Decisions {
                crate::decisions::rebuild(conn, ws[0].id, None).await?;
            } else if let Some(row) =
                resource_row(bodies.get(id).map(String::as_str), collection, id, m)?
            {
                rows.push(row);
            }
        }
        resource::upsert(conn, rows).await?;
    }
    Ok(())
}

/// What a record's writes make on their own, over no stored write and no earlier row: its
/// conflicts and its registry row, worked out off the store's thread while a snapshot is read
/// (`None` for an incident, whose row is written by [`apply_writes`]). Written as it is when
/// the store holds nothing of the record, the case of a first sync: it is then what
/// [`apply_writes`] would write.
pub(crate) fn prepare(writes: &[Incoming]) -> Result<Option<Prepared>, Error> {
    let Some(first) = writes.first() else {
        return Ok(None);
    };
    if matches!(
        first.collection,
        Collection::Incidents | Collection::Decisions | Collection::Stations | Collection::Warnings
    ) {
        return Ok(None);
    }
    let refs: Vec<&Incoming> = writes.iter().collect();
    let m = merge::record(&known_ops(BTreeMap::new(), &refs)?);
    let (several, conflicts) = (m.several, versions(&m.conflicts));
    let row = resource_row(None, first.collection, &first.id.to_string(), m)?;
    Ok(Some(Prepared {
        several,
        conflicts,
        row,
    }))
}

/// [`prepare`] for a registry record of one write (a record created whole and not edited
/// since: nearly every record of a first sync), read straight from the write's fields text.
/// With one write each field's winner is its value and nothing conflicts, so the row is the
/// record made of the values as they are written, laid out as [`overlay`] lays them; no value
/// goes through a `serde_json::Value` (building, copying and dropping those was most of the
/// reading thread's time). `None` when the text is not read this way (a field name with an
/// escape): [`prepare`] then does it.
pub(crate) fn prepare_one(
    collection: Collection,
    id: EntityId,
    text: &str,
) -> Option<Result<Prepared, Error>> {
    /// A field write with its value left as text (its base read only to refuse a bad one, as
    /// reading it whole does).
    #[derive(serde::Deserialize)]
    struct RawField<'a> {
        #[serde(borrow)]
        value: &'a serde_json::value::RawValue,
        #[serde(default, rename = "base")]
        _base: Option<Stamp>,
    }
    let fields: BTreeMap<&str, RawField> = serde_json::from_str(text).ok()?;
    let alone = |row| {
        Some(Ok(Prepared {
            several: false,
            conflicts: Vec::new(),
            row,
        }))
    };
    if fields.is_empty() {
        return alone(None);
    }
    let id = id.to_string();
    let mut retired = false;
    let mut body = String::with_capacity(text.len() + 100);
    body.push('{');
    for (name, f) in &fields {
        match *name {
            // Not a field of the record: its tombstone flag (a `bool`, else not retired).
            RETIRED => retired = serde_json::from_str::<bool>(f.value.get()).unwrap_or(false),
            // Set from the row's identity below, whatever a write says.
            "id" | "layer" => {}
            _ => {
                body.push('"');
                body.push_str(name);
                body.push_str("\":");
                body.push_str(f.value.get());
                body.push(',');
            }
        }
    }
    let quote = |s: &str| serde_json::to_string(s).map_err(|e| Error::Sync(e.to_string()));
    let (id_text, layer_text) = match (quote(&id), quote(collection.code())) {
        (Ok(i), Ok(l)) => (i, l),
        (Err(e), _) | (_, Err(e)) => return Some(Err(e)),
    };
    body.push_str("\"id\":");
    body.push_str(&id_text);
    body.push_str(",\"layer\":");
    body.push_str(&layer_text);
    body.push('}');
    match serde_json::from_str::<Resource>(&body) {
        Ok(r) => match resource::Row::of(&r, retired) {
            Ok(row) => alone(Some(row)),
            Err(e) => Some(Err(e)),
        },
        Err(e) => {
            tracing::warn!(record = %id, error = %e, "record incomplete after merge; waiting for more");
            alone(None)
        }
    }
}

/// A record's conflicts and row as [`prepare`] found them.
pub(crate) struct Prepared {
    pub several: bool,
    pub conflicts: Vec<(String, Vec<Version>)>,
    pub row: Option<resource::Row>,
}

/// Writes records the store held nothing of (no `record_op` row, no registry row) as
/// [`prepare`] made them: their writes, their conflicts, their rows.
pub(crate) async fn apply_prepared(
    conn: &mut Conn,
    ops: &[OpRow<'_>],
    records: Vec<(Collection, EntityId, Prepared)>,
) -> Result<(), Error> {
    record_op::insert(conn, ops).await?;
    let mut rows = Vec::with_capacity(records.len());
    for (collection, id, p) in records {
        write_conflicts(conn, collection, &id.to_string(), p.several, &p.conflicts).await?;
        rows.extend(p.row);
    }
    resource::upsert(conn, rows).await
}

/// A record's writes as `record_op` now holds them (stored and incoming; under one stamp the
/// greater fields text, the rule of `insert_rows`), field by field.
fn known_ops(
    stored: BTreeMap<String, (String, String)>,
    incoming: &[&Incoming],
) -> Result<BTreeMap<String, Vec<FieldOp>>, Error> {
    let mut newer: BTreeMap<String, &Incoming> = BTreeMap::new();
    for w in incoming {
        let stamp = w.stamp.to_string();
        let beats_stored = stored.get(&stamp).is_none_or(|(_, text)| *w.text > **text);
        let beats_incoming = newer.get(&stamp).is_none_or(|o| w.text > o.text);
        if beats_stored && beats_incoming {
            newer.insert(stamp, w);
        }
    }
    let mut out: BTreeMap<String, Vec<FieldOp>> = BTreeMap::new();
    for (stamp, (author, text)) in &stored {
        if !newer.contains_key(stamp) {
            record_op::add_ops(&mut out, stamp, author, text)?;
        }
    }
    for w in newer.values() {
        for (name, f) in w.fields {
            out.entry(name.clone()).or_default().push(FieldOp {
                stamp: w.stamp.clone(),
                base: f.base.clone(),
                value: f.value.clone(),
                author: w.author.to_owned(),
            });
        }
    }
    Ok(out)
}

/// A record's conflicts merged again from every write `record_op` holds, after a write made on
/// this desk: a write whose base is one side of a conflict may settle it, and this desk must
/// show what every other desk will find once the write reaches them.
pub(crate) async fn remerge_conflicts(
    conn: &mut Conn,
    collection: Collection,
    id: &str,
) -> Result<(), Error> {
    let mut stored = record_op::of_records(conn, &[id.to_owned()]).await?;
    let ops = known_ops(stored.remove(id).unwrap_or_default(), &[])?;
    let m = merge::record(&ops);
    write_conflicts(conn, collection, id, m.several, &versions(&m.conflicts)).await
}

/// A record's conflicts as stored and shown: every head's value, author and stamp, winner first.
fn versions(conflicts: &[(String, Vec<FieldOp>)]) -> Vec<(String, Vec<Version>)> {
    conflicts
        .iter()
        .map(|(field, heads)| {
            let versions = heads
                .iter()
                .map(|o| Version {
                    value: o.value.clone(),
                    author: o.author.clone(),
                    stamp: o.stamp.to_string(),
                })
                .collect();
            (field.clone(), versions)
        })
        .collect()
}

/// Replaces a record's conflict rows by what the merge found.
async fn write_conflicts(
    conn: &mut Conn,
    collection: Collection,
    id: &str,
    several: bool,
    conflicts: &[(String, Vec<Version>)],
) -> Result<(), Error> {
    // With one write per field there is no conflict now and was none before (writes are never
    // removed): the common case of a first sync skips the statement.
    if !several {
        return Ok(());
    }
    sync_conflict::replace(conn, collection, id, conflicts).await
}

/// A registry row rebuilt from the merge: the record, retired or not, and its newest stamp.
/// `None` while the merged fields do not make a valid record yet (a write of a record this
/// replica has not seen whole): its writes are kept and wait for the rest.
fn resource_row(
    old: Option<&str>,
    collection: Collection,
    id: &str,
    m: Merged,
) -> Result<Option<resource::Row>, Error> {
    if m.newest.is_none() {
        return Ok(None);
    }
    let mut winners = m.winners;
    let retired = winners
        .remove(RETIRED)
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    match serde_json::from_value::<Resource>(overlay(old, winners, Some(collection.code()), id)) {
        Ok(r) => resource::Row::of(&r, retired).map(Some),
        Err(e) => {
            tracing::warn!(record = %id, error = %e, "record incomplete after merge; waiting for more");
            Ok(None)
        }
    }
}

/// Rebuilds one record's row from its writes (winners over what the row held, so fields no write
/// touched, such as the seeded demo's, stay) and its conflicts.
pub(crate) async fn materialize(
    conn: &mut Conn,
    collection: Collection,
    id: EntityId,
) -> Result<(), Error> {
    let ops = record_op::field_ops(conn, id).await?;
    let id_s = id.to_string();
    let m = merge::record(&ops);
    write_conflicts(conn, collection, &id_s, m.several, &versions(&m.conflicts)).await?;
    if collection == Collection::Incidents {
        return write_incident(conn, &id_s, &m).await;
    }
    if collection == Collection::Stations {
        return write_station(conn, &id_s, &m).await;
    }
    if collection == Collection::Warnings {
        return write_warning(conn, &id_s, &m).await;
    }
    if collection == Collection::Decisions {
        return crate::decisions::rebuild(conn, id, None).await.map(drop);
    }
    let old = resource::body(conn, &id_s).await?;
    if let Some(row) = resource_row(old.as_deref(), collection, &id_s, m)? {
        resource::upsert(conn, vec![row]).await?;
    }
    Ok(())
}

/// A record's stored row with its winning values laid over it, read as `T`, and whether it is
/// retired; `None` when nothing is written yet or the record is incomplete (its creation not
/// arrived: it is built when it does).
fn merged_row<T: serde::de::DeserializeOwned>(
    old: Option<&str>,
    m: &Merged,
    id: &str,
) -> Option<(T, bool)> {
    m.newest.as_ref()?;
    let mut winners = m.winners.clone();
    let retired = winners
        .remove(RETIRED)
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    match serde_json::from_value::<T>(overlay(old, winners, None, id)) {
        Ok(row) => Some((row, retired)),
        Err(_) => {
            tracing::warn!(record = %id, "record incomplete after merge; waiting for more");
            None
        }
    }
}

async fn write_incident(conn: &mut Conn, id: &str, m: &Merged) -> Result<(), Error> {
    let old = incident::body(conn, id).await?;
    let Some((merged, retired)) = merged_row::<Incident>(old.as_deref(), m, id) else {
        return Ok(());
    };
    incident::upsert(conn, &merged, retired).await?;
    // A decision that arrived before its incident (ids sort by the drafting desk's clock, so a
    // desk running slow makes a decision that sorts before its incident in one page) waited
    // for it: built now.
    crate::decisions::rebuild_waiting(conn).await
}

async fn write_station(conn: &mut Conn, id: &str, m: &Merged) -> Result<(), Error> {
    let old = crate::table::station::body(conn, id).await?;
    match merged_row::<Station>(old.as_deref(), m, id) {
        Some((merged, retired)) => crate::table::station::upsert(conn, &merged, retired).await,
        None => Ok(()),
    }
}

async fn write_warning(conn: &mut Conn, id: &str, m: &Merged) -> Result<(), Error> {
    let old = crate::table::warning::body(conn, id).await?;
    match merged_row::<Warning>(old.as_deref(), m, id) {
        Some((merged, retired)) => crate::table::warning::upsert(conn, &merged, retired).await,
        None => Ok(()),
    }
}

/// The row's body with the winning values laid over it.
fn overlay(
    old: Option<&str>,
    winners: BTreeMap<String, serde_json::Value>,
    layer: Option<&str>,
    id: &str,
) -> serde_json::Value {
    let mut body = old
        .and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok())
        .filter(|v| v.is_object())
        .unwrap_or_else(|| serde_json::json!({}));
    let map = body.as_object_mut().expect("checked to be an object");
    for (k, v) in winners {
        map.insert(k, v);
    }
    map.insert("id".into(), id.into());
    if let Some(layer) = layer {
        map.insert("layer".into(), layer.into());
    }
    body
}

/// Refuses a value the record cannot hold (a typed pick such as "很多" for a capacity): it
/// would sync to every replica and leave the record unreadable there.
async fn fits(
    conn: &mut Conn,
    collection: Collection,
    id: EntityId,
    field: &str,
    value: &serde_json::Value,
) -> Result<(), Error> {
    let id_s = id.to_string();
    if collection == Collection::Decisions {
        let mut winners = merge::record(&record_op::field_ops(conn, id).await?).winners;
        winners.insert(field.to_owned(), value.clone());
        return yitu_domain::command::draft::from_fields(id, &winners)
            .map(drop)
            .map_err(|e| {
                Error::Refused(vec![yitu_domain::import::Issue {
                    line: 0,
                    field: field.to_owned(),
                    reason: format!(
                        "“{value}” 不是此字段能取的值 / not a value this field can hold ({e})"
                    ),
                }])
            });
    }
    let old = if collection == Collection::Incidents {
        incident::body(conn, &id_s).await?
    } else if collection == Collection::Stations {
        crate::table::station::body(conn, &id_s).await?
    } else if collection == Collection::Warnings {
        crate::table::warning::body(conn, &id_s).await?
    } else {
        resource::body(conn, &id_s).await?
    };
    let one = BTreeMap::from([(field.to_owned(), value.clone())]);
    let readable = if collection == Collection::Incidents {
        serde_json::from_value::<Incident>(overlay(old.as_deref(), one, None, &id_s)).map(drop)
    } else if collection == Collection::Stations {
        serde_json::from_value::<Station>(overlay(old.as_deref(), one, None, &id_s)).map(drop)
    } else if collection == Collection::Warnings {
        serde_json::from_value::<Warning>(overlay(old.as_deref(), one, None, &id_s)).map(drop)
    } else {
        serde_json::from_value::<Resource>(overlay(
            old.as_deref(),
            one,
            Some(collection.code()),
            &id_s,
        ))
        .map(drop)
    };
    readable.map_err(|e| {
        Error::Refused(vec![yitu_domain::import::Issue {
            line: 0,
            field: field.to_owned(),
            reason: format!("“{value}” 不是此字段能取的值 / not a value this field can hold ({e})"),
        }])
    })
}

impl Store {
    /// Every field in conflict, oldest record first.
    pub async fn conflicts(&self) -> Result<Vec<Conflict>, Error> {
        let mut conn = self.pool.acquire().await?;
        sync_conflict::all(&mut conn)
            .await?
            .into_iter()
            .map(|(collection, record_id, field, versions)| {
                Ok(Conflict {
                    collection,
                    record_id,
                    field,
                    versions: serde_json::from_str(&versions)
                        .map_err(|e| Error::Sync(e.to_string()))?,
                })
            })
            .collect()
    }

    /// Resolves a conflict by writing `value` (one of the versions, or a new one) as a new
    /// change made having seen every version: it wins and the conflict ends on every replica
    /// once synced. Recorded in the change log like any edit.
    pub async fn resolve_conflict(
        &self,
        record_id: EntityId,
        field: &str,
        value: serde_json::Value,
        actor: &str,
        at_ms: i64,
    ) -> Result<(), Error> {
        let mut w = self.write(actor, at_ms).await?;
        let collection = sync_conflict::collection_of(w.conn(), &record_id.to_string(), field)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: "conflict",
                id: format!("{record_id} {field}"),
            })?;
        fits(w.conn(), collection, record_id, field, &value).await?;
        let bases = record_op::bases(w.conn(), record_id).await?;
        w.change(&Op::record(
            collection,
            record_id,
            [(field.to_owned(), value.clone())],
            &bases,
        ))
        .await?;
        materialize(w.conn(), collection, record_id).await?;
        w.log(&[change_log::Entry {
            action: "update",
            layer: collection.code(),
            record_id: record_id.to_string(),
            diff: serde_json::json!({ field: [serde_json::Value::Null, value] }),
            source: "conflict resolved".into(),
        }])
        .await?;
        w.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(value: i64) -> Change {
        Change {
            seq: 1,
            stamp: Stamp {
                ms: 1,
                counter: 0,
                node: "a".into(),
            },
            author: "a".into(),
            op: Op::Record {
                collection: Collection::Shelters,
                id: EntityId::v7(1, [1; 10]),
                fields: [(
                    "name".to_string(),
                    FieldWrite {
                        value: serde_json::json!(value),
                        base: None,
                    },
                )]
                .into(),
            },
        }
    }

    async fn kept(order: &[&Change]) -> Vec<(String, String)> {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).await.expect("open");
        let mut tx = store.pool.begin().await.expect("tx");
        for c in order {
            let w = Incoming::of(c).expect("text").expect("a record write");
            apply_writes(&mut tx, &[w], false).await.expect("insert");
        }
        let rows = sqlx::query_as("SELECT stamp, fields FROM record_op")
            .fetch_all(&mut *tx)
            .await
            .expect("rows");
        tx.commit().await.expect("commit");
        store.close().await;
        rows
    }

    /// Two different writes under one stamp (only a broken device makes them): both delivery
    /// orders keep the same one, the rule the reference `State` keeps.
    #[tokio::test]
    async fn one_stamp_two_writes_keeps_the_same_one_in_any_order() {
        let (x, y) = (write(1), write(2));
        let first = kept(&[&x, &y]).await;
        assert_eq!(first, kept(&[&y, &x]).await);
        assert_eq!(first.len(), 1);
        assert!(
            first[0].1.contains('2'),
            "the greater text is kept: {first:?}"
        );
        assert_eq!(kept(&[&x, &x]).await.len(), 1);
    }
}
