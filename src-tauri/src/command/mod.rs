//! The commands the window calls, one per `yitu_ipc::call` type: each takes its arguments as
//! that type ([`Args`]), makes one store call and answers the type's reply or a
//! [`CommandError`] (a stable code and a message; details go to the log). Registries and
//! analysis are here; incidents, decisions, imports, sync, base maps, overlays and local users
//! in their modules.

pub mod basemap;
pub mod decision;
mod failure;
pub mod file;
pub mod import;
pub mod incident;
pub mod monitoring;
pub mod overlay;
pub mod sync;
#[cfg(test)]
mod tests;
pub mod user;

pub use failure::CommandError;

use crate::startup::AppState;
use tauri::ipc::{CommandArg, CommandItem, InvokeBody, InvokeError};
use tauri::State;
use yitu_domain::{demo, EntityId};
use yitu_ipc::call;
use yitu_ipc::{Command, ErrorCode};
use yitu_replica::Store;

/// A command's arguments: the whole invoke arguments object decoded as the command's
/// `yitu_ipc::call` type. Arguments that do not decode answer `bad_request` in the contract's
/// `{code, message}` shape (Tauri's own decoding would answer a bare string).
pub struct Args<C>(pub C);

impl<'de, C: Command, R: tauri::Runtime> CommandArg<'de, R> for Args<C> {
    fn from_command(item: CommandItem<'de, R>) -> Result<Self, InvokeError> {
        let decoded = match item.message.payload() {
            InvokeBody::Json(value) => C::deserialize(value).map_err(|e| e.to_string()),
            InvokeBody::Raw(_) => Err("bytes where JSON arguments were expected".to_owned()),
        };
        decoded.map(Args).map_err(|detail| {
            tracing::warn!(command = C::NAME, %detail, "arguments do not decode");
            InvokeError::from(CommandError::new(
                ErrorCode::BadRequest,
                format!(
                    "窗口发来的参数无法解读 / the window's arguments to {} do not decode: {detail}",
                    C::NAME
                ),
            ))
        })
    }
}

/// What the command of type `C` answers.
pub(crate) type Answer<C> = Result<<C as Command>::Reply, CommandError>;

pub(crate) fn store<'a>(state: &'a State<'_, AppState>) -> Result<&'a Store, CommandError> {
    state
        .store
        .as_ref()
        .map_err(|e| CommandError::new(ErrorCode::StoreUnavailable, e.clone()))
}

/// Parses an id the window sent.
pub(crate) fn id(text: &str) -> Result<EntityId, CommandError> {
    Ok(EntityId::parse(text)?)
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>, _: Args<call::AppInfo>) -> Answer<call::AppInfo> {
    let demo = match &state.store {
        Ok(s) => s.has_demo().await?,
        Err(_) => false,
    };
    Ok(yitu_ipc::app::About {
        version: env!("CARGO_PKG_VERSION").into(),
        data_dir: state.data_dir.display().to_string(),
        store_error: state.store.as_ref().err().cloned(),
        demo,
        demo_notice_zh: demo::NOTICE_ZH.into(),
        demo_notice_en: demo::NOTICE_EN.into(),
    })
}

#[tauri::command]
pub async fn stats(state: State<'_, AppState>, _: Args<call::Stats>) -> Answer<call::Stats> {
    Ok(store(&state)?.stats().await?)
}

/// The reply of a [`Command::BYTES`] command: its JSON as one buffer.
fn bytes<C: Command>(reply: &C::Reply) -> Result<tauri::ipc::Response, CommandError> {
    debug_assert!(C::BYTES, "{} answers a value, not bytes", C::NAME);
    serde_json::to_vec(reply)
        .map(tauri::ipc::Response::new)
        .map_err(|e| CommandError::internal("无法编码答复", "the reply cannot be encoded", &e))
}

/// Every live record of a layer (the window filters, lists and searches them), as JSON bytes:
/// a byte reply reaches the window as one buffer the window decodes itself, where a value reply
/// is parsed into script objects and written out again first (seconds for the 50,000 records
/// of the map benchmark).
#[tauri::command]
pub async fn resources(
    state: State<'_, AppState>,
    Args(ask): Args<call::Resources>,
) -> Result<tauri::ipc::Response, CommandError> {
    let records = store(&state)?.resources(ask.layer).await?;
    bytes::<call::Resources>(&records)
}

