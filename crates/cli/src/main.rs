//! `yitu`: the store of the desktop app, used and checked without a window.

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use yitu_domain::{demo, Layer};
use yitu_replica::Store;

mod basemap;
mod decision;
mod dispatch;
mod edit;
mod export;
mod import;
mod incident;
mod monitor;
mod overlay;
mod readiness;
mod roads;
mod sync;
mod user;
mod warning;

#[derive(Parser)]
#[command(
    name = "yitu",
    version,
    about = "一图 yitu — Hechuan emergency one-map, headless"
)]
struct Cli {
    /// Data folder holding yitu.sqlite (default: the platform data folder, as the app uses).
    #[arg(long, global = true, env = "YITU_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Act as this user of the desk (see `yitu user list`): every write (imports, edits, stock
    /// moves, conflicts resolved, incidents, decisions) names them as its author.
    #[arg(long = "as", global = true, env = "YITU_AS", value_name = "USER")]
    as_user: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load the demonstration dataset (演示数据) of Hechuan; loading it again changes nothing.
    SeedDemo {
        #[arg(long, default_value_t = demo::DEFAULT_SEED)]
        seed: u64,
        /// A larger generated set of exactly this many records, the demo set first (for the
        /// map benchmark; still demo data, names of generated records end in "（生成 N）").
        #[arg(long)]
        records: Option<usize>,
    },
    /// Counts per layer and per kind.
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// Write a layer (teams, experts, depots, shelters, hazards) as RFC 7946 GeoJSON, or it or
    /// the depots' stock (stock) as CSV or XLSX with Chinese headers the importer reads back.
    Export {
        layer: String,
        #[arg(long, value_enum, default_value_t = Format::Geojson)]
        format: Format,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Search every layer by name, town, kind or field, or stocked material code or name.
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// The nearest resources to a point, for dispatch (JSON).
    Nearest {
        #[command(subcommand)]
        what: NearestKind,
    },
    /// Towns no standby team of a specialty reaches within a distance or a travel time (JSON),
    /// worst first. Minutes are by road where a network is loaded.
    Coverage {
        /// e.g. water / 水上救援; all standby teams when absent.
        #[arg(long)]
        specialty: Option<String>,
        /// Straight-line distance in km.
        #[arg(
            long,
            conflicts_with = "minutes",
            required_unless_present = "minutes",
            allow_negative_numbers = true
        )]
        km: Option<f64>,
        /// Travel time in minutes (by road where loaded, else the stated estimate).
        #[arg(long, allow_negative_numbers = true)]
        minutes: Option<f64>,
    },
    /// Import a registry or stock from CSV (UTF-8 or GBK), XLSX, GeoJSON or Shapefile: every row
    /// validated; all or nothing unless --skip-invalid.
    Import(import::ImportArgs),
    /// Change fields of one record, validated as an import is (refused with reasons, nothing written).
    Update(edit::UpdateArgs),
    /// Retire a record (never deleted): it leaves the map and the analyses, its history stays.
    Retire(edit::RetireArgs),
    /// A stock movement: receive, issue, reserve, release, recount; never below zero.
    Stock(edit::StockArgs),
    /// Stock lines expired, expiring within 90 days, or below their minimum (最低库存).
    Warnings {
        #[arg(long)]
        json: bool,
    },
    /// Who changed a record, when, and what (JSON lines, oldest first).
    History(edit::HistoryArgs),
    /// People the district and each town's relocation reserve can support, against ≥ 5,000 / ≥ 200.
    Readiness(readiness::ReadinessArgs),
    /// Hazard points and shelters within a radius of a point, or inside an area, with totals
    /// (JSON).
    Within {
        /// longitude,latitude in WGS-84 degrees.
        #[arg(long, requires = "radius_km", required_unless_present = "area")]
        at: Option<String>,
        #[arg(long, allow_negative_numbers = true)]
        radius_km: Option<f64>,
        /// A GeoJSON file holding one Polygon (a geometry, a Feature or a FeatureCollection
        /// with one feature), in WGS-84.
        #[arg(long, conflicts_with = "at")]
        area: Option<PathBuf>,
    },
    /// Offline base maps (MBTiles, PMTiles): add, list, remove, use.
    Basemap(basemap::BasemapArgs),
    /// Vector overlays (GeoJSON, Shapefile, GeoPackage) in a named coordinate system: add, list,
    /// remove, show, hide.
    Overlay(overlay::OverlayArgs),
    /// The road network used for travel times: load (replacing any), show or clear it.
    Roads {
        #[command(subcommand)]
        action: RoadsAction,
    },
    /// The desk's users and their roles (`yitu user add --help` lists the roles).
    User(user::UserArgs),
    /// Check a user's password offline, as the window's login does: says OK, or refuses (a
    /// wrong password counted; five in a row lock the login for five minutes).
    Login(user::LoginArgs),
    /// Incidents: new, log (续报), show, list.
    Incident(incident::IncidentArgs),
    /// On-scene command decisions: draft, review, sign (or overrule, urgent), ack, arrive, leave,
    /// complete, withdraw, show, pdf.
    Decision(decision::DecisionArgs),
    /// Check every incident's signed chain and every issued decision; names the first broken link.
    Verify,
    /// 待办: the decisions waiting for the `--as` user's step (JSON).
    Inbox,
    /// Enrol this data folder with a district server, exchanging a one-time code for a device
    /// credential (kept in server.json beside the database, readable by its owner only).
    Enrol(sync::EnrolArgs),
    /// One sync pass with the server: push the outbox, pull what others changed.
    Sync(sync::SyncArgs),
    /// Fields changed concurrently on two devices, with both versions (JSON); or resolve one.
    Conflicts(sync::ConflictArgs),
    /// Monitoring (风险监测): stations and their health, the alarm board, a station's readings,
    /// a readings file imported, an alarm acknowledged, called (叫应) or cleared.
    Monitor(monitor::MonitorArgs),
    /// Warnings (预警): issue, update, lift, list, show whom one reaches (叫应), write one as
    /// CAP 1.2, take in another unit's CAP file.
    Warning(warning::WarningArgs),
}

