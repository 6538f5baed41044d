//! An offline base map in the real window (WebKitGTK through tauri-driver): an MBTiles made here
//! (every tile of zooms 0–2 one magenta colour) is added by its path; the `yitu-tiles` scheme
//! serves its tiles from the file and the map shows them (magenta covers the map in the
//! screenshot, counted by ImageMagick); the choice is kept in the data folder (`yitu basemap
//! list`); a corrupt file is refused with a message naming it and the map keeps its tiles;
//! choosing none takes the tiles away. A vector PMTiles made here (real Mapbox Vector Tiles: a
//! water polygon over everything and one named place) is drawn in the package style (water
//! blue, counted) with the place's name written. Screenshots: target/screenshots/b*.

#[path = "../crates/basemap/tests/support/fixture.rs"]
mod fixture;

use anyhow::{Context, Result};
use fantoccini::Client;
use serde_json::json;
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use yitu_system_tests::webview::{
    click, colour_share, map_ready, run_in_window, screenshot, set_value, shown, text, wait_for,
    yitu,
};
use yitu_system_tests::{screenshot_dir, Driver};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tile_package_is_added_shown_and_a_broken_one_refused() -> Result<()> {
    let data = tempfile::tempdir()?;
    let files = tempfile::tempdir()?;
    let magenta = fixture::png([255, 0, 255]);
    let mut tiles = fixture::Tiles::new();
    for z in 0..=2u8 {
        for x in 0..(1u32 << z) {
            for y in 0..(1u32 << z) {
                tiles.push((z, x, y, magenta.clone()));
            }
        }
    }
    let good = files.path().join("合川底图.mbtiles");
    fixture::write_mbtiles(
        &good,
        Some(&tiles),
        &[
            ("name", "测试底图"),
            ("format", "png"),
            ("minzoom", "0"),
            ("maxzoom", "2"),
        ],
    )
    .await;
    let broken = files.path().join("损坏.mbtiles");
    std::fs::write(
        &broken,
        b"SQLite format 3\0 but then nothing a database holds",
    )?;
    // An ASCII name: it is typed into the system's file chooser by xdotool.
    let vector = files.path().join("vector-base.pmtiles");
    write_vector_pmtiles(&vector);
    let (path, good, broken) = (data.path().to_owned(), good, broken);
    run_in_window(
        data.path(),
        Duration::from_secs(180),
        "b-failure.png",
        move |c, d| {
            Box::pin(async move {
                story(c, d, &path, &good, &broken).await?;
                vector_story(c, d, &path, &vector).await
            })
        },
    )
    .await
}

/// Where the vector package's one named place is (the district's middle), and its name.
const PLACE: (f64, f64, &str) = (106.27, 30.0, "测试地名");

