//! One seeded nemesis run against yitu: three desks edit registries, move stock, log an
//! incident and act on a decision through their links while the nemesis cuts, slows, loses and
//! replays traffic, kills desk commands with SIGKILL at chosen phases of push and pull (and
//! mid-write), kills the server mid-push and restarts it, and sets desks' clocks wrong (±10
//! minutes, a day ahead, then back). Then every fault heals and the desks sync until quiet;
//! `oracle` checks the outcome against what each command acknowledged.

use crate::link::{Faults, Seen};
use crate::oracle::{self, Kind, Outcome, Written};
use crate::world::{Bins, Desk, Ran, Server};
use anyhow::{bail, Context, Result};
use std::time::{Duration, Instant};

/// What one run does: its seed decides everything the harness chooses.
#[derive(Clone, Debug)]
pub struct Plan {
    pub seed: u64,
    /// Steps of work and faults before the heal.
    pub steps: usize,
    /// The server on PostgreSQL (127.0.0.1:5432) instead of embedded SQLite.
    pub postgres: bool,
    /// Desk A imports 5,100 generated shelters (演练生成) and a fourth desk joins late: its
    /// first sync is a snapshot, killed while it arrives or is applied.
    pub big: bool,
}

/// More changes than `yitu_replica::sync::SNAPSHOT_FROM` (5,000), so a new desk starts from
/// the snapshot.
const BIG: usize = 5_100;

pub const PG_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The desks: name, district user, role.
const DESKS: [(&str, &str, &str); 3] = [
    ("A", "张指挥", "commander"),
    ("B", "李技术", "technical_officer"),
    ("C", "王参谋", "staff"),
];
const MATERIAL: &str = "1010301";

/// What the run set up: ids the steps name.
struct Scene {
    shelters: Vec<String>,
    depot: String,
    incident: String,
    /// Decisions drafted and acknowledged, for later acts.
    decisions: Vec<String>,
}

pub async fn run(bins: &Bins, plan: &Plan) -> Result<Outcome> {
    let root = tempfile::tempdir()?;
    // YITU_NEMESIS_KEEP=1 keeps the run's folders (desks, server) to look at afterwards.
    let kept = std::env::var_os("YITU_NEMESIS_KEEP").is_some();
    let pg = if plan.postgres {
        Some(crate::pg::Database::create().await?)
    } else {
        None
    };
    let db = match &pg {
        Some(p) => p.url.clone(),
        None => format!("sqlite://{}", root.path().join("server.sqlite").display()),
    };
    let result = drive(bins, plan, root.path(), db).await;
    if let Some(p) = pg {
        p.drop_now().await;
    }
    if kept {
        let path = root.keep();
        eprintln!("seed {}: kept in {}", plan.seed, path.display());
    }
    result
}

