//! The server over real HTTP on 127.0.0.1 (port 0) with real replicas on SQLite files: the same
//! stories against embedded SQLite and, where one is reachable, PostgreSQL (each test makes its
//! own throw-away database and drops it).

use std::time::Duration;
use yitu_domain::command::incident::{
    Incident, IncidentKind, IncidentLevel, IncidentStatus, LogEntry, Toll,
};
use yitu_domain::command::role::Role;
use yitu_domain::import::plan::Change as RowChange;
use yitu_domain::import::Crs;
use yitu_domain::registries::resource::Resource;
use yitu_domain::stock::material::MaterialCode;
use yitu_domain::stock::warning::Warning;
use yitu_domain::stock::{MoveKind, Terms};
use yitu_domain::sync::View;
use yitu_domain::LonLat;
use yitu_domain::{demo, EntityId, Layer};
use yitu_replica::import::ImportPlan;
use yitu_replica::movement::NewLine;
use yitu_replica::sync::{sync_once, sync_once_with, Client, SyncReport};
use yitu_replica::Author;
use yitu_server::Store as ServerStore;

const PG_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/postgres";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Backend {
    Sqlite,
    Postgres,
}

/// A throw-away database, dropped with the fixture.
struct Db {
    url: String,
    pg_name: Option<String>,
    _dir: tempfile::TempDir,
}

impl Db {
    async fn new(backend: Backend) -> Db {
        let dir = tempfile::tempdir().unwrap();
        match backend {
            Backend::Sqlite => Db {
                url: format!("sqlite://{}", dir.path().join("server.sqlite").display()),
                pg_name: None,
                _dir: dir,
            },
            Backend::Postgres => {
                use sqlx::Connection;
                let conn = tokio::time::timeout(
                    Duration::from_secs(3),
                    sqlx::PgConnection::connect(PG_ADMIN),
                )
                .await;
                // Never skipped: README's test command installs and starts PostgreSQL where
                // nothing answers (scripts/setup.sh), so a variant that cannot connect fails.
                let mut conn = match conn {
                    Ok(Ok(c)) => c,
                    Ok(Err(e)) => panic!(
                        "PostgreSQL variant: cannot connect to {PG_ADMIN}: {e} (scripts/setup.sh starts it)"
                    ),
                    Err(_) => panic!(
                        "PostgreSQL variant: {PG_ADMIN} did not answer in 3 s (scripts/setup.sh starts it)"
                    ),
                };
                let mut b = [0u8; 6];
                getrandom::getrandom(&mut b).unwrap();
                let name = format!(
                    "yitu_test_{}",
                    b.iter().map(|x| format!("{x:02x}")).collect::<String>()
                );
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                conn.close().await.ok();
                Db {
                    url: format!("postgres://postgres@127.0.0.1:5432/{name}"),
                    pg_name: Some(name),
                    _dir: dir,
                }
            }
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            // Drop runs outside async: a thread of its own with its own runtime.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    use sqlx::Connection;
                    if let Ok(mut c) = sqlx::PgConnection::connect(PG_ADMIN).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&mut c)
                                .await;
                    }
                });
            })
            .join();
        }
    }
}

/// One server instance over a database, serving on its own port.
struct Server {
    url: String,
    store: ServerStore,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    async fn start(db: &Db) -> Server {
        Server::start_with_clock(db, yitu_server::http::now_ms).await
    }

    /// A server that reads the time from `clock` (a wrong clock, in the clock test).
    async fn start_with_clock(db: &Db, clock: fn() -> i64) -> Server {
        let store = ServerStore::open(&db.url).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = yitu_server::http::App {
            store: store.clone(),
            clock,
        };
        let task = tokio::spawn(async move {
            axum::serve(listener, yitu_server::http::router(app))
                .await
                .unwrap();
        });
        Server { url, store, task }
    }
}

/// The demo's first shelter.
fn demo_shelter() -> Resource {
    demo::generate(demo::DEFAULT_SEED)
        .resources
        .into_iter()
        .find(|x| x.layer() == Layer::Shelters)
        .expect("the demo has shelters")
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Replica {
    _dir: tempfile::TempDir,
    store: yitu_replica::Store,
    client: Client,
    /// The district user it enrolled as, who makes its imports.
    user: String,
}

#[allow(clippy::disallowed_methods)] // the test is the edge that hands times to the stores
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

impl Replica {
    /// A fresh data folder enrolled as `user`.
    async fn enrol(server: &Server, user: &str) -> Replica {
        let dir = tempfile::tempdir().unwrap();
        let store = yitu_replica::Store::open(dir.path()).await.unwrap();
        let code = server.store.enrol_code(user, now()).await.unwrap();
        let credential = store.enrol(&server.url, &code, user).await.unwrap();
        Replica {
            _dir: dir,
            store,
            client: Client::new(credential).unwrap(),
            user: user.to_owned(),
        }
    }

    async fn sync(&self) -> SyncReport {
        sync_once(&self.store, &self.client).await.unwrap()
    }

    async fn import(&self, records: Vec<Resource>) {
        let mut ids = yitu_replica::id_source(now());
        let plan = ImportPlan::Resources(
            records
                .into_iter()
                .enumerate()
                .map(|(i, r)| (i + 1, RowChange::Insert(r)))
                .collect(),
        );
        self.store
            .apply_import(&plan, author(&self.user, now(), &mut ids), |_, _| {})
            .await
            .unwrap();
    }

    async fn set(&self, id: EntityId, field: &str, value: &str, who: &str, at_ms: i64) {
        let mut ids = yitu_replica::id_source(at_ms);
        self.store
            .update_record(
                id,
                &[(field.to_owned(), value.to_owned())],
                Crs::Wgs84,
                author(who, at_ms, &mut ids),
            )
            .await
            .unwrap();
    }

    async fn retire(&self, id: EntityId, who: &str) {
        let mut ids = yitu_replica::id_source(now());
        self.store
            .retire_record(id, "已拆除", author(who, now(), &mut ids))
            .await
            .unwrap();
    }

    async fn issue(&self, depot: EntityId, qty: i64, who: &str) {
        let mut ids = yitu_replica::id_source(now());
        self.store
            .move_stock(
                depot,
                &quilt(),
                MoveKind::Issue,
                qty,
                "调拨",
                None,
                author(who, now(), &mut ids),
            )
            .await
            .unwrap();
    }

    async fn set_terms(&self, depot: EntityId, terms: Terms, who: &str, at_ms: i64) {
        let mut ids = yitu_replica::id_source(at_ms);
        self.store
            .set_stock_terms(depot, &quilt(), terms, author(who, at_ms, &mut ids))
            .await
            .unwrap();
    }

    async fn quilts(&self, depot: EntityId) -> yitu_replica::stock::StockRow {
        let rows = self.store.stock(depot, "2026-11-29").await.unwrap();
        rows.into_iter()
            .find(|r| r.code == quilt().as_str())
            .unwrap()
    }

    async fn on_hand(&self, depot: EntityId) -> i64 {
        self.quilts(depot).await.balance.on_hand
    }

    async fn record(&self, id: EntityId) -> serde_json::Value {
        serde_json::to_value(self.store.resource(id).await.unwrap()).unwrap()
    }
}

fn author<'a>(
    actor: &'a str,
    at_ms: i64,
    ids: &'a mut (dyn FnMut() -> EntityId + Send + Sync),
) -> Author<'a> {
    Author {
        actor,
        at_ms,
        source: "test",
        new_id: ids,
    }
}

fn actor(name: &str, role: Role) -> yitu_replica::user::Actor {
    yitu_replica::user::Actor {
        name: name.into(),
        role,
    }
}

fn quilt() -> MaterialCode {
    MaterialCode::parse("1010301").unwrap()
}

