//! Tile packages on real files made by the test: MBTiles and PMTiles opened, their metadata and
//! tiles read back (the TMS flip, gzip'd vector tiles, leaf directories), every kind of bad file
//! refused with its message, and the registry in `basemap.json`.

#[path = "support/fixture.rs"]
mod fixture;

use fixture::{png, raster_tiles, vector_tiles, write_mbtiles, write_pmtiles, Pm, VECTOR_LAYERS};
use std::path::{Path, PathBuf};
use yitu_basemap::{Container, Error, Package, Registry, TileFormat, TileKind};

const HECHUAN: [(&str, &str); 6] = [
    ("name", "合川 test raster"),
    ("format", "png"),
    ("bounds", "105.85,29.75,106.80,30.45"),
    ("minzoom", "0"),
    ("maxzoom", "2"),
    ("attribution", "© test"),
];

async fn raster_mbtiles(dir: &Path) -> PathBuf {
    let path = dir.join("raster.mbtiles");
    write_mbtiles(&path, Some(&raster_tiles()), &HECHUAN).await;
    path
}

fn vector_pmtiles(dir: &Path, leaves: bool) -> PathBuf {
    let path = dir.join(format!("vector-{leaves}.pmtiles"));
    let layers: serde_json::Value = serde_json::from_str(VECTOR_LAYERS).unwrap();
    write_pmtiles(
        &path,
        &vector_tiles(),
        &Pm {
            tile_type: 1,
            gzip_tiles: true,
            gzip_dirs: true,
            leaves,
            metadata: serde_json::json!({
                "name": "合川 vector", "attribution": "© OSM", "vector_layers": layers
            }),
        },
    );
    path
}

#[tokio::test]
async fn an_mbtiles_made_here_shows_its_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let p = Package::open(&raster_mbtiles(dir.path()).await)
        .await
        .unwrap();
    let m = p.metadata();
    assert_eq!(m.container, Container::Mbtiles);
    assert_eq!((m.format, m.kind), (TileFormat::Png, TileKind::Raster));
    assert_eq!((m.min_zoom, m.max_zoom), (0, 2));
    assert_eq!(m.bounds, Some([105.85, 29.75, 106.80, 30.45]));
    assert_eq!(m.name.as_deref(), Some("合川 test raster"));
    assert_eq!(m.attribution.as_deref(), Some("© test"));
    assert!(!m.gzip && m.vector_layers.is_none());
    assert!(p.path().is_absolute());
}

#[tokio::test]
async fn an_mbtiles_tile_is_read_with_the_tms_flip() {
    let dir = tempfile::tempdir().unwrap();
    let p = Package::open(&raster_mbtiles(dir.path()).await)
        .await
        .unwrap();
    // Stored at XYZ 2/1/0, i.e. tile_row 3: asking for y = 0 must find it.
    let t = p
        .tile(2, 1, 0)
        .await
        .unwrap()
        .expect("the tile put at 2/1/0");
    assert_eq!(t.bytes, png([200, 100, 50]));
    assert_eq!((t.content_type, t.content_encoding), ("image/png", None));
    // At zoom 1 every tile differs: y=0 and y=1 are not swapped.
    assert_eq!(
        p.tile(1, 1, 0).await.unwrap().unwrap().bytes,
        png([11, 20, 30])
    );
    assert_eq!(
        p.tile(1, 0, 1).await.unwrap().unwrap().bytes,
        png([10, 21, 30])
    );
    // Nothing at 2/1/3 (where an unflipped read would look), nor outside the grid.
    assert_eq!(p.tile(2, 1, 3).await.unwrap(), None);
    assert_eq!(p.tile(2, 0, 0).await.unwrap(), None);
    assert_eq!(p.tile(1, 2, 0).await.unwrap(), None);
    assert_eq!(p.tile(31, 0, 0).await.unwrap(), None);
}

