//! CSV files in UTF-8 (with or without BOM) or GBK, the header on the first non-empty line.

use crate::{text, Error, Row, SourceKind, Table};
use std::path::Path;

pub fn read(path: &Path) -> Result<Table, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    let (text, encoding) = text::decode(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        // Rows of unequal length are common in hand-made sheets; short rows get empty cells.
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        // The position before the read is where the record starts (quoted cells may span
        // lines); the csv crate counts the lines before it, so the record's own line is one more.
        let line = reader.position().line() as usize + 1;
        let more = reader
            .read_record(&mut record)
            .map_err(|source| Error::Csv {
                path: path.to_owned(),
                source,
            })?;
        if !more {
            break;
        }
        let cells: Vec<String> = record.iter().map(str::to_owned).collect();
        // Trailing ",,," lines that Excel leaves behind are no rows.
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        match headers {
            None => headers = Some(cells),
            Some(ref h) => {
                let mut cells = cells;
                cells.resize(h.len().max(cells.len()), String::new());
                rows.push(Row {
                    line,
                    cells,
                    geometry: None,
                });
            }
        }
    }
    let headers = headers.ok_or_else(|| Error::Empty {
        path: path.to_owned(),
    })?;
    Ok(Table {
        kind: SourceKind::Csv,
        source_encoding: encoding,
        headers,
        rows,
    })
}
