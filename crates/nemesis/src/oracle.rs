//! What a run must end with, checked against what each command acknowledged, by reading the
//! desks' SQLite files and the server's database directly (not through the code under test):
//! every acknowledged change is on the server exactly once and on every desk exactly once, or
//! refused and listed on its own desk; no change is anywhere twice; the desks equal a desk
//! enrolled after the heal (the server's view); the stock ledger adds up to what was
//! acknowledged; every database passes `PRAGMA integrity_check` and every chain verifies.

use crate::world::Desk;
use anyhow::{Context, Result};
use serde::Serialize;
use sqlx::{Connection, Row};
use std::collections::BTreeSet;

/// A change a step tried to write, tagged so it can be found wherever it went.
#[derive(Clone, Debug)]
pub struct Written {
    pub tag: String,
    /// The desk it was written on.
    pub desk: usize,
    pub kind: Kind,
    /// The command answered: the user was told it was saved.
    pub acknowledged: bool,
}

impl Written {
    pub fn new(tag: &str, desk: usize, kind: Kind, acknowledged: bool) -> Written {
        Written {
            tag: tag.into(),
            desk,
            kind,
            acknowledged,
        }
    }
}

#[derive(Clone, Debug)]
pub enum Kind {
    /// A shelter's manager set to the tag.
    Edit { record: String },
    /// A stock movement of this signed quantity, its note the tag.
    Stock { qty: i64 },
    /// An incident log entry (续报) whose text is the tag.
    Log,
    /// A decision review whose advice is the tag.
    Act,
}

impl Kind {
    /// Where a desk keeps it, and the pattern that finds it there.
    pub(crate) fn on_desk(&self, tag: &str) -> (&'static str, String) {
        match self {
            Kind::Edit { .. } => (
                "SELECT COUNT(*) FROM record_op WHERE fields LIKE ?",
                format!("%\"{tag}\"%"),
            ),
            Kind::Stock { .. } => (
                "SELECT COUNT(*) FROM ledger_entry WHERE note = ?",
                tag.to_owned(),
            ),
            Kind::Log => (
                "SELECT COUNT(*) FROM incident_log WHERE body LIKE ?",
                format!("%\"{tag}\"%"),
            ),
            Kind::Act => (
                "SELECT COUNT(*) FROM decision_act WHERE body LIKE ?",
                format!("%\"{tag}\"%"),
            ),
        }
    }
}

/// The verdict of one run, with its figures.
#[derive(Debug, Default, Serialize)]
pub struct Outcome {
    pub seed: u64,
    pub acknowledged: usize,
    /// Writes whose command was killed before it answered (each may or may not have happened).
    pub unacknowledged: usize,
    /// Acknowledged writes the server refused (a clock far ahead) and the desk lists.
    pub refused: usize,
    pub lost: Vec<String>,
    pub duplicated: Vec<String>,
    pub diverged: Vec<String>,
    pub broken: Vec<String>,
    /// A whole round of syncs after the heal moved nothing.
    pub quiet: bool,
    pub converged_ms: u64,
    pub kills: u32,
    pub restarts: u32,
    pub skews: u32,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.quiet
            && self.lost.is_empty()
            && self.duplicated.is_empty()
            && self.diverged.is_empty()
            && self.broken.is_empty()
    }
}

async fn open(desk: &Desk) -> Result<sqlx::SqliteConnection> {
    let url = format!("sqlite://{}?mode=ro", desk.db().display());
    sqlx::SqliteConnection::connect(&url)
        .await
        .with_context(|| format!("opening desk {}'s database", desk.name))
}

async fn count(conn: &mut sqlx::SqliteConnection, sql: &str, arg: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(sql).bind(arg).fetch_one(conn).await?)
}

