//! The `yitu-data` URI scheme: each resource layer's map features as GeoJSON text, fetched by
//! MapLibre's worker itself. The window's thread then neither carries the records through the
//! command channel nor builds or copies GeoJSON, which is what made 50,000 records slow to paint.

use crate::startup::AppState;
use tauri::http::{Request, Response, StatusCode};
use yitu_domain::Layer;

/// The scheme's name.
pub const SCHEME: &str = "yitu-data";

/// The features URL template (`{layer}` is a layer code), in this platform's form for custom
/// schemes.
pub fn url_template() -> String {
    crate::startup::scheme_url(SCHEME, "{layer}.geojson")
}

fn reply(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header("Content-Type", content_type)
        .header("Access-Control-Allow-Origin", "*")
        // Records change under the same URL (an edit, a sync): never answer from a cache.
        .header("Cache-Control", "no-store")
        .body(body)
        .unwrap_or_default()
}

fn text(status: StatusCode, message: String) -> Response<Vec<u8>> {
    reply(status, "text/plain; charset=utf-8", message.into_bytes())
}

/// Answers `/{layer}.geojson` (a query string, added to refetch, is ignored): 200 with the
/// layer's live records, 404 for a path that names no layer, 503 when the store is not open.
pub async fn serve(state: &AppState, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
    let path = request.uri().path().trim_start_matches('/');
    let Some(layer) = path
        .strip_suffix(".geojson")
        .and_then(|code| Layer::from_code(code).ok())
    else {
        return text(StatusCode::NOT_FOUND, format!("no layer at {path}"));
    };
    let store = match &state.store {
        Ok(s) => s,
        Err(e) => return text(StatusCode::SERVICE_UNAVAILABLE, e.clone()),
    };
    match store.resources(layer).await {
        Ok(records) => reply(
            StatusCode::OK,
            "application/geo+json",
            yitu_domain::map_feature::collection(&records).into_bytes(),
        ),
        Err(e) => {
            tracing::error!(error = %e, layer = layer.code(), "cannot read a layer for the map");
            text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
        }
    }
}
