//! Records as merged from their field writes: the writes known for a record (local and pulled),
//! the record's row rebuilt from the winners, and the conflicts a person resolves.

use crate::import::Tx;
use crate::{Error, Store};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use yitu_domain::command::incident::Incident;
use yitu_domain::registries::resource::Resource;
use yitu_domain::sync::change::RETIRED;
use yitu_domain::sync::{resolve, Change, FieldOp, FieldWrite, Op, Stamp};
use yitu_domain::EntityId;

pub use yitu_ipc::sync::Version;

/// A field two people changed concurrently to different values: the version now shown (first)
/// and the others. Every replica that holds the same writes shows the same conflict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    pub collection: String,
    pub record_id: String,
    pub field: String,
    pub versions: Vec<Version>,
}

pub(crate) async fn insert_op(
    tx: &mut Tx<'_>,
    collection: &str,
    id: EntityId,
    stamp: &Stamp,
    author: &str,
    fields: &BTreeMap<String, FieldWrite>,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "INSERT INTO record_op (collection, record_id, stamp, author, fields)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (record_id, stamp) DO UPDATE SET author = excluded.author, fields = excluded.fields
         WHERE excluded.fields > record_op.fields",
    )
    .bind(collection)
    .bind(id.to_string())
    .bind(stamp.to_string())
    .bind(author)
    .bind(serde_json::to_string(fields).map_err(|e| Error::Sync(e.to_string()))?)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A record write from elsewhere (a pulled change or a snapshot line), with its fields' text as
/// `record_op` keeps it.
pub(crate) struct Incoming<'a> {
    pub collection: &'a str,
    pub id: EntityId,
    pub stamp: &'a Stamp,
    pub author: &'a str,
    pub fields: &'a BTreeMap<String, FieldWrite>,
    pub text: Cow<'a, str>,
}

impl<'a> Incoming<'a> {
    pub fn new(
        collection: &'a str,
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
            } => Self::new(collection, *id, &change.stamp, &change.author, fields).map(Some),
            _ => Ok(None),
        }
    }
}

/// Records rebuilt per statement batch when writes from elsewhere are applied.
const RECORDS_PER_BATCH: usize = 500;
/// Rows per multi-row `INSERT` (`record_op`: 5 parameters each, `resource`: 12).
const ROWS_PER_STATEMENT: usize = 200;

