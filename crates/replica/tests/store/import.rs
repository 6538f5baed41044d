//! Applying import plans: all or nothing, and logged.

use super::fresh;
use yitu_domain::import::plan::Change;
use yitu_domain::registries::resource::Resource;
use yitu_domain::{demo, EntityId, Layer};
use yitu_replica::import::ImportPlan;
use yitu_replica::Author;

fn shelters() -> Vec<Resource> {
    demo::generate(demo::DEFAULT_SEED)
        .resources
        .into_iter()
        .filter(|r| r.layer() == Layer::Shelters)
        .collect()
}

#[tokio::test]
async fn a_row_the_database_refuses_late_in_the_plan_leaves_nothing_written() {
    let (_dir, store) = fresh().await;
    // 450 distinct shelters (the demo's, with new ids), so the plan spans several batches.
    let demo = shelters();
    let mut records: Vec<Resource> = (0..450u64)
        .map(|i| {
            let mut r = demo[i as usize % demo.len()].clone();
            if let Resource::Shelter(s) = &mut r {
                s.id = EntityId::v7(i + 1, [3; 10]);
            }
            r
        })
        .collect();
    // The last record breaks the table's CHECK on longitude, after two full batches.
    let mut bad = records.pop().unwrap();
    if let Resource::Shelter(s) = &mut bad {
        s.location.lon = 500.0;
    }
    let mut changes: Vec<(usize, Change)> = records
        .into_iter()
        .enumerate()
        .map(|(i, r)| (i + 2, Change::Insert(r)))
        .collect();
    changes.push((999, Change::Insert(bad)));
    let mut n = 0u64;
    let mut new_id = || {
        n += 1;
        EntityId::v7(n, [9; 10])
    };
    let plan = ImportPlan::Resources(changes);
    let mut calls = 0;
    let result = store
        .apply_import(
            &plan,
            Author {
                actor: "test",
                at_ms: 1,
                source: "shelters.csv",
                new_id: &mut new_id,
            },
            |_, _| calls += 1,
        )
        .await;
    assert!(result.is_err());
    // Rows go in batches of 200 (`import::BATCH`): the first 400 were written in the
    // transaction before the 450th failed, and none of them stayed.
    assert_eq!(calls, 2, "two full batches were written before the failure");
    assert_eq!(store.stats().await.unwrap().layers["shelters"].total, 0);
    let any = store.resources(Layer::Shelters).await.unwrap();
    assert!(any.is_empty());
}

#[tokio::test]
async fn every_applied_change_is_logged_with_who_and_what() {
    let (_dir, store) = fresh().await;
    let records = shelters();
    let first = records[0].clone();
    let mut new_id = || EntityId::v7(1, [1; 10]);
    let plan = ImportPlan::Resources(vec![(2, Change::Insert(first.clone()))]);
    store
        .apply_import(
            &plan,
            Author {
                actor: "张三",
                at_ms: 42,
                source: "a.csv",
                new_id: &mut new_id,
            },
            |_, _| {},
        )
        .await
        .unwrap();
    let history = store.history(first.id()).await.unwrap();
    assert_eq!(history.len(), 1);
    let (at, actor, action, diff) = &history[0];
    assert_eq!(
        (*at, actor.as_str(), action.as_str()),
        (42, "张三", "insert")
    );
    assert_eq!(diff["name"], first.name());
}
