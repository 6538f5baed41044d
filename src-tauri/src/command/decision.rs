//! Decisions from the window: a draft from the incident kind's template, edits while a draft,
//! each transition as the logged-in user (the store refuses what the role may not do), the
//! order sheet printout, and the chain check.

use super::incident::{save_printout, Printout};
use super::user::acting;
use super::{now_ms, store, Reply};
use crate::startup::AppState;
use serde::Serialize;
use tauri::State;
use yitu_domain::command::decision::{Content, Decision};
use yitu_domain::command::template::{self, Template};
use yitu_domain::EntityId;
use yitu_replica::decisions::{Act, DecisionView, VerifyReport};

/// A template and the draft it gives for an incident.
#[derive(Serialize)]
pub struct Prefill {
    template: Template,
    content: Content,
}

#[tauri::command]
pub async fn decision_template(state: State<'_, AppState>, incident: String) -> Reply<Prefill> {
    let incident = store(&state)?.incident(EntityId::parse(&incident)?).await?;
    let template = template::for_kind(incident.kind);
    Ok(Prefill {
        content: template.prefill(&incident),
        template,
    })
}

#[tauri::command]
pub async fn draft_decision(
    state: State<'_, AppState>,
    incident: String,
    content: Content,
) -> Reply<Decision> {
    let actor = acting(&state)?;
    let at_ms = now_ms();
    let store = store(&state)?;
    let d = store
        .draft_decision(
            &actor,
            EntityId::parse(&incident)?,
            content,
            yitu_replica::id_source(at_ms)(),
            at_ms,
        )
        .await?;
    store.checkpoint().await?;
    Ok(d)
}

#[tauri::command]
pub async fn edit_draft(
    state: State<'_, AppState>,
    id: String,
    content: Content,
) -> Reply<Decision> {
    let actor = acting(&state)?;
    let store = store(&state)?;
    let d = store
        .edit_draft(&actor, EntityId::parse(&id)?, content, now_ms())
        .await?;
    store.checkpoint().await?;
    Ok(d)
}

/// Takes the action as the logged-in user and returns the decision as it now stands.
#[tauri::command]
pub async fn decision_act(state: State<'_, AppState>, id: String, act: Act) -> Reply<DecisionView> {
    let actor = acting(&state)?;
    let id = EntityId::parse(&id)?;
    let at_ms = now_ms();
    let mut ids = yitu_replica::id_source(at_ms);
    let store = store(&state)?;
    store.act(&actor, id, act, at_ms, &mut ids).await?;
    store.checkpoint().await?;
    Ok(store.decision_view(id).await?)
}

#[tauri::command]
pub async fn decision_view(state: State<'_, AppState>, id: String) -> Reply<DecisionView> {
    Ok(store(&state)?.decision_view(EntityId::parse(&id)?).await?)
}

/// The order sheet (指令单) as a PDF in the data folder.
#[tauri::command]
pub async fn decision_pdf(state: State<'_, AppState>, id: String) -> Reply<Printout> {
    let id = EntityId::parse(&id)?;
    let fonts = yitu_replica::printout::Fonts::debian()?;
    let store = store(&state)?;
    let bytes = store.order_sheet_pdf(id, &fonts, now_ms()).await?;
    let number = store.decision(id).await?.number;
    save_printout(&state, &number, &bytes)
}

/// Every incident's chain and every signed decision, checked.
#[tauri::command]
pub async fn verify(state: State<'_, AppState>) -> Reply<VerifyReport> {
    Ok(store(&state)?.verify().await?)
}
