//! Monitoring from the window: the stations and the alarm board, a station's readings for its
//! chart, and what a duty officer did about an alarm.

use super::user::acting;
use super::{now_ms, store, Answer, Args};
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