/// The fixture of the stories: a server with its users, three replicas enrolled, and a few
/// shelters and a depot holding 100 quilts, made on A and synced to all.
struct District {
    _db: Db,
    server: Server,
    replicas: Vec<Replica>,
    shelters: Vec<EntityId>,
    depot: EntityId,
}

async fn district(backend: Backend) -> District {
    let db = Db::new(backend).await;
    let server = Server::start(&db).await;
    for (name, role) in [
        ("张指挥", Role::Commander),
        ("王参谋", Role::Staff),
        ("李技术", Role::TechnicalOfficer),
        ("赵观察", Role::Observer),
    ] {
        server.store.add_user(name, role, now()).await.unwrap();
    }
    let a = Replica::enrol(&server, "张指挥").await;
    let b = Replica::enrol(&server, "王参谋").await;
    let c = Replica::enrol(&server, "李技术").await;
    let data = demo::generate(demo::DEFAULT_SEED);
    let shelters: Vec<Resource> = data
        .resources
        .iter()
        .filter(|r| r.layer() == Layer::Shelters)
        .take(3)
        .cloned()
        .collect();
    let depot = data
        .resources
        .iter()
        .find(|r| r.layer() == Layer::Depots)
        .cloned()
        .unwrap();
    let shelter_ids = shelters.iter().map(Resource::id).collect();
    let depot_id = depot.id();
    let mut records = shelters;
    records.push(depot);
    a.import(records).await;
    let mut ids = yitu_replica::id_source(now());
    a.store
        .move_stock(
            depot_id,
            &quilt(),
            MoveKind::Receive,
            100,
            "入库",
            Some(NewLine {
                name: "棉被",
                unit: "床",
                terms: Terms {
                    expiry: Some("2030-06-30".into()),
                    minimum: None,
                },
            }),
            author("张指挥", now(), &mut ids),
        )
        .await
        .unwrap();
    let first = a.sync().await;
    assert_eq!((first.pushed, first.accepted), (5, 5), "{first:?}");
    b.sync().await;
    c.sync().await;
    District {
        _db: db,
        server,
        replicas: vec![a, b, c],
        shelters: shelter_ids,
        depot: depot_id,
    }
}

/// The district's users on every desk, and the author's role checked (`sync/users.rs`).
#[path = "sync/users.rs"]
mod users;

/// Every replica's records, balances and conflicts agree with the server's merged state.
async fn assert_converged(d: &District) {
    let view: View = d.replicas[0].client.server_view().await.unwrap();
    for (i, r) in d.replicas.iter().enumerate() {
        for id in &d.shelters {
            let key = format!("shelters/{id}");
            let server_fields = &view.records[&key];
            let local = r.record(*id).await;
            for (field, value) in server_fields {
                if field == "retired" {
                    continue;
                }
                assert_eq!(&local[field], value, "replica {i} {key} {field}");
            }
            let retired = r
                .store
                .resources(Layer::Shelters)
                .await
                .unwrap()
                .iter()
                .all(|s| s.id() != *id);
            assert_eq!(retired, view.retired(&key), "replica {i} {key} retired");
        }
        let balance = view.balances[&format!("{}/{}", d.depot, quilt().as_str())];
        assert_eq!(
            r.on_hand(d.depot).await,
            balance.on_hand,
            "replica {i} balance"
        );
        let conflicts: std::collections::BTreeSet<String> = r
            .store
            .conflicts()
            .await
            .unwrap()
            .iter()
            .map(|c| format!("{}/{}/{}", c.collection, c.record_id, c.field))
            .collect();
        assert_eq!(conflicts, view.conflicts, "replica {i} conflicts");
    }
}

/// Three replicas edit offline, then sync in the given order (twice round, so everyone sees
/// everyone): same state everywhere, the server's.
async fn offline_edits_converge(backend: Backend, order: [usize; 3]) {
    let d = district(backend).await;
    let [a, b, c] = [&d.replicas[0], &d.replicas[1], &d.replicas[2]];
    let (s0, s1, s2) = (d.shelters[0], d.shelters[1], d.shelters[2]);
    // Offline: A and B change one shelter's capacity (a conflict), B renames another,
    // C retires the third, A and B each issue quilts.
    a.set(s0, "capacity", "1200", "张指挥", now()).await;
    b.set(s0, "capacity", "1500", "王参谋", now() + 5).await;
    b.set(s1, "name", "钱塘镇中心小学避难场所", "王参谋", now())
        .await;
    c.retire(s2, "李技术").await;
    a.issue(d.depot, 30, "张指挥").await;
    b.issue(d.depot, 50, "王参谋").await;
    // A and B set the quilts' terms: B's, stamped later, must win everywhere.
    a.set_terms(
        d.depot,
        Terms {
            expiry: Some("2030-06-30".into()),
            minimum: Some(80),
        },
        "张指挥",
        now(),
    )
    .await;
    b.set_terms(
        d.depot,
        Terms {
            expiry: Some("2027-01-31".into()),
            minimum: Some(60),
        },
        "王参谋",
        now() + 5,
    )
    .await;
    // An incident made on A and synced; then 续报 on all three offline, one with a new toll.
    let incident = Incident {
        id: yitu_replica::id_source(now())(),
        title: "合川区森林火灾".into(),
        kind: IncidentKind::ForestFire,
        level: IncidentLevel::Major,
        status: IncidentStatus::Responding,
        at_ms: now(),
        point: LonLat {
            lon: 106.30,
            lat: 30.10,
        },
        area: None,
        toll: Toll::default(),
        created_by: "张指挥".into(),
    };
    a.store
        .create_incident(&actor("张指挥", Role::Commander), &incident, now())
        .await
        .unwrap();
    a.sync().await;
    b.sync().await;
    c.sync().await;
    for (i, r) in d.replicas.iter().enumerate() {
        let entry = LogEntry {
            id: yitu_replica::id_source(now())(),
            incident_id: incident.id,
            at_ms: now(),
            author: format!("replica {i}"),
            text: format!("第{i}次续报"),
            toll: (i == 1).then_some(Toll {
                injured: 2,
                ..Toll::default()
            }),
        };
        r.store
            .add_log(&actor("王参谋", Role::Staff), &entry, now())
            .await
            .unwrap();
    }
    for round in 0..2 {
        for &i in &order {
            let report = d.replicas[i].sync().await;
            assert!(
                report.rejected.is_empty(),
                "round {round} replica {i}: {report:?}"
            );
            assert_eq!(report.pending, 0);
        }
    }
    // Both issues count: 100 − 30 − 50.
    assert_eq!(a.on_hand(d.depot).await, 20);
    assert_eq!(c.on_hand(d.depot).await, 20);
    // The later terms hold on every replica, and warn alike: 20 is 40 short of 60, and the
    // expiry is 63 days after the day asked.
    for (i, r) in d.replicas.iter().enumerate() {
        let line = r.quilts(d.depot).await;
        assert_eq!(
            (line.expiry.as_deref(), line.minimum),
            (Some("2027-01-31"), Some(60)),
            "replica {i}"
        );
        assert_eq!(
            line.warnings,
            [
                Warning::ExpiresSoon { days: 63 },
                Warning::BelowMinimum {
                    minimum: 60,
                    short: 40
                }
            ],
            "replica {i}"
        );
    }
    // The later stamp wins the capacity everywhere, and the conflict shows everywhere.
    for r in &d.replicas {
        assert_eq!(r.record(s0).await["capacity"], serde_json::json!(1500));
        assert_eq!(r.record(s1).await["name"], "钱塘镇中心小学避难场所");
        let conflicts = r.store.conflicts().await.unwrap();
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(conflicts[0].field, "capacity");
        let values: Vec<_> = conflicts[0]
            .versions
            .iter()
            .map(|v| v.value.clone())
            .collect();
        assert_eq!(values, [serde_json::json!(1500), serde_json::json!(1200)]);
    }
    for r in &d.replicas {
        assert_eq!(r.store.incident_log(incident.id).await.unwrap().len(), 3);
        assert_eq!(r.store.incident(incident.id).await.unwrap().toll.injured, 2);
    }
    assert_converged(&d).await;

    // C picks A's version: a new change; once synced the conflict is gone on every replica.
    c.store
        .resolve_conflict(s0, "capacity", serde_json::json!(1200), "李技术", now())
        .await
        .unwrap();
    for &i in &order {
        d.replicas[i].sync().await;
    }
    for &i in &order {
        d.replicas[i].sync().await;
    }
    for r in &d.replicas {
        assert_eq!(r.record(s0).await["capacity"], serde_json::json!(1200));
        assert!(r.store.conflicts().await.unwrap().is_empty());
    }
    assert_converged(&d).await;
}

