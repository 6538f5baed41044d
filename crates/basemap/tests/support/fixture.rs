//! Tile packages made by tests, written from the specs with nothing of yitu-basemap's own code
//! (its PMTiles tile ids are computed here another way): an MBTiles through SQLite and a PMTiles
//! v3 byte by byte, holding tiny real PNGs (or gzip'd stand-ins for vector tiles).

#![allow(dead_code)]

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::ConnectOptions;
use std::io::Write;
use std::path::Path;

/// One tile at z/x/y (XYZ, y down) and its bytes.
pub type Tiles = Vec<(u8, u32, u32, Vec<u8>)>;

/// A 1×1 PNG of one colour.
pub fn png(rgb: [u8; 3]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, 1, 1);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&rgb).unwrap();
    writer.finish().unwrap();
    out
}

/// Every tile of zooms 0 and 1, and at zoom 2 only x=1, y=0 (north-west quarter's east half),
/// each a PNG of its own colour.
pub fn raster_tiles() -> Tiles {
    let mut tiles = vec![(0, 0, 0, png([0, 0, 0]))];
    for x in 0..2 {
        for y in 0..2 {
            tiles.push((1, x, y, png([10 + x as u8, 20 + y as u8, 30])));
        }
    }
    tiles.push((2, 1, 0, png([200, 100, 50])));
    tiles
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Stand-in vector tiles (the bytes need not be valid MVT for a package reader), gzip'd.
pub fn vector_tiles() -> Tiles {
    (0..4u8)
        .map(|i| {
            let (z, x, y) = [(0, 0, 0), (1, 0, 1), (1, 1, 0), (2, 3, 2)][i as usize];
            (z, x, y, gzip(format!("mvt tile {z}/{x}/{y}").as_bytes()))
        })
        .collect()
}

pub const VECTOR_LAYERS: &str =
    r#"[{"id":"water","fields":{"name":"String"}},{"id":"roads","fields":{}}]"#;

/// Writes an MBTiles: `metadata` rows as given and `tiles` rows with tile_row = 2^z − 1 − y.
/// `tiles: None` leaves out the tiles table altogether.
pub async fn write_mbtiles(path: &Path, tiles: Option<&Tiles>, metadata: &[(&str, &str)]) {
    let mut db = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Delete)
        .connect()
        .await
        .unwrap();
    sqlx::query("CREATE TABLE metadata (name TEXT, value TEXT)")
        .execute(&mut db)
        .await
        .unwrap();
    for (name, value) in metadata {
        sqlx::query("INSERT INTO metadata (name, value) VALUES (?, ?)")
            .bind(name)
            .bind(value)
            .execute(&mut db)
            .await
            .unwrap();
    }
    if let Some(tiles) = tiles {
        sqlx::query(
            "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, \
             tile_data BLOB)",
        )
        .execute(&mut db)
        .await
        .unwrap();
        sqlx::query("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
            .execute(&mut db)
            .await
            .unwrap();
        for (z, x, y, bytes) in tiles {
            sqlx::query(
                "INSERT INTO tiles (zoom_level, tile_column, tile_row, tile_data) \
                 VALUES (?, ?, ?, ?)",
            )
            .bind(i64::from(*z))
            .bind(i64::from(*x))
            .bind((1i64 << z) - 1 - i64::from(*y))
            .bind(bytes)
            .execute(&mut db)
            .await
            .unwrap();
        }
    }
    sqlx::Connection::close(db).await.unwrap();
}

/// How to lay out a PMTiles.
pub struct Pm {
    /// 1 mvt, 2 png, 3 jpeg, 4 webp.
    pub tile_type: u8,
    /// Tiles given are already gzip'd (tile compression 2) or not (1).
    pub gzip_tiles: bool,
    /// Directories and metadata gzip'd (internal compression 2) or not (1).
    pub gzip_dirs: bool,
    /// All entries in one leaf directory, the root pointing to it.
    pub leaves: bool,
    pub metadata: serde_json::Value,
}

/// The tile id of z/x/y, from the spec: tiles of lower zooms first, then the Hilbert index.
/// (Rotation by the current quadrant size, as the reference implementation does.)
fn hilbert_id(z: u8, x: u32, y: u32) -> u64 {
    let mut id: u64 = (0..z).map(|i| 4u64.pow(u32::from(i))).sum();
    let (mut x, mut y) = (i64::from(x), i64::from(y));
    let mut s: i64 = (1i64 << z) >> 1;
    while s > 0 {
        let rx = i64::from(x & s != 0);
        let ry = i64::from(y & s != 0);
        id += (s * s * ((3 * rx) ^ ry)) as u64;
        if ry == 0 {
            if rx == 1 {
                x = s - 1 - (x & (s - 1));
                y = s - 1 - (y & (s - 1));
            }
            std::mem::swap(&mut x, &mut y);
        }
        x &= s - 1;
        y &= s - 1;
        s >>= 1;
    }
    id
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// (tile id, offset, length, run length), sorted by id.
fn directory(entries: &[(u64, u64, u64, u64)]) -> Vec<u8> {
    let mut out = Vec::new();
    varint(&mut out, entries.len() as u64);
    let mut last = 0;
    for e in entries {
        varint(&mut out, e.0 - last);
        last = e.0;
    }
    for e in entries {
        varint(&mut out, e.3);
    }
    for e in entries {
        varint(&mut out, e.2);
    }
    for (i, e) in entries.iter().enumerate() {
        let contiguous = i > 0 && e.1 == entries[i - 1].1 + entries[i - 1].2;
        varint(&mut out, if contiguous { 0 } else { e.1 + 1 });
    }
    out
}

/// Writes a PMTiles v3: header, root directory, metadata, leaf directories, tile data.
pub fn write_pmtiles(path: &Path, tiles: &Tiles, pm: &Pm) {
    let mut sorted: Vec<(u64, &Vec<u8>)> = tiles
        .iter()
        .map(|(z, x, y, b)| (hilbert_id(*z, *x, *y), b))
        .collect();
    sorted.sort_by_key(|t| t.0);
    let mut data = Vec::new();
    let mut entries = Vec::new();
    for (id, bytes) in &sorted {
        entries.push((*id, data.len() as u64, bytes.len() as u64, 1));
        data.extend_from_slice(bytes);
    }
    let pack = |b: Vec<u8>| if pm.gzip_dirs { gzip(&b) } else { b };
    let (root, leaf) = if pm.leaves {
        let leaf = pack(directory(&entries));
        (
            pack(directory(&[(entries[0].0, 0, leaf.len() as u64, 0)])),
            leaf,
        )
    } else {
        (pack(directory(&entries)), Vec::new())
    };
    let meta = pack(serde_json::to_vec(&pm.metadata).unwrap());
    let root_at = 127u64;
    let meta_at = root_at + root.len() as u64;
    let leaf_at = meta_at + meta.len() as u64;
    let data_at = leaf_at + leaf.len() as u64;

    let mut h = Vec::with_capacity(127);
    h.extend_from_slice(b"PMTiles");
    h.push(3);
    for v in [
        root_at,
        root.len() as u64,
        meta_at,
        meta.len() as u64,
        leaf_at,
        leaf.len() as u64,
        data_at,
        data.len() as u64,
        entries.len() as u64,
        entries.len() as u64,
        entries.len() as u64,
    ] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    h.push(1); // clustered
    h.push(if pm.gzip_dirs { 2 } else { 1 });
    h.push(if pm.gzip_tiles { 2 } else { 1 });
    h.push(pm.tile_type);
    let zooms: Vec<u8> = tiles.iter().map(|t| t.0).collect();
    h.push(*zooms.iter().min().unwrap());
    h.push(*zooms.iter().max().unwrap());
    for deg in [105.85f64, 29.75, 106.80, 30.45] {
        h.extend_from_slice(&((deg * 1e7).round() as i32).to_le_bytes());
    }
    h.push(1);
    for deg in [106.27f64, 30.0] {
        h.extend_from_slice(&((deg * 1e7).round() as i32).to_le_bytes());
    }
    assert_eq!(h.len(), 127);
    let mut f = std::fs::File::create(path).unwrap();
    for part in [&h, &root, &meta, &leaf, &data] {
        f.write_all(part).unwrap();
    }
}

#[test]
fn fixture_tile_ids_match_the_spec_examples() {
    assert_eq!(hilbert_id(0, 0, 0), 0);
    assert_eq!(hilbert_id(1, 0, 0), 1);
    assert_eq!(hilbert_id(1, 0, 1), 2);
    assert_eq!(hilbert_id(1, 1, 1), 3);
    assert_eq!(hilbert_id(1, 1, 0), 4);
    assert_eq!(hilbert_id(12, 3423, 1763), 19_078_479);
}
