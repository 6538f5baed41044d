//! Importing a register in the real window (WebKitGTK through tauri-driver): a CSV of three
//! shelters, one with a capacity that is not a number, is checked and previewed row by row; the
//! write is refused while the bad row is in it, nothing written; skipping it writes the two good
//! ones (counted by the `yitu` command line on the same database and on the layer panel);
//! importing the file again adds nothing; the window exports it as a CSV Excel reads; a corrupt workbook gets a clear message and changes
//! nothing. Screenshots: target/screenshots/i*.

use anyhow::{Context, Result};
use fantoccini::Client;
use serde_json::json;
use std::path::Path;
use std::time::Duration;
use yitu_system_tests::webview::{
    click, log_in, map_ready, run_in_window, screenshot, shown, text, wait_for, yitu,
};
use yitu_system_tests::Driver;

const SHELTERS_CSV: &str = "名称,等级,类型,室内外,容纳人数,已安置人数,面积,设施,状态,所属镇街,经度,纬度,管理人,联系电话
测试避难所甲,乡镇（街道）级,紧急,室外,300,0,900,应急供水,可启用,合阳城街道,106.270,29.990,王五,13900000001
测试避难所乙,乡镇（街道）级,紧急,室外,400,0,1200,应急供水,可启用,合阳城街道,106.280,29.970,王六,13900000002
测试避难所丙,乡镇（街道）级,紧急,室外,很多,0,1200,应急供水,可启用,合阳城街道,106.290,29.960,王七,13900000003
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_register_is_previewed_row_by_row_then_written_once() -> Result<()> {
    let data = tempfile::tempdir()?;
    let path = data.path().to_owned();
    run_in_window(
        data.path(),
        Duration::from_secs(180),
        "i-failure.png",
        move |c, d| Box::pin(async move { run(c, d, &path).await }),
    )
    .await
}

fn shelters(data: &Path) -> Result<i64> {
    yitu(data, &["stats", "--json"])?["layers"]["shelters"]["total"]
        .as_i64()
        .context("shelters count")
}

/// Puts a file in the import panel's file chooser, as a user choosing it would.
async fn choose_file(c: &Client, name: &str, bytes: &[u8]) -> Result<()> {
    c.execute(
        "const dt = new DataTransfer();
         dt.items.add(new File([new Uint8Array(arguments[1])], arguments[0]));
         document.querySelector('#import-file').files = dt.files; return true;",
        vec![json!(name), json!(bytes)],
    )
    .await?;
    Ok(())
}

async fn preview(c: &Client) -> Result<()> {
    click(c, "#import-check").await?;
    shown(c, "the preview", "#import-preview").await
}

async fn run(c: &Client, d: &Driver, data: &Path) -> Result<()> {
    map_ready(c).await?;
    log_in(c, data, "值班员").await?;
    let before = shelters(data)?;

    // 1. Three rows checked; the third refused with its line and reason.
    click(c, "#import-open").await?;
    shown(c, "the import panel", "#import-panel").await?;
    choose_file(c, "新增避难场所.csv", SHELTERS_CSV.as_bytes()).await?;
    preview(c).await?;
    let counts = c
        .execute(
            "const p = document.querySelector('#import-preview'); return [p.dataset.rows, p.dataset.valid]",
            vec![],
        )
        .await?;
    assert_eq!(counts, json!(["3", "2"]));
    let reason = text(c, "#import-preview tr.bad[data-line='4'] td.issues").await?;
    assert!(
        reason.contains("容纳人数"),
        "the reason names the field: {reason}"
    );
    assert!(text(c, "#import-would").await?.contains("新增 2"));
    screenshot(c, d, "i01-preview.png").await?;

    // 2. Writing with the bad row in it is refused; nothing is written.
    click(c, "#import-commit").await?;
    shown(c, "the refusal", "#import-error").await?;
    assert!(text(c, "#import-error").await?.contains("1 行有误"));
    assert_eq!(shelters(data)?, before, "nothing written");

    // 3. Skipping it writes the two good rows, in the store and on the layer panel.
    click(c, "#import-skip").await?;
    click(c, "#import-commit").await?;
    shown(c, "the report", "#import-done").await?;
    assert!(text(c, "#import-done").await?.contains("新增 2"));
    assert_eq!(shelters(data)?, before + 2);
    wait_for(
        c,
        "the layer panel to count the new shelters",
        "return document.querySelector('li[data-layer=shelters] .count').textContent.trim() === String(arguments[0])",
        vec![json!(before + 2)],
        Duration::from_secs(15),
    )
    .await?;
    let found = yitu(data, &["search", "测试避难所甲", "--json"])?;
    assert_eq!(found[0]["name"], "测试避难所甲");
    screenshot(c, d, "i02-written.png").await?;

    // 4. The same file again: matched on name and town, nothing added.
    choose_file(c, "新增避难场所.csv", SHELTERS_CSV.as_bytes()).await?;
    preview(c).await?;
    let would = text(c, "#import-would").await?;
    assert!(
        would.contains("新增 0") && would.contains("未变 2"),
        "{would}"
    );

    // 5. Exported from the window: a CSV with a BOM (Excel reads it as UTF-8), a header and one
    // line per shelter, the new ones among them; stock has no positions for GeoJSON.
    click(c, "#export-csv").await?;
    shown(c, "the export", "#export-done").await?;
    let path = c
        .execute(
            "return document.querySelector('#export-done').dataset.path",
            vec![],
        )
        .await?;
    let bytes = std::fs::read(path.as_str().context("export path")?)?;
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM");
    let csv = String::from_utf8(bytes)?;
    assert_eq!(csv.lines().count() as i64, before + 2 + 1);
    assert!(csv.contains("测试避难所乙"));
    c.find(fantoccini::Locator::Css("#import-kind"))
        .await?
        .select_by_value("stock")
        .await?;
    click(c, "#export-geojson").await?;
    shown(c, "the refusal", "#export-error").await?;
    c.find(fantoccini::Locator::Css("#import-kind"))
        .await?
        .select_by_value("shelters")
        .await?;

    // 6. A corrupt workbook: a clear message, the preview gone, nothing changed.
    choose_file(c, "坏文件.xlsx", b"this is not a workbook").await?;
    click(c, "#import-check").await?;
    shown(c, "the error", "#import-error").await?;
    assert!(c
        .execute(
            "return document.querySelector('#import-preview') === null",
            vec![]
        )
        .await?
        .as_bool()
        .unwrap_or(false));
    assert!(text(c, "#import-error").await?.contains("坏文件.xlsx"));
    assert_eq!(shelters(data)?, before + 2);
    screenshot(c, d, "i03-corrupt.png").await?;
    Ok(())
}
