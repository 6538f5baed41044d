//! Importing a registry or stock file from the window: the file is kept in the data folder,
//! every row checked and shown (bad rows with their reasons) before anything is written; then
//! written in one transaction, with progress the window reads while it runs. And exporting a
//! registry to a file the importer reads back.

use super::{store, Answer, Args, CommandError, Stamp};
use crate::startup::AppState;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tauri::State;
use yitu_domain::import::{ImportKind, SourceRow};
use yitu_ipc::call;
use yitu_ipc::import::{ExportFormat, Exported, Preview, PreviewRow};
use yitu_ipc::ErrorCode;
use yitu_replica::import::Checked;

/// Good rows shown in a preview besides every bad one: enough to see the columns were read
/// right, not so many that a 10,000-row file floods the window.
const GOOD_ROWS_SHOWN: usize = 30;

/// The import checked and waiting for the user's go-ahead, and the progress of one running.
#[derive(Default)]
pub struct Imports {
    pending: Mutex<Option<Pending>>,
    progress: Mutex<(usize, usize)>,
}

struct Pending {
    kind: ImportKind,
    file: String,
    rows: usize,
    checked: Checked,
}

/// The file's parts (a shapefile comes as .shp, .dbf, .shx and .prj) saved together under
/// `<data>/imports/<time>/`; returns the one to read.
fn keep_files(data_dir: &Path, files: &[(String, Vec<u8>)]) -> Result<PathBuf, CommandError> {
    let folder = data_dir.join("imports").join(super::now_ms().to_string());
    std::fs::create_dir_all(&folder).map_err(|e| CommandError::io(&folder, &e))?;
    let mut main = None;
    for (name, bytes) in files {
        // Only the name: a path in it must not write outside the folder.
        let Some(name) = Path::new(name).file_name() else {
            continue;
        };
        let path = folder.join(name);
        std::fs::write(&path, bytes).map_err(|e| CommandError::io(&path, &e))?;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        if matches!(
            ext.as_str(),
            "csv" | "txt" | "xlsx" | "geojson" | "json" | "shp"
        ) {
            main.get_or_insert(path);
        }
    }
    main.ok_or_else(|| {
        CommandError::invalid(
            "请选择 CSV、XLSX、GeoJSON 文件，或 Shapefile 的 .shp 与 .dbf / choose a CSV, XLSX or GeoJSON file, or a shapefile's .shp and .dbf",
        )
    })
}

/// Reads and checks a file as records of `kind`, and shows what it would do. Nothing is written
/// to the store.
#[tauri::command]
pub async fn import_preview(
    state: State<'_, AppState>,
    Args(ask): Args<call::ImportPreview>,
) -> Answer<call::ImportPreview> {
    let (kind, crs) = (ask.kind, ask.crs);
    let store = store(&state)?;
    let path = keep_files(&state.data_dir, &ask.files)?;
    // Why the user's own file cannot be read is theirs to see, cause and all.
    let table = yitu_formats::read(&path).map_err(|e| {
        CommandError::new(
            ErrorCode::Unreadable,
            format!(
                "无法读取此文件，未导入 / cannot read this file, nothing imported: {}",
                crate::startup::error_chain(&e)
            ),
        )
    })?;
    let source_rows: Vec<SourceRow> = table
        .rows
        .iter()
        .map(|r| SourceRow {
            line: r.line,
            cells: &r.cells,
            geometry: r.geometry.as_ref(),
        })
        .collect();
    let mut ids = yitu_replica::id_source(super::now_ms());
    let checked = store
        .check_import(kind, &table.headers, &source_rows, crs, &mut ids)
        .await?;
    let bad = checked.bad_lines();
    let mut good_shown = 0;
    let shown = table
        .rows
        .iter()
        .filter(|r| {
            bad.contains(&r.line) || {
                good_shown += 1;
                good_shown <= GOOD_ROWS_SHOWN
            }
        })
        .map(|r| PreviewRow {
            line: r.line,
            cells: r.cells.clone(),
            issues: checked
                .issues
                .iter()
                .filter(|i| i.line == r.line)
                .map(|i| format!("{}: {}", i.field, i.reason))
                .collect(),
        })
        .collect();
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let preview = Preview {
        kind,
        file: file.clone(),
        encoding: table.source_encoding.name().into(),
        row_word: table.kind.row_word().into(),
        headers: table.headers.clone(),
        rows: table.rows.len(),
        valid: table.rows.len() - bad.len(),
        shown,
        header_issues: checked.header_issues.clone(),
        ignored_columns: checked.ignored_columns.clone(),
        would: checked.plan.would_do(),
    };
    if let Ok(mut p) = state.imports.pending.lock() {
        *p = Some(Pending {
            kind,
            file,
            rows: table.rows.len(),
            checked,
        });
    }
    Ok(preview)
}

