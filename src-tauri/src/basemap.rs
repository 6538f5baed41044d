//! Offline base maps in the window: the tile packages the user added (`basemap.json` in the data
//! folder, shared with `yitu basemap`), and the `yitu-tiles` URI scheme that serves their tiles
//! to MapLibre straight from the local files. Nothing is fetched from a network.

use crate::startup::AppState;
use std::collections::HashMap;
use tauri::http::{Request, Response, StatusCode};
use tokio::sync::Mutex;
use yitu_basemap::{Package, Registry, TileAddress};

/// Packages opened for serving, by id: opening one reads its header or metadata, which should
/// not happen for every tile.
#[derive(Default)]
pub struct Open {
    packages: Mutex<HashMap<String, Package>>,
}

impl Open {
    /// Forgets an opened package (it was removed or replaced).
    pub async fn forget(&self, id: &str) {
        if let Some(p) = self.packages.lock().await.remove(id) {
            p.close().await;
        }
    }

    async fn package(&self, state: &AppState, id: &str) -> Result<Package, String> {
        if let Some(p) = self.packages.lock().await.get(id) {
            return Ok(p.clone());
        }
        let registry = Registry::load(&state.data_dir).map_err(|e| e.to_string())?;
        let entry = registry
            .get(id)
            .ok_or_else(|| format!("no tile package {id}"))?;
        let package = entry.open().await.map_err(|e| e.to_string())?;
        self.packages
            .lock()
            .await
            .insert(id.to_owned(), package.clone());
        Ok(package)
    }
}

fn reply(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header("Content-Type", content_type)
        // MapLibre fetches tiles from the page's origin: allow it to read them.
        .header("Access-Control-Allow-Origin", "*")
        // A file replaced at the same path keeps its id: never reuse a cached tile.
        .header("Cache-Control", "no-cache")
        .body(body)
        .unwrap_or_default()
}

/// Answers one `yitu-tiles` request: the tile (gzip'd vector tiles decompressed here), 204
/// where the package has none (MapLibre draws nothing there), 400 for a path that is not a
/// tile's, 404 for an unknown package.
pub async fn serve(state: &AppState, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
    let address = match TileAddress::parse(request.uri().path()) {
        Ok(a) => a,
        Err(e) => return reply(StatusCode::BAD_REQUEST, "text/plain", e.to_string().into()),
    };
    let package = match state.basemaps.package(state, address.id.as_str()).await {
        Ok(p) => p,
        Err(e) => return reply(StatusCode::NOT_FOUND, "text/plain", e.into()),
    };
    match package.tile(address.z, address.x, address.y).await {
        Ok(Some(tile)) => match tile.decompressed() {
            Ok(tile) => reply(StatusCode::OK, tile.content_type, tile.bytes),
            Err(e) => {
                tracing::warn!(error = %e, "a gzip'd tile does not decompress");
                reply(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "text/plain",
                    format!("瓦片解压失败 / the tile does not decompress: {e}").into(),
                )
            }
        },
        Ok(None) => reply(StatusCode::NO_CONTENT, "text/plain", Vec::new()),
        Err(e) => {
            tracing::warn!(error = %e, "tile read failed");
            reply(
                StatusCode::INTERNAL_SERVER_ERROR,
                "text/plain",
                e.to_string().into(),
            )
        }
    }
}
