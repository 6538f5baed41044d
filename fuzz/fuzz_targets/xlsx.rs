//! An Excel workbook read as `yitu import` reads it (calamine: the same bytes as `.xlsx`, a zip
//! of XML, and as `.xls`, the older binary format the importer also takes), then checked as
//! every kind of import.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    // libfuzzer-sys aborts on any panic, caught or not. `yitu_formats::read` catches calamine's
    // panics on malformed sheets and refuses the file (as the window and `yitu import` need):
    // that is not a crash. A panic that escapes it still aborts (libfuzzer-sys does that too).
    init: std::panic::set_hook(Box::new(|info| eprintln!("caught: {info}"))),
    |data: &[u8]| {
    for name in ["in.xlsx", "in.xls"] {
        let path = yitu_fuzz::file(name, data);
        if let Ok(table) = yitu_formats::read(&path) {
            yitu_fuzz::check_as_every_import(&table);
        }
    }
});
