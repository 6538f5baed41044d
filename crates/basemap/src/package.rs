//! A tile package: one local MBTiles or PMTiles file, recognised by its first bytes, checked at
//! open (it has tiles of a known format) and read tile by tile with the right content type.

use crate::{mbtiles::MbTiles, pmtiles::PmTiles, Error};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The two file formats a package can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Container {
    Mbtiles,
    Pmtiles,
}

/// What the tiles are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TileFormat {
    Png,
    Jpg,
    Webp,
    Avif,
    /// Mapbox Vector Tiles (MVT).
    Pbf,
}

/// Raster tiles are pictures; vector tiles need a style naming their layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TileKind {
    Raster,
    Vector,
}

impl TileFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            TileFormat::Png => "image/png",
            TileFormat::Jpg => "image/jpeg",
            TileFormat::Webp => "image/webp",
            TileFormat::Avif => "image/avif",
            TileFormat::Pbf => "application/vnd.mapbox-vector-tile",
        }
    }

    pub fn kind(self) -> TileKind {
        match self {
            TileFormat::Pbf => TileKind::Vector,
            _ => TileKind::Raster,
        }
    }

    /// The MBTiles `format` metadata value (case-insensitive; `jpeg` and `mvt` accepted).
    pub(crate) fn from_name(name: &str) -> Option<TileFormat> {
        match name.trim().to_ascii_lowercase().as_str() {
            "png" => Some(TileFormat::Png),
            "jpg" | "jpeg" => Some(TileFormat::Jpg),
            "webp" => Some(TileFormat::Webp),
            "avif" => Some(TileFormat::Avif),
            "pbf" | "mvt" => Some(TileFormat::Pbf),
            _ => None,
        }
    }

    /// The format of a tile's bytes, for an MBTiles whose metadata does not say. A gzip'd tile
    /// is taken for a vector tile (raster tiles are never gzip'd).
    pub(crate) fn sniff(bytes: &[u8]) -> Option<TileFormat> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(TileFormat::Png)
        } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            Some(TileFormat::Jpg)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(TileFormat::Webp)
        } else if is_gzip(bytes) {
            Some(TileFormat::Pbf)
        } else {
            None
        }
    }
}

pub(crate) fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// What the window needs to show a package, read once at open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    pub container: Container,
    pub format: TileFormat,
    pub kind: TileKind,
    pub min_zoom: u8,
    pub max_zoom: u8,
    /// West, south, east, north in WGS-84 degrees, when the package says.
    pub bounds: Option<[f64; 4]>,
    pub name: Option<String>,
    pub attribution: Option<String>,
    /// For vector tiles: the TileJSON `vector_layers` array (ids and fields), to style them.
    pub vector_layers: Option<serde_json::Value>,
    /// Whether tiles are stored gzip'd (served with `Content-Encoding: gzip`).
    pub gzip: bool,
}

/// One tile's bytes as the URI scheme handler sends them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tile {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub content_encoding: Option<&'static str>,
}

impl Tile {
    /// The tile with its gzip undone (a webview does not decode `Content-Encoding` on a custom
    /// scheme's response: MapLibre would be handed the compressed bytes).
    pub fn decompressed(self) -> std::io::Result<Tile> {
        if self.content_encoding != Some("gzip") {
            return Ok(self);
        }
        let mut bytes = Vec::with_capacity(self.bytes.len() * 4);
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(self.bytes.as_slice()),
            &mut bytes,
        )?;
        Ok(Tile {
            bytes,
            content_encoding: None,
            ..self
        })
    }
}

#[derive(Clone)]
enum Source {
    Mbtiles(MbTiles),
    Pmtiles(Arc<PmTiles>),
}

/// An open tile package. Cheap to clone: the SQLite pool or the file handle and PMTiles root
/// directory are shared, so one is opened per package and cloned into each request.
#[derive(Clone)]
pub struct Package {
    path: PathBuf,
    metadata: Metadata,
    source: Source,
}

impl std::fmt::Debug for Package {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Package")
            .field("path", &self.path)
            .field("metadata", &self.metadata)
            .finish_non_exhaustive()
    }
}

impl Package {
    /// Opens and checks a package: the file exists, is an MBTiles or a PMTiles v3, holds at least
    /// one tile, and its tile format is known. The path is made absolute.
    pub async fn open(path: &Path) -> Result<Package, Error> {
        let path = std::path::absolute(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut head = [0u8; 16];
        let read = {
            let p = path.clone();
            tokio::task::spawn_blocking(move || read_head(&p, &mut head).map(|n| (n, head)))
                .await
                .expect("reading a file's first bytes does not panic")
        };
        let (n, head) = read?;
        let head = &head[..n];
        let (metadata, source) = if head == b"SQLite format 3\0" {
            let (db, metadata) = MbTiles::open(&path).await?;
            (metadata, Source::Mbtiles(db))
        } else if head.starts_with(b"PMTiles") {
            let file = PmTiles::open(&path).await?;
            (file.metadata().clone(), Source::Pmtiles(Arc::new(file)))
        } else {
            return Err(Error::NotATilePackage { path });
        };
        Ok(Package {
            path,
            metadata,
            source,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    /// The tile at z/x/y (XYZ numbering, y down, as MapLibre asks), or `None` when the package
    /// has none there (including coordinates outside the zoom level's grid).
    pub async fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Tile>, Error> {
        if z > 30 || u64::from(x) >= 1u64 << z || u64::from(y) >= 1u64 << z {
            return Ok(None);
        }
        let bytes = match &self.source {
            Source::Mbtiles(db) => db.tile(&self.path, z, x, y).await?,
            Source::Pmtiles(file) => file.tile(z, x, y).await?,
        };
        Ok(bytes.map(|bytes| {
            // Per tile: an MBTiles may mix gzip'd and plain vector tiles.
            let content_encoding = match self.source {
                Source::Pmtiles(_) if self.metadata.gzip => Some("gzip"),
                Source::Mbtiles(_) if is_gzip(&bytes) => Some("gzip"),
                _ => None,
            };
            Tile {
                bytes,
                content_type: self.metadata.format.content_type(),
                content_encoding,
            }
        }))
    }

    /// Closes the SQLite pool (PMTiles: nothing to do), before the file is removed or replaced.
    pub async fn close(&self) {
        if let Source::Mbtiles(db) = &self.source {
            db.close().await;
        }
    }
}

fn read_head(path: &Path, head: &mut [u8; 16]) -> Result<usize, Error> {
    let mut file = std::fs::File::open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            Error::NotFound {
                path: path.to_path_buf(),
                source,
            }
        } else {
            Error::Read {
                path: path.to_path_buf(),
                source,
            }
        }
    })?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(Error::NotATilePackage {
            path: path.to_path_buf(),
        });
    }
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(source) => {
                return Err(Error::Read {
                    path: path.to_path_buf(),
                    source,
                })
            }
        }
    }
    Ok(n)
}
