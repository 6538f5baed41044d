//! The operating system's file chooser, for files the window adds by their path (tile
//! packages, overlays): the chooser gives a path, which the webview's own file input cannot.

use super::{CommandError, Reply};
use tauri_plugin_dialog::DialogExt;

/// Asks the user for a file of this kind (`tiles`, `overlay`); `null` when the chooser is
/// cancelled.
#[tauri::command]
pub async fn pick_file(app: tauri::AppHandle, kind: String) -> Reply<Option<String>> {
    let (name, extensions): (&str, &[&str]) = match kind.as_str() {
        "tiles" => ("MBTiles / PMTiles", &["mbtiles", "pmtiles"]),
        "overlay" => (
            "GeoJSON / Shapefile / GeoPackage",
            &["geojson", "json", "shp", "gpkg"],
        ),
        other => {
            return Err(CommandError {
                code: "bad_request",
                message: format!("未知的文件类型 / unknown kind of file: {other}"),
            })
        }
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
    .map_err(|e| CommandError {
        code: "internal",
        message: e.to_string(),
    })?;
    Ok(picked
        .and_then(|p| p.into_path().ok())
        .map(|p| p.display().to_string()))
}
