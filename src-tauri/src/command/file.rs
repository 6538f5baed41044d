//! The operating system's file chooser, for files the window adds by their path (tile
//! packages, overlays): the chooser gives a path, which the webview's own file input cannot.

use super::{Answer, Args, CommandError};
use tauri_plugin_dialog::DialogExt;
use yitu_ipc::app::FileKind;
use yitu_ipc::call;

/// Asks the user for a file of this kind; none when the chooser is cancelled.
#[tauri::command]
pub async fn pick_file<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    Args(ask): Args<call::PickFile>,
) -> Answer<call::PickFile> {
    let (name, extensions): (&str, &[&str]) = match ask.kind {
        FileKind::Tiles => ("MBTiles / PMTiles", &["mbtiles", "pmtiles"]),
        FileKind::Cap => ("CAP 1.2 预警 (XML)", &["xml", "cap"]),
        FileKind::Overlay => (
            "GeoJSON / Shapefile / GeoPackage",
            &["geojson", "json", "shp", "gpkg"],
        ),
    };
    // The chooser blocks until answered: off the async workers.
    let picked = tauri::async_runtime::spawn_blocking(move || {
        app.dialog()
            .file()
            .set_title("选择文件 / Choose a file")
            .add_filter(name, extensions)
            .blocking_pick_file()
    })
    .await
    .map_err(|e| CommandError::internal("文件选择窗口出错", "the file chooser failed", &e))?;
    Ok(picked
        .and_then(|p| p.into_path().ok())
        .map(|p| p.display().to_string()))
}
