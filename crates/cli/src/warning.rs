//! `yitu warning`: issue, update and lift 红/橙/黄/蓝 warnings for towns, a circle or a drawn
//! area; list them with whom they reach (叫应); write one as a CAP 1.2 message, or take in a
//! CAP file from another unit (the meteorological bureau's). JSON with `--json`.

use crate::dispatch::parse_point;
use crate::import::{id_source, now_ms};
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use yitu_cap::{Context as CapContext, Reference, UnitCode};
use yitu_domain::beijing_time::BeijingTime;
use yitu_domain::monitoring::{Warning, WarningArea, WarningKind, WarningLevel, WarningStatus};
use yitu_domain::{EntityId, LonLat};
use yitu_replica::monitoring::WarningState;
use yitu_replica::user::Actor;
use yitu_replica::Store;

/// The sender's unit code when none is given: 合川区 (500117), unit 000 — a placeholder until
/// the district's 机构行业编码 (GB/T 4657) is set with `--unit-code` or `YITU_CAP_UNIT`.
const PLACEHOLDER_UNIT: &str = "50011700000000";

#[derive(Args)]
pub struct WarningArgs {
    #[command(subcommand)]
    action: WarningAction,
    /// Print JSON.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Args)]
struct Terms {
    /// red / 红色, orange, yellow, blue.
    #[arg(long)]
    level: String,
    /// rainstorm / 暴雨, geohazard / 地质灾害, flood, flash_flood, forest_fire, gale, heat, …
    #[arg(long)]
    kind: String,
    /// Town or village codes, comma-separated (9 or 12 digits).
    #[arg(long, conflicts_with_all = ["circle", "polygon"])]
    towns: Option<String>,
    /// A circle: LON,LAT,RADIUS_KM.
    #[arg(long, conflicts_with = "polygon")]
    circle: Option<String>,
    /// A drawn area: LON,LAT;LON,LAT;… (three corners or more).
    #[arg(long)]
    polygon: Option<String>,
    #[arg(long)]
    headline: String,
    /// 预警内容.
    #[arg(long, default_value = "")]
    description: String,
    /// 防御指南.
    #[arg(long)]
    instructions: String,
    /// Hours it stays valid from now.
    #[arg(long, default_value_t = 24)]
    hours: i64,
    /// The unit that sends it.
    #[arg(long, default_value = "合川区应急管理局")]
    sender: String,
    /// 演练: issued inside a drill (its CAP status is Exercise, never Actual).
    #[arg(long)]
    exercise: bool,
}

#[derive(Subcommand)]
enum WarningAction {
    /// Issue a warning as the `--as` user (签发人).
    Issue(Terms),
    /// Update a warning in force: a new message replacing it.
    Update {
        id: String,
        #[command(flatten)]
        terms: Terms,
    },
    /// Lift (解除) a warning in force.
    Lift {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// The warnings held, newest first: in force or not, and whom each reaches.
    List,
    /// One warning with its 叫应 list: towns, villages, hazard points with their 群测群防员 and
    /// phones, shelters to open.
    Show { id: String },
    /// Write a warning as a CAP 1.2 message (to standard output, or `--out`).
    Cap {
        id: String,
        /// The sender's 14-digit unit code (GB/T 2260 area + GB/T 4657 unit + 00000).
        #[arg(long, env = "YITU_CAP_UNIT", default_value = PLACEHOLDER_UNIT)]
        unit_code: String,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Take in a CAP 1.2 message from another unit (a file): its warning joins the layer.
    ImportCap { file: PathBuf },
}

fn level(text: &str) -> Result<WarningLevel> {
    WarningLevel::from_code(text)
        .or_else(|_| WarningLevel::from_code(&format!("{text}色")))
        .map_err(|_| {
            anyhow::anyhow!(
                "--level {text:?}: one of red 红色, orange 橙色, yellow 黄色, blue 蓝色"
            )
        })
}

fn area(t: &Terms) -> Result<WarningArea> {
    if let Some(towns) = &t.towns {
        let (mut t9, mut v12) = (Vec::new(), Vec::new());
        for code in towns
            .split([',', '，'])
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            match code.len() {
                9 => t9.push(code.to_owned()),
                12 => v12.push(code.to_owned()),
                _ => bail!("--towns: {code:?} is neither a town (9 digits) nor a village (12)"),
            }
        }
        return Ok(WarningArea::Towns {
            towns: t9,
            villages: v12,
        });
    }
    if let Some(circle) = &t.circle {
        let parts: Vec<&str> = circle.split(',').map(str::trim).collect();
        let [lon, lat, km] = parts[..] else {
            bail!("--circle {circle:?}: expected LON,LAT,RADIUS_KM such as 106.27,29.99,5");
        };
        let km: f64 = km
            .parse()
            .with_context(|| format!("--circle: radius {km:?} is not a number"))?;
        return Ok(WarningArea::Circle {
            centre: parse_point(&format!("{lon},{lat}"))?,
            radius_m: km * 1000.0,
        });
    }
    if let Some(polygon) = &t.polygon {
        let ring: Vec<LonLat> = polygon
            .split(';')
            .filter(|p| !p.trim().is_empty())
            .map(parse_point)
            .collect::<Result<_>>()?;
        return Ok(WarningArea::drawn(&ring));
    }
    bail!("say where: --towns CODES, --circle LON,LAT,KM or --polygon LON,LAT;…")
}

fn warning(
    t: Terms,
    who: &Actor,
    status: WarningStatus,
    supersedes: Option<EntityId>,
) -> Result<Warning> {
    let now = now_ms();
    Ok(Warning {
        id: id_source(now)(),
        level: level(&t.level)?,
        kind: WarningKind::from_code(&t.kind).map_err(|_| {
            anyhow::anyhow!(
                "--kind {:?}: e.g. rainstorm 暴雨, geohazard 地质灾害, flood 洪水",
                t.kind
            )
        })?,
        area: area(&t)?,
        headline: t.headline,
        description: t.description,
        instructions: t.instructions,
        // Whole seconds: the CAP identifier and its times have no fractions.
        issued_at_ms: now / 1000 * 1000,
        onset_ms: now / 1000 * 1000,
        expires_ms: now / 1000 * 1000 + t.hours.max(1) * 3_600_000,
        issuer: who.name.clone(),
        sender: t.sender,
        status,
        supersedes,
        exercise: t.exercise,
    })
}

async fn find(store: &Store, id: &str) -> Result<WarningState> {
    let id = EntityId::parse(id)
        .with_context(|| format!("{id:?} is no warning id (see `yitu warning list`)"))?;
    store
        .warnings(now_ms())
        .await?
        .into_iter()
        .find(|w| w.warning.id == id)
        .with_context(|| format!("no warning {id} on this desk"))
}

/// The references of a message replacing `state`: every earlier message of its chain, as
/// this desk wrote them (same unit, sequence 0), so the national system can follow it.
async fn references(
    store: &Store,
    state: &WarningState,
    unit: &UnitCode,
) -> Result<Vec<Reference>> {
    let all = store.warnings(now_ms()).await?;
    let mut out = Vec::new();
    let mut at = state.warning.supersedes;
    while let Some(id) = at {
        let Some(earlier) = all.iter().find(|w| w.warning.id == id) else {
            break;
        };
        let ctx = CapContext {
            unit: unit.clone(),
            sequence: 0,
            references: Vec::new(),
        };
        let alert = yitu_cap::Alert::from_warning(&earlier.warning, &ctx)?;
        out.push(Reference::to(&alert));
        at = earlier.warning.supersedes;
    }
    out.reverse();
    Ok(out)
}

fn line(s: &WarningState) -> String {
    let w = &s.warning;
    format!(
        "{}\t{}{}预警\t{}\t{}\t{}–{}\t{}{}",
        w.id,
        w.kind.zh(),
        w.level.zh(),
        w.status.zh(),
        if s.in_force { "生效中" } else { "已失效" },
        BeijingTime::from_unix_ms(w.onset_ms).datetime(),
        BeijingTime::from_unix_ms(w.expires_ms).datetime(),
        w.headline,
        if w.exercise { "\t【演练】" } else { "" }
    )
}

pub async fn run(
    store: &Store,
    who: Option<&Actor>,
    args: WarningArgs,
    out: &mut impl Write,
) -> Result<()> {
    let json = args.json;
    match args.action {
        WarningAction::Issue(terms) => {
            let who = crate::user::need(who)?;
            let w = warning(terms, who, WarningStatus::Issued, None)?;
            store.issue_warning(who, &w, now_ms()).await?;
            let state = find(store, &w.id.to_string()).await?;
            show(&state, json, out)?;
        }
        WarningAction::Update { id, terms } => {
            let who = crate::user::need(who)?;
            let old = find(store, &id).await?;
            if !old.in_force {
                bail!("warning {id} is no longer in force: issue a new one");
            }
            let w = warning(terms, who, WarningStatus::Updated, Some(old.warning.id))?;
            store.issue_warning(who, &w, now_ms()).await?;
            show(&find(store, &w.id.to_string()).await?, json, out)?;
        }
        WarningAction::Lift { id, reason } => {
            let who = crate::user::need(who)?;
            let old = find(store, &id).await?;
            if !old.in_force {
                bail!("warning {id} is no longer in force");
            }
            let now = now_ms() / 1000 * 1000;
            let w = Warning {
                id: id_source(now)(),
                status: WarningStatus::Lifted,
                supersedes: Some(old.warning.id),
                headline: format!(
                    "解除{}{}预警",
                    old.warning.kind.zh(),
                    old.warning.level.zh()
                ),
                description: reason,
                issued_at_ms: now,
                onset_ms: now,
                expires_ms: now.max(old.warning.expires_ms).max(now + 60_000),
                issuer: who.name.clone(),
                ..old.warning.clone()
            };
            store.issue_warning(who, &w, now).await?;
            show(&find(store, &w.id.to_string()).await?, json, out)?;
        }
        WarningAction::List => {
            let all = store.warnings(now_ms()).await?;
            if json {
                return crate::print_json(out, &all);
            }
            for s in &all {
                writeln!(out, "{}", line(s))?;
            }
        }
        WarningAction::Show { id } => show(&find(store, &id).await?, json, out)?,
        WarningAction::Cap {
            id,
            unit_code,
            out: file,
        } => {
            let state = find(store, &id).await?;
            let unit = UnitCode::parse(&unit_code)?;
            let ctx = CapContext {
                references: references(store, &state, &unit).await?,
                unit,
                sequence: 0,
            };
            let xml = yitu_cap::write(&state.warning, &ctx)?;
            match file {
                Some(path) => std::fs::write(&path, xml)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => out.write_all(xml.as_bytes())?,
            }
        }
        WarningAction::ImportCap { file } => {
            let who = crate::user::need(who)?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let alert = yitu_cap::read(&text)
                .with_context(|| format!("{} is not a CAP 1.2 warning", file.display()))?;
            yitu_cap::check(&alert)?;
            // The message's own name is its id here: the same file taken in twice, or from two
            // desks, is one warning; an update names the message it replaces the same way.
            let id = |sender: &str, identifier: &str| {
                EntityId::derived(&[b"cap", sender.as_bytes(), identifier.as_bytes()])
            };
            let supersedes = alert
                .references
                .last()
                .map(|r| id(&r.sender, &r.identifier));
            let w = alert.to_warning(id(&alert.sender, &alert.identifier), supersedes)?;
            store.issue_warning(who, &w, now_ms()).await?;
            show(&find(store, &w.id.to_string()).await?, json, out)?;
        }
    }
    Ok(())
}

fn show(s: &WarningState, json: bool, out: &mut impl Write) -> Result<()> {
    if json {
        return crate::print_json(out, s);
    }
    writeln!(out, "{}", line(s))?;
    let r = &s.recipients;
    for t in &r.towns {
        writeln!(out, "镇街\t{}\t{}", t.code, t.name)?;
    }
    for h in &r.hazards {
        writeln!(
            out,
            "隐患点\t{}\t群测群防员 {} {}\t威胁 {} 人 {} 户",
            h.name, h.monitor, h.monitor_phone, h.threatened_people, h.threatened_households
        )?;
    }
    for sh in &r.shelters {
        writeln!(out, "避难场所\t{}\t容纳 {} 人", sh.name, sh.capacity)?;
    }
    writeln!(out, "合计\t{}", serde_json::to_string(&r.totals)?)?;
    Ok(())
}
