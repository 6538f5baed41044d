//! Keeping the registers from the real window (WebKitGTK through tauri-driver): a shelter
//! created from the form, its position clicked on the map, refused first for a capacity that is
//! not a number and then saved (counted by the `yitu` command line on the same database and on
//! the layer panel; the same shelter again is refused); a depot created the same way receives
//! its first material, with an expiry date and a minimum, and the stock table warns of both as
//! `yitu warnings` does; changing the minimum and the expiry changes the warnings; bad terms and
//! a category code are refused with nothing written. Screenshots: target/screenshots/r*.

use anyhow::{Context, Result};
use fantoccini::Client;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use yitu_system_tests::webview::{
    click, click_at, log_in, map_ready, run_in_window, screen_point, screenshot, set_value, shown,
    text, wait_for, yitu,
};
use yitu_system_tests::Driver;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_are_created_from_forms_and_stock_warns() -> Result<()> {
    let data = tempfile::tempdir()?;
    let path = data.path().to_owned();
    run_in_window(
        data.path(),
        Duration::from_secs(200),
        "r-failure.png",
        move |c, d| Box::pin(async move { story(c, d, &path).await }),
    )
    .await
}

fn total(data: &Path, layer: &str) -> Result<i64> {
    yitu(data, &["stats", "--json"])?["layers"][layer]["total"]
        .as_i64()
        .context("layer count")
}

/// A date `days` from today in Beijing (what the app calls today), as YYYY-MM-DD. `UTC-8` is
/// POSIX for eight hours ahead of UTC and needs no time-zone files.
fn beijing_date(days: i64) -> Result<String> {
    let out = Command::new("date")
        .env("TZ", "UTC-8")
        .args(["-d", &format!("{days} days"), "+%F"])
        .output()?;
    Ok(String::from_utf8(out.stdout)?.trim().to_owned())
}

/// Fills the create form's field `key` (the importer's field key).
async fn fill(c: &Client, key: &str, value: &str) -> Result<()> {
    set_value(c, &format!("#create-form input[data-key='{key}']"), value).await
}

async fn layer_count_is(c: &Client, layer: &str, n: i64) -> Result<()> {
    wait_for(
        c,
        "the layer panel's count",
        "const e = document.querySelector(`li[data-layer=${arguments[0]}] .count`);
         return e && e.textContent.trim() === String(arguments[1])",
        vec![json!(layer), json!(n)],
        Duration::from_secs(15),
    )
    .await?;
    Ok(())
}

/// The warning codes a stock row carries, once the row shows `want`.
async fn row_warns(c: &Client, code: &str, want: &str) -> Result<()> {
    wait_for(
        c,
        &format!("the stock row {code} to warn {want:?}"),
        "const tr = document.querySelector(`#details table.stock tr[data-code='${arguments[0]}']`);
         return tr && tr.dataset.warnings === arguments[1]",
        vec![json!(code), json!(want)],
        Duration::from_secs(15),
    )
    .await?;
    Ok(())
}

fn warnings_for(data: &Path, depot: &str) -> Result<Vec<Value>> {
    let all = yitu(data, &["warnings", "--json"])?;
    Ok(all
        .as_array()
        .context("warnings")?
        .iter()
        .filter(|w| w["depot"] == depot)
        .cloned()
        .collect())
}

