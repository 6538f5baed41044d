//! Sync benchmark (prints figures; not a test): bytes on the wire and time for 1,000 edits on a
//! 10,000-row registry, and for a first sync of 100,000 rows, each beside a naive baseline in the
//! same run (the whole registry as a JSON snapshot each sync), and the rate changes are applied.
//!
//! `cargo run --release -p yitu-server --example sync_bench [-- ROWS_SMALL EDITS ROWS_LARGE]`
//!
//! The server runs in this process on an embedded SQLite file; the two replicas reach it through
//! a counting TCP proxy, so the bytes are what crossed the socket (HTTP headers included).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;
use yitu_domain::import::plan::Change as RowChange;
use yitu_domain::import::Crs;
use yitu_domain::resource::Resource;
use yitu_domain::{demo, EntityId, Layer};
use yitu_replica::import::{Author, ImportPlan};
use yitu_replica::sync::{sync_once, Client};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Bytes both ways through the proxy since start.
#[derive(Clone, Default)]
struct Wire(Arc<AtomicU64>);

impl Wire {
    fn take(&self) -> u64 {
        self.0.swap(0, Ordering::SeqCst)
    }
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    wire: Wire,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = vec![0u8; 64 * 1024];
    while let Ok(n) = from.read(&mut buf).await {
        if n == 0 || to.write_all(&buf[..n]).await.is_err() {
            break;
        }
        wire.0.fetch_add(n as u64, Ordering::SeqCst);
    }
    let _ = to.shutdown().await;
}

async fn proxy(upstream: String) -> (String, Wire) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let wire = Wire::default();
    let counted = wire.clone();
    tokio::spawn(async move {
        loop {
            let (inbound, _) = listener.accept().await.unwrap();
            let upstream = upstream.clone();
            let counted = counted.clone();
            tokio::spawn(async move {
                let out = tokio::net::TcpStream::connect(upstream).await.unwrap();
                let (ri, wi) = inbound.into_split();
                let (ro, wo) = out.into_split();
                // Counted as the bytes pass, not at close: the client keeps connections alive.
                tokio::spawn(pump(ri, wo, counted.clone()));
                tokio::spawn(pump(ro, wi, counted));
            });
        }
    });
    (url, wire)
}

fn shelters(n: usize) -> Vec<Resource> {
    let data = demo::generate(demo::DEFAULT_SEED);
    let base: Vec<Resource> = data
        .resources
        .into_iter()
        .filter(|r| r.layer() == Layer::Shelters)
        .collect();
    let mut ids = yitu_replica::id_source(now());
    (0..n)
        .map(|i| {
            let mut r = base[i % base.len()].clone();
            if let Resource::Shelter(s) = &mut r {
                s.id = ids();
                s.name = format!("{}-{i}", s.name);
            }
            r
        })
        .collect()
}

async fn replica(
    server: &yitu_server::Store,
    url: &str,
) -> (tempfile::TempDir, yitu_replica::Store, Client) {
    let dir = tempfile::tempdir().unwrap();
    let store = yitu_replica::Store::open(dir.path()).await.unwrap();
    let code = server.enrol_code("bench", now()).await.unwrap();
    let cred = store.enrol(url, &code, "bench").await.unwrap();
    (dir, store, Client::new(cred).unwrap())
}

async fn import(store: &yitu_replica::Store, records: Vec<Resource>) {
    let mut ids = yitu_replica::id_source(now());
    let plan = ImportPlan::Resources(
        records
            .into_iter()
            .enumerate()
            .map(|(i, r)| (i + 1, RowChange::Insert(r)))
            .collect(),
    );
    store
        .apply_import(
            &plan,
            Author {
                actor: "bench",
                at_ms: now(),
                source: "bench",
                new_id: &mut ids,
            },
            |_, _| {},
        )
        .await
        .unwrap();
}

/// The naive baseline: the whole registry as JSON, up from one desktop and down to the other.
fn naive_bytes(records: &[Resource]) -> (u64, u64) {
    let json = serde_json::to_vec(records).unwrap();
    let packed = zstd::bulk::compress(&json, 3).unwrap();
    (2 * json.len() as u64, 2 * packed.len() as u64)
}

