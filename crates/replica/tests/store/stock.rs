//! Stock moves and terms in the store itself: each movement checked against the balance folded
//! in its own transaction, the balance after it worked out by hand, the outbox holding exactly
//! the ledger entry it made, the change log its before and after; a refused movement writes
//! nothing.

use crate::scene::{Scene, START};
use yitu_domain::stock::material::MaterialCode;
use yitu_domain::stock::{Balance, MoveKind, Terms};
use yitu_replica::Author;

fn bal(on_hand: i64, reserved: i64) -> Balance {
    Balance { on_hand, reserved }
}

#[tokio::test]
async fn each_movement_is_checked_against_the_balance_and_goes_out_as_one_entry() {
    let mut s = Scene::new().await;
    assert_eq!(s.tents_balance().await, bal(START, 0));

    // (kind, quantity, balance after, the ledger entry's quantity): a recount gives the count
    // found and enters the difference.
    let moves = [
        (MoveKind::Issue, 40, bal(60, 0), 40),
        (MoveKind::Reserve, 50, bal(60, 50), 50),
        (MoveKind::Recount, 80, bal(80, 50), 20),
        (MoveKind::Release, 20, bal(80, 30), 20),
        (MoveKind::Receive, 5, bal(85, 30), 5),
    ];
    for (kind, quantity, after, entered) in moves {
        let head = s.outbox_head().await;
        let before = s.tents_balance().await;
        let got = s.move_stock(kind, quantity, None).await.unwrap();
        assert_eq!(got, after, "{kind} {quantity}");
        assert_eq!(s.tents_balance().await, after, "{kind} {quantity}");
        assert_eq!(
            s.outbox_after(head).await,
            [format!("ledger {} {entered} 1990101", kind.code())],
            "{kind} {quantity}"
        );
        // The change log keeps the movement with the balance before and after it.
        let (_, actor, action, diff) = s.store.history(s.depot).await.unwrap().pop().unwrap();
        assert_eq!((actor.as_str(), action.as_str()), ("王参谋", "stock"));
        assert_eq!(
            diff,
            serde_json::json!({
                "code": "1990101",
                "movement": {"kind": kind.code(), "quantity": entered, "note": ""},
                "balance": [before, after],
            })
        );
    }
}

#[tokio::test]
async fn a_refused_movement_writes_nothing() {
    let mut s = Scene::new().await;
    s.move_stock(MoveKind::Issue, 40, None).await.unwrap();
    s.move_stock(MoveKind::Reserve, 50, None).await.unwrap();
    // 60 on hand, 50 of them reserved: 10 available.
    assert_eq!(s.tents_balance().await, bal(60, 50));
    let before = s.everything().await;

    let cases = [
        (
            MoveKind::Issue,
            11,
            "cannot issue 11: only 10 available (on hand less reserved)",
        ),
        (
            MoveKind::Reserve,
            11,
            "cannot reserve 11: only 10 available (on hand less reserved)",
        ),
        (MoveKind::Release, 51, "cannot release 51: only 50 reserved"),
        (
            MoveKind::Recount,
            49,
            "cannot recount 49: only 50 reserved must stay covered: release first",
        ),
        (
            MoveKind::Issue,
            0,
            "quantity is 0, which is not allowed: a movement must be more than 0",
        ),
        (
            MoveKind::Recount,
            -1,
            "quantity is -1, which is not allowed: a count cannot be negative",
        ),
    ];
    for (kind, quantity, expected) in cases {
        let err = s.move_stock(kind, quantity, None).await.unwrap_err();
        assert_eq!(err.to_string(), expected, "{kind} {quantity}");
    }
    // A line the depot does not hold, without the name and unit that would open it.
    let mut ids = yitu_replica::id_source(crate::scene::T0);
    let other = MaterialCode::parse("1990102").unwrap();
    let author = Author {
        actor: "王参谋",
        at_ms: crate::scene::T0,
        source: "test",
        new_id: &mut ids,
    };
    let err = s
        .store
        .move_stock(s.depot, &other, MoveKind::Receive, 5, "", None, author)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "no stock line (receive with --name and --unit to open one) with id {} 1990102",
            s.depot
        )
    );
    // A shelter is no depot.
    let author = Author {
        actor: "王参谋",
        at_ms: crate::scene::T0,
        source: "test",
        new_id: &mut ids,
    };
    let err = s
        .store
        .move_stock(s.shelter, &other, MoveKind::Receive, 5, "", None, author)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), format!("no depot with id {}", s.shelter));

    let after = s.everything().await;
    for ((table, rows), (_, again)) in before.iter().zip(&after) {
        assert_eq!(rows, again, "table {table} changed by a refused movement");
    }
    assert_eq!(s.tents_balance().await, bal(60, 50));
}

#[tokio::test]
async fn terms_go_out_as_a_recount_of_nothing_and_the_same_terms_again_write_nothing() {
    let mut s = Scene::new().await;
    let terms = Terms {
        expiry: Some("2027-06-30".into()),
        minimum: Some(20),
    };
    let head = s.outbox_head().await;
    s.set_terms(terms.clone()).await.unwrap();
    assert_eq!(
        s.outbox_after(head).await,
        [
            r#"ledger recount 0 1990101 note=设置有效期与最低库存 / terms set terms=Some("2027-06-30")/Some(20)"#
        ]
    );
    let line = s
        .store
        .stock(s.depot, "2026-05-28")
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.code == "1990101")
        .unwrap();
    assert_eq!(
        (line.expiry.as_deref(), line.minimum, line.balance),
        (Some("2027-06-30"), Some(20), bal(START, 0))
    );

    let before = s.everything().await;
    s.set_terms(terms).await.unwrap();
    let bad = Terms {
        expiry: None,
        minimum: Some(-1),
    };
    let err = s.set_terms(bad).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "minimum is -1, which is not allowed: a minimum cannot be negative"
    );
    let after = s.everything().await;
    for ((table, rows), (_, again)) in before.iter().zip(&after) {
        assert_eq!(rows, again, "table {table} changed");
    }
}