/// Where to look from and how many to list.
#[derive(Args)]
struct Near {
    /// The point: longitude,latitude in WGS-84 degrees, e.g. 106.27,29.99.
    #[arg(long)]
    at: String,
    /// How many to list.
    #[arg(short, default_value_t = 5)]
    k: usize,
}

#[derive(Subcommand)]
enum NearestKind {
    /// Teams on standby (待命), optionally of a specialty or kind.
    Teams {
        #[command(flatten)]
        near: Near,
        /// e.g. water / 水上救援, forest_fire / 森林灭火.
        #[arg(long)]
        specialty: Option<String>,
        /// e.g. professional / 专业应急救援队伍.
        #[arg(long)]
        kind: Option<String>,
    },
    /// Experts of a field, with their availability.
    Experts {
        #[command(flatten)]
        near: Near,
        /// e.g. geology / 地质.
        #[arg(long)]
        field: Option<String>,
    },
    /// Depots that can still promise at least MIN of a GB/T 38565 material code (any level).
    Depots {
        #[command(flatten)]
        near: Near,
        #[arg(long)]
        code: String,
        #[arg(long, default_value_t = 1)]
        min: i64,
    },
    /// Shelters with at least MIN-FREE free places.
    Shelters {
        #[command(flatten)]
        near: Near,
        #[arg(long, default_value_t = 1)]
        min_free: u32,
    },
}

#[derive(Subcommand)]
enum RoadsAction {
    /// Load road lines: GeoJSON LineString/MultiLineString features or an ESRI Shapefile
    /// (.shp with its .dbf, GBK or UTF-8) of polylines, each with a class or a speed attribute.
    Load {
        file: PathBuf,
        /// The coordinate system of the file.
        #[arg(long, default_value = "wgs84", value_parser = ["wgs84", "gcj02", "bd09"])]
        crs: String,
        /// Speed (km/h) for lines that give neither a speed nor a known class.
        #[arg(long)]
        default_speed: Option<f64>,
    },
    /// What is loaded (JSON; `null` when nothing is).
    Show,
    /// Forget the loaded network.
    Clear,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Geojson,
    Csv,
    Xlsx,
}

