//! `yitu enrol`, `yitu sync` and `yitu conflicts`: this data folder and the district server.

use crate::import::now_ms;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::io::Write;
use yitu_domain::EntityId;
use yitu_replica::sync::{sync_once, Client};
use yitu_replica::Store;

#[derive(Args)]
pub struct EnrolArgs {
    /// The server's address, e.g. http://10.1.2.3:8470 or https://yitu.hc.gov:8470.
    #[arg(long)]
    server: String,
    /// For an https:// server whose certificate the system does not trust (a district's own CA,
    /// a self-signed server): the CA certificate (PEM) to check it against.
    #[arg(long)]
    ca: Option<std::path::PathBuf>,
    /// The one-time code from `yitu-server enrol-code USER`.
    #[arg(long)]
    code: String,
    /// What the server's device list calls this device (default: the host name).
    #[arg(long)]
    label: Option<String>,
}

#[derive(Args)]
pub struct SyncArgs {
    /// The report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ConflictArgs {
    #[command(subcommand)]
    action: Option<ConflictAction>,
}

#[derive(Subcommand)]
enum ConflictAction {
    /// Keep a value for a field in conflict (one of the versions, or a new one): a new change
    /// that every replica takes once synced.
    Resolve {
        record: String,
        field: String,
        /// The value as JSON (e.g. 1200 or "\"已开放\""); plain text is taken as a string.
        #[arg(long)]
        value: String,
    },
}

pub async fn enrol(store: &Store, args: EnrolArgs, out: &mut impl Write) -> Result<()> {
    let label = args
        .label
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|| "desktop".into());
    let credential = store
        .enrol_with_ca(&args.server, &args.code, &label, args.ca.as_deref())
        .await?;
    let shown = serde_json::json!({
        "server": credential.server,
        "device": credential.device,
        "user": credential.user,
        "role": credential.role,
        "credential_file": store.credential_path(),
    });
    crate::print_json(out, &shown)?;
    Ok(())
}

pub async fn run(store: &Store, args: SyncArgs, out: &mut impl Write) -> Result<()> {
    let client = Client::for_store(store)?;
    let report = sync_once(store, &client).await.context("sync failed")?;
    if args.json {
        crate::print_json(out, &report)?;
    } else {
        writeln!(
            out,
            "pushed {} (accepted {}, rejected {}), pulled {}, conflicts {}, pending {}",
            report.pushed,
            report.accepted,
            report.rejected.len(),
            report.pulled,
            report.conflicts,
            report.pending
        )?;
        for r in &report.rejected {
            writeln!(out, "  rejected #{}: {} ({})", r.seq, r.reason, r.code)?;
        }
    }
    Ok(())
}

pub async fn conflicts(
    store: &Store,
    who: Option<&yitu_replica::user::Actor>,
    args: ConflictArgs,
    out: &mut impl Write,
) -> Result<()> {
    match args.action {
        None => crate::print_json(out, &store.conflicts().await?),
        Some(ConflictAction::Resolve {
            record,
            field,
            value,
        }) => {
            let who = crate::user::need(who)?;
            let id = EntityId::parse(&record)?;
            let value = serde_json::from_str(&value).unwrap_or(serde_json::Value::String(value));
            store
                .resolve_conflict(id, &field, value, &who.name, now_ms())
                .await?;
            crate::print_json(out, &serde_json::json!({"resolved": [record, field]}))
        }
    }
}
