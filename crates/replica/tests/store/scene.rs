//! The command desk's scene for the store's own tests: the demo data in a real SQLite file in a
//! temp folder, four local users, an incident, one stock line and one shelter whose numbers are
//! set by hand; one helper per kind of store call (so a changed signature is mended in one
//! place); and what the file holds, read back through a connection of its own.

use sqlx::{Connection, SqliteConnection};
use yitu_domain::command::decision::{
    Basis, Content, Decision, MaterialDraw, Order, Recipient, Relocation,
};
use yitu_domain::command::incident::{
    Incident, IncidentKind, IncidentLevel, IncidentStatus, LogEntry, Toll,
};
use yitu_domain::command::role::Role;
use yitu_domain::registries::depot::DepotLevel;
use yitu_domain::registries::resource::Resource;
use yitu_domain::stock::material::MaterialCode;
use yitu_domain::stock::{Balance, MoveKind, Terms};
use yitu_domain::sync::Op;
use yitu_domain::{demo, EntityId, Layer, LonLat};
use yitu_replica::decisions::Act;
use yitu_replica::movement::NewLine;
use yitu_replica::user::Actor;
use yitu_replica::Author;
use yitu_replica::{Error, Store};

/// 2026-05-28 (Beijing): the scene's clock, advanced by one second per write.
pub const T0: i64 = 1_780_000_000_000;
/// A material the demo stocks nowhere, so its line holds only what the scene puts in.
pub const TENTS: &str = "1990101";
/// What the scene's stock line starts with, received by hand.
pub const START: i64 = 100;
/// The scene's shelter, set by hand: 500 places, 100 taken, so 400 free.
pub const CAPACITY: u32 = 500;
pub const OCCUPANCY: u32 = 100;

pub struct Scene {
    /// The data folder, removed when the scene ends.
    _dir: tempfile::TempDir,
    pub store: Store,
    pub commander: Actor,
    pub technical: Actor,
    pub staff: Actor,
    pub observer: Actor,
    pub incident: EntityId,
    /// The demo's district depot, and the line of [`TENTS`] opened in it.
    pub depot: EntityId,
    pub tents: MaterialCode,
    pub shelter: EntityId,
    clock: i64,
    ids: Box<dyn FnMut() -> EntityId + Send + Sync>,
}

