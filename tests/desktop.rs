//! The real desktop app in its real webview (WebKitGTK through tauri-driver), on a fresh data
//! folder: the map shows, the panel counts match `yitu stats`, a layer toggles off and on, a
//! shelter's details show its capacity, a picked point lists the nearest standby water-rescue team
//! first and rings it on the map, search finds and opens a record, and the interface switches to
//! English. A screenshot of each step goes to target/screenshots/.

use anyhow::{bail, Context, Result};
use fantoccini::{Client, Locator};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use yitu_system_tests::webview::{
    click_at, log_in, move_to, open_app, screen_point, screenshot, text, wait_for, yitu, RENDERED,
    RENDERED_LAYER, SYMBOL_LAYERS_JS,
};
use yitu_system_tests::{resident_kb, Driver};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_one_map_opens_counts_toggles_and_shows_details() -> Result<()> {
    let data = tempfile::tempdir()?;
    let started = Instant::now();
    let (driver, c) = open_app(data.path()).await?;
    // A hung webview must fail the test, not stall CI.
    let result = match tokio::time::timeout(
        Duration::from_secs(240),
        run(&c, &driver, data.path(), started),
    )
    .await
    {
        Ok(r) => r,
        Err(_) => Err(anyhow::anyhow!(
            "the end-to-end run did not finish within 240 s"
        )),
    };
    if result.is_err() {
        let _ = screenshot(&c, &driver, "failure.png").await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(15), c.close()).await;
    result
}