/// The map is to draw what these filters keep of the store as it is now: after a change of
/// filters, an edit or a sync. Returns the version the window's tile URLs are to name.
#[tauri::command]
pub fn map_filter(
    state: State<'_, AppState>,
    Args(ask): Args<call::MapFilter>,
) -> Answer<call::MapFilter> {
    Ok(state.map.redraw(ask.filter))
}

#[tauri::command]
pub async fn resource(
    state: State<'_, AppState>,
    Args(ask): Args<call::Resource>,
) -> Answer<call::Resource> {
    Ok(store(&state)?.resource(id(&ask.id)?).await?)
}

#[tauri::command]
pub async fn depot_stock(
    state: State<'_, AppState>,
    Args(ask): Args<call::DepotStock>,
) -> Answer<call::DepotStock> {
    Ok(store(&state)?.stock(id(&ask.id)?, &today()).await?)
}

/// The depots that can still promise (on hand less reserved) at least `at_least` of the material
/// `code` (any GB/T 38565 level: the lines under it are summed), for the depot filter.
#[tauri::command]
pub async fn depots_holding(
    state: State<'_, AppState>,
    Args(ask): Args<call::DepotsHolding>,
) -> Answer<call::DepotsHolding> {
    let prefix = yitu_domain::stock::material::MaterialCode::parse(ask.code.trim())?;
    let holdings = store(&state)?.holdings(&prefix).await?;
    Ok(holdings
        .into_iter()
        .filter(|(_, lines)| lines.iter().map(|l| l.available).sum::<i64>() >= ask.at_least)
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
    _: Args<call::StockWarnings>,
) -> Answer<call::StockWarnings> {
    Ok(store(&state)?.stock_warnings(&today()).await?)
}

/// Records of any layer matching what the user typed.
#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    Args(ask): Args<call::Search>,
) -> Answer<call::Search> {
    Ok(store(&state)?.search(&ask.query, 30).await?)
}

/// The dispatch briefing for a point picked on the map: teams of a specialty, experts of a
/// field, depots with at least `min_quantity` of a material code (each optional).
#[tauri::command]
pub async fn briefing(
    state: State<'_, AppState>,
    Args(ask): Args<call::Briefing>,
) -> Answer<call::Briefing> {
    use yitu_domain::stock::material::MaterialCode;
    let at = yitu_domain::space::district::District::hechuan().check_near(
        yitu_domain::LonLat::new(ask.lon, ask.lat)?,
        yitu_domain::space::district::WORKING_MARGIN_KM,
    )?;
    let material = match ask
        .material
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(code) => {
            let min = ask.min_quantity.unwrap_or(1);
            if min < 1 {
                return Err(CommandError::invalid(format!(
                    "数量须至少为 1 / the quantity must be at least 1 ({min})"
                )));
            }
            Some((MaterialCode::parse(code)?, min))
        }
        None => None,
    };
    let ask = yitu_replica::dispatch::BriefingAsk {
        specialty: ask.specialty,
        field: ask.field,
        material,
    };
    Ok(store(&state)?.briefing(at, &ask).await?)
}

#[tauri::command]
pub fn base_map(_: Args<call::BaseMap>) -> Answer<call::BaseMap> {
    Ok(yitu_ipc::app::BaseMap {
        outline: yitu_domain::space::district::OUTLINE_DETAILED_GEOJSON.into(),
        neighbours: include_str!(
            "../../../assets/geo/hechuan_and_neighbours_districts_wgs84.geojson"
        )
        .into(),
        rivers: include_str!("../../../assets/geo/hechuan_rivers_gshhg_wdbii_wgs84.geojson").into(),
        glyphs: crate::glyphs::url_template(),
        features: crate::features::url_template(),
    })
}

