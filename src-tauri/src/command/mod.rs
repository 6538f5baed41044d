//! The commands the window calls. Each decodes its arguments, makes one store call and returns
//! either the value or a `CommandError` (a stable code and a message; details go to the log).
//! Registries and analysis are here; incidents, decisions and local users in their modules.

pub mod basemap;
pub mod decision;
pub mod file;
pub mod import;
pub mod incident;
pub mod overlay;
pub mod sync;
pub mod user;

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

impl CommandError {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self {
            code: "invalid",
            message: message.into(),
        }
    }
}

pub(crate) type Reply<T> = Result<T, CommandError>;

pub(crate) fn store<'a>(state: &'a State<'_, AppState>) -> Reply<&'a Store> {
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

/// Every live record of a layer (the window filters, lists and searches them), as JSON bytes:
/// a byte reply reaches the window as one buffer the window decodes itself, where a value reply is parsed into script objects and written out
/// again first (seconds for the 50,000 records of the map benchmark).
#[tauri::command]
pub async fn resources(state: State<'_, AppState>, layer: String) -> Reply<tauri::ipc::Response> {
    let layer = Layer::from_code(&layer)?;
    let records = store(&state)?.resources(layer).await?;
    let bytes = serde_json::to_vec(&records).map_err(|e| CommandError {
        code: "encode",
        message: e.to_string(),
    })?;
    Ok(tauri::ipc::Response::new(bytes))
}

/// The map is to draw what these filters keep of the store as it is now: after a change of
/// filters, an edit or a sync. Returns the version the window's tile URLs are to name.
#[tauri::command]
pub fn map_filter(
    state: State<'_, AppState>,
    filter: yitu_domain::dispatch::filter::Filter,
) -> u64 {
    state.map.redraw(filter)
}

#[tauri::command]
pub async fn resource(
    state: State<'_, AppState>,
    id: String,
) -> Reply<yitu_domain::registries::resource::Resource> {
    Ok(store(&state)?.resource(EntityId::parse(&id)?).await?)
}

#[tauri::command]
pub async fn depot_stock(
    state: State<'_, AppState>,
    id: String,
) -> Reply<Vec<yitu_replica::stock::StockRow>> {
    Ok(store(&state)?
        .stock(EntityId::parse(&id)?, &today())
        .await?)
}

/// The depots that can still promise (on hand less reserved) at least `at_least` of the material
/// `code` (any GB/T 38565 level: the lines under it are summed), for the depot filter.
#[tauri::command]
pub async fn depots_holding(
    state: State<'_, AppState>,
    code: String,
    at_least: i64,
) -> Reply<Vec<String>> {
    let prefix = yitu_domain::stock::material::MaterialCode::parse(code.trim())?;
    let holdings = store(&state)?.holdings(&prefix).await?;
    Ok(holdings
        .into_iter()
        .filter(|(_, lines)| lines.iter().map(|l| l.available).sum::<i64>() >= at_least)
        .map(|(id, _)| id.to_string())
        .collect())
}

/// Today in Beijing, for expiry warnings.
pub(crate) fn today() -> String {
    yitu_domain::beijing_time::BeijingTime::from_unix_ms(now_ms()).date()
}

/// Every stock line that warns today, depot by depot (expired, expiring within 90 days,
/// below its minimum).
#[tauri::command]
pub async fn stock_warnings(
    state: State<'_, AppState>,
) -> Reply<Vec<yitu_replica::stock::LineWarning>> {
    Ok(store(&state)?.stock_warnings(&today()).await?)
}

/// Records of any layer matching what the user typed.
#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    query: String,
) -> Reply<Vec<yitu_replica::search::Hit>> {
    Ok(store(&state)?.search(&query, 30).await?)
}

