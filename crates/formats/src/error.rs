//! The formats crate's one error type: why a file could not be read or written.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("file not found: {path}")]
    NotFound { path: PathBuf },
    #[error("cannot tell the format of {path}: expected .csv, .xlsx, .geojson or .shp")]
    UnknownFormat { path: PathBuf },
    #[error("cannot read {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is empty: no header row")]
    Empty { path: PathBuf },
    #[error("{path} is not a readable CSV file")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    #[error("{path} is not a readable Excel workbook")]
    Workbook {
        path: PathBuf,
        #[source]
        source: calamine::Error,
    },
    #[error("{path} is not a readable Excel workbook: its sheet is malformed")]
    MalformedWorkbook { path: PathBuf },
    #[error("{path} has no worksheet")]
    NoSheet { path: PathBuf },
    #[error("{path} is not valid GeoJSON")]
    GeoJson {
        path: PathBuf,
        #[source]
        source: geojson::Error,
    },
    #[error("{path} is GeoJSON but not a FeatureCollection or Feature")]
    NotFeatures { path: PathBuf },
    #[error("{path} is not a readable shapefile (it needs its .shp and .dbf side by side)")]
    Shapefile {
        path: PathBuf,
        #[source]
        source: shapefile::Error,
    },
    /// A record whose counts of parts or points need more bytes than the record holds (a
    /// broken or truncated file): refused before anything is read or allocated for it.
    #[error("{path} is a broken shapefile: record {record} {why}")]
    ShapeRecord {
        path: PathBuf,
        record: usize,
        why: String,
    },
    #[error("the attribute table (.dbf) of {path} cannot be read")]
    Dbase {
        path: PathBuf,
        #[source]
        source: shapefile::dbase::Error,
    },
    #[error("cannot write {path}")]
    WriteCsv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    #[error("cannot write the workbook {path}")]
    WriteXlsx {
        path: PathBuf,
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
}
