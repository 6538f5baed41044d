//! Local roles: migration 0008 lets a drill controller be stored, on a database made by the
//! migrations before it with its users kept; a drill controller records incidents and logs and
//! takes no part in a decision.

use crate::scene::Scene;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use yitu_domain::command::role::Role;
use yitu_domain::LonLat;
use yitu_replica::decisions::Act;
use yitu_replica::{Error, Store};

#[tokio::test]
async fn a_database_made_before_0008_keeps_its_users_and_takes_a_drill_controller() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(yitu_replica::DB_FILE);
    // The file as a desktop of an earlier release left it: every migration before 0008.
    let mut old = sqlx::migrate!("../../migrations/replica");
    old.migrations = old
        .migrations
        .iter()
        .filter(|m| m.version < 8)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    assert!(old.migrations.iter().any(|m| m.version == 6));
    let pool = SqlitePoolOptions::new()
        .connect_with(
            SqliteConnectOptions::new()
                .filename(&file)
                .create_if_missing(true),
        )
        .await
        .unwrap();
    old.run(&pool).await.unwrap();
    let insert = |name: &'static str, role: &'static str, at: i64| {
        let pool = pool.clone();
        async move {
            sqlx::query("INSERT INTO app_user (name, role, created_at_ms) VALUES (?, ?, ?)")
                .bind(name)
                .bind(role)
                .bind(at)
                .execute(&pool)
                .await
        }
    };
    for (i, (name, role)) in [
        ("张指挥", "commander"),
        ("李技术", "technical_officer"),
        ("王参谋", "staff"),
        ("赵观察", "observer"),
    ]
    .into_iter()
    .enumerate()
    {
        insert(name, role, i as i64).await.unwrap();
    }
    // What 0008 is for: the old table's CHECK refuses the fifth role.
    let refused = insert("钱导调", "drill_controller", 9).await.unwrap_err();
    assert!(
        refused.to_string().contains("CHECK constraint failed"),
        "{refused}"
    );
    pool.close().await;

    let store = Store::open(dir.path()).await.unwrap();
    let users: Vec<(String, Role)> = store
        .users()
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.name, a.role))
        .collect();
    let mut expected = vec![
        ("张指挥".to_owned(), Role::Commander),
        ("李技术".to_owned(), Role::TechnicalOfficer),
        ("王参谋".to_owned(), Role::Staff),
        ("赵观察".to_owned(), Role::Observer),
    ];
    expected.sort();
    assert_eq!(users, expected, "users kept (listed by name)");
    let controller = store
        .add_user("钱导调", Role::DrillController, 10)
        .await
        .unwrap();
    assert_eq!(store.user("钱导调").await.unwrap(), controller);
    // The new table still refuses what is no role, and keeps the creation times it copied.
    let pool = SqlitePoolOptions::new()
        .connect_with(SqliteConnectOptions::new().filename(&file))
        .await
        .unwrap();
    let err =
        sqlx::query("INSERT INTO app_user (name, role, created_at_ms) VALUES ('x', 'admin', 0)")
            .execute(&pool)
            .await
            .unwrap_err();
    assert!(err.to_string().contains("CHECK constraint failed"), "{err}");
    let times: Vec<i64> =
        sqlx::query_scalar("SELECT created_at_ms FROM app_user ORDER BY created_at_ms")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(times, [0, 1, 2, 3, 10]);
    pool.close().await;
}

#[tokio::test]
async fn a_drill_controller_runs_incidents_not_decisions() {
    let mut s = Scene::new().await;
    let controller = s
        .store
        .add_user("钱导调", Role::DrillController, crate::scene::T0)
        .await
        .unwrap();
    let exercise = s.incident_at(LonLat {
        lon: 106.27,
        lat: 29.99,
    });
    s.create_incident(&controller, &exercise).await.unwrap();
    s.incident = exercise.id;
    s.log(&controller, "演练：二号点位发现被困人员", None)
        .await
        .unwrap();
    let before = s.everything().await;
    let told = |e: Error| match e {
        Error::Denied(r) => r.zh,
        other => other.to_string(),
    };
    let err = s.draft(&controller, s.content(1, 1)).await.unwrap_err();
    assert_eq!(told(err), "演练导调员无权起草决策");
    let d = s.approved(s.content(1, 1)).await;
    let before_issue = s.everything().await;
    let err = s.act(&controller, d.id, Act::Issue).await.unwrap_err();
    assert_eq!(told(err), "演练导调员无权下达");
    assert_eq!(s.everything().await, before_issue);
    assert_ne!(before, before_issue, "the approval was written");
}
