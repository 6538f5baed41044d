//! Carrying out an import plan (made by `yitu_domain::import::plan`): every insert, update,
//! stock line and ledger entry in one transaction, so a failure or a kill part-way leaves the
//! store as it was; each change recorded in `change_log` with who, when and what.

use crate::table::{change_log, ledger_entry, record_op, resource, stock_line};
use crate::write::{Author, Write};
use crate::{Error, Store};
use std::collections::HashMap;
use yitu_domain::import::plan::{self, Change, StockChange, StockState};
use yitu_domain::import::{self, Context, Crs, ImportKind, Issue, SourceRow};
use yitu_domain::registries::resource::Resource;
use yitu_domain::space::district::District;
use yitu_domain::stock::{Balance, LedgerEntry, StockLine};
use yitu_domain::sync::change::RETIRED;
use yitu_domain::sync::{Collection, Op};
use yitu_domain::{registries::town, EntityId, Layer};

/// What an import does, row by row (the row's line first).
#[derive(Debug, Clone)]
pub enum ImportPlan {
    Resources(Vec<(usize, Change)>),
    Stock(Vec<(usize, StockChange)>),
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
        let mut conn = self.pool.acquire().await?;
        let lines = stock_line::all(&mut conn)
            .await?
            .into_iter()
            .map(|l| {
                Ok(StockLine {
                    depot_id: EntityId::parse(&l.depot_id)?,
                    code: yitu_domain::stock::material::MaterialCode::parse(&l.code)?,
                    name: l.name,
                    unit: l.unit,
                    expiry: l.expiry,
                    minimum: l.minimum,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let mut balances: HashMap<(EntityId, String), Balance> = HashMap::new();
        for ((depot, code), b) in ledger_entry::all_balances(&mut conn).await? {
            balances.insert((EntityId::parse(&depot)?, code), b);
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
        let mut w = self.write_as(&author).await?;
        match plan {
            ImportPlan::Resources(changes) => {
                let mut batch: Vec<Written> = Vec::new();
                for (i, (line, change)) in changes.iter().enumerate() {
                    match change {
                        Change::Unchanged(_) => report.unchanged += 1,
                        Change::Insert(r) => {
                            report.inserted += 1;
                            batch.push(Written::insert(r, *line));
                        }
                        Change::Update { before, after } => {
                            report.updated += 1;
                            batch.push(Written::update(before, after, *line));
                        }
                    }
                    if batch.len() == BATCH || i + 1 == changes.len() {
                        write_records(&mut w, &batch, author.source).await?;
                        batch.clear();
                        progress(i + 1, changes.len());
                    }
                }
            }
            ImportPlan::Stock(changes) => {
                for (i, (line, c)) in changes.iter().enumerate() {
                    if c.new_line || c.line_changed {
                        stock_line::upsert(w.conn(), &c.line).await?;
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
                        ledger_entry::insert(w.conn(), &entry).await?;
                        report.ledger_entries += 1;
                        // A new or changed line's terms travel with its entry (a recount of 0
                        // is only made for them).
                        w.change(&Op::Ledger {
                            entry,
                            name: c.line.name.clone(),
                            unit: c.line.unit.clone(),
                            terms: (c.new_line || c.line_changed).then(|| c.line.terms()),
                        })
                        .await?;
                    }
                    if c.new_line || c.line_changed || c.movement.is_some() {
                        let diff = serde_json::json!({
                            "line": c.line,
                            "movement": c.movement.map(|(k, q)| serde_json::json!({"kind": k.code(), "quantity": q})),
                        });
                        w.log(&[change_log::Entry {
                            action: "stock",
                            layer: Layer::Depots.code(),
                            record_id: c.line.depot_id.to_string(),
                            diff,
                            source: format!("{} line {line}", author.source),
                        }])
                        .await?;
                    } else {
                        report.unchanged += 1;
                    }
                    progress(i + 1, changes.len());
                }
            }
        }
        w.commit().await?;
        Ok(report)
    }

    /// The change log of one record, oldest first: (at_ms, actor, action, diff).
    pub async fn history(
        &self,
        id: EntityId,
    ) -> Result<Vec<(i64, String, String, serde_json::Value)>, Error> {
        let mut conn = self.pool.acquire().await?;
        let rows = change_log::of_record(&mut conn, &id.to_string()).await?;
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

/// Records per batch written together (a statement of rows, one of log lines).
const BATCH: usize = 200;

/// One record an import (or an edit) writes: the record, what the change log says of it, and
/// its fields as a change for the server.
struct Written<'a> {
    record: &'a Resource,
    action: &'static str,
    /// insert: the new record; update: `{field: [before, after]}` for the fields that changed.
    diff: serde_json::Value,
    line: usize,
}

impl<'a> Written<'a> {
    fn insert(record: &'a Resource, line: usize) -> Self {
        Self {
            record,
            action: "insert",
            diff: serde_json::to_value(record).expect("resources serialize"),
            line,
        }
    }

    fn update(before: &Resource, after: &'a Resource, line: usize) -> Self {
        Self {
            record: after,
            action: "update",
            diff: field_diff(before, after),
            line,
        }
    }

    /// The fields the change sets: every field of a new record (and that it is live), the
    /// changed ones of an update.
    fn fields(&self) -> Vec<(String, serde_json::Value)> {
        let Some(diff) = self.diff.as_object() else {
            return Vec::new();
        };
        if self.action == "insert" {
            diff.iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .chain([(RETIRED.to_owned(), serde_json::Value::Bool(false))])
                .collect()
        } else {
            diff.iter()
                .map(|(k, pair)| (k.clone(), pair.get(1).cloned().unwrap_or_default()))
                .collect()
        }
    }
}

/// Writes a batch of records: their rows, their change-log lines, and their changes (an
/// update based on the stamps of the values it replaced).
async fn write_records(
    w: &mut Write<'_>,
    batch: &[Written<'_>],
    source: &str,
) -> Result<(), Error> {
    if batch.is_empty() {
        return Ok(());
    }
    let rows = batch
        .iter()
        .map(|b| resource::Row::of(b.record, false))
        .collect::<Result<Vec<_>, Error>>()?;
    resource::upsert(w.conn(), rows).await?;
    let log: Vec<change_log::Entry> = batch
        .iter()
        .map(|b| change_log::Entry {
            action: b.action,
            layer: b.record.layer().code(),
            record_id: b.record.id().to_string(),
            diff: b.diff.clone(),
            source: if b.line > 0 {
                format!("{source} line {}", b.line)
            } else {
                source.to_owned()
            },
        })
        .collect();
    w.log(&log).await?;
    for b in batch {
        let r = b.record;
        let bases = if b.action == "insert" {
            Default::default()
        } else {
            record_op::bases(w.conn(), r.id()).await?
        };
        w.change(&Op::record(
            Collection::of_layer(r.layer()),
            r.id(),
            b.fields(),
            &bases,
        ))
        .await?;
    }
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
