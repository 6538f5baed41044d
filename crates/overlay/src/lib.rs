//! User vector overlays: a GeoJSON file, an ESRI Shapefile or a GeoPackage the user adds over the
//! map, in the coordinate system they say it is in (WGS-84/CGCS2000, GCJ-02 as AMap and Tencent
//! give, BD-09 as Baidu gives). It is read (`file`; a GeoPackage by `geopackage`, its geometry
//! blobs by `wkb`, its tables' systems judged by `srs`), converted to WGS-84 and checked
//! (`convert`, pure), and kept as a converted GeoJSON file in the data folder with a line in
//! `overlays.json` (`registry`). A file that is broken, empty, has no features, has positions that
//! are not longitude/latitude (or a GeoPackage table in a projected system), or lies nowhere near
//! Hechuan is refused and nothing is written.

mod convert;
mod error;
mod file;
mod geopackage;
mod registry;
mod srs;
// Public for its fuzz target (fuzz/fuzz_targets/wkb.rs): pure, bytes in, a geometry or why not.
pub mod wkb;

pub use convert::{convert, Converted};
pub use error::Error;
pub use file::read;
pub use registry::{Entry, OverlayId, Registry, FOLDER, PALETTE, REGISTRY_FILE};
pub use yitu_domain::space::crs::Crs;

/// Reads `path` and converts it from `crs`: what [`Registry::add`] keeps, without keeping it.
pub fn load(path: &std::path::Path, crs: Crs) -> Result<Converted, Error> {
    convert(path, read(path)?, crs)
}
