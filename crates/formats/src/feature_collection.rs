//! GeoJSON: a FeatureCollection (or a lone Feature); properties become cells (columns in the order first met;
//! within a feature in key order, as serde_json keeps them), the feature id an `id` cell when no property is called so, and the geometry is
//! kept whole (points, and the LineStrings of road networks, alike).

use crate::table::json_cell;
use crate::{Error, Row, SourceEncoding, SourceKind, Table};
use geojson::{Feature, GeoJson};
use std::path::Path;

pub fn read(path: &Path) -> Result<Table, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Empty {
            path: path.to_owned(),
        });
    }
    // RFC 7946 says UTF-8; a BOM is tolerated because Windows editors add one.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let gj: GeoJson = serde_json::from_slice(bytes).map_err(|e| Error::GeoJson {
        path: path.to_owned(),
        source: geojson::Error::MalformedGeoJson(e),
    })?;
    let features: Vec<Feature> = match gj {
        GeoJson::FeatureCollection(fc) => fc.features,
        GeoJson::Feature(f) => vec![f],
        GeoJson::Geometry(_) => {
            return Err(Error::NotFeatures {
                path: path.to_owned(),
            })
        }
    };
    Ok(table_of(features))
}

fn table_of(features: Vec<Feature>) -> Table {
    let mut headers: Vec<String> = Vec::new();
    for f in &features {
        for key in f.properties.iter().flat_map(|p| p.keys()) {
            if !headers.contains(key) {
                headers.push(key.clone());
            }
        }
    }
    let id_column = if features.iter().any(|f| f.id.is_some()) && !headers.iter().any(|h| h == "id")
    {
        headers.insert(0, "id".into());
        true
    } else {
        false
    };
    let rows = features
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let cells = headers
                .iter()
                .map(|h| {
                    if id_column && h == "id" {
                        return match &f.id {
                            Some(geojson::feature::Id::String(s)) => s.clone(),
                            Some(geojson::feature::Id::Number(n)) => n.to_string(),
                            None => String::new(),
                        };
                    }
                    f.properties
                        .as_ref()
                        .and_then(|p| p.get(h))
                        .map(json_cell)
                        .unwrap_or_default()
                })
                .collect();
            Row {
                line: i + 1,
                cells,
                geometry: f.geometry,
            }
        })
        .collect();
    Table {
        kind: SourceKind::GeoJson,
        source_encoding: SourceEncoding::Utf8,
        headers,
        rows,
    }
}