async fn run(c: &Client, d: &Driver, data_dir: &std::path::Path, started: Instant) -> Result<()> {
    // 1. The map of the district, from the local database the app created and seeded.
    wait_for(
        c,
        "the map to be ready",
        "return document.querySelector('#map[data-state=ready]') !== null",
        vec![],
        Duration::from_secs(90),
    )
    .await
    .map_err(|e| {
        e.context(format!(
            "map state: {:?}",
            std::fs::read_dir(data_dir).map(|d| d.count())
        ))
    })?;
    eprintln!(
        "figure: cold start to map ready {:.2} s",
        started.elapsed().as_secs_f64()
    );
    // The stock move and the edit below are made as the user logged in.
    log_in(c, data_dir, "值班员").await?;
    let (app_kb, webkit_kb) = resident_kb(&data_dir.display().to_string());
    eprintln!(
        "figure: resident memory app {} MiB, webview processes {} MiB",
        app_kb / 1024,
        webkit_kb / 1024
    );
    let badge = text(c, "#demo-badge").await?;
    assert!(badge.contains("演示数据"), "demo badge: {badge:?}");
    let problem = c
        .execute(
            "return document.querySelector('#map-problem') === null",
            vec![],
        )
        .await?;
    assert_eq!(problem, json!(true), "no map problem banner");
    screenshot(c, d, "01-map.png").await?;

    // 2. Each layer's count in the panel equals what `yitu stats` reads from the same file.
    let stats = yitu(data_dir, &["stats", "--json"])?;
    for layer in ["teams", "experts", "depots", "shelters", "hazards"] {
        let shown = text(c, &format!("li[data-layer={layer}] .count")).await?;
        let expected = stats["layers"][layer]["total"]
            .as_i64()
            .context("stats total")?;
        assert!(expected > 0, "{layer} has records");
        assert_eq!(shown.trim(), expected.to_string(), "count of {layer}");
        let drawn = c.execute(RENDERED, vec![json!(layer)]).await?;
        assert!(drawn.as_i64().unwrap_or(0) > 0, "{layer} symbols drawn");
    }

    // 2b. The pointer's position reads out in WGS-84, and in GCJ-02 (shifted ~0.5 km here) on request.
    let (x, y) = screen_point(c, 106.4, 30.2).await?;
    move_to(c, x, y).await?;
    let read = |t: &str| -> Option<(f64, f64)> {
        let nums: Vec<f64> = t
            .split(|ch: char| ch == ',' || ch.is_whitespace())
            .filter_map(|w| w.parse().ok())
            .collect();
        (nums.len() >= 2).then(|| (nums[nums.len() - 2], nums[nums.len() - 1]))
    };
    let wgs = wait_for(c, "the cursor position", "const t = document.querySelector('#cursor-text').textContent; return t.startsWith('WGS-84') ? t : null", vec![], Duration::from_secs(5)).await?;
    let (lon, lat) = read(wgs.as_str().unwrap_or_default()).context("cursor numbers")?;
    // One pixel at this zoom is ~70 m: the read-out is where the pointer is.
    assert!(
        (lon - 106.4).abs() < 0.003 && (lat - 30.2).abs() < 0.003,
        "cursor at {lon},{lat}"
    );
    c.find(Locator::Css("#cursor-crs")).await?.click().await?;
    move_to(c, x, y).await?;
    let gcj = wait_for(c, "GCJ-02 read-out", "const t = document.querySelector('#cursor-text').textContent; return t.startsWith('GCJ-02') ? t : null", vec![], Duration::from_secs(5)).await?;
    let (glon, glat) = read(gcj.as_str().unwrap_or_default()).context("GCJ numbers")?;
    let shift_m =
        ((glon - lon) * 111_320.0 * lat.to_radians().cos()).hypot((glat - lat) * 110_570.0);
    assert!(
        (400.0..560.0).contains(&shift_m),
        "GCJ-02 shift {shift_m:.0} m (expected ~470 m over Hechuan)"
    );
    c.find(Locator::Css("#cursor-crs")).await?.click().await?;

    // 3. Shelters off: their symbols are gone; on again: back.
    let toggle = "li[data-layer=shelters] input[type=checkbox]";
    c.find(Locator::Css(toggle)).await?.click().await?;
    let shelters = vec![json!("shelters")];
    wait_for(
        c,
        "shelters to disappear",
        &RENDERED.replace("return ", "return 0 === "),
        shelters.clone(),
        Duration::from_secs(10),
    )
    .await
    .or_else(|_| -> Result<Value> {
        bail!("shelter symbols still drawn after toggling the layer off")
    })?;
    let others = c.execute(RENDERED, vec![json!("teams")]).await?;
    assert!(others.as_i64().unwrap_or(0) > 0, "teams stay drawn");
    screenshot(c, d, "02-shelters-off.png").await?;
    c.find(Locator::Css(toggle)).await?.click().await?;
    wait_for(
        c,
        "shelters to come back",
        &RENDERED.replace("return ", "return 0 < "),
        shelters,
        Duration::from_secs(10),
    )
    .await?;

    // 3b. Filters: one town, teams on standby only. The counts and the drawn symbols are what the
    // database export says for that town, computed here independently.
    let town = "500117120"; // 钱塘镇
    c.find(Locator::Css("#filter-town"))
        .await?
        .select_by_value(town)
        .await?;
    c.find(Locator::Css("#filter-standby"))
        .await?
        .click()
        .await?;
    let export = |layer: &str| yitu(data_dir, &["export", layer, "--format", "geojson"]);
    let in_town = |fc: &Value, extra: &dyn Fn(&Value) -> bool| {
        fc["features"].as_array().map_or(0, |fs| {
            fs.iter()
                .filter(|f| f["properties"]["town_code"] == town && extra(&f["properties"]))
                .count()
        })
    };
    let teams = in_town(&export("teams")?, &|p| p["status"] == "standby");
    let shelters = in_town(&export("shelters")?, &|_| true);
    assert!(
        teams >= 1 && shelters >= 1,
        "the town has standby teams and shelters"
    );
    for (layer, expected) in [("teams", teams), ("shelters", shelters)] {
        wait_for(
            c,
            &format!("{layer} filtered to {expected}"),
            "return document.querySelector(`li[data-layer=${arguments[0]}] .count`).textContent.trim() === String(arguments[1])",
            vec![json!(layer), json!(expected)],
            Duration::from_secs(10),
        )
        .await?;
        wait_for(
            c,
            &format!("{layer} drawn: {expected}"),
            &RENDERED.replace("return ", "return arguments[1] === "),
            vec![json!(layer), json!(expected)],
            Duration::from_secs(10),
        )
        .await?;
    }
    screenshot(c, d, "02b-filtered.png").await?;
    c.find(Locator::Css("#filter-clear")).await?.click().await?;
    let all_shelters = stats["layers"]["shelters"]["total"]
        .as_i64()
        .context("total")?;
    wait_for(
        c,
        "filters cleared",
        "return document.querySelector('li[data-layer=shelters] .count').textContent.trim() === String(arguments[0])",
        vec![json!(all_shelters)],
        Duration::from_secs(10),
    )
    .await?;

    // 3b'. A kind filter: landslides only; the count is the export's landslides, drawn as many.
    c.find(Locator::Css("#filter-hazard-kind"))
        .await?
        .select_by_value("landslide")
        .await?;
    let landslides = export("hazards")?["features"]
        .as_array()
        .context("hazards")?
        .iter()
        .filter(|f| f["properties"]["kind"] == "landslide")
        .count();
    assert!(landslides > 0);
    wait_for(
        c,
        &format!("hazards filtered to {landslides} landslides"),
        "return document.querySelector('li[data-layer=hazards] .count').textContent.trim() === String(arguments[0])
            && window.__yituMap.queryRenderedFeatures({layers: ['hazards-disc', 'hazards-cluster']}).reduce((n, f) => n + (f.properties.point_count || 1), 0) === arguments[0]",
        vec![json!(landslides)],
        Duration::from_secs(10),
    )
    .await?;
    c.find(Locator::Css("#filter-clear")).await?.click().await?;

    // 3c. The table view lists every shelter (as the map would draw them) and opens one.
    c.find(Locator::Css("#view-table"))
        .await?
        .click()
        .await
        .context("clicking 表格")?;
    c.find(Locator::Css("#table-view button[data-layer=shelters]"))
        .await?
        .click()
        .await
        .context("clicking the shelters tab")?;
    wait_for(
        c,
        "every shelter listed",
        "return document.querySelectorAll('#table-view tbody tr').length === arguments[0]",
        vec![json!(all_shelters)],
        Duration::from_secs(10),
    )
    .await?;
    let first = text(c, "#table-view tbody tr td").await?;
    // WebKitWebDriver's element click failed (with an empty message) on a row of this table; the
    // row gets a DOM click instead.
    c.execute(
        "document.querySelector('#table-view tbody tr').click()",
        vec![],
    )
    .await
    .context("clicking a listed shelter")?;
    wait_for(
        c,
        "the listed shelter's details",
        "const h = document.querySelector('#details h2'); return h && h.textContent === arguments[0]",
        vec![json!(first)],
        Duration::from_secs(10),
    )
    .await?;
    screenshot(c, d, "02c-table.png").await?;

    // 3d. A depot from the table: issuing more than it holds is refused with the reason and
    // changes nothing; receiving 10 adds 10 to its balance, and the history records the move.
    c.find(Locator::Css("#table-view button[data-layer=depots]"))
        .await?
        .click()
        .await
        .context("clicking the depots tab")?;
    let depot_name = wait_for(
        c,
        "depots listed",
        "const td = document.querySelector('#table-view tbody tr td'); return td && document.querySelector('#table-view button[data-layer=depots].active') ? td.textContent : null",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    c.execute(
        "document.querySelector('#table-view tbody tr').click()",
        vec![],
    )
    .await?;
    let line = wait_for(
        c,
        "the depot's stock",
        "const h = document.querySelector('#details h2'); const tr = document.querySelector('#details table.stock tbody tr[data-code]');
         if (!h || h.textContent !== arguments[0] || !tr) return null;
         const td = tr.querySelectorAll('td');
         return [tr.dataset.code, Number(td[2].textContent), Number(td[3].textContent)];",
        vec![depot_name.clone()],
        Duration::from_secs(10),
    )
    .await?;
    let code = line[0].as_str().context("code")?.to_owned();
    let on_hand = line[1].as_i64().context("on hand")?;
    let stock_row = "const tr = document.querySelector(`#details table.stock tbody tr[data-code='${arguments[0]}']`);
                     return tr ? Number(tr.querySelectorAll('td')[2].textContent) === arguments[1] : false";
    let record = |kind: &'static str, qty: i64| async move {
        c.find(Locator::Css("#stock-move-kind"))
            .await?
            .select_by_value(kind)
            .await?;
        c.execute(
            "const i = document.querySelector('#stock-move-qty'); i.value = arguments[0]; i.dispatchEvent(new Event('input'));",
            vec![json!(qty.to_string())],
        )
        .await?;
        c.find(Locator::Css("#stock-move-go"))
            .await?
            .click()
            .await?;
        anyhow::Ok(())
    };
    record("issue", on_hand + 1).await?;
    wait_for(
        c,
        "the over-issue refused",
        "const e = document.querySelector('#stock-move-error'); return e ? e.textContent : null",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    wait_for(
        c,
        "the balance unchanged",
        stock_row,
        vec![json!(code), json!(on_hand)],
        Duration::from_secs(5),
    )
    .await?;
    record("receive", 10).await?;
    wait_for(
        c,
        "the balance up by 10",
        stock_row,
        vec![json!(code), json!(on_hand + 10)],
        Duration::from_secs(10),
    )
    .await?;
    screenshot(c, d, "02d-stock-move.png").await?;
    c.find(Locator::Css("#details .close"))
        .await?
        .click()
        .await
        .context("closing the details")?;
    c.find(Locator::Css("#view-map"))
        .await?
        .click()
        .await
        .context("clicking 地图")?;

    // 4. Click a shelter that nothing covers; its details show the capacity the database holds.
    let target = wait_for(
        c,
        "an unobstructed shelter",
        &r#"const m = window.__yituMap;
           const discs = SYMBOLS;
           const rect = m.getCanvas().getBoundingClientRect();
           for (const f of m.queryRenderedFeatures({layers: ['shelters-disc']})) {
             const p = m.project(f.geometry.coordinates);
             if (p.x < 20 || p.y < 20 || p.x > rect.width - 20 || p.y > rect.height - 20) continue;
             const top = m.queryRenderedFeatures([[p.x - 8, p.y - 8], [p.x + 8, p.y + 8]], {layers: discs});
             if (top.length === 1 && top[0].properties.id === f.properties.id) {
               return {id: f.properties.id, x: rect.left + p.x, y: rect.top + p.y};
             }
           }
           return null;"#.replace("SYMBOLS", SYMBOL_LAYERS_JS),
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    let id = target["id"].as_str().context("shelter id")?.to_owned();
    let (x, y) = (
        target["x"].as_f64().context("x")?,
        target["y"].as_f64().context("y")?,
    );
    click_at(c, x, y).await?;
    let shown = wait_for(
        c,
        "the shelter's details",
        "const td = document.querySelector('#details tr[data-field=capacity] td'); return td ? td.textContent : null",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    let exported = yitu(data_dir, &["export", "shelters", "--format", "geojson"])?;
    let feature = exported["features"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["id"] == json!(id)))
        .context("clicked shelter in the export")?;
    assert_eq!(
        shown.as_str().map(str::trim),
        Some(feature["properties"]["capacity"].to_string().as_str()),
        "capacity"
    );
    let name = text(c, "#details h2").await?;
    assert_eq!(
        name,
        feature["properties"]["name"].as_str().unwrap_or_default()
    );
    screenshot(c, d, "03-shelter-details.png").await?;

    // 4b. Edit that shelter's capacity in the app: a bad value is refused with its reason and
    // changes nothing; a good one shows in the panel, on the map symbol's data, in the export
    // and in the record's history.
    let occupancy = feature["properties"]["occupancy"]
        .as_u64()
        .context("occupancy")?;
    let old_capacity = feature["properties"]["capacity"]
        .as_u64()
        .context("capacity")?;
    let new_capacity = if occupancy > 0 {
        occupancy
    } else {
        old_capacity + 100
    };
    assert_ne!(new_capacity, old_capacity);
    c.find(Locator::Css("#details-edit")).await?.click().await?;
    let set_capacity = |v: String| {
        c.execute(
            "const i = document.querySelector(\"#editor input[data-header='容纳人数']\");
             if (!i) return false; i.value = arguments[0]; i.dispatchEvent(new Event('input')); return true;",
            vec![json!(v)],
        )
    };
    wait_for(
        c,
        "the edit form",
        "return document.querySelector(\"#editor input[data-header='容纳人数']\") !== null",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    set_capacity("很多".into()).await?;
    c.find(Locator::Css("#edit-save")).await?.click().await?;
    let refused = wait_for(
        c,
        "the bad capacity refused",
        "const e = document.querySelector('#edit-error'); return e ? e.textContent : null",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    assert!(
        refused.as_str().unwrap_or_default().contains("容纳人数"),
        "{refused}"
    );
    let unchanged = yitu(data_dir, &["export", "shelters", "--format", "geojson"])?;
    let still = unchanged["features"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["id"] == json!(id)))
        .context("shelter")?;
    assert_eq!(still["properties"]["capacity"], json!(old_capacity));
    set_capacity(new_capacity.to_string()).await?;
    c.find(Locator::Css("#edit-save")).await?.click().await?;
    wait_for(
        c,
        "the new capacity in the panel",
        "const td = document.querySelector('#details tr[data-field=capacity] td'); return td && td.textContent.trim() === String(arguments[0])",
        vec![json!(new_capacity)],
        Duration::from_secs(10),
    )
    .await?;
    wait_for(
        c,
        "the map symbol redrawn with the new capacity",
        "return window.__yituMap.queryRenderedFeatures({layers: ['shelters-disc']}).some(f => f.properties.id === arguments[0] && f.properties.capacity === arguments[1])",
        vec![json!(id), json!(new_capacity)],
        Duration::from_secs(10),
    )
    .await?;
    let saved = yitu(data_dir, &["export", "shelters", "--format", "geojson"])?;
    let saved = saved["features"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["id"] == json!(id)))
        .context("shelter")?;
    assert_eq!(saved["properties"]["capacity"], json!(new_capacity));
    c.find(Locator::Css("#details-history"))
        .await?
        .click()
        .await?;
    let history = wait_for(
        c,
        "the change in the history",
        "const h = document.querySelector('#history .changes'); return h ? h.textContent : null",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    let history = history.as_str().unwrap_or_default();
    assert!(
        history.contains(&old_capacity.to_string()) && history.contains(&new_capacity.to_string()),
        "history: {history}"
    );
    // "Data as of": the shelters now carry the time of this change; the teams are as loaded.
    wait_for(
        c,
        "the shelters' data-as-of time",
        "return document.querySelector('li[data-layer=shelters] .as-of').textContent.includes('数据截至')",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    assert!(text(c, "li[data-layer=teams] .as-of")
        .await?
        .contains("初始数据"));
    screenshot(c, d, "03b-shelter-edited.png").await?;
    c.find(Locator::Css("#details-fields"))
        .await?
        .click()
        .await?;

    // 5. Pick a point; the nearest standby water-rescue team is listed first and ringed.
    c.find(Locator::Css("#pick-point")).await?.click().await?;
    let (x, y) = screen_point(c, 106.33, 30.12).await?;
    click_at(c, x, y).await?;
    wait_for(
        c,
        "the briefing",
        "return document.querySelector('#briefing ol.teams li') !== null",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    c.find(Locator::Css("#briefing-specialty"))
        .await?
        .select_by_value("water")
        .await?;
    let at = text(c, "#briefing .layer-name").await?;
    let at = at
        .split(" (")
        .next()
        .context("coordinates")?
        .replace(' ', "");
    let expected = yitu(
        data_dir,
        &[
            "nearest",
            "teams",
            "--at",
            &at,
            "--specialty",
            "water",
            "-k",
            "1",
        ],
    )?;
    let expected_id = expected["results"][0]["id"]
        .as_str()
        .context("a standby water team exists")?
        .to_owned();
    wait_for(
        c,
        "the nearest water team first",
        "const li = document.querySelector('#briefing ol.teams li'); return li && li.dataset.id === arguments[0]",
        vec![json!(expected_id)],
        Duration::from_secs(10),
    )
    .await?;
    wait_for(
        c,
        "the team ringed on the map",
        "return window.__yituMap.queryRenderedFeatures({layers: ['highlight']}).some(f => f.properties.id === arguments[0])",
        vec![json!(expected_id)],
        Duration::from_secs(10),
    )
    .await?;
    let assumption = text(c, "#briefing .assumption").await?;
    assert!(
        assumption.contains("1.4"),
        "the detour assumption is stated: {assumption}"
    );
    screenshot(c, d, "04-nearest-water-team.png").await?;

    // 5b. Roads: a network chosen in the window (file input) is loaded, drawn, and the briefing
    // ranks by it: the first team is the one `yitu nearest` (same store, now with roads) gives,
    // and its route is drawn. A bad file is refused with its problem and the network stays.
    let far = yitu(
        data_dir,
        &[
            "nearest",
            "teams",
            "--at",
            &at,
            "--specialty",
            "water",
            "-k",
            "3",
        ],
    )?;
    let far = &far["results"][2]["location"];
    let (px, py) = at.split_once(',').context("point")?;
    let (px, py): (f64, f64) = (px.parse()?, py.parse()?);
    let roads = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"道路等级": "高速公路"},
         "geometry": {"type": "LineString", "coordinates": [[px, py], [far["lon"], far["lat"]]]}},
        {"type": "Feature", "properties": {"道路等级": "县道"},
         "geometry": {"type": "LineString", "coordinates": [[px, py], [px + 0.05, py - 0.04], [px + 0.1, py - 0.02]]}}
    ]});
    let road_file = data_dir.join("测试路网.geojson");
    std::fs::write(&road_file, roads.to_string())?;
    c.find(Locator::Css("#roads-file"))
        .await?
        .send_keys(&road_file.display().to_string())
        .await
        .context("choosing the road file")?;
    wait_for(
        c,
        "the road network loaded",
        "return document.querySelector('#roads-status').dataset.lines === '2'",
        vec![],
        Duration::from_secs(15),
    )
    .await?;
    wait_for(
        c,
        "roads drawn",
        &RENDERED_LAYER.replace("return ", "return 0 < "),
        vec![json!("roads")],
        Duration::from_secs(10),
    )
    .await?;
    let by_road = yitu(
        data_dir,
        &[
            "nearest",
            "teams",
            "--at",
            &at,
            "--specialty",
            "water",
            "-k",
            "1",
        ],
    )?;
    assert_eq!(by_road["assumption"]["routing"], "roads");
    let by_road_id = by_road["results"][0]["id"]
        .as_str()
        .context("first by road")?;
    wait_for(
        c,
        "the briefing ranked by road",
        "const li = document.querySelector('#briefing ol.teams li'); const a = document.querySelector('#briefing .assumption');
         return li && a && a.textContent.includes('路网') && li.dataset.id === arguments[0]",
        vec![json!(by_road_id)],
        Duration::from_secs(15),
    )
    .await?;
    wait_for(
        c,
        "the route drawn",
        &RENDERED_LAYER.replace("return ", "return 0 < "),
        vec![json!("route")],
        Duration::from_secs(10),
    )
    .await?;
    screenshot(c, d, "04b-roads-route.png").await?;
    let bad_file = data_dir.join("bad-roads.geojson");
    std::fs::write(
        &bad_file,
        json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": "无等级无速度"},
             "geometry": {"type": "LineString", "coordinates": [[px, py], [px + 0.01, py]]}}]})
        .to_string(),
    )?;
    c.find(Locator::Css("#roads-file"))
        .await?
        .send_keys(&bad_file.display().to_string())
        .await?;
    let refused = wait_for(
        c,
        "the bad road file refused",
        "const e = document.querySelector('#roads-error'); return e ? e.textContent : null",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    assert!(
        refused.as_str().unwrap_or_default().contains("feature 1"),
        "{refused}"
    );
    assert_eq!(
        yitu(data_dir, &["roads", "show"])?["lines"],
        2,
        "the network stays"
    );

    // 5c. Coverage: water teams within 20 minutes; the towns beyond reach are those `yitu
    // coverage` names, and every town is marked on the map.
    c.find(Locator::Css("#briefing .close"))
        .await?
        .click()
        .await?;
    c.find(Locator::Css("#coverage-specialty"))
        .await?
        .select_by_value("water")
        .await?;
    c.execute(
        "const i = document.querySelector('#coverage-minutes'); i.value = '20'; i.dispatchEvent(new Event('change'));",
        vec![],
    )
    .await?;
    c.find(Locator::Css("#coverage-run")).await?.click().await?;
    let expected = yitu(
        data_dir,
        &["coverage", "--specialty", "water", "--minutes", "20"],
    )?;
    let beyond: Vec<Value> = expected["results"]
        .as_array()
        .context("towns")?
        .iter()
        .filter(|t| t["covered"] == false)
        .map(|t| t["code"].clone())
        .collect();
    assert!(!beyond.is_empty(), "some towns are beyond 20 minutes");
    wait_for(
        c,
        "the towns beyond reach",
        "const s = document.querySelector('#coverage-summary'); if (!s) return null;
         const shown = Array.from(document.querySelectorAll('#coverage-uncovered li')).map(li => li.dataset.code);
         return JSON.stringify(shown) === JSON.stringify(arguments[0])",
        vec![Value::Array(beyond)],
        Duration::from_secs(15),
    )
    .await?;
    let towns = expected["towns"].as_i64().context("towns")?;
    wait_for(
        c,
        "every town marked",
        "return window.__yituMap.queryRenderedFeatures({layers: ['coverage']}).length === arguments[0]",
        vec![json!(towns)],
        Duration::from_secs(10),
    )
    .await?;
    screenshot(c, d, "04c-coverage.png").await?;
    c.find(Locator::Css("#coverage-report .close"))
        .await?
        .click()
        .await?;

    // 5d. An area drawn by clicking its corners: what it holds is what `yitu within --area`
    // finds for the same outline.
    c.find(Locator::Css("#draw-area")).await?.click().await?;
    for (lon, lat) in [
        (106.22, 29.95),
        (106.32, 29.95),
        (106.33, 30.03),
        (106.23, 30.04),
    ] {
        let (x, y) = screen_point(c, lon, lat).await?;
        click_at(c, x, y).await?;
    }
    wait_for(
        c,
        "four corners",
        "return document.querySelector('#draw-area').textContent.includes('4')",
        vec![],
        Duration::from_secs(5),
    )
    .await?;
    c.find(Locator::Css("#draw-area")).await?.click().await?;
    let outline = wait_for(
        c,
        "the area's report",
        "const a = document.querySelector('#area-report'); const s = document.querySelector('#area-summary');
         return a && s ? a.dataset.outline : null",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    let outline: Value = serde_json::from_str(outline.as_str().context("outline")?)?;
    let mut ring = outline.as_array().context("ring")?.clone();
    ring.push(ring[0].clone());
    let area_file = data_dir.join("area.geojson");
    std::fs::write(
        &area_file,
        json!({"type": "Polygon", "coordinates": [ring]}).to_string(),
    )?;
    let inside = yitu(
        data_dir,
        &["within", "--area", area_file.to_str().context("path")?],
    )?;
    let summary = c
        .execute(
            "const s = document.querySelector('#area-summary'); return [Number(s.dataset.hazards), Number(s.dataset.people), Number(s.dataset.free)]",
            vec![],
        )
        .await?;
    assert_eq!(
        summary,
        json!([
            inside["hazards"]["count"],
            inside["hazards"]["threatened_people"],
            inside["shelters"]["free_capacity"]
        ]),
        "what the area holds"
    );
    assert!(inside["hazards"]["count"].as_u64().unwrap_or(0) > 0);
    screenshot(c, d, "04d-area.png").await?;
    c.find(Locator::Css("#area-report .close"))
        .await?
        .click()
        .await?;

    // 5e. The ruler: two clicks 0.1° of latitude apart measure about 11.09 km on the ellipsoid
    // (a pixel is ~70 m at this zoom); a third click closes a triangle with an area.
    c.find(Locator::Css("#measure")).await?.click().await?;
    for (lon, lat) in [(106.40, 30.10), (106.40, 30.20)] {
        let (x, y) = screen_point(c, lon, lat).await?;
        click_at(c, x, y).await?;
    }
    let length = wait_for(
        c,
        "a measured distance",
        "const b = document.querySelector('#measure-box'); return b && b.dataset.lengthM > 0 ? Number(b.dataset.lengthM) : null",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    let length = length.as_f64().context("length")?;
    assert!((length - 11_085.0).abs() < 250.0, "measured {length} m");
    let (x, y) = screen_point(c, 106.50, 30.10).await?;
    click_at(c, x, y).await?;
    // Half of 0.1° × 0.1° here: about ½ × 9.64 km × 11.09 km ≈ 53.4 km².
    let area = wait_for(
        c,
        "a measured area",
        "const b = document.querySelector('#measure-box'); return b && b.dataset.areaM2 ? Number(b.dataset.areaM2) : null",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    let km2 = area.as_f64().context("area")? / 1e6;
    assert!((km2 - 53.4).abs() < 2.5, "measured {km2} km²");
    screenshot(c, d, "04e-measure.png").await?;
    c.find(Locator::Css("#measure")).await?.click().await?;

    // 5f. Reserve readiness: what the panel says is what `yitu readiness --json` computes from
    // the same ledger (after the 10 received above).
    c.find(Locator::Css("#readiness-open"))
        .await?
        .click()
        .await?;
    let expected = yitu(data_dir, &["readiness", "--json"])?;
    wait_for(
        c,
        "the readiness figures",
        "const s = document.querySelector('#readiness-summary');
         return s && Number(s.dataset.districtPeople) === arguments[0] && Number(s.dataset.below) === arguments[1]",
        vec![
            expected["district"]["people"].clone(),
            expected["towns_below_standard"].clone(),
        ],
        Duration::from_secs(10),
    )
    .await?;
    let rows = c
        .execute(
            "return document.querySelectorAll('#readiness tbody tr').length",
            vec![],
        )
        .await?;
    assert_eq!(
        rows,
        json!(expected["towns"].as_array().map_or(0, Vec::len))
    );
    screenshot(c, d, "04f-readiness.png").await?;
    c.find(Locator::Css("#readiness .close"))
        .await?
        .click()
        .await?;

    // 6. Search: type a town's name, choose a shelter from the list; its details open.
    c.find(Locator::Css("#search"))
        .await?
        .send_keys("钱塘")
        .await?;
    wait_for(
        c,
        "search results",
        "return document.querySelectorAll('#search-results li[data-id]').length > 0",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    let expected = yitu(data_dir, &["search", "钱塘", "--json", "--limit", "30"])?;
    let shown = c
        .execute("return Array.from(document.querySelectorAll('#search-results li[data-id]')).map(li => li.dataset.id)", vec![])
        .await?;
    let expected_ids: Vec<Value> = expected
        .as_array()
        .context("hits")?
        .iter()
        .map(|h| h["id"].clone())
        .collect();
    assert_eq!(
        shown,
        Value::Array(expected_ids),
        "the list is what the store finds, in its order"
    );
    screenshot(c, d, "05-search.png").await?;
    let shelter = expected
        .as_array()
        .and_then(|hits| hits.iter().find(|h| h["layer"] == "shelters"))
        .context("a shelter in 钱塘")?;
    let css = format!(
        "#search-results li[data-id='{}']",
        shelter["id"].as_str().unwrap_or_default()
    );
    c.find(Locator::Css(&css)).await?.click().await?;
    wait_for(
        c,
        "the chosen shelter's details",
        "const h = document.querySelector('#details h2'); return h && h.textContent === arguments[0]",
        vec![shelter["name"].clone()],
        Duration::from_secs(10),
    )
    .await?;
    screenshot(c, d, "06-search-chosen.png").await?;

    // 7. English: panel and details (of the shelter chosen above) switch language.
    c.find(Locator::Css("#lang-en")).await?.click().await?;
    let label = text(c, "li[data-layer=shelters] .name .label").await?;
    assert_eq!(label, "Shelters");
    let th = text(c, "#details tr[data-field=capacity] th").await?;
    assert_eq!(th, "Capacity (people)");
    screenshot(c, d, "07-english.png").await?;
    Ok(())
}
