//! Reading the user's file: GeoJSON, or a Shapefile with its .dbf in GBK or UTF-8, through
//! yitu-formats, and a GeoPackage through [`crate::geopackage`]; failures said in the overlay's
//! words.

use crate::Error;
use std::path::Path;
use yitu_formats::Table;

/// The file's rows, or why it cannot be an overlay. Only `.geojson`, `.json`, `.shp` and `.gpkg`
/// are taken: a spreadsheet has no shapes to draw.
pub fn read(path: &Path) -> Result<Table, Error> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !path.is_file() {
        return Err(Error::NotFound {
            path: path.to_owned(),
        });
    }
    if !matches!(ext.as_str(), "geojson" | "json" | "shp" | "gpkg") {
        return Err(Error::UnknownFormat {
            path: path.to_owned(),
        });
    }
    let empty = std::fs::metadata(path)
        .map(|m| m.len() == 0)
        .map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
    if empty {
        return Err(Error::Empty {
            path: path.to_owned(),
        });
    }
    if ext == "gpkg" {
        return crate::geopackage::read(path);
    }
    yitu_formats::read(path).map_err(|source| match source {
        yitu_formats::Error::Empty { .. } => Error::Empty {
            path: path.to_owned(),
        },
        yitu_formats::Error::NotFound { path } => Error::NotFound { path },
        source => Error::Unreadable {
            path: path.to_owned(),
            source: Box::new(source),
        },
    })
}
