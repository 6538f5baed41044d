//! The district under test: the real `yitu-server` process over a database of its own, and
//! desks (data folders) driven by the real `yitu` command line, each through a link of its own,
//! each command a process the harness may kill with SIGKILL, a desk's clock set wrong with
//! libfaketime (Debian's `faketime`).

use crate::link::Link;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

/// The programs the harness drives.
#[derive(Clone, Debug)]
pub struct Bins {
    pub yitu: PathBuf,
    pub server: PathBuf,
    /// libfaketime, for desks whose clock is wrong.
    pub faketime: PathBuf,
}

const FAKETIME: &str = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";

impl Bins {
    /// `yitu` and `yitu-server` from `YITU_BIN_DIR`, else from the build folder this program
    /// (or test) runs from: `cargo build --workspace` puts them there.
    pub fn find() -> Result<Bins> {
        let dirs: Vec<PathBuf> = match std::env::var_os("YITU_BIN_DIR") {
            Some(d) => vec![PathBuf::from(d)],
            None => std::env::current_exe()?
                .ancestors()
                .skip(1)
                .take(3)
                .map(Path::to_path_buf)
                .collect(),
        };
        let Some(dir) = dirs
            .iter()
            .find(|d| d.join("yitu").is_file() && d.join("yitu-server").is_file())
        else {
            bail!("yitu and yitu-server are not built beside this program (looked in {dirs:?}): run `cargo build --workspace` first, or set YITU_BIN_DIR");
        };
        let faketime = PathBuf::from(FAKETIME);
        if !faketime.is_file() {
            bail!("{FAKETIME} is missing: install Debian's faketime (scripts/setup.sh does)");
        }
        Ok(Bins {
            yitu: dir.join("yitu"),
            server: dir.join("yitu-server"),
            faketime,
        })
    }
}

/// The server process, over its database, on a fixed port so that a restart keeps the links'
/// upstream.
pub struct Server {
    bins: Bins,
    pub db: String,
    pub addr: String,
    child: Option<Child>,
}

