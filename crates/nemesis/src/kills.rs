//! Many SIGKILLs of one desk mid-write and mid-sync: after each, its database must open and pass
//! `PRAGMA integrity_check`, and every change a command acknowledged before must still be there.

use crate::link::Faults;
use crate::oracle::Kind;
use crate::world::{Bins, Desk, Server};
use anyhow::{bail, Context, Result};
use serde::Serialize;
use sqlx::Connection;
use std::time::{Duration, Instant};

#[derive(Debug, Default, Serialize)]
pub struct KillOutcome {
    pub kills: u32,
    /// Kills that landed after the command had answered (it had committed).
    pub after_answer: u32,
    pub acknowledged: usize,
    pub integrity_failures: Vec<String>,
    pub lost: Vec<String>,
    pub seconds: f64,
}

impl KillOutcome {
    pub fn passed(&self) -> bool {
        self.integrity_failures.is_empty() && self.lost.is_empty()
    }
}

pub async fn run(bins: &Bins, seed: u64, count: u32) -> Result<KillOutcome> {
    let started = Instant::now();
    let mut rng = fastrand::Rng::with_seed(seed);
    let root = tempfile::tempdir()?;
    let db = format!("sqlite://{}", root.path().join("server.sqlite").display());
    let server = Server::start(bins, db).await?;
    server.add_user("王参谋", "staff").await?;
    let link = crate::link::Link::start(server.addr.clone(), seed).await?;
    // A slow link, so that a kill can land while a push or a pull is under way.
    link.set(Faults {
        delay_ms: (1, 15),
        ..Faults::default()
    });
    let desk = Desk::enrolled(&server, "K", "王参谋", root.path(), link, bins).await?;
    let export = ok(desk
        .run(&["export", "shelters", "--format", "geojson"])
        .await?)?;
    let fc: serde_json::Value = serde_json::from_str(&export)?;
    let shelter = fc["features"][0]["id"]
        .as_str()
        .context("a shelter")?
        .to_owned();
    let export = ok(desk
        .run(&["export", "depots", "--format", "geojson"])
        .await?)?;
    let fc: serde_json::Value = serde_json::from_str(&export)?;
    let depot = fc["features"][0]["id"]
        .as_str()
        .context("a depot")?
        .to_owned();
    ok(desk
        .run(&[
            "stock", "receive", &depot, "1010301", "1", "--name", "棉被", "--unit", "床",
        ])
        .await?)?;

    // How long each command takes here, so kills spread over its whole life.
    let mut took = [0u64; 3];
    for (i, t) in took.iter_mut().enumerate() {
        let began = Instant::now();
        let a = args(i, "NEMK-warmup", &shelter, &depot);
        ok(desk
            .run(&a.iter().map(String::as_str).collect::<Vec<_>>())
            .await?)?;
        *t = began.elapsed().as_millis() as u64;
    }

    let mut o = KillOutcome::default();
    let mut kept: Vec<(String, Kind)> = Vec::new();
    // Until `count` kills have landed: a command that ends before its kill is not one.
    let mut n = 0u32;
    while o.kills < count && n < count * 3 {
        n += 1;
        let which = rng.usize(0..3);
        let tag = format!("NEMK{seed}x{n}");
        let after = Duration::from_millis(rng.u64(0..=took[which] + took[which] / 5));
        let a = args(which, &tag, &shelter, &depot);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let ran = desk.run_killed(&a, tokio::time::sleep(after)).await?;
        if !ran.killed {
            continue; // it ended before the kill: nothing to check this time
        }
        o.kills += 1;
        if ran.ok {
            o.after_answer += 1;
            match which {
                0 => kept.push((tag.clone(), Kind::Stock { qty: 1 })),
                1 => kept.push((
                    tag.clone(),
                    Kind::Edit {
                        record: shelter.clone(),
                    },
                )),
                _ => {}
            }
        }
        let mut conn =
            sqlx::SqliteConnection::connect(&format!("sqlite://{}", desk.db().display()))
                .await
                .with_context(|| format!("kill {n}: the database does not open"))?;
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await?;
        if integrity != "ok" {
            o.integrity_failures
                .push(format!("kill {}: {integrity}", o.kills));
        }
        // Every 50 kills and at the end: everything acknowledged so far is still there.
        if o.kills % 50 == 0 || o.kills == count {
            for (tag, kind) in &kept {
                let (sql, pattern) = kind.on_desk(tag);
                let held: i64 = sqlx::query_scalar(sql)
                    .bind(&pattern)
                    .fetch_one(&mut conn)
                    .await?;
                if held != 1 {
                    o.lost
                        .push(format!("{tag}: held {held} times after kill {n}"));
                }
            }
        }
        conn.close().await.ok();
    }
    // And the desk still syncs what it kept.
    let ran = desk.run(&["sync", "--json"]).await?;
    if !ran.ok {
        bail!("the desk no longer syncs after the kills: {}", ran.stderr);
    }
    o.acknowledged = kept.len();
    o.seconds = started.elapsed().as_secs_f64();
    Ok(o)
}

/// The three commands killed: a stock movement, an edit, a sync.
fn args(which: usize, tag: &str, shelter: &str, depot: &str) -> Vec<String> {
    let v: Vec<&str> = match which {
        0 => vec!["stock", "receive", depot, "1010301", "1", "--note", tag],
        1 => {
            return vec![
                "update".into(),
                "shelters".into(),
                shelter.into(),
                "--set".into(),
                format!("manager={tag}"),
            ]
        }
        _ => vec!["sync", "--json"],
    };
    v.into_iter().map(str::to_owned).collect()
}

fn ok(ran: crate::world::Ran) -> Result<String> {
    if !ran.ok {
        bail!("{}", ran.stderr.trim());
    }
    Ok(ran.stdout)
}
