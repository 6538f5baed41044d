//! yitu's file formats: the files departments send (CSV in UTF-8 or GBK, XLSX, GeoJSON, ESRI
//! Shapefile) read into one uniform [`Table`] of text cells with an optional geometry per row,
//! and the CSV and XLSX files yitu writes. No knowledge of what the columns mean: that is the
//! domain's import module.

mod delimited;
mod error;
mod feature_collection;
mod shape;
mod table;
mod text;
mod workbook;
mod written;

pub use error::Error;
pub use table::{Row, SourceEncoding, SourceKind, Table};
pub use written::{write_csv, write_xlsx};

use std::path::Path;

/// Reads a file into a table, choosing the reader by the file's extension: `.csv`/`.txt`,
/// `.xlsx`/`.xlsm`/`.xls`, `.geojson`/`.json`, `.shp`.
pub fn read(path: &Path) -> Result<Table, Error> {
    if !path.exists() {
        return Err(Error::NotFound {
            path: path.to_owned(),
        });
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" => delimited::read(path),
        "xlsx" | "xlsm" | "xls" => workbook::read(path),
        "geojson" | "json" => feature_collection::read(path),
        "shp" => shape::read(path),
        _ => Err(Error::UnknownFormat {
            path: path.to_owned(),
        }),
    }
}
