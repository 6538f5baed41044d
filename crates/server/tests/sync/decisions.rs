//! Decisions travel between desks through the real server: drafted in the vehicle, reviewed by
//! the technical officer on another desk, signed, acknowledged by a town desk; and each pair of
//! acts two desks take at once, decided by the rules of `yitu_domain::command::fold`, the same
//! on every desk, with nothing reserved twice or lost and every chain verified.

use super::*;
use yitu_domain::command::act::Act;
use yitu_domain::command::decision::{Content, MaterialDraw, Order, Recipient, Relocation};
use yitu_domain::command::fold::Rule;
use yitu_domain::command::workflow::DecisionState;

struct Desks {
    d: District,
    /// 张指挥 in the command vehicle.
    vehicle: usize,
    /// 李技术, technical officer.
    tech: usize,
    /// 刘指挥 at the command centre, 陈技术 a second technical officer, 钱塘镇值班员 at the town.
    centre: Replica,
    tech2: Replica,
    town: Replica,
    incident: EntityId,
}

impl Desks {
    fn all(&self) -> Vec<(&'static str, &Replica)> {
        vec![
            ("vehicle", &self.d.replicas[self.vehicle]),
            ("tech", &self.d.replicas[self.tech]),
            ("centre", &self.centre),
            ("tech2", &self.tech2),
            ("town", &self.town),
        ]
    }

    /// Every desk syncs, twice round, so each has heard every other.
    async fn sync_all(&self) {
        for _ in 0..2 {
            for (_, r) in self.all() {
                r.sync().await;
            }
        }
    }

    fn content(&self, quilts: i64, people: u32) -> Content {
        let order = |name: &str, action: &str| Order {
            recipient: Recipient {
                id: None,
                name: name.into(),
            },
            action: action.into(),
            place: "龙凤村5组".into(),
            geometry: None,
            deadline: "30分钟内".into(),
        };
        Content {
            class: Default::default(),
            situation: "钱塘镇龙凤村山洪，12户被困".into(),
            objectives: vec!["2小时内转移受威胁群众".into()],
            orders: vec![
                order("钱塘镇人民政府", "组织转移"),
                order("区综合应急救援队", "搜救被困群众"),
            ],
            materials: vec![MaterialDraw {
                depot_id: self.d.depot,
                code: quilt(),
                quantity: quilts,
                name: String::new(),
                depot_name: String::new(),
                unit: String::new(),
            }],
            relocations: vec![Relocation {
                shelter_id: self.d.shelters[0],
                people,
                shelter_name: String::new(),
                from: "龙凤村5组".into(),
            }],
            ..Content::default()
        }
    }

    async fn draft(&self, quilts: i64, people: u32) -> EntityId {
        let id = yitu_replica::id_source(now())();
        self.d.replicas[self.vehicle]
            .store
            .draft_decision(
                &actor("张指挥", Role::Commander),
                self.incident,
                self.content(quilts, people),
                id,
                now(),
            )
            .await
            .unwrap();
        id
    }
}

async fn act(
    r: &Replica,
    who: &str,
    role: Role,
    id: EntityId,
    act: Act,
) -> Result<yitu_domain::command::decision::Decision, yitu_replica::Error> {
    let mut ids = yitu_replica::id_source(now());
    r.store
        .act(&actor(who, role), id, act, now(), &mut ids)
        .await
}

fn review(agree: bool, advice: &str) -> Act {
    Act::Review {
        agree,
        advice: advice.into(),
    }
}

fn withdraw(reason: &str) -> Act {
    Act::Withdraw {
        reason: reason.into(),
    }
}

async fn desks(backend: Backend) -> Desks {
    let d = district(backend).await;
    for (name, role) in [
        ("刘指挥", Role::Commander),
        ("陈技术", Role::TechnicalOfficer),
        ("钱塘镇值班员", Role::Staff),
    ] {
        d.server.store.add_user(name, role, now()).await.unwrap();
    }
    let centre = Replica::enrol(&d.server, "刘指挥").await;
    let tech2 = Replica::enrol(&d.server, "陈技术").await;
    let town = Replica::enrol(&d.server, "钱塘镇值班员").await;
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
        created_by: "张指挥".into(),
    };
    d.replicas[0]
        .store
        .create_incident(&actor("张指挥", Role::Commander), &incident, now())
        .await
        .unwrap();
    let desks = Desks {
        d,
        vehicle: 0,
        tech: 2,
        centre,
        tech2,
        town,
        incident: incident.id,
    };
    desks.sync_all().await;
    desks
}

