//! Telemetry benchmark (prints figures; not a test): a network of rain gauges reporting every
//! 5 minutes for a simulated day (500 × 288 = 144,000 readings by default) sent over real TCP
//! to the server's SL 651 listener, each gauge on its own connection waiting for each
//! confirmation, as stations do. Ingest is run twice in the same process on fresh databases:
//! the baseline stores each frame in its own transaction (what a straightforward listener
//! does), then yitu's writer, which gathers frames arriving together into one. Then a desk
//! makes its first sync of the day's readings and runs the desktop's own sync loop (its 30 s
//! interval, waiting for news between passes), and one gauge reports a cloudburst over its
//! 立即转移 limit: the time from the frame leaving the gauge to the alarm on the desk, against
//! the same desk's loop with the wait turned off (what a desk pulling every interval sees), and
//! the process's resident memory.
//!
//! `cargo run --release -p yitu-server --example telemetry_bench [-- STATIONS REPORTS ROUNDS]`
//! (ROUNDS of the 30 s baseline, default 2; 0 leaves it out, as the test command's smoke run does)
//! (`YITU_BENCH_PG=postgres://…` runs the server on PostgreSQL instead of embedded SQLite.)

use std::time::{Duration, Instant};
use yitu_domain::demo;
use yitu_domain::monitoring::Lateness;
use yitu_replica::sync::{sync_once, Client};
use yitu_server::telemetry::{self, Intake};
use yitu_telemetry::sl651::StationAddress;

#[allow(clippy::disallowed_methods)] // the benchmark is an edge that reads the clock
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn clock() -> i64 {
    now()
}

/// The resident memory of this process, MiB (Linux), or 0 where it cannot be read.
fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

async fn server_store(dir: &std::path::Path, name: &str) -> yitu_server::Store {
    match std::env::var("YITU_BENCH_PG") {
        Ok(admin) => {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
            let db = format!("yitu_bench_{name}_{}", now());
            sqlx::query(&format!("CREATE DATABASE {db}"))
                .execute(&mut c)
                .await
                .unwrap();
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            yitu_server::Store::open(&format!("{base}/{db}"))
                .await
                .unwrap()
        }
        Err(_) => yitu_server::Store::open(&format!(
            "sqlite://{}",
            dir.join(format!("{name}.sqlite")).display()
        ))
        .await
        .unwrap(),
    }
}

/// The network's frames: gauge i at address 0060000000 + i, `reports` 5-minute reports ending
/// now (all within the lateness allowed, so every one is live).
fn network(stations: u32, reports: u32) -> Vec<Vec<Vec<u8>>> {
    let step = 5 * 60_000;
    let start = (now() - i64::from(reports) * step) / 60_000 * 60_000;
    (0..stations)
        .map(|i| {
            let mut a = [0u8; 5];
            a[0] = 0x00;
            a[1..].copy_from_slice(&(0x6000_0000u32 + i).to_be_bytes());
            yitu_telemetry::simulate::interval_rain(
                u64::from(i),
                StationAddress(a),
                start,
                step,
                reports,
            )
        })
        .collect()
}

