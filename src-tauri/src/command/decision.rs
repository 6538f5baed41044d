//! Decisions from the window: a draft from the incident kind's template, edits while a draft,
//! each transition as the logged-in user (the store refuses what the role may not do), the
//! order sheet printout, and the chain check.

use super::incident::save_printout;
use super::user::acting;
use super::{id, now_ms, store, Answer, Args};
use crate::startup::AppState;
use tauri::State;
use yitu_domain::command::template;
use yitu_ipc::call;

/// The draft the incident kind's template gives (the window reads the template itself, for
/// its orders' specialties and its note, from the domain).
#[tauri::command]
pub async fn decision_template(
    state: State<'_, AppState>,
    Args(ask): Args<call::DecisionTemplate>,
) -> Answer<call::DecisionTemplate> {
    let incident = store(&state)?.incident(id(&ask.incident)?).await?;
    Ok(template::for_kind(incident.kind).prefill(&incident))
}

#[tauri::command]
pub async fn draft_decision(
    state: State<'_, AppState>,
    Args(ask): Args<call::DraftDecision>,
) -> Answer<call::DraftDecision> {
    let actor = acting(&state)?;
    let at_ms = now_ms();
    let store = store(&state)?;
    let d = store
        .draft_decision(
            &actor,
            id(&ask.incident)?,
            ask.content,
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
    Args(ask): Args<call::EditDraft>,
) -> Answer<call::EditDraft> {
    let actor = acting(&state)?;
    let store = store(&state)?;
    let d = store
        .edit_draft(&actor, id(&ask.id)?, ask.content, now_ms())
        .await?;
    store.checkpoint().await?;
    Ok(d)
}

/// Takes the action as the logged-in user and returns the decision as it now stands.
#[tauri::command]
pub async fn decision_act(
    state: State<'_, AppState>,
    Args(ask): Args<call::DecisionAct>,
) -> Answer<call::DecisionAct> {
    let actor = acting(&state)?;
    let id = id(&ask.id)?;
    let at_ms = now_ms();
    let mut ids = yitu_replica::id_source(at_ms);
    let store = store(&state)?;
    store.act(&actor, id, ask.act, at_ms, &mut ids).await?;
    store.checkpoint().await?;
    Ok(store.decision_view(id).await?)
}

#[tauri::command]
pub async fn decision_view(
    state: State<'_, AppState>,
    Args(ask): Args<call::DecisionView>,
) -> Answer<call::DecisionView> {
    Ok(store(&state)?.decision_view(id(&ask.id)?).await?)
}

/// The order sheet (指令单) as a PDF in the data folder.
#[tauri::command]
pub async fn decision_pdf(
    state: State<'_, AppState>,
    Args(ask): Args<call::DecisionPdf>,
) -> Answer<call::DecisionPdf> {
    let id = id(&ask.id)?;
    let fonts = yitu_replica::printout::Fonts::debian()?;
    let store = store(&state)?;
    let bytes = store.order_sheet_pdf(id, &fonts, now_ms()).await?;
    let number = store.decision(id).await?.number;
    save_printout(&state, &number, &bytes)
}

/// 待办: what waits for the logged-in user (nothing when nobody is).
#[tauri::command]
pub async fn inbox(state: State<'_, AppState>, _: Args<call::Inbox>) -> Answer<call::Inbox> {
    match state.user() {
        Some(user) => Ok(store(&state)?.inbox(&user).await?),
        None => Ok(vec![]),
    }
}

/// Every incident's chain and every signed decision, checked.
#[tauri::command]
pub async fn verify(state: State<'_, AppState>, _: Args<call::Verify>) -> Answer<call::Verify> {
    Ok(store(&state)?.verify().await?)
}
