//! Incident command in the real window (WebKitGTK through tauri-driver), on a fresh data folder:
//! the first user is added at the login box and adds the others; a duty officer records an
//! incident by clicking the map and drawing its affected area; drafts a decision from the
//! landslide template with two orders, one material draw and a cordon drawn on the map; the
//! technical officer reviews it, the commander approves and issues it, the receipts are
//! recorded; the order sheet prints and the chain verifies. What the window shows is checked
//! against the `yitu` command line reading the same database. Screenshots: target/screenshots/c*.

use anyhow::{Context, Result};
use fantoccini::{Client, Locator};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;
use yitu_system_tests::webview::{
    click, click_at, map_ready, run_in_window, screen_point, screenshot, shown, text, type_into,
    wait_for, yitu,
};
use yitu_system_tests::Driver;

const TENTS: &str = "1010101";
/// Where the landslide is: a hillside east of 钱塘镇 (WGS-84).
const SCENE: (f64, f64) = (106.215, 30.205);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incident_and_a_decision_go_from_the_map_to_a_signed_order_sheet() -> Result<()> {
    let data = tempfile::tempdir()?;
    let path = data.path().to_owned();
    run_in_window(
        data.path(),
        Duration::from_secs(240),
        "c-failure.png",
        move |c, d| Box::pin(async move { run(c, d, &path).await }),
    )
    .await
}

async fn click_map(c: &Client, lon: f64, lat: f64) -> Result<()> {
    let (x, y) = screen_point(c, lon, lat).await?;
    click_at(c, x, y).await
}

async fn add_user(c: &Client, name: &str, role: &str) -> Result<()> {
    type_into(c, "#user-name", name).await?;
    c.find(Locator::Css("#user-role"))
        .await?
        .select_by_value(role)
        .await?;
    click(c, "#user-add").await?;
    shown(
        c,
        "the new user in the list",
        &format!("button.user[data-user='{name}']"),
    )
    .await
}

/// Logs in as `name` at the top bar's login box.
async fn login(c: &Client, name: &str) -> Result<()> {
    if c.find(Locator::Css("#login-menu")).await.is_err() {
        click(c, "#login-open").await?;
    }
    click(c, &format!("button.user[data-user='{name}']")).await?;
    wait_for(
        c,
        "the login box to name the user",
        "return document.querySelector('#login-open').textContent.startsWith(arguments[0])",
        vec![json!(name)],
        Duration::from_secs(10),
    )
    .await?;
    Ok(())
}

async fn decision_state(c: &Client, state: &str) -> Result<()> {
    wait_for(
        c,
        &format!("the decision to be {state}"),
        "const s = document.querySelector('#decision-state'); return s && s.dataset.state === arguments[0]",
        vec![json!(state)],
        Duration::from_secs(15),
    )
    .await?;
    Ok(())
}

/// Tents a depot can still promise, as `yitu nearest depots` reports them.
fn tents_available(data: &Path, depot: &str) -> Result<i64> {
    let near = yitu(
        data,
        &[
            "nearest",
            "depots",
            "--at",
            "106.215,30.205",
            "--code",
            TENTS,
            "-k",
            "500",
        ],
    )?;
    near["results"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["id"] == depot))
        .and_then(|r| r["holdings"][0]["available"].as_i64())
        .context("the depot's tents")
}

