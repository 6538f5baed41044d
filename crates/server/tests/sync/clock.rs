//! A desk whose clock is wrong is told so at its next sync, and what it stamped too far ahead
//! is listed as quarantined with the reason (the window says what to do about it).

use super::*;

/// A server whose clock runs ten minutes behind the desks' (as if the desks ran ahead).
fn ten_minutes_behind() -> i64 {
    yitu_server::http::now_ms() - 10 * 60 * 1000
}

#[tokio::test]
async fn a_desk_whose_clock_runs_ahead_is_told_and_its_change_quarantined() {
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
    // What it stamped is ten minutes ahead of the server: quarantined, with the reason.
    assert_eq!(report.rejected.len(), 1, "{report:?}");
    assert_eq!(report.rejected[0].code, "quarantined");
    let listed = r.store.refused_changes().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].1.starts_with("quarantined"), "{listed:?}");
    assert_eq!(server.store.change_count().await.unwrap(), 0);
}
