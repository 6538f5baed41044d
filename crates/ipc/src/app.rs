//! The app itself: what the shell says about itself and its store, and the shipped base map.

use serde::{Deserialize, Serialize};

/// What the shell says about itself and its store (`app_info`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct About {
    pub version: String,
    pub data_dir: String,
    /// Why the store could not be opened, when it could not.
    pub store_error: Option<String>,
    pub demo: bool,
    pub demo_notice_zh: String,
    pub demo_notice_en: String,
}

/// The shipped base-map layers as GeoJSON text the map parses itself, and where the map's
/// glyphs and features come from (`base_map`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaseMap {
    pub outline: String,
    pub neighbours: String,
    pub rivers: String,
    /// Where MapLibre asks for label glyphs (the `yitu-glyphs` scheme).
    pub glyphs: String,
    /// Where MapLibre's worker fetches each layer's features (the `yitu-data` scheme): a tile
    /// URL template with `{layer}` to fill in.
    pub features: String,
}

impl BaseMap {
    /// The tile URL template of a layer's features as drawn at `version` (what `map_filter`
    /// answered): a new version names new URLs, so no tile of an older drawing is reused.
    pub fn features_url(&self, layer: yitu_domain::Layer, version: u64) -> String {
        format!(
            "{}?v={version}",
            self.features.replace("{layer}", layer.code())
        )
    }
}

/// What the operating system's file chooser is asked for (`pick_file`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// A tile package: MBTiles or PMTiles.
    Tiles,
    /// A vector overlay: GeoJSON, Shapefile or GeoPackage.
    Overlay,
    /// A CAP 1.2 warning message (XML) from another unit.
    Cap,
}
