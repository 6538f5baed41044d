//! Fixtures for system tests: a virtual display, tauri-driver, the built binaries, screenshots.
//! Every fixture cleans up in `Drop`, so a failing test leaves no process behind.

pub mod webview;

use anyhow::{bail, Context, Result};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The workspace's target folder (where README's test command built the binaries).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// A built binary of the workspace: `target/debug/NAME`, or `$YITU_BIN_DIR/NAME`.
pub fn binary(name: &str) -> Result<PathBuf> {
    let dir = std::env::var_os("YITU_BIN_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug"));
    let path = dir.join(name);
    if !path.exists() {
        bail!(
            "{} is not built: run README's test command (scripts/test.sh), which builds it first",
            path.display()
        );
    }
    Ok(path)
}

/// Where screenshots go for a person to look at.
pub fn screenshot_dir() -> PathBuf {
    let dir = target_dir().join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

/// The wall clock in Unix ms, for the files and messages a test writes (dated now, as a
/// station or a bureau would send them).
#[allow(clippy::disallowed_methods)] // the test hands the time to what it writes
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_millis() as i64
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn wait_for_port(port: u16, within: Duration) -> Result<()> {
    let start = Instant::now();
    while start.elapsed() < within {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("nothing listened on port {port} within {within:?}")
}

/// A process stopped with SIGTERM on drop (tauri-driver must not be SIGKILLed: that orphans
/// WebKitWebDriver, which keeps its port).
struct Terminated(Child);

impl Drop for Terminated {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.0.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A virtual X display of our own when none is set, and tauri-driver on a free port.
pub struct Driver {
    pub url: String,
    /// The X display the app is shown on.
    pub display: String,
    _driver: Terminated,
    _display: Option<Terminated>,
}

impl Driver {
    pub fn start() -> Result<Self> {
        let mut display = None;
        let display_name = match std::env::var("DISPLAY") {
            Ok(d) if !d.is_empty() => d,
            _ => {
                let n = (90..200)
                    .find(|n| !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists())
                    .context("no free display")?;
                let name = format!(":{n}");
                let child = Command::new("Xvfb")
                    .args([&name, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .context("starting Xvfb (installed by scripts/setup.sh)")?;
                display = Some(Terminated(child));
                let start = Instant::now();
                while !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                    if start.elapsed() > Duration::from_secs(10) {
                        bail!("Xvfb did not start on {name}");
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                name
            }
        };
        let port = free_port();
        let native_port = free_port();
        let child = Command::new("tauri-driver")
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("DISPLAY", &display_name)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting tauri-driver (installed by scripts/setup.sh into the tools folder on PATH)")?;
        let driver = Terminated(child);
        wait_for_port(port, Duration::from_secs(20))?;
        // tauri-driver listens before the WebKitWebDriver it starts does: a session asked for in
        // between fails with "webdriver server did not respond" (seen in CI). Wait for both.
        wait_for_port(native_port, Duration::from_secs(20))?;
        Ok(Self {
            url: format!("http://127.0.0.1:{port}"),
            display: display_name,
            _driver: driver,
            _display: display,
        })
    }
}

impl Driver {
    /// Saves what the screen shows now (ImageMagick's `import` of the whole X display: the real
    /// window, as a person would see it; WebKitWebDriver's own screenshot was seen to hang).
    pub fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let path = screenshot_dir().join(name);
        let status = Command::new("import")
            .args(["-display", &self.display, "-window", "root"])
            .arg(&path)
            .status()
            .context("running ImageMagick's import (installed by scripts/setup.sh)")?;
        if !status.success() {
            bail!("import could not capture display {}", self.display);
        }
        Ok(path)
    }
}

/// Resident memory (kB) of the app whose command line contains `needle`, and of the webview
/// processes it started (WebKitWebProcess and friends are its descendants).
pub fn resident_kb(needle: &str) -> (u64, u64) {
    struct Proc {
        pid: u32,
        ppid: u32,
        rss_kb: u64,
        cmdline: String,
    }
    let procs: Vec<Proc> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let pid: u32 = e.file_name().to_str()?.parse().ok()?;
            let status = std::fs::read_to_string(e.path().join("status")).ok()?;
            let field = |name: &str| {
                status
                    .lines()
                    .find(|l| l.starts_with(name))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|v| v.parse::<u64>().ok())
            };
            let cmdline = String::from_utf8_lossy(&std::fs::read(e.path().join("cmdline")).ok()?)
                .replace('\0', " ");
            Some(Proc {
                pid,
                ppid: field("PPid:")? as u32,
                rss_kb: field("VmRSS:").unwrap_or(0),
                cmdline,
            })
        })
        .collect();
    let apps: Vec<u32> = procs
        .iter()
        .filter(|p| p.cmdline.contains("yitu-desktop") && p.cmdline.contains(needle))
        .map(|p| p.pid)
        .collect();
    let descends = |mut pid: u32| {
        for _ in 0..16 {
            let Some(p) = procs.iter().find(|p| p.pid == pid) else {
                return false;
            };
            if apps.contains(&p.ppid) {
                return true;
            }
            pid = p.ppid;
        }
        false
    };
    let app = procs
        .iter()
        .filter(|p| apps.contains(&p.pid))
        .map(|p| p.rss_kb)
        .sum();
    let webview = procs
        .iter()
        .filter(|p| !apps.contains(&p.pid) && descends(p.pid))
        .map(|p| p.rss_kb)
        .sum();
    (app, webview)
}
