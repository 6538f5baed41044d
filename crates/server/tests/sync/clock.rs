//! A desk whose clock is wrong is told so at its next sync; what it stamped too far ahead is
//! stamped again from the server's time and taken (not quarantined), and once its clock is set
//! right what it does next is taken too. A change quarantined all the same is sent again.

use super::*;
use std::sync::atomic::{AtomicBool, Ordering};

const DAY: i64 = 86_400_000;

/// A server whose clock runs ten minutes behind the desks' (as if the desks ran ahead).
fn ten_minutes_behind() -> i64 {
    yitu_server::http::now_ms() - 10 * 60 * 1000
}

#[tokio::test]
async fn a_desk_whose_clock_runs_ahead_is_told_and_its_change_stamped_again_and_taken() {
    let db = Db::new(Backend::Sqlite).await;
    let server = Server::start_with_clock(&db, ten_minutes_behind).await;
    server
        .store
        .add_user("王参谋", Role::Staff, now())
        .await
        .unwrap();
    let r = Replica::enrol(&server, "王参谋").await;
    r.import(vec![demo_shelter()]).await;
    let report = r.sync().await;
    // Told: about ten minutes ahead (the request's time in flight aside).
    assert!(
        (report.clock_ahead_ms - 600_000).abs() < 5_000,
        "{}",
        report.clock_ahead_ms
    );
    // What it stamped ten minutes ahead of the server is stamped again and taken.
    assert_eq!(report.restamped, 1, "{report:?}");
    assert_eq!(
        (report.accepted, report.rejected.len()),
        (1, 0),
        "{report:?}"
    );
    assert!(r.store.refused_changes().await.unwrap().is_empty());
    assert_eq!(server.store.change_count().await.unwrap(), 1);
    // A second pass has nothing to stamp again, and the desk's next stamps are still taken
    // while its clock stays wrong (each pass stamps them again).
    assert_eq!(r.sync().await.restamped, 0);
    r.set(demo_shelter().id(), "capacity", "321", "王参谋", now())
        .await;
    let report = r.sync().await;
    assert_eq!((report.restamped, report.accepted), (1, 1), "{report:?}");
}

/// The day-ahead story on a district of three desks: a registry edit, a stock issue and a
/// 续报 made with the clock a day ahead are taken and reach the others; after the clock is
/// set right, the next edit of the same field is taken and wins (before, the desk's clock
/// never went back and every change was quarantined for a day).
#[tokio::test]
async fn a_desk_a_day_ahead_loses_nothing_and_is_in_step_once_its_clock_is_right() {
    let d = district(Backend::Sqlite).await;
    let (a, b) = (&d.replicas[0], &d.replicas[1]);
    let shelter = d.shelters[0];
    let tomorrow = now() + DAY;
    a.set(shelter, "capacity", "1111", "张指挥", tomorrow).await;
    let mut ids = yitu_replica::id_source(tomorrow);
    a.store
        .move_stock(
            d.depot,
            &quilt(),
            MoveKind::Issue,
            7,
            "调拨",
            None,
            author("张指挥", tomorrow, &mut ids),
        )
        .await
        .unwrap();
    let report = a.sync().await;
    assert_eq!(report.restamped, 2, "{report:?}");
    assert_eq!(
        (report.accepted, report.rejected.len()),
        (2, 0),
        "{report:?}"
    );
    b.sync().await;
    assert_eq!(b.record(shelter).await["capacity"], 1111);
    assert_eq!(b.on_hand(d.depot).await, 93);

    // The clock set right: the next edit of the same field is stamped now, taken, and wins
    // on every desk, the one that made it included.
    a.set(shelter, "capacity", "2222", "张指挥", now()).await;
    let report = a.sync().await;
    assert_eq!(
        (report.restamped, report.accepted, report.rejected.len()),
        (0, 1, 0),
        "{report:?}"
    );
    b.sync().await;
    d.replicas[2].sync().await;
    for r in &d.replicas {
        assert_eq!(r.record(shelter).await["capacity"], 2222);
        assert_eq!(r.on_hand(d.depot).await, 93);
    }
    assert_converged(&d).await;
}

/// Set just before a pass: the server's next reading of its clock (the pass's hello) is a day
/// ahead, every later one right, so the desk learns nothing at hello and its change, stamped a
/// day ahead, is quarantined at the push.
static HELLO_A_DAY_AHEAD: AtomicBool = AtomicBool::new(false);

fn clock_that_jumps_once() -> i64 {
    let now = yitu_server::http::now_ms();
    if HELLO_A_DAY_AHEAD.swap(false, Ordering::SeqCst) {
        now + DAY
    } else {
        now
    }
}

/// A change the server quarantines (the clock the desk went on was wrong: here the hello's,
/// as when a desk skips the hello and its own clock was changed since) is stamped again from
/// the time the push reply gives and sent again in the same pass, under a new number (the
/// server holds the refusal under the old one and answers `rewound`). Nothing stays refused.
#[tokio::test]
async fn a_change_quarantined_at_the_push_is_stamped_again_and_taken_in_the_same_pass() {
    let db = Db::new(Backend::Sqlite).await;
    let server = Server::start_with_clock(&db, clock_that_jumps_once).await;
    for (name, role) in [("王参谋", Role::Staff), ("张指挥", Role::Commander)] {
        server.store.add_user(name, role, now()).await.unwrap();
    }
    let (a, b) = (
        Replica::enrol(&server, "王参谋").await,
        Replica::enrol(&server, "张指挥").await,
    );
    let shelter = demo_shelter();
    a.import(vec![shelter.clone()]).await;
    a.set(shelter.id(), "capacity", "1234", "王参谋", now() + DAY)
        .await;
    HELLO_A_DAY_AHEAD.store(true, Ordering::SeqCst);
    let report = a.sync().await;
    let codes: Vec<&str> = report.rejected.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["quarantined"], "{report:?}");
    assert_eq!((report.restamped, report.renumbered), (1, 1), "{report:?}");
    assert!(a.store.refused_changes().await.unwrap().is_empty());
    assert_eq!(a.store.pending_count().await.unwrap(), 0);
    b.sync().await;
    assert_eq!(b.record(shelter.id()).await["capacity"], 1234);
    assert_eq!(a.record(shelter.id()).await["capacity"], 1234);
}

/// How far the server's clock runs behind the desks' in the next test, in ms (changed midway,
/// as when the desk's clock is set right).
static BEHIND_MS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

fn behind_as_set() -> i64 {
    yitu_server::http::now_ms() - BEHIND_MS.load(Ordering::SeqCst)
}

/// A pass with no hello (the desk said one a moment ago) and nothing to push still learns how
/// far off its clock is, from the pull page: once the clock is right the warning goes at the
/// next pass, not ten minutes later.
#[tokio::test]
async fn a_pass_that_only_pulls_sees_the_clock_set_right() {
    let db = Db::new(Backend::Sqlite).await;
    BEHIND_MS.store(10 * 60 * 1000, Ordering::SeqCst);
    let server = Server::start_with_clock(&db, behind_as_set).await;
    server
        .store
        .add_user("王参谋", Role::Staff, now())
        .await
        .unwrap();
    let r = Replica::enrol(&server, "王参谋").await;
    let first = r.sync().await;
    assert!((first.clock_ahead_ms - 600_000).abs() < 5_000, "{first:?}");
    BEHIND_MS.store(0, Ordering::SeqCst);
    let second = r.sync().await;
    assert_eq!(second.pushed, 0);
    assert!(second.clock_ahead_ms.abs() < 5_000, "{second:?}");
}
