//! The outbox: every local write leaves exactly one change for the server, in its own
//! transaction; a refused write leaves none; the seeded demo leaves none (every desktop seeds it).

use yitu_domain::import::Crs;
use yitu_domain::stock::material::MaterialCode;
use yitu_domain::stock::MoveKind;
use yitu_domain::{demo, Layer};
use yitu_replica::Author;
use yitu_replica::Store;

fn author<'a>(ids: &'a mut (dyn FnMut() -> yitu_domain::EntityId + Send + Sync)) -> Author<'a> {
    Author {
        actor: "王参谋",
        at_ms: 1_780_000_000_000,
        source: "test",
        new_id: ids,
    }
}

#[tokio::test]
async fn every_local_write_has_its_outbox_entry_and_a_refused_one_none() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    store.seed_demo(demo::DEFAULT_SEED).await.unwrap();
    assert_eq!(store.pending_count().await.unwrap(), 0);

    let shelter = store.resources(Layer::Shelters).await.unwrap()[0].id();
    let depot = store.resources(Layer::Depots).await.unwrap()[0].id();
    let code =
        MaterialCode::parse(&store.stock(depot, "2026-11-29").await.unwrap()[0].code).unwrap();
    let mut ids = yitu_replica::id_source(1_780_000_000_000);

    let set = |v: &str| vec![("容纳人数".to_owned(), v.to_owned())];
    store
        .update_record(shelter, &set("5000"), Crs::Wgs84, author(&mut ids))
        .await
        .unwrap();
    assert_eq!(store.pending_count().await.unwrap(), 1);
    assert!(store
        .update_record(shelter, &set("很多"), Crs::Wgs84, author(&mut ids))
        .await
        .is_err());
    assert_eq!(store.pending_count().await.unwrap(), 1);

    let too_many = store
        .move_stock(
            depot,
            &code,
            MoveKind::Issue,
            1_000_000_000,
            "",
            None,
            author(&mut ids),
        )
        .await;
    assert!(too_many.is_err());
    assert_eq!(store.pending_count().await.unwrap(), 1);
    store
        .move_stock(
            depot,
            &code,
            MoveKind::Receive,
            10,
            "",
            None,
            author(&mut ids),
        )
        .await
        .unwrap();
    store
        .retire_record(shelter, "已拆除", author(&mut ids))
        .await
        .unwrap();
    assert_eq!(store.pending_count().await.unwrap(), 3);
    // Nothing is in conflict on one desktop alone.
    assert!(store.conflicts().await.unwrap().is_empty());
}
