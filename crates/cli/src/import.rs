//! `yitu import KIND FILE`: read any supported file, validate every row, plan against the
//! store, and write all valid rows in one transaction — or nothing, when a row is bad and
//! `--skip-invalid` was not given. Bad rows are listed with their line and reason, and with
//! `--skip-invalid` go to a rejects CSV (original cells, line, reason).

use anyhow::{bail, Context as _, Result};
use clap::Args;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use yitu_domain::import::{Crs, ImportKind, Issue, SourceRow};
use yitu_replica::import::{ImportPlan, ImportReport};
use yitu_replica::user::Actor;
use yitu_replica::Author;
use yitu_replica::Store;

/// Above this many rows, progress goes to standard error.
const PROGRESS_FROM: usize = 300;

#[derive(Args)]
pub struct ImportArgs {
    /// teams, experts, depots, stock, shelters or hazards (or 救援队伍, 专家, …).
    kind: String,
    /// .csv (UTF-8 or GBK), .xlsx, .geojson or .shp (with its .dbf).
    file: PathBuf,
    /// The coordinate system of the file's positions: wgs84 (also CGCS2000, GPS), gcj02 (AMap,
    /// Tencent) or bd09 (Baidu).
    #[arg(long, default_value = "wgs84")]
    crs: String,
    /// Validate and show what would change; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Write the valid rows and put the bad ones in the --rejects file.
    #[arg(long, requires = "rejects")]
    skip_invalid: bool,
    /// Where rejected rows go (CSV: the original cells, the line and the reason).
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// Print the outcome as JSON on standard output.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Outcome<'a> {
    kind: &'static str,
    file: String,
    encoding: &'static str,
    crs: &'static str,
    rows: usize,
    valid: usize,
    ignored_columns: &'a [String],
    issues: &'a [Issue],
    dry_run: bool,
    written: bool,
    report: ImportReport,
}

