//! The one map a commander works from, in the real window (WebKitGTK through tauri-driver):
//! at district zoom each layer's records merge into clusters whose counts add up to what
//! `yitu stats` reads from the same database, and the counts are written (digit glyphs served by
//! the app itself, no network); a click on a cluster zooms in; at street zoom every record has
//! its own symbol and its name is written under it; every layer filter leaves on the panel and
//! on the map the number of records the database export says, counted here independently.
//! Screenshots: target/screenshots/m*.

use anyhow::{bail, Context, Result};
use fantoccini::Client;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;
use yitu_system_tests::webview::{
    click, click_at, map_ready, run_in_window, screenshot, set_value, wait_for, yitu, RENDERED,
    SYMBOL_LAYERS_JS,
};
use yitu_system_tests::Driver;

const LAYERS: [&str; 5] = ["teams", "experts", "depots", "shelters", "hazards"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clusters_labels_and_every_filter() -> Result<()> {
    let data = tempfile::tempdir()?;
    let path = data.path().to_owned();
    run_in_window(
        data.path(),
        Duration::from_secs(200),
        "m-failure.png",
        move |c, d| Box::pin(async move { story(c, d, &path).await }),
    )
    .await
}

/// Waits until the map has drawn everything it has (no tiles, glyphs or data pending).
async fn idle(c: &Client) -> Result<()> {
    wait_for(
        c,
        "the map to settle",
        "const m = window.__yituMap; return m.loaded() && !m.isMoving() && m.areTilesLoaded()",
        vec![],
        Duration::from_secs(20),
    )
    .await?;
    Ok(())
}

async fn story(c: &Client, d: &Driver, data: &Path) -> Result<()> {
    map_ready(c).await?;
    idle(c).await?;
    let stats = yitu(data, &["stats", "--json"])?;

    // 1. District zoom: every record is drawn once, alone or inside a cluster, and the shelters
    // (165 of them) take far fewer symbols than records.
    for layer in LAYERS {
        let total = stats["layers"][layer]["total"].as_i64().context("total")?;
        wait_for(
            c,
            &format!("all {total} {layer} drawn, clusters counted"),
            &RENDERED.replace("return ", "return arguments[1] === "),
            vec![json!(layer), json!(total)],
            Duration::from_secs(10),
        )
        .await?;
    }
    let shelters = stats["layers"]["shelters"]["total"]
        .as_i64()
        .context("total")?;
    let symbols = c
        .execute(
            "return window.__yituMap.queryRenderedFeatures({layers: ['shelters-disc', 'shelters-cluster']}).length",
            vec![],
        )
        .await?
        .as_i64()
        .unwrap_or(0);
    assert!(
        symbols > 0 && symbols * 2 <= shelters,
        "{shelters} shelters drawn as {symbols} symbols at district zoom"
    );
    // The counts are written on the clusters: the digits' glyphs came from the app.
    let counts = wait_for(
        c,
        "cluster counts written",
        "const fs = window.__yituMap.queryRenderedFeatures({layers: ['shelters-count']});
         return fs.length > 0 ? fs.map(f => f.properties.point_count) : null",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    assert!(counts
        .as_array()
        .is_some_and(|a| a.iter().all(|n| n.as_i64().unwrap_or(0) >= 2)));
    screenshot(c, d, "m01-clusters.png").await?;

    // 2. The glyph ranges answer as MapLibre asks, and a wrong range is refused.
    let glyphs = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const base = window.__yituMap.getStyle().glyphs.replace('{fontstack}', 'Yitu%20Sans');
             Promise.all(['0-255', '65280-65535', '1-256'].map(r =>
                 fetch(base.replace('{range}', r)).then(async x => [x.status, (await x.arrayBuffer()).byteLength])))
               .then(done, e => done(String(e)));",
            vec![],
        )
        .await?;
    let g = |i: usize, k: usize| glyphs[i][k].as_i64().unwrap_or(-1);
    assert_eq!((g(0, 0), g(1, 0), g(2, 0)), (200, 200, 400), "{glyphs}");
    // 0–255: about 190 Latin glyphs of 24 px with their distance fields.
    assert!(g(0, 1) > 50_000, "{glyphs}");

    // 2b. Each layer's symbols come from the shell's data scheme as vector tiles (fetched by
    // MapLibre's worker). The world's one zoom-0 tile holds every record of a layer, in clusters
    // and singles whose counts add up to what the database holds, carrying only what the map
    // styles, labels and picks by; a layer that does not exist is 404, a tile deeper than the
    // shell cuts is 400.
    let served = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const layers = arguments[0];
             window.__TAURI__.core.invoke('base_map').then(base => {
               const url = (l, z) => base.features.replace('{layer}', l)
                 .replace('{z}', z).replace('{x}', 0).replace('{y}', 0);
               const urls = layers.map(l => url(l, 0)).concat([url('nosuch', 0), url('teams', 15)]);
               return Promise.all(urls.map(u => fetch(u).then(async x =>
                 [x.status, Array.from(new Uint8Array(await x.arrayBuffer()))])));
             }).then(done, e => done(String(e)));",
            vec![json!(LAYERS)],
        )
        .await?;
    let allowed = [
        "capacity",
        "id",
        "kind",
        "layer",
        "level",
        "name",
        "occupancy",
        "status",
    ];
    let cluster_keys = [
        "cluster",
        "cluster_id",
        "point_count",
        "point_count_abbreviated",
        "expansion_zoom",
        "gravest",
    ];
    for (i, layer) in LAYERS.iter().enumerate() {
        let total = stats["layers"][layer]["total"].as_i64().context("total")?;
        assert_eq!(served[i][0], 200, "{layer}: status");
        let bytes: Vec<u8> = serde_json::from_value(served[i][1].clone())?;
        let tile = mvt_reader::Reader::new(bytes).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let names = tile
            .get_layer_names()
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        assert_eq!(names, vec![layer.to_string()], "{layer}: tile layers");
        let mut drawn = 0;
        for f in tile.get_features(0).map_err(|e| anyhow::anyhow!("{e:?}"))? {
            let props = f.properties.unwrap_or_default();
            match props.get("point_count") {
                Some(mvt_reader::feature::Value::SInt(n)) => {
                    drawn += n;
                    assert!(
                        props.keys().all(|k| cluster_keys.contains(&k.as_str())),
                        "{layer}: {props:?}"
                    );
                }
                _ => {
                    drawn += 1;
                    assert!(
                        props.contains_key("id")
                            && props.keys().all(|k| allowed.contains(&k.as_str())),
                        "{layer} symbol carries {props:?}"
                    );
                }
            }
        }
        assert_eq!(drawn, total, "{layer}: the zoom-0 tile counts {drawn}");
    }
    assert_eq!(served[5][0], 404, "a layer that does not exist");
    assert_eq!(served[6][0], 400, "a tile deeper than the shell cuts");

    // 3. A click on a cluster zooms in on it.
    let before = c
        .execute("return window.__yituMap.getZoom()", vec![])
        .await?;
    let target = wait_for(
        c,
        "an unobstructed shelter cluster",
        &r#"const m = window.__yituMap;
           const rect = m.getCanvas().getBoundingClientRect();
           for (const f of m.queryRenderedFeatures({layers: ['shelters-cluster']})) {
             const p = m.project(f.geometry.coordinates);
             if (p.x < 40 || p.y < 40 || p.x > rect.width - 40 || p.y > rect.height - 40) continue;
             const top = m.queryRenderedFeatures([[p.x - 4, p.y - 4], [p.x + 4, p.y + 4]], {layers: SYMBOLS});
             if (top.length > 0 && top[0].properties.cluster_id === f.properties.cluster_id && top[0].layer.id === 'shelters-cluster') {
               return {x: rect.left + p.x, y: rect.top + p.y, n: f.properties.point_count};
             }
           }
           return null;"#
            .replace("SYMBOLS", SYMBOL_LAYERS_JS),
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    click_at(
        c,
        target["x"].as_f64().context("x")?,
        target["y"].as_f64().context("y")?,
    )
    .await?;
    let before = before.as_f64().context("zoom")?;
    let after = wait_for(
        c,
        "the map to zoom in on the cluster",
        "const m = window.__yituMap; return !m.isMoving() && m.getZoom() > arguments[0] + 1 ? m.getZoom() : null",
        vec![json!(before)],
        Duration::from_secs(10),
    )
    .await?;
    assert!(
        after.as_f64().unwrap_or(0.0) <= 12.0 + 1e-6,
        "zoomed to {after}"
    );
    screenshot(c, d, "m02-cluster-opened.png").await?;

    // 4. Street zoom: no clusters, a symbol per record, and names under them.
    let export = yitu(data, &["export", "shelters", "--format", "geojson"])?;
    let first = &export["features"][0];
    let (id, name) = (
        first["id"].as_str().context("id")?,
        first["properties"]["name"].as_str().context("name")?,
    );
    let at = &first["geometry"]["coordinates"];
    c.execute(
        "window.__yituMap.jumpTo({center: arguments[0], zoom: 14.5})",
        vec![at.clone()],
    )
    .await?;
    idle(c).await?;
    let clusters = c
        .execute(
            "return window.__yituMap.queryRenderedFeatures({layers: ['hazards-cluster','shelters-cluster','depots-cluster','experts-cluster','teams-cluster']}).length",
            vec![],
        )
        .await?;
    assert_eq!(clusters, json!(0), "no clusters at street zoom");
    let label = wait_for(
        c,
        "the shelter's name written on the map",
        "const f = window.__yituMap.queryRenderedFeatures({layers: ['shelters-label']}).find(f => f.properties.id === arguments[0]);
         return f ? f.properties.name : null",
        vec![json!(id)],
        Duration::from_secs(10),
    )
    .await?;
    assert_eq!(label, json!(name));
    screenshot(c, d, "m03-labels.png").await?;
    c.execute(
        "window.__yituMap.fitBounds([[105.964, 29.847], [106.674, 30.380]], {padding: 24, animate: false})",
        vec![],
    )
    .await?;
    idle(c).await?;

    // 5. Every layer filter: the panel's count and the records drawn are the export's count of
    // records with that value, for a value that keeps some but not all.
    let exports: Vec<(&str, Value)> = LAYERS
        .iter()
        .map(|l| Ok((*l, yitu(data, &["export", l, "--format", "geojson"])?)))
        .collect::<Result<_>>()?;
    let props = |layer: &str| -> Vec<Value> {
        exports
            .iter()
            .find(|(l, _)| *l == layer)
            .and_then(|(_, fc)| fc["features"].as_array().cloned())
            .unwrap_or_default()
            .into_iter()
            .map(|f| f["properties"].clone())
            .collect()
    };
    type Keeps = fn(&Value, &str) -> bool;
    let selects: [(&str, &str, Keeps); 8] = [
        ("filter-specialty", "teams", |p, v| {
            p["specialties"]
                .as_array()
                .is_some_and(|a| a.iter().any(|s| s == v))
        }),
        ("filter-team-kind", "teams", |p, v| p["kind"] == v),
        ("filter-field", "experts", |p, v| p["field"] == v),
        ("filter-availability", "experts", |p, v| {
            p["availability"] == v
        }),
        ("filter-depot-level", "depots", |p, v| p["level"] == v),
        ("filter-shelter-class", "shelters", |p, v| p["class"] == v),
        ("filter-hazard-kind", "hazards", |p, v| p["kind"] == v),
        // Level I is the gravest: "at least III" keeps I, II and III.
        ("filter-level", "hazards", |p, v| {
            level(p) <= v.parse::<i64>().unwrap_or(0)
        }),
    ];
    for (select, layer, keeps) in selects {
        let options = c
            .execute(
                "return [...document.querySelectorAll(`#${arguments[0]} option`)].map(o => o.value).filter(v => v)",
                vec![json!(select)],
            )
            .await?;
        let all = props(layer);
        let chosen = options
            .as_array()
            .context("options")?
            .iter()
            .filter_map(|v| v.as_str())
            .map(|v| (v.to_owned(), all.iter().filter(|p| keeps(p, v)).count()))
            .find(|(_, n)| *n > 0 && *n < all.len());
        let Some((value, expected)) = chosen else {
            bail!("no choice of {select} keeps some but not all {layer}: {options}");
        };
        c.execute(
            "const s = document.querySelector('#' + arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true}))",
            vec![json!(select), json!(value)],
        )
        .await?;
        kept(c, layer, expected, &format!("{select}={value}")).await?;
        click(c, "#filter-clear").await?;
        kept(c, layer, all.len(), "cleared").await?;
    }
    // Free places: a shelter's capacity less its occupancy, none when closed.
    let free: Vec<i64> = props("shelters")
        .iter()
        .map(|p| {
            if p["status"] == "closed" {
                0
            } else {
                p["capacity"].as_i64().unwrap_or(0) - p["occupancy"].as_i64().unwrap_or(0)
            }
        })
        .collect();
    let mut sorted = free.clone();
    sorted.sort_unstable();
    let threshold = sorted[sorted.len() / 2].max(1);
    let expected = free.iter().filter(|f| **f >= threshold).count();
    set_value(c, "#filter-min-free", &threshold.to_string()).await?;
    c.execute(
        "document.querySelector('#filter-min-free').dispatchEvent(new Event('change', {bubbles: true}))",
        vec![],
    )
    .await?;
    kept(
        c,
        "shelters",
        expected,
        &format!("free places ≥ {threshold}"),
    )
    .await?;
    screenshot(c, d, "m04-filtered.png").await?;
    click(c, "#filter-clear").await?;
    kept(c, "shelters", free.len(), "cleared").await?;

    // 5b. A window that loads again starts with no filters, and so does the map the shell
    // draws for it: set the filter again, reload, and every shelter is counted and drawn.
    set_value(c, "#filter-min-free", &threshold.to_string()).await?;
    c.execute(
        "document.querySelector('#filter-min-free').dispatchEvent(new Event('change', {bubbles: true}))",
        vec![],
    )
    .await?;
    kept(c, "shelters", expected, "the filter set again").await?;
    c.refresh().await.context("reloading the window")?;
    map_ready(c).await?;
    kept(c, "shelters", free.len(), "a reload with a filter set").await?;

    // 6. The table view (what stays usable without WebGL) finds by name or town as one types:
    // 钱塘 leaves the shelters of 钱塘镇 and any other whose name holds it.
    click(c, "#view-table").await?;
    click(c, "#table-view button[data-layer=shelters]").await?;
    let expected = props("shelters")
        .iter()
        .filter(|p| {
            p["town_code"] == "500117120" || p["name"].as_str().is_some_and(|n| n.contains("钱塘"))
        })
        .count();
    assert!(expected > 0 && expected < free.len());
    set_value(c, "#table-search", "钱塘").await?;
    wait_for(
        c,
        &format!("the table to list {expected} shelters"),
        "return document.querySelectorAll('#table-view tbody tr').length === arguments[0]
            && document.querySelector('#table-count').textContent.startsWith(String(arguments[0]))",
        vec![json!(expected)],
        Duration::from_secs(10),
    )
    .await?;
    screenshot(c, d, "m05-table-search.png").await?;
    click(c, "#view-map").await?;
    Ok(())
}

/// A hazard's level as a number (1 is the gravest).
fn level(p: &Value) -> i64 {
    match &p["level"] {
        Value::String(s) => s.parse().unwrap_or(9),
        v => v.as_i64().unwrap_or(9),
    }
}

/// The layer panel counts `n` records of `layer`, and the map draws as many.
async fn kept(c: &Client, layer: &str, n: usize, what: &str) -> Result<()> {
    wait_for(
        c,
        &format!("{layer} counted {n} after {what}"),
        "const e = document.querySelector(`li[data-layer=${arguments[0]}] .count`);
         return e && e.textContent.trim() === String(arguments[1])",
        vec![json!(layer), json!(n)],
        Duration::from_secs(10),
    )
    .await?;
    wait_for(
        c,
        &format!("{layer} drawn {n} after {what}"),
        &RENDERED.replace("return ", "return arguments[1] === "),
        vec![json!(layer), json!(n)],
        Duration::from_secs(10),
    )
    .await?;
    Ok(())
}
