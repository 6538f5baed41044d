//! Figures for a bad link (issue 22): 1,000 edits pushed by one desk and pulled by another
//! through a link with loss, long delay, 64 kbit/s and a cut every few seconds, against the same
//! edits over a clean link in the same run (the bytes they need).

use crate::link::{Faults, Link};
use crate::world::{Bins, Desk, Server};
use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

#[derive(Debug, Serialize)]
pub struct LinkFigures {
    pub edits: usize,
    pub faults: String,
    /// Bytes both ways for the push and the pull over a clean link.
    pub clean_bytes: u64,
    pub clean_seconds: f64,
    /// Bytes delivered both ways over the bad link (the ones sent again included).
    pub lossy_bytes: u64,
    /// Bytes that crossed a connection cut before its exchange ended (sent again).
    pub wasted_bytes: u64,
    /// Bytes of lost chunks (retransmitted, as TCP would).
    pub retransmitted_bytes: u64,
    pub cuts: u64,
    pub sync_passes: u32,
    pub failed_passes: u32,
    pub lossy_seconds: f64,
    /// Both desks ended with every edit.
    pub complete: bool,
}

pub(crate) struct Pass {
    bytes: u64,
    wasted: u64,
    retransmitted: u64,
    cuts: u64,
    passes: u32,
    failed: u32,
    seconds: f64,
    complete: bool,
}

pub async fn edits(bins: &Bins, edits: usize, cut_every_s: u64, loss: f64) -> Result<LinkFigures> {
    let clean = pass(bins, Work::Edits(edits), None, cut_every_s, 3_600).await?;
    let faults = Faults {
        delay_ms: (400, 1_200),
        bytes_per_s: Some(8_000),
        loss,
        ..Faults::default()
    };
    let lossy = pass(
        bins,
        Work::Edits(edits),
        Some(faults.clone()),
        cut_every_s,
        3_600,
    )
    .await?;
    Ok(LinkFigures {
        edits,
        faults: format!(
            "{:.0} % loss, 800 ± 400 ms delay, 64 kbit/s, cut every {cut_every_s} s",
            loss * 100.0
        ),
        clean_bytes: clean.bytes,
        clean_seconds: clean.seconds,
        lossy_bytes: lossy.bytes,
        wasted_bytes: lossy.wasted,
        retransmitted_bytes: lossy.retransmitted,
        cuts: lossy.cuts,
        sync_passes: lossy.passes,
        failed_passes: lossy.failed,
        lossy_seconds: lossy.seconds,
        complete: clean.complete && lossy.complete,
    })
}

/// What desk A makes before the link turns bad: edits, one process each, or one import of
/// generated shelters (many changes at once, each a whole record).
#[derive(Clone, Copy, Debug)]
pub enum Work {
    Edits(usize),
    Import(usize),
    /// An import that desk B first syncs after it is all on the server.
    LateImport(usize),
}

