//! A GeoPackage geometry blob (binary header and WKB) as the overlay reader reads each row's.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = yitu_overlay::wkb::geometry(data);
});