#[tokio::test]
async fn three_replicas_converge_sqlite_abc() {
    offline_edits_converge(Backend::Sqlite, [0, 1, 2]).await;
}

#[tokio::test]
async fn three_replicas_converge_sqlite_cba() {
    offline_edits_converge(Backend::Sqlite, [2, 1, 0]).await;
}

#[tokio::test]
async fn three_replicas_converge_postgres_bca() {
    offline_edits_converge(Backend::Postgres, [1, 2, 0]).await;
}

async fn two_replicas_stock_counted_twice(backend: Backend) {
    let d = district(backend).await;
    let [a, b] = [&d.replicas[0], &d.replicas[1]];
    a.issue(d.depot, 60, "张指挥").await;
    b.issue(d.depot, 60, "王参谋").await;
    b.sync().await;
    a.sync().await;
    b.sync().await;
    // Both offline issues are kept: the balance goes below zero and says so, nothing is lost.
    assert_eq!(a.on_hand(d.depot).await, -20);
    assert_eq!(b.on_hand(d.depot).await, -20);
}

#[tokio::test]
async fn stock_issued_on_two_replicas_offline_counts_twice_sqlite() {
    two_replicas_stock_counted_twice(Backend::Sqlite).await;
}

#[tokio::test]
async fn stock_issued_on_two_replicas_offline_counts_twice_postgres() {
    two_replicas_stock_counted_twice(Backend::Postgres).await;
}

/// Found by the nemesis (seed 2): a field in conflict on every desk, then written again on one
/// desk over the value it shows. The other desks merge the new write and find the conflict
/// settled; the desk that wrote it kept listing the old conflict, because a local write did
/// not merge its record's conflicts again.
async fn a_write_over_a_conflict_settles_it_on_its_own_desk_too(backend: Backend) {
    let d = district(backend).await;
    let [a, b, c] = [&d.replicas[0], &d.replicas[1], &d.replicas[2]];
    let s0 = d.shelters[0];
    a.set(s0, "manager", "甲", "张指挥", now()).await;
    b.set(s0, "manager", "乙", "王参谋", now() + 1).await;
    for r in [a, b, c, a] {
        r.sync().await;
    }
    assert_eq!(
        c.store.conflicts().await.unwrap().len(),
        1,
        "a conflict first"
    );
    c.set(s0, "manager", "丙", "李技术", now() + 2).await;
    for r in [c, a, b] {
        r.sync().await;
    }
    assert_converged(&d).await;
}

#[tokio::test]
async fn a_write_over_a_conflict_settles_it_on_its_own_desk_too_sqlite() {
    a_write_over_a_conflict_settles_it_on_its_own_desk_too(Backend::Sqlite).await;
}

async fn repeated_push(backend: Backend) {
    let d = district(backend).await;
    let a = &d.replicas[0];
    a.set(d.shelters[0], "capacity", "999", "张指挥", now())
        .await;
    a.sync().await;
    let count = d.server.store.change_count().await.unwrap();
    let view = d.server.store.view().await.unwrap();
    // The reply was lost: the replica never recorded it, so it pushes the same change again.
    forget_outcomes(&a.store).await;
    assert_eq!(a.store.pending_count().await.unwrap(), 6);
    let again = a.sync().await;
    assert_eq!((again.pushed, again.accepted), (6, 6));
    assert!(again.rejected.is_empty());
    assert_eq!(d.server.store.change_count().await.unwrap(), count);
    assert_eq!(d.server.store.view().await.unwrap(), view);
    assert_eq!(a.store.pending_count().await.unwrap(), 0);
}

/// Marks every outbox row unanswered, as after a push whose reply never arrived.
async fn forget_outcomes(store: &yitu_replica::Store) {
    use sqlx::Connection;
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", store.path().display()))
        .await
        .unwrap();
    sqlx::query("UPDATE outbox SET outcome = NULL")
        .execute(&mut c)
        .await
        .unwrap();
    c.close().await.unwrap();
}