#[tokio::test]
async fn a_vector_mbtiles_says_gzip_and_names_its_layers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vector.mbtiles");
    let json = format!(r#"{{"vector_layers":{VECTOR_LAYERS}}}"#);
    // No format, no zooms in the metadata: both are found from the tiles.
    write_mbtiles(&path, Some(&vector_tiles()), &[("json", &json)]).await;
    let p = Package::open(&path).await.unwrap();
    let m = p.metadata();
    assert_eq!(
        (m.format, m.kind, m.gzip),
        (TileFormat::Pbf, TileKind::Vector, true)
    );
    assert_eq!((m.min_zoom, m.max_zoom), (0, 2));
    assert_eq!(m.vector_layers.as_ref().unwrap()[0]["id"], "water");
    let t = p.tile(2, 3, 2).await.unwrap().unwrap();
    assert_eq!(t.bytes, fixture::gzip(b"mvt tile 2/3/2"));
    assert_eq!(t.content_type, "application/vnd.mapbox-vector-tile");
    assert_eq!(t.content_encoding, Some("gzip"));
    // What the window is served: the tile's own bytes (a webview leaves the gzip to MapLibre).
    let plain = t.decompressed().unwrap();
    assert_eq!(
        (plain.bytes.as_slice(), plain.content_encoding),
        (&b"mvt tile 2/3/2"[..], None)
    );
}

#[tokio::test]
async fn a_pmtiles_made_here_shows_its_metadata_and_tiles() {
    let dir = tempfile::tempdir().unwrap();
    for leaves in [false, true] {
        let p = Package::open(&vector_pmtiles(dir.path(), leaves))
            .await
            .unwrap();
        let m = p.metadata();
        assert_eq!(m.container, Container::Pmtiles);
        assert_eq!(
            (m.format, m.kind, m.gzip),
            (TileFormat::Pbf, TileKind::Vector, true)
        );
        assert_eq!((m.min_zoom, m.max_zoom), (0, 2));
        assert_eq!(m.bounds, Some([105.85, 29.75, 106.80, 30.45]));
        assert_eq!(m.name.as_deref(), Some("合川 vector"));
        assert_eq!(m.attribution.as_deref(), Some("© OSM"));
        assert_eq!(m.vector_layers.as_ref().unwrap()[1]["id"], "roads");
        for (z, x, y, bytes) in vector_tiles() {
            let t = p.tile(z, x, y).await.unwrap().unwrap();
            assert_eq!(t.bytes, bytes, "{z}/{x}/{y} leaves {leaves}");
            assert_eq!(t.content_encoding, Some("gzip"));
        }
        assert_eq!(p.tile(1, 0, 0).await.unwrap(), None);
        assert_eq!(p.tile(2, 2, 3).await.unwrap(), None);
        assert_eq!(p.tile(5, 0, 0).await.unwrap(), None);
    }

    let path = dir.path().join("raster.pmtiles");
    let pm = Pm {
        tile_type: 2,
        gzip_tiles: false,
        gzip_dirs: false,
        leaves: false,
        metadata: serde_json::json!({}),
    };
    write_pmtiles(&path, &raster_tiles(), &pm);
    let p = Package::open(&path).await.unwrap();
    assert_eq!(
        (p.metadata().format, p.metadata().gzip),
        (TileFormat::Png, false)
    );
    let t = p.tile(2, 1, 0).await.unwrap().unwrap();
    assert_eq!((t.bytes, t.content_encoding), (png([200, 100, 50]), None));
}

