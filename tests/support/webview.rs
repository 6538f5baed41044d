//! Driving the real app in its webview: open a session on a fresh data folder, wait for what a
//! user would see, click where a place is on the map, read text, take screenshots, and ask the
//! `yitu` command line what the store holds (the independent check of what the window shows).

use crate::{binary, Driver};
use anyhow::{bail, Context, Result};
use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::process::Command;
use std::time::{Duration, Instant};

/// Starts the display and tauri-driver and opens the desktop app on `data_dir`.
pub async fn open_app(data_dir: &std::path::Path) -> Result<(Driver, Client)> {
    let app = binary("yitu-desktop")?;
    let driver = Driver::start()?;
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("wry"));
    caps.insert(
        "tauri:options".into(),
        json!({ "application": app, "args": ["--data-dir", data_dir] }),
    );
    let c = ClientBuilder::native()
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .context("WebDriver session")?;
    Ok((driver, c))
}

/// One end-to-end story, borrowed client and driver in, as the runner below takes it.
pub type Story<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 'a>>;

/// Opens the app on `data_dir`, runs `story` under a time limit, takes `failure_shot` when it
/// fails or runs out of time, and closes the session: what every end-to-end test does around
/// its steps.
pub async fn run_in_window(
    data_dir: &std::path::Path,
    within: Duration,
    failure_shot: &str,
    story: impl for<'a> FnOnce(&'a Client, &'a Driver) -> Story<'a>,
) -> Result<()> {
    let (driver, c) = open_app(data_dir).await?;
    let result = match tokio::time::timeout(within, story(&c, &driver)).await {
        Ok(r) => r,
        Err(_) => Err(anyhow::anyhow!(
            "the story did not finish within {within:?}"
        )),
    };
    if result.is_err() {
        let _ = screenshot(&c, &driver, failure_shot).await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(15), c.close()).await;
    result
}

/// Waits until the map has loaded (the window's `#map[data-state=ready]`), as every story's
/// first step.
pub async fn map_ready(c: &Client) -> Result<()> {
    wait_for(
        c,
        "the map to be ready",
        "return document.querySelector('#map[data-state=ready]') !== null",
        vec![],
        Duration::from_secs(90),
    )
    .await?;
    Ok(())
}

/// Sets an input's value as typing would end (an `input` event follows): for date inputs and
/// for replacing what a field holds.
pub async fn set_value(c: &Client, css: &str, value: &str) -> Result<()> {
    let done = c
        .execute(
            "const i = document.querySelector(arguments[0]); if (!i) return false;
             i.value = arguments[1]; i.dispatchEvent(new Event('input', {bubbles: true})); return true;",
            vec![json!(css), json!(value)],
        )
        .await?;
    if done != json!(true) {
        bail!("no input {css}");
    }
    Ok(())
}

pub async fn screenshot(c: &Client, d: &Driver, name: &str) -> Result<()> {
    // The DOM updates before the map's canvas repaints (software GL is slow): wait until the map
    // has drawn a frame and gone idle, so the picture shows what the assertions saw.
    let idle = "const done = arguments[arguments.length - 1]; const m = window.__yituMap;
                if (!m) { done(false); return; }
                const timer = setTimeout(() => done(false), 5000);
                m.once('idle', () => { clearTimeout(timer); done(true); }); m.triggerRepaint();";
    let _ = tokio::time::timeout(Duration::from_secs(8), c.execute_async(idle, vec![])).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let path = d.screenshot(name)?;
    eprintln!("screenshot: {}", path.display());
    Ok(())
}

