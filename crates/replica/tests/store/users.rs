//! The desk's users on a real SQLite file: login checks the password offline against its
//! argon2id hash; a wrong one is refused, counted and writes nothing else; five in a row lock
//! the login for five minutes whatever is typed; the district's users replace the desk's
//! server users in one write and leave its local ones.

use crate::scene::{Scene, T0};
use yitu_domain::command::login::{self, LOCK_MS, MAX_FAILURES};
use yitu_domain::command::role::Role;
use yitu_domain::sync::wire::DistrictUser;
use yitu_replica::user::{Account, UserOrigin};
use yitu_replica::Error;

/// Every table but the failure count, as text.
async fn all_but_failures(s: &Scene) -> Vec<(String, Vec<String>)> {
    let mut all = s.everything().await;
    all.retain(|(t, _)| t != "login_failure");
    all
}

async fn failure_rows(s: &Scene) -> Vec<String> {
    s.everything()
        .await
        .into_iter()
        .find(|(t, _)| t == "login_failure")
        .unwrap()
        .1
}

#[tokio::test]
async fn a_wrong_password_is_refused_counted_and_locks_after_five() {
    let s = Scene::new().await;
    let store = &s.store;
    store
        .add_local_user("孙指挥", Role::Commander, Some("火线-01"), T0)
        .await
        .unwrap();
    let ok = store.login("孙指挥", "火线-01", T0 + 1).await.unwrap();
    assert_eq!((ok.name.as_str(), ok.role), ("孙指挥", Role::Commander));
    let before = all_but_failures(&s).await;
    for i in 1..=MAX_FAILURES {
        let at = T0 + 1_000 * i64::from(i);
        let err = store.login("孙指挥", "火线-02", at).await.unwrap_err();
        let Error::WrongPassword { failures, left, .. } = &err else {
            panic!("try {i}: {err:?}");
        };
        assert_eq!((*failures, *left), (i, MAX_FAILURES - i), "try {i}");
        assert!(err.to_string().starts_with("密码错误"), "{err}");
        assert_eq!(
            all_but_failures(&s).await,
            before,
            "try {i}: nothing else written"
        );
        assert_eq!(failure_rows(&s).await, [format!("'孙指挥',{i},{at}")]);
    }
    let last = T0 + 1_000 * i64::from(MAX_FAILURES);
    // The sixth try, a minute on, with the right password: locked, and nothing written at all.
    let everything = s.everything().await;
    let locked = store
        .login("孙指挥", "火线-01", last + 60_000)
        .await
        .unwrap_err();
    assert!(
        matches!(locked, Error::LockedOut { left_ms, .. } if left_ms == LOCK_MS - 60_000),
        "{locked:?}"
    );
    assert!(locked.to_string().contains("4 分 0 秒"), "{locked}");
    assert_eq!(s.everything().await, everything);
    // Five minutes after the last wrong one: the right password logs in and clears the count.
    store
        .login("孙指挥", "火线-01", last + LOCK_MS)
        .await
        .unwrap();
    assert!(failure_rows(&s).await.is_empty());
    // A user without a password logs in with anything, as before passwords; no one unknown.
    store.login("王参谋", "", T0).await.unwrap();
    assert!(matches!(
        store.login("无名氏", "x", T0).await,
        Err(Error::UnknownUser(_))
    ));
}

fn district(name: &str, role: &str, password: Option<&str>, at: i64) -> DistrictUser {
    DistrictUser {
        name: name.into(),
        role: role.into(),
        password_hash: password.map(|p| login::hash(p, &[3; login::SALT_LEN]).unwrap()),
        updated_at_ms: at,
    }
}

fn account(name: &str, role: Role, has_password: bool, origin: UserOrigin) -> Account {
    Account {
        name: name.into(),
        role,
        has_password,
        origin,
    }
}

#[tokio::test]
async fn the_districts_users_replace_the_server_ones_and_leave_the_local_ones() {
    let s = Scene::new().await;
    let store = &s.store;
    // 王参谋 is local on this desk and a district user too: the district's record wins.
    let first = [
        district("王参谋", "staff", Some("参谋-01"), T0),
        district("周技术", "technical_officer", Some("技术-01"), T0),
        district("吴值班", "staff", None, T0),
    ];
    assert_eq!(store.apply_users(&first, T0).await.unwrap(), 3);
    let users = store.users().await.unwrap();
    let expected = vec![
        account("吴值班", Role::Staff, false, UserOrigin::Server),
        account("周技术", Role::TechnicalOfficer, true, UserOrigin::Server),
        account("张指挥", Role::Commander, false, UserOrigin::Local),
        account("李技术", Role::TechnicalOfficer, false, UserOrigin::Local),
        account("王参谋", Role::Staff, true, UserOrigin::Server),
        account("赵观察", Role::Observer, false, UserOrigin::Local),
    ];
    // Listed by name as SQLite orders text (UTF-8 bytes).
    let mut sorted = expected.clone();
    sorted.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    assert_eq!(users, sorted);
    // The same list again changes nothing.
    assert_eq!(store.apply_users(&first, T0 + 1).await.unwrap(), 0);
    store.login("周技术", "技术-01", T0).await.unwrap();
    assert!(matches!(
        store.login("王参谋", "", T0).await,
        Err(Error::WrongPassword { .. })
    ));
    // A district user's role is the server's to change here.
    let refused = store
        .add_user("周技术", Role::Commander, T0)
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::DistrictUser(_)), "{refused:?}");

    // On the server: 周技术 now staff, 吴值班 removed. One sync later, so here too.
    let second = [
        district("王参谋", "staff", Some("参谋-01"), T0),
        district("周技术", "staff", Some("技术-01"), T0 + 5),
    ];
    assert_eq!(store.apply_users(&second, T0 + 6).await.unwrap(), 2);
    let names: Vec<(String, Role)> = store
        .users()
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.name, a.role))
        .collect();
    assert!(!names.iter().any(|(n, _)| n == "吴值班"), "{names:?}");
    assert!(names.contains(&("周技术".into(), Role::Staff)), "{names:?}");
    assert!(
        names.contains(&("赵观察".into(), Role::Observer)),
        "{names:?}"
    );
    assert!(matches!(
        store.login("吴值班", "", T0).await,
        Err(Error::UnknownUser(_))
    ));

    // A list naming a role this build does not know is refused whole.
    let everything = s.everything().await;
    let newer = [
        district("王参谋", "staff", None, T0 + 9),
        district("郑专家", "expert", None, T0 + 9),
    ];
    assert!(store.apply_users(&newer, T0 + 9).await.is_err());
    assert_eq!(s.everything().await, everything);
}