/// Writes `value` as indented JSON and a newline: every `--json` answer and every report.
pub(crate) fn print_json(out: &mut impl Write, value: &impl serde::Serialize) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("yitu: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    let data_dir = match cli.data_dir {
        Some(d) => d,
        None => {
            yitu_replica::default_data_dir().context("no platform data folder: pass --data-dir")?
        }
    };
    let command = cli.command;
    if let Command::Basemap(args) = command {
        return basemap::run(&data_dir, args, &mut std::io::stdout().lock()).await;
    }
    if let Command::Overlay(args) = command {
        return overlay::run(&data_dir, args, &mut std::io::stdout().lock());
    }
    let store = Store::open(&data_dir)
        .await
        .with_context(|| format!("opening the store in {}", data_dir.display()))?;
    let mut out = std::io::stdout().lock();
    // The commands that write name `--as` as the author of what they write.
    let actor = match (&cli.as_user, &command) {
        (
            Some(name),
            Command::Import(_)
            | Command::Update(_)
            | Command::Retire(_)
            | Command::Stock(_)
            | Command::Conflicts(_)
            | Command::Incident(_)
            | Command::Decision(_)
            | Command::Monitor(_)
            | Command::Warning(_),
        ) => Some(user::acting(&store, name).await?),
        _ => None,
    };
    match command {
        Command::Basemap(_) | Command::Overlay(_) => {
            unreachable!("answered before the store is opened")
        }
        Command::SeedDemo { seed, records } => {
            let report = match records {
                Some(n) => store.seed_generated(seed, n).await?,
                None => store.seed_demo(seed).await?,
            };
            writeln!(
                out,
                "演示数据 / demo data (seed {seed}): {} records and {} ledger entries added",
                report.resources_inserted, report.ledger_entries_inserted
            )?;
        }
        Command::Stats { json } => {
            let stats = store.stats().await?;
            if json {
                print_json(&mut out, &stats)?;
            } else {
                for layer in Layer::ALL {
                    let s = &stats.layers[layer.code()];
                    writeln!(out, "{} {}: {}", layer.zh(), layer.en(), s.total)?;
                    for (kind, n) in &s.by_kind {
                        writeln!(out, "    {kind}: {n}")?;
                    }
                }
                writeln!(
                    out,
                    "towns: {}, stock lines: {}, ledger entries: {}",
                    stats.towns, stats.stock_lines, stats.ledger_entries
                )?;
                if stats.demo {
                    writeln!(out, "{}", demo::NOTICE_ZH)?;
                }
            }
        }
        Command::Export {
            layer,
            format,
            out: file,
        } => export::run(&store, &layer, format, file.as_deref(), &mut out).await?,
        Command::Import(args) => {
            import::run(&store, actor.as_ref(), args, &mut out).await?;
        }
        Command::Update(args) => edit::update(&store, actor.as_ref(), args, &mut out).await?,
        Command::Retire(args) => edit::retire(&store, actor.as_ref(), args, &mut out).await?,
        Command::Stock(args) => edit::stock(&store, actor.as_ref(), args, &mut out).await?,
        Command::Warnings { json } => edit::warnings(&store, json, &mut out).await?,
        Command::History(args) => edit::history(&store, args, &mut out).await?,
        Command::Readiness(args) => readiness::run(&store, args, &mut out).await?,
        Command::Search { query, limit, json } => {
            let hits = store.search(&query, limit).await?;
            if json {
                print_json(&mut out, &hits)?;
            } else {
                for h in &hits {
                    let layer = h.layer.zh();
                    writeln!(
                        out,
                        "{layer}\t{}\t{}\t{:.5},{:.5}\t{}",
                        h.name, h.town, h.lon, h.lat, h.id
                    )?;
                }
                if hits.is_empty() {
                    writeln!(out, "没有找到 / nothing found: {query:?}")?;
                }
            }
        }
        Command::Nearest { what } => {
            let report = dispatch::nearest(&store, what).await?;
            print_json(&mut out, &report)?;
        }
        Command::Coverage {
            specialty,
            km,
            minutes,
        } => {
            let report = dispatch::coverage(&store, specialty, km, minutes).await?;
            print_json(&mut out, &report)?;
        }
        Command::Within {
            at,
            radius_km,
            area,
        } => {
            let report = match (at, radius_km, area) {
                (Some(at), Some(radius_km), None) => {
                    dispatch::within(&store, &at, radius_km).await?
                }
                (None, None, Some(area)) => dispatch::inside(&store, &area).await?,
                _ => anyhow::bail!("give --at with --radius-km, or --area"),
            };
            print_json(&mut out, &report)?;
        }
        Command::User(args) => user::run(&store, args, &mut out).await?,
        Command::Login(args) => user::login(&store, args, &mut out).await?,
        Command::Incident(args) => incident::run(&store, actor.as_ref(), args, &mut out).await?,
        Command::Monitor(args) => monitor::run(&store, actor.as_ref(), args, &mut out).await?,
        Command::Warning(args) => warning::run(&store, actor.as_ref(), args, &mut out).await?,
        Command::Decision(args) => decision::run(&store, actor.as_ref(), args, &mut out).await?,
        Command::Verify => decision::verify(&store, &mut out).await?,
        Command::Inbox => {
            let name = cli
                .as_user
                .as_deref()
                .context("say whose 待办: --as USER (see `yitu user list`)")?;
            let who = user::acting(&store, name).await?;
            print_json(&mut out, &store.inbox(&who).await?)?;
        }
        Command::Enrol(args) => sync::enrol(&store, args, &mut out).await?,
        Command::Sync(args) => sync::run(&store, args, &mut out).await?,
        Command::Conflicts(args) => sync::conflicts(&store, actor.as_ref(), args, &mut out).await?,
        Command::Roads { action } => {
            let report = match action {
                RoadsAction::Load {
                    file,
                    crs,
                    default_speed,
                } => roads::load(&store, &file, &crs, default_speed).await?,
                RoadsAction::Show => serde_json::to_value(store.roads().await?.map(|r| r.info))?,
                RoadsAction::Clear => {
                    serde_json::json!({ "cleared": store.clear_roads().await? })
                }
            };
            print_json(&mut out, &report)?;
        }
    }
    store.close().await;
    Ok(())
}
