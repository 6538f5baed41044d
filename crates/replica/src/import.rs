//! Carrying out an import plan (made by `yitu_domain::import::plan`): every insert, update,
//! stock line and ledger entry in one transaction, so a failure or a kill part-way leaves the
//! store as it was; each change recorded in `change_log` with who, when and what.

use crate::sync::{outbox, record};
use crate::{Error, Store};
use std::collections::HashMap;
use yitu_domain::import::plan::{self, Change, StockChange, StockState};
use yitu_domain::import::{self, Context, Crs, ImportKind, Issue, SourceRow};
use yitu_domain::registries::resource::Resource;
use yitu_domain::space::district::District;
use yitu_domain::stock::{Balance, LedgerEntry, MoveKind, StockLine};
use yitu_domain::sync::change::RETIRED;
use yitu_domain::sync::Op;
use yitu_domain::{registries::town, EntityId, Layer};

/// What an import does, row by row (the row's line first).
#[derive(Debug, Clone)]
pub enum ImportPlan {
    Resources(Vec<(usize, Change)>),
    Stock(Vec<(usize, StockChange)>),
}

/// Who makes the change and when, and where new ledger ids come from.
pub struct Author<'a> {
    pub actor: &'a str,
    pub at_ms: i64,
    /// Names the source in the change log, e.g. the file name.
    pub source: &'a str,
    pub new_id: &'a mut (dyn FnMut() -> EntityId + Send + Sync),
}

pub use yitu_ipc::import::ImportReport;

/// An import checked against the store, before anything is written: what it would do for its
/// valid rows, and every bad row's reasons.
#[derive(Debug, Clone)]
pub struct Checked {
    pub plan: ImportPlan,
    /// Bad rows' reasons (parsing, then planning against the store), in line order.
    pub issues: Vec<Issue>,
    /// Required columns missing: nothing can be imported.
    pub header_issues: Vec<Issue>,
    pub ignored_columns: Vec<String>,
}

impl Checked {
    /// Lines with at least one issue.
    pub fn bad_lines(&self) -> std::collections::BTreeSet<usize> {
        self.issues.iter().map(|i| i.line).collect()
    }
}

impl ImportPlan {
    /// What writing the plan would do, counted without writing (a dry run, a preview).
    pub fn would_do(&self) -> ImportReport {
        let mut r = ImportReport::default();
        match self {
            ImportPlan::Resources(changes) => {
                for (_, c) in changes {
                    match c {
                        Change::Insert(_) => r.inserted += 1,
                        Change::Update { .. } => r.updated += 1,
                        Change::Unchanged(_) => r.unchanged += 1,
                    }
                }
            }
            ImportPlan::Stock(changes) => {
                for (_, c) in changes {
                    r.stock_lines_added += u64::from(c.new_line);
                    r.stock_lines_changed += u64::from(c.line_changed);
                    r.ledger_entries += u64::from(c.movement.is_some());
                    if !c.new_line && !c.line_changed && c.movement.is_none() {
                        r.unchanged += 1;
                    }
                }
            }
        }
        r
    }
}

/// The origin stamped on imported rows until devices have ids of their own (sync issue).
pub(crate) const IMPORT_ORIGIN: &str = "local";

pub(crate) fn hlc(at_ms: i64) -> String {
    format!("{at_ms:013}-0000-{IMPORT_ORIGIN}")
}

