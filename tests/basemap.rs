//! An offline base map in the real window (WebKitGTK through tauri-driver): an MBTiles made here
//! (every tile of zooms 0–2 one magenta colour) is added by its path; the `yitu-tiles` scheme
//! serves its tiles from the file and the map shows them (magenta covers the map in the
//! screenshot, counted by ImageMagick); the choice is kept in the data folder (`yitu basemap
//! list`); a corrupt file is refused with a message naming it and the map keeps its tiles;
//! choosing none takes the tiles away. Screenshots: target/screenshots/b*.

#[path = "../crates/basemap/tests/support/fixture.rs"]
mod fixture;

use anyhow::{Context, Result};
use fantoccini::Client;
use serde_json::json;
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use yitu_system_tests::webview::{
    click, map_ready, run_in_window, screenshot, set_value, shown, text, wait_for, yitu,
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
    let (path, good, broken) = (data.path().to_owned(), good, broken);
    run_in_window(
        data.path(),
        Duration::from_secs(180),
        "b-failure.png",
        move |c, d| Box::pin(async move { story(c, d, &path, &good, &broken).await }),
    )
    .await
}

/// ImageMagick's arguments: everything not magenta to black, then magenta to white; the mean
/// of the grey picture is then the share of magenta pixels.
const MAGENTA_SHARE: &str = "-fuzz 6% -fill black +opaque #ff00ff -fill white -opaque #ff00ff \
                             -colorspace gray -format %[fx:mean] info:";

/// The share of the screenshot's pixels that are the tiles' magenta.
fn magenta_share(shot: &Path) -> Result<f64> {
    let out = Command::new("convert")
        .arg(shot)
        .args(MAGENTA_SHARE.split_whitespace())
        .output()
        .context("ImageMagick's convert (installed by scripts/setup.sh)")?;
    String::from_utf8(out.stdout)?
        .trim()
        .parse()
        .context("convert's mean")
}

async fn map_idle(c: &Client) -> Result<()> {
    wait_for(
        c,
        "the map to load its tiles",
        "const m = window.__yituMap; return m && m.loaded() && m.areTilesLoaded()",
        vec![],
        Duration::from_secs(30),
    )
    .await?;
    Ok(())
}

async fn story(c: &Client, d: &Driver, data: &Path, good: &Path, broken: &Path) -> Result<()> {
    map_ready(c).await?;
    screenshot(c, d, "b00-before.png").await?;
    let before = magenta_share(&screenshot_dir().join("b00-before.png"))?;
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
    let shown_share = magenta_share(&screenshot_dir().join("b01-tiles.png"))?;
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
    let gone = magenta_share(&screenshot_dir().join("b03-none.png"))?;
    assert!(gone < 0.01, "no magenta once none is chosen: {gone}");
    Ok(())
}