async fn drive(bins: &Bins, plan: &Plan, root: &std::path::Path, db: String) -> Result<Outcome> {
    let mut rng = fastrand::Rng::with_seed(plan.seed);
    let mut server = Server::start(bins, db).await?;
    for (_, user, role) in DESKS {
        server.add_user(user, role).await?;
    }
    let mut desks = Vec::new();
    for (i, (name, user, _)) in DESKS.iter().enumerate() {
        let link = crate::link::Link::start(server.addr.clone(), plan.seed * 31 + i as u64).await?;
        desks.push(Desk::enrolled(&server, name, user, root, link, bins).await?);
    }
    let mut written = Vec::new();
    let mut scene = scene(plan.seed, &desks, &mut written).await?;
    for d in &desks {
        must(d.run(&["sync", "--json"]).await?, "first sync")?;
    }
    for d in &desks {
        must(d.run(&["sync", "--json"]).await?, "second sync")?;
    }
    if plan.big {
        let late = join_late(&server, &desks[0], root, bins, &mut rng).await?;
        desks.push(late);
    }

    let mut tally = Tally::default();
    for step in 0..plan.steps {
        let tag = format!("NEM{}x{}", plan.seed, step);
        let d = rng.usize(..desks.len());
        match rng.u32(0..100) {
            0..=29 => {
                let id = scene.shelters[rng.usize(..scene.shelters.len())].clone();
                let set = format!("manager={tag}");
                let ran = write(
                    &desks[d],
                    &mut rng,
                    &mut tally,
                    &["update", "shelters", &id, "--set", &set],
                )
                .await?;
                written.push(Written::new(&tag, d, Kind::Edit { record: id }, ran.ok));
            }
            30..=49 => {
                let qty = rng.i64(1..=30);
                let (kind, signed) = if rng.bool() {
                    ("receive", qty)
                } else {
                    ("issue", -qty)
                };
                let q = qty.to_string();
                let ran = write(
                    &desks[d],
                    &mut rng,
                    &mut tally,
                    &["stock", kind, &scene.depot, MATERIAL, &q, "--note", &tag],
                )
                .await?;
                written.push(Written::new(&tag, d, Kind::Stock { qty: signed }, ran.ok));
            }
            50..=59 => {
                let ran = write(
                    &desks[d],
                    &mut rng,
                    &mut tally,
                    &["incident", "log", &scene.incident, "--text", &tag],
                )
                .await?;
                written.push(Written::new(&tag, d, Kind::Log, ran.ok));
            }
            60..=67 => decide(&desks, &mut scene, &mut rng, &mut tally, &tag, &mut written).await?,
            68..=87 => {
                // One to three desks sync at once, some of them killed at a phase.
                let mut who: Vec<usize> = (0..desks.len()).filter(|_| rng.u32(0..3) == 0).collect();
                if who.is_empty() {
                    who.push(d);
                }
                let kills: Vec<Option<Phase>> = who
                    .iter()
                    .map(|_| (rng.u32(0..100) < 40).then(|| Phase::draw(&mut rng)))
                    .collect();
                let runs = who
                    .iter()
                    .zip(kills)
                    .map(|(&i, kill)| sync(&desks[i], kill));
                for ran in futures_util::future::join_all(runs).await {
                    if ran?.killed {
                        tally.kills += 1;
                    }
                }
            }
            88..=93 => {
                let f = draw_faults(&mut rng);
                desks[d].link.set(f);
            }
            94..=96 => {
                desks[d].skew_s = *rng.choice(&[600i64, -600, 86_400, 0, -3_600]).unwrap();
                tally.skews += 1;
            }
            _ => {
                restart_mid_push(&mut server, &desks[d], &mut rng).await?;
                tally.restarts += 1;
            }
        }
    }

    // Heal: clean links, true clocks (a jump backwards for the desks that ran ahead), the
    // server up; then sync round after round until a whole round moves nothing.
    for d in &mut desks {
        d.link.set(Faults::default());
        d.skew_s = 0;
    }
    let healed = Instant::now();
    let mut quiet = false;
    for _ in 0..12 {
        let mut moved = 0;
        for d in &desks {
            let ran = d.run(&["sync", "--json"]).await?;
            let report: serde_json::Value = serde_json::from_str(&must(ran, "sync after heal")?)?;
            moved += report["pulled"].as_u64().unwrap_or(0)
                + report["pending"].as_u64().unwrap_or(0)
                + report["accepted"].as_u64().unwrap_or(0);
        }
        if moved == 0 {
            quiet = true;
            break;
        }
    }
    let converged_ms = healed.elapsed().as_millis() as u64;

    // The server's view: a desk enrolled now, straight to the server.
    let fresh_link = crate::link::Link::start(server.addr.clone(), plan.seed).await?;
    let fresh = Desk::enrolled(&server, "D", "王参谋", root, fresh_link, bins).await?;
    must(fresh.run(&["sync", "--json"]).await?, "fresh sync")?;

    let mut outcome =
        oracle::check(&server.db, &desks, &fresh, &written, &scene.depot, MATERIAL).await?;
    outcome.seed = plan.seed;
    outcome.quiet = quiet;
    outcome.converged_ms = converged_ms;
    outcome.kills = tally.kills;
    outcome.restarts = tally.restarts;
    outcome.skews = tally.skews;
    server.kill().await;
    Ok(outcome)
}

