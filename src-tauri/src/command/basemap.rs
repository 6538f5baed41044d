//! The window's offline base maps: list the tile packages added, add one by its path (checked
//! before anything is kept), choose which is shown, remove one. Shared with `yitu basemap`.

use super::{Answer, Args, CommandError};
use crate::startup::AppState;
use std::path::Path;
use tauri::State;
use yitu_basemap::{tile_url_template, Entry, Registry};
use yitu_ipc::basemap::{Basemaps, Package, TileBase, TileFormat, TileKind};
use yitu_ipc::call;

fn kind(k: yitu_basemap::TileKind) -> TileKind {
    match k {
        yitu_basemap::TileKind::Raster => TileKind::Raster,
        yitu_basemap::TileKind::Vector => TileKind::Vector,
    }
}

fn format(f: yitu_basemap::TileFormat) -> TileFormat {
    use yitu_basemap::TileFormat as F;
    match f {
        F::Png => TileFormat::Png,
        F::Jpg => TileFormat::Jpg,
        F::Webp => TileFormat::Webp,
        F::Avif => TileFormat::Avif,
        F::Pbf => TileFormat::Pbf,
    }
}

fn listed(registry: &Registry) -> Basemaps {
    let active = registry.active().map(|e| e.id.as_str().to_owned());
    let packages = registry
        .entries()
        .iter()
        .map(|e| Package {
            id: e.id.as_str().to_owned(),
            path: e.path.display().to_string(),
            name: e.metadata.name.clone().unwrap_or_else(|| {
                e.path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            }),
            kind: kind(e.metadata.kind),
            format: format(e.metadata.format),
            min_zoom: e.metadata.min_zoom,
            max_zoom: e.metadata.max_zoom,
            active: active.as_deref() == Some(e.id.as_str()),
        })
        .collect();
    Basemaps {
        packages,
        active: registry.active().map(tile_base),
    }
}

fn tile_base(e: &Entry) -> TileBase {
    let m = &e.metadata;
    // TileJSON's vector_layers: [{"id": …, "fields": …}, …]; only the ids are needed to draw.
    let vector_layers = m
        .vector_layers
        .as_ref()
        .and_then(|v| v.as_array())
        .map(|layers| {
            layers
                .iter()
                .filter_map(|l| l["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    TileBase {
        id: e.id.as_str().to_owned(),
        template: tile_url_template(&e.id, cfg!(windows)),
        kind: kind(m.kind),
        min_zoom: m.min_zoom,
        max_zoom: m.max_zoom,
        bounds: m.bounds,
        attribution: m.attribution.clone(),
        vector_layers,
    }
}

#[tauri::command]
pub async fn basemaps(
    state: State<'_, AppState>,
    _: Args<call::Basemaps>,
) -> Answer<call::Basemaps> {
    Ok(listed(&Registry::load(&state.data_dir)?))
}

/// Adds the MBTiles or PMTiles file at `path` and shows it; a missing, broken, empty or non-tile
/// file is refused with the reason and the map stays as it was.
#[tauri::command]
pub async fn basemap_add(
    state: State<'_, AppState>,
    Args(ask): Args<call::BasemapAdd>,
) -> Answer<call::BasemapAdd> {
    let path = ask.path.trim();
    if path.is_empty() {
        return Err(CommandError::invalid(
            "请填写瓦片包文件的路径 / give the tile package's path",
        ));
    }
    let mut registry = Registry::load(&state.data_dir)?;
    let entry = registry.add(Path::new(path)).await?;
    // The same path added again may be a new file: serve it afresh.
    state.basemaps.forget(entry.id.as_str()).await;
    Ok(listed(&registry))
}

/// Shows the package `id`, or none (`id` empty): the district's own layers only.
#[tauri::command]
pub async fn basemap_use(
    state: State<'_, AppState>,
    Args(ask): Args<call::BasemapUse>,
) -> Answer<call::BasemapUse> {
    let id = ask.id;
    let mut registry = Registry::load(&state.data_dir)?;
    if id.is_empty() {
        registry.clear_active()?;
    } else {
        registry.set_active(&id)?;
    }
    Ok(listed(&registry))
}

#[tauri::command]
pub async fn basemap_remove(
    state: State<'_, AppState>,
    Args(ask): Args<call::BasemapRemove>,
) -> Answer<call::BasemapRemove> {
    let id = ask.id;
    let mut registry = Registry::load(&state.data_dir)?;
    registry.remove(&id)?;
    state.basemaps.forget(&id).await;
    Ok(listed(&registry))
}