/// Returns whether the import went through without refusing anything.
/// `who` (`--as`) is needed unless the import is a dry run.
pub async fn run(
    store: &Store,
    who: Option<&Actor>,
    args: ImportArgs,
    out: &mut impl Write,
) -> Result<bool> {
    // Asked first, so a forgotten `--as` costs no reading of the file.
    let who = match args.dry_run {
        true => None,
        false => Some(crate::user::need(who)?),
    };
    let kind = ImportKind::from_code(&args.kind).map_err(|_| {
        anyhow::anyhow!(
            "unknown kind {:?}: one of teams, experts, depots, stock, shelters, hazards",
            args.kind
        )
    })?;
    let crs = Crs::from_code(&args.crs)
        .map_err(|_| anyhow::anyhow!("unknown --crs {:?}: one of wgs84, gcj02, bd09", args.crs))?;
    let started = Instant::now();
    let table = yitu_formats::read(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let word = table.kind.row_word();
    if table.rows.len() > PROGRESS_FROM {
        eprintln!(
            "读取 / read {} {word}s ({}); validating…",
            table.rows.len(),
            table.source_encoding.name()
        );
    }
    let source_rows: Vec<SourceRow> = table
        .rows
        .iter()
        .map(|r| SourceRow {
            line: r.line,
            cells: &r.cells,
            geometry: r.geometry.as_ref(),
        })
        .collect();
    let now_ms = now_ms();
    let mut ids = id_source(now_ms);
    let checked = store
        .check_import(kind, &table.headers, &source_rows, crs, &mut ids)
        .await?;
    if !checked.header_issues.is_empty() {
        for i in &checked.header_issues {
            eprintln!(
                "yitu: {}: header, {}: {}",
                args.file.display(),
                i.field,
                i.reason
            );
        }
        bail!(
            "{} cannot be imported as {}: required columns are missing; nothing written",
            args.file.display(),
            kind.code()
        );
    }
    let (plan, issues) = (&checked.plan, &checked.issues);
    let bad_lines: BTreeMap<usize, Vec<&Issue>> =
        issues.iter().fold(BTreeMap::new(), |mut m, i| {
            m.entry(i.line).or_insert_with(Vec::new).push(i);
            m
        });
    for i in issues {
        eprintln!("{word} {}, {}: {}", i.line, i.field, i.reason);
    }
    let valid = table.rows.len() - bad_lines.len();
    let refuse = !issues.is_empty() && !args.skip_invalid;
    let mut report = ImportReport::default();
    let mut written = false;
    if !issues.is_empty() && args.skip_invalid {
        if let Some(path) = &args.rejects {
            write_rejects(path, &table, &bad_lines, word)?;
        }
    }
    if let (false, Some(who)) = (refuse, who) {
        let total = match &plan {
            ImportPlan::Resources(c) => c.len(),
            ImportPlan::Stock(c) => c.len(),
        };
        let step = (total / 20).max(100);
        let name = args
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut entry_ids = id_source(now_ms + 1);
        let author = Author {
            actor: &who.name,
            at_ms: now_ms,
            source: &name,
            new_id: &mut entry_ids,
        };
        report = store
            .apply_import(plan, author, |done, total| {
                if total > PROGRESS_FROM && (done % step == 0 || done == total) {
                    eprintln!("导入 / importing {}: {done}/{total}", kind.code());
                }
            })
            .await?;
        written = true;
    } else if args.dry_run {
        report = plan.would_do();
    }
    let outcome = Outcome {
        kind: kind.code(),
        file: args.file.display().to_string(),
        encoding: table.source_encoding.name(),
        crs: crs.code(),
        rows: table.rows.len(),
        valid,
        ignored_columns: &checked.ignored_columns,
        issues,
        dry_run: args.dry_run,
        written,
        report,
    };
    if args.json {
        crate::print_json(out, &outcome)?;
    } else {
        summary(out, &outcome, started.elapsed().as_secs_f64())?;
    }
    if refuse {
        bail!(
            "{} of {} {word}s refused; nothing written (fix them, or pass --skip-invalid --rejects FILE)",
            bad_lines.len(),
            table.rows.len()
        );
    }
    Ok(issues.is_empty())
}

fn summary(out: &mut impl Write, o: &Outcome<'_>, secs: f64) -> Result<()> {
    let r = &o.report;
    let verb = if o.dry_run { "would be" } else { "" };
    writeln!(
        out,
        "{} ({}, {}): {} rows, {} valid",
        o.file, o.encoding, o.crs, o.rows, o.valid
    )?;
    if !o.ignored_columns.is_empty() {
        writeln!(out, "ignored columns: {}", o.ignored_columns.join(", "))?;
    }
    if o.written || o.dry_run {
        writeln!(
            out,
            "{}: {} added, {} updated, {} unchanged; stock lines {} added, {} changed; {} ledger entries {verb}",
            o.kind, r.inserted, r.updated, r.unchanged, r.stock_lines_added, r.stock_lines_changed, r.ledger_entries
        )?;
    }
    if o.written {
        writeln!(out, "written in one transaction ({secs:.2} s)")?;
    }
    Ok(())
}

/// The rejected rows with their original cells, then 行号 (line) and 原因 (reasons).
fn write_rejects(
    path: &Path,
    table: &yitu_formats::Table,
    bad: &BTreeMap<usize, Vec<&Issue>>,
    word: &str,
) -> Result<()> {
    let mut headers = table.headers.clone();
    headers.push(format!("行号 ({word})"));
    headers.push("原因 (reason)".into());
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .filter_map(|r| {
            let issues = bad.get(&r.line)?;
            let mut cells = r.cells.clone();
            cells.resize(table.headers.len(), String::new());
            cells.push(r.line.to_string());
            cells.push(
                issues
                    .iter()
                    .map(|i| format!("{}: {}", i.field, i.reason))
                    .collect::<Vec<_>>()
                    .join("；"),
            );
            Some(cells)
        })
        .collect();
    yitu_formats::write_csv(path, &headers, &rows)
        .with_context(|| format!("writing the rejects to {}", path.display()))
}

pub use yitu_replica::id_source;

/// Milliseconds since the Unix epoch, now.
#[allow(clippy::disallowed_methods)] // the command line is an edge: it reads the clock once per command and passes it in
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
