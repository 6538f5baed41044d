//! `yitu basemap`: the offline base maps the window shows, kept in `basemap.json` in the data
//! folder: add a tile package (MBTiles or PMTiles, checked first), list, remove, choose.

use anyhow::Result;
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use yitu_basemap::{Entry, Registry};

#[derive(Args)]
pub struct BasemapArgs {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand)]
enum Action {
    /// Add an MBTiles or PMTiles file (raster or vector) and show it as the base map. A broken,
    /// empty or non-tile file is refused and nothing changes.
    Add {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// The packages added; the active one is marked with *.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Forget a package (the file itself is left alone).
    Remove { id: String },
    /// Show this package as the base map; `none` for the shipped layers alone.
    Use { id: String },
}

pub async fn run(data_dir: &Path, args: BasemapArgs, out: &mut impl Write) -> Result<()> {
    let mut registry = Registry::load(data_dir)?;
    match args.action {
        Action::Add { file, json } => {
            let entry = registry.add(&file).await?;
            if json {
                crate::print_json(out, &entry)?;
            } else {
                writeln!(out, "已添加并启用底图 / base map added and in use:")?;
                line(out, &entry, true)?;
            }
        }
        Action::List { json } => {
            if json {
                let listed = serde_json::json!({
                    "active": registry.active().map(|e| &e.id),
                    "packages": registry.entries(),
                });
                crate::print_json(out, &listed)?;
            } else {
                let active = registry.active().map(|e| e.id.clone());
                for e in registry.entries() {
                    line(out, e, active.as_ref() == Some(&e.id))?;
                }
                if registry.entries().is_empty() {
                    writeln!(out, "没有底图 / no base maps added")?;
                }
            }
        }
        Action::Remove { id } => {
            let e = registry.remove(&id)?;
            writeln!(out, "已移除 / removed {} {}", e.id, e.path.display())?;
        }
        Action::Use { id } if id == "none" => {
            registry.clear_active()?;
            writeln!(out, "不使用底图 / no base map in use")?;
        }
        Action::Use { id } => {
            let e = registry.set_active(&id)?;
            writeln!(
                out,
                "使用底图 / base map in use: {} {}",
                e.id,
                e.path.display()
            )?;
        }
    }
    Ok(())
}

fn line(out: &mut impl Write, e: &Entry, active: bool) -> Result<()> {
    let m = &e.metadata;
    let format = serde_json::to_value(m.format)?;
    let kind = serde_json::to_value(m.kind)?;
    writeln!(
        out,
        "{} {}\t{}\t{} {}\tz{}–{}\t{}",
        if active { "*" } else { " " },
        e.id,
        m.name.as_deref().unwrap_or("-"),
        kind.as_str().unwrap_or("-"),
        format.as_str().unwrap_or("-"),
        m.min_zoom,
        m.max_zoom,
        e.path.display()
    )?;
    Ok(())
}
