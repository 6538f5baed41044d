//! Decisions benchmark (prints figures; not a test): a busy incident, N decisions (default 200)
//! × 8 transitions over 4 desks (the vehicle, the technical officer, the centre, a town), through
//! the real server on an embedded SQLite file. After each round of acts every desk syncs, in an
//! order drawn from a seeded generator. It prints:
//! - bytes on the wire per transition (through a counting proxy, HTTP headers included): the
//!   push of the desk that acted, and the delivery to the three others;
//! - the time from the last push until every desk holds the same decisions;
//! - the fold's throughput (transitions/s) on the transitions a desk ended with, beside a
//!   baseline that applies the same transitions one after another with `act::plan` and no
//!   concurrency rules (what a first version would do).
//!
//! `cargo run --release -p yitu-server --example decision_bench [-- DECISIONS SEED]`

use std::collections::BTreeMap;
use std::time::Instant;
use yitu_domain::command::act::{self, Act, By, Receipt};
use yitu_domain::command::decision::{Content, Decision, Order, Recipient};
use yitu_domain::command::fold::{self, Stamped};
use yitu_domain::command::incident::{Incident, IncidentKind, IncidentLevel, IncidentStatus, Toll};
use yitu_domain::command::role::Role;
use yitu_domain::command::transition::Transition;
use yitu_domain::command::workflow::DecisionState;
use yitu_domain::{EntityId, LonLat};
use yitu_replica::sync::{sync_once, Client};
use yitu_replica::user::Actor;

#[path = "support/wire.rs"]
mod wire;
use wire::{now, proxy, Wire};

const TOWN: &str = "钱塘镇人民政府";
const TEAM: &str = "区综合应急救援队";

/// The four desks: who works at each.
const DESKS: [(&str, Role, &str); 4] = [
    ("张指挥", Role::Commander, "vehicle"),
    ("李技术", Role::TechnicalOfficer, "technical officer"),
    ("刘指挥", Role::Commander, "centre"),
    ("钱塘镇值班员", Role::Staff, "town"),
];

/// The eight acts on every decision, each by one desk, in the order the work goes.
fn rounds() -> Vec<(usize, &'static str, Act)> {
    let who = |s: &str| s.to_owned();
    vec![
        (
            1,
            "review",
            Act::Review {
                agree: true,
                advice: "同意，注意上游来水".into(),
            },
        ),
        (2, "sign (签发)", Act::Sign),
        (
            3,
            "acknowledge town",
            Act::Acknowledge {
                recipient: who(TOWN),
            },
        ),
        (
            3,
            "acknowledge team",
            Act::Acknowledge {
                recipient: who(TEAM),
            },
        ),
        (
            3,
            "arrive team",
            Act::Arrive {
                recipient: who(TEAM),
            },
        ),
        (
            0,
            "arrive town",
            Act::Arrive {
                recipient: who(TOWN),
            },
        ),
        (
            3,
            "leave team",
            Act::Leave {
                recipient: who(TEAM),
            },
        ),
        (0, "complete", Act::Complete),
    ]
}

/// A small seeded generator, so a run's sync order can be drawn again.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn order(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            v.swap(i, (self.next() as usize) % (i + 1));
        }
        v
    }
}

struct Desk {
    dir: tempfile::TempDir,
    store: yitu_replica::Store,
    client: Client,
    actor: Actor,
}

async fn sync(d: &Desk) {
    sync_once(&d.store, &d.client).await.unwrap();
}

fn content(n: usize) -> Content {
    let order = |name: &str, action: &str| Order {
        recipient: Recipient {
            id: None,
            name: name.into(),
        },
        action: action.into(),
        place: format!("龙凤村{}组", n % 9 + 1),
        geometry: None,
        deadline: "30分钟内".into(),
    };
    Content {
        situation: format!("钱塘镇龙凤村山洪，第{}处险情", n + 1),
        objectives: vec!["2小时内转移受威胁群众".into()],
        orders: vec![order(TOWN, "组织转移"), order(TEAM, "搜救被困群众")],
        ..Content::default()
    }
}

