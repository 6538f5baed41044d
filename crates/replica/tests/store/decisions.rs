//! Decisions in the store itself: the workflow's happy path with the reservations it makes at
//! issue and gives back at withdrawal, completion and supersession (balances worked out by
//! hand from the scene's 100 tents and 400 free places), the outbox holding exactly the
//! changes each step made, and every kind of refusal writing nothing at all.

use crate::scene::{Scene, CAPACITY, OCCUPANCY, START};
use yitu_domain::command::workflow::DecisionState;
use yitu_domain::stock::Balance;
use yitu_replica::decisions::Act;
use yitu_replica::Error;

/// What a user is told: the Chinese half of a refusal, the whole message otherwise.
fn told(e: Error) -> String {
    match e {
        Error::Denied(r) => r.zh,
        other => other.to_string(),
    }
}

fn withdraw(reason: &str) -> Act {
    Act::Withdraw {
        reason: reason.into(),
    }
}

fn bal(on_hand: i64, reserved: i64) -> Balance {
    Balance { on_hand, reserved }
}

#[tokio::test]
async fn issue_reserves_and_withdrawal_and_completion_give_back() {
    let mut s = Scene::new().await;
    let (commander, staff) = (s.commander.clone(), s.staff.clone());
    assert_eq!(s.tents_balance().await, bal(START, 0));

    // Drafting, review and approval travel to every desk: the draft as a record, each act as a
    // transition. A draft has no number yet.
    let head = s.outbox_head().await;
    let d = s.approved(s.content(30, 100)).await;
    assert_eq!(d.state, DecisionState::Approved);
    assert_eq!(d.number, "");
    let out = s.outbox_after(head).await;
    assert!(out[0].starts_with("record decisions "), "{out:?}");
    assert_eq!(out[1..], ["act review_agree", "act approve"]);
    assert_eq!(s.tents_balance().await, bal(START, 0));
    let desk = s.store.desk_code().unwrap();

    // Issued: 30 of the 100 tents reserved, 100 of the 400 free places promised.
    let head = s.outbox_head().await;
    let d = s.act(&commander, d.id, Act::Issue).await.unwrap();
    assert_eq!(d.state, DecisionState::Issued);
    assert_eq!(s.tents_balance().await, bal(100, 30));
    assert_eq!(s.promised().await, 100);
    // Numbered when signed, as this desk's first order of the incident (the scene's clock is
    // in May 2026, Beijing). The reservation is the fold's: derived on every desk, not pushed.
    assert_eq!(d.number, format!("合川现指〔2026〕{desk}-1号"));
    assert_eq!(s.outbox_after(head).await, ["act issue event issue #1"]);

    // An acknowledgement: a signed event, nothing else.
    let head = s.outbox_head().await;
    let ack = Act::Acknowledge {
        recipient: "区森林消防队".into(),
    };
    s.act(&staff, d.id, ack).await.unwrap();
    assert_eq!(
        s.outbox_after(head).await,
        ["act acknowledge event acknowledge #2"]
    );
    assert_eq!(
        s.store.decision_view(d.id).await.unwrap().awaiting,
        Vec::<String>::new()
    );

    // Withdrawn: the 30 and the 100 come back.
    let head = s.outbox_head().await;
    let d = s
        .act(&commander, d.id, withdraw("火势已控制"))
        .await
        .unwrap();
    assert_eq!(d.state, DecisionState::Withdrawn);
    assert_eq!(s.tents_balance().await, bal(100, 0));
    assert_eq!(s.promised().await, 0);
    assert_eq!(
        s.outbox_after(head).await,
        ["act withdraw event withdraw #3"]
    );
    let view = s.store.decision_view(d.id).await.unwrap();
    let actions: Vec<&str> = view.history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "draft",
            "review_agree",
            "approve",
            "issue",
            "acknowledge",
            "withdraw"
        ]
    );
    assert_eq!(view.history.last().unwrap().note, "火势已控制");

    // Completed: the reservation of 40 becomes an issue of 40 from the depot: 100 − 40 on hand,
    // nothing reserved, the places given back (occupancy is then the shelter registry's).
    let e = s.approved(s.content(40, 50)).await;
    s.act(&commander, e.id, Act::Issue).await.unwrap();
    assert_eq!(s.tents_balance().await, bal(100, 40));
    assert_eq!(s.promised().await, 50);
    let head = s.outbox_head().await;
    let e = s.act(&commander, e.id, Act::Complete).await.unwrap();
    assert_eq!(e.state, DecisionState::Completed);
    assert_eq!(s.tents_balance().await, bal(60, 0));
    assert_eq!(s.promised().await, 0);
    assert_eq!(e.number, format!("合川现指〔2026〕{desk}-2号"));
    assert_eq!(
        s.outbox_after(head).await,
        ["act complete event complete #5"]
    );

    let report = s.store.verify().await.unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!((report.events, report.decisions_checked), (5, 2));
}

#[tokio::test]
async fn a_later_decision_gives_back_what_the_one_it_supersedes_held_before_reserving() {
    let mut s = Scene::new().await;
    let commander = s.commander.clone();
    let first = s.approved(s.content(30, 100)).await;
    let first = s.act(&commander, first.id, Act::Issue).await.unwrap();
    // 90 more than the 70 available while the first holds its 30, but within the 100 once it
    // gives them back.
    let mut content = s.content(90, 50);
    content.supersedes = Some(first.id);
    let second = s.approved(content).await;
    let head = s.outbox_head().await;
    let second = s.act(&commander, second.id, Act::Issue).await.unwrap();
    assert_eq!(second.state, DecisionState::Issued);
    assert_eq!(
        s.store.decision(first.id).await.unwrap().state,
        DecisionState::Superseded
    );
    assert_eq!(s.tents_balance().await, bal(100, 90));
    assert_eq!(s.promised().await, 50);
    assert_eq!(
        s.outbox_after(head).await,
        [
            "act supersede event supersede #2",
            "act issue event issue #3"
        ]
    );
    let report = s.store.verify().await.unwrap();
    assert!(report.ok, "{report:?}");
}