impl Server {
    pub async fn start(bins: &Bins, db: String) -> Result<Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut s = Server {
            bins: bins.clone(),
            db,
            addr: format!("127.0.0.1:{port}"),
            child: None,
        };
        s.up().await?;
        Ok(s)
    }

    /// Starts the process and waits until it answers.
    pub async fn up(&mut self) -> Result<()> {
        let child = Command::new(&self.bins.server)
            .args(["--db", &self.db, "serve", "--listen", &self.addr])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("starting yitu-server")?;
        self.child = Some(child);
        for _ in 0..400 {
            if tokio::net::TcpStream::connect(&self.addr).await.is_ok() {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        bail!("yitu-server did not answer on {} within 10 s", self.addr)
    }

    /// SIGKILL, whatever it was doing.
    pub async fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill().await;
        }
    }

    /// A district user in a role, with the harness's password (never typed in).
    pub async fn add_user(&self, name: &str, role: &str) -> Result<()> {
        self.admin(
            &["user", "add", name, "--role", role, "--password-stdin"],
            Some("nemesis-口令-1\n"),
        )
        .await
        .map(drop)
    }

    /// An administration command (`user add`, `enrol-code`), its standard output.
    pub async fn admin(&self, args: &[&str], stdin: Option<&str>) -> Result<String> {
        let mut cmd = Command::new(&self.bins.server);
        cmd.args(["--db", &self.db]).args(args);
        let out = run_with_input(cmd, stdin).await?;
        if !out.status.success() {
            bail!(
                "yitu-server {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }
}

async fn run_with_input(mut cmd: Command, stdin: Option<&str>) -> Result<std::process::Output> {
    use tokio::io::AsyncWriteExt;
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn()?;
    let mut input = child.stdin.take().expect("piped");
    input.write_all(stdin.unwrap_or("").as_bytes()).await.ok();
    drop(input);
    Ok(child.wait_with_output().await?)
}

/// One desk: a data folder, the user it enrolled as, its link, and its clock's error.
pub struct Desk {
    pub name: String,
    pub user: String,
    pub dir: PathBuf,
    pub link: Link,
    /// Seconds the desk's clock is ahead (negative: behind).
    pub skew_s: i64,
    bins: Bins,
}

/// How a command ended.
#[derive(Debug)]
pub struct Ran {
    /// It exited 0 and printed its answer: the change is acknowledged to the user.
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
    /// The harness killed it.
    pub killed: bool,
}

impl Desk {
    pub fn new(name: &str, user: &str, dir: PathBuf, link: Link, bins: &Bins) -> Desk {
        Desk {
            name: name.into(),
            user: user.into(),
            dir,
            link,
            skew_s: 0,
            bins: bins.clone(),
        }
    }

    /// A new data folder `root/name`, enrolled with `server` as `user` through `link`, holding
    /// the demo data (演示数据) as every desk of the runs does.
    pub async fn enrolled(
        server: &Server,
        name: &str,
        user: &str,
        root: &Path,
        link: Link,
        bins: &Bins,
    ) -> Result<Desk> {
        let desk = Desk::new(name, user, root.join(name), link, bins);
        std::fs::create_dir_all(&desk.dir)?;
        let code = server.admin(&["enrol-code", user], None).await?;
        let url = desk.link.url.clone();
        for args in [
            vec!["enrol", "--server", &url, "--code", &code, "--label", name],
            vec!["seed-demo"],
        ] {
            let ran = desk.run(&args).await?;
            if !ran.ok {
                bail!("desk {name}: {}: {}", args[0], ran.stderr.trim());
            }
        }
        Ok(desk)
    }

    pub fn db(&self) -> PathBuf {
        self.dir.join("yitu.sqlite")
    }

    /// A `yitu` command on this desk as its user, not started yet.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.bins.yitu);
        cmd.env("YITU_DATA_DIR", &self.dir)
            .env("YITU_AS", &self.user)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if self.skew_s != 0 {
            // Only the wall clock is wrong, as on a desk whose clock was set badly; timers
            // (the monotonic clock) run true.
            cmd.env("LD_PRELOAD", &self.bins.faketime)
                .env("FAKETIME", format!("{:+}s", self.skew_s))
                .env("FAKETIME_DONT_FAKE_MONOTONIC", "1");
        }
        cmd
    }

    /// Runs a command to its end.
    pub async fn run(&self, args: &[&str]) -> Result<Ran> {
        self.run_killed(args, std::future::pending()).await
    }

    /// Runs a command and kills it with SIGKILL when `kill` resolves first.
    pub async fn run_killed(
        &self,
        args: &[&str],
        kill: impl std::future::Future<Output = ()>,
    ) -> Result<Ran> {
        use tokio::io::AsyncReadExt;
        let mut child = self.command(args).spawn().context("starting yitu")?;
        // Read as it comes, so a command that prints much never waits on a full pipe.
        let mut out = child.stdout.take().expect("piped");
        let mut err = child.stderr.take().expect("piped");
        let stdout = tokio::spawn(async move {
            let mut s = Vec::new();
            let _ = out.read_to_end(&mut s).await;
            s
        });
        let stderr = tokio::spawn(async move {
            let mut s = Vec::new();
            let _ = err.read_to_end(&mut s).await;
            s
        });
        let (status, killed) = tokio::select! {
            status = child.wait() => (Some(status?), false),
            _ = kill => {
                let _ = child.start_kill();
                let _ = child.wait().await;
                (None, true)
            }
        };
        let stdout = String::from_utf8_lossy(&stdout.await?).into_owned();
        let stderr = String::from_utf8_lossy(&stderr.await?).into_owned();
        // A command prints its answer only once its change is committed: an answer printed
        // before the kill was seen by the user, so the change counts as acknowledged.
        let ok = status.is_some_and(|s| s.success()) || (killed && !stdout.trim().is_empty());
        Ok(Ran {
            ok,
            stdout,
            stderr,
            killed,
        })
    }
}
