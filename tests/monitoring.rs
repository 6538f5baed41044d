//! The monitoring one-map in the real window (WebKitGTK through tauri-driver): a readings file
//! is imported with the command line before the app starts (`yitu monitor import`, as a duty
//! officer takes in the water bureau's export) — a demo rain gauge's hour over its 1 h 立即转移
//! limit, a demo river gauge over its 警戒水位, a demo geohazard point creeping 12 mm a day —;
//! then the window draws the 监测站 layer (the gauge red, the river gauge orange, the stations
//! never heard grey; the red counted in the screenshot), opens each station's panel with its
//! chart (bars over the dashed limit, the level over 警戒水位, the displacement line), opens
//! the alarm board (the 告警 button red), refuses an acknowledgement with nobody logged in,
//! and after a login acknowledges the alarm and records a 叫应 with the watched slope's
//! 群测群防员 filled in; the command line, which reads the store and not the window, agrees.
//! Screenshots: target/screenshots/m*.

use anyhow::{bail, Context, Result};
use fantoccini::Client;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;
use yitu_domain::beijing_time::BeijingTime;
use yitu_system_tests::webview::{
    click, click_at, colour_share, log_in, map_ready, run_in_window, screen_point, screenshot,
    shown, text, wait_for, yitu,
};
use yitu_system_tests::{now_ms, screenshot_dir, Driver};

/// The demo's 沙鱼镇 rain gauge, 嘉陵江合川 river gauge (警戒 200 m, 保证 206 m) and the
/// geohazard point at the slope threatening the most people.
const RAIN: &str = "0050117001";
const RIVER: &str = "0050117101";
const SLOPE: &str = "HC-GH-001";
/// The demo's 官渡镇 gauge, last heard five hours ago (it reports hourly: 离线 after three).
const SILENT: &str = "0050117002";
/// The map's 离线 grey (`ui/src/map/stations.rs`).
const OFFLINE_GREY: &str = "#7d868f";
/// The map's 红色 (the alarm colour of `ui/src/map/stations.rs`).
const RED: &str = "#e02020";
const HOUR: i64 = 3_600_000;

/// A Beijing clock reading, as the bureau's export writes it ("2026-12-04 14:00").
fn beijing(ms: i64) -> String {
    let t = BeijingTime::from_unix_ms(ms);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute
    )
}

/// The storm, ending at the last whole hour at least a quarter of an hour ago (so the red is
/// overdue: 10 minutes unacknowledged), the river at the last quarter hour; none 离线: the
/// gauge's hours of 3, 8, 22 and 56 mm (the last over its 50 mm
/// 立即转移); the river rising 0.1 m every 15 minutes from 199.4 m to 200.6 m (over 警戒 at
/// 200 m, slower than the 0.5 m/h rise limit); the slope's GNSS resultant 0.5 mm an hour for
/// 30 hours (12 mm a day, over the 10 mm/d red rate); and one hour of 1 mm at another gauge
/// five hours ago, after which it fell silent. 要素 by code and by Chinese label both.
fn storm_file(dir: &Path, now: i64) -> Result<std::path::PathBuf> {
    let hour = (now - 15 * 60_000) / HOUR * HOUR;
    let quarter = now / (15 * 60_000) * (15 * 60_000);
    let mut csv = String::from("测站编码,要素,观测时间,值\n");
    for (k, mm) in [(3, 3), (2, 8), (1, 22), (0, 56)] {
        csv.push_str(&format!(
            "{RAIN},rain.period.60,{},{mm}\n",
            beijing(hour - k * HOUR)
        ));
    }
    for i in 0..13 {
        csv.push_str(&format!(
            "{RIVER},瞬时河道水位,{},{:.2}\n",
            beijing(quarter - (12 - i) * 15 * 60_000),
            199.4 + 0.1 * i as f64
        ));
    }
    for k in (0..=30).rev() {
        csv.push_str(&format!(
            "{SLOPE},gnss.total,{},{:.1}\n",
            beijing(hour - k * HOUR),
            0.5 * (30 - k) as f64
        ));
    }
    csv.push_str(&format!(
        "{SILENT},1 小时时段降水量,{},1\n",
        beijing(now / HOUR * HOUR - 5 * HOUR)
    ));
    let path = dir.join("水文局导出.csv");
    std::fs::write(&path, csv)?;
    Ok(path)
}