/// Desk A imports [`BIG`] generated shelters and pushes them; desk E enrols and takes its first
/// sync, killed (seven times in ten) when the snapshot starts to arrive and up to 300 ms after,
/// then synced again until it has caught up.
async fn join_late(
    server: &Server,
    a: &Desk,
    root: &std::path::Path,
    bins: &Bins,
    rng: &mut fastrand::Rng,
) -> Result<Desk> {
    let exported = must(
        a.run(&["export", "shelters", "--format", "geojson"])
            .await?,
        "export",
    )?;
    let fc: serde_json::Value = serde_json::from_str(&exported)?;
    let file = root.join("generated-shelters.geojson");
    std::fs::write(&file, serde_json::to_vec(&generated_shelters(&fc, BIG)?)?)?;
    let path = file.display().to_string();
    must(a.run(&["import", "shelters", &path]).await?, "import")?;
    must(a.run(&["sync", "--json"]).await?, "push the import")?;
    let link = crate::link::Link::start(server.addr.clone(), rng.u64(..)).await?;
    let late = Desk::enrolled(server, "E", "王参谋", root, link, bins).await?;
    if rng.u32(0..10) < 7 {
        let mut seen = late.link.watch();
        let after = Duration::from_millis(rng.u64(0..300));
        let kill = async move {
            loop {
                match seen.recv().await {
                    Ok(Seen::Answer(p)) if p == "/v1/snapshot" => break,
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(_) => std::future::pending::<()>().await,
                }
            }
            tokio::time::sleep(after).await;
        };
        late.run_killed(&["sync", "--json"], kill).await?;
    }
    must(late.run(&["sync", "--json"]).await?, "the late desk's sync")?;
    Ok(late)
}

/// `n` shelters made from the first of an exported FeatureCollection, each with a new id and
/// a name that says it was generated for the drill (演练生成).
pub(crate) fn generated_shelters(fc: &serde_json::Value, n: usize) -> Result<serde_json::Value> {
    let model = fc["features"][0].clone();
    let mut features = Vec::with_capacity(n);
    for i in 0..n {
        let mut f = model.clone();
        let id = uuid_v4()?;
        f["id"] = id.clone().into();
        let p = f["properties"]
            .as_object_mut()
            .context("a feature's properties")?;
        p.remove("demo");
        p.insert("id".into(), id.into());
        p.insert("name".into(), format!("演练生成避难场所{i}").into());
        // Fields that differ record to record, as a real register's do, so that the records
        // do not compress to nothing on the wire.
        let mut b = [0u8; 8];
        getrandom::getrandom(&mut b).context("random source")?;
        let r = u64::from_le_bytes(b);
        p.insert("capacity".into(), (100 + r % 9_000).into());
        p.insert("area_m2".into(), (500 + (r >> 16) % 50_000).into());
        p.insert(
            "phone".into(),
            format!("139{:08}", (r >> 8) % 100_000_000).into(),
        );
        p.insert(
            "manager".into(),
            format!("管理员{:06}", (r >> 24) % 1_000_000).into(),
        );
        if let Some(c) = f["geometry"]["coordinates"].as_array_mut() {
            let (dx, dy) = ((r % 1000) as f64 * 1e-4, ((r >> 10) % 1000) as f64 * 1e-4);
            c[0] = (c[0].as_f64().unwrap_or(106.27) + dx).into();
            c[1] = (c[1].as_f64().unwrap_or(29.99) + dy).into();
        }
        features.push(f);
    }
    Ok(serde_json::json!({"type": "FeatureCollection", "features": features}))
}