/// Writes the previewed import in one transaction: all rows, or with `skip_invalid` the valid
/// ones (the bad ones stay listed in the preview). Refused, nothing written, when a row is bad
/// and `skip_invalid` is not set.
#[tauri::command]
pub async fn import_commit(
    state: State<'_, AppState>,
    Args(ask): Args<call::ImportCommit>,
) -> Answer<call::ImportCommit> {
    let skip_invalid = ask.skip_invalid;
    // Who imports, asked first: nobody logged in keeps the import waiting.
    let mut stamp = Stamp::now(&state)?;
    let pending = state
        .imports
        .pending
        .lock()
        .ok()
        .and_then(|mut p| p.take())
        .ok_or_else(|| CommandError::invalid("没有待写入的导入 / no import is waiting"))?;
    let bad = pending.checked.bad_lines().len();
    if !pending.checked.header_issues.is_empty() {
        return Err(CommandError::invalid(
            "缺少必需的列，未写入 / required columns are missing; nothing written",
        ));
    }
    if bad > 0 && !skip_invalid {
        let message = format!(
            "{bad} 行有误，未写入：改正文件，或选择“跳过有误的行” / {bad} of {} rows are bad; nothing written",
            pending.rows
        );
        // Kept, so the user can choose to skip them without reading the file again.
        if let Ok(mut p) = state.imports.pending.lock() {
            *p = Some(pending);
        }
        return Err(CommandError::invalid(message));
    }
    let author = stamp.author(&pending.file);
    let progress = &state.imports.progress;
    let report = store(&state)?
        .apply_import(&pending.checked.plan, author, |done, total| {
            if let Ok(mut p) = progress.lock() {
                *p = (done, total);
            }
        })
        .await?;
    tracing::info!(kind = pending.kind.code(), file = %pending.file, ?report, "imported");
    Ok(report)
}

/// Rows written so far of the import running (done, total).
#[tauri::command]
pub fn import_progress(
    state: State<'_, AppState>,
    _: Args<call::ImportProgress>,
) -> Answer<call::ImportProgress> {
    Ok(state.imports.progress.lock().map(|p| *p).unwrap_or((0, 0)))
}

/// Writes a registry (or the stock) to `<data>/exports/<kind>-<ms>.<csv|xlsx|geojson>`: CSV in
/// UTF-8 with a BOM (Excel opens it cleanly), each record with its id.
#[tauri::command]
pub async fn export_register(
    state: State<'_, AppState>,
    Args(ask): Args<call::ExportRegister>,
) -> Answer<call::ExportRegister> {
    let (kind, format) = (ask.kind, ask.format);
    let store = store(&state)?;
    let dir = state.data_dir.join("exports");
    let path = dir.join(format!(
        "{}-{}.{}",
        kind.code(),
        super::now_ms(),
        format.extension()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| CommandError::io(&dir, &e))?;
    let records = match format {
        ExportFormat::Geojson => {
            let layer = yitu_domain::Layer::from_code(kind.code()).map_err(|_| {
                CommandError::invalid("库存没有自己的位置：请导出为 CSV 或 XLSX / stock has no positions: export it as CSV or XLSX")
            })?;
            let fc = store.feature_collection(layer).await?;
            let n = fc.features.len();
            std::fs::write(&path, fc.to_string()).map_err(|e| CommandError::io(&path, &e))?;
            n
        }
        ExportFormat::Csv | ExportFormat::Xlsx => {
            let (headers, rows) = store.export_table(kind).await?;
            let written = if format == ExportFormat::Csv {
                yitu_formats::write_csv(&path, &headers, &rows)
            } else {
                yitu_formats::write_xlsx(&path, kind.code(), &headers, &rows)
            };
            written.map_err(|e| {
                CommandError::internal(
                    &format!("无法写入 {}", path.display()),
                    &format!("cannot write {}", path.display()),
                    &e,
                )
            })?;
            rows.len()
        }
    };
    Ok(Exported {
        path: path.display().to_string(),
        records,
    })
}