/// Every refusal, by role, by state, or because the depot or the shelter cannot promise what is
/// asked, leaves every table of the file as it was: the ledger, the outbox, the history, the
/// chain, the reservations. The reservations refused are checked inside the transaction after
/// other writes were made in it (a first draw that fits before a second that does not).
#[tokio::test]
async fn every_refusal_writes_nothing() {
    let mut s = Scene::new().await;
    let (commander, technical, staff, observer) = (
        s.commander.clone(),
        s.technical.clone(),
        s.staff.clone(),
        s.observer.clone(),
    );
    // An issued decision holds 30 tents and 100 places: 70 tents and 300 places are left. (It
    // also makes the device's key, which the first signed act registers.)
    let held = s.approved(s.content(30, 100)).await;
    s.act(&commander, held.id, Act::Issue).await.unwrap();
    assert_eq!(s.tents_balance().await, bal(100, 30));
    assert_eq!(s.promised().await, 100);

    let draft = s.draft(&staff, s.content(10, 10)).await.unwrap();
    let reviewed = s.draft(&staff, s.content(10, 10)).await.unwrap();
    let agree = Act::Review {
        agree: true,
        advice: "可行".into(),
    };
    s.act(&technical, reviewed.id, agree.clone()).await.unwrap();
    let greedy = s.approved(s.content(71, 10)).await;
    let crowd = s.approved(s.content(1, 301)).await;
    // Two draws of the line: 10 fits, then 65 is more than the 60 left after it.
    let mut split = s.content(10, 10);
    let mut second = split.materials[0].clone();
    second.quantity = 65;
    split.materials.push(second);
    let split = s.approved(split).await;
    let shelter = s.store.resource(s.shelter).await.unwrap().name().to_owned();
    assert_eq!(CAPACITY - OCCUPANCY, 400);

    let before = s.everything().await;
    let depot = "合川区应急物资储备库";
    let cases: Vec<(&str, Result<_, Error>, String)> = vec![
        (
            "an observer drafts",
            s.draft(&observer, s.content(1, 1)).await,
            "观察员无权起草决策".into(),
        ),
        (
            "staff approve",
            s.act(&staff, reviewed.id, Act::Approve).await,
            "值班员/参谋无权批准".into(),
        ),
        (
            "the technical officer issues",
            s.act(&technical, greedy.id, Act::Issue).await,
            "技术指挥官无权下达".into(),
        ),
        (
            "the technical officer withdraws",
            s.act(&technical, held.id, withdraw("x")).await,
            "技术指挥官无权撤销".into(),
        ),
        (
            "approve a draft not yet agreed to",
            s.act(&commander, draft.id, Act::Approve).await,
            "决策草稿，不能批准：须先经技术指挥官审核同意".into(),
        ),
        (
            "issue before approval",
            s.act(&commander, reviewed.id, Act::Issue).await,
            "决策已审核，不能下达：须先经指挥长批准".into(),
        ),
        (
            "review twice",
            s.act(&technical, reviewed.id, agree.clone()).await,
            "决策已审核，不能审核同意".into(),
        ),
        (
            "a review without advice",
            s.act(
                &technical,
                draft.id,
                Act::Review {
                    agree: false,
                    advice: " ".into(),
                },
            )
            .await,
            "审核须填写技术意见".into(),
        ),
        (
            "a withdrawal without a reason",
            s.act(&commander, held.id, withdraw("")).await,
            "撤销须说明理由".into(),
        ),
        (
            "acknowledged by someone it was not sent to",
            s.act(
                &staff,
                held.id,
                Act::Acknowledge {
                    recipient: "不相干单位".into(),
                },
            )
            .await,
            "不相干单位 不是本决策的接收单位（接收单位：区森林消防队）".into(),
        ),
        (
            "more tents than are left",
            s.act(&commander, greedy.id, Act::Issue).await,
            format!("{depot}的测试帐篷（1990101）可预留仅 70 顶，不能预留 71"),
        ),
        (
            "more people than places are left",
            s.act(&commander, crowd.id, Act::Issue).await,
            format!("{shelter}尚可安置 300 人，不能安置 301 人"),
        ),
        (
            "a second draw more than the first left",
            s.act(&commander, split.id, Act::Issue).await,
            format!("{depot}的测试帐篷（1990101）可预留仅 60 顶，不能预留 65"),
        ),
    ];
    for (what, result, expected) in cases {
        let err = result.expect_err(what);
        assert_eq!(told(err), expected, "{what}");
    }
    // The edit path has its own entry.
    let edit = s
        .edit(&staff, reviewed.id, s.content(5, 5))
        .await
        .unwrap_err();
    assert_eq!(
        told(edit),
        "决策已审核，不能修改草稿：已审核的决策不能修改，请撤销后重新起草"
    );
    let after = s.everything().await;
    for ((table, rows), (_, again)) in before.iter().zip(&after) {
        assert_eq!(rows, again, "table {table} changed by a refusal");
    }
    assert_eq!(before.len(), after.len());
    assert_eq!(s.tents_balance().await, bal(100, 30));
    assert_eq!(s.promised().await, 100);
}
