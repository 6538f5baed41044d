//! The desk's users: who is logged in on this window (the password checked offline by the
//! store), and adding local users. The first user of a device may be added by anyone (there is
//! nobody to ask) and must be a commander; after that only a commander adds users.

use super::{store, Answer, Args, CommandError};
use crate::startup::AppState;
use tauri::State;
use yitu_domain::command::role::Role;
use yitu_ipc::user::{Actor, Users};
use yitu_ipc::{call, ErrorCode};

/// The user logged in on this window, or a refusal that says to log in.
pub(crate) fn acting(state: &AppState) -> Result<Actor, CommandError> {
    state.user().ok_or_else(|| {
        CommandError::new(
            ErrorCode::Login,
            "请先登录（右上角“登录”）/ log in first (top right)",
        )
    })
}

#[tauri::command]
pub async fn users(state: State<'_, AppState>, _: Args<call::Users>) -> Answer<call::Users> {
    Ok(Users {
        users: store(&state)?.users().await?,
        current: state.user(),
    })
}

#[tauri::command]
pub async fn login(
    state: State<'_, AppState>,
    Args(ask): Args<call::Login>,
) -> Answer<call::Login> {
    let actor = store(&state)?
        .login(&ask.name, &ask.password, super::now_ms())
        .await?;
    tracing::info!(user = %actor.name, role = actor.role.code(), "logged in");
    if let Ok(mut u) = state.user.lock() {
        *u = Some(actor.clone());
    }
    Ok(actor)
}

#[tauri::command]
pub fn logout(state: State<'_, AppState>, _: Args<call::Logout>) -> Answer<call::Logout> {
    if let Ok(mut u) = state.user.lock() {
        *u = None;
    }
    Ok(())
}

#[tauri::command]
pub async fn add_user(
    state: State<'_, AppState>,
    Args(ask): Args<call::AddUser>,
) -> Answer<call::AddUser> {
    let role = ask.role;
    let store = store(&state)?;
    let first = store.users().await?.is_empty();
    let by_commander = state.user().is_some_and(|u| u.role == Role::Commander);
    // The first user of a device must be able to add the others: a commander.
    if first && role != Role::Commander {
        return Err(CommandError::new(
            ErrorCode::Denied,
            "本机第一个用户须为指挥长 / the first user of a device must be a commander",
        ));
    }
    if !first && !by_commander {
        return Err(CommandError::new(
            ErrorCode::Denied,
            "只有指挥长可以添加用户 / only a commander may add users",
        ));
    }
    Ok(store.add_user(&ask.name, role, super::now_ms()).await?)
}