/// Polls a script until it returns something other than null/false, or fails after `within`.
pub async fn wait_for(
    c: &Client,
    what: &str,
    script: &str,
    args: Vec<Value>,
    within: Duration,
) -> Result<Value> {
    let start = Instant::now();
    loop {
        let v = c.execute(script, args.clone()).await?;
        if !(v.is_null() || v == json!(false)) {
            return Ok(v);
        }
        if start.elapsed() > within {
            bail!("timed out after {within:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Clicks the element matching `css` (WebDriver's element click).
pub async fn click(c: &Client, css: &str) -> Result<()> {
    c.find(Locator::Css(css))
        .await
        .with_context(|| format!("no {css}"))?
        .click()
        .await?;
    Ok(())
}

/// Types into the element matching `css`, as keystrokes.
pub async fn type_into(c: &Client, css: &str, text: &str) -> Result<()> {
    c.find(Locator::Css(css))
        .await
        .with_context(|| format!("no {css}"))?
        .send_keys(text)
        .await?;
    Ok(())
}

/// Waits until an element matching `css` exists.
pub async fn shown(c: &Client, what: &str, css: &str) -> Result<()> {
    wait_for(
        c,
        what,
        "return document.querySelector(arguments[0]) !== null",
        vec![json!(css)],
        Duration::from_secs(15),
    )
    .await?;
    Ok(())
}

/// Waits until no element matches `css` (a card closed, a panel gone).
pub async fn gone(c: &Client, what: &str, css: &str) -> Result<()> {
    wait_for(
        c,
        what,
        "return document.querySelector(arguments[0]) === null",
        vec![json!(css)],
        Duration::from_secs(15),
    )
    .await?;
    Ok(())
}

/// The text of the first element matching `css`, read by script: WebKitWebDriver's own
/// "get element text" was seen to hang once the map had been clicked.
pub async fn text(c: &Client, css: &str) -> Result<String> {
    let v = c
        .execute(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : null",
            vec![json!(css)],
        )
        .await?;
    v.as_str()
        .map(|s| s.trim().to_owned())
        .with_context(|| format!("no element {css}"))
}

/// Where a WGS-84 position is on screen (viewport pixels), as the map projects it now.
pub async fn screen_point(c: &Client, lon: f64, lat: f64) -> Result<(f64, f64)> {
    let p = c
        .execute(
            "const m = window.__yituMap; const r = m.getCanvas().getBoundingClientRect();
             const p = m.project([arguments[0], arguments[1]]); return [r.left + p.x, r.top + p.y];",
            vec![json!(lon), json!(lat)],
        )
        .await?;
    Ok((p[0].as_f64().context("x")?, p[1].as_f64().context("y")?))
}

/// A real pointer move (WebDriver actions) to a viewport position.
pub async fn move_to(c: &Client, x: f64, y: f64) -> Result<()> {
    let to = PointerAction::MoveTo {
        duration: None,
        x: x.round(),
        y: y.round(),
    };
    c.perform_actions(MouseActions::new("mouse".into()).then(to))
        .await?;
    c.release_actions().await?;
    Ok(())
}

/// A real pointer click (WebDriver actions) at a viewport position.
pub async fn click_at(c: &Client, x: f64, y: f64) -> Result<()> {
    let click = MouseActions::new("mouse".into())
        .then(PointerAction::MoveTo {
            duration: None,
            x: x.round(),
            y: y.round(),
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    c.perform_actions(click).await?;
    c.release_actions().await?;
    Ok(())
}

pub fn yitu(data_dir: &std::path::Path, args: &[&str]) -> Result<Value> {
    let out = Command::new(binary("yitu")?)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()?;
    if !out.status.success() {
        bail!(
            "yitu {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

/// How many records of the resource layer `arguments[0]` (e.g. "shelters") the map draws: its
/// own discs plus the records counted in its cluster discs (one expression, so a caller can
/// compare it: `RENDERED.replace("return ", "return 0 < ")`).
pub const RENDERED: &str = "return window.__yituMap.queryRenderedFeatures({layers: [arguments[0] + '-disc', arguments[0] + '-cluster']}).reduce((n, f) => n + (f.properties.point_count || 1), 0)";

/// How many features the map layer `arguments[0]` (by its style id, e.g. "route") draws.
pub const RENDERED_LAYER: &str =
    "return window.__yituMap.queryRenderedFeatures({layers: [arguments[0]]}).length";

/// The layers that draw resource symbols, records and clusters, as a JavaScript array literal:
/// what a click on the map can land on.
pub const SYMBOL_LAYERS_JS: &str = "['hazards-disc','shelters-disc','depots-disc','experts-disc','teams-disc','hazards-cluster','shelters-cluster','depots-cluster','experts-cluster','teams-cluster']";

/// The share (0–1) of a screenshot's pixels within `fuzz` (ImageMagick's, e.g. "4%") of the
/// colour `hex` ("#rrggbb"): everything else is painted black, that colour white, and the mean
/// of the grey picture is the share. What a person would see of a layer, counted.
pub fn colour_share(shot: &std::path::Path, hex: &str, fuzz: &str) -> Result<f64> {
    let out = Command::new("convert")
        .arg(shot)
        .args(["-fuzz", fuzz, "-fill", "black", "+opaque", hex])
        .args(["-fill", "white", "-opaque", hex])
        .args(["-colorspace", "gray", "-format", "%[fx:mean]", "info:"])
        .output()
        .context("ImageMagick's convert (installed by scripts/setup.sh)")?;
    String::from_utf8(out.stdout)?
        .trim()
        .parse()
        .context("convert's mean")
}

/// Adds `name` as a local user without a password (a staff member, by the command line, as a
/// desk's administrator would) and logs them in at the top bar's login box: every write in the
/// window names the user logged in, so a story that writes starts here.
pub async fn log_in(c: &Client, data_dir: &std::path::Path, name: &str) -> Result<()> {
    yitu(data_dir, &["user", "add", name, "--role", "staff"])?;
    // The box reads the desk's users each time it opens.
    click(c, "#login-open").await?;
    let button = format!("button.user[data-user='{name}']");
    shown(c, "the user in the login box", &button).await?;
    click(c, &button).await?;
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