async fn run(c: &Client, d: &Driver, data: &Path) -> Result<()> {
    map_ready(c).await?;

    // 1. A fresh device has no users: the first is added at the login box (a commander), who
    //    then adds the duty officer and the technical officer.
    click(c, "#login-open").await?;
    add_user(c, "张指挥", "commander").await?;
    login(c, "张指挥").await?;
    click(c, "#login-open").await?;
    add_user(c, "王参谋", "staff").await?;
    add_user(c, "李工", "technical_officer").await?;
    add_user(c, "赵观察", "observer").await?;
    login(c, "王参谋").await?;
    click(c, "#login-open").await?;
    let users = yitu(data, &["user", "list"])?;
    assert_eq!(users.as_array().map(Vec::len), Some(4), "{users}");
    screenshot(c, d, "c01-login.png").await?;
    click(c, "#login-open").await?;

    // 2. The incident: a click on the map for where it happened, four clicks for the area.
    click(c, "#incident-new").await?;
    // Where the pointer will land (a whole pixel) and how much one pixel is, at this zoom.
    let (x, y) = screen_point(c, SCENE.0, SCENE.1).await?;
    let aim = c
        .execute(
            "const m = window.__yituMap; const r = m.getCanvas().getBoundingClientRect();
             const a = m.unproject([arguments[0] - r.left, arguments[1] - r.top]);
             const b = m.unproject([arguments[0] - r.left + 1, arguments[1] - r.top + 1]);
             return [a.lng, a.lat, Math.abs(b.lng - a.lng), Math.abs(b.lat - a.lat)];",
            vec![json!(x.round()), json!(y.round())],
        )
        .await?;
    let aim: Vec<f64> = serde_json::from_value(aim)?;
    click_map(c, SCENE.0, SCENE.1).await?;
    shown(c, "the incident form", "#incident-form").await?;
    c.find(Locator::Css("#incident-kind"))
        .await?
        .select_by_value("landslide")
        .await?;
    c.find(Locator::Css("#incident-level"))
        .await?
        .select_by_value("major")
        .await?;
    type_into(c, "#incident-title", "钱塘镇龙凤村山体滑坡（演练）").await?;
    type_into(c, "#incident-toll-affected", "120").await?;
    click(c, "#incident-draw-area").await?;
    for (dx, dy) in [
        (-0.01, -0.008),
        (0.012, -0.008),
        (0.012, 0.009),
        (-0.01, 0.009),
    ] {
        click_map(c, SCENE.0 + dx, SCENE.1 + dy).await?;
    }
    let label = text(c, "#incident-draw-area").await?;
    assert!(label.contains('4'), "four corners counted: {label}");
    click(c, "#incident-draw-area").await?;
    screenshot(c, d, "c02-incident-form.png").await?;
    click(c, "#incident-save").await?;
    shown(c, "the incident panel", "#incident-panel #decision-new").await?;
    let listed = yitu(data, &["incident", "list"])?;
    let incident = &listed[0];
    assert_eq!(incident["kind"], "landslide");
    assert_eq!(incident["level"], "major");
    assert_eq!(incident["toll"]["affected"], 120);
    assert_eq!(incident["created_by"], "王参谋");
    let (lon, lat) = (
        incident["point"]["lon"].as_f64().context("lon")?,
        incident["point"]["lat"].as_f64().context("lat")?,
    );
    // The stored point is where the pointer was, to a pixel.
    assert!(
        (lon - aim[0]).abs() <= aim[2] && (lat - aim[1]).abs() <= aim[3],
        "stored {lon},{lat}; the pointer was at {},{} (a pixel is {}, {})",
        aim[0],
        aim[1],
        aim[2],
        aim[3]
    );
    let ring = incident["area"]["coordinates"][0]
        .as_array()
        .context("area ring")?;
    assert_eq!(ring.len(), 5, "four corners and the closing point");
    // Drawn once the map has rendered the jump to the incident (software GL can lag).
    wait_for(
        c,
        "the incident's point and area on the map",
        "return window.__yituMap.queryRenderedFeatures({layers: ['incident-point', 'incident-area']}).length >= 2",
        vec![],
        Duration::from_secs(15),
    )
    .await?;
    screenshot(c, d, "c03-incident.png").await?;

    // 3. A draft from the landslide template: two of its orders, one material, a cordon.
    click(c, "#decision-new").await?;
    shown(
        c,
        "the template's draft",
        "#decision-editor[data-ready=true] .order",
    )
    .await?;
    let orders = c
        .execute(
            "return document.querySelectorAll('#d-orders .order').length",
            vec![],
        )
        .await?;
    assert_eq!(
        orders,
        json!(3),
        "the landslide template has three typical orders"
    );
    click(c, "#d-orders .order[data-index='2'] .o-remove").await?;
    let first_recipient = c
        .execute(
            "return document.querySelector('#d-orders .order .o-recipient').value",
            vec![],
        )
        .await?;
    let expected_team = yitu(
        data,
        &[
            "nearest",
            "teams",
            "--at",
            &format!("{lon},{lat}"),
            "--specialty",
            "geological",
            "-k",
            "1",
        ],
    )?;
    assert_eq!(
        first_recipient, expected_team["results"][0]["name"],
        "the first order goes to the nearest standby geological team"
    );
    c.find(Locator::Css("#d-orders .order[data-index='0'] .o-place"))
        .await?
        .send_keys("龙凤村5组")
        .await?;
    c.find(Locator::Css("#d-orders .order[data-index='0'] .o-deadline"))
        .await?
        .send_keys("30分钟内到场")
        .await?;
    let near = yitu(
        data,
        &[
            "nearest",
            "depots",
            "--at",
            &format!("{lon},{lat}"),
            "--code",
            TENTS,
            "--min",
            "10",
            "-k",
            "1",
        ],
    )?;
    let depot = near["results"][0]["id"]
        .as_str()
        .context("a depot with tents")?
        .to_owned();
    let before = tents_available(data, &depot)?;
    click(c, "#material-add").await?;
    c.find(Locator::Css("#d-materials .m-depot"))
        .await?
        .select_by_value(&depot)
        .await?;
    shown(
        c,
        "the depot's stock lines",
        &format!("#d-materials .m-code option[value='{TENTS}']"),
    )
    .await?;
    c.find(Locator::Css("#d-materials .m-code"))
        .await?
        .select_by_value(TENTS)
        .await?;
    type_into(c, "#d-materials .m-qty", "5").await?;
    click(c, "#draw-cordon").await?;
    for (dx, dy) in [(-0.006, -0.005), (0.007, -0.005), (0.0, 0.006)] {
        click_map(c, SCENE.0 + dx, SCENE.1 + dy).await?;
    }
    click(c, "#draw-cordon").await?;
    shown(
        c,
        "the cordon in the list",
        "#d-drawings li[data-kind=cordon]",
    )
    .await?;
    screenshot(c, d, "c04-draft.png").await?;
    click(c, "#decision-save").await?;
    decision_state(c, "draft").await?;
    let shown_incident = yitu(
        data,
        &[
            "incident",
            "show",
            incident["id"].as_str().unwrap_or_default(),
        ],
    )?;
    let id = shown_incident["decisions"][0]["id"]
        .as_str()
        .context("the decision")?
        .to_owned();
    let stored = yitu(data, &["decision", "show", &id])?;
    let content = &stored["decision"]["content"];
    assert_eq!(content["orders"].as_array().map(Vec::len), Some(2));
    assert_eq!(content["orders"][0]["place"], "龙凤村5组");
    assert!(
        content["orders"][0]["recipient"]["id"].is_string(),
        "a registered team is linked by id"
    );
    assert_eq!(content["materials"][0]["quantity"], 5);
    assert_eq!(content["materials"][0]["code"], TENTS);
    assert_eq!(content["drawings"][0]["kind"], "cordon");
    // Staff may not sign: the button is not offered. The order is 行政类 (the default).
    assert!(
        c.find(Locator::Css("#sign")).await.is_err(),
        "no 签发 for staff"
    );
    shown(c, "the class", "#decision-class[data-class=administrative]").await?;

    // 4. Review by the technical officer.
    login(c, "李工").await?;
    shown(c, "the review form", "#review-advice").await?;
    type_into(c, "#review-advice", "坡体后缘裂缝仍在扩展，警戒区外扩50米").await?;
    click(c, "#review-agree").await?;
    decision_state(c, "reviewed").await?;
    screenshot(c, d, "c05-reviewed.png").await?;

    // 5. The commander signs (签发: approval and issue in one act): tents are reserved, the
    //    decision signed. The technical officer is not offered 签发 for a 行政类 order.
    assert!(
        c.find(Locator::Css("#sign")).await.is_err(),
        "no 签发 for the technical officer on an administrative order"
    );
    login(c, "张指挥").await?;
    shown(c, "签发", "#sign").await?;
    screenshot(c, d, "c06-to-sign.png").await?;
    click(c, "#sign").await?;
    decision_state(c, "issued").await?;
    shown(c, "the signer", "#decision-signer").await?;
    assert_eq!(
        tents_available(data, &depot)?,
        before - 5,
        "five tents reserved"
    );
    screenshot(c, d, "c07-issued.png").await?;

    // 6. Each recipient's receipt, recorded by the duty officer.
    login(c, "王参谋").await?;
    for _ in 0..2 {
        shown(c, "a receipt to record", "#decision-actions button.ack").await?;
        click(c, "#decision-actions button.ack").await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    wait_for(
        c,
        "both receipts",
        "return document.querySelectorAll('#decision-orders tr[data-acked=true]').length === 2
            && !document.querySelector('#decision-actions button.ack')",
        vec![],
        Duration::from_secs(15),
    )
    .await?;
    let stored: Value = yitu(data, &["decision", "show", &id])?;
    assert_eq!(stored["acknowledgements"].as_array().map(Vec::len), Some(2));
    assert_eq!(stored["awaiting"], json!([]));
    screenshot(c, d, "c08-acknowledged.png").await?;

    // 6b. The registered team arrives (到场) and later leaves (撤离); until then dispatch does
    //     not offer it as 待命 (checked by `yitu dispatch` below, against the team's id).
    let team_id = content["orders"][0]["recipient"]["id"]
        .as_str()
        .context("the team's id")?
        .to_owned();
    let team = content["orders"][0]["recipient"]["name"]
        .as_str()
        .context("the team's name")?
        .to_owned();
    let arrive =
        format!("#decision-actions button.move[data-recipient='{team}'][data-arrive=true]");
    shown(c, "arrival", &arrive).await?;
    click(c, &arrive).await?;
    let leave =
        format!("#decision-actions button.move[data-recipient='{team}'][data-arrive=false]");
    shown(c, "leaving", &leave).await?;
    screenshot(c, d, "c08b-arrived.png").await?;
    let stored: Value = yitu(data, &["decision", "show", &id])?;
    let ack = stored["acknowledgements"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["recipient"] == team.as_str()))
        .context("the team's receipt")?;
    assert!(ack["arrived_at_ms"].is_i64(), "arrival recorded: {ack}");
    let standby = |data: &std::path::Path| -> Result<bool> {
        let near = yitu(
            data,
            &["nearest", "teams", "--at", "106.27,29.99", "-k", "100000"],
        )?;
        Ok(near.to_string().contains(&team_id))
    };
    assert!(!standby(data)?, "an arrived team is not offered as 待命");
    click(c, &leave).await?;
    wait_for(
        c,
        "left",
        "return [...document.querySelectorAll('#decision-orders .on-scene')].some(e => e.textContent.includes('撤离'))",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    assert!(standby(data)?, "a team that left is offered again");

    // 7. The order sheet prints with its orders; the chain verifies in the window and by `yitu`.
    click(c, "#decision-pdf").await?;
    shown(c, "the printout", "#decision-printout").await?;
    let pdf = data.join("printouts").join(format!(
        "{}.pdf",
        stored["decision"]["number"].as_str().context("number")?
    ));
    let out = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()?;
    let sheet = String::from_utf8_lossy(&out.stdout);
    assert!(
        sheet.contains("龙凤村5组"),
        "the order's place on the sheet: {sheet}"
    );
    assert!(sheet.contains("李工"), "the reviewer on the sheet");
    click(c, "#verify").await?;
    shown(c, "the chain check", "#verify-result[data-ok=true]").await?;
    yitu(data, &["verify"])?;
    screenshot(c, d, "c09-printed-verified.png").await?;

    // 8. An observer reads everything and is offered nothing to change: no actions on the
    //    decision, no drafting and no 续报 form (the store's own refusal of an observer's write
    //    is tested by the command line tests).
    login(c, "赵观察").await?;
    wait_for(
        c,
        "no actions for an observer",
        "return document.querySelectorAll('#decision-actions button').length === 0",
        vec![],
        Duration::from_secs(10),
    )
    .await?;
    click(c, "#decision-back").await?;
    shown(c, "the read-only note", "#read-only").await?;
    let offered = c
        .execute(
            "return ['#log-text', '#log-add', '#decision-new'].filter(s => document.querySelector(s) !== null)",
            vec![],
        )
        .await?;
    assert_eq!(
        offered,
        json!([]),
        "nothing to write offered to an observer"
    );
    shown(c, "the log, still readable", "#incident-log").await?;
    screenshot(c, d, "c10-observer.png").await?;
    Ok(())
}
