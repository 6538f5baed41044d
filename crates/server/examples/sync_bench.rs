//! Sync benchmark (prints figures; not a test): bytes on the wire and time for 1,000 edits on a
//! 10,000-row registry, and for a first sync of 100,000 rows, each beside a naive baseline in the
//! same run (the whole registry as a JSON snapshot each sync), and the rate changes are applied.
//! The large first sync is made three times onto fresh desktops: pulling every change, from a
//! snapshot made for it, and from the snapshot the server kept; the edits are also made on two `automerge` documents and synced with automerge's
//! own protocol, to compare bytes.
//!
//! `cargo run --release -p yitu-server --example sync_bench [-- ROWS_SMALL EDITS ROWS_LARGE]`
//!
//! The server runs in this process on an embedded SQLite file; the replicas reach it through
//! a counting TCP proxy, so the bytes are what crossed the socket (HTTP headers included).

use std::time::Instant;
use yitu_domain::import::plan::Change as RowChange;
use yitu_domain::import::Crs;
use yitu_domain::registries::resource::Resource;
use yitu_domain::{demo, EntityId, Layer};
use yitu_replica::import::ImportPlan;
use yitu_replica::sync::{sync_once, sync_once_with, Client};
use yitu_replica::Author;

#[path = "support/wire.rs"]
mod wire;
use wire::{now, proxy, Wire};

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

/// A server on a fresh SQLite file, serving through a counting proxy.
async fn server() -> (tempfile::TempDir, yitu_server::Store, String, Wire) {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("server.sqlite").display());
    let server = yitu_server::Store::open(&db).await.unwrap();
    server
        .add_user("bench", yitu_domain::command::role::Role::Staff, now())
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = listener.local_addr().unwrap().to_string();
    tokio::spawn(yitu_server::serve(listener, server.clone()));
    let (url, wire) = proxy(upstream).await;
    (dir, server, url, wire)
}

