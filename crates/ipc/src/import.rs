//! Imports and exports from the window: a file's rows checked and shown before anything is
//! written, what writing them did, and a registry written to a file.

use serde::{Deserialize, Serialize};
use yitu_domain::import::{ImportKind, Issue};

/// A file's rows read and checked as records of a kind, and what writing the valid ones would
/// do (`import_preview`). Nothing is written yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub kind: ImportKind,
    /// The file read (a shapefile's `.shp`).
    pub file: String,
    /// The text encoding detected (UTF-8 or GBK).
    pub encoding: String,
    /// "line" for a spreadsheet's rows, "feature" or "record" for GeoJSON and shapefiles.
    pub row_word: String,
    pub headers: Vec<String>,
    pub rows: usize,
    pub valid: usize,
    /// Every bad row and the first good ones.
    pub shown: Vec<PreviewRow>,
    pub header_issues: Vec<Issue>,
    pub ignored_columns: Vec<String>,
    /// What writing the valid rows would do.
    pub would: ImportReport,
}

/// One row of a preview, with what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub line: usize,
    pub cells: Vec<String>,
    /// `field: reason`, one per problem.
    pub issues: Vec<String>,
}

/// What an import did (or would do).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub stock_lines_added: u64,
    pub stock_lines_changed: u64,
    pub ledger_entries: u64,
}

/// The file an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exported {
    pub path: String,
    pub records: usize,
}

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// UTF-8 with a BOM, so Excel opens it cleanly.
    Csv,
    Xlsx,
    /// Registries with positions only (not the stock).
    Geojson,
}

impl ExportFormat {
    /// The file name's extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
            Self::Geojson => "geojson",
        }
    }
}