/// The dispatch briefing for a point picked on the map: teams of a specialty, experts of a
/// field, depots with at least `min_quantity` of a material code (each optional).
#[tauri::command]
pub async fn briefing(
    state: State<'_, AppState>,
    lon: f64,
    lat: f64,
    specialty: Option<String>,
    field: Option<String>,
    material: Option<String>,
    min_quantity: Option<i64>,
) -> Reply<serde_json::Value> {
    use yitu_domain::{
        registries::expert::ExpertField, registries::team::Specialty, stock::material::MaterialCode,
    };
    let at = yitu_domain::space::district::District::hechuan().check_near(
        yitu_domain::LonLat::new(lon, lat)?,
        yitu_domain::space::district::WORKING_MARGIN_KM,
    )?;
    let given = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let material = match given(material) {
        Some(code) => {
            let min = min_quantity.unwrap_or(1);
            if min < 1 {
                return Err(CommandError {
                    code: "invalid",
                    message: format!("数量须至少为 1 / the quantity must be at least 1 ({min})"),
                });
            }
            Some((MaterialCode::parse(&code)?, min))
        }
        None => None,
    };
    let ask = yitu_replica::dispatch::BriefingAsk {
        specialty: given(specialty)
            .map(|s| Specialty::from_code(&s))
            .transpose()?,
        field: given(field)
            .map(|f| ExpertField::from_code(&f))
            .transpose()?,
        material,
    };
    Ok(store(&state)?.briefing(at, &ask).await?)
}

/// The shipped base-map layers, as GeoJSON text the map parses itself.
#[derive(Serialize)]
pub struct BaseMap {
    outline: &'static str,
    neighbours: &'static str,
    rivers: &'static str,
    /// Where MapLibre asks for label glyphs (the `yitu-glyphs` scheme).
    glyphs: String,
    /// Where MapLibre's worker fetches each layer's features (the `yitu-data` scheme).
    features: String,
}

#[tauri::command]
pub fn base_map() -> BaseMap {
    BaseMap {
        outline: yitu_domain::space::district::OUTLINE_DETAILED_GEOJSON,
        neighbours: include_str!(
            "../../../assets/geo/hechuan_and_neighbours_districts_wgs84.geojson"
        ),
        rivers: include_str!("../../../assets/geo/hechuan_rivers_gshhg_wdbii_wgs84.geojson"),
        glyphs: crate::glyphs::url_template(),
        features: crate::features::url_template(),
    }
}

/// The loaded road network (what it is and its lines as GeoJSON), or `null`.
#[tauri::command]
pub async fn roads(state: State<'_, AppState>) -> Reply<serde_json::Value> {
    let Some(roads) = store(&state)?.roads().await? else {
        return Ok(serde_json::Value::Null);
    };
    let features: Vec<serde_json::Value> = roads
        .lines
        .iter()
        .map(|l| {
            serde_json::json!({
                "type": "Feature",
                "properties": { "class": l.class, "speed_kmh": l.speed_kmh },
                "geometry": { "type": "LineString",
                    "coordinates": l.points.iter().map(|p| [p.lon, p.lat]).collect::<Vec<_>>() },
            })
        })
        .collect();
    Ok(serde_json::json!({
        "info": roads.info,
        "lines": { "type": "FeatureCollection", "features": features },
    }))
}

/// Loads a road network from GeoJSON text the user chose in the window; a bad file is refused
/// whole, with every problem listed, and the loaded network stays as it was.
#[tauri::command]
pub async fn load_roads(
    state: State<'_, AppState>,
    name: String,
    text: String,
    crs: String,
) -> Reply<yitu_replica::roads::RoadInfo> {
    let crs = yitu_domain::space::crs::Crs::from_code(&crs)?;
    let lines =
        yitu_domain::space::road::lines_from_geojson(&text, crs, None).map_err(|problems| {
            let listed: Vec<String> = problems
                .iter()
                .take(10)
                .map(|p| match p.feature {
                    0 => p.reason.clone(),
                    n => format!("要素 {n} / feature {n}: {}", p.reason),
                })
                .collect();
            CommandError {
                code: "invalid_roads",
                message: format!(
                    "{name}: {} 处问题，未加载 / {} problem(s), nothing loaded\n{}",
                    problems.len(),
                    problems.len(),
                    listed.join("\n")
                ),
            }
        })?;
    Ok(store(&state)?
        .load_roads(&name, crs, &lines, now_ms())
        .await?)
}

/// Towns a standby team of a specialty does not reach within `minutes` (by road where loaded).
#[tauri::command]
pub async fn coverage(
    state: State<'_, AppState>,
    specialty: Option<String>,
    minutes: f64,
) -> Reply<serde_json::Value> {
    if !(minutes.is_finite() && minutes > 0.0 && minutes <= 600.0) {
        return Err(CommandError {
            code: "invalid",
            message: format!("{minutes} 分钟不是有效时限 / not a valid time limit (1–600 min)"),
        });
    }
    let specialty = specialty
        .filter(|s| !s.is_empty())
        .map(|s| yitu_domain::registries::team::Specialty::from_code(&s))
        .transpose()?;
    Ok(store(&state)?
        .coverage(specialty, yitu_domain::dispatch::Limit::Minutes(minutes))
        .await?)
}

