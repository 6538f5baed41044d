//! Monitoring from the window: the stations and the alarm board, a station's readings for its
//! chart, what a duty officer did about an alarm; warnings issued, lifted, written as CAP and
//! taken in.

use super::user::acting;
use super::{now_ms, store, Answer, Args, CommandError};
use crate::startup::AppState;
use tauri::State;
use yitu_ipc::call;

#[tauri::command]
pub async fn monitoring(
    state: State<'_, AppState>,
    _: Args<call::Monitoring>,
) -> Answer<call::Monitoring> {
    Ok(store(&state)?.monitoring(now_ms()).await?)
}

#[tauri::command]
pub async fn station_readings(
    state: State<'_, AppState>,
    Args(ask): Args<call::StationReadings>,
) -> Answer<call::StationReadings> {
    Ok(store(&state)?
        .readings_of(&ask.code, ask.from_ms, ask.to_ms)
        .await?)
}

#[tauri::command]
pub async fn alarm_step(
    state: State<'_, AppState>,
    Args(ask): Args<call::AlarmStep>,
) -> Answer<call::AlarmStep> {
    let actor = acting(&state)?;
    let store = store(&state)?;
    let now = now_ms();
    store.alarm_step(&actor, &ask.step, now).await?;
    Ok(store.monitoring(now).await?)
}

#[tauri::command]
pub async fn warnings(
    state: State<'_, AppState>,
    _: Args<call::Warnings>,
) -> Answer<call::Warnings> {
    Ok(store(&state)?.warnings(now_ms()).await?)
}

#[tauri::command]
pub async fn issue_warning(
    state: State<'_, AppState>,
    Args(ask): Args<call::IssueWarning>,
) -> Answer<call::IssueWarning> {
    let actor = acting(&state)?;
    Ok(store(&state)?
        .issue_new_warning(&actor, &ask.new, now_ms())
        .await?)
}

#[tauri::command]
pub async fn lift_warning(
    state: State<'_, AppState>,
    Args(ask): Args<call::LiftWarning>,
) -> Answer<call::LiftWarning> {
    let actor = acting(&state)?;
    Ok(store(&state)?
        .lift_warning(&actor, ask.id, &ask.reason, now_ms())
        .await?)
}

#[tauri::command]
pub async fn warning_cap(
    state: State<'_, AppState>,
    Args(ask): Args<call::WarningCap>,
) -> Answer<call::WarningCap> {
    let unit = std::env::var("YITU_CAP_UNIT")
        .unwrap_or_else(|_| yitu_replica::monitoring::PLACEHOLDER_UNIT.to_owned());
    let xml = store(&state)?.warning_cap(ask.id, &unit, now_ms()).await?;
    let dir = state.data_dir.join("exports");
    std::fs::create_dir_all(&dir).map_err(|e| CommandError::io(&dir, &e))?;
    let path = dir.join(format!("warning-{}.xml", ask.id));
    std::fs::write(&path, xml).map_err(|e| CommandError::io(&path, &e))?;
    Ok(path.display().to_string())
}

#[tauri::command]
pub async fn import_cap(
    state: State<'_, AppState>,
    Args(ask): Args<call::ImportCap>,
) -> Answer<call::ImportCap> {
    let actor = acting(&state)?;
    let path = std::path::Path::new(&ask.path);
    let text = std::fs::read_to_string(path).map_err(|e| CommandError::io(path, &e))?;
    Ok(store(&state)?.import_cap(&actor, &text, now_ms()).await?)
}