async fn story(c: &Client, d: &Driver, data: &Path) -> Result<()> {
    map_ready(c).await?;
    log_in(c, data, "值班员").await?;
    let shelters = total(data, "shelters")?;

    // 1. A shelter from the form: its position clicked on the map, a bad capacity refused.
    click(c, "#create-open").await?;
    shown(
        c,
        "the new-record form",
        "#create-form input[data-key=name]",
    )
    .await?;
    fill(c, "name", "测试新建避难场所").await?;
    fill(c, "grade", "乡镇（街道）级").await?;
    fill(c, "class", "紧急").await?;
    fill(c, "space", "室外").await?;
    fill(c, "capacity", "很多").await?;
    fill(c, "area_m2", "800").await?;
    fill(c, "town_code", "合阳城街道").await?;
    click(c, "#create-locate").await?;
    let (x, y) = screen_point(c, 106.262, 29.983).await?;
    click_at(c, x, y).await?;
    let lon = wait_for(
        c,
        "the clicked longitude in the form",
        "const i = document.querySelector(\"#create-form input[data-key='lon']\"); return i && i.value ? Number(i.value) : null",
        vec![],
        Duration::from_secs(10),
    )
    .await?
    .as_f64()
    .context("lon")?;
    assert!(
        (lon - 106.262).abs() < 0.002,
        "clicked at 106.262, form has {lon}"
    );
    click(c, "#create-save").await?;
    shown(c, "the refusal", "#create-error").await?;
    let refusal = text(c, "#create-error").await?;
    assert!(refusal.contains("容纳人数"), "names the field: {refusal}");
    assert_eq!(total(data, "shelters")?, shelters, "nothing written");
    screenshot(c, d, "r01-create-refused.png").await?;

    fill(c, "capacity", "500").await?;
    click(c, "#create-save").await?;
    wait_for(
        c,
        "the new shelter's details",
        "const h = document.querySelector('#details h2'); return h && h.textContent === '测试新建避难场所'",
        vec![],
        Duration::from_secs(15),
    )
    .await?;
    assert_eq!(total(data, "shelters")?, shelters + 1);
    layer_count_is(c, "shelters", shelters + 1).await?;
    let found = yitu(data, &["search", "测试新建避难场所", "--json"])?;
    assert_eq!(found[0]["name"], "测试新建避难场所");
    let stored_lon = found[0]["lon"].as_f64().context("stored lon")?;
    assert!((stored_lon - lon).abs() < 1e-6, "{stored_lon} vs {lon}");
    let capacity = text(c, "#details tr[data-field=capacity] td").await?;
    assert_eq!(capacity, "500");
    screenshot(c, d, "r02-created.png").await?;

    // The same shelter again (same name, same town) is refused: a form that creates must not
    // overwrite.
    click(c, "#details .close").await?;
    click(c, "#create-open").await?;
    shown(
        c,
        "the new-record form",
        "#create-form input[data-key=name]",
    )
    .await?;
    for (k, v) in [
        ("name", "测试新建避难场所"),
        ("grade", "乡镇（街道）级"),
        ("class", "紧急"),
        ("space", "室外"),
        ("capacity", "600"),
        ("area_m2", "800"),
        ("town_code", "合阳城街道"),
        ("lon", "106.262"),
        ("lat", "29.983"),
    ] {
        fill(c, k, v).await?;
    }
    click(c, "#create-save").await?;
    shown(c, "the refusal", "#create-error").await?;
    assert!(text(c, "#create-error").await?.contains("已有同名记录"));
    assert_eq!(total(data, "shelters")?, shelters + 1);

    // 2. A depot from the form; it holds nothing, so its panel offers a first receipt.
    let depots = total(data, "depots")?;
    c.find(fantoccini::Locator::Css("#create-kind"))
        .await?
        .select_by_value("depots")
        .await?;
    shown(c, "the depot form", "#create-form input[data-key=level]").await?;
    for (k, v) in [
        ("name", "测试新建储备点"),
        ("level", "镇街"),
        ("town_code", "合阳城街道"),
        ("lon", "106.255"),
        ("lat", "29.975"),
    ] {
        fill(c, k, v).await?;
    }
    click(c, "#create-save").await?;
    shown(c, "the empty stock", "#stock-empty").await?;
    assert_eq!(total(data, "depots")?, depots + 1);
    shown(c, "the new-material fields", "#stock-new-code").await?;

    // A category code is refused; nothing written.
    set_value(c, "#stock-new-code", "101").await?;
    set_value(c, "#stock-new-name", "棉被").await?;
    set_value(c, "#stock-new-unit", "床").await?;
    set_value(c, "#stock-move-qty", "40").await?;
    click(c, "#stock-move-go").await?;
    shown(c, "the refusal", "#stock-move-error").await?;
    assert!(text(c, "#stock-move-error").await?.contains("7 位"));
    assert!(warnings_for(data, "测试新建储备点")?.is_empty());

    // 40 quilts expiring in 30 days, minimum 50: both warnings, in the window and in the CLI.
    let soon = beijing_date(30)?;
    set_value(c, "#stock-new-code", "1010301").await?;
    set_value(c, "#stock-new-expiry", &soon).await?;
    set_value(c, "#stock-new-min", "50").await?;
    click(c, "#stock-move-go").await?;
    row_warns(c, "1010301", "expires_soon below_minimum").await?;
    assert_eq!(
        c.execute(
            "const e = document.querySelector('#stock-warned'); return e ? e.dataset.count : null",
            vec![]
        )
        .await?,
        json!("1")
    );
    let cli = warnings_for(data, "测试新建储备点")?;
    assert_eq!(cli.len(), 1, "{cli:?}");
    assert_eq!(cli[0]["line"]["balance"]["on_hand"], 40);
    let kinds: Vec<&str> = cli[0]["line"]["warnings"]
        .as_array()
        .context("warnings")?
        .iter()
        .filter_map(|w| w["warning"].as_str())
        .collect();
    assert_eq!(kinds, ["expires_soon", "below_minimum"]);
    assert_eq!(cli[0]["line"]["warnings"][0]["days"], 30);
    screenshot(c, d, "r03-stock-warns.png").await?;

    // 3. The terms: a negative minimum is refused; 30 clears that warning; yesterday's expiry
    // makes the line expired.
    shown(c, "the terms form", "#stock-terms-min").await?;
    set_value(c, "#stock-terms-min", "-5").await?;
    click(c, "#stock-terms-go").await?;
    shown(c, "the refusal", "#stock-terms-error").await?;
    assert_eq!(
        warnings_for(data, "测试新建储备点")?[0]["line"]["minimum"],
        50
    );
    set_value(c, "#stock-terms-min", "30").await?;
    click(c, "#stock-terms-go").await?;
    row_warns(c, "1010301", "expires_soon").await?;
    set_value(c, "#stock-terms-expiry", &beijing_date(-1)?).await?;
    click(c, "#stock-terms-go").await?;
    row_warns(c, "1010301", "expired").await?;
    let cli = warnings_for(data, "测试新建储备点")?;
    assert_eq!(cli[0]["line"]["minimum"], 30);
    assert_eq!(cli[0]["line"]["warnings"][0]["warning"], "expired");
    assert_eq!(cli[0]["line"]["warnings"][0]["days"], 1);
    // The terms are part of the ledger's history (a recount of 0 carries them).
    let depot_id = cli[0]["depot_id"].as_str().context("depot id")?.to_owned();
    let history = Command::new(yitu_system_tests::binary("yitu")?)
        .arg("--data-dir")
        .arg(data)
        .args(["history", &depot_id])
        .output()?;
    let history = String::from_utf8(history.stdout)?;
    assert_eq!(history.matches("\"terms\"").count(), 2, "{history}");
    screenshot(c, d, "r04-terms.png").await?;

    // 4. The district's warnings list it among the others, as expired; its depot opens from there.
    click(c, "#details .close").await?;
    click(c, "#warnings-open").await?;
    shown(c, "the warnings", "#warnings-summary").await?;
    let listed = yitu(data, &["warnings", "--json"])?
        .as_array()
        .context("warnings")?
        .len();
    let shown_rows = c
        .execute(
            "return document.querySelectorAll('#warnings tbody tr').length",
            vec![],
        )
        .await?;
    assert_eq!(
        shown_rows,
        json!(listed),
        "the window lists what the store warns of"
    );
    let row = format!("#warnings tr[data-depot='{depot_id}'][data-code='1010301']");
    assert_eq!(
        c.execute(
            "const tr = document.querySelector(arguments[0]); return tr ? tr.className : null",
            vec![json!(row)]
        )
        .await?,
        json!("warn-expired")
    );
    screenshot(c, d, "r05-warnings.png").await?;
    click(c, &format!("{row} a")).await?;
    wait_for(
        c,
        "the depot's details",
        "const h = document.querySelector('#details h2'); return h && h.textContent === '测试新建储备点'",
        vec![],
        Duration::from_secs(15),
    )
    .await?;

    // 5. The depot filter "holds 1010301, at least 35 available": the layer count is what the
    // store's own stock export says (fresh demo data: nothing reserved, so on hand = available).
    click(c, "#details .close").await?;
    let csv = data.join("stock.csv");
    Command::new(yitu_system_tests::binary("yitu")?)
        .arg("--data-dir")
        .arg(data)
        .args(["export", "stock", "--format", "csv", "--out"])
        .arg(&csv)
        .output()?;
    let csv = std::fs::read_to_string(&csv)?;
    let mut holders = std::collections::BTreeSet::new();
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        if cells[2] == "1010301" && cells[5].parse::<i64>()? >= 35 {
            holders.insert(cells[0].to_owned());
        }
    }
    assert!(holders.contains(&depot_id), "the new depot holds 40");
    set_value(c, "#filter-holding-code", "1010301").await?;
    set_value(c, "#filter-holding-qty", "35").await?;
    c.execute(
        "document.querySelector('#filter-holding-qty').dispatchEvent(new Event('change', {bubbles: true}))",
        vec![],
    )
    .await?;
    layer_count_is(c, "depots", holders.len() as i64).await?;
    screenshot(c, d, "r06-holding-filter.png").await?;
    // A code that is not one is refused, with a message.
    set_value(c, "#filter-holding-code", "9x").await?;
    c.execute(
        "document.querySelector('#filter-holding-code').dispatchEvent(new Event('change', {bubbles: true}))",
        vec![],
    )
    .await?;
    shown(c, "the refusal", "#filter-holding-error").await?;
    click(c, "#filter-clear").await?;
    layer_count_is(c, "depots", total(data, "depots")?).await?;
    Ok(())
}