async fn run(small: usize, edits: usize, large: usize) -> Vec<Round> {
    let (_server_dir, server, url, wire) = server().await;
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
    // Pulled page by page, as before the snapshot (compared with it on the large registry).
    sync_once_with(&b, &cb, u64::MAX).await.unwrap();
    let pull_s = t.elapsed().as_secs_f64();
    rounds.push(Round {
        label: "first sync, every change".into(),
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

    // A first sync of `large` rows (a server of their own), onto fresh desktops: the first
    // pulls every change, the next starts from a snapshot the server makes for it (and keeps),
    // the last from the kept snapshot.
    if large > 0 {
        let (_server_dir, server, url, wire) = crate::server().await;
        let (_dc, c, cc) = replica(&server, &url).await;
        let big = shelters(large);
        import(&c, big.clone()).await;
        wire.take();
        let t = Instant::now();
        sync_once(&c, &cc).await.unwrap();
        let push_s = t.elapsed().as_secs_f64();
        let push_bytes = wire.take();
        for (label, snapshot_from) in [
            ("first sync, every change", u64::MAX),
            ("first sync, snapshot made for it", 1),
            ("first sync, kept snapshot", 1),
        ] {
            let (_dd, d, cd) = replica(&server, &url).await;
            wire.take();
            let t = Instant::now();
            // The whole pass, as the desktop runs it: for the snapshot, the server's fold, the
            // body streamed as it is compressed and applied as it arrives, then the pull.
            let r = sync_once_with(&d, &cd, snapshot_from).await.unwrap();
            let pull_s = t.elapsed().as_secs_f64();
            assert_eq!(r.pulled as usize, large, "{label}");
            rounds.push(Round {
                label: label.into(),
                rows: large,
                changes: large,
                push_s,
                pull_s,
                bytes: push_bytes + wire.take(),
                naive: naive_bytes(&big),
            });
        }
        // Where the snapshot pass's time goes: the server makes one (fold and compression, no
        // HTTP), and another fresh desktop applies it from memory.
        let (_de, e, _ce) = replica(&server, &url).await;
        let t = Instant::now();
        let packed = server.snapshot().await.unwrap();
        let made_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let applied = e.apply_snapshot(&packed).await.unwrap();
        let applied_s = t.elapsed().as_secs_f64();
        println!(
            "snapshot of {large} rows: {} bytes compressed, made in {made_s:.2} s, \
             applied from memory in {applied_s:.2} s ({:.0} ops/s applying)",
            packed.len(),
            applied as f64 / applied_s
        );
        wire.take();
    }
    rounds
}

/// The same registry and edits as automerge documents synced by automerge's protocol: bytes of
/// the sync messages both ways, for the first sync and for the edits.
fn automerge_bytes(records: &[Resource], edits: usize) -> (u64, u64) {
    use automerge::sync::{self, SyncDoc};
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ObjType, ScalarValue, ROOT};

    /// One message from `from` to `to`, if `from` has one: its encoded size.
    fn step(
        from: &mut AutoCommit,
        to: &mut AutoCommit,
        s_from: &mut sync::State,
        s_to: &mut sync::State,
    ) -> Option<u64> {
        let m = from.sync().generate_sync_message(s_from)?;
        let encoded = m.encode();
        let m = sync::Message::decode(&encoded).unwrap();
        to.sync().receive_sync_message(s_to, m).unwrap();
        Some(encoded.len() as u64)
    }

    fn until_quiet(a: &mut AutoCommit, b: &mut AutoCommit) -> u64 {
        let (mut sa, mut sb) = (sync::State::new(), sync::State::new());
        let mut bytes = 0;
        loop {
            let there = step(a, b, &mut sa, &mut sb);
            let back = step(b, a, &mut sb, &mut sa);
            if there.is_none() && back.is_none() {
                return bytes;
            }
            bytes += there.unwrap_or(0) + back.unwrap_or(0);
        }
    }

    let mut a = AutoCommit::new();
    let registry = a.put_object(ROOT, "shelters", ObjType::Map).unwrap();
    let mut objects = Vec::with_capacity(records.len());
    for r in records {
        let obj = a
            .put_object(&registry, r.id().to_string(), ObjType::Map)
            .unwrap();
        let serde_json::Value::Object(fields) = serde_json::to_value(r).unwrap() else {
            unreachable!("a record is an object")
        };
        for (k, v) in fields {
            let value = match v {
                serde_json::Value::String(s) => ScalarValue::Str(s.into()),
                serde_json::Value::Number(n) if n.is_i64() => ScalarValue::Int(n.as_i64().unwrap()),
                serde_json::Value::Number(n) => ScalarValue::F64(n.as_f64().unwrap()),
                serde_json::Value::Bool(b) => ScalarValue::Boolean(b),
                // Nested values (location, facilities) as their JSON text: one value per field,
                // as yitu's field writes carry them.
                other => ScalarValue::Str(other.to_string().into()),
            };
            a.put(&obj, k, value).unwrap();
        }
        objects.push(obj);
    }
    a.commit();
    let mut b = AutoCommit::new();
    let first = until_quiet(&mut a, &mut b);
    for i in 0..edits {
        a.put(
            &objects[(i * 7) % objects.len()],
            "capacity",
            10_000 + i as i64,
        )
        .unwrap();
        // One change per edit, as each yitu edit is its own change.
        a.commit();
    }
    let edited = until_quiet(&mut a, &mut b);
    (first, edited)
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
    for r in &rounds {
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
    let large_rounds: Vec<&Round> = rounds.iter().filter(|r| r.rows == large).collect();
    if let [pages, made, kept] = large_rounds[..] {
        println!(
            "\nfirst sync of {large} rows, pull+apply: snapshot made for it {:.2} s ({:.0} ops/s), \
             kept snapshot {:.2} s ({:.0} ops/s), every change {:.2} s ({:.0} ops/s); \
             {} vs {} bytes ({:.2}×)",
            made.pull_s,
            made.changes as f64 / made.pull_s,
            kept.pull_s,
            kept.changes as f64 / kept.pull_s,
            pages.pull_s,
            pages.changes as f64 / pages.pull_s,
            made.bytes,
            pages.bytes,
            pages.bytes as f64 / made.bytes as f64,
        );
    }
    // Before automerge's documents, which take more memory than all the rest.
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_owned())
        })
        .unwrap_or_else(|| "?".into());
    println!("\npeak resident memory of the server, the desktops and the proxy: {peak}");
    let records = shelters(small);
    let t = Instant::now();
    let (am_first, am_edits) = automerge_bytes(&records, edits);
    let am_s = t.elapsed().as_secs_f64();
    let yitu_edits = rounds
        .iter()
        .find(|r| r.label == "edits")
        .map_or(0, |r| r.bytes);
    let yitu_first = rounds[0].bytes;
    println!(
        "\nautomerge sync protocol, same {small}-row registry ({am_s:.1} s in all; message bytes, \
         no HTTP): first sync {am_first} bytes (yitu {yitu_first}, {:.2}× automerge's), \
         {edits} edits {am_edits} bytes (yitu {yitu_edits} with HTTP headers, {:.2}× automerge's; \
         naive {} plain, {} zstd)",
        yitu_first as f64 / am_first as f64,
        yitu_edits as f64 / am_edits as f64,
        rounds[1].naive.0,
        rounds[1].naive.1,
    );
}
