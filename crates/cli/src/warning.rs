//! `yitu warning`: issue, update and lift 红/橙/黄/蓝 warnings for towns, a circle or a drawn
//! area; list them with whom they reach (叫应); write one as a CAP 1.2 message, or take in a
//! CAP file from another unit (the meteorological bureau's). JSON with `--json`.

use crate::dispatch::parse_point;
use crate::import::now_ms;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use yitu_domain::beijing_time::BeijingTime;
use yitu_domain::monitoring::{WarningArea, WarningKind, WarningLevel};
use yitu_domain::{EntityId, LonLat};
use yitu_replica::monitoring::{NewWarning, WarningState, PLACEHOLDER_UNIT};
use yitu_replica::user::Actor;
use yitu_replica::Store;

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

fn new_warning(t: Terms, replaces: Option<EntityId>) -> Result<NewWarning> {
    Ok(NewWarning {
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
        hours: t.hours,
        sender: t.sender,
        exercise: t.exercise,
        replaces,
    })
}

fn id_of(text: &str) -> Result<EntityId> {
    EntityId::parse(text)
        .with_context(|| format!("{text:?} is no warning id (see `yitu warning list`)"))
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
    let now = now_ms();
    match args.action {
        WarningAction::Issue(terms) => {
            let who = crate::user::need(who)?;
            let state = store
                .issue_new_warning(who, &new_warning(terms, None)?, now)
                .await?;
            show(&state, json, out)?;
        }
        WarningAction::Update { id, terms } => {
            let who = crate::user::need(who)?;
            let new = new_warning(terms, Some(id_of(&id)?))?;
            show(&store.issue_new_warning(who, &new, now).await?, json, out)?;
        }
        WarningAction::Lift { id, reason } => {
            let who = crate::user::need(who)?;
            let state = store.lift_warning(who, id_of(&id)?, &reason, now).await?;
            show(&state, json, out)?;
        }
        WarningAction::List => {
            let all = store.warnings(now).await?;
            if json {
                return crate::print_json(out, &all);
            }
            for s in &all {
                writeln!(out, "{}", line(s))?;
            }
        }
        WarningAction::Show { id } => show(&store.warning(id_of(&id)?, now).await?, json, out)?,
        WarningAction::Cap {
            id,
            unit_code,
            out: file,
        } => {
            let xml = store.warning_cap(id_of(&id)?, &unit_code, now).await?;
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
            let state = store
                .import_cap(who, &text, now)
                .await
                .with_context(|| format!("{} is not a CAP 1.2 warning", file.display()))?;
            show(&state, json, out)?;
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
