//! The deliberately naive baseline the harness must catch losing data: a desk keeps a depot's
//! balance as one value stamped with its wall clock, sends it once when it changes (no outbox),
//! and a sync keeps whichever of the desk's and the server's values has the later stamp (last
//! writer wins by wall clock). It runs through the same links, kills, restarts and wrong clocks
//! as yitu, and the same check: the balance must equal what the acknowledged movements add up to.

use crate::link::{Faults, Link};
use crate::world::Bins;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The one value a naive desk or server keeps.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Stamped {
    pub balance: i64,
    pub at_ms: i64,
}

#[allow(clippy::disallowed_methods)] // the naive desk reads its own (possibly wrong) clock
fn wall_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn load(dir: &Path) -> Stamped {
    std::fs::read(dir.join("naive.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn save(dir: &Path, s: Stamped) -> Result<()> {
    std::fs::write(dir.join("naive.json"), serde_json::to_vec(&s)?)?;
    Ok(())
}

/// One HTTP exchange on a connection of its own; the answer's body.
async fn exchange(server: &str, method: &str, path: &str, body: &[u8]) -> Result<Vec<u8>> {
    let addr = server.trim_start_matches("http://");
    let mut conn = TcpStream::connect(addr).await?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).await?;
    conn.write_all(body).await?;
    let mut answer = Vec::new();
    conn.read_to_end(&mut answer).await?;
    let at = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("no answer")?;
    Ok(answer[at + 4..].to_vec())
}

/// `yitu-nemesis naive-desk`: one command of a naive desk, as a process the harness can kill.
pub async fn desk_command(dir: &Path, server: &str, qty: Option<i64>) -> Result<()> {
    let mut local = load(dir);
    match qty {
        Some(q) => {
            local.balance += q;
            local.at_ms = wall_ms();
            save(dir, local)?;
            println!("ok");
            // Sent once; if the link is down it is not sent again.
            let _ = tokio::time::timeout(
                Duration::from_secs(2),
                exchange(server, "POST", "/put", &serde_json::to_vec(&local)?),
            )
            .await;
        }
        None => {
            let body = tokio::time::timeout(
                Duration::from_secs(5),
                exchange(server, "GET", "/state", b""),
            )
            .await
            .context("the server did not answer")??;
            let theirs: Stamped = serde_json::from_slice(&body)?;
            if theirs.at_ms > local.at_ms {
                save(dir, theirs)?;
            } else if local.at_ms > theirs.at_ms {
                exchange(server, "POST", "/put", &serde_json::to_vec(&local)?).await?;
            }
            println!("ok");
        }
    }
    Ok(())
}

/// The naive server: the value with the latest stamp wins.
async fn serve(listener: TcpListener, state: Arc<Mutex<Stamped>>) {
    while let Ok((mut conn, _)) = listener.accept().await {
        let state = state.clone();
        tokio::spawn(async move {
            let mut buf = Vec::new();
            let mut read = [0u8; 4096];
            let (head_end, length) = loop {
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..i]).to_lowercase();
                    let length = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    break (i + 4, length);
                }
                match conn.read(&mut read).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&read[..n]),
                }
            };
            while buf.len() < head_end + length {
                match conn.read(&mut read).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&read[..n]),
                }
            }
            let body = if buf.starts_with(b"POST") {
                if let Ok(s) = serde_json::from_slice::<Stamped>(&buf[head_end..head_end + length])
                {
                    let mut held = state.lock().unwrap();
                    if s.at_ms > held.at_ms {
                        *held = s;
                    }
                }
                b"ok".to_vec()
            } else {
                serde_json::to_vec(&*state.lock().unwrap()).unwrap_or_default()
            };
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = conn.write_all(head.as_bytes()).await;
            let _ = conn.write_all(&body).await;
        });
    }
}

/// What a naive run lost: per desk, its balance against the acknowledged sum.
#[derive(Debug, Serialize)]
pub struct NaiveOutcome {
    pub seed: u64,
    pub acknowledged: usize,
    /// Desks whose balance is not what the acknowledged movements add up to.
    pub wrong_desks: usize,
    /// The largest difference, in units.
    pub units_lost: i64,
}