/// What every desk must agree on for one decision.
async fn summary(store: &yitu_replica::Store, id: EntityId) -> String {
    let v = store.decision_view(id).await.unwrap();
    let acks: Vec<String> = v
        .acknowledgements
        .iter()
        .map(|a| format!("{}:{:?}:{:?}", a.recipient, a.arrived_at_ms, a.left_at_ms))
        .collect();
    format!(
        "{}|{}|{}|{}",
        v.decision.state.code(),
        v.decision.number,
        acks.join(","),
        v.history.len()
    )
}

/// The baseline: the same transitions applied one after another in stamp order, each planned
/// on the decision the last one left, with no view of which were taken at once.
fn applied_in_turn(draft: &Decision, acts: &[Stamped]) -> Decision {
    let mut sorted: Vec<&Stamped> = acts.iter().collect();
    sorted.sort_by(|a, b| (&a.stamp, a.t.id).cmp(&(&b.stamp, b.t.id)));
    let mut d = draft.clone();
    let mut receipts: Vec<Receipt> = Vec::new();
    for s in sorted {
        let t: &Transition = &s.t;
        let by = By {
            name: &t.by,
            role: t.role,
            at_ms: t.at_ms,
        };
        if let Ok(p) = act::plan(&d, &t.act, by, &receipts) {
            if let Some(r) = &p.acknowledged {
                receipts.push(Receipt::acknowledged(r.clone()));
            }
            if let Some((r, arrive)) = &p.movement {
                if let Some(x) = receipts.iter_mut().find(|x| &x.recipient == r) {
                    if *arrive {
                        x.arrived = true;
                    } else {
                        x.left = true;
                    }
                }
            }
            d = p.decision;
            d.state = p.step.to;
        }
    }
    d
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let decisions: usize = args.first().map_or(200, |s| s.parse().expect("DECISIONS"));
    let seed: u64 = args.get(1).map_or(7, |s| s.parse().expect("SEED"));
    let mut rng = Lcg(seed);

    let server_dir = tempfile::tempdir().unwrap();
    let db = format!(
        "sqlite://{}",
        server_dir.path().join("server.sqlite").display()
    );
    let server = yitu_server::Store::open(&db).await.unwrap();
    for (name, role, _) in DESKS {
        server.add_user(name, role, now()).await.unwrap();
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = listener.local_addr().unwrap().to_string();
    tokio::spawn(yitu_server::serve(listener, server.clone()));
    let (url, wire): (String, Wire) = proxy(upstream).await;

    let mut desks = Vec::new();
    for (name, role, _) in DESKS {
        let dir = tempfile::tempdir().unwrap();
        let store = yitu_replica::Store::open(dir.path()).await.unwrap();
        let code = server.enrol_code(name, now()).await.unwrap();
        let cred = store.enrol(&url, &code, name).await.unwrap();
        desks.push(Desk {
            dir,
            store,
            client: Client::new(cred).unwrap(),
            actor: Actor {
                name: name.into(),
                role,
            },
        });
    }

    let incident = Incident {
        id: yitu_replica::id_source(now())(),
        title: "钱塘镇“7·12”山洪灾害".into(),
        kind: IncidentKind::Flood,
        level: IncidentLevel::Major,
        status: IncidentStatus::Responding,
        at_ms: now(),
        point: LonLat {
            lon: 106.35,
            lat: 30.12,
        },
        area: None,
        toll: Toll::default(),
        created_by: DESKS[0].0.into(),
    };
    desks[0]
        .store
        .create_incident(&desks[0].actor, &incident, now())
        .await
        .unwrap();

    // The vehicle drafts every decision (records, not transitions), and every desk hears them.
    let mut ids = yitu_replica::id_source(now());
    let mut drafts: BTreeMap<EntityId, Decision> = BTreeMap::new();
    for n in 0..decisions {
        let d = desks[0]
            .store
            .draft_decision(&desks[0].actor, incident.id, content(n), ids(), now())
            .await
            .unwrap();
        drafts.insert(d.id, d);
    }
    for i in rng.order(4).into_iter().chain(rng.order(4)) {
        sync(&desks[i]).await;
    }
    let draft_bytes = wire.take();

    println!(
        "decision_bench: {decisions} decisions × 8 transitions over 4 desks (seed {seed}); \
         drafts: {:.0} bytes each on the wire, to all four desks",
        draft_bytes as f64 / decisions as f64
    );
    println!(
        "{:<18} {:>8} {:>12} {:>14} {:>12}",
        "act", "by", "push B/act", "deliver B/act", "act ms"
    );
    let (mut total_push, mut total_deliver, mut transitions) = (0u64, 0u64, 0u64);
    let mut converge_ms = 0.0;
    let all_rounds = rounds();
    let last = all_rounds.len() - 1;
    for (r, (desk, label, act)) in all_rounds.into_iter().enumerate() {
        let d = &desks[desk];
        let t = Instant::now();
        for id in drafts.keys() {
            let mut next = yitu_replica::id_source(now());
            d.store
                .act(&d.actor, *id, act.clone(), now(), &mut next)
                .await
                .unwrap_or_else(|e| panic!("{label} on {id}: {e}"));
        }
        let act_ms = t.elapsed().as_secs_f64() * 1e3 / decisions as f64;
        sync(d).await;
        let push = wire.take();
        // The others hear it, in a drawn order (the acting desk may come round again).
        let t = Instant::now();
        let others: Vec<usize> = rng.order(4).into_iter().filter(|&i| i != desk).collect();
        for i in others {
            sync(&desks[i]).await;
        }
        if r == last {
            converge_ms = t.elapsed().as_secs_f64() * 1e3;
        }
        let deliver = wire.take();
        total_push += push;
        total_deliver += deliver;
        transitions += decisions as u64;
        println!(
            "{:<18} {:>8} {:>12.0} {:>14.0} {:>12.2}",
            label,
            DESKS[desk].2.split(' ').next().unwrap_or_default(),
            push as f64 / decisions as f64,
            deliver as f64 / decisions as f64 / 3.0,
            act_ms
        );
    }

    // Every desk holds the same decisions, all completed, and every chain verifies.
    let mut reference = Vec::new();
    for id in drafts.keys() {
        reference.push(summary(&desks[0].store, *id).await);
    }
    assert!(reference.iter().all(|s| s.starts_with("completed|")));
    for d in &desks[1..] {
        for (i, id) in drafts.keys().enumerate() {
            assert_eq!(summary(&d.store, *id).await, reference[i], "desks differ");
        }
        assert!(
            d.store.verify().await.unwrap().ok,
            "a chain does not verify"
        );
    }
    println!(
        "per transition: {:.0} bytes pushed, {:.0} bytes to each other desk, {:.0} bytes all told \
         (goal ≤ 300 pushed)",
        total_push as f64 / transitions as f64,
        total_deliver as f64 / transitions as f64 / 3.0,
        (total_push + total_deliver) as f64 / transitions as f64
    );
    println!(
        "converged: {converge_ms:.0} ms from the last push until all four desks were equal \
         (goal ≤ 2,000 ms)"
    );

    // The fold, on what the vehicle's desk holds.
    let file = desks[0].dir.path().join(yitu_replica::DB_FILE);
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", file.display()))
        .await
        .unwrap();
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT decision_id, stamp, body FROM decision_act")
            .fetch_all(&pool)
            .await
            .unwrap();
    let mut acts: BTreeMap<EntityId, Vec<Stamped>> = BTreeMap::new();
    for (id, stamp, body) in rows {
        acts.entry(EntityId::parse(&id).unwrap())
            .or_default()
            .push(Stamped {
                stamp: stamp.parse().unwrap(),
                t: serde_json::from_str(&body).unwrap(),
            });
    }
    let held: usize = acts.values().map(Vec::len).sum();
    let repeat = (200_000 / held.max(1)).max(1);
    let time = |f: &dyn Fn(&Decision, &[Stamped]) -> DecisionState| {
        let t = Instant::now();
        for _ in 0..repeat {
            for (id, a) in &acts {
                std::hint::black_box(f(&drafts[id], a));
            }
        }
        (held * repeat) as f64 / t.elapsed().as_secs_f64()
    };
    let folded = time(&|d, a| fold::fold(d, a).decision.state);
    let baseline = time(&|d, a| applied_in_turn(d, a).state);
    println!(
        "fold: {folded:.0} transitions/s ({held} transitions × {repeat}; goal ≥ 50,000); \
         applied in turn without the concurrency rules: {baseline:.0}/s (fold at {:.2}× of it)",
        folded / baseline
    );
}