/// Each kind of bad file, the error code it must give, and words its message must hold.
#[tokio::test]
async fn bad_files_are_refused_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut cases: Vec<(&str, PathBuf, &str, &str)> = Vec::new();

    cases.push((
        "nonexistent",
        d.join("nowhere.mbtiles"),
        "not_found",
        "找不到文件",
    ));

    let random = d.join("random.mbtiles");
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(&random, bytes).unwrap();
    cases.push(("random bytes", random, "not_a_tile_package", "不是瓦片包"));

    let csv = d.join("teams.csv");
    std::fs::write(&csv, "名称,经度,纬度\n合川救援队,106.27,29.99\n").unwrap();
    cases.push(("a CSV", csv, "not_a_tile_package", "not a tile package"));

    let tiny = d.join("tiny.pmtiles");
    std::fs::write(&tiny, b"PM").unwrap();
    cases.push((
        "two bytes",
        tiny,
        "not_a_tile_package",
        "not a tile package",
    ));

    cases.push((
        "a folder",
        d.to_path_buf(),
        "not_a_tile_package",
        "不是瓦片包",
    ));

    let truncated = raster_mbtiles(d).await;
    let whole = std::fs::read(&truncated).unwrap();
    let truncated_path = d.join("truncated.mbtiles");
    std::fs::write(&truncated_path, &whole[..whole.len() / 2]).unwrap();
    cases.push((
        "a truncated MBTiles",
        truncated_path,
        "corrupt_sqlite",
        "SQLite",
    ));

    let no_table = d.join("no-table.mbtiles");
    write_mbtiles(&no_table, None, &HECHUAN).await;
    cases.push(("no tiles table", no_table, "no_tiles_table", "tiles"));

    let empty = d.join("empty.mbtiles");
    write_mbtiles(&empty, Some(&Vec::new()), &HECHUAN).await;
    cases.push(("an MBTiles with no tiles", empty, "empty", "空的"));

    let tiff = d.join("tiff.mbtiles");
    write_mbtiles(&tiff, Some(&raster_tiles()), &[("format", "tiff")]).await;
    cases.push(("format tiff", tiff, "unknown_format", "tiff"));

    let unsniffable = d.join("unsniffable.mbtiles");
    write_mbtiles(
        &unsniffable,
        Some(&vec![(0, 0, 0, b"BM....".to_vec())]),
        &[],
    )
    .await;
    cases.push((
        "a tile of no known format",
        unsniffable,
        "unknown_format",
        "未知的瓦片格式",
    ));

    let good = vector_pmtiles(d, true);
    let mut bytes = std::fs::read(&good).unwrap();
    let cut = d.join("cut.pmtiles");
    std::fs::write(&cut, &bytes[..100]).unwrap();
    cases.push((
        "a PMTiles cut inside its header",
        cut,
        "corrupt_pmtiles",
        "PMTiles",
    ));

    let broken_root = d.join("broken-root.pmtiles");
    for b in &mut bytes[127..140] {
        *b = 0xff;
    }
    std::fs::write(&broken_root, &bytes).unwrap();
    cases.push((
        "a PMTiles with a broken root",
        broken_root,
        "corrupt_pmtiles",
        "PMTiles",
    ));

    let v2 = d.join("v2.pmtiles");
    bytes[7] = 2;
    std::fs::write(&v2, &bytes).unwrap();
    cases.push(("PMTiles v2", v2, "pmtiles_version", "v3"));

    for (name, path, code, words) in cases {
        let e: Error = Package::open(&path).await.expect_err(name);
        let message = format!("{e}");
        assert_eq!(e.code(), code, "{name}: {message}");
        assert!(message.contains(words), "{name}: {message}");
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            message.contains(&file),
            "{name}: the message names the file: {message}"
        );
    }
}

