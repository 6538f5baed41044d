//! Excel workbooks (the first worksheet), read with calamine; cells become text as a person
//! would type them (whole numbers without ".0", dates as YYYY-MM-DD).

use crate::{Error, Row, SourceEncoding, SourceKind, Table};
use calamine::{Data, Reader};
use std::path::Path;

/// The first worksheet as a table. calamine panics on some malformed sheets (a cell reference
/// whose column overflows, found by fuzzing: `fuzz/corpus/xlsx/regression-cell-reference-overflow`),
/// and the window or `yitu import` must not go down with it: such a file is refused like any
/// other unreadable workbook. (The release profile keeps calamine's overflow checks on, so it
/// panics there too instead of reading a wrapped-around column.)
pub fn read(path: &Path) -> Result<Table, Error> {
    std::panic::catch_unwind(|| read_sheet(path)).unwrap_or_else(|_| {
        Err(Error::MalformedWorkbook {
            path: path.to_owned(),
        })
    })
}

fn read_sheet(path: &Path) -> Result<Table, Error> {
    let mut book = calamine::open_workbook_auto(path).map_err(|source| Error::Workbook {
        path: path.to_owned(),
        source,
    })?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| Error::NoSheet {
            path: path.to_owned(),
        })?
        .map_err(|source| Error::Workbook {
            path: path.to_owned(),
            source,
        })?;
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let cells: Vec<String> = cells.iter().map(cell_text).collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        match headers {
            None => headers = Some(cells),
            Some(_) => rows.push(Row {
                line: first_row + i + 1,
                cells,
                geometry: None,
            }),
        }
    }
    let headers = headers.ok_or_else(|| Error::Empty {
        path: path.to_owned(),
    })?;
    Ok(Table {
        kind: SourceKind::Xlsx,
        source_encoding: SourceEncoding::Native,
        headers,
        rows,
    })
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::DateTime(dt) => {
            let serial = dt.as_f64();
            if serial.fract() == 0.0 {
                iso_date(serial as i64)
            } else {
                d.to_string()
            }
        }
        other => other.to_string(),
    }
}

/// An Excel date serial (days since 1899-12-30, the 1900 system) as YYYY-MM-DD.
fn iso_date(serial: i64) -> String {
    // Days from 1970-01-01, then the civil-from-days algorithm (H. Hinnant).
    let z = serial - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn excel_serials_become_iso_dates() {
        assert_eq!(super::iso_date(25_569), "1970-01-01");
        assert_eq!(super::iso_date(45_658), "2025-01-01");
        assert_eq!(super::iso_date(46_203), "2026-06-30");
    }
}