/// A random UUID (version 4) for a generated record.
fn uuid_v4() -> Result<String> {
    let mut b = [0u8; 16];
    getrandom::getrandom(&mut b).context("random source")?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

#[derive(Default)]
struct Tally {
    kills: u32,
    restarts: u32,
    skews: u32,
}

fn must(ran: Ran, what: &str) -> Result<String> {
    if !ran.ok {
        bail!("{what}: {}", ran.stderr.trim());
    }
    Ok(ran.stdout)
}

/// The records the steps work on, and the stock they start with (a receipt, acknowledged).
async fn scene(seed: u64, desks: &[Desk], written: &mut Vec<Written>) -> Result<Scene> {
    let a = &desks[0];
    let ids = |layer: &str, out: String| -> Result<Vec<String>> {
        let fc: serde_json::Value =
            serde_json::from_str(&out).with_context(|| format!("export {layer}"))?;
        Ok(fc["features"]
            .as_array()
            .map(|f| {
                f.iter()
                    .filter_map(|x| x["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default())
    };
    let shelters = ids(
        "shelters",
        must(
            a.run(&["export", "shelters", "--format", "geojson"])
                .await?,
            "export",
        )?,
    )?;
    let depots = ids(
        "depots",
        must(
            a.run(&["export", "depots", "--format", "geojson"]).await?,
            "export",
        )?,
    )?;
    let (Some(depot), true) = (depots.first().cloned(), shelters.len() >= 3) else {
        bail!("the demo has no depot or too few shelters");
    };
    let tag = format!("NEM{seed}base");
    must(
        a.run(&[
            "stock", "receive", &depot, MATERIAL, "500", "--name", "棉被", "--unit", "床",
            "--note", &tag,
        ])
        .await?,
        "stock receive",
    )?;
    written.push(Written::new(&tag, 0, Kind::Stock { qty: 500 }, true));
    let incident: serde_json::Value = serde_json::from_str(&must(
        a.run(&[
            "incident",
            "new",
            "--kind",
            "flood",
            "--level",
            "general",
            "--at",
            "106.27,29.99",
            "--title",
            "演练 nemesis 洪涝",
        ])
        .await?,
        "incident new",
    )?)?;
    let incident = incident["id"]
        .as_str()
        .context("the incident's id")?
        .to_owned();
    Ok(Scene {
        shelters: shelters.into_iter().take(3).collect(),
        depot,
        incident,
        decisions: Vec::new(),
    })
}

/// A decision step: a draft (staff), a review (the technical officer, its advice tagged), or
/// 签发 (the commander); an act on a desk that has not seen the decision yet is refused by the
/// command and acknowledges nothing.
async fn decide(
    desks: &[Desk],
    scene: &mut Scene,
    rng: &mut fastrand::Rng,
    tally: &mut Tally,
    tag: &str,
    written: &mut Vec<Written>,
) -> Result<()> {
    match (scene.decisions.last().cloned(), rng.u32(0..3)) {
        (None, _) | (Some(_), 0) => {
            let ran = write(
                &desks[2],
                rng,
                tally,
                &[
                    "decision",
                    "draft",
                    "--incident",
                    &scene.incident,
                    "--template",
                ],
            )
            .await?;
            if ran.ok {
                if let Ok(d) = serde_json::from_str::<serde_json::Value>(&ran.stdout) {
                    if let Some(id) = d["id"].as_str() {
                        scene.decisions.push(id.to_owned());
                    }
                }
            }
        }
        (Some(id), 1) => {
            let ran = write(
                &desks[1],
                rng,
                tally,
                &["decision", "review", &id, "--agree", "--advice", tag],
            )
            .await?;
            written.push(Written::new(tag, 1, Kind::Act, ran.ok));
        }
        (Some(id), _) => {
            write(&desks[0], rng, tally, &["decision", "sign", &id]).await?;
        }
    }
    Ok(())
}

/// A write command; one in six is killed a random moment after it starts (often mid-write).
async fn write(
    desk: &Desk,
    rng: &mut fastrand::Rng,
    tally: &mut Tally,
    args: &[&str],
) -> Result<Ran> {
    if rng.u32(0..6) == 0 {
        let after = Duration::from_millis(rng.u64(0..60));
        let ran = desk.run_killed(args, tokio::time::sleep(after)).await?;
        if ran.killed {
            tally.kills += 1;
        }
        Ok(ran)
    } else {
        desk.run(args).await
    }
}

/// Where in a sync a kill lands.
#[derive(Clone, Copy, Debug)]
enum Phase {
    /// The push's body is through: the server is committing it.
    PushSent(u64),
    /// The push's answer is coming back.
    PushAnswer(u64),
    /// A pulled page is arriving or being applied.
    PullAnswer(u64),
    /// Any moment.
    After(u64),
}

impl Phase {
    fn draw(rng: &mut fastrand::Rng) -> Phase {
        let ms = rng.u64(0..25);
        match rng.u32(0..4) {
            0 => Phase::PushSent(ms),
            1 => Phase::PushAnswer(ms),
            2 => Phase::PullAnswer(ms),
            _ => Phase::After(rng.u64(0..400)),
        }
    }
}

async fn sync(desk: &Desk, kill: Option<Phase>) -> Result<Ran> {
    let Some(phase) = kill else {
        return desk.run(&["sync", "--json"]).await;
    };
    let mut seen = desk.link.watch();
    let (want, ms) = match phase {
        Phase::PushSent(ms) => (Seen::Sent("/v1/push".into()), ms),
        Phase::PushAnswer(ms) => (Seen::Answer("/v1/push".into()), ms),
        Phase::PullAnswer(ms) => (Seen::Answer("/v1/pull".into()), ms),
        Phase::After(ms) => {
            let after = tokio::time::sleep(Duration::from_millis(ms));
            return desk.run_killed(&["sync", "--json"], after).await;
        }
    };
    let when = async move {
        // A phase the pass never reaches (nothing to push, a link down) lets it end by itself.
        loop {
            match seen.recv().await {
                Ok(s) if s == want => break,
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => std::future::pending::<()>().await,
            }
        }
        tokio::time::sleep(Duration::from_millis(ms)).await;
    };
    desk.run_killed(&["sync", "--json"], when).await
}

fn draw_faults(rng: &mut fastrand::Rng) -> Faults {
    match rng.u32(0..6) {
        0 => Faults {
            down: true,
            ..Faults::default()
        },
        1 => Faults::default(),
        2 => Faults {
            delay_ms: (5, rng.u64(10..80)),
            bytes_per_s: Some(rng.u64(20_000..200_000)),
            loss: 0.1,
            ..Faults::default()
        },
        3 => Faults {
            drop_reply: true,
            ..Faults::default()
        },
        4 => Faults {
            replay_after_ms: Some(rng.u64(50..1_500)),
            ..Faults::default()
        },
        _ => Faults {
            cut_answer_after: Some(rng.u64(200..20_000)),
            ..Faults::default()
        },
    }
}

/// The server killed with SIGKILL just after a push's body reached it (mid-transaction), or
/// after a while when no push comes, and started again on the same database and port.
async fn restart_mid_push(server: &mut Server, desk: &Desk, rng: &mut fastrand::Rng) -> Result<()> {
    let mut seen = desk.link.watch();
    let pass = desk.run(&["sync", "--json"]);
    let delay = Duration::from_millis(rng.u64(0..5));
    let kill = async {
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            loop {
                match seen.recv().await {
                    Ok(Seen::Sent(p)) if p == "/v1/push" => break,
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(_) => std::future::pending::<()>().await,
                }
            }
        })
        .await;
        tokio::time::sleep(delay).await;
    };
    let killing = async {
        kill.await;
        server.kill().await;
    };
    let (ran, ()) = tokio::join!(pass, killing);
    ran?;
    server.up().await
}
