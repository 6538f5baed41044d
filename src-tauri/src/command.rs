//! The commands the window calls. Each decodes its arguments, makes one store call and returns
//! either the value or a `CommandError` (a stable code and a message; details go to the log).

use crate::startup::{error_chain, AppState};
use serde::Serialize;
use tauri::State;
use yitu_domain::{demo, EntityId, Layer};
use yitu_replica::Store;

#[derive(Debug, Serialize)]
pub struct CommandError {
    code: &'static str,
    message: String,
}

impl From<yitu_replica::Error> for CommandError {
    fn from(e: yitu_replica::Error) -> Self {
        tracing::warn!(error = ?e, "command failed");
        Self {
            code: e.code(),
            message: error_chain(&e),
        }
    }
}

impl From<yitu_domain::Error> for CommandError {
    fn from(e: yitu_domain::Error) -> Self {
        Self {
            code: "invalid",
            message: e.to_string(),
        }
    }
}

type Reply<T> = Result<T, CommandError>;

fn store<'a>(state: &'a State<'_, AppState>) -> Reply<&'a Store> {
    state.store.as_ref().map_err(|e| CommandError {
        code: "store_unavailable",
        message: e.clone(),
    })
}

#[derive(Serialize)]
pub struct AppInfo {
    version: &'static str,
    data_dir: String,
    /// Why the store could not be opened, when it could not.
    store_error: Option<String>,
    demo: bool,
    demo_notice_zh: &'static str,
    demo_notice_en: &'static str,
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Reply<AppInfo> {
    let demo = match &state.store {
        Ok(s) => s.has_demo().await?,
        Err(_) => false,
    };
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        data_dir: state.data_dir.display().to_string(),
        store_error: state.store.as_ref().err().cloned(),
        demo,
        demo_notice_zh: demo::NOTICE_ZH,
        demo_notice_en: demo::NOTICE_EN,
    })
}

#[tauri::command]
pub async fn stats(state: State<'_, AppState>) -> Reply<yitu_replica::Stats> {
    Ok(store(&state)?.stats().await?)
}

/// Every live record of a layer; the window filters and draws them.
#[tauri::command]
pub async fn resources(
    state: State<'_, AppState>,
    layer: String,
) -> Reply<Vec<yitu_domain::resource::Resource>> {
    let layer = Layer::from_code(&layer)?;
    Ok(store(&state)?.resources(layer).await?)
}

#[tauri::command]
pub async fn resource(
    state: State<'_, AppState>,
    id: String,
) -> Reply<yitu_domain::resource::Resource> {
    Ok(store(&state)?.resource(EntityId::parse(&id)?).await?)
}

#[tauri::command]
pub async fn depot_stock(
    state: State<'_, AppState>,
    id: String,
) -> Reply<Vec<yitu_replica::stock::StockRow>> {
    Ok(store(&state)?.stock(EntityId::parse(&id)?).await?)
}

/// Records of any layer matching what the user typed.
#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    query: String,
) -> Reply<Vec<yitu_replica::search::Hit>> {
    Ok(store(&state)?.search(&query, 30).await?)
}

/// The dispatch briefing for a point picked on the map.
#[tauri::command]
pub async fn briefing(
    state: State<'_, AppState>,
    lon: f64,
    lat: f64,
    specialty: Option<String>,
) -> Reply<serde_json::Value> {
    let at = yitu_domain::district::District::hechuan().check_near(
        yitu_domain::LonLat::new(lon, lat)?,
        yitu_domain::district::WORKING_MARGIN_KM,
    )?;
    let specialty = specialty
        .filter(|s| !s.is_empty())
        .map(|s| yitu_domain::team::Specialty::from_code(&s))
        .transpose()?;
    Ok(store(&state)?.briefing(at, specialty).await?)
}

/// The shipped base-map layers, as GeoJSON text the map parses itself.
#[derive(Serialize)]
pub struct BaseMap {
    outline: &'static str,
    neighbours: &'static str,
    rivers: &'static str,
}

#[tauri::command]
pub fn base_map() -> BaseMap {
    BaseMap {
        outline: yitu_domain::district::OUTLINE_DETAILED_GEOJSON,
        neighbours: include_str!("../../assets/geo/hechuan_and_neighbours_districts_wgs84.geojson"),
        rivers: include_str!("../../assets/geo/hechuan_rivers_gshhg_wdbii_wgs84.geojson"),
    }
}
