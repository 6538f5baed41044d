//! What the fuzz targets share: a scratch folder for inputs that must be files, a runtime for
//! the async readers, the split of one input into a Shapefile's parts, and the domain's import
//! check every table a reader gives goes through (as `yitu import` and the window do).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use yitu_domain::import::{self, Context, Crs, ImportKind, SourceRow};
use yitu_domain::registries::town::{self, Town};
use yitu_domain::space::district::District;
use yitu_domain::EntityId;
use yitu_formats::Table;

/// A folder of this process's own (readers that take a path get the bytes written there).
/// `scripts/fuzz.sh` points `TMPDIR` into `fuzz/target`, so nothing is left in /tmp.
fn scratch() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        tempfile::Builder::new()
            .prefix("yitu-fuzz-")
            .tempdir()
            .expect("a scratch folder")
    })
    .path()
}

/// Writes `bytes` to `name` in the scratch folder, replacing what the last input left there.
pub fn file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = scratch().join(name);
    std::fs::write(&path, bytes).expect("writing a scratch file");
    path
}

/// Removes `name` from the scratch folder if it is there.
pub fn remove(name: &str) {
    let _ = std::fs::remove_file(scratch().join(name));
}

/// One current-thread runtime for the whole run (the base-map readers are async).
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

/// Splits an input into `N` parts: each part but the last is a little-endian u32 length and
/// that many bytes (a length past the end takes what is left), the last part the rest.
pub fn parts<const N: usize>(mut data: &[u8]) -> [&[u8]; N] {
    let mut out = [&[][..]; N];
    for part in out.iter_mut().take(N - 1) {
        let n = match data.get(..4) {
            Some(len) => u32::from_le_bytes(len.try_into().expect("4 bytes")) as usize,
            None => data.len(),
        };
        data = data.get(4..).unwrap_or_default();
        let n = n.min(data.len());
        *part = &data[..n];
        data = &data[n..];
    }
    out[N - 1] = data;
    out
}

/// The inverse of [`parts`], for the seed corpus.
pub fn join(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        if i + 1 < parts.len() {
            out.extend_from_slice(&(p.len() as u32).to_le_bytes());
        }
        out.extend_from_slice(p);
    }
    out
}

struct Place {
    district: District,
    towns: Vec<Town>,
}

/// Checks `table` as every kind of import, as `Store::check_import` does before it plans the
/// import against the registry (here an empty one).
pub fn check_as_every_import(table: &Table) {
    static PLACE: OnceLock<Place> = OnceLock::new();
    let place = PLACE.get_or_init(|| Place {
        district: District::hechuan(),
        towns: town::all(),
    });
    let rows: Vec<SourceRow> = table
        .rows
        .iter()
        .map(|r| SourceRow {
            line: r.line,
            cells: &r.cells,
            geometry: r.geometry.as_ref(),
        })
        .collect();
    let header_line = rows
        .first()
        .map(|r| r.line.saturating_sub(1))
        .unwrap_or(1)
        .max(1);
    let mut n = 0u64;
    let mut new_id = || {
        n += 1;
        EntityId::v7(n, [0; 10])
    };
    for &kind in ImportKind::ALL {
        for crs in [Crs::Wgs84, Crs::Gcj02] {
            let mut ctx = Context {
                district: &place.district,
                towns: &place.towns,
                crs,
                new_id: &mut new_id,
            };
            let parsed = import::parse(kind, &table.headers, &rows, header_line, &mut ctx);
            if kind == ImportKind::Stock {
                let _ = import::plan::stock(&parsed.rows, &import::plan::StockState::default());
            } else {
                let _ = import::plan::resources(&parsed.rows, &[]);
            }
        }
    }
}

/// Opens a tile package as the window does and asks for tiles as a map would: the world tile,
/// the corners and the middle of each zoom the package claims (a few), and the tile under the
/// package's bounds' centre; each tile's gzip is undone as the window's scheme handler does.
pub fn read_tiles(path: &Path) {
    runtime().block_on(async {
        let Ok(package) = yitu_basemap::Package::open(path).await else {
            return;
        };
        let meta = package.metadata().clone();
        let mut asks = vec![(0u8, 0u32, 0u32)];
        for z in meta.min_zoom..=meta.max_zoom.min(meta.min_zoom.saturating_add(3)).min(30) {
            let last = (1u32 << z) - 1;
            asks.extend([(z, 0, 0), (z, last, last), (z, last / 2, last / 2)]);
            if let Some([w, s, e, n]) = meta.bounds {
                let (lon, lat) = ((w + e) / 2.0, (s + n) / 2.0);
                let scale = f64::from(1u32 << z);
                let x = ((lon + 180.0) / 360.0 * scale).clamp(0.0, scale - 1.0) as u32;
                let lat = lat.clamp(-85.0, 85.0).to_radians();
                let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0
                    * scale)
                    .clamp(0.0, scale - 1.0) as u32;
                asks.push((z, x, y));
            }
        }
        for (z, x, y) in asks {
            if let Ok(Some(tile)) = package.tile(z, x, y).await {
                let _ = tile.decompressed();
            }
        }
        package.close().await;
    });
}
