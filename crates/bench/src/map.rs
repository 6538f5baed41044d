//! `yitu-map-bench`: issue 3's map benchmark. Generates N records (50,000 by default) across the
//! five layers into a scratch data folder through the store's own write path (demo data,
//! 演示数据), opens the real desktop app on it under Xvfb (tauri-driver, the system tests'
//! fixtures), and measures in the webview: time to first full paint and where it goes, then the
//! frame times of one scripted camera path over three maps: the app's own rendering, an empty
//! map (the webview's floor) and the same records as `maplibregl.Marker` DOM elements (the naive
//! baseline). Prints figures; never fails on a figure.
//!
//! Arguments: `[RECORDS] [MARKER_CAP_SECONDS]`. Environment: `YITU_BIN_DIR` (where the built
//! `yitu-desktop` and `yitu` are; default the target folder's `debug`), `YITU_BENCH_KEEP=1` keeps
//! the data folder. Screenshots: `<target>/screenshots/mapbench-*.png`.

use anyhow::{bail, Context, Result};
use fantoccini::Client;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};
use yitu_domain::map::cluster::ClusterIndex;
use yitu_domain::map::feature::MapFeature;
use yitu_domain::{demo, Layer};
use yitu_system_tests::webview::{open_app, screenshot, wait_for, yitu};
use yitu_system_tests::Driver;

/// The resource layers as the window draws them (its sources are named by layer code).
const LAYERS: [Layer; 5] = [
    Layer::Hazards,
    Layer::Shelters,
    Layer::Depots,
    Layer::Experts,
    Layer::Teams,
];
/// A marker's colour per layer, the window's own base colours.
const COLOURS: [&str; 5] = ["#e65100", "#00838f", "#ef6c00", "#6a1b9a", "#2e7d32"];

/// The camera path, driven from script one frame at a time so every map sees the same views:
/// from the district view in to street zoom over the old town, a pan there, out to town zoom
/// across the north-west to the east, down to the south and back out to the district. Each
/// leg is (lon, lat, zoom, frames to get there).
const PATH: &str = r#"[
  [106.319, 30.113, 9.5, 0],
  [106.275, 29.985, 15.0, 40],
  [106.305, 29.990, 15.0, 15],
  [106.100, 30.200, 12.5, 30],
  [106.550, 30.200, 12.5, 30],
  [106.400, 29.900, 11.0, 20],
  [106.319, 30.113, 9.5, 15]
]"#;

/// Installed once in the page: the path runner (frame times from requestAnimationFrame) and
/// the markers baseline.
const BENCH_JS: &str = r#"
const B = window.__yituBench = { results: {} };
B.cameras = function () {
  const legs = JSON.parse(arguments[0]);
  const out = [{ center: [legs[0][0], legs[0][1]], zoom: legs[0][2] }];
  for (let i = 1; i < legs.length; i++) {
    const [a, b] = [legs[i - 1], legs[i]];
    for (let k = 1; k <= b[3]; k++) {
      const t = k / b[3];
      out.push({ center: [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t], zoom: a[2] + (b[2] - a[2]) * t });
    }
  }
  return out;
};
B.path = B.cameras(arguments[0]);
// One camera per frame: jumpTo in a frame, the map draws in the next, the interval between two
// of our frame callbacks is what one step of the path cost. Stops early after capMs.
B.run = function (name, capMs) {
  const m = window.__yituMap;
  const r = { frames: [], done: false, partial: false, steps: B.path.length - 1 };
  B.results[name] = r;
  let i = 0, last = null;
  const t0 = performance.now();
  const step = (t) => {
    if (last !== null) r.frames.push(t - last);
    last = t;
    i += 1;
    const now = performance.now();
    if (i >= B.path.length || now - t0 > capMs) {
      r.partial = i < B.path.length;
      r.ms = now - t0;
      r.done = true;
      return;
    }
    m.jumpTo(B.path[i]);
    requestAnimationFrame(step);
  };
  m.jumpTo(B.path[0]);
  requestAnimationFrame(step);
};
// The naive baseline: one maplibregl.Marker (a small coloured disc, lighter than the default
// SVG pin) per record, added in chunks so the page stays answerable; paintMs is when the
// second frame after the last one was added began.
B.addMarkers = function (flat, colours) {
  const m = window.__yituMap;
  const r = B.markers = { added: 0, done: false };
  const t0 = performance.now();
  let i = 0;
  const chunk = () => {
    const end = Math.min(i + 3 * 5000, flat.length);
    for (; i < end; i += 3) {
      const el = document.createElement('div');
      el.style.cssText = 'width:14px;height:14px;border-radius:50%;box-sizing:border-box;border:2px solid #fff;background:' + colours[flat[i + 2]];
      new maplibregl.Marker({ element: el }).setLngLat([flat[i], flat[i + 1]]).addTo(m);
      r.added += 1;
    }
    if (i < flat.length) { setTimeout(chunk, 0); return; }
    r.addedMs = performance.now() - t0;
    requestAnimationFrame(() => requestAnimationFrame(() => { r.paintMs = performance.now() - t0; r.done = true; }));
  };
  setTimeout(chunk, 0);
};
return B.path.length;
"#;

