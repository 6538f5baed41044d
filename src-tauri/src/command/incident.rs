//! Incidents from the window: recorded on the map (a point, optionally an area drawn), their
//! log (续报), and the incident briefing printout.

use super::user::acting;
use super::{now_ms, store, CommandError, Reply};
use crate::startup::AppState;
use serde::{Deserialize, Serialize};
use tauri::State;
use yitu_domain::command::decision::Decision;
use yitu_domain::command::incident::{
    Incident, IncidentCategory, IncidentKind, IncidentLevel, IncidentStatus, LogEntry, Toll,
};
use yitu_domain::space::area::Area;
use yitu_domain::{EntityId, LonLat};

#[tauri::command]
pub async fn incidents(state: State<'_, AppState>) -> Reply<Vec<Incident>> {
    Ok(store(&state)?.incidents().await?)
}

/// What the incident form sends.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewIncident {
    kind: String,
    level: String,
    #[serde(default)]
    title: String,
    /// When it happened (Unix ms); now when not given.
    at_ms: Option<i64>,
    point: [f64; 2],
    /// The affected area's corners as drawn, when drawn.
    area: Option<Vec<[f64; 2]>>,
    #[serde(default)]
    toll: Toll,
}

#[tauri::command]
pub async fn create_incident(state: State<'_, AppState>, new: NewIncident) -> Reply<Incident> {
    let actor = acting(&state)?;
    let kind = IncidentKind::from_code(&new.kind)?;
    let level = IncidentLevel::from_code(&new.level)?;
    let area = match &new.area {
        Some(corners) => {
            let outline: Vec<LonLat> = corners
                .iter()
                .map(|[lon, lat]| LonLat::new(*lon, *lat))
                .collect::<Result<_, _>>()?;
            Some(
                Area::new(&outline)
                    .map_err(|e| CommandError::invalid(format!("影响范围 / affected area: {e}")))?
                    .to_geojson(),
            )
        }
        None => None,
    };
    let at_ms = now_ms();
    let title = new.title.trim();
    let incident = Incident {
        id: yitu_replica::id_source(at_ms)(),
        title: if title.is_empty() {
            Incident::default_title(kind)
        } else {
            title.to_owned()
        },
        kind,
        level,
        status: IncidentStatus::Responding,
        at_ms: new.at_ms.unwrap_or(at_ms),
        point: LonLat::new(new.point[0], new.point[1])?,
        area,
        toll: new.toll,
        created_by: actor.name.clone(),
    };
    store(&state)?
        .create_incident(&actor, &incident, at_ms)
        .await?;
    Ok(incident)
}

/// An incident with its category, log and decisions, as its panel shows it.
#[derive(Serialize)]
pub struct IncidentFile {
    incident: Incident,
    category: IncidentCategory,
    log: Vec<LogEntry>,
    decisions: Vec<Decision>,
}

#[tauri::command]
pub async fn incident(state: State<'_, AppState>, id: String) -> Reply<IncidentFile> {
    let id = EntityId::parse(&id)?;
    let store = store(&state)?;
    let incident = store.incident(id).await?;
    Ok(IncidentFile {
        category: incident.kind.category(),
        incident,
        log: store.incident_log(id).await?,
        decisions: store.decisions_of(id).await?,
    })
}

/// A 续报: what became known, optionally with the toll as now reported.
#[tauri::command]
pub async fn add_log(
    state: State<'_, AppState>,
    id: String,
    text: String,
    toll: Option<Toll>,
) -> Reply<LogEntry> {
    let actor = acting(&state)?;
    if text.trim().is_empty() {
        return Err(CommandError::invalid(
            "请填写续报内容 / write what is known",
        ));
    }
    let at_ms = now_ms();
    let entry = LogEntry {
        id: yitu_replica::id_source(at_ms)(),
        incident_id: EntityId::parse(&id)?,
        at_ms,
        author: actor.name.clone(),
        text: text.trim().to_owned(),
        toll,
    };
    store(&state)?.add_log(&actor, &entry, at_ms).await?;
    Ok(entry)
}

/// Where a printout was written.
#[derive(Serialize)]
pub struct Printout {
    path: String,
    bytes: usize,
}

/// Writes a printout into the data folder's `printouts/`, where the user can open or send it.
pub(crate) fn save_printout(state: &AppState, name: &str, bytes: &[u8]) -> Reply<Printout> {
    let dir = state.data_dir.join("printouts");
    let path = dir.join(format!("{name}.pdf"));
    std::fs::create_dir_all(&dir)
        .and_then(|_| std::fs::write(&path, bytes))
        .map_err(|e| CommandError {
            code: "io",
            message: format!("无法写入 / cannot write {}: {e}", path.display()),
        })?;
    Ok(Printout {
        path: path.display().to_string(),
        bytes: bytes.len(),
    })
}

/// The incident briefing (事件态势简报) as a PDF in the data folder.
#[tauri::command]
pub async fn incident_briefing_pdf(state: State<'_, AppState>, id: String) -> Reply<Printout> {
    let id = EntityId::parse(&id)?;
    let by = state.user().map(|u| u.name).unwrap_or_default();
    let fonts = yitu_replica::printout::Fonts::debian()?;
    let bytes = store(&state)?
        .incident_briefing_pdf(id, &by, &fonts, now_ms())
        .await?;
    save_printout(
        &state,
        &format!("事件态势简报-{}", &id.to_string()[..8]),
        &bytes,
    )
}
