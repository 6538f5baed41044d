//! 预警 in the real window (WebKitGTK through tauri-driver): on the demo data, the duty officer
//! opens the 预警 panel from the top bar, fills in a 红色 rainstorm warning for the two towns
//! with the most hazard points (the headline prefilled 合川区暴雨红色预警), is refused while
//! nobody is logged in (the shell's words shown), logs in and issues it; the reply's 叫应 list
//! names both towns and every hazard point in them with its 群测群防员; the warning is listed
//! 生效中, counted on the button and the layer row, and drawn on the map (its hazard points
//! ringed red: a towns area has no outline); its CAP 1.2 message is written into exports/; and
//! it is lifted, leaving the map. Then an orange 地质灾害 warning round a hazard point picked on
//! the map (圆形), its 叫应 list checked against the test's own haversine count; 更新 to 红色,
//! the original shown 已更新; and the observatory's CAP file (written by hand here) imported
//! by its path, drawn on the map, and imported again without a second copy; and a square
//! drawn corner by corner (圈画), its 叫应 list against the test's point-in-polygon count.
//! Screenshots: target/screenshots/w*.

use anyhow::{bail, Context, Result};
use fantoccini::Client;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;
use yitu_system_tests::webview::{
    click, colour_share, log_in, map_ready, run_in_window, screenshot, set_value, shown, text,
    wait_for,
};
use yitu_system_tests::{now_ms, screenshot_dir, Driver};

/// The map's 红色 (`ui/src/map/warnings.rs`).
const RED: &str = "#e02020";