pub async fn check(
    server_db: &str,
    desks: &[Desk],
    fresh: &Desk,
    written: &[Written],
    depot: &str,
    material: &str,
) -> Result<Outcome> {
    let mut o = Outcome::default();
    sqlx::any::install_default_drivers();
    let server_url = if server_db.starts_with("sqlite://") {
        format!("{server_db}?mode=ro")
    } else {
        server_db.to_owned()
    };
    let mut server = sqlx::AnyConnection::connect(&server_url).await?;
    let mut conns = Vec::new();
    for d in desks.iter().chain(std::iter::once(fresh)) {
        let mut c = open(d).await?;
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut c)
            .await?;
        if integrity != "ok" {
            o.broken
                .push(format!("desk {}: integrity_check: {integrity}", d.name));
        }
        let verify = d.run(&["verify"]).await?;
        if !verify.ok {
            o.broken.push(format!(
                "desk {}: yitu verify: {}",
                d.name,
                verify.stderr.trim()
            ));
        }
        conns.push(c);
    }
    let all = conns.len();

    // Where each write went. Refused ones are left out of the equality below, per desk.
    let mut refused_on: Vec<BTreeSet<String>> = vec![BTreeSet::new(); all];
    let mut expected_stock = vec![0i64; all];
    for w in written {
        if w.acknowledged {
            o.acknowledged += 1;
        } else {
            o.unacknowledged += 1;
        }
        let on_server: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM sync_change WHERE body LIKE $1")
                .bind(format!("%\"{}\"%", w.tag))
                .fetch_one(&mut server)
                .await?;
        let origin = &mut conns[w.desk];
        let like = format!("%\"{}\"%", w.tag);
        let refused = count(
            origin,
            "SELECT COUNT(*) FROM outbox WHERE outcome IS NOT NULL AND outcome != 'accepted' AND op LIKE ?",
            &like,
        )
        .await?;
        let waiting = count(
            origin,
            "SELECT COUNT(*) FROM outbox WHERE outcome IS NULL AND op LIKE ?",
            &like,
        )
        .await?;
        let (sql, pattern) = w.kind.on_desk(&w.tag);
        let held_at_origin = count(origin, sql, &pattern).await?;
        let name = &desks[w.desk].name;
        if waiting > 0 {
            o.lost.push(format!(
                "{} (desk {name}): still waiting to be sent after the heal",
                w.tag
            ));
        }
        if on_server > 1 || refused > 1 || (on_server == 1 && refused == 1) {
            o.duplicated.push(format!(
                "{} (desk {name}): {on_server} on the server, {refused} refused",
                w.tag
            ));
            continue;
        }
        if refused == 1 {
            o.refused += 1;
            refused_on[w.desk].insert(w.tag.clone());
            if let Kind::Edit { record } = &w.kind {
                refused_on[w.desk].insert(record.clone());
            }
            if let Kind::Stock { qty } = w.kind {
                expected_stock[w.desk] += qty;
            }
            continue;
        }
        if on_server == 0 {
            // Never reached the server: lost if the user was told it was saved, or if the desk
            // holds it (committed, then not sent).
            if w.acknowledged || held_at_origin > 0 {
                o.lost.push(format!(
                    "{} (desk {name}): acknowledged or held, yet not on the server",
                    w.tag
                ));
            }
            continue;
        }
        if let Kind::Stock { qty } = w.kind {
            for e in expected_stock.iter_mut() {
                *e += qty;
            }
        }
        // A desk that started from a snapshot holds only the writes still live: an edit a
        // later write of the same field replaced is folded away, not lost.
        let stamp: Option<String> = if matches!(w.kind, Kind::Edit { .. }) {
            sqlx::query_scalar("SELECT stamp FROM sync_change WHERE body LIKE $1")
                .bind(format!("%\"{}\"%", w.tag))
                .fetch_optional(&mut server)
                .await?
        } else {
            None
        };
        for (i, c) in conns.iter_mut().enumerate() {
            let mut held = count(c, sql, &pattern).await?;
            if let (0, Kind::Edit { record }, Some(stamp)) = (held, &w.kind, &stamp) {
                let later: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM record_op WHERE record_id = ? AND stamp > ? AND fields LIKE '%\"manager\"%'",
                )
                .bind(record)
                .bind(stamp)
                .fetch_one(&mut *c)
                .await?;
                if later > 0 {
                    held = 1;
                }
            }
            let who = desks
                .get(i)
                .map_or("D (enrolled after)", |d| d.name.as_str());
            match held {
                1 => {}
                0 => o
                    .lost
                    .push(format!("{}: on the server, missing on desk {who}", w.tag)),
                n => o
                    .duplicated
                    .push(format!("{}: {n} times on desk {who}", w.tag)),
            }
        }
    }

    // Whatever a refused change names (its record, log entry, decision) stays on its desk
    // alone, listed there as refused: left out of the equality for that desk.
    for (i, c) in conns.iter_mut().take(desks.len()).enumerate() {
        let ops: Vec<String> = sqlx::query_scalar(
            "SELECT op FROM outbox WHERE outcome IS NOT NULL AND outcome != 'accepted'",
        )
        .fetch_all(&mut *c)
        .await?;
        for op in ops {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&op) {
                ids_in(&v, &mut refused_on[i]);
            }
        }
    }

    // Equality with the desk enrolled after the heal, and the ledger's sum.
    let reference = desks.len();
    let fresh_view = snapshot_of(&mut conns[reference]).await?;
    for (i, d) in desks.iter().enumerate() {
        let v = snapshot_of(&mut conns[i]).await?;
        for (key, value) in &v {
            if refused_on[i].iter().any(|r| key.contains(r.as_str())) {
                continue;
            }
            match fresh_view.get(key) {
                Some(theirs) if theirs == value => {}
                Some(theirs) => o.diverged.push(format!(
                    "desk {}: {key} is {value}, on the server {theirs}",
                    d.name
                )),
                None => o
                    .diverged
                    .push(format!("desk {}: {key} is not on the server", d.name)),
            }
        }
        for key in fresh_view.keys() {
            // The same exclusion both ways: a desk's own refused write can hide a conflict
            // the server's view holds among the accepted ones.
            if refused_on[i].iter().any(|r| key.contains(r.as_str())) {
                continue;
            }
            if !v.contains_key(key) {
                o.diverged.push(format!("desk {}: {key} missing", d.name));
            }
        }
    }
    for (i, c) in conns.iter_mut().enumerate() {
        let rows = sqlx::query(
            "SELECT kind, quantity FROM ledger_entry WHERE depot_id = ? AND code = ? AND note LIKE 'NEM%'",
        )
        .bind(depot)
        .bind(material)
        .fetch_all(&mut *c)
        .await?;
        let sum: i64 = rows
            .iter()
            .map(|r| {
                let q: i64 = r.get(1);
                match r.get::<String, _>(0).as_str() {
                    "receive" => q,
                    "issue" => -q,
                    _ => 0,
                }
            })
            .sum();
        let who = desks
            .get(i)
            .map_or("D (enrolled after)", |d| d.name.as_str());
        if sum != expected_stock[i] {
            o.lost.push(format!(
                "desk {who}: the ledger adds up to {sum}, the acknowledged movements to {}",
                expected_stock[i]
            ));
        }
    }
    Ok(o)
}

