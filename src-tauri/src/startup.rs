//! What happens before the window shows: where the data lives, opening the store, the demo
//! dataset on first start, and the webview environment.

use crate::sync::SyncLink;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use yitu_ipc::user::Actor;
use yitu_replica::Store;

/// What the commands share: the store, or why it could not be opened (shown in the window,
/// not swallowed: a duty officer must see that the data is missing and where it was looked for).
pub struct AppState {
    pub data_dir: PathBuf,
    pub store: Result<Store, String>,
    /// Who is logged in on this window (nobody at start: decisions need a login).
    pub user: Mutex<Option<Actor>>,
    /// The link to the district server (idle until this desktop is enrolled).
    pub sync: Arc<SyncLink>,
    /// An import previewed and waiting, and the progress of one being written.
    pub imports: crate::command::import::Imports,
    /// Tile packages opened to serve the base map.
    pub basemaps: crate::basemap::Open,
    /// What the map draws of each layer, clustered, for the `yitu-data` scheme.
    pub map: crate::features::MapIndexes,
}

impl AppState {
    fn new(data_dir: PathBuf, store: Result<Store, String>) -> Self {
        Self {
            data_dir,
            store,
            user: Mutex::new(None),
            sync: Arc::default(),
            imports: Default::default(),
            basemaps: Default::default(),
            map: Default::default(),
        }
    }

    /// The user logged in, if any.
    pub fn user(&self) -> Option<Actor> {
        self.user.lock().map(|u| u.clone()).unwrap_or(None)
    }
}

/// `--data-dir DIR` or `--data-dir=DIR` from the command line; `YITU_DATA_DIR` otherwise.
pub fn data_dir_from_args(args: impl Iterator<Item = String>) -> Option<PathBuf> {
    let mut args = args.peekable();
    while let Some(a) = args.next() {
        if a == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(v) = a.strip_prefix("--data-dir=") {
            return Some(PathBuf::from(v));
        }
    }
    std::env::var_os("YITU_DATA_DIR").map(PathBuf::from)
}

/// WebKitGTK's DMA-BUF renderer fails on many virtual machines and remote desktops, leaving
/// no WebGL and a blank map; the plain renderer works everywhere. A user's own setting wins.
pub fn prepare_webview_environment() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
}

/// Opens the store in the chosen folder (or the platform's: `<data dir>/<identifier>`, where
/// Tauri's `app_data_dir` is too), loading the demo on first start.
pub async fn open_store(data_dir: Option<PathBuf>) -> AppState {
    let Some(data_dir) = data_dir.or_else(yitu_replica::default_data_dir) else {
        return AppState::new(PathBuf::new(), Err("no platform data folder".into()));
    };
    tracing::info!(data_dir = %data_dir.display(), "opening the store");
    let store = match Store::open(&data_dir).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = ?e, "cannot open the store");
            return AppState::new(data_dir, Err(error_chain(&e)));
        }
    };
    match store.is_empty().await {
        Ok(true) => {
            if let Err(e) = store.seed_demo(yitu_domain::demo::DEFAULT_SEED).await {
                tracing::error!(error = ?e, "cannot load the demo dataset");
                return AppState::new(data_dir, Err(error_chain(&e)));
            }
            tracing::info!("first start: demo dataset loaded");
        }
        Ok(false) => {}
        Err(e) => return AppState::new(data_dir, Err(error_chain(&e))),
    }
    AppState::new(data_dir, Ok(store))
}

/// The error and its causes on one line, for the window.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// A URL on one of the app's own schemes, in this platform's form: WebView2 on Windows only
/// reaches custom schemes as `http://{scheme}.localhost/`, WebKit as `{scheme}://localhost/`.
pub fn scheme_url(scheme: &str, path: &str) -> String {
    if cfg!(windows) {
        format!("http://{scheme}.localhost/{path}")
    } else {
        format!("{scheme}://localhost/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_dir_is_read_from_either_argument_form() {
        let args = |v: &[&str]| {
            v.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .into_iter()
        };
        assert_eq!(
            data_dir_from_args(args(&["--data-dir", "/x"])),
            Some(PathBuf::from("/x"))
        );
        assert_eq!(
            data_dir_from_args(args(&["--foo", "--data-dir=/y"])),
            Some(PathBuf::from("/y"))
        );
    }
}