/// Median and 95th percentile (nearest rank) of frame times, ms.
fn median_p95(frames: &[f64]) -> (f64, f64) {
    if frames.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mut f = frames.to_vec();
    f.sort_by(f64::total_cmp);
    let rank = |q: f64| f[((q * f.len() as f64).ceil() as usize).clamp(1, f.len()) - 1];
    (rank(0.5), rank(0.95))
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// One measured run of the path.
struct Run {
    name: &'static str,
    first_paint_ms: Option<f64>,
    frames: Vec<f64>,
    steps: u64,
    partial: bool,
    wall_ms: f64,
}

/// Puts the camera at the path's start, waits until the map is idle there, runs the path and
/// waits for it (polling, so no WebDriver call waits on a long script).
async fn run_path(c: &Client, name: &'static str, cap: Duration) -> Result<Run> {
    c.execute(
        "const m = window.__yituMap; m.jumpTo(window.__yituBench.path[0]);",
        vec![],
    )
    .await?;
    idle(c, Duration::from_secs(60)).await;
    c.execute(
        "window.__yituBench.run(arguments[0], arguments[1])",
        vec![json!(name), json!(cap.as_millis() as u64)],
    )
    .await?;
    let r = wait_for(
        c,
        &format!("the {name} path"),
        "const r = window.__yituBench.results[arguments[0]]; return r && r.done ? r : null",
        vec![json!(name)],
        cap + Duration::from_secs(120),
    )
    .await?;
    Ok(Run {
        name,
        first_paint_ms: None,
        frames: r["frames"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default(),
        steps: r["steps"].as_u64().unwrap_or(0),
        partial: r["partial"].as_bool().unwrap_or(false),
        wall_ms: r["ms"].as_f64().unwrap_or(f64::NAN),
    })
}

/// Waits (at most `within`) for the map's next `idle`.
async fn idle(c: &Client, within: Duration) {
    let _ = c
        .execute(
            "const m = window.__yituMap; window.__yituIdle = false;
             m.once('idle', () => { window.__yituIdle = true; }); m.triggerRepaint();",
            vec![],
        )
        .await;
    let _ = wait_for(
        c,
        "idle",
        "return window.__yituIdle === true",
        vec![],
        within,
    )
    .await;
}

/// The marks the window put on its Performance timeline while loading (name → ms since
/// navigation start).
async fn marks(c: &Client) -> Result<Vec<(String, f64)>> {
    let v = c
        .execute(
            "return performance.getEntriesByType('mark').filter(e => e.name.startsWith('yitu:'))
                .map(e => [e.name, e.startTime])",
            vec![],
        )
        .await?;
    Ok(v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| Some((m[0].as_str()?.to_owned(), m[1].as_f64()?)))
        .collect())
}

/// Waits (up to ten minutes, polling) for the window's mark `name`; its time since navigation start.
async fn wait_for_mark(c: &Client, name: &str) -> Result<f64> {
    let until = Instant::now() + Duration::from_secs(600);
    loop {
        if let Some((_, t)) = marks(c).await?.into_iter().find(|(n, _)| n == name) {
            return Ok(t);
        }
        if Instant::now() > until {
            bail!("the window put no {name} mark within ten minutes");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Ends any `yitu-desktop` still running on our data folder (ours alone: the folder is ours).
fn end_our_app(data_dir: &Path) {
    let needle = data_dir.display().to_string();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let cmdline = std::fs::read(e.path().join("cmdline"))
            .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
            .unwrap_or_default();
        if cmdline.contains("yitu-desktop") && cmdline.contains(&needle) {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
        }
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let records: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50_000);
    let marker_cap = Duration::from_secs(args.next().and_then(|a| a.parse().ok()).unwrap_or(120));
    let dir = tempfile::Builder::new()
        .prefix("yitu-mapbench-")
        .tempdir()?;
    let data_dir = dir.path().to_owned();
    println!(
        "map benchmark: {records} generated records (演示数据) in {}",
        data_dir.display()
    );
    println!("load average at start: {}", load());

    // 1. The data, through the store's own write path, counted back by `yitu stats`.
    let t = Instant::now();
    let store = yitu_replica::Store::open(&data_dir).await?;
    let report = store.seed_generated(demo::DEFAULT_SEED, records).await?;
    let seeded = t.elapsed();
    let stats = yitu(&data_dir, &["stats", "--json"])?;
    let counted: i64 = LAYERS
        .iter()
        .map(|l| stats["layers"][l.code()]["total"].as_i64().unwrap_or(0))
        .sum();
    println!(
        "generated and written in {:.1} s: {} records, {} ledger entries; `yitu stats` counts {counted} (demo: {})",
        seeded.as_secs_f64(),
        report.resources_inserted,
        report.ledger_entries_inserted,
        stats["demo"]
    );
    if counted != records as i64 {
        bail!("the store holds {counted} records, not {records}");
    }

    // 2. What the shell's work costs per layer (store read, the clustered index its tiles are
    // cut from, the `resources` reply's JSON for filters and lists), timed here with the same
    // code the shell runs, and the points for the markers baseline.
    let mut flat: Vec<Value> = Vec::with_capacity(records * 3);
    println!("\nthe shell's work per layer, outside the window (this build of the store):");
    println!(
        "{:<10} {:>8} {:>10} {:>10} {:>12} {:>10} {:>10}",
        "layer", "records", "read ms", "index ms", "z10 symbols", "json ms", "reply MB"
    );
    for (i, layer) in LAYERS.iter().enumerate() {
        let t = Instant::now();
        let list = store.resources(*layer).await?;
        let read = t.elapsed();
        let t = Instant::now();
        let features = list.iter().map(MapFeature::of).collect();
        let index = ClusterIndex::new(layer.code(), features);
        let build = t.elapsed();
        let t = Instant::now();
        let bytes = serde_json::to_vec(&list)?.len();
        let encode = t.elapsed();
        println!(
            "{:<10} {:>8} {:>10.0} {:>10.0} {:>12} {:>10.0} {:>10.2}",
            layer.code(),
            list.len(),
            read.as_secs_f64() * 1e3,
            build.as_secs_f64() * 1e3,
            index.symbols_at(10),
            encode.as_secs_f64() * 1e3,
            bytes as f64 / 1e6
        );
        for r in &list {
            let p = r.location();
            flat.extend([json!(p.lon), json!(p.lat), json!(i)]);
        }
    }
    store.close().await;

    let result = in_window(&data_dir, records, flat, marker_cap).await;
    end_our_app(&data_dir);
    if std::env::var("YITU_BENCH_KEEP").is_ok_and(|v| v == "1") {
        println!("data folder kept: {}", dir.keep().display());
    }
    result
}

async fn in_window(
    data_dir: &Path,
    records: usize,
    flat: Vec<Value>,
    marker_cap: Duration,
) -> Result<()> {
    // 3. The real app on that folder; first paint from its own marks.
    let started = Instant::now();
    let (driver, c) = open_app(data_dir).await?;
    let session = started.elapsed();
    // Longer than the tests' `map_ready`: 50,000 records may take minutes on a loaded machine.
    let ready = wait_for(
        &c,
        "the map to be ready",
        "return document.querySelector('#map[data-state=ready]') !== null",
        vec![],
        Duration::from_secs(600),
    )
    .await;
    let ready_wall = started.elapsed();
    let result = match ready {
        Ok(_) => measure(&c, &driver, records, flat, marker_cap, session, ready_wall).await,
        Err(e) => {
            let _ = driver.screenshot("mapbench-not-ready.png");
            println!("marks so far: {:?}", marks(&c).await.unwrap_or_default());
            Err(e)
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(20), c.close()).await;
    drop(driver);
    result
}

async fn measure(
    c: &Client,
    driver: &Driver,
    records: usize,
    flat: Vec<Value>,
    marker_cap: Duration,
    session: Duration,
    ready_wall: Duration,
) -> Result<()> {
    let marks = marks(c).await?;
    let at = |name: &str| marks.iter().find(|(n, _)| n == name).map(|(_, t)| *t);
    let ready = at("yitu:ready").context("the window put no yitu:ready mark")?;
    let loaded = c
        .execute(
            "const m = window.__yituMap; return arguments[0].map(id => m.isSourceLoaded(id))",
            vec![json!(LAYERS.iter().map(|l| l.code()).collect::<Vec<_>>())],
        )
        .await?;
    println!("\nfirst full paint, defined: from the webview's navigation start (performance.timeOrigin) to the");
    println!("map's first `idle` after all five resource sources were added with every record (the window's");
    println!("`yitu:ready` mark, when it sets #map[data-state=ready]): {ready:.0} ms. Sources loaded then: {loaded}.");
    println!(
        "(wall clock, bench side: WebDriver session opened after {:.0} ms, ready seen after {:.0} ms from asking for the session)",
        session.as_secs_f64() * 1e3,
        ready_wall.as_secs_f64() * 1e3
    );
    println!("\nwhere it goes (ms since navigation start):");
    println!(
        "map style loaded {:.0}",
        at("yitu:map-loaded").unwrap_or(f64::NAN)
    );
    println!("{:<10} {:>10} {:>10}", "layer", "added@", "loaded@");
    for l in LAYERS {
        let code = l.code();
        let f = |p: Option<f64>| p.map_or("-".to_owned(), |v| format!("{v:.0}"));
        println!(
            "{:<10} {:>10} {:>10}",
            code,
            f(at(&format!("yitu:{code}:added"))),
            f(at(&format!("yitu:{code}:loaded")))
        );
    }
    println!(
        "window marks in order: {}",
        marks
            .iter()
            .map(|(n, t)| format!("{} {t:.0}", n.trim_start_matches("yitu:")))
            .collect::<Vec<_>>()
            .join(" · ")
    );
    let last_added = LAYERS
        .iter()
        .filter_map(|l| at(&format!("yitu:{}:added", l.code())))
        .fold(f64::NAN, f64::max);
    let last_loaded = LAYERS
        .iter()
        .filter_map(|l| at(&format!("yitu:{}:loaded", l.code())))
        .fold(f64::NAN, f64::max);
    println!(
        "added@: the source was added with its tile URL on the shell's yitu-data scheme; loaded@: MapLibre's worker\n\
         had fetched and decoded the tiles in view (isSourceLoaded first true).\n\
         last added {last_added:.0} → last loaded {last_loaded:.0} → ready {ready:.0} (drawing, and the window's roads and incidents)."
    );
    // The records reach the window after first paint (filters, counts, lists): the camera path
    // waits for them so that their decoding is not counted in its frames.
    let records_at = wait_for_mark(c, "yitu:records").await?;
    println!(
        "records for filters and lists in the window at {records_at:.0} ms ({:.0} ms after ready)",
        records_at - ready
    );

    // What the tiles in view cost to fetch, asked again from the window's thread (same engine,
    // same scheme; a new version so the shell cuts them again from its index).
    let fetched = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             (async () => {
               const m = window.__yituMap;
               const base = await window.__TAURI__.core.invoke('base_map');
               const z = Math.floor(m.getZoom());
               const n = 2 ** z;
               const b = m.getBounds();
               const tx = lon => Math.floor((lon + 180) / 360 * n);
               const ty = lat => { const s = Math.sin(lat * Math.PI / 180);
                 return Math.floor((0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * n); };
               const out = [];
               for (const l of arguments[0]) {
                 const t0 = performance.now();
                 let tiles = 0, bytes = 0;
                 for (let x = tx(b.getWest()); x <= tx(b.getEast()); x++) {
                   for (let y = ty(b.getNorth()); y <= ty(b.getSouth()); y++) {
                     const url = base.features.replace('{layer}', l).replace('{z}', z)
                       .replace('{x}', x).replace('{y}', y) + '?v=bench';
                     bytes += (await (await fetch(url)).arrayBuffer()).byteLength;
                     tiles += 1;
                   }
                 }
                 out.push([l, tiles, bytes, performance.now() - t0]);
               }
               return [z, out];
             })().then(done, e => done(String(e)));",
            vec![json!(LAYERS.iter().map(|l| l.code()).collect::<Vec<_>>())],
        )
        .await?;
    println!(
        "\nthe tiles in view (zoom {}) fetched again from the window, one layer at a time:",
        fetched[0]
    );
    println!(
        "{:<10} {:>8} {:>10} {:>10}",
        "layer", "tiles", "KB", "fetch ms"
    );
    for row in fetched[1].as_array().into_iter().flatten() {
        println!(
            "{:<10} {:>8} {:>10.1} {:>10.0}",
            row[0].as_str().unwrap_or("?"),
            row[1],
            row[2].as_f64().unwrap_or(f64::NAN) / 1e3,
            row[3].as_f64().unwrap_or(f64::NAN)
        );
    }

    c.execute(BENCH_JS, vec![json!(PATH)]).await?;
    let mut runs = Vec::new();

    // (b) the app's own rendering, as loaded.
    screenshot(c, driver, "mapbench-app.png").await?;
    let mut app = run_path(c, "app", Duration::from_secs(300)).await?;
    app.first_paint_ms = Some(ready);
    println!("\napp path done: {} frames", app.frames.len());

    // (a) the floor: the same window with its resource layers drawing nothing.
    c.execute(
        "const m = window.__yituMap;
         for (const l of m.getStyle().layers) {
           if (arguments[0].includes(l.source)) m.setLayoutProperty(l.id, 'visibility', 'none');
         }",
        vec![json!(LAYERS.iter().map(|l| l.code()).collect::<Vec<_>>())],
    )
    .await?;
    idle(c, Duration::from_secs(60)).await;
    c.execute(
        "window.__yituMap.jumpTo(window.__yituBench.path[0])",
        vec![],
    )
    .await?;
    screenshot(c, driver, "mapbench-empty.png").await?;
    let empty = run_path(c, "empty", Duration::from_secs(300)).await?;
    println!("empty path done: {} frames", empty.frames.len());

    // (c) the naive baseline: every record a DOM marker, on the map without its resource layers.
    c.execute(
        "window.__yituMap.jumpTo(window.__yituBench.path[0]);
         window.__yituBench.addMarkers(arguments[0], arguments[1])",
        vec![Value::Array(flat), json!(COLOURS)],
    )
    .await?;
    let markers = wait_for(
        c,
        "the markers to be added and drawn",
        "const r = window.__yituBench.markers; return r && r.done ? r : null",
        vec![],
        Duration::from_secs(600),
    )
    .await;
    let mut baseline = match markers {
        Ok(m) => {
            println!(
                "markers: {} added in {:.0} ms, drawn after {:.0} ms",
                m["added"],
                m["addedMs"].as_f64().unwrap_or(f64::NAN),
                m["paintMs"].as_f64().unwrap_or(f64::NAN)
            );
            tokio::time::sleep(Duration::from_secs(1)).await;
            let _ = driver.screenshot("mapbench-markers.png");
            let mut r = run_path(c, "markers", marker_cap).await?;
            r.first_paint_ms = m["paintMs"].as_f64();
            r
        }
        Err(e) => {
            println!("markers could not be added within 600 s: {e:#}");
            Run {
                name: "markers",
                first_paint_ms: None,
                frames: vec![],
                steps: 0,
                partial: true,
                wall_ms: f64::NAN,
            }
        }
    };
    baseline.name = "markers (DOM, naive)";
    runs.push(empty);
    runs.push(app);
    runs.push(baseline);

    // 4. The table.
    println!("\n=== {records} features, camera path of {} steps (district zoom 9.5 → 15 → 12.5 → 11 → 9.5) ===", runs[1].steps);
    println!(
        "{:<22} {:>14} {:>9} {:>10} {:>10} {:>12}",
        "map", "first paint ms", "frames", "median ms", "p95 ms", "path s"
    );
    let floor = median_p95(&runs[0].frames);
    for r in &runs {
        let (med, p95) = median_p95(&r.frames);
        println!(
            "{:<22} {:>14} {:>9} {:>10.1} {:>10.1} {:>12.1}{}",
            r.name,
            r.first_paint_ms.map_or("-".into(), |v| format!("{v:.0}")),
            format!("{}/{}", r.frames.len(), r.steps),
            med,
            p95,
            r.wall_ms / 1e3,
            if r.partial {
                "  (cut off: partial)"
            } else {
                ""
            }
        );
    }
    let (app_med, app_p95) = median_p95(&runs[1].frames);
    let (base_med, base_p95) = median_p95(&runs[2].frames);
    let above = |x: f64, f: f64| (x - f).max(0.0);
    let ratio = |b: f64, a: f64| {
        if a < 1.0 {
            format!("> {:.0}× (app within 1 ms of the floor)", b / 1.0)
        } else {
            format!("{:.1}×", b / a)
        }
    };
    println!(
        "above the floor: app median {:.1} ms, p95 {:.1} ms; baseline median {:.1} ms, p95 {:.1} ms",
        above(app_med, floor.0),
        above(app_p95, floor.1),
        above(base_med, floor.0),
        above(base_p95, floor.1)
    );
    println!(
        "baseline / app, above the floor: median {}, p95 {}   (goal ≥ 10×; first paint goal < 2,000 ms: {:.0} ms)",
        ratio(above(base_med, floor.0), above(app_med, floor.0)),
        ratio(above(base_p95, floor.1), above(app_p95, floor.1)),
        runs[1].first_paint_ms.unwrap_or(f64::NAN)
    );
    println!("load average at the end: {}", load());
    Ok(())
}
