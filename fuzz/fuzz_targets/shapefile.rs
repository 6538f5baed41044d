//! An ESRI Shapefile: the input is split (`yitu_fuzz::parts`) into the .shp, the .shx (left out
//! when empty) and the .dbf; read as an import (then checked as every kind) and as an overlay.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yitu_overlay::Crs;

fuzz_target!(|data: &[u8]| {
    let [shp, shx, dbf] = yitu_fuzz::parts::<3>(data);
    let path = yitu_fuzz::file("in.shp", shp);
    if shx.is_empty() {
        yitu_fuzz::remove("in.shx");
    } else {
        yitu_fuzz::file("in.shx", shx);
    }
    yitu_fuzz::file("in.dbf", dbf);
    if let Ok(table) = yitu_formats::read(&path) {
        yitu_fuzz::check_as_every_import(&table);
    }
    let _ = yitu_overlay::load(&path, Crs::Gcj02);
});
