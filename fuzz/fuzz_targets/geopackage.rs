//! A GeoPackage (an SQLite file) read as an overlay: its tables, systems, rows and blobs, then
//! converted and checked against the district.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yitu_overlay::Crs;

fuzz_target!(|data: &[u8]| {
    let path = yitu_fuzz::file("in.gpkg", data);
    let _ = yitu_overlay::load(&path, Crs::Wgs84);
});