/// A Mapbox Vector Tile (spec 2.1), written field by field: layer `water` with one polygon a
/// little larger than the tile, and layer `place` with the point `PLACE` when it falls in the
/// tile (`at`: its position in tile units).
fn mvt(at: Option<(i64, i64)>) -> Vec<u8> {
    fn varint(out: &mut Vec<u8>, mut v: u64) {
        while v >= 0x80 {
            out.push((v as u8 & 0x7f) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }
    fn field(out: &mut Vec<u8>, n: u64, bytes: &[u8]) {
        varint(out, n << 3 | 2);
        varint(out, bytes.len() as u64);
        out.extend_from_slice(bytes);
    }
    fn number(out: &mut Vec<u8>, n: u64, v: u64) {
        varint(out, n << 3);
        varint(out, v);
    }
    fn packed(values: &[i64]) -> Vec<u8> {
        let mut out = Vec::new();
        for v in values {
            varint(&mut out, *v as u64);
        }
        out
    }
    let zz = |v: i64| (v << 1) ^ (v >> 63);
    let layer = |name: &str, features: Vec<Vec<u8>>, key_value: Option<(&str, &str)>| {
        let mut l = Vec::new();
        number(&mut l, 15, 2);
        field(&mut l, 1, name.as_bytes());
        for f in features {
            field(&mut l, 2, &f);
        }
        if let Some((k, v)) = key_value {
            field(&mut l, 3, k.as_bytes());
            let mut value = Vec::new();
            field(&mut value, 1, v.as_bytes());
            field(&mut l, 4, &value);
        }
        number(&mut l, 5, 4096);
        l
    };
    // MoveTo(1) then LineTo(3) then ClosePath: clockwise in tile coordinates (y down), an
    // exterior ring.
    let ring = [
        9,
        zz(-64),
        zz(-64),
        3 << 3 | 2,
        zz(4224),
        zz(0),
        zz(0),
        zz(4224),
        zz(-4224),
        zz(0),
        15,
    ];
    let mut polygon = Vec::new();
    number(&mut polygon, 1, 1);
    number(&mut polygon, 3, 3);
    field(&mut polygon, 4, &packed(&ring));
    let mut tile = Vec::new();
    field(&mut tile, 3, &layer("water", vec![polygon], None));
    if let Some((x, y)) = at {
        let mut point = Vec::new();
        number(&mut point, 1, 2);
        field(&mut point, 2, &packed(&[0, 0]));
        number(&mut point, 3, 1);
        field(&mut point, 4, &packed(&[9, zz(x), zz(y)]));
        field(
            &mut tile,
            3,
            &layer("place", vec![point], Some(("name", PLACE.2))),
        );
    }
    tile
}

/// A vector PMTiles over the district, zooms 0–6 (the map zooms past 6 by drawing zoom 6 larger).
fn write_vector_pmtiles(path: &Path) {
    let mut tiles = fixture::Tiles::new();
    let merc = |lon: f64, lat: f64, z: u8| {
        let n = f64::from(1u32 << z);
        let y = (1.0 - lat.to_radians().tan().asinh() / std::f64::consts::PI) / 2.0 * n;
        ((lon + 180.0) / 360.0 * n, y)
    };
    for z in 0..=6u8 {
        let (x0, y0) = merc(105.85, 30.45, z);
        let (x1, y1) = merc(106.80, 29.75, z);
        let (px, py) = merc(PLACE.0, PLACE.1, z);
        for x in x0 as u32..=x1 as u32 {
            for y in y0 as u32..=y1 as u32 {
                let inside = px as u32 == x && py as u32 == y;
                let at = inside.then(|| {
                    (
                        ((px - f64::from(x)) * 4096.0) as i64,
                        ((py - f64::from(y)) * 4096.0) as i64,
                    )
                });
                tiles.push((z, x, y, fixture::gzip(&mvt(at))));
            }
        }
    }
    fixture::write_pmtiles(
        path,
        &tiles,
        &fixture::Pm {
            tile_type: 1,
            gzip_tiles: true,
            gzip_dirs: true,
            leaves: false,
            metadata: json!({
                "name": "测试矢量底图",
                "vector_layers": [
                    { "id": "water", "fields": {} },
                    { "id": "place", "fields": { "name": "String" } }
                ]
            }),
        },
    );
}

/// The package style's water blue (`VectorLook` in ui/src/map.rs).
const WATER: &str = "#b5d3ea";
/// Every tile of the raster package made here.
const MAGENTA: &str = "#ff00ff";

/// Answers the system's file chooser (GTK's, on the test's X display) with `path`: its
/// location field (Ctrl+L), the path typed, Enter. Fails if no chooser opens.
fn answer_file_chooser(d: &Driver, path: &Path) -> Result<()> {
    let xdotool = |args: &[&str]| -> Result<String> {
        let out = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &d.display)
            .output()
            .context("xdotool (installed by scripts/setup.sh)")?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let window = loop {
        let found = xdotool(&["search", "--name", "Choose a file"])?;
        if let Some(w) = found.lines().last().filter(|w| !w.is_empty()) {
            break w.to_owned();
        }
        if std::time::Instant::now() > deadline {
            anyhow::bail!("the file chooser did not open");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    // Give the chooser time to draw and take its first focus, then type into it.
    std::thread::sleep(Duration::from_millis(800));
    xdotool(&["windowfocus", "--sync", &window])?;
    xdotool(&["key", "--clearmodifiers", "ctrl+l"])?;
    std::thread::sleep(Duration::from_millis(300));
    xdotool(&["type", "--delay", "15", path.to_str().context("path")?])?;
    std::thread::sleep(Duration::from_millis(300));
    let _ = d.screenshot("b04a-chooser.png");
    xdotool(&["key", "Return"])?;
    Ok(())
}

/// A vector PMTiles, chosen with the system's file chooser: listed as vector, its water drawn
/// blue across the map and its place named.
async fn vector_story(c: &Client, d: &Driver, data: &Path, vector: &Path) -> Result<()> {
    // The refused path of step 2 is still in the field: the chooser must replace it.
    set_value(c, "#basemap-path", "").await?;
    click(c, "#basemap-browse").await?;
    answer_file_chooser(d, vector)?;
    wait_for(
        c,
        "the chosen path in the field",
        "return document.querySelector('#basemap-path').value === arguments[0]",
        vec![json!(vector.to_str())],
        Duration::from_secs(10),
    )
    .await?;
    click(c, "#basemap-add").await?;
    shown(
        c,
        "the vector package listed",
        "#basemap li[data-kind=vector]",
    )
    .await?;
    let listed = yitu(data, &["basemap", "list", "--json"])?;
    let active = listed["active"].as_str().context("active")?;
    let entry = listed["packages"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["id"] == active))
        .context("the active package")?;
    assert_eq!(entry["metadata"]["name"], "测试矢量底图", "{listed}");
    map_idle(c).await?;
    let named = wait_for(
        c,
        "the package's place name written",
        "const m = window.__yituMap;
         const ids = m.getStyle().layers.filter(l => l.id.startsWith('tilebase-') && l.type === 'symbol').map(l => l.id);
         const fs = m.queryRenderedFeatures({layers: ids});
         return fs.length > 0 ? fs.map(f => f.properties.name) : null",
        vec![],
        Duration::from_secs(15),
    )
    .await?;
    assert_eq!(named, json!([PLACE.2]));
    screenshot(c, d, "b04b-vector.png").await?;
    let share = colour_share(&screenshot_dir().join("b04b-vector.png"), WATER, "3%")?;
    assert!(share > 0.3, "the package's water covers the map: {share}");
    Ok(())
}

/// Waits for the map to have drawn the tile package: its source loaded and a render finished
/// after it (`loaded()` alone can be true before a just-added source has asked for a tile).
async fn map_idle(c: &Client) -> Result<()> {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let settled = c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const m = window.__yituMap;
                 const drawn = () => m.loaded() && m.areTilesLoaded()
                     && (m.getSource('tilebase') === undefined || m.isSourceLoaded('tilebase'));
                 m.once('idle', () => done(drawn()));
                 m.triggerRepaint();",
                vec![],
            )
            .await?;
        if settled == json!(true) {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            anyhow::bail!("the map did not settle on its tiles within 30 s");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn story(c: &Client, d: &Driver, data: &Path, good: &Path, broken: &Path) -> Result<()> {
    map_ready(c).await?;
    screenshot(c, d, "b00-before.png").await?;
    let before = colour_share(&screenshot_dir().join("b00-before.png"), MAGENTA, "6%")?;
    assert!(before < 0.01, "no magenta before: {before}");

    // 1. Added by its path: listed, in use, and drawn from the file.
    click(c, "#basemap summary").await?;
    set_value(c, "#basemap-path", good.to_str().context("path")?).await?;
    click(c, "#basemap-add").await?;
    shown(c, "the package listed", "#basemap li[data-kind=raster]").await?;
    wait_for(
        c,
        "the tile layer",
        "return window.__yituMap.getLayer('tilebase-raster') !== undefined",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    let listed = yitu(data, &["basemap", "list", "--json"])?;
    let id = listed["active"]
        .as_str()
        .context("an active package")?
        .to_owned();
    assert_eq!(listed["packages"][0]["metadata"]["name"], "测试底图");
    // The scheme serves the file's bytes: a tile the package holds, and none for one it lacks.
    let fetched = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const get = (p) => fetch('yitu-tiles://localhost/' + arguments[0] + p)
               .then(r => r.arrayBuffer().then(b => [r.status, r.headers.get('content-type'), b.byteLength]));
             Promise.all([get('/2/3/1'), get('/2/9/9'), get('/5/0/0')])
               .then(done, e => done(String(e)));",
            vec![json!(id)],
        )
        .await?;
    assert_eq!(
        fetched[0],
        json!([200, "image/png", fixture::png([255, 0, 255]).len()]),
        "{fetched}"
    );
    assert_eq!(fetched[1][0], json!(400), "outside the grid: {fetched}");
    assert_eq!(
        fetched[2][0],
        json!(204),
        "a zoom the package lacks: {fetched}"
    );
    map_idle(c).await?;
    screenshot(c, d, "b01-tiles.png").await?;
    let shown_share = colour_share(&screenshot_dir().join("b01-tiles.png"), MAGENTA, "6%")?;
    assert!(shown_share > 0.3, "the tiles cover the map: {shown_share}");

    // 2. A corrupt file: refused, named, nothing kept; the tiles stay.
    set_value(c, "#basemap-path", broken.to_str().context("path")?).await?;
    click(c, "#basemap-add").await?;
    shown(c, "the refusal", "#basemap-error").await?;
    let refusal = text(c, "#basemap-error").await?;
    assert!(
        refusal.contains("损坏.mbtiles"),
        "names the file: {refusal}"
    );
    let after = yitu(data, &["basemap", "list", "--json"])?;
    assert_eq!(after["packages"].as_array().map(Vec::len), Some(1));
    assert_eq!(after["active"], json!(id));
    assert!(
        c.execute(
            "return window.__yituMap.getLayer('tilebase-raster') !== undefined",
            vec![]
        )
        .await?
            == json!(true)
    );
    screenshot(c, d, "b02-refused.png").await?;

    // 3. None chosen: the built-in layers only, and the choice is kept.
    click(c, "#basemap-none").await?;
    wait_for(
        c,
        "the tile layer gone",
        "return window.__yituMap.getLayer('tilebase-raster') === undefined",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    assert_eq!(
        yitu(data, &["basemap", "list", "--json"])?["active"],
        json!(null)
    );
    map_idle(c).await?;
    screenshot(c, d, "b03-none.png").await?;
    let gone = colour_share(&screenshot_dir().join("b03-none.png"), MAGENTA, "6%")?;
    assert!(gone < 0.01, "no magenta once none is chosen: {gone}");
    Ok(())
}