/// The loaded road network (what it is and its lines as GeoJSON), or none.
#[tauri::command]
pub async fn roads(state: State<'_, AppState>, _: Args<call::Roads>) -> Answer<call::Roads> {
    use yitu_ipc::dispatch::{LineString, RoadFeature, RoadLines, RoadProperties, Roads};
    let Some(roads) = store(&state)?.roads().await? else {
        return Ok(None);
    };
    let features = roads
        .lines
        .iter()
        .map(|l| RoadFeature {
            properties: RoadProperties {
                class: l.class.clone(),
                speed_kmh: l.speed_kmh,
            },
            geometry: LineString {
                coordinates: l.points.iter().map(|p| [p.lon, p.lat]).collect(),
            },
        })
        .collect();
    Ok(Some(Roads {
        info: roads.info,
        lines: RoadLines { features },
    }))
}

/// Loads a road network from GeoJSON text the user chose in the window; a bad file is refused
/// whole, with every problem listed, and the loaded network stays as it was.
#[tauri::command]
pub async fn load_roads(
    state: State<'_, AppState>,
    Args(ask): Args<call::LoadRoads>,
) -> Answer<call::LoadRoads> {
    let name = &ask.name;
    let lines = yitu_domain::space::road::lines_from_geojson(&ask.text, ask.crs, None).map_err(
        |problems| {
            let listed: Vec<String> = problems
                .iter()
                .take(10)
                .map(|p| match p.feature {
                    0 => p.reason.clone(),
                    n => format!("要素 {n} / feature {n}: {}", p.reason),
                })
                .collect();
            CommandError::invalid(format!(
                "{name}: {} 处问题，未加载 / {} problem(s), nothing loaded\n{}",
                problems.len(),
                problems.len(),
                listed.join("\n")
            ))
        },
    )?;
    Ok(store(&state)?
        .load_roads(name, ask.crs, &lines, now_ms())
        .await?)
}

/// Towns a standby team of a specialty does not reach within `minutes` (by road where loaded).
#[tauri::command]
pub async fn coverage(
    state: State<'_, AppState>,
    Args(ask): Args<call::Coverage>,
) -> Answer<call::Coverage> {
    let minutes = ask.minutes;
    if !(minutes.is_finite() && minutes > 0.0 && minutes <= 600.0) {
        return Err(CommandError::invalid(format!(
            "{minutes} 分钟不是有效时限 / not a valid time limit (1–600 min)"
        )));
    }
    Ok(store(&state)?
        .coverage(
            ask.specialty,
            yitu_domain::dispatch::Limit::Minutes(minutes),
        )
        .await?)
}

/// Hazards and shelters with free places inside an area drawn on the map.
#[tauri::command]
pub async fn inside(
    state: State<'_, AppState>,
    Args(ask): Args<call::Inside>,
) -> Answer<call::Inside> {
    let points: Vec<yitu_domain::LonLat> = ask
        .outline
        .iter()
        .map(|[lon, lat]| yitu_domain::LonLat {
            lon: *lon,
            lat: *lat,
        })
        .collect();
    let area = yitu_domain::space::area::Area::new(&points)
        .map_err(|e| CommandError::invalid(e.to_string()))?;
    Ok(store(&state)?.inside(&area).await?)
}

/// A record laid out as its import row, for the edit form: the kind, its Chinese headers and
/// the record's cells (the first is the id, which cannot be changed).
#[tauri::command]
pub async fn record_form(
    state: State<'_, AppState>,
    Args(ask): Args<call::RecordForm>,
) -> Answer<call::RecordForm> {
    use yitu_domain::import::{edit, sheet};
    let record = store(&state)?.resource(id(&ask.id)?).await?;
    let kind = edit::kind_of(&record);
    Ok(yitu_ipc::registry::RecordForm {
        kind,
        headers: sheet::headers(kind),
        cells: sheet::resource_row(&record, &yitu_domain::registries::town::all()),
    })
}

#[allow(clippy::disallowed_methods)] // the window's commands are the desktop's edge: each reads the clock once and passes it in
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Who changes what from this window, and when: one per change, lent to the store as its
/// author. Always the user logged in: a write with nobody logged in is refused
/// (`ErrorCode::Login`), as decisions are, so every change names a person.
pub(crate) struct Stamp {
    actor: String,
    at_ms: i64,
    ids: Box<dyn FnMut() -> EntityId + Send + Sync>,
}

