//! The window's vector overlays: list them, add a GeoJSON or Shapefile in a named coordinate
//! system (converted and checked before anything is kept), show or hide one, remove one, and
//! hand one's converted GeoJSON to the map. Shared with `yitu overlay`.

use super::{Answer, Args, CommandError};
use crate::startup::AppState;
use std::path::Path;
use tauri::State;
use yitu_ipc::call;
use yitu_ipc::overlay::Overlay;
use yitu_overlay::{Entry, Registry};

/// The overlays as the window lists them.
fn listed(registry: &Registry) -> Vec<Overlay> {
    registry
        .entries()
        .iter()
        .map(|e: &Entry| Overlay {
            id: e.id.as_str().to_owned(),
            name: e.name.clone(),
            source: e.source.display().to_string(),
            crs: e.crs,
            features: e.features,
            skipped: e.skipped,
            bbox: e.bbox,
            colour: e.colour.clone(),
            shown: e.shown,
        })
        .collect()
}

#[tauri::command]
pub async fn overlays(
    state: State<'_, AppState>,
    _: Args<call::Overlays>,
) -> Answer<call::Overlays> {
    Ok(listed(&Registry::load(&state.data_dir)?))
}

/// Adds the file at `path`, its positions in `crs` (wgs84, gcj02, bd09), named `name` or after
/// the file, and shows it; a refused file changes nothing and the reason is returned.
#[tauri::command]
pub async fn overlay_add(
    state: State<'_, AppState>,
    Args(ask): Args<call::OverlayAdd>,
) -> Answer<call::OverlayAdd> {
    let path = ask.path.trim();
    if path.is_empty() {
        return Err(CommandError::invalid(
            "请填写 GeoJSON、Shapefile 或 GeoPackage 文件的路径 / give the path of a GeoJSON, Shapefile or GeoPackage",
        ));
    }
    let mut registry = Registry::load(&state.data_dir)?;
    registry.add(Path::new(path), ask.crs, ask.name.as_deref())?;
    Ok(listed(&registry))
}

#[tauri::command]
pub async fn overlay_remove(
    state: State<'_, AppState>,
    Args(ask): Args<call::OverlayRemove>,
) -> Answer<call::OverlayRemove> {
    let mut registry = Registry::load(&state.data_dir)?;
    registry.remove(&ask.id)?;
    Ok(listed(&registry))
}

#[tauri::command]
pub async fn overlay_show(
    state: State<'_, AppState>,
    Args(ask): Args<call::OverlayShow>,
) -> Answer<call::OverlayShow> {
    let mut registry = Registry::load(&state.data_dir)?;
    registry.set_shown(&ask.id, ask.shown)?;
    Ok(listed(&registry))
}

/// The overlay's features in WGS-84 (a GeoJSON FeatureCollection), for the map to draw.
#[tauri::command]
pub async fn overlay_geojson(
    state: State<'_, AppState>,
    Args(ask): Args<call::OverlayGeojson>,
) -> Answer<call::OverlayGeojson> {
    let text = Registry::load(&state.data_dir)?.geojson(&ask.id)?;
    // The kept file is the app's own, converted when added: unreadable now is internal.
    serde_json::from_str(&text).map_err(|e| {
        CommandError::internal(
            "图层文件无法读取",
            "the overlay's kept file cannot be read",
            &e,
        )
    })
}
