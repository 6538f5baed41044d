//! `yitu export`: a registry (or the depots' stock) as GeoJSON, CSV (UTF-8 with BOM) or XLSX,
//! the spreadsheets with the Chinese headers the importer reads back and each record's id.

use crate::Format;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::Path;
use yitu_domain::import::ImportKind;
use yitu_domain::Layer;
use yitu_replica::Store;

pub async fn run(
    store: &Store,
    layer: &str,
    format: Format,
    file: Option<&Path>,
    out: &mut impl Write,
) -> Result<()> {
    let Ok(kind) = ImportKind::from_code(layer) else {
        bail!("unknown layer {layer:?}: one of teams, experts, depots, shelters, hazards, stock");
    };
    if let Format::Geojson = format {
        let Ok(layer) = Layer::from_code(kind.code()) else {
            bail!("stock has no positions of its own: export it as csv or xlsx");
        };
        let text = store.feature_collection(layer).await?.to_string();
        match file {
            Some(path) => {
                std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?
            }
            None => writeln!(out, "{text}")?,
        }
        return Ok(());
    }
    let (headers, rows) = store.export_table(kind).await?;
    let Some(path) = file else {
        bail!("--out FILE is needed for csv and xlsx exports");
    };
    if let Format::Xlsx = format {
        yitu_formats::write_xlsx(path, kind.code(), &headers, &rows)?;
    } else {
        yitu_formats::write_csv(path, &headers, &rows)?;
    }
    Ok(())
}