/// What a user would compare between desks: each record's status and fields, each decision's
/// state, each field in conflict, each log entry of the runs.
async fn snapshot_of(
    c: &mut sqlx::SqliteConnection,
) -> Result<std::collections::BTreeMap<String, String>> {
    let mut v = std::collections::BTreeMap::new();
    for r in sqlx::query("SELECT id, status, body FROM resource")
        .fetch_all(&mut *c)
        .await?
    {
        let id: String = r.get(0);
        v.insert(
            format!("record {id}"),
            format!("{} {}", r.get::<String, _>(1), same(&r.get::<String, _>(2))),
        );
    }
    for r in sqlx::query("SELECT id, state FROM decision")
        .fetch_all(&mut *c)
        .await?
    {
        v.insert(format!("decision {}", r.get::<String, _>(0)), r.get(1));
    }
    for r in sqlx::query("SELECT record_id, field, versions FROM sync_conflict")
        .fetch_all(&mut *c)
        .await?
    {
        v.insert(
            format!(
                "conflict {} {}",
                r.get::<String, _>(0),
                r.get::<String, _>(1)
            ),
            same(&r.get::<String, _>(2)),
        );
    }
    for r in sqlx::query("SELECT id, body FROM incident_log WHERE body LIKE '%NEM%'")
        .fetch_all(&mut *c)
        .await?
    {
        v.insert(
            format!("log {}", r.get::<String, _>(0)),
            same(&r.get::<String, _>(1)),
        );
    }
    Ok(v)
}

/// JSON text as a value, written again with its keys in order: a desk writes what it made in
/// its struct's field order and what it pulled in key order, and both mean the same.
fn same(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| json.to_owned())
}

/// Every id (a UUID's 36 characters) a change names, at any depth.
fn ids_in(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::String(s) if s.len() == 36 && s.matches('-').count() == 4 => {
            out.insert(s.clone());
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| ids_in(x, out)),
        serde_json::Value::Object(m) => m.values().for_each(|x| ids_in(x, out)),
        _ => {}
    }
}