/// What every desk must agree on for a decision: state, number, reviews, acknowledgements,
/// the concurrent pairs, and the quilts the depot holds and promises.
async fn seen(
    r: &Replica,
    id: EntityId,
    depot: EntityId,
) -> (String, String, usize, Vec<String>, Vec<String>, (i64, i64)) {
    let v = r.store.decision_view(id).await.unwrap();
    let quilts = r.quilts(depot).await.balance;
    (
        v.decision.state.code().to_owned(),
        v.decision.number.clone(),
        v.decision.reviews.len(),
        v.acknowledgements
            .iter()
            .map(|a| format!("{} {}", a.recipient, a.unaware_of_withdrawal))
            .collect(),
        v.concurrent
            .iter()
            .map(|c| c.rule.code().to_owned())
            .collect(),
        (quilts.on_hand, quilts.reserved),
    )
}

async fn assert_all_agree(
    ds: &Desks,
    id: EntityId,
) -> (String, String, usize, Vec<String>, Vec<String>, (i64, i64)) {
    let first = seen(&ds.d.replicas[ds.vehicle], id, ds.d.depot).await;
    for (name, r) in ds.all() {
        assert_eq!(seen(r, id, ds.d.depot).await, first, "{name} differs");
        let report = r.store.verify().await.unwrap();
        assert!(report.ok, "{name}: {report:?}");
    }
    first
}

