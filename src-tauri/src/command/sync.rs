//! Sync with the district server from the window: the status behind the indicator, enrolment,
//! "sync now", the conflicts list and its picks, and the changes the server refused.

use super::{actor, now_ms, store, CommandError, Reply};
use crate::startup::AppState;
use crate::sync::Pass;
use serde::Serialize;
use tauri::State;
use yitu_domain::registries::resource::Resource;
use yitu_domain::EntityId;
use yitu_replica::sync::Version;

/// Which server this desktop is enrolled with, and as whom.
#[derive(Serialize)]
pub struct Enrolment {
    server: String,
    user: String,
    role: String,
    device: String,
}

#[derive(Serialize)]
pub struct SyncStatus {
    enrolled: Option<Enrolment>,
    /// Whether the last pass reached the server; none before the first pass ends.
    online: Option<bool>,
    /// Local changes the server has not answered yet.
    pending: u64,
    /// When a pass last reached the server (kept in the database, so it survives a restart).
    last_sync_ms: Option<i64>,
    last_pass: Option<Pass>,
    conflicts: usize,
    refused: usize,
}

const NOT_ENROLLED: &str = "本机尚未登记到区级服务器：请在“同步”面板填写服务器地址和登记码 / \
     this desktop is not enrolled with the district server: enter its address and an enrolment code \
     in the Sync panel";

#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> Reply<SyncStatus> {
    let store = store(&state)?;
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
    })
}

/// Exchanges a one-time code for this desktop's credential, then starts syncing.
#[tauri::command]
pub async fn sync_enrol(
    state: State<'_, AppState>,
    server: String,
    code: String,
    label: String,
) -> Reply<SyncStatus> {
    let store = store(&state)?;
    if let Some(c) = store.credential()? {
        return Err(CommandError::invalid(format!(
            "本机已登记到 {}（{}）/ already enrolled with {}",
            c.server, c.user, c.server
        )));
    }
    let server = server.trim();
    let host = server
        .strip_prefix("http://")
        .or_else(|| server.strip_prefix("https://"));
    if host.is_none_or(|h| h.trim_matches('/').is_empty()) {
        return Err(CommandError::invalid(
            "服务器地址应形如 http://主机:端口 / the server address should look like http://host:port",
        ));
    }
    if code.trim().is_empty() {
        return Err(CommandError::invalid(
            "请填写管理员给出的一次性登记码 / enter the one-time code the administrator gave",
        ));
    }
    let label = match label.trim() {
        "" => "yitu desktop",
        l => l,
    };
    store.enrol(server, code.trim(), label).await?;
    state.sync.start(store)?;
    sync_status(state).await
}

/// A pass now; its outcome (an unreachable server is an outcome, not an error).
#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Reply<Pass> {
    let store = store(&state)?;
    if store.credential()?.is_none() {
        return Err(CommandError {
            code: "not_enrolled",
            message: NOT_ENROLLED.into(),
        });
    }
    Ok(state.sync.now(store).await?)
}

/// A field in conflict, with the record it belongs to (for its name and field labels).
#[derive(Serialize)]
pub struct ConflictView {
    collection: String,
    record_id: String,
    field: String,
    /// The version shown now first, then the others.
    versions: Vec<Version>,
    record: Option<Resource>,
    /// An incident's title, when the record is one.
    incident: Option<String>,
}

#[tauri::command]
pub async fn sync_conflicts(state: State<'_, AppState>) -> Reply<Vec<ConflictView>> {
    let store = store(&state)?;
    let mut out = Vec::new();
    for c in store.conflicts().await? {
        let id = EntityId::parse(&c.record_id)?;
        let (record, incident) = if c.collection == "incidents" {
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
    record_id: String,
    field: String,
    value: serde_json::Value,
) -> Reply<()> {
    let store = store(&state)?;
    store
        .resolve_conflict(
            EntityId::parse(&record_id)?,
            &field,
            value,
            &actor(&state),
            now_ms(),
        )
        .await?;
    Ok(())
}

/// A local change the server refused, and why.
#[derive(Serialize)]
pub struct Refused {
    seq: i64,
    reason: String,
}

#[tauri::command]
pub async fn sync_refused(state: State<'_, AppState>) -> Reply<Vec<Refused>> {
    Ok(store(&state)?
        .refused_changes()
        .await?
        .into_iter()
        .map(|(seq, reason)| Refused { seq, reason })
        .collect())
}
