//! The `yitu-data` URI scheme: each resource layer's symbols as clustered vector tiles, cut from
//! an index the shell keeps per layer for what the window's filters leave. MapLibre's worker
//! then decodes the few small tiles in view instead of parsing and clustering every record,
//! which kept 50,000 records from the screen for seconds.

use crate::startup::AppState;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tauri::http::{Request, Response, StatusCode};
use tokio::sync::OnceCell;
use yitu_domain::dispatch::filter::Filter;
use yitu_domain::map::cluster::ClusterIndex;
use yitu_domain::map::feature::MapFeature;
use yitu_domain::Layer;
use yitu_replica::Store;

/// The scheme's name.
pub const SCHEME: &str = "yitu-data";

/// The tile URL template (`{layer}` is a layer code; `{z}/{x}/{y}` as MapLibre fills them), in
/// this platform's form for custom schemes.
pub fn url_template() -> String {
    crate::startup::scheme_url(SCHEME, "{layer}/{z}/{x}/{y}.pbf")
}

type Built = OnceCell<Result<Arc<ClusterIndex>, String>>;

/// What the map draws: the window's filters, numbered by a version its tile URLs carry, and
/// each layer's index for them, built once on first ask (or ahead, at start).
#[derive(Default, Clone)]
pub struct MapIndexes {
    inner: Arc<Mutex<Current>>,
}

#[derive(Default)]
struct Current {
    version: u64,
    /// Shared, not copied, with each index being built: a holding filter names every depot.
    filter: Arc<Filter>,
    layers: HashMap<Layer, Arc<Built>>,
}

impl MapIndexes {
    /// The map is to draw what `filter` keeps of the store as it is now (after an edit, a sync
    /// or a change of filters). Returns the version the window's new tile URLs name, so no
    /// tile of the old drawing is taken from a cache for the new one.
    pub fn redraw(&self, filter: Filter) -> u64 {
        let mut current = self.lock();
        current.version += 1;
        current.filter = Arc::new(filter);
        current.layers.clear();
        current.version
    }

    /// The window starts again with no filters (a reload): the map must draw every record too.
    /// Indexes already built for no filter are kept.
    pub fn unfiltered(&self) {
        if *self.lock().filter != Filter::default() {
            self.redraw(Filter::default());
        }
    }