/// The board as the command line reads it from the store.
fn board(data: &Path) -> Result<Value> {
    yitu(data, &["monitor", "alarms", "--json"])
}

/// The alarm of `rule` at `station` on the store's board.
fn alarm_of(board: &Value, station: &str, rule: &str) -> Result<Value> {
    board["alarms"]
        .as_array()
        .context("alarms")?
        .iter()
        .find(|a| a["station_code"] == station && a["alarm"]["episode"]["rule"] == rule)
        .cloned()
        .with_context(|| format!("no {rule} alarm at {station}: {board}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stations_charts_and_the_alarm_board_in_the_window() -> Result<()> {
    let data = tempfile::tempdir()?;
    let files = tempfile::tempdir()?;
    let d = data.path().to_owned();
    yitu_cmd(&d, &["seed-demo"])?;
    yitu_cmd(&d, &["user", "add", "水文值班", "--role", "staff"])?;
    let file = storm_file(files.path(), now_ms())?;
    // All of it live (the default calls readings over an hour old historical, never alarmed).
    let imported = yitu(
        &d,
        &[
            "--as",
            "水文值班",
            "monitor",
            "import",
            file.to_str().context("path")?,
            "--lateness-min",
            "3000",
            "--json",
        ],
    )?;
    assert_eq!(imported["added"], json!(4 + 13 + 31 + 1), "{imported}");
    // The oracle: the store's own board, read by the command line before the window opens.
    let before = board(&d)?;
    let rain = alarm_of(&before, RAIN, "rain_1h")?;
    assert_eq!(rain["alarm"]["episode"]["peak"], "red");
    assert_eq!(rain["alarm"]["state"], "raised");
    assert_eq!(
        alarm_of(&before, RIVER, "level")?["alarm"]["episode"]["peak"],
        "orange"
    );
    let slope = alarm_of(&before, SLOPE, "displacement_rate")?;
    let rain_id = rain["alarm"]["episode"]["id"]
        .as_str()
        .context("id")?
        .to_owned();
    let slope_id = slope["alarm"]["episode"]["id"]
        .as_str()
        .context("id")?
        .to_owned();
    let path = d.clone();
    run_in_window(
        data.path(),
        Duration::from_secs(300),
        "m-failure.png",
        move |c, driver| {
            Box::pin(async move { story(c, driver, &path, &rain_id, &slope_id).await })
        },
    )
    .await?;
    // After the window: the store holds what was done there.
    let after = board(&d)?;
    let rain = alarm_of(&after, RAIN, "rain_1h")?;
    assert_eq!(rain["alarm"]["state"], "acknowledged", "{rain}");
    let log = rain["alarm"]["log"].to_string();
    assert!(
        log.contains("值班长"),
        "the acknowledgement names who: {log}"
    );
    let slope = alarm_of(&after, SLOPE, "displacement_rate")?;
    assert_eq!(slope["alarm"]["state"], "answered", "{slope}");
    let log = slope["alarm"]["log"].to_string();
    assert!(
        log.contains("群测群防员") && log.contains("已到现场查看"),
        "{log}"
    );
    Ok(())
}

/// `yitu` for commands that print text (the webview helper reads JSON).
fn yitu_cmd(data: &Path, args: &[&str]) -> Result<()> {
    let out = std::process::Command::new(yitu_system_tests::binary("yitu")?)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()?;
    if !out.status.success() {
        bail!("yitu {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}

/// The stations the map draws: code → (health, level, fill, position), as MapLibre renders them.
async fn drawn_stations(c: &Client) -> Result<Value> {
    Ok(c.execute(
        "const m = window.__yituMap; if (!m.getLayer('stations-disc')) return null;
         const out = {};
         for (const f of m.queryRenderedFeatures({layers: ['stations-disc']})) {
           const p = f.properties;
           out[p.code] = {health: p.health, level: p.level || null, fill: p.fill, at: f.geometry.coordinates};
         }
         return out;",
        vec![],
    )
    .await?)
}

/// Brings `code`'s station to the middle of the map at street zoom and clicks it.
async fn open_station(c: &Client, at: &Value, code: &str) -> Result<()> {
    let (lon, lat) = (
        at[0].as_f64().context("lon")?,
        at[1].as_f64().context("lat")?,
    );
    c.execute(
        "window.__yituMap.jumpTo({center: [arguments[0], arguments[1]], zoom: 14})",
        vec![json!(lon), json!(lat)],
    )
    .await?;
    map_idle(c).await?;
    let (x, y) = screen_point(c, lon, lat).await?;
    click_at(c, x, y).await?;
    shown(
        c,
        "the station's panel",
        &format!("#station[data-code='{code}']"),
    )
    .await
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

/// The chart's data attributes: kind, wet bars, points of the line, limit lines.
async fn chart(c: &Client) -> Result<Value> {
    wait_for(
        c,
        "the station's chart",
        "const s = document.querySelector('#station-chart'); return s && {kind: s.dataset.kind,
           bars: +s.dataset.bars, points: +s.dataset.points, limits: +s.dataset.limits,
           dashed: s.querySelectorAll('line.limit').length}",
        vec![],
        Duration::from_secs(15),
    )
    .await
}

async fn story(c: &Client, d: &Driver, data: &Path, rain_id: &str, slope_id: &str) -> Result<()> {
    map_ready(c).await?;
    // 1. The layer: every demo station drawn, each as the store says.
    wait_for(
        c,
        "the stations drawn",
        "const m = window.__yituMap; return m.getLayer('stations-disc') &&
           m.queryRenderedFeatures({layers: ['stations-disc']}).length >= 21",
        vec![],
        Duration::from_secs(30),
    )
    .await?;
    let stations = drawn_stations(c).await?;
    let get = |code: &str| stations[code].clone();
    assert_eq!(get(RAIN)["health"], "alarm", "{stations}");
    assert_eq!(get(RAIN)["level"], "red");
    assert_eq!(get(RAIN)["fill"], RED);
    assert_eq!(get(RIVER)["level"], "orange");
    assert_eq!(get(SLOPE)["level"], "red");
    assert_eq!(get(SILENT)["health"], "offline", "silent too long: 离线");
    assert_eq!(get(SILENT)["fill"], OFFLINE_GREY);
    let unknown = stations
        .as_object()
        .context("stations")?
        .values()
        .filter(|s| s["health"] == "unknown")
        .count();
    assert_eq!(
        unknown, 17,
        "the stations no reading came from are 未知: {stations}"
    );
    assert!(
        stations
            .as_object()
            .context("stations")?
            .values()
            .all(|s| s["health"] != "normal"),
        "nothing is green that was not heard"
    );
    assert_eq!(text(c, "#stations-count").await?, "21");
    let summary = text(c, "#stations-summary").await?;
    assert!(
        summary.contains("超阈值 3") && summary.contains("离线 1") && summary.contains("未知 17"),
        "{summary}"
    );
    // The 告警 button counts the open alarms and is red: none is acknowledged.
    let button = c
        .execute(
            "const b = document.querySelector('#alarms-open');
             return {count: +b.dataset.count, unseen: b.classList.contains('unseen'), text: b.textContent}",
            vec![],
        )
        .await?;
    let open = before_count(data)?;
    assert_eq!(button["count"], json!(open), "{button}");
    assert_eq!(button["unseen"], json!(true));
    screenshot(c, d, "m01-stations.png").await?;
    let red = colour_share(&screenshot_dir().join("m01-stations.png"), RED, "3%")?;
    assert!(red > 0.00005, "the red stations are seen on screen: {red}");

    // 2. The rain gauge's panel: its health, its chart with the bars over the dashed limits.
    open_station(c, &get(RAIN)["at"], RAIN).await?;
    let health = c
        .execute(
            "const h = document.querySelector('#station-health'); return {health: h.dataset.health, level: h.dataset.level, text: h.textContent}",
            vec![],
        )
        .await?;
    assert_eq!(health["health"], "alarm", "{health}");
    assert_eq!(health["level"], "red");
    assert!(health["text"]
        .as_str()
        .unwrap_or("")
        .contains("超阈值（红色）"));
    let rain_chart = chart(c).await?;
    assert_eq!(rain_chart["kind"], "rain", "{rain_chart}");
    assert_eq!(rain_chart["bars"], json!(4));
    assert_eq!(rain_chart["limits"], json!(2), "准备转移 and 立即转移");
    assert_eq!(rain_chart["dashed"], json!(2));
    let panel = text(c, "#station").await?;
    for want in [
        "沙鱼镇雨量站（演示）",
        "区水利局",
        "56 mm",
        "准备转移 30 mm · 立即转移 50 mm",
    ] {
        assert!(panel.contains(want), "the panel says {want}: {panel}");
    }
    screenshot(c, d, "m02-rain-station.png").await?;

    // 3. The river gauge: the level line over the 警戒水位 line, under 保证水位.
    open_station(c, &get(RIVER)["at"], RIVER).await?;
    let level_chart = chart(c).await?;
    assert_eq!(level_chart["kind"], "level", "{level_chart}");
    assert_eq!(level_chart["points"], json!(13));
    assert_eq!(level_chart["limits"], json!(2), "警戒水位 and 保证水位");
    let panel = text(c, "#station").await?;
    assert!(
        panel.contains("嘉陵江") && panel.contains("警戒水位 200 m"),
        "{panel}"
    );
    screenshot(c, d, "m03-river-station.png").await?;

    // 4. The slope's point: its displacement over the last 48 hours.
    open_station(c, &get(SLOPE)["at"], SLOPE).await?;
    let slope_chart = chart(c).await?;
    assert_eq!(slope_chart["kind"], "displacement", "{slope_chart}");
    assert_eq!(slope_chart["points"], json!(31));
    let panel = text(c, "#station").await?;
    assert!(
        panel.contains("监测对象"),
        "it names the slope it watches: {panel}"
    );
    screenshot(c, d, "m04-slope-station.png").await?;

    // 5. The alarm board: what is overdue first; refused with nobody logged in.
    click(c, "#alarms-open").await?;
    shown(c, "the alarm board", "#alarms #alarm-list").await?;
    let rain_item = format!("li.alarm[data-alarm='{rain_id}']");
    shown(c, "the rain alarm listed", &rain_item).await?;
    let item = text(c, &rain_item).await?;
    assert!(
        item.contains("1 小时降雨 立即转移")
            && item.contains("沙鱼镇雨量站（演示）")
            && item.contains("56 mm"),
        "{item}"
    );
    assert!(
        item.contains("超时未确认"),
        "a red unacknowledged for an hour is overdue: {item}"
    );
    let first = c
        .execute(
            "return document.querySelector('li.alarm').classList.contains('overdue')",
            vec![],
        )
        .await?;
    assert_eq!(first, json!(true), "overdue first");
    screenshot(c, d, "m05-board.png").await?;
    click(c, &format!("{rain_item} button.ack")).await?;
    shown(c, "the refusal", "#alarm-error").await?;
    let refusal = text(c, "#alarm-error").await?;
    assert!(!refusal.is_empty());
    assert_eq!(
        alarm_of(&board(data)?, RAIN, "rain_1h")?["alarm"]["state"],
        "raised",
        "refused: nothing stored"
    );

    // 6. Logged in: 确认, and the board in the shell's reply shows it at once.
    log_in(c, data, "值班长").await?;
    click(c, &format!("{rain_item} button.ack")).await?;
    shown(
        c,
        "the alarm acknowledged",
        &format!("li.alarm[data-alarm='{rain_id}'][data-state='acknowledged']"),
    )
    .await?;
    assert!(text(c, &rain_item).await?.contains("值班长 确认"));

    // 7. 叫应 about the slope: the form names its 群测群防员 from the hazard register.
    let slope_item = format!("li.alarm[data-alarm='{slope_id}']");
    click(c, &format!("{slope_item} button.call")).await?;
    shown(c, "the call form", &format!("{slope_item} form.call-form")).await?;
    let prefilled = c
        .execute(
            "const f = document.querySelector(arguments[0] + ' form.call-form');
             return {who: f.who.value, phone: f.phone.value, role: f.role.value}",
            vec![json!(slope_item)],
        )
        .await?;
    assert_eq!(prefilled["role"], "群测群防员", "{prefilled}");
    assert!(
        !prefilled["who"].as_str().unwrap_or("").is_empty()
            && !prefilled["phone"].as_str().unwrap_or("").is_empty(),
        "{prefilled}"
    );
    yitu_system_tests::webview::set_value(
        c,
        &format!("{slope_item} input[name=note]"),
        "已到现场查看",
    )
    .await?;
    screenshot(c, d, "m06-call-form.png").await?;
    click(
        c,
        &format!("{slope_item} form.call-form button[type=submit]"),
    )
    .await?;
    shown(
        c,
        "the call recorded",
        &format!("li.alarm[data-alarm='{slope_id}'][data-state='answered']"),
    )
    .await?;

    // 7b. 升级: the slope's alarm passed up to the bureau's 带班领导, with why; the store
    // keeps the step (read back through the command line, not the window).
    click(c, &format!("{slope_item} button.escalate")).await?;
    shown(
        c,
        "the escalate form",
        &format!("{slope_item} form.escalate-form"),
    )
    .await?;
    let to = c
        .execute(
            "return document.querySelector(arguments[0] + ' form.escalate-form').to.value",
            vec![json!(slope_item)],
        )
        .await?;
    assert_eq!(to, "区应急局带班领导", "the form names whom to report to");
    yitu_system_tests::webview::set_value(
        c,
        &format!("{slope_item} form.escalate-form input[name=reason]"),
        "裂缝持续扩大，请求专家会商",
    )
    .await?;
    click(
        c,
        &format!("{slope_item} form.escalate-form button[type=submit]"),
    )
    .await?;
    wait_for(
        c,
        "the escalation in the alarm's log",
        "const li = document.querySelector(arguments[0]);
         return !!li && li.textContent.includes('升级至 区应急局带班领导') && !li.querySelector('form')",
        vec![json!(slope_item)],
        Duration::from_secs(10),
    )
    .await?;
    let slope_log =
        alarm_of(&board(data)?, SLOPE, "displacement_rate")?["alarm"]["log"].to_string();
    assert!(
        slope_log.contains("\"escalated\"") && slope_log.contains("裂缝持续扩大"),
        "the store keeps the 升级: {slope_log}"
    );

    // 8. An alarm clicked brings its station into view.
    click(c, &format!("{rain_item} .alarm-head")).await?;
    let (lon, lat) = (
        get(RAIN)["at"][0].as_f64().context("lon")?,
        get(RAIN)["at"][1].as_f64().context("lat")?,
    );
    wait_for(
        c,
        "the map over the rain gauge",
        "const m = window.__yituMap; if (m.isMoving()) return false; const c = m.getCenter();
         return Math.abs(c.lng - arguments[0]) < 0.002 && Math.abs(c.lat - arguments[1]) < 0.002",
        vec![json!(lon), json!(lat)],
        Duration::from_secs(15),
    )
    .await?;
    let ringed = c
        .execute(
            "return window.__yituMap.queryRenderedFeatures({layers: ['station-ring']}).length",
            vec![],
        )
        .await?;
    // A point near a tile's edge may come back from each tile it is drawn in.
    assert!(
        ringed.as_u64() >= Some(1),
        "the station is ringed: {ringed}"
    );
    screenshot(c, d, "m07-board-acknowledged.png").await?;
    let button = text(c, "#alarms-open").await?;
    assert!(button.starts_with("告警"), "{button}");

    // 9. The legend says what the stations' colours and characters are.
    let legend = text(c, "#legend-stations").await?;
    for want in ["正常", "超阈值（红色）", "离线", "未知", "雨 雨量站"] {
        assert!(legend.contains(want), "the legend says {want}: {legend}");
    }
    c.execute(
        "document.querySelector('#legend-stations').scrollIntoView({block: 'center'})",
        vec![],
    )
    .await?;
    screenshot(c, d, "m08-legend.png").await?;
    Ok(())
}

/// How many alarms the store's board holds open (not 已解除).
fn before_count(data: &Path) -> Result<usize> {
    let b = board(data)?;
    Ok(b["alarms"]
        .as_array()
        .context("alarms")?
        .iter()
        .filter(|a| a["alarm"]["state"] != "cleared")
        .count())
}
