//! The user's vector overlays as the window lists them.

use serde::{Deserialize, Serialize};
use yitu_domain::space::crs::Crs;

/// One overlay the user added.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overlay {
    pub id: String,
    pub name: String,
    /// The file as the user gave it.
    pub source: String,
    /// The coordinate system the source is in; what the map draws is WGS-84.
    pub crs: Crs,
    pub features: usize,
    /// Rows of the source with nothing to draw (no geometry).
    pub skipped: usize,
    /// West, south, east, north in WGS-84 degrees.
    pub bbox: [f64; 4],
    pub colour: String,
    pub shown: bool,
}