/// A naive run: movements, syncs, cut links, dropped replies, wrong clocks, kills mid-write and
/// server restarts, drawn from the seed as yitu's run draws them.
pub async fn run(bins: &Bins, seed: u64, steps: usize) -> Result<NaiveOutcome> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let root = tempfile::tempdir()?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let upstream = listener.local_addr()?.to_string();
    let state = Arc::new(Mutex::new(Stamped::default()));
    let mut server = tokio::spawn(serve(listener, state.clone()));
    let me = std::env::current_exe()?;
    let mut desks: Vec<(PathBuf, Link, i64)> = Vec::new();
    for i in 0..3u64 {
        let dir = root.path().join(format!("naive{i}"));
        std::fs::create_dir_all(&dir)?;
        desks.push((dir, Link::start(upstream.clone(), seed * 31 + i).await?, 0));
    }
    let command = |dir: &Path, link: &Link, skew: i64, qty: Option<i64>| {
        let mut cmd = tokio::process::Command::new(&me);
        cmd.args(["naive-desk", "--dir"])
            .arg(dir)
            .args(["--server", &link.url]);
        if let Some(q) = qty {
            cmd.args(["--qty", &q.to_string()]);
        }
        if skew != 0 {
            cmd.env("LD_PRELOAD", &bins.faketime)
                .env("FAKETIME", format!("{skew:+}s"))
                .env("FAKETIME_DONT_FAKE_MONOTONIC", "1");
        }
        cmd.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        cmd
    };
    let mut expected = 0i64;
    let mut acknowledged = 0;
    for _ in 0..steps {
        let d = rng.usize(..desks.len());
        let (dir, link, skew) = &desks[d];
        match rng.u32(0..100) {
            0..=49 => {
                let qty = if rng.bool() {
                    rng.i64(1..=30)
                } else {
                    -rng.i64(1..=30)
                };
                let child = command(dir, link, *skew, Some(qty)).spawn()?;
                let killed = rng.u32(0..6) == 0;
                let out = if killed {
                    let mut child = child;
                    tokio::time::sleep(Duration::from_millis(rng.u64(0..60))).await;
                    let _ = child.start_kill();
                    child.wait_with_output().await?
                } else {
                    child.wait_with_output().await?
                };
                if String::from_utf8_lossy(&out.stdout).contains("ok") {
                    expected += qty;
                    acknowledged += 1;
                }
            }
            50..=79 => {
                let _ = command(dir, link, *skew, None).output().await?;
            }
            80..=89 => {
                let f = match rng.u32(0..3) {
                    0 => Faults {
                        down: true,
                        ..Faults::default()
                    },
                    1 => Faults::default(),
                    _ => Faults {
                        drop_reply: true,
                        ..Faults::default()
                    },
                };
                link.set(f);
            }
            90..=96 => {
                desks[d].2 = *rng.choice(&[600i64, -600, 86_400, 0, -3_600]).unwrap();
            }
            _ => {
                // Restarted: the naive server keeps its value in memory only while it runs,
                // but a restart here keeps it (kinder than a real crash).
                server.abort();
                let _ = (&mut server).await;
                let socket = tokio::net::TcpSocket::new_v4()?;
                socket.set_reuseaddr(true)?;
                socket.bind(upstream.parse()?)?;
                let listener = socket.listen(64)?;
                server = tokio::spawn(serve(listener, state.clone()));
            }
        }
    }
    for desk in &mut desks {
        desk.1.set(Faults::default());
        desk.2 = 0;
    }
    for _ in 0..3 {
        for (dir, link, skew) in &desks {
            let _ = command(dir, link, *skew, None).output().await?;
        }
    }
    server.abort();
    let mut wrong = 0;
    let mut units = 0;
    for (dir, _, _) in &desks {
        let diff = (load(dir).balance - expected).abs();
        if diff != 0 {
            wrong += 1;
            units = units.max(diff);
        }
    }
    Ok(NaiveOutcome {
        seed,
        acknowledged,
        wrong_desks: wrong,
        units_lost: units,
    })
}
