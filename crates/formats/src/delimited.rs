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
    // Line numbers are counted here from byte offsets: the csv crate's own line counter depends
    // on whether a record's terminator was consumed yet, which differs between LF and CRLF.
    let bytes = text.as_bytes();
    let (mut counted_to, mut line) = (0usize, 1usize);
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|source| Error::Csv {
                path: path.to_owned(),
                source,
            })?;
        if !more {
            break;
        }
        let mut start = record.position().map(|p| p.byte() as usize).unwrap_or(0);
        // The offset may point at the previous record's terminator or blank lines: skip them.
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        // A line ends at LF, CRLF, or a lone CR (old Mac files; the csv crate ends records there).
        line += (counted_to.min(start)..start)
            .filter(|&i| {
                bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
            })
            .count();
        counted_to = counted_to.max(start);
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