impl Stamp {
    pub(crate) fn now(state: &AppState) -> Result<Self, CommandError> {
        let actor = user::acting(state)?.name;
        let at_ms = now_ms();
        Ok(Self {
            actor,
            at_ms,
            ids: Box::new(yitu_replica::id_source(at_ms)),
        })
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
    Args(ask): Args<call::UpdateRecord>,
) -> Answer<call::UpdateRecord> {
    let id = id(&ask.id)?;
    let mut stamp = Stamp::now(&state)?;
    let author = stamp.author("窗口编辑 / window edit");
    let store = store(&state)?;
    store
        .update_record(id, &ask.sets, yitu_domain::space::crs::Crs::Wgs84, author)
        .await?;
    Ok(store.resource(id).await?)
}

/// Retires a record, with the reason the user gave.
#[tauri::command]
pub async fn retire_record(
    state: State<'_, AppState>,
    Args(ask): Args<call::RetireRecord>,
) -> Answer<call::RetireRecord> {
    if ask.reason.trim().is_empty() {
        return Err(CommandError::invalid(
            "请填写退役原因 / say why the record is retired",
        ));
    }
    let mut stamp = Stamp::now(&state)?;
    let author = stamp.author("窗口退役 / window retire");
    store(&state)?
        .retire_record(id(&ask.id)?, ask.reason.trim(), author)
        .await?;
    Ok(())
}

#[tauri::command]
pub async fn history(
    state: State<'_, AppState>,
    Args(ask): Args<call::History>,
) -> Answer<call::History> {
    let rows = store(&state)?.history(id(&ask.id)?).await?;
    Ok(rows
        .into_iter()
        .map(|(at_ms, actor, action, diff)| yitu_ipc::registry::Change {
            at_ms,
            actor,
            action,
            diff,
        })
        .collect())
}

/// A stock movement on a line of a depot (receive, issue, reserve, release, recount), checked
/// against the balance in its transaction: it never takes stock below zero. A receipt with
/// `newLine` opens a line for a material the depot did not hold (a full 7-digit code).
#[tauri::command]
pub async fn stock_move(
    state: State<'_, AppState>,
    Args(ask): Args<call::StockMove>,
) -> Answer<call::StockMove> {
    let code = yitu_domain::stock::material::MaterialCode::parse(ask.code.trim())?;
    let new_line = match &ask.new_line {
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
    let mut stamp = Stamp::now(&state)?;
    let author = stamp.author("窗口库存 / window stock");
    let balance = store(&state)?
        .move_stock(
            id(&ask.depot)?,
            &code,
            ask.kind,
            ask.quantity,
            ask.note.trim(),
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
    Args(ask): Args<call::StockTerms>,
) -> Answer<call::StockTerms> {
    let code = yitu_domain::stock::material::MaterialCode::parse(&ask.code)?;
    let terms = yitu_domain::stock::Terms {
        expiry: ask.expiry.filter(|e| !e.trim().is_empty()),
        minimum: ask.minimum,
    };
    let mut stamp = Stamp::now(&state)?;
    let author = stamp.author("窗口库存 / window stock");
    store(&state)?
        .set_stock_terms(id(&ask.depot)?, &code, terms, author)
        .await?;
    Ok(())
}

/// Creates a record of `kind` from the cells of its form (the import headers of the kind, the
/// id left empty), validated as an import row; refused with every reason, nothing written.
#[tauri::command]
pub async fn create_record(
    state: State<'_, AppState>,
    Args(ask): Args<call::CreateRecord>,
) -> Answer<call::CreateRecord> {
    let mut stamp = Stamp::now(&state)?;
    let author = stamp.author("窗口新建 / window create");
    let record = store(&state)?
        .create_record(
            ask.kind,
            &ask.cells,
            yitu_domain::space::crs::Crs::Wgs84,
            author,
        )
        .await?;
    Ok(record)
}

/// People the district's and each town's relocation reserve can support, with the default
/// per-person quantities (README), against the plan's ≥ 5,000 and ≥ 200.
#[tauri::command]
pub async fn readiness(
    state: State<'_, AppState>,
    _: Args<call::Readiness>,
) -> Answer<call::Readiness> {
    Ok(store(&state)?
        .readiness(&yitu_domain::dispatch::readiness::default_per_person())
        .await?)
}
