//! `yitu update`, `yitu stock` and `yitu warnings`: headless edits for scripts and administrators, validated like
//! the import (an edit is refused with its reasons and nothing written) and recorded in the
//! change log.

use crate::import::{id_source, now_ms};
use crate::user::need;
use anyhow::{bail, Result};
use clap::{Args, ValueEnum};
use std::io::Write;
use yitu_domain::beijing_time::BeijingTime;
use yitu_domain::import::{edit, Crs, ImportKind};
use yitu_domain::stock::material::MaterialCode;
use yitu_domain::stock::{MoveKind, Terms};
use yitu_domain::EntityId;
use yitu_replica::edit::Edited;
use yitu_replica::movement::NewLine;
use yitu_replica::user::Actor;
use yitu_replica::Author;
use yitu_replica::Store;

#[derive(Args)]
pub struct UpdateArgs {
    /// teams, experts, depots, shelters or hazards.
    kind: String,
    /// The record's id (编号), as exports carry it.
    id: String,
    /// FIELD=VALUE, FIELD a field key (capacity) or a Chinese header (容纳人数); repeatable.
    #[arg(long = "set", required = true, value_name = "FIELD=VALUE")]
    sets: Vec<String>,
    /// Coordinate system of a lon/lat given with --set.
    #[arg(long, default_value = "wgs84")]
    crs: String,
}

