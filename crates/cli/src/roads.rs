//! `yitu roads load FILE`: read road lines from a file, check every one, and store the network.

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use std::path::Path;
use yitu_domain::crs::Crs;
use yitu_domain::road::lines_from_features;
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
    let features = read_features(file)?;
    let lines = match lines_from_features(&features, crs, default_speed) {
        Ok(lines) => lines,
        Err(problems) => {
            let shown: Vec<String> = problems
                .iter()
                .take(20)
                .map(|p| format!("  feature {}: {}", p.feature, p.reason))
                .collect();
            let more = problems.len().saturating_sub(shown.len());
            bail!(
                "{}: {} road feature(s) cannot be used; nothing was loaded\n{}{}",
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
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let info = store.load_roads(&source, crs, &lines, now_ms).await?;
    Ok(json!({ "loaded": info }))
}

/// The features of a GeoJSON file (a FeatureCollection, a Feature or a bare geometry).
fn read_features(file: &Path) -> Result<Vec<geojson::Feature>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("reading the road file {}", file.display()))?;
    let geojson: geojson::GeoJson = text.parse().with_context(|| {
        format!(
            "{} is not GeoJSON (Shapefile roads: convert to GeoJSON first)",
            file.display()
        )
    })?;
    Ok(match geojson {
        geojson::GeoJson::FeatureCollection(fc) => fc.features,
        geojson::GeoJson::Feature(f) => vec![f],
        geojson::GeoJson::Geometry(g) => vec![geojson::Feature {
            geometry: Some(g),
            ..Default::default()
        }],
    })
}
