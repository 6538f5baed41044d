//! Sync with the district server from the window: the status behind the indicator, enrolment,
//! "sync now", the conflicts list and its picks, and the changes the server refused.

use super::{id, now_ms, store, Answer, Args, CommandError};
use crate::startup::AppState;
use tauri::State;
use yitu_domain::sync::Collection;
use yitu_ipc::call;
use yitu_ipc::sync::{ConflictView, Enrolment, Refused, SyncStatus};
use yitu_ipc::ErrorCode;

const NOT_ENROLLED: &str = "本机尚未登记到区级服务器：请在“同步”面板填写服务器地址和登记码 / \
     this desktop is not enrolled with the district server: enter its address and an enrolment code \
     in the Sync panel";

async fn status(state: &State<'_, AppState>) -> Result<SyncStatus, CommandError> {
    let store = store(state)?;
    let last_pass = state.sync.last();
    Ok(SyncStatus {
        enrolled: store.credential()?.map(|c| Enrolment {
            server: c.server,
            user: c.user,
            role: c.role,
            device: c.device,
        }),
        online: last_pass.as_ref().map(|p| p.error.is_none()),
        pending: store.pending_count().await?,
        last_sync_ms: store.last_sync().await?,
        last_pass,
        conflicts: store.conflicts().await?.len(),
        refused: store.refused_changes().await?.len(),
        pulled_commits: store.changes().borrow().pulled,
    })
}

#[tauri::command]
pub async fn sync_status(
    state: State<'_, AppState>,
    _: Args<call::SyncStatus>,
) -> Answer<call::SyncStatus> {
    status(&state).await
}

/// Exchanges a one-time code for this desktop's credential, then starts syncing.
#[tauri::command]
pub async fn sync_enrol(
    state: State<'_, AppState>,
    Args(ask): Args<call::SyncEnrol>,
) -> Answer<call::SyncEnrol> {
    let store = store(&state)?;
    if let Some(c) = store.credential()? {
        return Err(CommandError::invalid(format!(
            "本机已登记到 {}（{}）/ already enrolled with {}",
            c.server, c.user, c.server
        )));
    }
    let server = ask.server.trim();
    let host = server
        .strip_prefix("http://")
        .or_else(|| server.strip_prefix("https://"));
    if host.is_none_or(|h| h.trim_matches('/').is_empty()) {
        return Err(CommandError::invalid(
            "服务器地址应形如 http://主机:端口 / the server address should look like http://host:port",
        ));
    }
    if ask.code.trim().is_empty() {
        return Err(CommandError::invalid(
            "请填写管理员给出的一次性登记码 / enter the one-time code the administrator gave",
        ));
    }
    let label = match ask.label.trim() {
        "" => "yitu desktop",
        l => l,
    };
    store.enrol(server, ask.code.trim(), label).await?;
    state.sync.start(store)?;
    status(&state).await
}

/// A pass now; its outcome (an unreachable server is an outcome, not an error).
#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>, _: Args<call::SyncNow>) -> Answer<call::SyncNow> {
    let store = store(&state)?;
    if store.credential()?.is_none() {
        return Err(CommandError::new(ErrorCode::NotEnrolled, NOT_ENROLLED));
    }
    Ok(state.sync.now(store).await?)
}

#[tauri::command]
pub async fn sync_conflicts(
    state: State<'_, AppState>,
    _: Args<call::SyncConflicts>,
) -> Answer<call::SyncConflicts> {
    let store = store(&state)?;
    let mut out = Vec::new();
    for c in store.conflicts().await? {
        let id = id(&c.record_id)?;
        let (record, incident) = if c.collection == Collection::Incidents {
            (None, store.incident(id).await.ok().map(|i| i.title))
        } else {
            (store.resource(id).await.ok(), None)
        };
        out.push(ConflictView {
            collection: c.collection,
            record_id: c.record_id,
            field: c.field,
            versions: c.versions,
            record,
            incident,
        });
    }
    Ok(out)
}

/// Ends a conflict with the value picked (one of the versions, or one typed): a new change,
/// made having seen every version, so it wins on every replica once synced.
#[tauri::command]
pub async fn sync_resolve(
    state: State<'_, AppState>,
    Args(ask): Args<call::SyncResolve>,
) -> Answer<call::SyncResolve> {
    let who = super::user::acting(&state)?;
    let store = store(&state)?;
    store
        .resolve_conflict(
            id(&ask.record_id)?,
            &ask.field,
            ask.value,
            &who.name,
            now_ms(),
        )
        .await?;
    Ok(())
}

#[tauri::command]
pub async fn sync_refused(
    state: State<'_, AppState>,
    _: Args<call::SyncRefused>,
) -> Answer<call::SyncRefused> {
    Ok(store(&state)?
        .refused_changes()
        .await?
        .into_iter()
        .map(|(seq, reason)| Refused { seq, reason })
        .collect())
}