    /// Builds every layer's index now, in the background: at start, while the window is still
    /// loading its style, so the first tiles are cut from a ready index.
    pub fn warm(&self, store: &Store) {
        for &layer in Layer::ALL {
            let (me, store) = (self.clone(), store.clone());
            tauri::async_runtime::spawn(async move {
                if let Err(e) = me.index(&store, layer).await {
                    tracing::error!(error = %e, layer = layer.code(), "cannot index a layer for the map");
                }
            });
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Current> {
        // A panic while holding the lock leaves plain data behind: carry on with it.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn index(&self, store: &Store, layer: Layer) -> Result<Arc<ClusterIndex>, String> {
        let (built, filter) = {
            let mut current = self.lock();
            let built = current.layers.entry(layer).or_default().clone();
            (built, current.filter.clone())
        };
        built
            .get_or_init(|| async move {
                let records = store.resources(layer).await.map_err(|e| e.to_string())?;
                let started = std::time::Instant::now();
                let features: Vec<MapFeature> = records
                    .iter()
                    .filter(|r| filter.keeps(r))
                    .map(MapFeature::of)
                    .collect();
                let index = tauri::async_runtime::spawn_blocking(move || {
                    ClusterIndex::new(layer.code(), features)
                })
                .await
                .map_err(|e| e.to_string())?;
                tracing::debug!(
                    layer = layer.code(),
                    records = index.len(),
                    ms = started.elapsed().as_millis(),
                    "map index built"
                );
                Ok(Arc::new(index))
            })
            .await
            .clone()
    }
}

fn reply(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header("Content-Type", content_type)
        .header("Access-Control-Allow-Origin", "*")
        // The version in the URL names the drawing; the store behind it is read live.
        .header("Cache-Control", "no-store")
        .body(body)
        .unwrap_or_default()
}

fn text(status: StatusCode, message: String) -> Response<Vec<u8>> {
    reply(status, "text/plain; charset=utf-8", message.into_bytes())
}

/// A tile's zoom, column and row.
type TileId = (u8, u32, u32);

/// A tile path, `{layer}/{z}/{x}/{y}.pbf`, read: the layer code and, when the numbers are
/// numbers, the tile; `None` when it is no tile path at all.
fn tile_path(path: &str) -> Option<(&str, Option<TileId>)> {
    let (layer, rest) = path.split_once('/')?;
    let mut parts = rest.strip_suffix(".pbf")?.split('/');
    let numbers = (|| {
        let z = parts.next()?.parse().ok()?;
        let x = parts.next()?.parse().ok()?;
        let y = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some((z, x, y))
    })();
    Some((layer, numbers))
}

/// Answers `/{layer}/{z}/{x}/{y}.pbf` (a `?v=` query names the drawing): 200 with the tile
/// (empty where the layer has nothing), 404 for a path that names no layer or tile, 400 for a
/// tile outside the world or deeper than the index, 503 when the store is not open.
pub async fn serve(state: &AppState, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
    let path = request.uri().path().trim_start_matches('/');
    let Some((code, numbers)) = tile_path(path) else {
        return text(StatusCode::NOT_FOUND, format!("no tile at {path}"));
    };
    let Ok(layer) = Layer::from_code(code) else {
        return text(StatusCode::NOT_FOUND, format!("no layer {code}"));
    };
    let Some((z, x, y)) = numbers else {
        return text(StatusCode::NOT_FOUND, format!("no tile at {path}"));
    };
    let store = match &state.store {
        Ok(s) => s,
        Err(e) => return text(StatusCode::SERVICE_UNAVAILABLE, e.clone()),
    };
    let asked = std::time::Instant::now();
    let index = match state.map.index(store, layer).await {
        Ok(index) => index,
        Err(e) => {
            tracing::error!(error = %e, layer = layer.code(), "cannot read a layer for the map");
            return text(StatusCode::INTERNAL_SERVER_ERROR, e);
        }
    };
    match index.tile(z, x, y) {
        Ok(bytes) => {
            tracing::trace!(
                path,
                waited_ms = asked.elapsed().as_millis(),
                bytes = bytes.len(),
                "tile"
            );
            reply(StatusCode::OK, "application/x-protobuf", bytes)
        }
        Err(e) => text(StatusCode::BAD_REQUEST, e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_draws_what_the_filters_keep_and_a_reloaded_window_everything() {
        tauri::async_runtime::block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(dir.path()).await.unwrap();
            store
                .seed_demo(yitu_domain::demo::DEFAULT_SEED)
                .await
                .unwrap();
            let shelters = store.resources(Layer::Shelters).await.unwrap();
            let town = shelters[0].town_code().to_owned();
            let in_town = shelters.iter().filter(|r| r.town_code() == town).count();
            assert!(
                in_town < shelters.len(),
                "the demo spreads shelters over towns"
            );

            let map = MapIndexes::default();
            let drawn = |map: MapIndexes| {
                let store = store.clone();
                async move { map.index(&store, Layer::Shelters).await.unwrap().len() }
            };
            assert_eq!(drawn(map.clone()).await, shelters.len());
            let version = map.redraw(Filter {
                town: Some(town),
                ..Filter::default()
            });
            assert_eq!(version, 1);
            assert_eq!(drawn(map.clone()).await, in_town);
            // A reload of the window starts it with no filters: the map follows.
            map.unfiltered();
            assert_eq!(drawn(map.clone()).await, shelters.len());
            // With no filter set there is nothing to undo: the built index is kept.
            let before = map.index(&store, Layer::Shelters).await.unwrap();
            map.unfiltered();
            let after = map.index(&store, Layer::Shelters).await.unwrap();
            assert!(Arc::ptr_eq(&before, &after));
        });
    }

    #[test]
    fn tile_paths_are_read_and_anything_else_is_not_a_tile() {
        assert_eq!(
            tile_path("teams/9/420/213.pbf"),
            Some(("teams", Some((9, 420, 213))))
        );
        assert_eq!(tile_path("teams/9/x/213.pbf"), Some(("teams", None)));
        assert_eq!(tile_path("teams/9/1/2/3.pbf"), Some(("teams", None)));
        assert_eq!(
            tile_path("teams/300/1/2.pbf"),
            Some(("teams", None)),
            "zoom > 255"
        );
        assert_eq!(tile_path("teams.geojson"), None);
        assert_eq!(tile_path("teams/1/2/3.png"), None);
    }
}
