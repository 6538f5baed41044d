//! A base-map package opened as the window opens one (`Package::open`, which tells MBTiles
//! from PMTiles by the first bytes), then asked for tiles: see `yitu_fuzz::read_tiles`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = yitu_fuzz::file("in.pmtiles", data);
    yitu_fuzz::read_tiles(&path);
});