async fn decisions_travel(backend: Backend) {
    let ds = desks(backend).await;
    let (vehicle, tech) = (&ds.d.replicas[ds.vehicle], &ds.d.replicas[ds.tech]);

    // 1. The whole workflow across desks: drafted in the vehicle, reviewed on the technical
    //    officer's desk, signed in the vehicle, acknowledged at the town, completed.
    let first = ds.draft(30, 40).await;
    vehicle.sync().await;
    tech.sync().await;
    assert_eq!(
        tech.store.decision(first).await.unwrap().state,
        DecisionState::Draft,
        "the draft reached the technical officer"
    );
    act(
        tech,
        "李技术",
        Role::TechnicalOfficer,
        first,
        review(true, "同意，注意上游来水"),
    )
    .await
    .unwrap();
    tech.sync().await;
    vehicle.sync().await;
    act(vehicle, "张指挥", Role::Commander, first, Act::Approve)
        .await
        .unwrap();
    let issued = act(vehicle, "张指挥", Role::Commander, first, Act::Issue)
        .await
        .unwrap();
    let vehicle_code = vehicle.store.desk_code().unwrap();
    assert_eq!(issued.number, format!("合川现指〔2026〕{vehicle_code}-1号"));
    ds.sync_all().await;
    let town_view = ds.town.store.decision_view(first).await.unwrap();
    assert_eq!(town_view.awaiting, ["钱塘镇人民政府", "区综合应急救援队"]);
    act(
        &ds.town,
        "钱塘镇值班员",
        Role::Staff,
        first,
        Act::Acknowledge {
            recipient: "钱塘镇人民政府".into(),
        },
    )
    .await
    .unwrap();
    ds.sync_all().await;
    let agreed = assert_all_agree(&ds, first).await;
    assert_eq!(agreed.0, "issued");
    assert_eq!(agreed.3, ["钱塘镇人民政府 false"]);
    assert_eq!(agreed.5, (100, 30), "30 quilts promised once on every desk");
    // The sheet says which desk reviewed and signed.
    let history = ds.centre.store.decision_view(first).await.unwrap().history;
    let desk_of = |action: &str| {
        history
            .iter()
            .find(|h| h.action == action)
            .unwrap()
            .desk
            .clone()
    };
    assert_eq!(desk_of("issue"), vehicle_code);
    assert_eq!(desk_of("review_agree"), tech.store.desk_code().unwrap());

    // 2. While apart, the centre withdraws a decision the vehicle issues.
    let second = ds.draft(20, 10).await;
    ds.sync_all().await;
    act(
        tech,
        "李技术",
        Role::TechnicalOfficer,
        second,
        review(true, "同意"),
    )
    .await
    .unwrap();
    ds.sync_all().await;
    act(
        &ds.centre,
        "刘指挥",
        Role::Commander,
        second,
        withdraw("险情变化，另行部署"),
    )
    .await
    .unwrap();
    act(vehicle, "张指挥", Role::Commander, second, Act::Approve)
        .await
        .unwrap();
    act(vehicle, "张指挥", Role::Commander, second, Act::Issue)
        .await
        .unwrap();
    ds.sync_all().await;
    let after = assert_all_agree(&ds, second).await;
    assert_eq!(after.0, "withdrawn");
    assert!(
        after.4.contains(&Rule::WithdrawalStands.code().to_owned()),
        "{after:?}"
    );
    assert_eq!(
        after.5,
        (100, 30),
        "the withdrawn one holds nothing; the first still 30"
    );

    // 3. Two technical officers review the same draft at once: one agrees, one objects.
    let third = ds.draft(10, 5).await;
    ds.sync_all().await;
    act(
        tech,
        "李技术",
        Role::TechnicalOfficer,
        third,
        review(true, "同意"),
    )
    .await
    .unwrap();
    act(
        &ds.tech2,
        "陈技术",
        Role::TechnicalOfficer,
        third,
        review(false, "转移路线经过滑坡体，须改道"),
    )
    .await
    .unwrap();
    ds.sync_all().await;
    let after = assert_all_agree(&ds, third).await;
    assert_eq!((after.0.as_str(), after.2), ("draft", 2), "{after:?}");
    assert_eq!(after.4, [Rule::ObjectionStands.code()]);

    // 4. The town acknowledges a decision the centre meanwhile withdraws.
    let fourth = ds.draft(5, 5).await;
    ds.sync_all().await;
    act(
        tech,
        "李技术",
        Role::TechnicalOfficer,
        fourth,
        review(true, "同意"),
    )
    .await
    .unwrap();
    ds.sync_all().await;
    act(&ds.centre, "刘指挥", Role::Commander, fourth, Act::Approve)
        .await
        .unwrap();
    let by_centre = act(&ds.centre, "刘指挥", Role::Commander, fourth, Act::Issue)
        .await
        .unwrap();
    ds.sync_all().await;
    act(
        &ds.town,
        "钱塘镇值班员",
        Role::Staff,
        fourth,
        Act::Acknowledge {
            recipient: "区综合应急救援队".into(),
        },
    )
    .await
    .unwrap();
    act(
        &ds.centre,
        "刘指挥",
        Role::Commander,
        fourth,
        withdraw("改由新决策部署"),
    )
    .await
    .unwrap();
    ds.sync_all().await;
    let after = assert_all_agree(&ds, fourth).await;
    assert_eq!(after.0, "withdrawn");
    assert_eq!(
        after.3,
        ["区综合应急救援队 true"],
        "kept, marked as taken unaware"
    );
    assert_eq!(after.5, (100, 30));

    // Both desks' numbers are their own: no two orders share one.
    let centre_code = ds.centre.store.desk_code().unwrap();
    assert_ne!(centre_code, vehicle_code);
    assert_eq!(
        by_centre.number,
        format!("合川现指〔2026〕{centre_code}-1号")
    );
    let mut numbers: Vec<String> = Vec::new();
    for id in [first, second, fourth] {
        numbers.push(ds.town.store.decision(id).await.unwrap().number);
    }
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 3, "{numbers:?}");

    // Every signed act reached the server and was countersigned in its own order.
    let links = ds.d.server.store.countersigns().await.unwrap();
    let signed = ds.town.store.verify().await.unwrap().events;
    assert_eq!(links.len(), signed);

    // A changed byte in one desk's copy is named there, and only there.
    {
        use sqlx::Connection;
        let path = ds.town.store.path().display().to_string();
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{path}"))
            .await
            .unwrap();
        sqlx::query("DROP TRIGGER chain_event_no_update")
            .execute(&mut c)
            .await
            .unwrap();
        sqlx::query(
            "UPDATE chain_event SET payload = replace(payload, '30分钟内', '3小时内')
             WHERE kind = 'issue' AND decision_id = ?",
        )
        .bind(first.to_string())
        .execute(&mut c)
        .await
        .unwrap();
        c.close().await.unwrap();
    }
    let report = ds.town.store.verify().await.unwrap();
    assert!(!report.ok);
    let broken = report.first_broken.unwrap();
    assert_eq!(broken.decision_id, first);
    assert!(broken.reason.contains("hash"), "{}", broken.reason);
    assert!(ds.centre.store.verify().await.unwrap().ok);
}