impl Scene {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        store.seed_demo(demo::DEFAULT_SEED).await.unwrap();
        let user = |name: &'static str, role| {
            let store = store.clone();
            async move { store.add_user(name, role, T0).await.unwrap() }
        };
        let commander = user("张指挥", Role::Commander).await;
        let technical = user("李技术", Role::TechnicalOfficer).await;
        let staff = user("王参谋", Role::Staff).await;
        let observer = user("赵观察", Role::Observer).await;
        let depot = store
            .resources(Layer::Depots)
            .await
            .unwrap()
            .into_iter()
            .find(|r| matches!(r, Resource::Depot(d) if d.level == DepotLevel::District))
            .unwrap()
            .id();
        let shelter = store.resources(Layer::Shelters).await.unwrap()[0].id();
        let mut s = Scene {
            _dir: dir,
            store,
            commander,
            technical,
            staff,
            observer,
            incident: EntityId::v7(0, [0; 10]),
            depot,
            tents: MaterialCode::parse(TENTS).unwrap(),
            shelter,
            clock: T0,
            ids: Box::new(yitu_replica::id_source(T0)),
        };
        let incident = s.incident_at(LonLat {
            lon: 106.30,
            lat: 30.10,
        });
        s.create_incident(&s.staff.clone(), &incident)
            .await
            .unwrap();
        s.incident = incident.id;
        let line = NewLine {
            name: "测试帐篷",
            unit: "顶",
            terms: Terms::default(),
        };
        s.move_stock(MoveKind::Receive, START, Some(line))
            .await
            .unwrap();
        let at = s.tick();
        let sets = [
            ("capacity".to_owned(), CAPACITY.to_string()),
            ("occupancy".to_owned(), OCCUPANCY.to_string()),
            ("status".to_owned(), "open".to_owned()),
        ];
        let mut ids = yitu_replica::id_source(at);
        s.store
            .update_record(
                s.shelter,
                &sets,
                yitu_domain::import::Crs::Wgs84,
                Author {
                    actor: "王参谋",
                    at_ms: at,
                    source: "test",
                    new_id: &mut ids,
                },
            )
            .await
            .unwrap();
        s
    }

    /// The next second of the scene's clock.
    pub fn tick(&mut self) -> i64 {
        self.clock += 1_000;
        self.clock
    }

    pub fn new_id(&mut self) -> EntityId {
        (self.ids)()
    }

    /// A forest fire at `point`, 120 people affected.
    pub fn incident_at(&mut self, point: LonLat) -> Incident {
        Incident {
            id: self.new_id(),
            title: "钱塘镇龙凤村山火".into(),
            kind: IncidentKind::ForestFire,
            level: IncidentLevel::Major,
            status: IncidentStatus::Responding,
            at_ms: self.tick(),
            point,
            area: None,
            toll: Toll {
                affected: 120,
                ..Toll::default()
            },
            created_by: "王参谋".into(),
        }
    }

    /// A decision's content: one order, `tents` of the scene's tents, `people` to its shelter.
    pub fn content(&self, tents: i64, people: u32) -> Content {
        Content {
            class: Default::default(),
            situation: "龙凤村后山山火，火线约800米。".into(),
            objectives: vec!["控制火势".into()],
            orders: vec![Order {
                recipient: Recipient {
                    id: None,
                    name: "区森林消防队".into(),
                },
                action: "正面扑打并开设隔离带".into(),
                place: String::new(),
                geometry: None,
                deadline: "2小时内".into(),
            }],
            materials: if tents > 0 {
                vec![MaterialDraw {
                    depot_id: self.depot,
                    code: self.tents.clone(),
                    quantity: tents,
                    name: String::new(),
                    depot_name: String::new(),
                    unit: String::new(),
                }]
            } else {
                vec![]
            },
            relocations: if people > 0 {
                vec![Relocation {
                    shelter_id: self.shelter,
                    people,
                    shelter_name: String::new(),
                    from: "龙凤村5组".into(),
                }]
            } else {
                vec![]
            },
            safety: vec!["不在火线下方扑火".into()],
            basis: Basis {
                plan_clauses: vec![
                    "《合川区应急管理“十四五”规划》三（二）11「森林火灾防治」".into()
                ],
                ..Basis::default()
            },
            drawings: vec![],
            supersedes: None,
        }
    }

    // One helper per kind of store call.

    pub async fn create_incident(&mut self, who: &Actor, incident: &Incident) -> Result<(), Error> {
        let now = self.tick();
        self.store.create_incident(who, incident, now).await
    }

    /// A 续报 by `who`, with a new toll or none.
    pub async fn log(
        &mut self,
        who: &Actor,
        text: &str,
        toll: Option<Toll>,
    ) -> Result<LogEntry, Error> {
        let entry = LogEntry {
            id: self.new_id(),
            incident_id: self.incident,
            at_ms: self.tick(),
            author: who.name.clone(),
            text: text.into(),
            toll,
        };
        self.store
            .add_log(who, &entry, entry.at_ms)
            .await
            .map(|()| entry)
    }

    pub async fn draft(&mut self, who: &Actor, content: Content) -> Result<Decision, Error> {
        let (id, at) = (self.new_id(), self.tick());
        self.store
            .draft_decision(who, self.incident, content, id, at)
            .await
    }

    pub async fn edit(
        &mut self,
        who: &Actor,
        id: EntityId,
        content: Content,
    ) -> Result<Decision, Error> {
        let at = self.tick();
        self.store.edit_draft(who, id, content, at).await
    }

    pub async fn act(&mut self, who: &Actor, id: EntityId, act: Act) -> Result<Decision, Error> {
        let at = self.tick();
        self.store.act(who, id, act, at, &mut *self.ids).await
    }

    /// Review (agree), approve: ready to issue.
    pub async fn approved(&mut self, content: Content) -> Decision {
        let d = self.draft(&self.staff.clone(), content).await.unwrap();
        let agree = Act::Review {
            agree: true,
            advice: "隔离带宜开在山脊".into(),
        };
        self.act(&self.technical.clone(), d.id, agree)
            .await
            .unwrap();
        self.act(&self.commander.clone(), d.id, Act::Approve)
            .await
            .unwrap()
    }

    /// A movement of the scene's tents by the keeper 王参谋.
    pub async fn move_stock(
        &mut self,
        kind: MoveKind,
        quantity: i64,
        new_line: Option<NewLine<'_>>,
    ) -> Result<Balance, Error> {
        let at = self.tick();
        let author = Author {
            actor: "王参谋",
            at_ms: at,
            source: "test",
            new_id: &mut *self.ids,
        };
        self.store
            .move_stock(
                self.depot,
                &self.tents,
                kind,
                quantity,
                "",
                new_line,
                author,
            )
            .await
    }

    pub async fn set_terms(&mut self, terms: Terms) -> Result<(), Error> {
        let at = self.tick();
        let author = Author {
            actor: "王参谋",
            at_ms: at,
            source: "test",
            new_id: &mut *self.ids,
        };
        self.store
            .set_stock_terms(self.depot, &self.tents, terms, author)
            .await
    }

    // What the file holds.

    /// The scene's tents as the store folds them.
    pub async fn tents_balance(&self) -> Balance {
        self.store
            .stock(self.depot, "2026-05-28")
            .await
            .unwrap()
            .into_iter()
            .find(|l| l.code == TENTS)
            .expect("the scene's line")
            .balance
    }

    /// Places promised at the scene's shelter (the sum of its reservation rows).
    pub async fn promised(&self) -> i64 {
        self.query_one(&format!(
            "SELECT coalesce(sum(people), 0) FROM shelter_reservation WHERE shelter_id = '{}'",
            self.shelter
        ))
        .await
        .parse()
        .unwrap()
    }

    /// The outbox's last sequence number.
    pub async fn outbox_head(&self) -> i64 {
        self.query_one("SELECT coalesce(max(seq), 0) FROM outbox")
            .await
            .parse()
            .unwrap()
    }

    /// The changes the outbox holds after `seq`, each said in a line ([`said`]).
    pub async fn outbox_after(&self, seq: i64) -> Vec<String> {
        let mut c = self.connect().await;
        let ops: Vec<String> =
            sqlx::query_scalar("SELECT op FROM outbox WHERE seq > ? ORDER BY seq")
                .bind(seq)
                .fetch_all(&mut c)
                .await
                .unwrap();
        c.close().await.unwrap();
        ops.iter()
            .map(|o| said(&serde_json::from_str(o).unwrap()))
            .collect()
    }

    /// Every row of every table, as text: what "nothing written" is checked against.
    pub async fn everything(&self) -> Vec<(String, Vec<String>)> {
        let mut c = self.connect().await;
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .fetch_all(&mut c)
        .await
        .unwrap();
        let mut out = Vec::new();
        for t in tables {
            let columns: Vec<String> =
                sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{t}')"))
                    .fetch_all(&mut c)
                    .await
                    .unwrap();
            let row = columns
                .iter()
                .map(|c| format!("quote(\"{c}\")"))
                .collect::<Vec<_>>()
                .join(" || ',' || ");
            let rows: Vec<String> =
                sqlx::query_scalar(&format!("SELECT {row} FROM \"{t}\" ORDER BY 1"))
                    .fetch_all(&mut c)
                    .await
                    .unwrap();
            out.push((t, rows));
        }
        c.close().await.unwrap();
        out
    }

    async fn connect(&self) -> SqliteConnection {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(self.store.path())
            .read_only(true);
        SqliteConnection::connect_with(&options).await.unwrap()
    }

    async fn query_one(&self, sql: &str) -> String {
        let mut c = self.connect().await;
        let v: String = sqlx::query_scalar(&format!("SELECT CAST(({sql}) AS TEXT)"))
            .fetch_one(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
        v
    }
}

