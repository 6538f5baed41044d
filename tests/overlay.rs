//! User overlays in the real window (WebKitGTK through tauri-driver): a GeoJSON polygon given in
//! GCJ-02 and a Shapefile line (GBK attribute table) are added from the side panel with their
//! coordinate systems; the list shows them and `yitu overlay list --json` agrees; the map draws
//! them (MapLibre finds their features where they are, and the polygon's colour covers about
//! its area in the screenshot, counted by ImageMagick); a corrupt file is refused by name and
//! nothing changes; hiding takes the polygon off the map; the window opened again draws what is
//! shown and not what is hidden. Screenshots: target/screenshots/o*.

use anyhow::{Context, Result};
use fantoccini::Client;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;
use yitu_system_tests::webview::{
    click, click_at, colour_share, gone, map_ready, run_in_window, screen_point, screenshot,
    set_value, shown, text, wait_for, yitu, SYMBOL_LAYERS_JS,
};
use yitu_system_tests::{screenshot_dir, Driver};

/// The polygon's corners in WGS-84 (a block of north-western Hechuan, about 19 × 17 km) …
const WGS_CORNERS: [(f64, f64); 4] = [
    (106.15, 30.05),
    (106.35, 30.05),
    (106.35, 30.2),
    (106.15, 30.2),
];
/// … and in GCJ-02, as the file gives them: computed by a separate implementation of the
/// published formulas (checked against coordtransform's published Beijing pair).
const GCJ_CORNERS: [[f64; 2]; 4] = [
    [106.15392320, 30.04747615],
    [106.35397386, 30.04747902],
    [106.35398320, 30.19748059],
    [106.15393243, 30.19747769],
];
/// The overlay fill's opacity in `ui/src/map.rs` and the district's fill under it.
const FILL_OPACITY: f64 = 0.35;
const DISTRICT_FILL: [f64; 3] = [251.0, 250.0, 245.0];

struct Files {
    polygon: PathBuf,
    line: PathBuf,
    corrupt: PathBuf,
}

