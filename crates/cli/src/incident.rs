//! `yitu incident`: record an incident, append to its log (续报), show it. JSON out.

use crate::dispatch::parse_point;
use crate::import::{id_source, now_ms};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use yitu_domain::command::incident::{
    Incident, IncidentKind, IncidentLevel, IncidentStatus, LogEntry, Toll,
};
use yitu_domain::space::area::Area;
use yitu_domain::EntityId;
use yitu_replica::printout::Fonts;
use yitu_replica::user::Actor;
use yitu_replica::Store;

#[derive(Args)]
pub struct IncidentArgs {
    #[command(subcommand)]
    action: IncidentAction,
}

#[derive(Args)]
struct TollArgs {
    #[arg(long)]
    dead: Option<u32>,
    #[arg(long)]
    injured: Option<u32>,
    #[arg(long)]
    missing: Option<u32>,
    /// People affected (受灾/受影响人数).
    #[arg(long)]
    affected: Option<u32>,
}

impl TollArgs {
    fn any(&self) -> bool {
        self.dead.is_some()
            || self.injured.is_some()
            || self.missing.is_some()
            || self.affected.is_some()
    }
    fn over(&self, before: Toll) -> Toll {
        Toll {
            dead: self.dead.unwrap_or(before.dead),
            injured: self.injured.unwrap_or(before.injured),
            missing: self.missing.unwrap_or(before.missing),
            affected: self.affected.unwrap_or(before.affected),
        }
    }
}

#[derive(Subcommand)]
enum IncidentAction {
    /// Record a new incident.
    New {
        /// e.g. forest_fire / 森林火灾, flood, landslide, hazardous_chemicals, road_traffic.
        #[arg(long)]
        kind: String,
        /// extremely_serious / 特别重大, serious / 重大, major / 较大, general / 一般.
        #[arg(long)]
        level: String,
        /// Where: longitude,latitude (WGS-84).
        #[arg(long)]
        at: String,
        #[arg(long)]
        title: Option<String>,
        /// When it happened, Unix milliseconds (default: now).
        #[arg(long)]
        time_ms: Option<i64>,
        /// The affected area: a GeoJSON file holding one Polygon.
        #[arg(long)]
        area: Option<PathBuf>,
        #[command(flatten)]
        toll: TollArgs,
    },
    /// Append a 续报 to an incident's log (optionally with a new toll).
    Log {
        id: String,
        #[arg(long)]
        text: String,
        #[command(flatten)]
        toll: TollArgs,
    },
    /// An incident with its log and its decisions.
    Show { id: String },
    /// All incidents, newest first.
    List,
    /// Print the incident briefing (事件态势简报, ICS-201 style) as a PDF.
    Pdf {
        id: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = yitu_print::DEFAULT_FONT)]
        font: PathBuf,
        #[arg(long, default_value = yitu_print::DEFAULT_LATIN_FONT)]
        latin_font: PathBuf,
    },
}

pub async fn run(
    store: &Store,
    actor: Option<&Actor>,
    args: IncidentArgs,
    out: &mut impl Write,
) -> Result<()> {
    let value = match args.action {
        IncidentAction::New {
            kind,
            level,
            at,
            title,
            time_ms,
            area,
            toll,
        } => {
            let actor = actor.context("say who is acting: --as USER")?;
            let kind = IncidentKind::from_code(&kind)?;
            let level = IncidentLevel::from_code(&level)?;
            let point = parse_point(&at)?;
            let area = match area {
                Some(file) => Some(read_polygon(&file)?),
                None => None,
            };
            let at_ms = now_ms();
            let incident = Incident {
                id: id_source(at_ms)(),
                title: title.unwrap_or_else(|| Incident::default_title(kind)),
                kind,
                level,
                status: IncidentStatus::Responding,
                at_ms: time_ms.unwrap_or(at_ms),
                point,
                area,
                toll: toll.over(Toll::default()),
                created_by: actor.name.clone(),
            };
            store.create_incident(actor, &incident, at_ms).await?;
            serde_json::to_value(&incident)?
        }
        IncidentAction::Log { id, text, toll } => {
            let actor = actor.context("say who is acting: --as USER")?;
            let id = EntityId::parse(&id)?;
            let incident = store.incident(id).await?;
            anyhow::ensure!(!text.trim().is_empty(), "--text must not be empty");
            let at_ms = now_ms();
            let entry = LogEntry {
                id: id_source(at_ms)(),
                incident_id: id,
                at_ms,
                author: actor.name.clone(),
                text: text.trim().to_owned(),
                toll: toll.any().then(|| toll.over(incident.toll)),
            };
            store.add_log(actor, &entry, at_ms).await?;
            serde_json::to_value(&entry)?
        }
        IncidentAction::Show { id } => {
            let id = EntityId::parse(&id)?;
            let incident = store.incident(id).await?;
            let log = store.incident_log(id).await?;
            let decisions: Vec<_> = store
                .decisions_of(id)
                .await?
                .into_iter()
                .map(|d| serde_json::json!({"id": d.id, "number": d.number, "state": d.state}))
                .collect();
            serde_json::json!({
                "incident": incident,
                "category": incident.kind.category(),
                "log": log,
                "decisions": decisions,
            })
        }
        IncidentAction::List => serde_json::to_value(store.incidents().await?)?,
        IncidentAction::Pdf {
            id,
            out: file,
            font,
            latin_font,
        } => {
            let fonts = Fonts::read(&latin_font, &font)?;
            let printed_by = actor.map(|a| a.name.as_str()).unwrap_or("");
            let bytes = store
                .incident_briefing_pdf(EntityId::parse(&id)?, printed_by, &fonts, now_ms())
                .await?;
            std::fs::write(&file, &bytes).with_context(|| format!("writing {}", file.display()))?;
            serde_json::json!({"pdf": file, "bytes": bytes.len()})
        }
    };
    crate::print_json(out, &value)?;
    Ok(())
}

/// One Polygon from a GeoJSON file, checked as a drawn area is.
fn read_polygon(file: &std::path::Path) -> Result<geojson::Geometry> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let geometry = match text
        .parse::<geojson::GeoJson>()
        .with_context(|| format!("{} is not GeoJSON", file.display()))?
    {
        geojson::GeoJson::Geometry(g) => g,
        geojson::GeoJson::Feature(f) => f.geometry.context("the feature has no geometry")?,
        geojson::GeoJson::FeatureCollection(fc) => fc
            .features
            .into_iter()
            .next()
            .and_then(|f| f.geometry)
            .context("the collection has no feature with a geometry")?,
    };
    Area::from_geojson(&geometry).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    Ok(geometry)
}
