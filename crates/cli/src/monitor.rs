//! `yitu monitor`: the desk's monitoring without a window — stations with their health, the
//! alarm board, a station's readings, importing a readings file, and acknowledging, calling
//! (叫应) or clearing an alarm. JSON with `--json`, plain lines otherwise.

use crate::import::now_ms;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use yitu_domain::beijing_time::BeijingTime;
use yitu_domain::import::SourceRow;
use yitu_domain::monitoring::{self as m, Lateness, Step};
use yitu_domain::EntityId;
use yitu_replica::user::Actor;
use yitu_replica::Store;

#[derive(Args)]
pub struct MonitorArgs {
    #[command(subcommand)]
    action: MonitorAction,
    /// Print JSON.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Subcommand)]
enum MonitorAction {
    /// The stations: code, name, health (正常/超阈值/离线/未知), last heard, 24 h rain.
    Stations,
    /// The alarm board: open alarms first, gravest first, and what is overdue.
    Alarms,
    /// A station's readings over the last `--hours` hours.
    Readings {
        code: String,
        #[arg(long, default_value_t = 48)]
        hours: i64,
    },
    /// Import readings from a CSV or XLSX file (columns 测站编码, 要素, 观测时间, 值): every row
    /// checked, all or nothing. Readings more than `--lateness-min` old are kept as historical
    /// (drawn, never alarmed on).
    Import {
        file: PathBuf,
        #[arg(long, default_value_t = 60)]
        lateness_min: i64,
    },
    /// Register stations from a CSV or XLSX file (columns 测站编码, 测站名称, 测站类型, 主管部门,
    /// 经度, 纬度, 所属镇街; optional 报送间隔 (minutes), 警戒水位, 保证水位, 河段). A code already
    /// registered is that station, its record replaced by the row. All or nothing.
    Register { file: PathBuf },
    /// 确认: acknowledge an alarm as the `--as` user.
    Ack { alarm: String },
    /// 叫应: record a call about an alarm (who was called, their phone and role, answered or not).
    Call {
        alarm: String,
        #[arg(long)]
        who: String,
        #[arg(long, default_value = "")]
        phone: String,
        /// e.g. 群测群防员, 镇街值班, 村社干部.
        #[arg(long, default_value = "")]
        role: String,
        #[arg(long)]
        answered: bool,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 人工解除: clear an alarm by hand, with the reason.
    Clear {
        alarm: String,
        #[arg(long)]
        reason: String,
    },
}

/// A CSV or XLSX file read into a table of text cells.
fn read_table(file: &std::path::Path) -> Result<yitu_formats::Table> {
    yitu_formats::read(file).with_context(|| format!("reading {}", file.display()))
}

/// The table's rows as the domain's parsers take them.
fn source_rows(table: &yitu_formats::Table) -> Vec<SourceRow<'_>> {
    table
        .rows
        .iter()
        .map(|r| SourceRow {
            line: r.line,
            cells: &r.cells,
            geometry: None,
        })
        .collect()
}

fn beijing(ms: i64) -> String {
    BeijingTime::from_unix_ms(ms).datetime()
}

pub async fn run(
    store: &Store,
    who: Option<&Actor>,
    args: MonitorArgs,
    out: &mut impl Write,
) -> Result<()> {
    let now = now_ms();
    let alarm_id = |text: &str| {
        EntityId::parse(text)
            .with_context(|| format!("{text:?} is no alarm id (see `yitu monitor alarms`)"))
    };
    match args.action {
        MonitorAction::Stations => {
            let view = store.monitoring(now).await?;
            if args.json {
                return crate::print_json(out, &view.stations);
            }
            for s in &view.stations {
                let heard = s.last_heard_ms.map(beijing).unwrap_or_else(|| "—".into());
                let rain = s
                    .rain_24h_mm
                    .map(|r| format!("\t24h {r:.1} mm"))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{heard}{rain}",
                    s.station.code,
                    s.station.name,
                    s.station.kind.zh(),
                    s.health_zh
                )?;
            }
        }
        MonitorAction::Alarms => {
            let view = store.monitoring(now).await?;
            if args.json {
                return crate::print_json(
                    out,
                    &serde_json::json!({
                        "alarms": view.alarms,
                        "overdue": view.overdue,
                    }),
                );
            }
            for a in &view.alarms {
                let e = &a.alarm.episode;
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    e.id,
                    a.station_name,
                    e.rule.zh(),
                    e.level().zh(),
                    beijing(e.raised_at_ms),
                    a.alarm.state.zh(),
                    if e.is_open() {
                        "未解除"
                    } else {
                        "已结束"
                    }
                )?;
            }
            for o in &view.overdue {
                writeln!(out, "超时\t{}\t{}\t{}", o.alarm, o.station, o.kind.zh())?;
            }
        }
        MonitorAction::Readings { code, hours } => {
            let readings = store
                .readings_of(&code, now - hours * 3_600_000, now + 86_400_000)
                .await?;
            if readings.is_empty() {
                bail!("no readings of station {code:?} in the last {hours} hours");
            }
            if args.json {
                return crate::print_json(out, &readings);
            }
            for r in readings {
                let late = if r.historical { "\t历史补报" } else { "" };
                writeln!(
                    out,
                    "{}\t{}\t{} {}{late}",
                    beijing(r.observed_at_ms),
                    r.element.label(),
                    r.value,
                    r.element.unit()
                )?;
            }
        }
        MonitorAction::Import { file, lateness_min } => {
            let who = crate::user::need(who)?;
            let table = read_table(&file)?;
            let rows = source_rows(&table);
            let parsed = m::import::parse(
                &table.headers,
                &rows,
                now,
                Lateness {
                    after_ms: lateness_min.max(0) * 60_000,
                },
            );
            if !parsed.issues.is_empty() {
                for i in &parsed.issues {
                    eprintln!("line {}: {}: {}", i.line, i.field, i.reason);
                }
                bail!(
                    "{} rows refused; nothing imported / {} 行有误，未导入",
                    parsed.issues.len(),
                    parsed.issues.len()
                );
            }
            let added = store.import_readings(who, &parsed.readings, now).await?;
            if args.json {
                return crate::print_json(
                    out,
                    &serde_json::json!({"rows": parsed.readings.len(), "added": added}),
                );
            }
            writeln!(
                out,
                "{} readings read, {added} new / 读入 {} 条，新增 {added} 条",
                parsed.readings.len(),
                parsed.readings.len()
            )?;
        }
        MonitorAction::Register { file } => {
            let who = crate::user::need(who)?;
            let table = read_table(&file)?;
            let rows = source_rows(&table);
            let held = store.stations().await?;
            let mut fresh = crate::import::id_source(now);
            let (stations, issues) = m::import::stations(&table.headers, &rows, |code| {
                held.iter()
                    .find(|s| s.code == code)
                    .map(|s| s.id)
                    .unwrap_or_else(&mut fresh)
            });
            if !issues.is_empty() {
                for i in &issues {
                    eprintln!("line {}: {}: {}", i.line, i.field, i.reason);
                }
                bail!(
                    "{} rows refused; nothing registered / {} 行有误，未登记",
                    issues.len(),
                    issues.len()
                );
            }
            for s in &stations {
                store.register_station(who, s, now).await?;
            }
            writeln!(
                out,
                "{} stations registered / 登记测站 {} 个",
                stations.len(),
                stations.len()
            )?;
        }
        MonitorAction::Ack { alarm } => {
            let who = crate::user::need(who)?;
            let step = Step::Acknowledged {
                alarm: alarm_id(&alarm)?,
                by: who.name.clone(),
                at_ms: now,
            };
            step_taken(store, who, &step, now, out).await?;
        }
        MonitorAction::Call {
            alarm,
            who: callee,
            phone,
            role,
            answered,
            note,
        } => {
            let who = crate::user::need(who)?;
            let step = Step::Called {
                alarm: alarm_id(&alarm)?,
                who: callee,
                phone,
                role,
                at_ms: now,
                answered,
                note,
            };
            step_taken(store, who, &step, now, out).await?;
        }
        MonitorAction::Clear { alarm, reason } => {
            let who = crate::user::need(who)?;
            let step = Step::Cleared {
                alarm: alarm_id(&alarm)?,
                by: who.name.clone(),
                at_ms: now,
                reason,
            };
            step_taken(store, who, &step, now, out).await?;
        }
    }
    Ok(())
}

/// Records a step (the store refuses one for an alarm this desk does not know) and says the
/// alarm's state after it.
async fn step_taken(
    store: &Store,
    who: &Actor,
    step: &Step,
    now: i64,
    out: &mut impl Write,
) -> Result<()> {
    store
        .alarm_step(who, step, now)
        .await
        .map_err(|e| match e {
            yitu_replica::Error::NotFound { .. } => {
                anyhow::anyhow!(
                    "no alarm {} on this desk (see `yitu monitor alarms`)",
                    step.alarm()
                )
            }
            other => other.into(),
        })?;
    let after = store.monitoring(now).await?;
    if let Some(a) = after
        .alarms
        .iter()
        .find(|x| x.alarm.episode.id == step.alarm())
    {
        writeln!(
            out,
            "{}\t{}\t{}",
            a.station_name,
            a.alarm.episode.rule.zh(),
            a.alarm.state.zh()
        )?;
    }
    Ok(())
}