pub(crate) async fn pass(
    bins: &Bins,
    work: Work,
    faults: Option<Faults>,
    cut_every_s: u64,
    give_up_s: u64,
) -> Result<Pass> {
    let root = tempfile::tempdir()?;
    let db = format!("sqlite://{}", root.path().join("server.sqlite").display());
    let server = Server::start(bins, db).await?;
    server.add_user("王参谋", "staff").await?;
    let mut desks = Vec::new();
    for name in ["A", "B"] {
        let link = Link::start(server.addr.clone(), 7).await?;
        let desk = Desk::enrolled(&server, name, "王参谋", root.path(), link, bins).await?;
        if name == "A" || !matches!(work, Work::LateImport(_)) {
            ok(desk.run(&["sync", "--json"]).await?)?;
        }
        desks.push(desk);
    }
    let (a, b) = (&desks[0], &desks[1]);
    let fc: serde_json::Value = serde_json::from_str(&ok(a
        .run(&["export", "shelters", "--format", "geojson"])
        .await?)?)?;
    let shelters: Vec<String> = fc["features"]
        .as_array()
        .context("shelters")?
        .iter()
        .filter_map(|f| f["id"].as_str().map(str::to_owned))
        .collect();
    if let Work::Import(n) | Work::LateImport(n) = work {
        let file = root.path().join("generated.geojson");
        std::fs::write(
            &file,
            serde_json::to_vec(&crate::run::generated_shelters(&fc, n)?)?,
        )?;
        ok(a.run(&["import", "shelters", &file.display().to_string()])
            .await?)?;
    }
    let edits = match work {
        Work::Edits(n) => n,
        Work::Import(_) | Work::LateImport(_) => 0,
    };
    for i in 0..edits {
        let set = format!("manager=值班员{i}");
        ok(a.run(&[
            "update",
            "shelters",
            &shelters[i % shelters.len()],
            "--set",
            &set,
        ])
        .await?)?;
    }
    // A late desk's first sync is what is measured: A's link stays clean, and A pushes first.
    let bad: Vec<&Desk> = match work {
        Work::LateImport(_) => {
            ok(a.run(&["sync", "--json"]).await?)?;
            vec![b]
        }
        _ => desks.iter().collect(),
    };
    for d in &desks {
        d.link.counts.delivered.store(0, Ordering::Relaxed);
    }
    if let Some(f) = &faults {
        for d in &bad {
            d.link.set(f.clone());
        }
    }
    // The cutter: every bad link cut on the clock, whatever is under way.
    let links: Vec<Link> = bad.iter().map(|d| d.link.clone()).collect();
    let cutting = faults.is_some();
    let cutter = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(cut_every_s)).await;
            if cutting {
                for l in &links {
                    l.cut_all();
                }
            }
        }
    });
    let started = Instant::now();
    let (mut passes, mut failed) = (0u32, 0u32);
    let mut complete = false;
    // A pushes until nothing waits; then B pulls until a pass brings nothing more.
    // B has everything once its cursor reaches A's after A's last push (a pass cut after
    // applying a page counts nothing in its report, yet kept the page).
    let mut head = 0u64;
    let late = |started: Instant| started.elapsed().as_secs() > give_up_s;
    for _ in 0..5_000 {
        if late(started) {
            break;
        }
        passes += 1;
        if std::env::var_os("YITU_NEMESIS_TRACE").is_some() {
            eprintln!("pass {passes} at {:.1} s", started.elapsed().as_secs_f64());
        }
        let ran = a.run(&["sync", "--json"]).await?;
        if !ran.ok {
            failed += 1;
            continue;
        }
        let r: serde_json::Value = serde_json::from_str(&ran.stdout)?;
        if r["pending"] == 0 {
            head = r["cursor"].as_u64().unwrap_or(0);
            break;
        }
    }
    let late = |started: Instant| started.elapsed().as_secs() > give_up_s;
    for _ in 0..5_000 {
        if late(started) {
            break;
        }
        passes += 1;
        let ran = b.run(&["sync", "--json"]).await?;
        if std::env::var_os("YITU_NEMESIS_TRACE").is_some() {
            eprintln!(
                "B pass {passes} at {:.1} s: {} {}",
                started.elapsed().as_secs_f64(),
                ran.stdout.replace('\n', " "),
                ran.stderr.trim()
            );
        }
        if !ran.ok {
            failed += 1;
            continue;
        }
        let r: serde_json::Value = serde_json::from_str(&ran.stdout)?;
        if head > 0 && r["cursor"].as_u64().unwrap_or(0) >= head {
            complete = true;
            break;
        }
    }
    cutter.abort();
    let seconds = started.elapsed().as_secs_f64();
    let sum =
        |f: fn(&crate::link::Counts) -> u64| desks.iter().map(|d| f(&d.link.counts)).sum::<u64>();
    Ok(Pass {
        bytes: sum(|c| c.delivered.load(Ordering::Relaxed)),
        wasted: sum(|c| c.wasted.load(Ordering::Relaxed)),
        retransmitted: sum(|c| c.retransmitted.load(Ordering::Relaxed)),
        cuts: sum(|c| c.cuts.load(Ordering::Relaxed)),
        passes,
        failed,
        seconds,
        complete,
    })
}

fn ok(ran: crate::world::Ran) -> Result<String> {
    if !ran.ok {
        bail!("{}", ran.stderr.trim());
    }
    Ok(ran.stdout)
}

/// The bad link of [`import_through_cuts`].
#[derive(Clone, Copy, Debug)]
pub struct CutLink {
    pub bytes_per_s: u64,
    pub cut_every_s: u64,
    /// Each chunk's delay, drawn between the two (ms).
    pub delay_ms: (u64, u64),
    /// The share of chunks lost (and retransmitted after a timeout, as TCP would).
    pub loss: f64,
}

/// For the test: `rows` records imported on one desk, pushed and pulled through a link cut
/// every `cut_every_s` seconds at `bytes_per_s`; whether both desks got there, the passes, the
/// bytes delivered both ways and those that crossed a cut connection. With `late`, the second
/// desk syncs for the first time only after the first has pushed everything: from 5,000 rows
/// up that is a first sync from the server's snapshot.
pub async fn import_through_cuts(
    bins: &Bins,
    rows: usize,
    link: CutLink,
    late: bool,
    give_up_s: u64,
) -> Result<serde_json::Value> {
    let CutLink {
        bytes_per_s,
        cut_every_s,
        delay_ms,
        loss,
    } = link;
    let faults = Faults {
        delay_ms,
        bytes_per_s: Some(bytes_per_s),
        loss,
        ..Faults::default()
    };
    let work = if late {
        Work::LateImport(rows)
    } else {
        Work::Import(rows)
    };
    let p = pass(bins, work, Some(faults), cut_every_s, give_up_s).await?;
    Ok(serde_json::json!({
        "rows": rows, "late": late, "complete": p.complete, "passes": p.passes,
        "failed_passes": p.failed, "bytes": p.bytes, "wasted_bytes": p.wasted,
        "cuts": p.cuts, "seconds": (p.seconds * 10.0).round() / 10.0,
    }))
}
