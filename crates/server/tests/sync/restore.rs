//! A desk restored from a backup (or its folder copied to a new laptop) loses nothing: the
//! server refuses a change that reuses a number it holds for another change of that desk
//! (`rewound`), the desk numbers its waiting changes after the last the server holds, pushes
//! them, and takes back what it had pushed after the backup. Both edits stay, as a conflict
//! every desk lists, instead of the new one vanishing under an "accepted".

use super::*;

/// The data folder as it is now, copied aside (the database checkpointed first).
async fn backup(r: &Replica) -> tempfile::TempDir {
    r.store.checkpoint().await.unwrap();
    let copy = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(r._dir.path()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), copy.path().join(entry.file_name())).unwrap();
        }
    }
    copy
}

async fn capacity(store: &yitu_replica::Store, id: EntityId) -> serde_json::Value {
    let r = store.resource(id).await.unwrap();
    serde_json::to_value(&r).unwrap()["capacity"].clone()
}

async fn restored(backend: Backend) {
    let d = district(backend).await;
    let shelter = d.shelters[0];
    let a = &d.replicas[0];
    a.set(shelter, "capacity", "1000", "张指挥", now()).await;
    a.sync().await;
    let saved = backup(a).await;

    // After the backup: an edit that reaches the server (and the other desks).
    a.set(shelter, "capacity", "1111", "张指挥", now() + 10)
        .await;
    assert_eq!(a.sync().await.accepted, 1);
    for r in &d.replicas[1..] {
        r.sync().await;
    }
    let count = d.server.store.change_count().await.unwrap();

    // The folder is restored from the backup, and a new edit made there: it reuses the number
    // of the 1111 edit.
    let store = yitu_replica::Store::open(saved.path()).await.unwrap();
    let restored = Replica {
        _dir: saved,
        store,
        client: Client::new(a.client.credential().clone()).unwrap(),
        user: a.user.clone(),
    };
    restored
        .set(shelter, "capacity", "2222", "张指挥", now() + 20)
        .await;
    let report = restored.sync().await;
    assert_eq!(report.renumbered, 1, "{report:?}");
    assert_eq!(report.accepted, 1, "{report:?}");
    assert!(report.rejected.is_empty(), "{report:?}");
    assert_eq!(report.pending, 0);
    assert_eq!(
        d.server.store.change_count().await.unwrap(),
        count + 1,
        "the new edit is on the server beside the old one"
    );
    // The desk took back its own 1111 edit: both edits are known here, as a conflict.
    let conflicts = restored.store.conflicts().await.unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let mut values: Vec<String> = conflicts[0]
        .versions
        .iter()
        .map(|v| v.value.to_string())
        .collect();
    values.sort();
    assert_eq!(values, ["1111", "2222"]);

    // Every other desk hears the new edit and lists the same conflict; all hold one value.
    for r in &d.replicas[1..] {
        r.sync().await;
        let c = r.store.conflicts().await.unwrap();
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(
            capacity(&r.store, shelter).await,
            capacity(&restored.store, shelter).await
        );
    }
    assert_eq!(
        capacity(&restored.store, shelter).await,
        serde_json::json!(2222)
    );

    // A repeat of a change the server holds (a lost reply) is still accepted as before.
    let again = restored.sync().await;
    assert!(
        again.rejected.is_empty() && again.renumbered == 0,
        "{again:?}"
    );
}

#[tokio::test]
async fn a_desk_restored_from_a_backup_loses_nothing_sqlite() {
    restored(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_desk_restored_from_a_backup_loses_nothing_postgres() {
    restored(Backend::Postgres).await;
}
