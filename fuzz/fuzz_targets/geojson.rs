//! A GeoJSON file read as an import (then checked as every kind) and as an overlay (converted
//! from GCJ-02 and checked against the district).
#![no_main]

use libfuzzer_sys::fuzz_target;
use yitu_overlay::Crs;

fuzz_target!(|data: &[u8]| {
    let path = yitu_fuzz::file("in.geojson", data);
    if let Ok(table) = yitu_formats::read(&path) {
        yitu_fuzz::check_as_every_import(&table);
    }
    let _ = yitu_overlay::load(&path, Crs::Gcj02);
});