/// Keeps writes from elsewhere and rebuilds their records, merging from the writes in hand and
/// those already stored, read once per batch of records (none when `none_stored`: a first sync
/// into an empty `record_op`). Reading each batch's writes back from `record_op` and parsing
/// them again was most of the cost of applying a pulled page.
pub(crate) async fn apply_writes(
    tx: &mut Tx<'_>,
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
        let marks = vec!["?"; ids.len()].join(", ");
        // Stored writes by record and stamp: (author, fields text).
        let mut stored: BTreeMap<String, BTreeMap<String, (String, String)>> = BTreeMap::new();
        if !none_stored {
            let sql = format!(
                "SELECT record_id, stamp, author, fields FROM record_op WHERE record_id IN ({marks})"
            );
            let mut q = sqlx::query_as::<_, (String, String, String, String)>(&sql);
            for id in &ids {
                q = q.bind(id);
            }
            for (record, stamp, author, fields) in q.fetch_all(&mut **tx).await? {
                stored
                    .entry(record)
                    .or_default()
                    .insert(stamp, (author, fields));
            }
        }
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
        insert_rows(tx, &incoming).await?;
        let sql = format!("SELECT id, body FROM resource WHERE id IN ({marks})");
        let mut q = sqlx::query_as::<_, (String, String)>(&sql);
        for id in &ids {
            q = q.bind(id);
        }
        let bodies: BTreeMap<String, String> = q.fetch_all(&mut **tx).await?.into_iter().collect();
        let mut rows = Vec::with_capacity(chunk.len());
        for ((_, ws), id) in chunk.iter().zip(&ids) {
            let collection = ws[0].collection;
            let ops = known_ops(stored.remove(id).unwrap_or_default(), ws)?;
            let m = merge(&ops);
            write_conflicts(tx, collection, id, m.several, &m.conflicts).await?;
            if collection == "incidents" {
                write_incident(tx, id, &m).await?;
            } else if let Some(row) =
                resource_row(bodies.get(id).map(String::as_str), collection, id, m)?
            {
                rows.push(row);
            }
        }
        upsert_resources(tx, rows).await?;
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
    if first.collection == "incidents" {
        return Ok(None);
    }
    let refs: Vec<&Incoming> = writes.iter().collect();
    let m = merge(&known_ops(BTreeMap::new(), &refs)?);
    let (several, conflicts) = (m.several, m.conflicts.clone());
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
    collection: &str,
    id: EntityId,
    stamp: &Stamp,
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
    let (id_text, layer_text) = match (quote(&id), quote(collection)) {
        (Ok(i), Ok(l)) => (i, l),
        (Err(e), _) | (_, Err(e)) => return Some(Err(e)),
    };
    body.push_str("\"id\":");
    body.push_str(&id_text);
    body.push_str(",\"layer\":");
    body.push_str(&layer_text);
    body.push('}');
    match serde_json::from_str::<Resource>(&body) {
        Ok(r) => match Row::new(&r, retired, stamp) {
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
    pub row: Option<Row>,
}

/// A write as `record_op` keeps it.
pub(crate) struct OpRow<'a> {
    pub collection: &'a str,
    pub id: EntityId,
    pub stamp: &'a Stamp,
    pub author: &'a str,
    pub text: &'a str,
}

/// Writes records the store held nothing of (no `record_op` row, no registry row) as
/// [`prepare`] made them: their writes, their conflicts, their rows.
pub(crate) async fn apply_prepared(
    tx: &mut Tx<'_>,
    ops: &[OpRow<'_>],
    records: Vec<(&str, EntityId, Prepared)>,
) -> Result<(), Error> {
    insert_rows(tx, ops).await?;
    let mut rows = Vec::with_capacity(records.len());
    for (collection, id, p) in records {
        write_conflicts(tx, collection, &id.to_string(), p.several, &p.conflicts).await?;
        rows.extend(p.row);
    }
    upsert_resources(tx, rows).await
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
            add_ops(&mut out, stamp, author, text)?;
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

/// Inserts writes into `record_op`, 200 to a statement. A write already known changes nothing;
/// two different writes under one stamp (a broken device) keep the greater fields text, the
/// rule `yitu_domain::sync::State` keeps, so every replica shows the same record.
async fn insert_rows(tx: &mut Tx<'_>, writes: &[OpRow<'_>]) -> Result<(), Error> {
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
                .bind(w.collection)
                .bind(w.id.to_string())
                .bind(w.stamp.to_string())
                .bind(w.author)
                .bind(w.text);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Every write known for a record, field by field.
async fn field_ops(tx: &mut Tx<'_>, id: EntityId) -> Result<BTreeMap<String, Vec<FieldOp>>, Error> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT stamp, author, fields FROM record_op WHERE record_id = ?")
            .bind(id.to_string())
            .fetch_all(&mut **tx)
            .await?;
    let mut out: BTreeMap<String, Vec<FieldOp>> = BTreeMap::new();
    for (stamp, author, fields) in rows {
        add_ops(&mut out, &stamp, &author, &fields)?;
    }
    Ok(out)
}

/// One stored write (its stamp, author and fields as text) added field by field.
fn add_ops(
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
pub(crate) async fn bases(tx: &mut Tx<'_>, id: EntityId) -> Result<BTreeMap<String, Stamp>, Error> {
    Ok(field_ops(tx, id)
        .await?
        .iter()
        .filter_map(|(f, ops)| resolve(ops).map(|r| (f.clone(), r.winner.stamp.clone())))
        .collect())
}

/// What a record's writes resolve to: each field's winner, the newest winning stamp, and the
/// fields in conflict with their versions (winner first). Pure.
struct Merged {
    winners: BTreeMap<String, serde_json::Value>,
    newest: Option<Stamp>,
    conflicts: Vec<(String, Vec<Version>)>,
    /// Some field has more than one write (so conflict rows may exist from before).
    several: bool,
}

fn merge(ops: &BTreeMap<String, Vec<FieldOp>>) -> Merged {
    let mut m = Merged {
        winners: BTreeMap::new(),
        newest: None,
        conflicts: Vec::new(),
        several: ops.values().any(|w| w.len() > 1),
    };
    for (field, fops) in ops {
        let Some(r) = resolve(fops) else { continue };
        m.winners.insert(field.clone(), r.winner.value.clone());
        if m.newest.as_ref().is_none_or(|n| r.winner.stamp > *n) {
            m.newest = Some(r.winner.stamp.clone());
        }
        if !r.conflicts.is_empty() {
            let versions = std::iter::once(r.winner)
                .chain(r.conflicts.iter().copied())
                .map(|o| Version {
                    value: o.value.clone(),
                    author: o.author.clone(),
                    stamp: o.stamp.to_string(),
                })
                .collect();
            m.conflicts.push((field.clone(), versions));
        }
    }
    m
}

/// Replaces a record's conflict rows by what the merge found.
async fn write_conflicts(
    tx: &mut Tx<'_>,
    collection: &str,
    id: &str,
    several: bool,
    conflicts: &[(String, Vec<Version>)],
) -> Result<(), Error> {
    // With one write per field there is no conflict now and was none before (writes are never
    // removed): the common case of a first sync skips the statement.
    if !several {
        return Ok(());
    }
    sqlx::query("DELETE FROM sync_conflict WHERE record_id = ?")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for (field, versions) in conflicts {
        sqlx::query(
            "INSERT INTO sync_conflict (collection, record_id, field, versions) VALUES (?, ?, ?, ?)",
        )
        .bind(collection)
        .bind(id)
        .bind(field)
        .bind(serde_json::to_string(versions).map_err(|e| Error::Sync(e.to_string()))?)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A registry row rebuilt from the merge: the record, retired or not, and its newest stamp.
/// `None` while the merged fields do not make a valid record yet (a write of a record this
/// replica has not seen whole): its writes are kept and wait for the rest.
fn resource_row(
    old: Option<&str>,
    collection: &str,
    id: &str,
    m: Merged,
) -> Result<Option<Row>, Error> {
    let Some(newest) = m.newest else {
        return Ok(None);
    };
    let mut winners = m.winners;
    let retired = winners
        .remove(RETIRED)
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    match serde_json::from_value::<Resource>(overlay(old, winners, Some(collection), id)) {
        Ok(r) => Row::new(&r, retired, &newest).map(Some),
        Err(e) => {
            tracing::warn!(record = %id, error = %e, "record incomplete after merge; waiting for more");
            Ok(None)
        }
    }
}

/// A registry row as written: the record's indexed columns, its text, and its newest stamp.
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
    hlc: String,
    origin: String,
    retired: bool,
}

impl Row {
    fn new(r: &Resource, retired: bool, stamp: &Stamp) -> Result<Self, Error> {
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
            body: serde_json::to_string(r).map_err(|e| Error::Sync(e.to_string()))?,
            hlc: stamp.to_string(),
            origin: stamp.node.clone(),
            retired,
        })
    }
}

/// Rebuilds one record's row from its writes (winners over what the row held, so fields no write
/// touched, such as the seeded demo's, stay) and its conflicts.
pub(crate) async fn materialize(
    tx: &mut Tx<'_>,
    collection: &str,
    id: EntityId,
    rebuild_row: bool,
) -> Result<(), Error> {
    let ops = field_ops(tx, id).await?;
    let id_s = id.to_string();
    let m = merge(&ops);
    write_conflicts(tx, collection, &id_s, m.several, &m.conflicts).await?;
    if !rebuild_row {
        return Ok(());
    }
    if collection == "incidents" {
        return write_incident(tx, &id_s, &m).await;
    }
    let old: Option<String> = sqlx::query_scalar("SELECT body FROM resource WHERE id = ?")
        .bind(&id_s)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(row) = resource_row(old.as_deref(), collection, &id_s, m)? {
        upsert_resources(tx, vec![row]).await?;
    }
    Ok(())
}

async fn write_incident(tx: &mut Tx<'_>, id: &str, m: &Merged) -> Result<(), Error> {
    let Some(newest) = m.newest.clone() else {
        return Ok(());
    };
    let mut winners = m.winners.clone();
    let retired = winners
        .remove(RETIRED)
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let old: Option<String> = sqlx::query_scalar("SELECT body FROM incident WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    let body = overlay(old.as_deref(), winners, None, id);
    let Ok(incident) = serde_json::from_value::<Incident>(body.clone()) else {
        tracing::warn!(record = %id, "incident incomplete after merge; waiting for more");
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO incident (id, body, kind, level, status, at_ms, lon, lat, hlc, origin, retired)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body, kind = excluded.kind,
           level = excluded.level, status = excluded.status, at_ms = excluded.at_ms,
           lon = excluded.lon, lat = excluded.lat, hlc = excluded.hlc,
           origin = excluded.origin, retired = excluded.retired",
    )
    .bind(id)
    .bind(body.to_string())
    .bind(incident.kind.code())
    .bind(incident.level.code())
    .bind(incident.status.code())
    .bind(incident.at_ms)
    .bind(incident.point.lon)
    .bind(incident.point.lat)
    .bind(newest.to_string())
    .bind(&newest.node)
    .bind(i64::from(retired))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Upserts registry rows, [`ROWS_PER_STATEMENT`] to a statement (12 parameters each). The rows'
/// texts are moved into the statement: bound by reference they would be copied once more.
async fn upsert_resources(tx: &mut Tx<'_>, rows: Vec<Row>) -> Result<(), Error> {
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Row> = rows.by_ref().take(ROWS_PER_STATEMENT).collect();
        upsert_statement(tx, chunk).await?;
    }
    Ok(())
}

async fn upsert_statement(tx: &mut Tx<'_>, rows: Vec<Row>) -> Result<(), Error> {
    let tuples = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)"; rows.len()].join(", ");
    let sql = format!(
        "INSERT INTO resource (id, layer, kind, status, name, town_code, lon, lat, body, demo, hlc, origin, retired)
         VALUES {tuples}
         ON CONFLICT (id) DO UPDATE SET
           layer = excluded.layer, kind = excluded.kind, status = excluded.status,
           name = excluded.name, town_code = excluded.town_code, lon = excluded.lon,
           lat = excluded.lat, body = excluded.body, hlc = excluded.hlc,
           origin = excluded.origin, retired = excluded.retired"
    );
    let mut q = sqlx::query(&sql);
    for r in rows {
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
            .bind(r.hlc)
            .bind(r.origin)
            .bind(i64::from(r.retired));
    }
    q.execute(&mut **tx).await?;
    Ok(())
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
    tx: &mut Tx<'_>,
    collection: &str,
    id: EntityId,
    field: &str,
    value: &serde_json::Value,
) -> Result<(), Error> {
    let table = if collection == "incidents" {
        "incident"
    } else {
        "resource"
    };
    let old: Option<String> = sqlx::query_scalar(&format!("SELECT body FROM {table} WHERE id = ?"))
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    let id_s = id.to_string();
    let one = BTreeMap::from([(field.to_owned(), value.clone())]);
    let readable = if collection == "incidents" {
        serde_json::from_value::<Incident>(overlay(old.as_deref(), one, None, &id_s)).map(drop)
    } else {
        serde_json::from_value::<Resource>(overlay(old.as_deref(), one, Some(collection), &id_s))
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
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT collection, record_id, field, versions FROM sync_conflict ORDER BY record_id, field",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
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
        let mut tx = self.pool.begin().await?;
        let collection: Option<String> = sqlx::query_scalar(
            "SELECT collection FROM sync_conflict WHERE record_id = ? AND field = ?",
        )
        .bind(record_id.to_string())
        .bind(field)
        .fetch_optional(&mut *tx)
        .await?;
        let collection = collection.ok_or_else(|| Error::NotFound {
            what: "conflict",
            id: format!("{record_id} {field}"),
        })?;
        fits(&mut tx, &collection, record_id, field, &value).await?;
        let bases = bases(&mut tx, record_id).await?;
        let op = super::outbox::record_op(
            &collection,
            record_id,
            [(field.to_owned(), value.clone())],
            &bases,
        );
        let mut clock = super::outbox::Clock::load(&mut tx).await?;
        clock.append(&mut tx, actor, at_ms, &op).await?;
        clock.save(&mut tx).await?;
        materialize(&mut tx, &collection, record_id, true).await?;
        sqlx::query(
            "INSERT INTO change_log (at_ms, actor, action, layer, record_id, diff, source)
             VALUES (?, ?, 'update', ?, ?, ?, 'conflict resolved')",
        )
        .bind(at_ms)
        .bind(actor)
        .bind(&collection)
        .bind(record_id.to_string())
        .bind(serde_json::json!({ field: [serde_json::Value::Null, value] }).to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
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
                collection: "shelters".into(),
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
