//! `yitu roads load FILE`: read road lines from a file, check every one, and store the network.

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use std::path::Path;
use yitu_domain::space::crs::Crs;
use yitu_domain::space::road::{lines_from_features, lines_from_geojson};
use yitu_replica::Store;

/// Loads a road file; any bad feature refuses the whole file and leaves the loaded network as it
/// was.
pub async fn load(
    store: &Store,
    file: &Path,
    crs: &str,
    default_speed: Option<f64>,
) -> Result<Value> {
    let crs = Crs::from_code(crs)?;
    if let Some(s) = default_speed {
        if !(s > 0.0 && s <= 150.0) {
            bail!("--default-speed {s}: expected km/h above 0 and at most 150");
        }
    }
    let is_shapefile = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("shp"));
    let read = if is_shapefile {
        lines_from_features(&shapefile_features(file)?, crs, default_speed)
    } else {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("reading the road file {}", file.display()))?;
        lines_from_geojson(&text, crs, default_speed)
    };
    let lines = match read {
        Ok(lines) => lines,
        Err(problems) => {
            let shown: Vec<String> = problems
                .iter()
                .take(20)
                .map(|p| match p.feature {
                    0 => format!("  {}", p.reason),
                    n => format!("  feature {n}: {}", p.reason),
                })
                .collect();
            let more = problems.len().saturating_sub(shown.len());
            bail!(
                "{}: {} problem(s); nothing was loaded\n{}{}",
                file.display(),
                problems.len(),
                shown.join("\n"),
                if more > 0 {
                    format!("\n  … and {more} more")
                } else {
                    String::new()
                }
            );
        }
    };
    let source = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string());
    let info = store
        .load_roads(&source, crs, &lines, crate::import::now_ms())
        .await?;
    Ok(json!({ "loaded": info }))
}

/// A shapefile's records as GeoJSON features: its attributes (decoded from GBK or UTF-8 by
/// `yitu-formats`) become text properties, which the road reader parses like any other.
fn shapefile_features(file: &Path) -> Result<Vec<geojson::Feature>> {
    let table = yitu_formats::read(file)?;
    Ok(table
        .rows
        .into_iter()
        .map(|row| {
            let properties = table
                .headers
                .iter()
                .zip(row.cells)
                .map(|(h, c)| (h.clone(), Value::String(c)))
                .collect();
            geojson::Feature {
                geometry: row.geometry,
                properties: Some(properties),
                ..Default::default()
            }
        })
        .collect())
}
