//! 预警 in the real window (WebKitGTK through tauri-driver): on the demo data, the duty officer
//! opens the 预警 panel from the top bar, fills in a 红色 rainstorm warning for the two towns
//! with the most hazard points (the headline prefilled 合川区暴雨红色预警), is refused while
//! nobody is logged in (the shell's words shown), logs in and issues it; the reply's 叫应 list
//! names both towns and every hazard point in them with its 群测群防员; the warning is listed
//! 生效中, counted on the button and the layer row, and drawn on the map (its hazard points
//! ringed red: a towns area has no outline); its CAP 1.2 message is written into exports/; and
//! it is lifted, leaving the map. Screenshots: target/screenshots/w*.

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
use yitu_system_tests::{screenshot_dir, Driver};

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
    let rows = c
        .execute(
            "return document.querySelectorAll('#call-hazards tbody tr').length",
            vec![],
        )
        .await?;
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
    Ok(())
}