fn write_files(dir: &Path) -> Result<Files> {
    let polygon = dir.join("钓鱼城片区.geojson");
    let mut ring: Vec<[f64; 2]> = GCJ_CORNERS.to_vec();
    ring.push(GCJ_CORNERS[0]);
    let fc = json!({
        "type": "FeatureCollection",
        "features": [{ "type": "Feature", "properties": { "名称": "钓鱼城片区" },
                       "geometry": { "type": "Polygon", "coordinates": [ring] } }]
    });
    std::fs::write(&polygon, fc.to_string())?;
    let line = dir.join("堤防.shp");
    {
        use shapefile::dbase::{self, FieldValue, Record};
        let table = dbase::TableWriterBuilder::with_encoding(dbase::encoding::EncodingRs::from(
            encoding_rs::GBK,
        ))
        .add_character_field("NAME".try_into().map_err(anyhow::Error::msg)?, 40);
        let mut w = shapefile::Writer::from_path(&line, table)?;
        let pl = shapefile::Polyline::new(vec![
            shapefile::Point::new(106.40, 29.95),
            shapefile::Point::new(106.55, 30.10),
        ]);
        let mut rec = Record::default();
        rec.insert(
            "NAME".into(),
            FieldValue::Character(Some("涪江堤防".into())),
        );
        w.write_shape_and_record(&pl, &rec)?;
    }
    let corrupt = dir.join("损坏的图层.geojson");
    std::fs::write(
        &corrupt,
        "{\"type\": \"FeatureCollection\", \"features\": [{\"type\"",
    )?;
    Ok(Files {
        polygon,
        line,
        corrupt,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlays_are_added_drawn_refused_and_hidden() -> Result<()> {
    let data = tempfile::tempdir()?;
    let dir = tempfile::tempdir()?;
    let files = write_files(dir.path())?;
    let path = data.path().to_owned();
    let ids = std::sync::Arc::new(std::sync::Mutex::new(None::<(String, String)>));
    let got = ids.clone();
    run_in_window(
        data.path(),
        Duration::from_secs(240),
        "o-failure.png",
        move |c, d| {
            Box::pin(async move {
                let pair = story(c, d, &path, &files).await?;
                *got.lock().expect("lock") = Some(pair);
                Ok(())
            })
        },
    )
    .await?;
    let (polygon, line) = ids.lock().expect("lock").clone().context("ids")?;
    // Opened again: the shown line is drawn at start, the hidden polygon is not.
    run_in_window(
        data.path(),
        Duration::from_secs(120),
        "o-failure-restart.png",
        move |c, d| Box::pin(async move { restart(c, d, &polygon, &line).await }),
    )
    .await
}

/// How many rendered features of overlay `id`'s layers the map has (0 when not drawn).
async fn drawn(c: &Client, id: &str) -> Result<u64> {
    let n = c
        .execute(
            "const p = 'user-overlay-' + arguments[0] + '-';
             return window.__yituMap.queryRenderedFeatures().filter(f => f.layer.id.startsWith(p)).length;",
            vec![json!(id)],
        )
        .await?;
    n.as_u64().context("a count")
}

/// Rendered features of `layer` at a WGS-84 position.
async fn drawn_at(c: &Client, layer: &str, lon: f64, lat: f64) -> Result<u64> {
    let n = c
        .execute(
            "const m = window.__yituMap; if (!m.getLayer(arguments[0])) return 0;
             return m.queryRenderedFeatures(m.project([arguments[1], arguments[2]]), {layers: [arguments[0]]}).length;",
            vec![json!(layer), json!(lon), json!(lat)],
        )
        .await?;
    n.as_u64().context("a count")
}

async fn map_idle(c: &Client) -> Result<()> {
    wait_for(
        c,
        "the map to be idle",
        "const m = window.__yituMap; return m && m.loaded() && m.areTilesLoaded()",
        vec![],
        Duration::from_secs(30),
    )
    .await?;
    Ok(())
}

/// The share of the screenshot's pixels in `rgb` (within 4 %).
fn share_of(shot: &Path, rgb: [u8; 3]) -> Result<f64> {
    let hex = format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
    colour_share(shot, &hex, "4%")
}

/// The overlay's fill as drawn over the district: its colour at [`FILL_OPACITY`].
fn fill_seen(colour: &str) -> Result<[u8; 3]> {
    let hex = colour.trim_start_matches('#');
    let mut rgb = [0u8; 3];
    for (i, c) in rgb.iter_mut().enumerate() {
        let v = f64::from(u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)?);
        *c = (FILL_OPACITY * v + (1.0 - FILL_OPACITY) * DISTRICT_FILL[i]).round() as u8;
    }
    Ok(rgb)
}

async fn add(c: &Client, file: &Path, crs: &str) -> Result<()> {
    set_value(c, "#overlay-path", file.to_str().context("path")?).await?;
    set_value(c, "#overlay-crs", crs).await?;
    click(c, "#overlay-add").await
}

async fn story(c: &Client, d: &Driver, data: &Path, f: &Files) -> Result<(String, String)> {
    map_ready(c).await?;
    click(c, "#overlay summary").await?;
    screenshot(c, d, "o00-before.png").await?;

    // 1. The polygon, in GCJ-02, and the line, in WGS-84: listed, with their feature counts.
    add(c, &f.polygon, "gcj02").await?;
    shown(c, "the polygon listed", "#overlay li[data-features='1']").await?;
    add(c, &f.line, "wgs84").await?;
    wait_for(
        c,
        "two overlays listed",
        "return document.querySelectorAll('#overlay li').length === 2",
        vec![],
        Duration::from_secs(15),
    )
    .await?;
    assert!(text(c, "#overlay").await?.contains("钓鱼城片区"));
    let listed = yitu(data, &["overlay", "list", "--json"])?;
    let overlays = listed["overlays"].as_array().context("overlays")?;
    assert_eq!(overlays.len(), 2, "{listed}");
    let (polygon, line) = (&overlays[0], &overlays[1]);
    assert_eq!(
        (&polygon["name"], &polygon["crs"], &polygon["features"]),
        (&json!("钓鱼城片区"), &json!("gcj02"), &json!(1))
    );
    assert_eq!(
        (&line["name"], &line["crs"], &line["features"]),
        (&json!("堤防"), &json!("wgs84"), &json!(1))
    );
    // The kept box is the WGS-84 square (1e-5° ≈ 1 m).
    for (i, want) in [106.15, 30.05, 106.35, 30.2].into_iter().enumerate() {
        let got = polygon["bbox"][i].as_f64().context("bbox")?;
        assert!((got - want).abs() < 1e-5, "bbox[{i}] = {got}, want {want}");
    }
    let id = |v: &Value| v["id"].as_str().map(str::to_owned).context("id");
    let (pid, lid) = (id(polygon)?, id(line)?);
    let window_ids = c
        .execute(
            "return [...document.querySelectorAll('#overlay li')].map(li => li.dataset.id)",
            vec![],
        )
        .await?;
    assert_eq!(
        window_ids,
        json!([pid, lid]),
        "the window lists what the store holds"
    );

    // 2. Drawn: MapLibre has the polygon at its centre and the line at its middle, and the
    //    polygon's colour covers about its area on screen.
    wait_for(
        c,
        "both overlays drawn",
        "const m = window.__yituMap; return ['-fill', '-line'].every((k, i) =>
           m.queryRenderedFeatures().some(f => f.layer.id === 'user-overlay-' + arguments[i] + k))",
        vec![json!(pid), json!(lid)],
        Duration::from_secs(20),
    )
    .await?;
    let fill = format!("user-overlay-{pid}-fill");
    assert!(
        drawn_at(c, &fill, 106.25, 30.125).await? >= 1,
        "the polygon at its centre"
    );
    assert_eq!(
        drawn_at(c, &fill, 106.25, 29.95).await?,
        0,
        "nothing south of it"
    );
    assert!(
        drawn_at(c, &format!("user-overlay-{lid}-line"), 106.475, 30.025).await? >= 1,
        "the line at its middle"
    );
    map_idle(c).await?;
    screenshot(c, d, "o01-overlays.png").await?;
    let seen = fill_seen(polygon["colour"].as_str().context("colour")?)?;
    let before = share_of(&screenshot_dir().join("o00-before.png"), seen)?;
    let after = share_of(&screenshot_dir().join("o01-overlays.png"), seen)?;
    let (sw, ne) = (
        screen_point(c, WGS_CORNERS[0].0, WGS_CORNERS[0].1).await?,
        screen_point(c, WGS_CORNERS[2].0, WGS_CORNERS[2].1).await?,
    );
    let expected = ((ne.0 - sw.0) * (sw.1 - ne.1)).abs() / (1600.0 * 1000.0);
    eprintln!("polygon colour {seen:?}: {before:.4} before, {after:.4} after, area {expected:.4}");
    assert!(before < 0.002, "not there before: {before}");
    assert!(
        after > 0.6 * expected && after < 1.2 * expected,
        "the fill covers about the polygon's area: {after} of the screen, area {expected}"
    );

    // 2b. A click on the polygon, where no resource symbol lies, shows the feature's attributes
    //     as the file gave them.
    let spot = c
        .execute(
            &format!(
                "const m = window.__yituMap; const rect = m.getCanvas().getBoundingClientRect();
                 const symbols = {SYMBOL_LAYERS_JS};
                 for (let i = 1; i < 10; i++) for (let j = 1; j < 10; j++) {{
                   const p = m.project([106.15 + 0.02 * i, 30.05 + 0.015 * j]);
                   const box = [[p.x - 14, p.y - 14], [p.x + 14, p.y + 14]];
                   if (m.queryRenderedFeatures(box, {{layers: symbols}}).length === 0
                       && m.queryRenderedFeatures([p.x, p.y], {{layers: [arguments[0]]}}).length > 0)
                     return {{x: rect.left + p.x, y: rect.top + p.y}};
                 }}
                 return null;"
            ),
            vec![json!(fill)],
        )
        .await?;
    let (x, y) = (
        spot["x"].as_f64().context("a clear spot on the polygon")?,
        spot["y"].as_f64().context("y")?,
    );
    click_at(c, x, y).await?;
    shown(c, "the overlay feature's attributes", "#overlay-feature").await?;
    let shown_for = c
        .execute(
            "return document.querySelector('#overlay-feature').dataset.overlay",
            vec![],
        )
        .await?;
    assert_eq!(shown_for, json!(pid), "the clicked overlay's feature");
    wait_for(
        c,
        "the card names its overlay as the list does",
        "const e = document.querySelector('#overlay-feature .overlay-name');
         return e !== null && e.textContent.includes(arguments[0])",
        vec![polygon["name"].clone()],
        Duration::from_secs(5),
    )
    .await?;
    let attributes = text(c, "#overlay-feature table").await?;
    assert!(
        attributes.contains("名称") && attributes.contains("钓鱼城片区"),
        "the file's attribute shown: {attributes}"
    );
    screenshot(c, d, "o01b-overlay-feature.png").await?;
    click(c, "#overlay-feature .close").await?;
    gone(c, "the attributes closed", "#overlay-feature").await?;

    // 3. A corrupt file: refused by name; the list, the store and the map unchanged.
    add(c, &f.corrupt, "wgs84").await?;
    shown(c, "the refusal", "#overlay-error").await?;
    let refusal = text(c, "#overlay-error").await?;
    assert!(
        refusal.contains("损坏的图层.geojson"),
        "names the file: {refusal}"
    );
    assert!(
        refusal.contains("损坏") && refusal.contains("broken"),
        "{refusal}"
    );
    // The section has grown below the panel's fold: bring the refusal into view, as a user would.
    c.execute(
        "document.querySelector('#overlay-error').scrollIntoView()",
        vec![],
    )
    .await?;
    screenshot(c, d, "o02-refused.png").await?;
    assert_eq!(yitu(data, &["overlay", "list", "--json"])?, listed);
    let count = c
        .execute(
            "return document.querySelectorAll('#overlay li').length",
            vec![],
        )
        .await?;
    assert_eq!(count, json!(2));
    assert!(drawn(c, &pid).await? >= 1 && drawn(c, &lid).await? >= 1);

    // 4. Hidden: the polygon leaves the map (the line stays), and the store says so.
    click(c, &format!("#overlay li[data-id='{pid}'] input.shown")).await?;
    wait_for(
        c,
        "the polygon gone",
        "const p = 'user-overlay-' + arguments[0] + '-';
         return !window.__yituMap.getStyle().layers.some(l => l.id.startsWith(p))",
        vec![json!(pid)],
        Duration::from_secs(10),
    )
    .await?;
    assert_eq!(drawn(c, &pid).await?, 0);
    assert!(drawn(c, &lid).await? >= 1);
    let after_hide = yitu(data, &["overlay", "list", "--json"])?;
    assert_eq!(after_hide["overlays"][0]["shown"], json!(false));
    assert_eq!(after_hide["overlays"][1]["shown"], json!(true));
    map_idle(c).await?;
    screenshot(c, d, "o03-hidden.png").await?;
    let hidden = share_of(&screenshot_dir().join("o03-hidden.png"), seen)?;
    assert!(hidden < 0.002, "no fill once hidden: {hidden}");
    Ok((pid, lid))
}

async fn restart(c: &Client, d: &Driver, polygon: &str, line: &str) -> Result<()> {
    map_ready(c).await?;
    wait_for(
        c,
        "the shown line drawn at start",
        "const p = 'user-overlay-' + arguments[0] + '-';
         return window.__yituMap.queryRenderedFeatures().some(f => f.layer.id.startsWith(p))",
        vec![json!(line)],
        Duration::from_secs(20),
    )
    .await?;
    assert_eq!(
        drawn(c, polygon).await?,
        0,
        "the hidden polygon is not drawn"
    );
    click(c, "#overlay summary").await?;
    let unchecked = c
        .execute(
            "const i = document.querySelector(`#overlay li[data-id='${arguments[0]}'] input.shown`);
             return i ? !i.checked : null",
            vec![json!(polygon)],
        )
        .await?;
    assert_eq!(unchecked, json!(true), "listed, unticked");
    screenshot(c, d, "o04-restart.png").await?;
    Ok(())
}
