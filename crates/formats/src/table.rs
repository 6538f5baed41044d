//! The uniform table every reader produces: a header, text cells, and a geometry where the
//! source has one, with each row's number as the user sees it in the file.

use serde_json::Value;

/// What kind of file the table came from; it decides how a row's position is named to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Csv,
    Xlsx,
    GeoJson,
    Shapefile,
}

impl SourceKind {
    /// The word for a row's position: a text line, a sheet row, a feature or a record.
    pub fn row_word(self) -> &'static str {
        match self {
            Self::Csv => "line",
            Self::Xlsx => "row",
            Self::GeoJson => "feature",
            Self::Shapefile => "record",
        }
    }
}

/// The character encoding the text of the file was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceEncoding {
    Utf8,
    /// UTF-8 with a byte-order mark (what Excel writes for "CSV UTF-8").
    Utf8Bom,
    /// GBK (code page 936), what Chinese Excel and many GIS tools write by default.
    Gbk,
    /// The format defines its own encoding (XLSX is always Unicode inside).
    Native,
}

impl SourceEncoding {
    pub fn name(self) -> &'static str {
        match self {
            Self::Utf8 => "UTF-8",
            Self::Utf8Bom => "UTF-8 (BOM)",
            Self::Gbk => "GBK",
            Self::Native => "native",
        }
    }
}

/// A file's rows as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub kind: SourceKind,
    pub source_encoding: SourceEncoding,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// One data row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based, as the user finds it: the text line of a CSV file or the sheet row of a workbook
    /// (so the header is usually 1 and the first data row 2); the feature number of a GeoJSON
    /// file or the record number of a shapefile (the first is 1). [`SourceKind::row_word`] names it.
    pub line: usize,
    /// One cell per header, empty where the file had none.
    pub cells: Vec<String>,
    pub geometry: Option<geojson::Geometry>,
}

impl Row {
    /// The cell of a column, by header position.
    pub fn cell(&self, column: usize) -> &str {
        self.cells.get(column).map(String::as_str).unwrap_or("")
    }
}

/// A JSON property value as cell text: strings as they are, arrays and objects as JSON.
pub(crate) fn json_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}