#[tokio::test]
async fn a_push_repeated_after_a_lost_reply_changes_nothing_sqlite() {
    repeated_push(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_push_repeated_after_a_lost_reply_changes_nothing_postgres() {
    repeated_push(Backend::Postgres).await;
}

async fn refusals(backend: Backend) {
    let d = district(backend).await;
    let count = d.server.store.change_count().await.unwrap();
    let view = d.server.store.view().await.unwrap();

    // An observer's edit: refused with its reason, nothing written on the server.
    let o = Replica::enrol(&d.server, "赵观察").await;
    o.sync().await;
    o.set(d.shelters[0], "capacity", "1", "赵观察", now()).await;
    let report = o.sync().await;
    assert_eq!(report.rejected.len(), 1, "{report:?}");
    assert_eq!(report.rejected[0].code, "role");
    assert!(report.rejected[0].reason.contains("observer"));
    assert_eq!(report.pending, 0);
    assert_eq!(o.store.refused_changes().await.unwrap().len(), 1);
    // A push that skips sequence numbers is refused as a gap and not recorded.
    let skipped = yitu_domain::sync::Change {
        seq: 5,
        stamp: yitu_domain::sync::Stamp {
            ms: now() as u64,
            counter: 0,
            node: "o".into(),
        },
        author: "赵观察".into(),
        op: yitu_domain::sync::Op::Log {
            incident: d.shelters[0],
            id: d.shelters[1],
            body: serde_json::json!({}),
        },
    };
    let reply = o.client.push(vec![skipped]).await.unwrap();
    assert_eq!(reply.rejected[0].code, "gap");
    assert_eq!(reply.last_seq, 1);
    assert_eq!(
        d.server
            .store
            .refused(&o.client.credential().device)
            .await
            .unwrap()
            .len(),
        1
    );

    // A revoked device: refused outright, its change stays pending, nothing written.
    let b = &d.replicas[1];
    d.server
        .store
        .revoke(&b.client.credential().device, now())
        .await
        .unwrap();
    b.set(d.shelters[0], "capacity", "2", "王参谋", now()).await;
    let err = sync_once(&b.store, &b.client).await.unwrap_err();
    assert!(
        matches!(&err, yitu_replica::Error::Server { status: 401, .. }),
        "{err:?}"
    );
    assert_eq!(b.store.pending_count().await.unwrap(), 1);

    let a = &d.replicas[0];

    assert_eq!(d.server.store.change_count().await.unwrap(), count);
    assert_eq!(d.server.store.view().await.unwrap(), view);

    // A value the field cannot hold, pushed as a desk that skipped its own checks would: a
    // shelter's 容纳人数 as "一千二百". Refused at the door with the field and the value named;
    // nothing written; the next good change of the same desk goes in.
    let w = Replica::enrol(&d.server, "王参谋").await;
    let change = |seq: u64, value: serde_json::Value| yitu_domain::sync::Change {
        seq,
        stamp: yitu_domain::sync::Stamp {
            ms: now() as u64,
            counter: seq as u32,
            node: "w".into(),
        },
        author: "王参谋".into(),
        op: yitu_domain::sync::Op::record(
            yitu_domain::sync::Collection::Shelters,
            d.shelters[2],
            [("capacity".to_owned(), value)],
            &std::collections::BTreeMap::new(),
        ),
    };
    let reply = w
        .client
        .push(vec![change(1, serde_json::json!("一千二百"))])
        .await
        .unwrap();
    assert_eq!(reply.rejected.len(), 1, "{reply:?}");
    assert_eq!(reply.rejected[0].code, "malformed");
    assert!(
        reply.rejected[0].reason.contains("capacity")
            && reply.rejected[0].reason.contains("一千二百")
            && reply.rejected[0].reason.contains("不是此字段能取的值"),
        "{}",
        reply.rejected[0].reason
    );
    assert_eq!(d.server.store.change_count().await.unwrap(), count);
    assert_eq!(d.server.store.view().await.unwrap(), view);
    let reply = w
        .client
        .push(vec![change(2, serde_json::json!(1200))])
        .await
        .unwrap();
    assert_eq!(reply.accepted.len(), 1, "{reply:?}");
    let count = count + 1;

    // A change stamped a day ahead, pushed as a desk that does not stamp its changes again
    // from the server's time would (yitu's desks do: sync/clock.rs): quarantined, not applied.
    let mut ahead = change(3, serde_json::json!(1300));
    ahead.stamp.ms += 86_400_000;
    let reply = w.client.push(vec![ahead]).await.unwrap();
    assert_eq!(reply.rejected.len(), 1, "{reply:?}");
    assert_eq!(reply.rejected[0].code, "quarantined");
    assert_eq!(d.server.store.change_count().await.unwrap(), count);

    // A used enrolment code and a malformed push are refused with a reason.
    let code = d.server.store.enrol_code("王参谋", now()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let s = yitu_replica::Store::open(dir.path()).await.unwrap();
    s.enrol(&d.server.url, &code, "x").await.unwrap();
    let again = s.enrol(&d.server.url, &code, "y").await.unwrap_err();
    let stale = d.server.store.enrol_code("王参谋", now()).await.unwrap();
    let expired = d
        .server
        .store
        .enrol(&stale, "z", now() + yitu_server::store::CODE_TTL_MS + 1)
        .await;
    assert!(matches!(expired, Err(yitu_server::Error::BadCode)));
    assert!(matches!(&again, yitu_replica::Error::Server { code, .. } if code == "bad_code"));
    let cred = a.client.credential();
    let junk = reqwest::Client::new()
        .post(format!("{}/v1/push", d.server.url))
        .header(
            "authorization",
            format!("Bearer {}.{}", cred.device, cred.token),
        )
        .header("content-encoding", "zstd")
        .body("not zstd at all")
        .send()
        .await
        .unwrap();
    assert_eq!(junk.status().as_u16(), 400);
    let bad_cursor = reqwest::Client::new()
        .get(format!("{}/v1/pull?after=yesterday", d.server.url))
        .header(
            "authorization",
            format!("Bearer {}.{}", cred.device, cred.token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(bad_cursor.status().as_u16(), 400);
    let body: serde_json::Value =
        serde_json::from_slice(&bad_cursor.bytes().await.unwrap()).unwrap_or_default();
    assert_eq!(body["code"], "bad_request");
    assert_eq!(d.server.store.change_count().await.unwrap(), count);
}

#[tokio::test]
async fn observer_revoked_and_future_changes_are_refused_with_nothing_written_sqlite() {
    refusals(Backend::Sqlite).await;
}

#[tokio::test]
async fn observer_revoked_and_future_changes_are_refused_with_nothing_written_postgres() {
    refusals(Backend::Postgres).await;
}

/// Two server instances on one database: replicas on either see each other's changes.
async fn two_instances(backend: Backend) {
    let d = district(backend).await;
    let second = Server::start(&d._db).await;
    let b = Replica::enrol(&second, "王参谋").await;
    b.sync().await;
    let a = &d.replicas[0];
    a.set(d.shelters[0], "capacity", "777", "张指挥", now())
        .await;
    b.set(d.shelters[1], "capacity", "888", "王参谋", now())
        .await;
    // Push and pull at once through both instances.
    let (ra, rb) = tokio::join!(a.sync(), b.sync());
    assert!(ra.rejected.is_empty() && rb.rejected.is_empty());
    a.sync().await;
    b.sync().await;
    for r in [a, &b] {
        assert_eq!(r.record(d.shelters[0]).await["capacity"], 777);
        assert_eq!(r.record(d.shelters[1]).await["capacity"], 888);
    }
}

#[tokio::test]
async fn two_server_instances_on_one_database_sqlite() {
    two_instances(Backend::Sqlite).await;
}

#[tokio::test]
async fn two_server_instances_on_one_database_postgres() {
    two_instances(Backend::Postgres).await;
}

/// Between passes a desk waits at the server for news (protocol 5): another desk's edit starts
/// its next pass at once, long before its 30 s interval; a wait with nothing to bring ends
/// with an empty page when its time is up.
#[tokio::test]
async fn a_desk_between_passes_learns_of_another_desks_edit_at_once() {
    let db = Db::new(Backend::Sqlite).await;
    let server = Server::start(&db).await;
    for name in ["张指挥", "王参谋"] {
        server
            .store
            .add_user(name, Role::Staff, now())
            .await
            .unwrap();
    }
    let a = Replica::enrol(&server, "张指挥").await;
    let b = Replica::enrol(&server, "王参谋").await;
    let shelter = demo_shelter();
    let id = shelter.id();
    a.import(vec![shelter]).await;
    a.sync().await;
    b.sync().await;
    let head = server.store.change_count().await.unwrap();

    // A wait with nothing coming answers an empty page once its time is up.
    let t = std::time::Instant::now();
    assert!(!b.client.news_after(head, 300).await.unwrap());
    assert!(t.elapsed() >= Duration::from_millis(300));

    let wake = std::sync::Arc::new(tokio::sync::Notify::new());
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(yitu_replica::sync::run(
        b.store.clone(),
        b.client.clone(),
        yitu_replica::sync::LoopConfig::default(),
        wake,
        |_| {},
        async move {
            let _ = stop_rx.await;
        },
    ));
    // The loop's first pass, then its wait.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let sent = std::time::Instant::now();
    a.set(id, "capacity", "4321", "张指挥", now()).await;
    a.sync().await;
    let mut seen = None;
    while sent.elapsed() < Duration::from_secs(20) {
        if b.record(id).await["capacity"] == serde_json::json!(4321) {
            seen = Some(sent.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = stop_tx.send(());
    task.await.unwrap();
    // Well inside the 30 s interval (±20 % jitter: at least 24 s): the wait brought it.
    let seen = seen.expect("desk B never saw desk A's edit");
    assert!(seen < Duration::from_secs(20), "{seen:?}");
}

/// The background loop retries what the outbox holds until the server answers again: a change
/// made while the server was down reaches it without another local write.
#[tokio::test]
async fn the_background_loop_pushes_once_the_server_is_back() {
    let db = Db::new(Backend::Sqlite).await;
    let server = Server::start(&db).await;
    server
        .store
        .add_user("王参谋", Role::Staff, now())
        .await
        .unwrap();
    let r = Replica::enrol(&server, "王参谋").await;
    let shelter = demo_shelter();
    let id = shelter.id();
    let port = server.url.rsplit(':').next().unwrap().to_owned();
    // The server goes away; the desktop keeps working.
    drop(server);
    tokio::time::sleep(Duration::from_millis(50)).await;
    r.import(vec![shelter]).await;
    r.set(id, "capacity", "4321", "王参谋", now()).await;
    assert_eq!(r.store.pending_count().await.unwrap(), 2);

    let wake = std::sync::Arc::new(tokio::sync::Notify::new());
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let failures = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let seen = failures.clone();
    let config = yitu_replica::sync::LoopConfig {
        interval: Duration::from_millis(100),
        min_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(200),
        ..Default::default()
    };
    let task = tokio::spawn(yitu_replica::sync::run(
        r.store.clone(),
        r.client.clone(),
        config,
        wake,
        move |result| {
            if result.is_err() {
                seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        },
        async {
            let _ = stop_rx.await;
        },
    ));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(failures.load(std::sync::atomic::Ordering::SeqCst) >= 1);
    assert_eq!(r.store.pending_count().await.unwrap(), 2);

    // The server comes back on the same port.
    let store = ServerStore::open(&db.url).await.unwrap();
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}"))
        .await
        .unwrap();
    let served = store.clone();
    let back = tokio::spawn(async move { yitu_server::serve(listener, served).await.unwrap() });
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    // The pass records its end after it has pulled, a moment after its push empties the
    // outbox: wait for both (checking the second alone once the first held was seen to race).
    while r.store.pending_count().await.unwrap() > 0 || r.store.last_sync().await.unwrap().is_none()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the loop never pushed and finished its pass"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(store.change_count().await.unwrap(), 2);
    stop_tx.send(()).unwrap();
    task.await.unwrap();
    back.abort();
}

/// A decision event with a broken signature is refused with nothing written; a good one is
/// countersigned in the server's own chain and reaches the other replicas.
async fn decision_events(backend: Backend) {
    use ed25519_dalek::SigningKey;
    use yitu_domain::command::chain::{EventKind, Unsealed, GENESIS};
    use yitu_domain::sync::{Change, Op, Stamp};
    let d = district(backend).await;
    let pusher = Replica::enrol(&d.server, "张指挥").await;
    let key = SigningKey::from_bytes(&[9; 32]);
    let mut ids = yitu_replica::id_source(now());
    let good = Unsealed {
        incident_id: ids(),
        seq: 1,
        kind: EventKind::Issue,
        decision_id: ids(),
        payload: r#"{"number":"合应决〔2026〕1号"}"#.into(),
        author: "张指挥",
        at_ms: now(),
        prev_hash: GENESIS,
    }
    .seal(&key);
    let mut forged = good.clone();
    forged.payload = r#"{"number":"合应决〔2026〕2号"}"#.into();
    let change = |seq: u64, event: &yitu_domain::command::chain::Event| Change {
        seq,
        stamp: Stamp {
            ms: now() as u64,
            counter: seq as u32,
            node: "pusher".into(),
        },
        author: "张指挥".into(),
        op: Op::Event {
            event: Box::new(event.clone()),
        },
    };
    let count = d.server.store.change_count().await.unwrap();
    let reply = pusher.client.push(vec![change(1, &forged)]).await.unwrap();
    assert_eq!(reply.rejected.len(), 1, "{reply:?}");
    assert_eq!(reply.rejected[0].code, "signature");
    assert_eq!(d.server.store.change_count().await.unwrap(), count);
    assert!(d.server.store.countersigns().await.unwrap().is_empty());

    let reply = pusher.client.push(vec![change(2, &good)]).await.unwrap();
    assert_eq!(reply.accepted, [2]);
    let links = d.server.store.countersigns().await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].event_hash, good.hash);
    let public = d.server.store.public_key().await.unwrap();
    let public: [u8; 32] = yitu_domain::command::canonical::unhex(&public)
        .unwrap()
        .try_into()
        .unwrap();
    let public = ed25519_dalek::VerifyingKey::from_bytes(&public).unwrap();
    assert_eq!(yitu_server::countersign::verify(&links, &public), Ok(()));

    // Another desktop pulls the event exactly as signed; its own check of the chain holds.
    let b = &d.replicas[1];
    b.sync().await;
    assert_eq!(b.store.chain(good.incident_id).await.unwrap(), vec![good]);
    let report = b.store.verify().await.unwrap();
    assert!(report.ok && report.events == 1, "{report:?}");
}

#[tokio::test]
async fn a_decision_with_a_broken_signature_is_refused_and_a_good_one_countersigned_sqlite() {
    decision_events(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_decision_with_a_broken_signature_is_refused_and_a_good_one_countersigned_postgres() {
    decision_events(Backend::Postgres).await;
}

/// What a replica shows, read straight from its SQLite file: every registry row, incident, log
/// and ledger entry, stock line, conflict and chain event (stamps live in the outbox and in
/// `record_op`, which a snapshot compacts).
async fn dump(store: &yitu_replica::Store) -> Vec<String> {
    use sqlx::Connection;
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", store.path().display()))
        .await
        .unwrap();
    let mut rows = Vec::new();
    for sql in [
        "SELECT json_array('resource', id, layer, body, retired, demo) FROM resource ORDER BY id",
        "SELECT json_array('incident', id, body, retired) FROM incident ORDER BY id",
        "SELECT json_array('log', id, incident_id, body) FROM incident_log ORDER BY id",
        "SELECT json_array('ledger', id, depot_id, code, kind, quantity, note) FROM ledger_entry ORDER BY id",
        "SELECT json_array('line', depot_id, code, name, unit, expiry, minimum) FROM stock_line ORDER BY depot_id, code",
        "SELECT json_array('conflict', record_id, field, versions) FROM sync_conflict ORDER BY record_id, field",
        "SELECT json_array('event', incident_id, seq, hash) FROM chain_event ORDER BY incident_id, seq",
    ] {
        let texts: Vec<String> = sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap();
        rows.extend(texts);
    }
    c.close().await.unwrap();
    rows
}

async fn record_op_count(store: &yitu_replica::Store) -> i64 {
    use sqlx::Connection;
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", store.path().display()))
        .await
        .unwrap();
    let n = sqlx::query_scalar("SELECT COUNT(*) FROM record_op")
        .fetch_one(&mut c)
        .await
        .unwrap();
    c.close().await.unwrap();
    n
}

async fn meta(store: &yitu_replica::Store, key: &str) -> Option<String> {
    use sqlx::Connection;
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", store.path().display()))
        .await
        .unwrap();
    let v = sqlx::query_scalar("SELECT value FROM meta WHERE key = ?")
        .bind(key)
        .fetch_optional(&mut c)
        .await
        .unwrap();
    c.close().await.unwrap();
    v
}

/// A district with a history (an edit made twice, a conflict, a rename, a retirement, stock
/// issued on two desktops, an incident with 续报 and a toll, a countersigned decision event);
/// then one new desktop pulls every change and another starts from the snapshot: both show
/// exactly the same rows, the server's state, and stay equal through later edits.
async fn snapshot_first_sync(backend: Backend) {
    use yitu_domain::command::chain::{EventKind, Unsealed, GENESIS};
    use yitu_domain::sync::{Change, Op, Stamp};
    let mut d = district(backend).await;
    let (s0, s1, s2) = (d.shelters[0], d.shelters[1], d.shelters[2]);
    {
        let [a, b, c] = [&d.replicas[0], &d.replicas[1], &d.replicas[2]];
        // A's first capacity is replaced by its second (left out of the snapshot); B's edit is
        // concurrent with both (a conflict the snapshot must keep).
        a.set(s0, "capacity", "1200", "张指挥", now()).await;
        a.set(s0, "capacity", "1300", "张指挥", now() + 1).await;
        b.set(s0, "capacity", "1500", "王参谋", now() + 5).await;
        b.set(s1, "name", "钱塘镇中心小学避难场所", "王参谋", now())
            .await;
        c.retire(s2, "李技术").await;
        a.issue(d.depot, 30, "张指挥").await;
        b.issue(d.depot, 50, "王参谋").await;
        let incident = Incident {
            id: yitu_replica::id_source(now())(),
            title: "合川区森林火灾".into(),
            kind: IncidentKind::ForestFire,
            level: IncidentLevel::Major,
            status: IncidentStatus::Responding,
            at_ms: now(),
            point: LonLat {
                lon: 106.30,
                lat: 30.10,
            },
            area: None,
            toll: Toll::default(),
            created_by: "张指挥".into(),
        };
        a.store
            .create_incident(&actor("张指挥", Role::Commander), &incident, now())
            .await
            .unwrap();
        a.sync().await;
        b.sync().await;
        for (i, r) in [a, b].into_iter().enumerate() {
            let entry = LogEntry {
                id: yitu_replica::id_source(now())(),
                incident_id: incident.id,
                at_ms: now(),
                author: format!("replica {i}"),
                text: format!("第{i}次续报"),
                toll: (i == 1).then_some(Toll {
                    injured: 2,
                    ..Toll::default()
                }),
            };
            r.store
                .add_log(&actor("王参谋", Role::Staff), &entry, now())
                .await
                .unwrap();
        }
        // A signed decision event, pushed as a desktop issuing a decision does.
        let key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
        let event = Unsealed {
            incident_id: incident.id,
            seq: 1,
            kind: EventKind::Issue,
            decision_id: yitu_replica::id_source(now())(),
            payload: r#"{"number":"合应决〔2026〕1号"}"#.into(),
            author: "张指挥",
            at_ms: now(),
            prev_hash: GENESIS,
        }
        .seal(&key);
        let pusher = Replica::enrol(&d.server, "张指挥").await;
        let reply = pusher
            .client
            .push(vec![Change {
                seq: 1,
                stamp: Stamp {
                    ms: now() as u64,
                    counter: 0,
                    node: "pusher".into(),
                },
                author: "张指挥".into(),
                op: Op::Event {
                    event: Box::new(event),
                },
            }])
            .await
            .unwrap();
        assert_eq!(reply.accepted, [1], "{reply:?}");
        for _ in 0..2 {
            for r in [a, b, c] {
                r.sync().await;
            }
        }
    }

    // Two new desktops: P pulls every change, S starts from the snapshot.
    let p = Replica::enrol(&d.server, "王参谋").await;
    let s = Replica::enrol(&d.server, "李技术").await;
    let by_pages = sync_once_with(&p.store, &p.client, u64::MAX).await.unwrap();
    let by_snapshot = sync_once_with(&s.store, &s.client, 1).await.unwrap();
    assert_eq!(by_pages.cursor, by_snapshot.cursor);
    assert_eq!(by_pages.conflicts, 1);
    assert_eq!(by_snapshot.conflicts, 1);
    assert!(
        record_op_count(&s.store).await < record_op_count(&p.store).await,
        "the snapshot leaves out A's replaced capacity"
    );
    assert_eq!(dump(&s.store).await, dump(&p.store).await);
    assert_eq!(meta(&s.store, "hlc").await, meta(&p.store, "hlc").await);
    assert_eq!(
        meta(&s.store, "sync_cursor").await,
        meta(&p.store, "sync_cursor").await
    );
    assert_eq!(s.store.verify().await.unwrap().events, 1);
    d.replicas.push(p);
    d.replicas.push(s);
    assert_converged(&d).await;

    // Later edits reach both alike: the snapshot desktop picks a version, the other renames.
    let (p, s) = (&d.replicas[3], &d.replicas[4]);
    s.store
        .resolve_conflict(s0, "capacity", serde_json::json!(1200), "李技术", now())
        .await
        .unwrap();
    p.set(s1, "name", "钱塘镇避难场所", "王参谋", now()).await;
    for _ in 0..2 {
        for r in &d.replicas {
            r.sync().await;
        }
    }
    for r in &d.replicas {
        assert_eq!(r.record(s0).await["capacity"], serde_json::json!(1200));
        assert!(r.store.conflicts().await.unwrap().is_empty());
    }
    // (Rows are not compared byte for byte here: a desktop stamps the row of its own edit in
    // its local form, one that pulled the edit in the server's.)
    assert_converged(&d).await;

    // Desktops enrolled after those edits: the server serves the snapshot it kept (made before
    // them), and the edits come as pages after its cursor; the rows are those of pulling
    // every change.
    let p2 = Replica::enrol(&d.server, "王参谋").await;
    let s2 = Replica::enrol(&d.server, "李技术").await;
    sync_once_with(&p2.store, &p2.client, u64::MAX)
        .await
        .unwrap();
    let by_kept = sync_once_with(&s2.store, &s2.client, 1).await.unwrap();
    assert!(
        by_kept.pulled > by_snapshot.pulled,
        "the kept snapshot and the edits after it: {by_kept:?} against {by_snapshot:?}"
    );
    assert_eq!(by_kept.conflicts, 0);
    assert_eq!(dump(&s2.store).await, dump(&p2.store).await);
    assert_eq!(meta(&s2.store, "hlc").await, meta(&p2.store, "hlc").await);
    assert_eq!(
        meta(&s2.store, "sync_cursor").await,
        meta(&p2.store, "sync_cursor").await
    );
}

/// A large push is followed, once pushes pause, by a snapshot made ahead of time: the next new
/// desktop is served it and ends like one that pulled every change; a few edits more (within
/// what a kept snapshot may lag) do not make another.
#[tokio::test]
async fn a_snapshot_is_made_ahead_of_time_once_pushes_pause() {
    let db = Db::new(Backend::Sqlite).await;
    let server = Server::start(&db).await;
    for (name, role) in [
        ("张指挥", Role::Commander),
        ("王参谋", Role::Staff),
        ("李技术", Role::Staff),
    ] {
        server.store.add_user(name, role, now()).await.unwrap();
    }
    let a = Replica::enrol(&server, "张指挥").await;
    let data = demo::generate(demo::DEFAULT_SEED);
    let base: Vec<Resource> = data
        .resources
        .into_iter()
        .filter(|r| r.layer() == Layer::Shelters)
        .collect();
    let mut ids = yitu_replica::id_source(now());
    let many: Vec<Resource> = (0..5_200)
        .map(|i| {
            let mut r = base[i % base.len()].clone();
            if let Resource::Shelter(s) = &mut r {
                s.id = ids();
                s.name = format!("{}-{i}", s.name);
            }
            r
        })
        .collect();
    let first = many[0].id();
    a.import(many).await;
    assert!(server.store.kept_snapshot_cursor().is_none());
    a.sync().await;
    let head = server.store.head().await.unwrap();
    // One change per record imported, on a server that held none.
    assert_eq!(head, 5_200);
    let start = std::time::Instant::now();
    while server.store.kept_snapshot_cursor() != Some(head) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no snapshot made ahead of time: {:?}",
            server.store.kept_snapshot_cursor()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let b = Replica::enrol(&server, "王参谋").await;
    let by_snapshot = sync_once(&b.store, &b.client).await.unwrap();
    let c = Replica::enrol(&server, "李技术").await;
    let by_pages = sync_once_with(&c.store, &c.client, u64::MAX).await.unwrap();
    assert_eq!(by_snapshot.cursor, by_pages.cursor);
    assert_eq!(dump(&b.store).await, dump(&c.store).await);

    // A few edits later the kept snapshot is still fresh enough: none is made again.
    a.set(first, "capacity", "4321", "张指挥", now()).await;
    a.sync().await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(server.store.kept_snapshot_cursor(), Some(head));
}

#[tokio::test]
async fn a_first_sync_from_the_snapshot_equals_pulling_every_change_sqlite() {
    snapshot_first_sync(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_first_sync_from_the_snapshot_equals_pulling_every_change_postgres() {
    snapshot_first_sync(Backend::Postgres).await;
}

/// A new desktop that already holds rows of the snapshot's records (the demo, seeded locally
/// with its reproducible ids, as the desktop does on first start) merges them with what it
/// holds, as pulling every change does: a demo shelter the server knows only by an edit of one
/// field keeps its other fields and takes the edit.
#[tokio::test]
async fn a_desktop_holding_demo_rows_takes_the_snapshot_like_pulling_every_change() {
    use yitu_replica::sync::sync_once_with;
    let d = district(Backend::Sqlite).await;
    let a = &d.replicas[0];
    a.store.seed_demo(demo::DEFAULT_SEED).await.unwrap();
    let edited = demo::generate(demo::DEFAULT_SEED)
        .resources
        .iter()
        .filter(|r| r.layer() == Layer::Shelters)
        .map(Resource::id)
        .find(|id| !d.shelters.contains(id))
        .unwrap();
    a.set(edited, "capacity", "4321", "张指挥", now()).await;
    a.set(d.shelters[0], "capacity", "1234", "张指挥", now())
        .await;
    a.sync().await;
    let p = Replica::enrol(&d.server, "王参谋").await;
    let s = Replica::enrol(&d.server, "李技术").await;
    for r in [&p, &s] {
        r.store.seed_demo(demo::DEFAULT_SEED).await.unwrap();
    }
    sync_once_with(&p.store, &p.client, u64::MAX).await.unwrap();
    sync_once_with(&s.store, &s.client, 1).await.unwrap();
    assert_eq!(dump(&s.store).await, dump(&p.store).await);
    assert_eq!(s.record(edited).await["capacity"], serde_json::json!(4321));
    assert_eq!(
        meta(&s.store, "sync_cursor").await,
        meta(&p.store, "sync_cursor").await
    );
}

/// Posts a push body as given (plain JSON, as an old desktop might have written it) with a
/// replica's credential: (HTTP status, the reply's JSON).
async fn raw_push(
    server: &Server,
    r: &Replica,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let credential = r.client.credential();
    let response = reqwest::Client::new()
        .post(format!("{}/v1/push", server.url))
        .header(
            "authorization",
            format!("Bearer {}.{}", credential.device, credential.token),
        )
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    answer(response).await
}

/// A reply's status and its JSON (errors are plain JSON, answers zstd); a body that is not
/// JSON as a string of its text, to be shown when a test fails.
async fn answer(response: reqwest::Response) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    let zstd = response.headers().get("content-encoding").is_some();
    let bytes = response.bytes().await.unwrap();
    let json = if zstd {
        zstd::stream::decode_all(bytes.as_ref()).unwrap()
    } else {
        bytes.to_vec()
    };
    let value = serde_json::from_slice(&json)
        .unwrap_or_else(|_| String::from_utf8_lossy(&json).into_owned().into());
    (status, value)
}

/// A desktop of protocol 1 (before the snapshot) pushes a body of its shape, without the fields
/// that have serde defaults (a first write's `base`, a movement's `note`): the server, at
/// protocol 2, takes it and the other desktops see it; versions it does not read are refused by
/// number with nothing written.
async fn old_client(backend: Backend) {
    let d = district(backend).await;
    let old = Replica::enrol(&d.server, "王参谋").await;
    let at = now() as u64;
    let count = d.server.store.change_count().await.unwrap();
    for protocol in [0, yitu_domain::sync::wire::PROTOCOL + 1] {
        let (status, reply) = raw_push(
            &d.server,
            &old,
            serde_json::json!({"protocol": protocol, "changes": []}),
        )
        .await;
        assert_eq!(status, 400, "{reply}");
        assert_eq!(reply["code"], "bad_request");
        let message = reply["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("protocol {protocol}")),
            "{message}"
        );
    }
    assert_eq!(d.server.store.change_count().await.unwrap(), count);

    let body = serde_json::json!({
        "protocol": 1,
        "changes": [
            {"seq": 1, "stamp": format!("{at:016}-0000000000-olddesk"), "author": "王参谋",
             "op": {"op": "record", "collection": "shelters", "id": d.shelters[0].to_string(),
                    "fields": {"capacity": {"value": 900}}}},
            {"seq": 2, "stamp": format!("{at:016}-0000000001-olddesk"), "author": "王参谋",
             "op": {"op": "ledger", "name": "棉被", "unit": "床",
                    "entry": {"id": yitu_replica::id_source(now())().to_string(),
                              "depot_id": d.depot.to_string(), "code": "1010301",
                              "kind": "issue", "quantity": 5, "at_ms": at}}}
        ]
    });
    let (status, reply) = raw_push(&d.server, &old, body).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["accepted"], serde_json::json!([1, 2]), "{reply}");
    let a = &d.replicas[0];
    a.sync().await;
    assert_eq!(
        a.record(d.shelters[0]).await["capacity"],
        serde_json::json!(900)
    );
    assert_eq!(a.on_hand(d.depot).await, 95);
}

#[tokio::test]
async fn an_old_client_push_of_protocol_1_is_still_taken_sqlite() {
    old_client(Backend::Sqlite).await;
}

#[tokio::test]
async fn an_old_client_push_of_protocol_1_is_still_taken_postgres() {
    old_client(Backend::Postgres).await;
}

/// A snapshot request this server cannot answer as asked (an unknown parameter), or without a
/// credential, is refused with `{code, message}`; the desktop's store is left as it was.
#[tokio::test]
async fn a_malformed_snapshot_request_is_refused_and_changes_nothing() {
    let d = district(Backend::Sqlite).await;
    let fresh = Replica::enrol(&d.server, "李技术").await;
    let credential = fresh.client.credential().clone();
    let http = reqwest::Client::new();
    let asked = http
        .get(format!("{}/v1/snapshot?page=2", d.server.url))
        .header(
            "authorization",
            format!("Bearer {}.{}", credential.device, credential.token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status().as_u16(), 400);
    let body: serde_json::Value = serde_json::from_slice(&asked.bytes().await.unwrap()).unwrap();
    assert_eq!(body["code"], "bad_request");
    assert!(body["message"].as_str().unwrap().contains("page"), "{body}");
    let anonymous = http
        .get(format!("{}/v1/snapshot", d.server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);

    // A snapshot that is not one (cut short, or not zstd) is refused by the desktop unapplied.
    let before = dump(&fresh.store).await;
    let good = fresh.client.snapshot().await.unwrap();
    for bad in [&good[..good.len() / 2], b"not zstd".as_slice()] {
        let err = fresh.store.apply_snapshot(bad).await.unwrap_err();
        assert!(err.to_string().contains("bad snapshot"), "{err}");
        assert_eq!(dump(&fresh.store).await, before);
        assert_eq!(meta(&fresh.store, "sync_cursor").await, None);
    }
    fresh.store.apply_snapshot(&good).await.unwrap();
    assert_ne!(dump(&fresh.store).await, before);
}

/// A snapshot download cut midway goes on from where it was: the server serves the rest of
/// the snapshot it names from any offset, refuses a snapshot it no longer keeps (409
/// `snapshot_gone`, the desk starts again) and a resume that names half of what it needs; a
/// desk that holds the first half in its part file and asks for the rest ends as one that got
/// it whole. (`changes_get_through_a_link_cut_every_few_seconds`' late desk does it over a
/// link really cut.)
#[tokio::test]
async fn a_cut_snapshot_download_goes_on_from_where_it_was() {
    let d = district(Backend::Sqlite).await;
    let fresh = Replica::enrol(&d.server, "李技术").await;
    let credential = fresh.client.credential().clone();
    let http = reqwest::Client::new();
    let get = |query: String| {
        http.get(format!("{}/v1/snapshot{query}", d.server.url))
            .header(
                "authorization",
                format!("Bearer {}.{}", credential.device, credential.token),
            )
            .send()
    };
    let first = get(String::new()).await.unwrap();
    assert_eq!(first.status().as_u16(), 200);
    let cursor: u64 = first.headers()[yitu_domain::sync::wire::SNAPSHOT_CURSOR]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(cursor, d.server.store.change_count().await.unwrap());
    let whole = first.bytes().await.unwrap();
    for offset in [0, 10, whole.len() / 2, whole.len()] {
        let rest = get(format!("?cursor={cursor}&offset={offset}"))
            .await
            .unwrap();
        assert_eq!(rest.status().as_u16(), 200);
        assert_eq!(rest.bytes().await.unwrap(), whole[offset..]);
    }
    // Bounded ranges (protocol 4): the slice asked for, the whole size named, the last one
    // short.
    for (offset, length) in [(0, 1), (10, 100), (whole.len() - 5, 100)] {
        let range = get(format!("?cursor={cursor}&offset={offset}&length={length}"))
            .await
            .unwrap();
        assert_eq!(range.status().as_u16(), 200);
        let size = range.headers()[yitu_domain::sync::wire::SNAPSHOT_SIZE]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(size, whole.len().to_string());
        let end = (offset + length).min(whole.len());
        assert_eq!(range.bytes().await.unwrap(), whole[offset..end]);
    }
    for (query, status, code) in [
        (
            format!("?cursor={cursor}&offset=0&length=0"),
            400,
            "bad_request",
        ),
        ("?length=100".to_owned(), 400, "bad_request"),
        (
            format!("?cursor={}&offset=0", cursor + 1),
            409,
            "snapshot_gone",
        ),
        (
            format!("?cursor={cursor}&offset={}", whole.len() + 1),
            400,
            "bad_request",
        ),
        (format!("?cursor={cursor}"), 400, "bad_request"),
    ] {
        let refused = get(query.clone()).await.unwrap();
        assert_eq!(refused.status().as_u16(), status, "{query}");
        let body: serde_json::Value =
            serde_json::from_slice(&refused.bytes().await.unwrap()).unwrap();
        assert_eq!(body["code"], code, "{query}: {body}");
    }

    // The desk's side: half in its part file, the rest asked for, applied as one.
    let part = fresh._dir.path().join("snapshot.part");
    std::fs::write(&part, &whole[..whole.len() / 2]).unwrap();
    let (named, body) = fresh
        .client
        .snapshot_into(&part, Some(cursor))
        .await
        .unwrap();
    assert_eq!(named, Some(cursor));
    fresh.store.apply_snapshot_from(body).await.unwrap();
    assert_eq!(std::fs::read(&part).unwrap(), whole);
    let whole_desk = Replica::enrol(&d.server, "李技术").await;
    whole_desk.store.apply_snapshot(&whole).await.unwrap();
    assert_eq!(dump(&fresh.store).await, dump(&whole_desk.store).await);

    // In ranges: a tenth in the part file, then ranges of a seventh appended until it is whole.
    let ranged = Replica::enrol(&d.server, "李技术").await;
    let part = ranged._dir.path().join("snapshot.part");
    std::fs::write(&part, &whole[..whole.len() / 10]).unwrap();
    let step = (whole.len() / 7).max(1) as u64;
    let mut ranges = 0;
    loop {
        let held = std::fs::metadata(&part).unwrap().len();
        let size = ranged
            .client
            .snapshot_range(&part, cursor, held, step)
            .await
            .unwrap();
        ranges += 1;
        assert_eq!(size, whole.len() as u64);
        if std::fs::metadata(&part).unwrap().len() >= size {
            break;
        }
        assert!(ranges < 20, "the ranges never reached the end");
    }
    assert!(ranges >= 7, "{ranges} ranges");
    assert_eq!(std::fs::read(&part).unwrap(), whole);
    let err = ranged
        .client
        .snapshot_range(&part, cursor + 1, 0, step)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, yitu_replica::Error::Server { code, .. } if code == "snapshot_gone"),
        "{err}"
    );
    ranged
        .store
        .apply_snapshot_from(std::fs::File::open(&part).unwrap())
        .await
        .unwrap();
    assert_eq!(dump(&ranged.store).await, dump(&whole_desk.store).await);
}

/// The server over HTTPS with a self-signed certificate made here: a desktop given the
/// certificate as its CA enrols and syncs; one that does not trust it is refused before any
/// credential is kept; a missing or wrong certificate file is named in the error.
#[tokio::test]
async fn one_sync_over_tls_with_a_self_signed_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let cert = dir.path().join("server-cert.pem");
    let key = dir.path().join("server-key.pem");
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();

    let missing = dir.path().join("missing-cert.pem");
    let err = yitu_server::tls::config(&missing, &key).await.unwrap_err();
    assert_eq!(err.code(), "tls");
    assert!(err.to_string().contains("missing-cert.pem"), "{err}");
    // The key where the certificate belongs: read, but not a certificate.
    let err = yitu_server::tls::config(&key, &key).await.unwrap_err();
    assert!(err.to_string().contains("cannot be used"), "{err}");

    let db = Db::new(Backend::Sqlite).await;
    let store = ServerStore::open(&db.url).await.unwrap();
    store
        .add_user("张指挥", Role::Commander, now())
        .await
        .unwrap();
    let config = yitu_server::tls::config(&cert, &key).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(yitu_server::tls::serve(listener, store.clone(), config));

    async fn desktop(label: &str) -> (tempfile::TempDir, yitu_replica::Store, String) {
        let dir = tempfile::tempdir().unwrap();
        let store = yitu_replica::Store::open(dir.path()).await.unwrap();
        (dir, store, label.to_owned())
    }
    let (_untrusting_dir, untrusting, _) = desktop("u").await;
    let code = store.enrol_code("张指挥", now()).await.unwrap();
    let err = untrusting.enrol(&url, &code, "u").await.unwrap_err();
    assert_eq!(err.code(), "offline", "{err}");
    assert!(untrusting.credential().unwrap().is_none());
    let err = untrusting
        .enrol_with_ca(&url, &code, "u", Some(&missing))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("missing-cert.pem"), "{err}");

    let mut replicas = Vec::new();
    for n in ["a", "b"] {
        let (dir, r, label) = desktop(n).await;
        let code = store.enrol_code("张指挥", now()).await.unwrap();
        let credential = r
            .enrol_with_ca(&url, &code, &label, Some(&cert))
            .await
            .unwrap();
        assert_eq!(credential.ca.as_deref(), Some(cert.as_path()));
        replicas.push((dir, r, Client::new(credential).unwrap()));
    }
    let shelters: Vec<Resource> = demo::generate(demo::DEFAULT_SEED)
        .resources
        .into_iter()
        .filter(|r| r.layer() == Layer::Shelters)
        .take(3)
        .collect();
    let (_, a, ca) = &replicas[0];
    let (_, b, cb) = &replicas[1];
    let mut ids = yitu_replica::id_source(now());
    let plan = ImportPlan::Resources(
        shelters
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, r)| (i + 1, RowChange::Insert(r)))
            .collect(),
    );
    a.apply_import(&plan, author("张指挥", now(), &mut ids), |_, _| {})
        .await
        .unwrap();
    let pushed = sync_once(a, ca).await.unwrap();
    assert_eq!(pushed.accepted, 3, "{pushed:?}");
    let pulled = sync_once(b, cb).await.unwrap();
    assert_eq!(pulled.pulled, 3, "{pulled:?}");
    let view = cb.server_view().await.unwrap();
    for s in &shelters {
        let local = serde_json::to_value(b.resource(s.id()).await.unwrap()).unwrap();
        assert_eq!(
            local["name"],
            view.records[&format!("shelters/{}", s.id())]["name"]
        );
    }
    task.abort();
}

/// Decisions across desks: the vehicle, the technical officers, the centre and a town desk.
#[path = "sync/decisions.rs"]
mod decisions;

#[path = "sync/restore.rs"]
mod restore;

#[path = "sync/clock.rs"]
mod clock;

#[path = "sync/enrol.rs"]
mod enrol;

/// Hostile and bad input at the server's door, in one table (`sync/hostile.rs`).
#[path = "sync/hostile.rs"]
mod hostile;

#[path = "sync/telemetry.rs"]
mod telemetry;