#[tokio::test]
async fn decisions_travel_between_desks_and_concurrent_acts_are_decided_alike_sqlite() {
    decisions_travel(Backend::Sqlite).await;
}

#[tokio::test]
async fn decisions_travel_between_desks_and_concurrent_acts_are_decided_alike_postgres() {
    decisions_travel(Backend::Postgres).await;
}

/// An act pushed by a person in a role that may not take it is refused by the server, and
/// nothing is written there.
async fn an_act_beyond_the_role(backend: Backend) {
    use yitu_domain::command::transition::Transition;
    use yitu_domain::sync::{Change, Op, Stamp};
    let ds = desks(backend).await;
    let id = ds.draft(5, 5).await;
    ds.sync_all().await;
    let count = ds.d.server.store.change_count().await.unwrap();
    let t = Transition {
        id: yitu_replica::id_source(now())(),
        decision: id,
        incident: ds.incident,
        act: Act::Issue,
        by: "钱塘镇值班员".into(),
        role: Role::Staff,
        desk: "TOWN01".into(),
        at_ms: now(),
        after: vec![],
        event: None,
    };
    let change = Change {
        seq: 1,
        stamp: Stamp {
            ms: now() as u64,
            counter: 0,
            node: "town".into(),
        },
        author: "钱塘镇值班员".into(),
        op: Op::Act {
            transition: Box::new(t),
        },
    };
    let reply = ds.town.client.push(vec![change]).await.unwrap();
    assert_eq!(reply.rejected.len(), 1, "{reply:?}");
    assert_eq!(reply.rejected[0].code, "role");
    assert_eq!(ds.d.server.store.change_count().await.unwrap(), count);
}

#[tokio::test]
async fn an_act_beyond_the_role_is_refused_with_nothing_written_sqlite() {
    an_act_beyond_the_role(Backend::Sqlite).await;
}

#[tokio::test]
async fn an_act_beyond_the_role_is_refused_with_nothing_written_postgres() {
    an_act_beyond_the_role(Backend::Postgres).await;
}

/// Found by the nemesis (seed 69): a desk whose clock runs an hour slow drafts a decision, so
/// its id (a time-ordered UUID) sorts before its incident's. A desk pulling both in one page
/// met the decision first, found no incident yet, and never built it once the incident came.
async fn a_decision_that_sorts_before_its_incident(backend: Backend) {
    let desks = desks(backend).await;
    let slow = now() - 3_600_000;
    let id = yitu_replica::id_source(slow)();
    assert!(id < desks.incident, "the draft's id sorts first");
    desks.d.replicas[desks.vehicle]
        .store
        .draft_decision(
            &actor("张指挥", Role::Commander),
            desks.incident,
            desks.content(1, 1),
            id,
            slow,
        )
        .await
        .unwrap();
    desks.d.replicas[desks.vehicle].sync().await;
    let late = Replica::enrol(&desks.d.server, "刘指挥").await;
    late.sync().await;
    let d = late.store.decision(id).await.unwrap();
    assert_eq!(d.incident_id, desks.incident);
}

#[tokio::test]
async fn a_decision_whose_id_sorts_before_its_incident_is_built_on_a_new_desk_sqlite() {
    a_decision_that_sorts_before_its_incident(Backend::Sqlite).await;
}
