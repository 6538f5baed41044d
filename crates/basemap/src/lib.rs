//! Offline base maps: tile packages (MBTiles, PMTiles v3; raster or vector) opened from local
//! files, read tile by tile for the window, and the user's choice of them kept in `basemap.json`.
//!
//! Nothing here touches the network: a package is a file the user copied in, and every tile comes
//! from it.
//!
//! # Serving tiles to the window
//!
//! The desktop registers the custom URI scheme [`SCHEME`] (`yitu-tiles`) with Tauri's
//! `register_asynchronous_uri_scheme_protocol`. A tile's URL has the path shape
//! `/{package-id}/{z}/{x}/{y}` (XYZ numbering, y down; no extension: the package's format says
//! what the bytes are), under one of two origins depending on the platform:
//!
//! - Linux and macOS: `yitu-tiles://localhost/{package-id}/{z}/{x}/{y}`
//! - Windows: `http://yitu-tiles.localhost/{package-id}/{z}/{x}/{y}`
//!
//! Both origins belong in the content-security policy (`connect-src` and `img-src`).
//! [`TileAddress::parse`] turns a request path into `(id, z, x, y)` and refuses anything else;
//! [`Package::tile`] gives the bytes with their `Content-Type` and `Content-Encoding`.

mod address;
mod error;
mod mbtiles;
mod package;
mod pmtiles;
mod registry;

pub use address::{tile_url_template, TileAddress, SCHEME};
pub use error::Error;
pub use package::{Container, Metadata, Package, Tile, TileFormat, TileKind};
pub use pmtiles::tile_id as pmtiles_tile_id;
pub use registry::{Entry, PackageId, Registry, REGISTRY_FILE};
