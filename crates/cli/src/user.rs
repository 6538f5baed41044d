//! `yitu user`: local users and their roles, and who `--as NAME` is.

use crate::import::now_ms;
use anyhow::{Context, Result};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
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
        /// The role's code (or its Chinese label).
        #[arg(long, value_parser = role_parser())]
        role: Role,
    },
    /// The users of this data folder (JSON).
    List,
}

/// `--role`: the codes of [`Role`] (its Chinese labels accepted too), listed by `--help`.
fn role_parser() -> impl TypedValueParser<Value = Role> {
    PossibleValuesParser::new(
        Role::ALL
            .iter()
            .map(|r| PossibleValue::new(r.code()).alias(r.zh()).help(r.zh())),
    )
    .map(|s| Role::from_code(&s).expect("a possible value is a role's code or label"))
}

pub async fn run(store: &Store, args: UserArgs, out: &mut impl Write) -> Result<()> {
    let value = match args.action {
        UserAction::Add { name, role } => {
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