#[tokio::test]
async fn the_registry_adds_lists_switches_and_removes_and_persists() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let raster = raster_mbtiles(dir.path()).await;
    let vector = vector_pmtiles(dir.path(), false);

    let mut r = Registry::load(&data).unwrap();
    assert!(r.entries().is_empty() && r.active().is_none());
    let a = r.add(&raster).await.unwrap();
    let b = r.add(&vector).await.unwrap();
    assert_ne!(a.id, b.id);
    assert_eq!(
        r.active().unwrap().id,
        b.id,
        "the package added last is shown"
    );
    // Adding a file again keeps one entry.
    assert_eq!(r.add(&raster).await.unwrap().id, a.id);
    assert_eq!(r.entries().len(), 2);

    r.set_active(b.id.as_str()).unwrap();
    let again = Registry::load(&data).unwrap();
    assert_eq!(again.entries().len(), 2);
    assert_eq!(again.active().unwrap().id, b.id);
    assert_eq!(
        again.get(a.id.as_str()).unwrap().metadata.name.as_deref(),
        Some("合川 test raster")
    );
    assert!(again.get(a.id.as_str()).unwrap().path.is_absolute());
    let reopened = again.active().unwrap().open().await.unwrap();
    assert!(reopened.tile(0, 0, 0).await.unwrap().is_some());

    assert_eq!(
        r.set_active("ffffffffffff").unwrap_err().code(),
        "unknown_package"
    );
    let removed = r.remove(b.id.as_str()).unwrap();
    assert_eq!(removed.id, b.id);
    assert!(r.active().is_none(), "removing the active one leaves none");
    let again = Registry::load(&data).unwrap();
    assert_eq!(again.entries().len(), 1);
    assert!(again.active().is_none());
    assert!(vector.exists(), "the file itself is left alone");
    assert!(!data.join("basemap.json.tmp").exists());
}

#[tokio::test]
async fn a_bad_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Registry::load(dir.path()).unwrap();
    let good = r.add(&raster_mbtiles(dir.path()).await).await.unwrap();
    let before = std::fs::read(dir.path().join("basemap.json")).unwrap();

    let csv = dir.path().join("x.csv");
    std::fs::write(&csv, "a,b\n1,2\n").unwrap();
    assert_eq!(r.add(&csv).await.unwrap_err().code(), "not_a_tile_package");
    assert_eq!(
        r.add(&dir.path().join("gone.pmtiles"))
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );

    assert_eq!(
        std::fs::read(dir.path().join("basemap.json")).unwrap(),
        before
    );
    assert_eq!(r.entries().len(), 1);
    assert_eq!(r.active().unwrap().id, good.id);
}

#[test]
fn a_corrupt_registry_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("basemap.json"), "{not json").unwrap();
    let e = Registry::load(dir.path()).unwrap_err();
    assert_eq!(e.code(), "corrupt_registry");
}

/// Our reader against another implementation's writer: a file from
/// `scripts/reference_pmtiles.py` (PyPI `pmtiles`), named by `YITU_REFERENCE_PMTILES`. Ignored
/// by default: the test command has no Python package; run it after changing the PMTiles reader.
#[tokio::test]
#[ignore = "needs YITU_REFERENCE_PMTILES, a file from scripts/reference_pmtiles.py"]
async fn a_pmtiles_from_the_reference_writer_reads_back() {
    use sha2::{Digest, Sha256};
    let path = std::env::var_os("YITU_REFERENCE_PMTILES").expect("YITU_REFERENCE_PMTILES");
    let p = Package::open(Path::new(&path)).await.unwrap();
    assert_eq!((p.metadata().min_zoom, p.metadata().max_zoom), (0, 14));
    assert_eq!(p.metadata().name.as_deref(), Some("reference"));
    let mut read = 0;
    for z in 0..=8u8 {
        for x in 0..1u32 << z {
            for y in 0..1u32 << z {
                let want = match (z, x, y) {
                    (8, _, 200..) => None,
                    (8, 0..128, _) => Some(b"sea".to_vec()),
                    _ => Some(format!("{z}/{x}/{y}").into_bytes()),
                };
                let got = p.tile(z, x, y).await.unwrap().map(|t| t.bytes);
                assert_eq!(got, want, "{z}/{x}/{y}");
                read += 1;
            }
        }
    }
    for x in 13000..13400u32 {
        for y in 6700..7100u32 {
            let d = Sha256::digest(format!("{x},{y}").as_bytes());
            let want = (d[0] < 64).then(|| {
                let mut t = format!("14/{x}/{y}").into_bytes();
                t.resize(t.len() + usize::from(d[1] % 50), b'.');
                t
            });
            let got = p.tile(14, x, y).await.unwrap().map(|t| t.bytes);
            assert_eq!(got, want, "14/{x}/{y}");
            read += 1;
        }
    }
    assert_eq!(read, 87_381 + 160_000);
}
