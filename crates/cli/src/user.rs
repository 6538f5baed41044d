//! `yitu user` and `yitu login`: the desk's users and their roles, checking a password, and who
//! `--as NAME` is (every write names that user as its author).

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
    /// Add a local user (or change a local user's role): without a password they log in
    /// without one. The district's users come from the server with sync and are changed there.
    Add {
        name: String,
        /// The role's code (or its Chinese label).
        #[arg(long, value_parser = role_parser())]
        role: Role,
        /// Give the user a password, read as the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// The users of this data folder (JSON): name, role, whether they have a password, and
    /// whether they are local or the district's.
    List,
}

/// `yitu login NAME`: checks the password offline (asked at a terminal, else the first line of
/// standard input) as the window's login does; a wrong one is counted.
#[derive(Args)]
pub struct LoginArgs {
    name: String,
    /// Read the password as the first line of standard input, without asking.
    #[arg(long)]
    password_stdin: bool,
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
        UserAction::Add {
            name,
            role,
            password_stdin,
        } => {
            let password = password_stdin.then(read_line).transpose()?;
            if password.as_deref() == Some("") {
                anyhow::bail!("--password-stdin read an empty line: nothing changed");
            }
            let actor = store
                .add_local_user(&name, role, password.as_deref(), now_ms())
                .await?;
            serde_json::to_value(actor)?
        }
        UserAction::List => serde_json::to_value(store.users().await?)?,
    };
    crate::print_json(out, &value)?;
    Ok(())
}

pub async fn login(store: &Store, args: LoginArgs, out: &mut impl Write) -> Result<()> {
    use std::io::IsTerminal;
    let password = if args.password_stdin || !std::io::stdin().is_terminal() {
        read_line()?
    } else {
        rpassword::prompt_password(format!("{} 的密码 / password: ", args.name))?
    };
    let actor = store.login(&args.name, &password, now_ms()).await?;
    writeln!(
        out,
        "登录成功 / OK: {}（{} / {}）",
        actor.name,
        actor.role.zh(),
        actor.role.code()
    )?;
    Ok(())
}

/// The first line of standard input, without its line end.
fn read_line() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// The user named by `--as`, who must exist on this device.
pub async fn acting(store: &Store, name: &str) -> Result<Actor> {
    Ok(store.user(name).await?)
}

/// The user `--as` named, for a command that writes: every write names its author.
pub fn need<T>(who: Option<T>) -> Result<T> {
    who.context(
        "say who is acting: --as USER (see `yitu user list`); every change names its author",
    )
}