fn yitu_raw(data: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = std::process::Command::new(yitu_system_tests::binary("yitu")?)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()?;
    if !out.status.success() {
        bail!("yitu {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(out.stdout)
}

/// The two towns with the most hazard points not 已销号, and how many points they hold together
/// (what the 叫应 list must name).
fn busiest_towns(data: &Path) -> Result<(Vec<String>, usize)> {
    let hazards: Value = serde_json::from_slice(&yitu_raw(data, &["export", "hazards"])?)?;
    let mut by = BTreeMap::<String, usize>::new();
    for f in hazards["features"].as_array().context("features")? {
        let p = &f["properties"];
        if p["status"] == "resolved" {
            continue;
        }
        *by.entry(p["town_code"].as_str().context("town")?.to_owned())
            .or_default() += 1;
    }
    let mut by: Vec<_> = by.into_iter().collect();
    by.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let two: Vec<_> = by.iter().take(2).cloned().collect();
    Ok((
        two.iter().map(|t| t.0.clone()).collect(),
        two.iter().map(|t| t.1).sum(),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_red_warning_issued_called_exported_and_lifted_in_the_window() -> Result<()> {
    let data = tempfile::tempdir()?;
    let d = data.path().to_owned();
    yitu_raw(&d, &["seed-demo"])?;
    let (towns, hazards) = busiest_towns(&d)?;
    assert!(hazards > 0, "the demo's towns hold hazard points");
    let path = d.clone();
    run_in_window(
        data.path(),
        Duration::from_secs(300),
        "w-failure.png",
        move |c, driver| Box::pin(async move { story(c, driver, &path, &towns, hazards).await }),
    )
    .await
}

async fn select(c: &Client, css: &str, value: &str) -> Result<()> {
    let done = c
        .execute(
            "const s = document.querySelector(arguments[0]); if (!s) return false;
             s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true}));
             return s.value === arguments[1];",
            vec![json!(css), json!(value)],
        )
        .await?;
    if done != json!(true) {
        bail!("no option {value} in {css}");
    }
    Ok(())
}

async fn value_of(c: &Client, css: &str) -> Result<String> {
    let v = c
        .execute(
            "const i = document.querySelector(arguments[0]); return i ? i.value : null",
            vec![json!(css)],
        )
        .await?;
    v.as_str()
        .map(str::to_owned)
        .with_context(|| format!("no input {css}"))
}

/// How many hazard points the open warning's 叫应 list names.
async fn called_hazards(c: &Client) -> Result<Value> {
    Ok(c.execute(
        "return document.querySelectorAll('#call-hazards tbody tr').length",
        vec![],
    )
    .await?)
}

/// The warnings as the store holds them (`yitu warning list --json`), not as the window shows.
fn stored_warnings(data: &Path) -> Result<Value> {
    Ok(serde_json::from_slice(&yitu_raw(
        data,
        &["warning", "list", "--json"],
    )?)?)
}

/// How many warning features the map draws (areas and rings).
async fn drawn(c: &Client) -> Result<u64> {
    let n = c
        .execute(
            "const m = window.__yituMap; if (!m.getLayer('warnings-ring')) return -1;
             return m.queryRenderedFeatures({layers: ['warnings-fill', 'warnings-ring']}).length",
            vec![],
        )
        .await?;
    n.as_i64()
        .filter(|n| *n >= 0)
        .map(|n| n as u64)
        .context("the warnings layer is on the map")
}

async fn story(
    c: &Client,
    d: &Driver,
    data: &Path,
    towns: &[String],
    hazards: usize,
) -> Result<()> {
    map_ready(c).await?;
    // The layer list, the legend and the button know the warnings before any is issued.
    shown(c, "the warnings' layer row", "#area-warnings-count").await?;
    wait_for(
        c,
        "the warnings read",
        "return document.querySelector('#area-warnings-summary').textContent.includes('无生效预警')",
        vec![],
        Duration::from_secs(20),
    )
    .await?;
    assert_eq!(text(c, "#area-warnings-count").await?, "0");
    shown(c, "the legend's warnings", "#legend-warnings").await?;

    click(c, "#area-warnings-open").await?;
    shown(c, "the 预警 panel", "#area-warnings").await?;
    shown(c, "no warnings yet", "#area-warnings-none").await?;
    screenshot(c, d, "w01-panel.png").await?;

    click(c, "#warning-new").await?;
    shown(c, "the issue form", "#warning-form").await?;
    select(c, "#warning-form select[name=level]", "red").await?;
    select(c, "#warning-form select[name=kind]", "rainstorm").await?;
    wait_for(
        c,
        "the headline prefilled",
        "return document.querySelector('#warning-form input[name=headline]').value === '合川区暴雨红色预警'",
        vec![],
        Duration::from_secs(5),
    )
    .await
    .with_context(|| "the headline follows the kind and level")?;
    for t in towns {
        click(c, &format!("#town-pick input[data-town='{t}']")).await?;
    }
    set_value(
        c,
        "#warning-form textarea[name=instructions]",
        "危险区域人员立即转移至避难场所；群测群防员加密巡查。",
    )
    .await?;
    set_value(c, "#warning-form input[name=hours]", "12").await?;
    screenshot(c, d, "w02-form.png").await?;

    // Nobody logged in: the shell refuses, in its own words, and nothing is issued.
    click(c, "#warning-submit").await?;
    shown(c, "the refusal", "#warning-error").await?;
    let refusal = text(c, "#warning-error").await?;
    assert!(!refusal.trim().is_empty());
    assert_eq!(text(c, "#area-warnings-count").await?, "0");

    log_in(c, data, "预警值班").await?;
    assert_eq!(
        value_of(c, "#warning-form input[name=headline]").await?,
        "合川区暴雨红色预警",
        "the form kept what was filled in"
    );
    click(c, "#warning-submit").await?;
    shown(
        c,
        "the warning issued, its 叫应 list",
        "#warning-one #call-list",
    )
    .await?;
    let one = text(c, "#warning-one").await?;
    assert!(
        one.contains("合川区暴雨红色预警") && one.contains("生效中"),
        "{one}"
    );
    let rows = called_hazards(c).await?;
    assert_eq!(
        rows,
        json!(hazards),
        "every hazard point of both towns is called"
    );
    let totals = text(c, "#call-totals").await?;
    assert!(
        totals.contains("镇街 2") && totals.contains(&format!("隐患点 {hazards}")),
        "{totals}"
    );
    let monitors = c
        .execute(
            "return [...document.querySelectorAll('#call-hazards tbody tr')].filter(r => r.cells[1].textContent.trim() && r.cells[2].textContent.trim()).length",
            vec![],
        )
        .await?;
    assert!(
        monitors.as_u64().unwrap_or(0) > 0,
        "the 群测群防员 and phones are listed"
    );
    screenshot(c, d, "w03-call-list.png").await?;

    // Listed, counted, drawn.
    click(c, "#warning-one button.back").await?;
    shown(
        c,
        "the warning listed in force",
        "li.warning[data-state=in-force][data-level=red]",
    )
    .await?;
    wait_for(
        c,
        "the button and the layer row count it",
        "return document.querySelector('#area-warnings-open').dataset.count === '1' &&
           document.querySelector('#area-warnings-count').textContent === '1'",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    c.execute(
        "window.__yituMap.jumpTo({center: [106.28, 30.0], zoom: 9.6})",
        vec![],
    )
    .await?;
    wait_for(
        c,
        "the warning drawn",
        "const m = window.__yituMap; return m.getLayer('warnings-ring') &&
           m.queryRenderedFeatures({layers: ['warnings-ring']}).length > 0",
        vec![],
        Duration::from_secs(20),
    )
    .await?;
    let rings = drawn(c).await?;
    assert!(
        rings as usize >= hazards.min(1),
        "the hazard points ringed: {rings}"
    );
    screenshot(c, d, "w04-map.png").await?;
    let red = colour_share(&screenshot_dir().join("w04-map.png"), RED, "4%")?;
    assert!(red > 0.00005, "the red rings are seen on screen: {red}");

    // CAP 1.2 written into the data folder's exports/.
    click(c, "li.warning[data-state=in-force]").await?;
    shown(c, "the warning's panel", "#warning-one").await?;
    click(c, "#warning-one button.cap").await?;
    shown(c, "the CAP path", "#cap-path").await?;
    let said = text(c, "#cap-path").await?;
    let written = said
        .split_once('：')
        .map(|(_, p)| p.trim().to_owned())
        .with_context(|| format!("a path: {said}"))?;
    let xml = std::fs::read_to_string(&written).with_context(|| written.clone())?;
    assert!(xml.contains("<msgType>Alert</msgType>"), "{xml}");
    assert!(
        Path::new(&written).starts_with(data.join("exports")),
        "{written}"
    );
    screenshot(c, d, "w05-cap.png").await?;

    // Lifted: 已解除, no longer counted or drawn.
    click(c, "#warning-one button.lift").await?;
    shown(c, "the lift form", "#warning-one .lift-form").await?;
    set_value(
        c,
        "#warning-one .lift-form input[name=reason]",
        "降雨减弱，风险解除",
    )
    .await?;
    click(c, "#warning-one .lift-form button[type=submit]").await?;
    wait_for(
        c,
        "the warning lifted",
        "return document.querySelector('#area-warnings-open').dataset.count === '0' &&
           document.querySelector('#warning-one') !== null",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    click(c, "#warning-one button.back").await?;
    shown(
        c,
        "the lifted warning listed",
        "li.warning[data-state=lifted]",
    )
    .await?;
    assert!(
        c.execute(
            "return document.querySelectorAll('li.warning[data-state=in-force]').length",
            vec![]
        )
        .await?
            == json!(0)
    );
    wait_for(
        c,
        "the map clear of warnings",
        "return window.__yituMap.queryRenderedFeatures({layers: ['warnings-fill', 'warnings-ring']}).length === 0",
        vec![],
        Duration::from_secs(15),
    )
    .await?;
    screenshot(c, d, "w06-lifted.png").await?;

    circle_updated_and_imported(c, d, data).await
}

/// Metres between two points on the sphere (the oracle's own, not the app's).
fn haversine_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let r = 6_371_008.8_f64;
    let (la1, la2) = (a.1.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((b.0 - a.0).to_radians() / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

/// Beijing time as CAP writes it, `2026-07-12T14:00:00+08:00`.
fn cap_time(unix_ms: i64) -> String {
    let t = yitu_domain::beijing_time::BeijingTime::from_unix_ms(unix_ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

/// A 暴雨橙色预警 from the district's meteorological observatory, written by hand as its CAP
/// feed sends one: a closed polygon over the middle of the district, in force for six hours.
fn observatory_cap(now_ms: i64) -> String {
    let (sent, expires) = (cap_time(now_ms - 60_000), cap_time(now_ms + 6 * 3_600_000));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>50011741600000_20260712140000</identifier>
  <sender>hcqxt@cq.cma</sender>
  <sent>{sent}</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>zh-CN</language>
    <category>Met</category>
    <event>暴雨</event>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <effective>{sent}</effective>
    <expires>{expires}</expires>
    <senderName>合川区气象台</senderName>
    <headline>合川区气象台发布暴雨橙色预警</headline>
    <description>预计未来6小时区境中部将出现50毫米以上降雨。</description>
    <instruction>注意防范山洪和地质灾害。</instruction>
    <area>
      <areaDesc>合川区中部</areaDesc>
      <polygon>30.05,106.20 30.05,106.35 29.95,106.35 29.95,106.20 30.05,106.20</polygon>
    </area>
  </info>
</alert>
"#
    )
}

/// The map over `centre`, and the issue form opened with its level and kind chosen.
async fn new_warning_at(c: &Client, centre: (f64, f64), level: &str, kind: &str) -> Result<()> {
    c.execute(
        "window.__yituMap.jumpTo({center: arguments[0], zoom: 11})",
        vec![json!([centre.0, centre.1])],
    )
    .await?;
    click(c, "#warning-new").await?;
    shown(c, "the issue form", "#warning-form").await?;
    select(c, "#warning-form select[name=level]", level).await?;
    select(c, "#warning-form select[name=kind]", kind).await
}

/// 导入 CAP with the file's path typed in, as a path pasted from the bureau's mail.
async fn import_cap(c: &Client, file: &Path) -> Result<()> {
    click(c, "#warning-import").await?;
    shown(c, "the import row", "#cap-import").await?;
    set_value(c, "#cap-import-path", file.to_str().context("path")?).await?;
    click(c, "#cap-import-go").await
}

async fn circle_updated_and_imported(c: &Client, d: &Driver, data: &Path) -> Result<()> {
    // 7. 圆形: an orange 地质灾害 warning round a hazard point, the centre picked on the map.
    let hazards: Value = serde_json::from_slice(&yitu_raw(data, &["export", "hazards"])?)?;
    let points: Vec<(f64, f64)> = hazards["features"]
        .as_array()
        .context("features")?
        .iter()
        .filter(|f| f["properties"]["status"] != "resolved")
        .map(|f| {
            let at = &f["geometry"]["coordinates"];
            (at[0].as_f64().unwrap(), at[1].as_f64().unwrap())
        })
        .collect();
    let centre = *points.first().context("a hazard point")?;
    new_warning_at(c, centre, "orange", "geohazard").await?;
    click(c, "#shape-circle").await?;
    click(c, "#centre-pick").await?;
    let (x, y) = yitu_system_tests::webview::screen_point(c, centre.0, centre.1).await?;
    yitu_system_tests::webview::click_at(c, x, y).await?;
    wait_for(
        c,
        "the centre picked",
        "return document.querySelector('#warning-form .draw-row span').textContent.startsWith('圆心')",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    set_value(c, "#warning-form input[name=radius]", "5").await?;
    set_value(c, "#warning-form input[name=hours]", "24").await?;
    screenshot(c, d, "w07-circle-form.png").await?;
    click(c, "#warning-submit").await?;
    shown(c, "the circle's 叫应 list", "#warning-one #call-list").await?;
    // The oracle: the hazard points within the stored circle, by the test's own haversine.
    let all = stored_warnings(data)?;
    let circle = all
        .as_array()
        .context("warnings")?
        .iter()
        .find(|w| w["warning"]["area"]["shape"] == "circle")
        .with_context(|| format!("a circle warning stored: {all}"))?;
    let area = &circle["warning"]["area"];
    let stored = (
        area["centre"]["lon"].as_f64().context("lon")?,
        area["centre"]["lat"].as_f64().context("lat")?,
    );
    let radius = area["radius_m"].as_f64().context("radius")?;
    assert!((radius - 5000.0).abs() < 1e-6, "{area}");
    assert!(
        haversine_m(stored, centre) < 300.0,
        "the centre where it was clicked: {stored:?}"
    );
    let within = points
        .iter()
        .filter(|p| haversine_m(stored, **p) <= radius)
        .count();
    assert!(within >= 1, "the clicked hazard is inside");
    let rows = called_hazards(c).await?;
    assert_eq!(
        rows,
        json!(within),
        "the 叫应 list names every hazard point in the circle"
    );
    let circle_id = circle["warning"]["id"].as_str().context("id")?.to_owned();
    wait_for(
        c,
        "the circle drawn",
        "const m = window.__yituMap; return m.queryRenderedFeatures({layers: ['warnings-fill']}).length > 0",
        vec![],
        Duration::from_secs(20),
    )
    .await?;
    screenshot(c, d, "w08-circle-map.png").await?;

    // 8. 更新: raised to 红色; the update replaces it, the original shown 已更新.
    click(c, "#warning-one button.update").await?;
    shown(c, "the update form", "#warning-form").await?;
    assert_eq!(value_of(c, "#warning-form input[name=radius]").await?, "5");
    select(c, "#warning-form select[name=level]", "red").await?;
    click(c, "#warning-submit").await?;
    shown(c, "the update issued", "#warning-one #call-list").await?;
    click(c, "#warning-one button.back").await?;
    shown(
        c,
        "the original marked 已更新",
        &format!("li.warning[data-warning='{circle_id}'][data-state=updated]"),
    )
    .await?;
    shown(
        c,
        "the update in force",
        "li.warning[data-state=in-force][data-level=red]",
    )
    .await?;
    wait_for(
        c,
        "one warning in force",
        "return document.querySelector('#area-warnings-open').dataset.count === '1'",
        vec![],
        Duration::from_secs(10),
    )
    .await?;

    // 9. 导入 CAP: the observatory's orange rainstorm warning read in and drawn.
    let file = data.join("observatory.xml");
    std::fs::write(&file, observatory_cap(now_ms()))?;
    import_cap(c, &file).await?;
    shown(c, "the imported warning", "#warning-one").await?;
    let one = text(c, "#warning-one").await?;
    assert!(
        one.contains("合川区气象台发布暴雨橙色预警") && one.contains("合川区气象台"),
        "{one}"
    );
    let imported = c
        .execute(
            "return document.querySelector('#warning-one').dataset.warning",
            vec![],
        )
        .await?;
    wait_for(
        c,
        "two warnings in force",
        "return document.querySelector('#area-warnings-open').dataset.count === '2'",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    c.execute(
        "window.__yituMap.jumpTo({center: [106.275, 30.0], zoom: 10.5})",
        vec![],
    )
    .await?;
    wait_for(
        c,
        "the imported polygon drawn",
        "const m = window.__yituMap; const p = m.project([106.275, 30.0]);
         return m.queryRenderedFeatures([p.x, p.y], {layers: ['warnings-fill']})
           .some(f => f.properties.id === arguments[0])",
        vec![imported],
        Duration::from_secs(20),
    )
    .await?;
    screenshot(c, d, "w09-cap-imported.png").await?;
    // Read twice, it is the same warning (keyed by sender and identifier): still two.
    import_cap(c, &file).await?;
    shown(c, "the imported warning again", "#warning-one").await?;
    let listed = stored_warnings(data)?;
    let from_observatory = listed
        .as_array()
        .context("warnings")?
        .iter()
        .filter(|w| w["warning"]["sender"] == "合川区气象台")
        .count();
    assert_eq!(from_observatory, 1, "{listed}");

    // 10. 在地图上圈画: a blue 山洪 warning for a square drawn corner by corner round the
    // first hazard point; its 叫应 list against the test's own point-in-polygon count.
    click(c, "#warning-one button.back").await?;
    new_warning_at(c, centre, "blue", "flash_flood").await?;
    click(c, "#shape-drawn").await?;
    click(c, "#draw-start").await?;
    let half = 0.03;
    for (dx, dy) in [(-half, half), (half, half), (half, -half), (-half, -half)] {
        let (x, y) =
            yitu_system_tests::webview::screen_point(c, centre.0 + dx, centre.1 + dy).await?;
        yitu_system_tests::webview::click_at(c, x, y).await?;
    }
    shown(c, "the finish button", "#draw-finish").await?;
    click(c, "#draw-finish").await?;
    wait_for(
        c,
        "four corners drawn",
        "return document.querySelector('#warning-form .draw-row span').textContent.includes('4')",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    screenshot(c, d, "w10-drawn-form.png").await?;
    click(c, "#warning-submit").await?;
    shown(c, "the drawn area's 叫应 list", "#warning-one #call-list").await?;
    let all = stored_warnings(data)?;
    let ring: Vec<(f64, f64)> = all
        .as_array()
        .context("warnings")?
        .iter()
        .find(|w| {
            w["warning"]["area"]["shape"] == "polygon" && w["warning"]["kind"] == "flash_flood"
        })
        .with_context(|| format!("the drawn warning stored: {all}"))?["warning"]["area"]["ring"]
        .as_array()
        .context("ring")?
        .iter()
        .map(|p| (p["lon"].as_f64().unwrap(), p["lat"].as_f64().unwrap()))
        .collect();
    assert_eq!(ring.len(), 4, "{ring:?}");
    let inside = points.iter().filter(|p| in_ring(**p, &ring)).count();
    assert!(inside >= 1, "the hazard in the middle is inside");
    let rows = called_hazards(c).await?;
    assert_eq!(
        rows,
        json!(inside),
        "the 叫应 list names every hazard point drawn round"
    );
    wait_for(
        c,
        "three warnings in force",
        "return document.querySelector('#area-warnings-open').dataset.count === '3'",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    screenshot(c, d, "w11-drawn-issued.png").await?;
    Ok(())
}

/// Even-odd ray casting on lon/lat (the oracle's own; the square is small enough for a plane).
fn in_ring(p: (f64, f64), ring: &[(f64, f64)]) -> bool {
    let mut inside = false;
    let mut j = ring.len() - 1;
    for i in 0..ring.len() {
        let (a, b) = (ring[i], ring[j]);
        if (a.1 > p.1) != (b.1 > p.1) && p.0 < (b.0 - a.0) * (p.1 - a.1) / (b.1 - a.1) + a.0 {
            inside = !inside;
        }
        j = i;
    }
    inside
}
