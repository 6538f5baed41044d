//! The offline base maps as the window lists and draws them: the tile packages added and the
//! one shown.

use serde::{Deserialize, Serialize};

/// What a package's tiles are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TileKind {
    /// Pictures.
    Raster,
    /// Mapbox Vector Tiles, drawn by a style naming their layers.
    Vector,
}

/// The tiles' encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TileFormat {
    Png,
    Jpg,
    Webp,
    Avif,
    Pbf,
}

impl TileFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpg => "jpg",
            Self::Webp => "webp",
            Self::Avif => "avif",
            Self::Pbf => "pbf",
        }
    }
}

impl TileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Raster => "raster",
            Self::Vector => "vector",
        }
    }
}

/// The packages added and the one shown (every base-map command answers with it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Basemaps {
    pub packages: Vec<Package>,
    pub active: Option<TileBase>,
}

/// One package as the window lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Package {
    pub id: String,
    pub path: String,
    pub name: String,
    pub kind: TileKind,
    pub format: TileFormat,
    pub min_zoom: u8,
    pub max_zoom: u8,
    pub active: bool,
}

/// What the map draws from the active package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TileBase {
    pub id: String,
    /// The tile URL template (the `yitu-tiles` scheme).
    pub template: String,
    pub kind: TileKind,
    pub min_zoom: u8,
    pub max_zoom: u8,
    /// West, south, east, north in degrees.
    pub bounds: Option<[f64; 4]>,
    pub attribution: Option<String>,
    /// A vector package's layer names (what a style draws).
    pub vector_layers: Vec<String>,
}