impl Store {
    /// Validates a table's rows as records of `kind` (positions in `crs`) and plans them
    /// against what the store holds (re-importing matches on the stated key, so nothing is
    /// duplicated). Writes nothing: the CLI and the window show the result, then write.
    pub async fn check_import(
        &self,
        kind: ImportKind,
        headers: &[String],
        rows: &[SourceRow<'_>],
        crs: Crs,
        new_id: &mut (dyn FnMut() -> EntityId + Send),
    ) -> Result<Checked, Error> {
        // The header is the line above the first row (a missing header is reported there).
        let header_line = rows
            .first()
            .map(|r| r.line.saturating_sub(1))
            .unwrap_or(1)
            .max(1);
        // Parsed in a block: the context ends before any await.
        let parsed = {
            let district = District::hechuan();
            let towns = town::all();
            let mut ctx = Context {
                district: &district,
                towns: &towns,
                crs,
                new_id: &mut *new_id,
            };
            import::parse(kind, headers, rows, header_line, &mut ctx)
        };
        let (plan, mut issues) = match Layer::from_code(kind.code()) {
            Ok(layer) => {
                let existing = self.resources(layer).await?;
                let (changes, issues) = plan::resources(&parsed.rows, &existing);
                (ImportPlan::Resources(changes), issues)
            }
            Err(_) => {
                let state = self.stock_state().await?;
                let (changes, issues) = plan::stock(&parsed.rows, &state);
                (ImportPlan::Stock(changes), issues)
            }
        };
        issues.extend(parsed.issues);
        issues.sort_by_key(|i| i.line);
        Ok(Checked {
            plan,
            issues,
            header_issues: parsed.header_issues,
            ignored_columns: parsed.ignored_columns,
        })
    }

    /// Depots, their stock lines and balances: what a stock import is planned against.
    pub async fn stock_state(&self) -> Result<StockState, Error> {
        let depots = self
            .resources(Layer::Depots)
            .await?
            .into_iter()
            .filter_map(|r| match r {
                Resource::Depot(d) => Some(d),
                _ => None,
            })
            .collect();
        type LineRow = (String, String, String, String, Option<String>, Option<i64>);
        let lines: Vec<LineRow> =
            sqlx::query_as("SELECT depot_id, code, name, unit, expiry, minimum FROM stock_line")
                .fetch_all(&self.pool)
                .await?;
        let lines = lines
            .into_iter()
            .map(|(depot, code, name, unit, expiry, minimum)| {
                Ok(StockLine {
                    depot_id: EntityId::parse(&depot)?,
                    code: yitu_domain::stock::material::MaterialCode::parse(&code)?,
                    name,
                    unit,
                    expiry,
                    minimum,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let entries: Vec<(String, String, String, i64)> =
            sqlx::query_as("SELECT depot_id, code, kind, quantity FROM ledger_entry")
                .fetch_all(&self.pool)
                .await?;
        let mut balances: HashMap<(EntityId, String), Balance> = HashMap::new();
        for (depot, code, kind, quantity) in entries {
            let b = balances
                .entry((EntityId::parse(&depot)?, code))
                .or_default();
            *b = b.apply(MoveKind::from_code(&kind)?, quantity);
        }
        Ok(StockState {
            depots,
            lines,
            balances,
        })
    }

    /// Applies a plan, all or nothing. `progress(done, total)` is called as rows are written.
    pub async fn apply_import(
        &self,
        plan: &ImportPlan,
        author: Author<'_>,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<ImportReport, Error> {
        let mut report = ImportReport::default();
        let mut tx = self.pool.begin().await?;
        let stamp = hlc(author.at_ms);
        match plan {
            ImportPlan::Resources(changes) => {
                // Rows go to SQLite in batches: sqlx hands every statement to a worker thread,
                // and that round trip, not SQLite, was the cost of one statement per row
                // (measured: 10,000 teams took 1.8 s one by one).
                let mut batch: Vec<(&str, &Resource, serde_json::Value, usize)> = Vec::new();
                for (i, (line, change)) in changes.iter().enumerate() {
                    match change {
                        Change::Unchanged(_) => report.unchanged += 1,
                        Change::Insert(r) => {
                            report.inserted += 1;
                            let body = serde_json::to_value(r).expect("resources serialize");
                            batch.push(("insert", r, body, *line));
                        }
                        Change::Update { before, after } => {
                            report.updated += 1;
                            batch.push(("update", after, field_diff(before, after), *line));
                        }
                    }
                    if batch.len() == BATCH || i + 1 == changes.len() {
                        write_batch(&mut tx, &batch, &author, &stamp).await?;
                        batch.clear();
                        progress(i + 1, changes.len());
                    }
                }
            }
            ImportPlan::Stock(changes) => {
                let mut ledger_ops = Vec::new();
                for (i, (line, c)) in changes.iter().enumerate() {
                    let depot = c.line.depot_id.to_string();
                    if c.new_line || c.line_changed {
                        sqlx::query(
                            "INSERT INTO stock_line (depot_id, code, name, unit, expiry, minimum, hlc, origin)
                             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                             ON CONFLICT (depot_id, code) DO UPDATE SET
                               name = excluded.name, unit = excluded.unit, expiry = excluded.expiry,
                               minimum = excluded.minimum, hlc = excluded.hlc, origin = excluded.origin",
                        )
                        .bind(&depot)
                        .bind(c.line.code.as_str())
                        .bind(&c.line.name)
                        .bind(&c.line.unit)
                        .bind(&c.line.expiry)
                        .bind(c.line.minimum)
                        .bind(&stamp)
                        .bind(IMPORT_ORIGIN)
                        .execute(&mut *tx)
                        .await?;
                        if c.new_line {
                            report.stock_lines_added += 1;
                        } else {
                            report.stock_lines_changed += 1;
                        }
                    }
                    if let Some((kind, quantity)) = c.movement {
                        let entry = LedgerEntry {
                            id: (author.new_id)(),
                            depot_id: c.line.depot_id,
                            code: c.line.code.clone(),
                            kind,
                            quantity,
                            at_ms: author.at_ms,
                            note: format!("import {}", author.source),
                        };
                        sqlx::query(
                            "INSERT INTO ledger_entry (id, depot_id, code, kind, quantity, at_ms, note, hlc, origin)
                             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        )
                        .bind(entry.id.to_string())
                        .bind(&depot)
                        .bind(c.line.code.as_str())
                        .bind(kind.code())
                        .bind(quantity)
                        .bind(author.at_ms)
                        .bind(&entry.note)
                        .bind(&stamp)
                        .bind(IMPORT_ORIGIN)
                        .execute(&mut *tx)
                        .await?;
                        report.ledger_entries += 1;
                        // A new or changed line's terms travel with its entry (a recount of 0
                        // is only made for them).
                        ledger_ops.push(Op::Ledger {
                            entry,
                            name: c.line.name.clone(),
                            unit: c.line.unit.clone(),
                            terms: (c.new_line || c.line_changed).then(|| c.line.terms()),
                        });
                    }
                    if c.new_line || c.line_changed || c.movement.is_some() {
                        let diff = serde_json::json!({
                            "line": c.line,
                            "movement": c.movement.map(|(k, q)| serde_json::json!({"kind": k.code(), "quantity": q})),
                        });
                        log(
                            &mut tx,
                            &author,
                            "stock",
                            Layer::Depots.code(),
                            c.line.depot_id,
                            &diff,
                            *line,
                        )
                        .await?;
                    } else {
                        report.unchanged += 1;
                    }
                    progress(i + 1, changes.len());
                }
                outbox::append_all(&mut tx, author.actor, author.at_ms, &ledger_ops).await?;
            }
        }
        tx.commit().await?;
        Ok(report)
    }

    /// The change log of one record, oldest first: (at_ms, actor, action, diff).
    pub async fn history(
        &self,
        id: EntityId,
    ) -> Result<Vec<(i64, String, String, serde_json::Value)>, Error> {
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT at_ms, actor, action, diff FROM change_log WHERE record_id = ? ORDER BY seq",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(at, actor, action, diff)| {
                (
                    at,
                    actor,
                    action,
                    serde_json::from_str(&diff).unwrap_or_default(),
                )
            })
            .collect())
    }
}

pub(crate) type Tx<'c> = sqlx::Transaction<'c, sqlx::Sqlite>;

/// Records per statement: 12 parameters each, far below SQLite's 32,766.
const BATCH: usize = 200;

/// Upserts a batch of records and logs each, two statements for the batch.
async fn write_batch(
    tx: &mut Tx<'_>,
    batch: &[(&str, &Resource, serde_json::Value, usize)],
    author: &Author<'_>,
    stamp: &str,
) -> Result<(), Error> {
    if batch.is_empty() {
        return Ok(());
    }
    let tuples = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)"; batch.len()].join(", ");
    let sql = format!(
        "INSERT INTO resource (id, layer, kind, status, name, town_code, lon, lat, body, demo, hlc, origin)
         VALUES {tuples}
         ON CONFLICT (id) DO UPDATE SET
           layer = excluded.layer, kind = excluded.kind, status = excluded.status,
           name = excluded.name, town_code = excluded.town_code, lon = excluded.lon,
           lat = excluded.lat, body = excluded.body, hlc = excluded.hlc,
           origin = excluded.origin, retired = 0"
    );
    let mut q = sqlx::query(&sql);
    for (_, r, _, _) in batch {
        let loc = r.location();
        q = q
            .bind(r.id().to_string())
            .bind(r.layer().code())
            .bind(r.kind_code())
            .bind(r.status_code())
            .bind(r.name().to_owned())
            .bind(r.town_code().to_owned())
            .bind(loc.lon)
            .bind(loc.lat)
            .bind(serde_json::to_string(r).expect("resources serialize"))
            .bind(stamp.to_owned())
            .bind(IMPORT_ORIGIN);
    }
    q.execute(&mut **tx).await?;
    let tuples = vec!["(?, ?, ?, ?, ?, ?, ?)"; batch.len()].join(", ");
    let sql = format!(
        "INSERT INTO change_log (at_ms, actor, action, layer, record_id, diff, source) VALUES {tuples}"
    );
    let mut q = sqlx::query(&sql);
    for (action, r, diff, line) in batch {
        q = q
            .bind(author.at_ms)
            .bind(author.actor.to_owned())
            .bind(*action)
            .bind(r.layer().code())
            .bind(r.id().to_string())
            .bind(diff.to_string())
            .bind(format!("{} line {line}", author.source));
    }
    q.execute(&mut **tx).await?;
    // The same rows as changes for the server: a new record with every field, an update with
    // the fields that changed, each based on the stamp of the value it replaced.
    let mut ops = Vec::with_capacity(batch.len());
    for (action, r, diff, _) in batch {
        let fields: Vec<(String, serde_json::Value)> = match (*action, diff.as_object()) {
            ("insert", Some(body)) => body
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .chain([(RETIRED.to_owned(), serde_json::Value::Bool(false))])
                .collect(),
            (_, Some(changed)) => changed
                .iter()
                .map(|(k, pair)| (k.clone(), pair.get(1).cloned().unwrap_or_default()))
                .collect(),
            _ => continue,
        };
        let bases = if *action == "insert" {
            Default::default()
        } else {
            record::bases(tx, r.id()).await?
        };
        ops.push(outbox::record_op(r.layer().code(), r.id(), fields, &bases));
    }
    outbox::append_all(tx, author.actor, author.at_ms, &ops).await?;
    Ok(())
}

pub(crate) async fn log(
    tx: &mut Tx<'_>,
    author: &Author<'_>,
    action: &str,
    layer: &str,
    id: EntityId,
    diff: &serde_json::Value,
    line: usize,
) -> Result<(), Error> {
    let source = if line > 0 {
        format!("{} line {line}", author.source)
    } else {
        author.source.to_owned()
    };
    sqlx::query(
        "INSERT INTO change_log (at_ms, actor, action, layer, record_id, diff, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(author.at_ms)
    .bind(author.actor)
    .bind(action)
    .bind(layer)
    .bind(id.to_string())
    .bind(diff.to_string())
    .bind(source)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// `{field: [before, after]}` for the top-level fields that differ.
pub(crate) fn field_diff(before: &Resource, after: &Resource) -> serde_json::Value {
    let b = serde_json::to_value(before).expect("resources serialize");
    let a = serde_json::to_value(after).expect("resources serialize");
    let mut diff = serde_json::Map::new();
    if let (Some(b), Some(a)) = (b.as_object(), a.as_object()) {
        for (k, av) in a {
            let bv = b.get(k).cloned().unwrap_or_default();
            if bv != *av {
                diff.insert(k.clone(), serde_json::json!([bv, av]));
            }
        }
    }
    serde_json::Value::Object(diff)
}