/// Hazards and shelters with free places inside an area drawn on the map.
#[tauri::command]
pub async fn inside(
    state: State<'_, AppState>,
    outline: Vec<[f64; 2]>,
) -> Reply<serde_json::Value> {
    let points: Vec<yitu_domain::LonLat> = outline
        .iter()
        .map(|[lon, lat]| yitu_domain::LonLat {
            lon: *lon,
            lat: *lat,
        })
        .collect();
    let area = yitu_domain::space::area::Area::new(&points).map_err(|e| CommandError {
        code: "invalid_area",
        message: e.to_string(),
    })?;
    Ok(store(&state)?.inside(&area).await?)
}

/// A record laid out as its import row, for the edit form: the kind, its Chinese headers and
/// the record's cells (the first is the id, which cannot be changed).
#[derive(Serialize)]
pub struct RecordForm {
    kind: &'static str,
    headers: Vec<String>,
    cells: Vec<String>,
}

#[tauri::command]
pub async fn record_form(state: State<'_, AppState>, id: String) -> Reply<RecordForm> {
    use yitu_domain::import::{edit, sheet};
    let record = store(&state)?.resource(EntityId::parse(&id)?).await?;
    let kind = edit::kind_of(&record);
    Ok(RecordForm {
        kind: kind.code(),
        headers: sheet::headers(kind),
        cells: sheet::resource_row(&record, &yitu_domain::registries::town::all()),
    })
}

/// Who is editing on this desktop: the user logged in, or else the operating system's user
/// (registry edits do not need a role; decisions do, and ask for a login).
pub(crate) fn actor(state: &AppState) -> String {
    if let Some(user) = state.user() {
        return user.name;
    }
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "desktop".into())
}

#[allow(clippy::disallowed_methods)] // the window's commands are the desktop's edge: each reads the clock once and passes it in
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Who changes what from this window, and when: one per change, lent to the store as its
/// change-log author.
pub(crate) struct Stamp {
    actor: String,
    at_ms: i64,
    ids: Box<dyn FnMut() -> EntityId + Send + Sync>,
}

impl Stamp {
    pub(crate) fn now(state: &AppState) -> Self {
        let at_ms = now_ms();
        Self {
            actor: actor(state),
            at_ms,
            ids: Box::new(yitu_replica::id_source(at_ms)),
        }
    }

    pub(crate) fn author<'a>(&'a mut self, source: &'a str) -> yitu_replica::Author<'a> {
        yitu_replica::Author {
            actor: &self.actor,
            at_ms: self.at_ms,
            source,
            new_id: &mut *self.ids,
        }
    }
}

/// Saves the fields the form changed (header, value), validated as an import row is; a refusal
/// lists every reason and writes nothing. Returns the record as saved.
#[tauri::command]
pub async fn update_record(
    state: State<'_, AppState>,
    id: String,
    sets: Vec<(String, String)>,
) -> Reply<yitu_domain::registries::resource::Resource> {
    let id = EntityId::parse(&id)?;
    let mut stamp = Stamp::now(&state);
    let author = stamp.author("窗口编辑 / window edit");
    let store = store(&state)?;
    store
        .update_record(id, &sets, yitu_domain::space::crs::Crs::Wgs84, author)
        .await?;
    Ok(store.resource(id).await?)
}

/// Retires a record, with the reason the user gave.
#[tauri::command]
pub async fn retire_record(state: State<'_, AppState>, id: String, reason: String) -> Reply<()> {
    if reason.trim().is_empty() {
        return Err(CommandError {
            code: "invalid",
            message: "请填写退役原因 / say why the record is retired".into(),
        });
    }
    let mut stamp = Stamp::now(&state);
    let author = stamp.author("窗口退役 / window retire");
    store(&state)?
        .retire_record(EntityId::parse(&id)?, reason.trim(), author)
        .await?;
    Ok(())
}

/// One change to a record, newest last.
#[derive(Serialize)]
pub struct Change {
    at_ms: i64,
    actor: String,
    action: String,
    diff: serde_json::Value,
}