/// A change in a line: what it is and the numbers a reader checks, e.g.
/// `ledger reserve 30 1990101 note=合川现指〔2026〕1号 预留` or `event issue #1`.
pub fn said(op: &Op) -> String {
    match op {
        Op::Ledger { entry, terms, .. } => {
            let mut s = format!(
                "ledger {} {} {}",
                entry.kind.code(),
                entry.quantity,
                entry.code.as_str()
            );
            if !entry.note.is_empty() {
                s.push_str(&format!(" note={}", entry.note));
            }
            if let Some(t) = terms {
                s.push_str(&format!(" terms={:?}/{:?}", t.expiry, t.minimum));
            }
            s
        }
        Op::Event { event } => format!("event {} #{}", event.kind.code(), event.seq),
        Op::Record {
            collection, fields, ..
        } => {
            let names: Vec<&str> = fields.keys().map(String::as_str).collect();
            format!("record {collection} {}", names.join(","))
        }
        Op::Log { .. } => "log".into(),
        Op::Readings { source, readings } => format!("readings {source} {}", readings.len()),
        Op::AlarmStep { step } => format!("alarm step {}", step.alarm()),
        Op::Act { transition: t } => match &t.event {
            Some(e) => format!(
                "act {} event {} #{}",
                t.act.action().code(),
                e.kind.code(),
                e.seq
            ),
            None => format!("act {}", t.act.action().code()),
        },
    }
}
