//! An Excel workbook read as `yitu import` reads it (calamine: the same bytes as `.xlsx`, a zip
//! of XML, and as `.xls`, the older binary format the importer also takes), then checked as
//! every kind of import.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in ["in.xlsx", "in.xls"] {
        let path = yitu_fuzz::file(name, data);
        if let Ok(table) = yitu_formats::read(&path) {
            yitu_fuzz::check_as_every_import(&table);
        }
    }
});
