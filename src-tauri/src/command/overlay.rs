//! The window's vector overlays: list them, add a GeoJSON or Shapefile in a named coordinate
//! system (converted and checked before anything is kept), show or hide one, remove one, and
//! hand one's converted GeoJSON to the map. Shared with `yitu overlay`.

use super::{CommandError, Reply};
use crate::startup::{error_chain, AppState};
use std::path::Path;
use tauri::State;
use yitu_overlay::{Crs, Entry, Registry};

impl From<yitu_overlay::Error> for CommandError {
    fn from(e: yitu_overlay::Error) -> Self {
        tracing::info!(error = ?e, "overlay refused");
        Self {
            code: e.code(),
            // The cause too: "broken file X" says little without "X is not valid GeoJSON".
            message: error_chain(&e),
        }
    }
}

#[tauri::command]
pub async fn overlays(state: State<'_, AppState>) -> Reply<Vec<Entry>> {
    Ok(Registry::load(&state.data_dir)?.entries().to_vec())
}

/// Adds the file at `path`, its positions in `crs` (wgs84, gcj02, bd09), named `name` or after
/// the file, and shows it; a refused file changes nothing and the reason is returned.
#[tauri::command]
pub async fn overlay_add(
    state: State<'_, AppState>,
    path: String,
    crs: String,
    name: Option<String>,
) -> Reply<Vec<Entry>> {
    let path = path.trim();
    if path.is_empty() {
        return Err(CommandError::invalid(
            "请填写 GeoJSON、Shapefile 或 GeoPackage 文件的路径 / give the path of a GeoJSON, Shapefile or GeoPackage",
        ));
    }
    let crs = Crs::from_code(&crs)?;
    let mut registry = Registry::load(&state.data_dir)?;
    registry.add(Path::new(path), crs, name.as_deref())?;
    Ok(registry.entries().to_vec())
}

#[tauri::command]
pub async fn overlay_remove(state: State<'_, AppState>, id: String) -> Reply<Vec<Entry>> {
    let mut registry = Registry::load(&state.data_dir)?;
    registry.remove(&id)?;
    Ok(registry.entries().to_vec())
}

#[tauri::command]
pub async fn overlay_show(
    state: State<'_, AppState>,
    id: String,
    shown: bool,
) -> Reply<Vec<Entry>> {
    let mut registry = Registry::load(&state.data_dir)?;
    registry.set_shown(&id, shown)?;
    Ok(registry.entries().to_vec())
}

/// The overlay's features in WGS-84 (a GeoJSON FeatureCollection), for the map to draw.
#[tauri::command]
pub async fn overlay_geojson(state: State<'_, AppState>, id: String) -> Reply<serde_json::Value> {
    let text = Registry::load(&state.data_dir)?.geojson(&id)?;
    serde_json::from_str(&text).map_err(|e| CommandError::invalid(e.to_string()))
}
