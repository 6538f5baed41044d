//! A CSV file (UTF-8, with or without BOM, or GBK) read as `yitu import` reads it, then checked
//! as every kind of import.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = yitu_fuzz::file("in.csv", data);
    if let Ok(table) = yitu_formats::read(&path) {
        yitu_fuzz::check_as_every_import(&table);
    }
});