#[tauri::command]
pub async fn history(state: State<'_, AppState>, id: String) -> Reply<Vec<Change>> {
    let rows = store(&state)?.history(EntityId::parse(&id)?).await?;
    Ok(rows
        .into_iter()
        .map(|(at_ms, actor, action, diff)| Change {
            at_ms,
            actor,
            action,
            diff,
        })
        .collect())
}

/// A material received into a depot for the first time: the line it opens.
#[derive(serde::Deserialize)]
pub struct NewLineArg {
    name: String,
    unit: String,
    expiry: Option<String>,
    minimum: Option<i64>,
}

/// A stock movement on a line of a depot (receive, issue, reserve, release, recount), checked
/// against the balance in its transaction: it never takes stock below zero. A receipt with
/// `newLine` opens a line for a material the depot did not hold (a full 7-digit code).
#[tauri::command]
pub async fn stock_move(
    state: State<'_, AppState>,
    depot: String,
    code: String,
    kind: String,
    quantity: i64,
    note: String,
    new_line: Option<NewLineArg>,
) -> Reply<yitu_domain::stock::Balance> {
    let kind = yitu_domain::stock::MoveKind::from_code(&kind)?;
    let code = yitu_domain::stock::material::MaterialCode::parse(code.trim())?;
    let new_line = match &new_line {
        Some(l) => {
            if code.as_str().len() != 7 {
                return Err(CommandError::invalid(format!(
                    "物资编码须为 7 位（GB/T 38565 细类）/ a stock line needs the full 7-digit code, not {code}"
                )));
            }
            if l.name.trim().is_empty() || l.unit.trim().is_empty() {
                return Err(CommandError::invalid(
                    "请填写物资名称和单位 / give the material's name and unit",
                ));
            }
            Some(yitu_replica::movement::NewLine {
                name: l.name.trim(),
                unit: l.unit.trim(),
                terms: yitu_domain::stock::Terms {
                    expiry: l.expiry.clone().filter(|e| !e.trim().is_empty()),
                    minimum: l.minimum,
                },
            })
        }
        None => None,
    };
    let mut stamp = Stamp::now(&state);
    let author = stamp.author("窗口库存 / window stock");
    let balance = store(&state)?
        .move_stock(
            EntityId::parse(&depot)?,
            &code,
            kind,
            quantity,
            note.trim(),
            new_line,
            author,
        )
        .await?;
    Ok(balance)
}

/// Sets a stock line's expiry and minimum (either may be cleared).
#[tauri::command]
pub async fn stock_terms(
    state: State<'_, AppState>,
    depot: String,
    code: String,
    expiry: Option<String>,
    minimum: Option<i64>,
) -> Reply<()> {
    let code = yitu_domain::stock::material::MaterialCode::parse(&code)?;
    let terms = yitu_domain::stock::Terms {
        expiry: expiry.filter(|e| !e.trim().is_empty()),
        minimum,
    };
    let mut stamp = Stamp::now(&state);
    let author = stamp.author("窗口库存 / window stock");
    store(&state)?
        .set_stock_terms(EntityId::parse(&depot)?, &code, terms, author)
        .await?;
    Ok(())
}

/// Creates a record of `kind` from the cells of its form (the import headers of the kind, the
/// id left empty), validated as an import row; refused with every reason, nothing written.
#[tauri::command]
pub async fn create_record(
    state: State<'_, AppState>,
    kind: String,
    cells: Vec<String>,
) -> Reply<yitu_domain::registries::resource::Resource> {
    let kind = yitu_domain::import::ImportKind::from_code(&kind)?;
    let mut stamp = Stamp::now(&state);
    let author = stamp.author("窗口新建 / window create");
    let record = store(&state)?
        .create_record(kind, &cells, yitu_domain::space::crs::Crs::Wgs84, author)
        .await?;
    Ok(record)
}

/// People the district's and each town's relocation reserve can support, with the default
/// per-person quantities (README), against the plan's ≥ 5,000 and ≥ 200.
#[tauri::command]
pub async fn readiness(
    state: State<'_, AppState>,
) -> Reply<yitu_domain::dispatch::readiness::Readiness> {
    Ok(store(&state)?
        .readiness(&yitu_domain::dispatch::readiness::default_per_person())
        .await?)
}
