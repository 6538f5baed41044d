//! `yitu user`: local users and their roles, and who `--as NAME` is.

use crate::import::now_ms;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::io::Write;
use yitu_domain::command::role::Role;
use yitu_replica::user::Actor;
use yitu_replica::Store;

#[derive(Args)]
pub struct UserArgs {
    #[command(subcommand)]
    action: UserAction,
}

#[derive(Subcommand)]
enum UserAction {
    /// Add a user (or change an existing user's role).
    Add {
        name: String,
        /// commander (指挥长), technical_officer (技术指挥官), staff (值班员/参谋) or observer (观察员).
        #[arg(long)]
        role: String,
    },
    /// The users of this data folder (JSON).
    List,
}

pub async fn run(store: &Store, args: UserArgs, out: &mut impl Write) -> Result<()> {
    let value = match args.action {
        UserAction::Add { name, role } => {
            let role = Role::from_code(&role)?;
            serde_json::to_value(store.add_user(&name, role, now_ms()).await?)?
        }
        UserAction::List => serde_json::to_value(store.users().await?)?,
    };
    crate::print_json(out, &value)?;
    Ok(())
}

/// The user named by `--as`, who must exist on this device.
pub async fn acting(store: &Store, name: Option<&str>) -> Result<Actor> {
    let name = name.context("say who is acting: --as USER (see `yitu user list`)")?;
    Ok(store.user(name).await?)
}