pub async fn update(
    store: &Store,
    who: Option<&Actor>,
    args: UpdateArgs,
    out: &mut impl Write,
) -> Result<()> {
    let who = need(who)?;
    let kind = ImportKind::from_code(&args.kind)
        .ok()
        .filter(|k| *k != ImportKind::Stock);
    let Some(kind) = kind else {
        bail!(
            "unknown kind {:?}: one of teams, experts, depots, shelters, hazards (stock moves with `yitu stock`)",
            args.kind
        );
    };
    let crs = Crs::from_code(&args.crs)
        .map_err(|_| anyhow::anyhow!("unknown --crs {:?}: one of wgs84, gcj02, bd09", args.crs))?;
    let id = EntityId::parse(&args.id)?;
    let before = store.resource(id).await?;
    if edit::kind_of(&before) != kind {
        bail!(
            "{id} is one of the {}, not the {}",
            edit::kind_of(&before).code(),
            kind.code()
        );
    }
    let mut sets = Vec::new();
    for s in &args.sets {
        let Some((field, value)) = s.split_once('=') else {
            bail!("--set {s:?}: expected FIELD=VALUE");
        };
        sets.push((field.trim().to_owned(), value.to_owned()));
    }
    let at_ms = now_ms();
    let mut ids = id_source(at_ms);
    let author = Author {
        actor: &who.name,
        at_ms,
        source: "yitu update",
        new_id: &mut ids,
    };
    match store.update_record(id, &sets, crs, author).await {
        Ok(Edited::Unchanged) => writeln!(out, "{id}: no change")?,
        Ok(Edited::Updated(_)) => writeln!(out, "{id}: updated")?,
        Err(yitu_replica::Error::Refused(issues)) => {
            for i in &issues {
                eprintln!("{}: {}", i.field, i.reason);
            }
            bail!("{id} not changed: {} refused", issues.len());
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

#[derive(Args)]
pub struct RetireArgs {
    /// The record's id (编号).
    id: String,
    /// Why it is retired (kept in the change log).
    #[arg(long)]
    reason: String,
}

/// `yitu retire ID --reason …`: the record leaves the map and the analyses; its history stays.
pub async fn retire(
    store: &Store,
    who: Option<&Actor>,
    args: RetireArgs,
    out: &mut impl Write,
) -> Result<()> {
    let who = need(who)?;
    let id = EntityId::parse(&args.id)?;
    if args.reason.trim().is_empty() {
        bail!("--reason must say why the record is retired");
    }
    let at_ms = now_ms();
    let mut ids = id_source(at_ms);
    let author = Author {
        actor: &who.name,
        at_ms,
        source: "yitu retire",
        new_id: &mut ids,
    };
    store.retire_record(id, args.reason.trim(), author).await?;
    writeln!(out, "{id}: retired")?;
    Ok(())
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Move {
    Receive,
    Issue,
    Reserve,
    Release,
    Recount,
}

#[derive(Args)]
pub struct StockArgs {
    /// receive, issue, reserve, release, or recount (QTY is then the count found).
    #[arg(value_enum)]
    kind: Move,
    depot_id: String,
    /// GB/T 38565 code (7 digits).
    code: String,
    quantity: i64,
    #[arg(long, default_value = "")]
    note: String,
    /// Name of a material received into a depot for the first time.
    #[arg(long)]
    name: Option<String>,
    /// Unit of a material received into a depot for the first time.
    #[arg(long)]
    unit: Option<String>,
    /// Sets the line's expiry date (YYYY-MM-DD) with this movement.
    #[arg(long)]
    expiry: Option<String>,
    /// Sets the line's minimum level (最低库存) with this movement.
    #[arg(long)]
    minimum: Option<i64>,
    #[arg(long)]
    json: bool,
}

pub async fn stock(
    store: &Store,
    who: Option<&Actor>,
    args: StockArgs,
    out: &mut impl Write,
) -> Result<()> {
    let who = need(who)?;
    let kind = match args.kind {
        Move::Receive => MoveKind::Receive,
        Move::Issue => MoveKind::Issue,
        Move::Reserve => MoveKind::Reserve,
        Move::Release => MoveKind::Release,
        Move::Recount => MoveKind::Recount,
    };
    let depot = EntityId::parse(&args.depot_id)?;
    let code = MaterialCode::parse(&args.code)?;
    let asked = Terms {
        expiry: args.expiry.clone(),
        minimum: args.minimum,
    };
    asked.check()?;
    let new_line = match (&args.name, &args.unit) {
        (Some(name), Some(unit)) => Some(NewLine {
            name,
            unit,
            terms: asked.clone(),
        }),
        _ => None,
    };
    let at_ms = now_ms();
    let mut ids = id_source(at_ms);
    let today = BeijingTime::from_unix_ms(at_ms).date();
    // Terms given for a line that already exists are set after the movement (a flag left out
    // keeps the line's value).
    let before = store
        .stock(depot, &today)
        .await?
        .into_iter()
        .find(|l| l.code == code.as_str())
        .map(|l| Terms {
            expiry: l.expiry,
            minimum: l.minimum,
        });
    let balance = store
        .move_stock(
            depot,
            &code,
            kind,
            args.quantity,
            &args.note,
            new_line,
            Author {
                actor: &who.name,
                at_ms,
                source: "yitu stock",
                new_id: &mut ids,
            },
        )
        .await?;
    if let Some(before) = before.filter(|_| asked != Terms::default()) {
        let terms = Terms {
            expiry: asked.expiry.or(before.expiry),
            minimum: asked.minimum.or(before.minimum),
        };
        store
            .set_stock_terms(
                depot,
                &code,
                terms,
                Author {
                    actor: &who.name,
                    at_ms,
                    source: "yitu stock",
                    new_id: &mut ids,
                },
            )
            .await?;
    }
    if args.json {
        crate::print_json(out, &balance)?;
    } else {
        writeln!(
            out,
            "{code} at {depot}: on hand {}, reserved {}, available {}",
            balance.on_hand,
            balance.reserved,
            balance.available()
        )?;
    }
    Ok(())
}

/// Stock lines that warn today (Beijing): expired, expiring within 90 days, below the minimum.
/// One line each (depot, code, name, on hand, warnings), or JSON.
pub async fn warnings(store: &Store, json: bool, out: &mut impl Write) -> Result<()> {
    let today = BeijingTime::from_unix_ms(now_ms()).date();
    let found = store.stock_warnings(&today).await?;
    if json {
        crate::print_json(out, &found)?;
        return Ok(());
    }
    for w in &found {
        let said: Vec<String> = w.line.warnings.iter().map(|x| x.zh()).collect();
        writeln!(
            out,
            "{}\t{}\t{}\t{} {}\t{}",
            w.depot,
            w.line.code,
            w.line.name,
            w.line.balance.on_hand,
            w.line.unit,
            said.join("；")
        )?;
    }
    if found.is_empty() {
        writeln!(out, "没有库存预警 / no stock warnings ({today})")?;
    }
    Ok(())
}

#[derive(Args)]
pub struct HistoryArgs {
    /// A record's id (a depot's id also lists its stock movements).
    id: String,
}

/// The change log of one record, oldest first, as JSON lines of {at_ms, actor, action, diff}.
pub async fn history(store: &Store, args: HistoryArgs, out: &mut impl Write) -> Result<()> {
    let id = EntityId::parse(&args.id)?;
    for (at_ms, actor, action, diff) in store.history(id).await? {
        let line =
            serde_json::json!({"at_ms": at_ms, "actor": actor, "action": action, "diff": diff});
        writeln!(out, "{line}")?;
    }
    Ok(())
}