/// Sends every gauge's frames at once, one connection each; answers the seconds taken.
async fn ingest(addr: &str, frames: &[Vec<Vec<u8>>]) -> f64 {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for f in frames {
        let f = f.clone();
        let addr = addr.to_owned();
        tasks.push(tokio::spawn(async move {
            telemetry::simulate::send_frames(&addr, &f, Duration::ZERO, Duration::from_secs(60))
                .await
                .unwrap()
        }));
    }
    let mut confirmed = 0;
    for t in tasks {
        confirmed += t.await.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    let sent: usize = frames.iter().map(Vec::len).sum();
    assert_eq!(confirmed, sent, "every frame confirmed");
    secs
}

async fn listener(store: &yitu_server::Store, gather: usize) -> String {
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap().to_string();
    let l = telemetry::sl651::Listener {
        intake: Intake::start_with(store.clone(), clock, gather),
        store: store.clone(),
        clock,
        lateness: Lateness {
            after_ms: 48 * 3_600_000,
        },
    };
    tokio::spawn(async move { l.serve(socket).await.unwrap() });
    addr
}

#[tokio::main]
async fn main() {
    let args: Vec<u32> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("STATIONS REPORTS ROUNDS are numbers"))
        .collect();
    let rounds = args.get(2).copied().unwrap_or(2);
    let stations = args.first().copied().unwrap_or(500);
    let reports = args.get(1).copied().unwrap_or(288);
    let total = u64::from(stations) * u64::from(reports);
    let backend = if std::env::var("YITU_BENCH_PG").is_ok() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!("telemetry: {stations} gauges × {reports} five-minute reports = {total} readings over TCP ({backend})");
    let dir = tempfile::tempdir().unwrap();
    let frames = network(stations, reports);

    let base_store = server_store(dir.path(), "baseline").await;
    let addr = listener(&base_store, 1).await;
    let base = ingest(&addr, &frames).await;
    assert_eq!(base_store.reading_count().await.unwrap(), total);
    println!(
        "  baseline, a transaction per frame: {base:.2} s, {:.0} readings/s",
        total as f64 / base
    );

    let store = server_store(dir.path(), "yitu").await;
    let addr = listener(&store, 20_000).await;
    let ours = ingest(&addr, &frames).await;
    assert_eq!(store.reading_count().await.unwrap(), total);
    println!(
        "  yitu, frames arriving together in one transaction: {ours:.2} s, {:.0} readings/s ({:.1}× the baseline)",
        total as f64 / ours,
        base / ours
    );

    // A desk: the server's HTTP side over the same store, a first sync of the day.
    let http = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", http.local_addr().unwrap());
    let app = yitu_server::http::App {
        store: store.clone(),
        clock,
    };
    tokio::spawn(async move {
        axum::serve(http, yitu_server::http::router(app))
            .await
            .unwrap();
    });
    store
        .add_user("bench", yitu_domain::command::role::Role::Staff, now())
        .await
        .unwrap();
    let desk_dir = tempfile::tempdir().unwrap();
    let desk = yitu_replica::Store::open(desk_dir.path()).await.unwrap();
    desk.seed_demo(demo::DEFAULT_SEED).await.unwrap();
    let code = store.enrol_code("bench", now()).await.unwrap();
    let client = Client::new(desk.enrol(&url, &code, "bench").await.unwrap()).unwrap();
    let before = rss_mib();
    let t = Instant::now();
    sync_once(&desk, &client).await.unwrap();
    let first = t.elapsed().as_secs_f64();
    assert_eq!(desk.reading_count().await.unwrap(), total);
    println!(
        "  desk's first sync of the day's readings: {first:.2} s ({:.0} readings/s)",
        total as f64 / first
    );

    // The desktop's own loop from here on, as the shell runs it.
    let wake = std::sync::Arc::new(tokio::sync::Notify::new());
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let looping = tokio::spawn(yitu_replica::sync::run(
        desk.clone(),
        client.clone(),
        yitu_replica::sync::LoopConfig::default(),
        wake,
        |_| {},
        async move {
            let _ = stop_rx.await;
        },
    ));
    // Let the loop's first pass end and its wait begin.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let waited = cloudburst(&addr, &desk, 0, 60.0).await;
    println!(
        "  cloudburst over 立即转移: alarm on the desk {waited:.0} ms after the frame left the gauge (the desktop's loop, waiting for news)"
    );
    let _ = stop_tx.send(());
    let _ = looping.await;
    // The baseline: the same desk's loop pulling at its interval, without the wait. The alarm
    // comes at the next pass: half the interval on average, all of it at worst; the frames are
    // sent at 30 % and 60 % of an interval after a pass.
    let no_wait = yitu_replica::sync::LoopConfig {
        wait_for_news: false,
        ..Default::default()
    };
    let interval = no_wait.interval;
    let mut total = 0.0;
    for round in 1..=rounds {
        let wake = std::sync::Arc::new(tokio::sync::Notify::new());
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let looping = tokio::spawn(yitu_replica::sync::run(
            desk.clone(),
            client.clone(),
            no_wait,
            wake,
            |_| {},
            async move {
                let _ = stop_rx.await;
            },
        ));
        tokio::time::sleep(interval.mul_f64(0.3 * f64::from(round))).await;
        total += cloudburst(&addr, &desk, round as u8, 60.0 + f64::from(round)).await;
        let _ = stop_tx.send(());
        let _ = looping.await;
    }
    if rounds > 0 {
        println!(
            "  baseline, the loop pulling every {} s: alarm {:.0} ms after the frame (mean of {rounds}; {:.0}× the wait's)",
            interval.as_secs(),
            total / f64::from(rounds),
            total / f64::from(rounds) / waited.max(1.0)
        );
    }
    println!(
        "  resident memory of this process (server, listener and desk together): {:.0} MiB ({:.0} MiB before the desk's sync)",
        rss_mib(),
        before
    );
}

/// Sends a cloudburst report (`mm` in five minutes) from gauge `0050117001` plus `n` (the demo's
/// 沙鱼镇 gauge, then others of the demo's ten) and answers the ms until the desk shows its
/// alarm, reading the desk's own store every 20 ms.
async fn cloudburst(addr: &str, desk: &yitu_replica::Store, n: u8, mm: f64) -> f64 {
    let code = format!("00501170{:02}", n + 1);
    let gauge = StationAddress([0x00, 0x50, 0x11, 0x70, n + 1]);
    let burst = yitu_telemetry::simulate::rain_report(gauge, now() / 60_000 * 60_000, 5, mm);
    let sent = Instant::now();
    telemetry::simulate::send_frames(addr, &[burst], Duration::ZERO, Duration::from_secs(10))
        .await
        .unwrap();
    loop {
        let m = desk.monitoring(now()).await.unwrap();
        if m.alarms
            .iter()
            .any(|a| a.station_code == code && a.alarm.episode.is_open())
        {
            return sent.elapsed().as_secs_f64() * 1000.0;
        }
        assert!(
            sent.elapsed() < Duration::from_secs(120),
            "no alarm on the desk in 2 minutes"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
