//! The district's users on every desk, through the real server over HTTP and real SQLite
//! desks (and PostgreSQL where one is reachable): users added, given another role or removed
//! on the server are so on both desks after their next sync; a desk logs them in offline
//! against the synced argon2id hash, a wrong password refused and counted with nothing else
//! written, the sixth try within five minutes locked out. A change whose author lacks the
//! role, or is no user of the district, is refused with nothing written, and the rest of the
//! push is still taken.

use super::*;
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use yitu_domain::command::login::{LOCK_MS, MAX_FAILURES};
use yitu_replica::user::UserOrigin;

/// Every row of every table of a desk's database but the failed-login count, as text: what
/// "nothing else written" is checked against.
async fn tables(store: &yitu_replica::Store) -> Vec<(String, Vec<String>)> {
    use sqlx::Connection;
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(store.path())
        .read_only(true);
    let mut c = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         AND name != 'login_failure' ORDER BY name",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let mut out = Vec::new();
    for t in names {
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

/// A desk's users as (name, role code, has a password, from the server).
async fn desk_users(r: &Replica) -> Vec<(String, String, bool, bool)> {
    r.store
        .users()
        .await
        .unwrap()
        .into_iter()
        .map(|a| {
            (
                a.name,
                a.role.code().to_owned(),
                a.has_password,
                a.origin == UserOrigin::Server,
            )
        })
        .collect()
}

async fn hash_on_desk(r: &Replica, name: &str) -> String {
    use sqlx::Connection;
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", r.store.path().display()))
        .await
        .unwrap();
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM app_user WHERE name = ?")
        .bind(name)
        .fetch_one(&mut c)
        .await
        .unwrap();
    c.close().await.unwrap();
    hash
}

async fn users_on_every_desk(backend: Backend) {
    let db = Db::new(backend).await;
    let server = Server::start(&db).await;
    let s = &server.store;
    s.add_user_with_password("张指挥", Role::Commander, "指挥-2026", now())
        .await
        .unwrap();
    s.add_user_with_password("王参谋", Role::Staff, "参谋-2026", now())
        .await
        .unwrap();
    let a = Replica::enrol(&server, "张指挥").await;
    let b = Replica::enrol(&server, "王参谋").await;
    // B was a desk of its own before: its local user stays through every sync.
    b.store
        .add_user("本机值班", Role::Staff, now())
        .await
        .unwrap();
    // Added on the server after both desks enrolled.
    s.add_user_with_password("李技术", Role::TechnicalOfficer, "技术-2026", now())
        .await
        .unwrap();
    s.add_user_with_password("钱参谋", Role::Staff, "钱-2026", now())
        .await
        .unwrap();
    a.sync().await;
    b.sync().await;
    let district = |extra: Option<(&str, &str)>| {
        let mut v: Vec<(String, String, bool, bool)> = [
            ("张指挥", "commander"),
            ("李技术", "technical_officer"),
            ("王参谋", "staff"),
            ("钱参谋", "staff"),
        ]
        .iter()
        .map(|(n, r)| (n.to_string(), r.to_string(), true, true))
        .collect();
        if let Some((n, r)) = extra {
            v.push((n.to_string(), r.to_string(), false, false));
        }
        v.sort_by(|x, y| x.0.as_bytes().cmp(y.0.as_bytes()));
        v
    };
    assert_eq!(desk_users(&a).await, district(None));
    assert_eq!(desk_users(&b).await, district(Some(("本机值班", "staff"))));
    // The hash on the desk is the server's, and is what an independent argon2 reads as the
    // password's (parsed on its own, not through the store).
    let served = s.users().await.unwrap();
    let li = served.iter().find(|u| u.name == "李技术").unwrap();
    for desk in [&a, &b] {
        let hash = hash_on_desk(desk, "李技术").await;
        assert_eq!(Some(&hash), li.password_hash.as_ref());
        let parsed = PasswordHash::new(&hash).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        assert!(argon2::Argon2::default()
            .verify_password("技术-2026".as_bytes(), &parsed)
            .is_ok());
        assert!(!hash.contains("技术-2026"));
    }

    // On the server: 李技术 becomes staff, 钱参谋 leaves. Both desks follow at their next sync.
    s.set_role("李技术", Role::Staff, now()).await.unwrap();
    s.remove_user("钱参谋", now()).await.unwrap();
    a.sync().await;
    b.sync().await;
    let mut after = district(None);
    after.retain(|u| u.0 != "钱参谋");
    after.iter_mut().find(|u| u.0 == "李技术").unwrap().1 = "staff".into();
    assert_eq!(desk_users(&a).await, after);
    let mut after_b = after.clone();
    after_b.push(("本机值班".into(), "staff".into(), false, false));
    after_b.sort_by(|x, y| x.0.as_bytes().cmp(y.0.as_bytes()));
    assert_eq!(desk_users(&b).await, after_b);
    // A removed user's enrolment is refused.
    assert!(s.enrol_code("钱参谋", now()).await.is_err());

    // The server stops: desk A logs its people in offline.
    drop(server);
    let t = now();
    let li = a.store.login("李技术", "技术-2026", t).await.unwrap();
    assert_eq!(li.role, Role::Staff);
    let before = tables(&a.store).await;
    for i in 1..=MAX_FAILURES {
        let err = a
            .store
            .login("李技术", "技术-2025", t + i64::from(i))
            .await
            .unwrap_err();
        assert!(
            matches!(err, yitu_replica::Error::WrongPassword { failures, .. } if failures == i),
            "try {i}: {err:?}"
        );
        assert!(err.to_string().starts_with("密码错误"), "{err}");
        assert_eq!(
            tables(&a.store).await,
            before,
            "try {i}: nothing else written"
        );
    }
    // The sixth, a minute on and with the right password: locked out.
    let last = t + i64::from(MAX_FAILURES);
    let locked = a
        .store
        .login("李技术", "技术-2026", last + 60_000)
        .await
        .unwrap_err();
    assert!(
        matches!(locked, yitu_replica::Error::LockedOut { .. }),
        "{locked:?}"
    );
    assert!(locked.to_string().contains("锁定"), "{locked}");
    assert_eq!(tables(&a.store).await, before);
    // Another user is not locked by it; after five minutes 李技术 is not either.
    a.store.login("张指挥", "指挥-2026", last).await.unwrap();
    a.store
        .login("李技术", "技术-2026", last + LOCK_MS)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_districts_users_reach_every_desk_and_log_in_offline_sqlite() {
    users_on_every_desk(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_districts_users_reach_every_desk_and_log_in_offline_postgres() {
    users_on_every_desk(Backend::Postgres).await;
}

/// Desk A (a commander's device) pushes three edits in one pass: one named as by an observer,
/// one by someone the district does not know, one by the commander. The first two are refused
/// (`role`, `author`, each reason naming the person), nothing of them written on the server;
/// the third is taken.
async fn authors_without_the_role(backend: Backend) {
    let d = district(backend).await;
    let a = &d.replicas[0];
    let (s0, s1, s2) = (d.shelters[0], d.shelters[1], d.shelters[2]);
    let count = d.server.store.change_count().await.unwrap();
    let view = d.server.store.view().await.unwrap();
    a.set(s0, "capacity", "1111", "赵观察", now()).await;
    a.set(s1, "capacity", "2222", "路人甲", now()).await;
    a.set(s2, "capacity", "3333", "张指挥", now()).await;
    let report = a.sync().await;
    assert_eq!((report.pushed, report.accepted), (3, 1), "{report:?}");
    let codes: Vec<(&str, bool)> = report
        .rejected
        .iter()
        .map(|r| {
            let names = r.reason.contains("赵观察") || r.reason.contains("路人甲");
            (r.code.as_str(), names)
        })
        .collect();
    assert_eq!(codes, [("role", true), ("author", true)], "{report:?}");
    assert!(report.rejected[0].reason.contains("observer"));
    // Only the commander's edit is on the server.
    assert_eq!(d.server.store.change_count().await.unwrap(), count + 1);
    let after = d.server.store.view().await.unwrap();
    let capacity =
        |v: &View, id: EntityId| v.records[&format!("shelters/{id}")]["capacity"].clone();
    assert_eq!(capacity(&after, s0), capacity(&view, s0));
    assert_eq!(capacity(&after, s1), capacity(&view, s1));
    assert_eq!(capacity(&after, s2), serde_json::json!(3333));
    let refused = d
        .server
        .store
        .refused(&a.client.credential().device)
        .await
        .unwrap();
    assert_eq!(refused.len(), 2, "{refused:?}");
}

#[tokio::test]
async fn a_change_whose_author_lacks_the_role_is_refused_with_nothing_written_sqlite() {
    authors_without_the_role(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_change_whose_author_lacks_the_role_is_refused_with_nothing_written_postgres() {
    authors_without_the_role(Backend::Postgres).await;
}
