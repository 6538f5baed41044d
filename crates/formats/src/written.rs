//! The files yitu writes: CSV as UTF-8 with a BOM (so Excel on a Chinese Windows opens it as
//! UTF-8 instead of guessing GBK) and XLSX with a bold, frozen header row. Every cell is text,
//! so ids, phone numbers and codes keep their leading zeros and digits.

use crate::Error;
use std::io::Write;
use std::path::Path;

pub fn write_csv(path: &Path, headers: &[String], rows: &[Vec<String>]) -> Result<(), Error> {
    let werr = |source| Error::WriteCsv {
        path: path.to_owned(),
        source,
    };
    let mut file = std::fs::File::create(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    file.write_all(b"\xEF\xBB\xBF")
        .map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
    let mut w = csv::WriterBuilder::new()
        // Excel expects CRLF line ends in CSV.
        .terminator(csv::Terminator::CRLF)
        .from_writer(file);
    w.write_record(headers).map_err(werr)?;
    for row in rows {
        w.write_record(row).map_err(werr)?;
    }
    w.flush().map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })
}

pub fn write_xlsx(
    path: &Path,
    sheet_name: &str,
    headers: &[String],
    rows: &[Vec<String>],
) -> Result<(), Error> {
    let werr = |source| Error::WriteXlsx {
        path: path.to_owned(),
        source,
    };
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name).map_err(werr)?;
    for (c, h) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, h, &bold)
            .map_err(werr)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet
                    .write_string(r as u32 + 1, c as u16, cell)
                    .map_err(werr)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(werr)?;
    book.save(path).map_err(werr)
}