struct Round {
    label: String,
    rows: usize,
    changes: usize,
    push_s: f64,
    pull_s: f64,
    bytes: u64,
    naive: (u64, u64),
}

async fn run(small: usize, edits: usize, large: usize) -> Vec<Round> {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("server.sqlite").display());
    let server = yitu_server::Store::open(&db).await.unwrap();
    server.add_user("bench", "staff", now()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = listener.local_addr().unwrap().to_string();
    tokio::spawn(yitu_server::serve(listener, server.clone()));
    let (url, wire) = proxy(upstream).await;
    let mut rounds = Vec::new();

    // A registry of `small` rows, on both desktops.
    let (_da, a, ca) = replica(&server, &url).await;
    let (_db, b, cb) = replica(&server, &url).await;
    let records = shelters(small);
    import(&a, records.clone()).await;
    let t = Instant::now();
    sync_once(&a, &ca).await.unwrap();
    let push_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    sync_once(&b, &cb).await.unwrap();
    let pull_s = t.elapsed().as_secs_f64();
    rounds.push(Round {
        label: "first sync".into(),
        rows: small,
        changes: small,
        push_s,
        pull_s,
        bytes: wire.take(),
        naive: naive_bytes(&records),
    });

    // `edits` edits of one field each on A, synced to B.
    let ids: Vec<EntityId> = records.iter().map(Resource::id).collect();
    for i in 0..edits {
        let mut next = yitu_replica::id_source(now());
        a.update_record(
            ids[(i * 7) % ids.len()],
            &[("容纳人数".into(), format!("{}", 10_000 + i))],
            Crs::Wgs84,
            Author {
                actor: "bench",
                at_ms: now(),
                source: "bench",
                new_id: &mut next,
            },
        )
        .await
        .unwrap();
    }
    wire.take();
    let t = Instant::now();
    sync_once(&a, &ca).await.unwrap();
    let push_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let r = sync_once(&b, &cb).await.unwrap();
    let pull_s = t.elapsed().as_secs_f64();
    assert_eq!(r.pulled as usize, edits);
    rounds.push(Round {
        label: "edits".into(),
        rows: small,
        changes: edits,
        push_s,
        pull_s,
        bytes: wire.take(),
        naive: naive_bytes(&records),
    });

    // A first sync of `large` rows onto a fresh desktop.
    if large > 0 {
        let (_dc, c, cc) = replica(&server, &url).await;
        let (_dd, d, cd) = replica(&server, &url).await;
        let big = shelters(large);
        import(&c, big.clone()).await;
        // D would otherwise also pull the small registry: pull that first, unmeasured.
        sync_once(&d, &cd).await.unwrap();
        wire.take();
        let t = Instant::now();
        sync_once(&c, &cc).await.unwrap();
        let push_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        sync_once(&d, &cd).await.unwrap();
        let pull_s = t.elapsed().as_secs_f64();
        rounds.push(Round {
            label: "first sync".into(),
            rows: large,
            changes: large,
            push_s,
            pull_s,
            bytes: wire.take(),
            naive: naive_bytes(&big),
        });
    }
    rounds
}

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("numbers: ROWS_SMALL EDITS ROWS_LARGE"))
        .collect();
    let small = args.first().copied().unwrap_or(10_000);
    let edits = args.get(1).copied().unwrap_or(1_000);
    let large = args.get(2).copied().unwrap_or(100_000);
    let rounds = run(small, edits, large).await;
    println!(
        "| what | rows | changes | push s | pull+apply s | applied ops/s | wire bytes (yitu) | naive JSON snapshot bytes (zstd) | naive ÷ yitu |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for r in rounds {
        println!(
            "| {} | {} | {} | {:.2} | {:.2} | {:.0} | {} | {} ({}) | {:.1}× ({:.1}×) |",
            r.label,
            r.rows,
            r.changes,
            r.push_s,
            r.pull_s,
            r.changes as f64 / r.pull_s,
            r.bytes,
            r.naive.0,
            r.naive.1,
            r.naive.0 as f64 / r.bytes as f64,
            r.naive.1 as f64 / r.bytes as f64,
        );
    }
}
