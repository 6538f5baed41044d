//! `yitu overlay`: the user's vector overlays drawn over the map (GeoJSON, Shapefile or
//! GeoPackage, in the coordinate system named when added), kept converted to WGS-84 in the data folder with
//! `overlays.json`: add, list, remove, show, hide.

use anyhow::Result;
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use yitu_overlay::{Crs, Entry, Registry};

#[derive(Args)]
pub struct OverlayArgs {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand)]
enum Action {
    /// Add a GeoJSON file, a Shapefile (.shp with its .dbf) or a GeoPackage (.gpkg: every
    /// feature table) and show it. A broken or empty file, one with no features, or one whose
    /// positions are not longitude/latitude near Hechuan (a GeoPackage table in a projected
    /// system) is refused and nothing changes.
    Add {
        file: PathBuf,
        /// The file's coordinate system: wgs84 (also CGCS2000, GPS, Tianditu), gcj02 (AMap,
        /// Tencent), bd09 (Baidu).
        #[arg(long, value_parser = ["wgs84", "gcj02", "bd09"])]
        crs: String,
        /// The name shown in the window (default: the file's name).
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The overlays added; hidden ones are marked with -.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Forget an overlay and its converted copy (the source file is left alone).
    Remove { id: String },
    /// Draw the overlay on the map.
    Show { id: String },
    /// Stop drawing the overlay (it stays in the list).
    Hide { id: String },
}

pub fn run(data_dir: &Path, args: OverlayArgs, out: &mut impl Write) -> Result<()> {
    let mut registry = Registry::load(data_dir)?;
    match args.action {
        Action::Add {
            file,
            crs,
            name,
            json,
        } => {
            let crs = Crs::from_code(&crs)?;
            let entry = registry.add(&file, crs, name.as_deref())?;
            if json {
                crate::print_json(out, &entry)?;
            } else {
                writeln!(out, "已添加叠加图层 / overlay added:")?;
                line(out, &entry)?;
            }
        }
        Action::List { json } => {
            if json {
                let listed = serde_json::json!({ "overlays": registry.entries() });
                crate::print_json(out, &listed)?;
            } else {
                for e in registry.entries() {
                    line(out, e)?;
                }
                if registry.entries().is_empty() {
                    writeln!(out, "没有叠加图层 / no overlays added")?;
                }
            }
        }
        Action::Remove { id } => {
            let e = registry.remove(&id)?;
            writeln!(out, "已移除 / removed {} {}", e.id, e.name)?;
        }
        Action::Show { id } => {
            let e = registry.set_shown(&id, true)?;
            writeln!(out, "显示 / shown: {} {}", e.id, e.name)?;
        }
        Action::Hide { id } => {
            let e = registry.set_shown(&id, false)?;
            writeln!(out, "隐藏 / hidden: {} {}", e.id, e.name)?;
        }
    }
    Ok(())
}

fn line(out: &mut impl Write, e: &Entry) -> Result<()> {
    writeln!(
        out,
        "{} {}\t{}\t{} 个要素 / features\t{}\t{}\t{}",
        if e.shown { " " } else { "-" },
        e.id,
        e.name,
        e.features,
        e.crs.code(),
        e.colour,
        e.source.display()
    )?;
    Ok(())
}
