//! Incidents and their logs (续报) in the store itself: a new incident goes out as one record of
//! all its fields, a log entry as one log change, and one with a toll updates the incident and
//! sends the toll as well; an observer's write, a place far from the district and a log for an
//! incident that does not exist are refused writing nothing.

use crate::scene::Scene;
use yitu_domain::command::incident::Toll;
use yitu_domain::{EntityId, LonLat};
use yitu_replica::Error;

fn told(e: Error) -> String {
    match e {
        Error::Denied(r) => r.zh,
        other => other.to_string(),
    }
}

#[tokio::test]
async fn a_new_incident_goes_out_with_all_its_fields() {
    let mut s = Scene::new().await;
    let staff = s.staff.clone();
    let incident = s.incident_at(LonLat {
        lon: 106.25,
        lat: 30.0,
    });
    let head = s.outbox_head().await;
    s.create_incident(&staff, &incident).await.unwrap();
    // Every member of `Incident` but its id (the record's key), and the tombstone.
    assert_eq!(
        s.outbox_after(head).await,
        ["record incidents area,at_ms,created_by,kind,level,point,retired,status,title,toll"]
    );
    assert_eq!(s.store.incident(incident.id).await.unwrap(), incident);
    // Newest first: the scene's own incident was recorded before this one.
    let ids: Vec<EntityId> = s
        .store
        .incidents()
        .await
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(ids, [incident.id, s.incident]);
}

#[tokio::test]
async fn a_log_entry_with_a_toll_updates_the_incident_in_the_same_write() {
    let mut s = Scene::new().await;
    let staff = s.staff.clone();
    let before = s.store.incident(s.incident).await.unwrap();
    assert_eq!(
        before.toll,
        Toll {
            affected: 120,
            ..Toll::default()
        }
    );

    let head = s.outbox_head().await;
    let first = s.log(&staff, "火线向东北蔓延", None).await.unwrap();
    assert_eq!(s.outbox_after(head).await, ["log"]);
    assert_eq!(s.store.incident(s.incident).await.unwrap(), before);

    let toll = Toll {
        dead: 0,
        injured: 2,
        missing: 1,
        affected: 150,
    };
    let head = s.outbox_head().await;
    let second = s
        .log(&staff, "两人受伤，一人失联", Some(toll))
        .await
        .unwrap();
    assert_eq!(s.outbox_after(head).await, ["log", "record incidents toll"]);
    let after = s.store.incident(s.incident).await.unwrap();
    assert_eq!(after.toll, toll);
    assert_eq!(
        after,
        yitu_domain::command::incident::Incident { toll, ..before },
        "only the toll changed"
    );
    assert_eq!(
        s.store.incident_log(s.incident).await.unwrap(),
        [first, second]
    );
}

#[tokio::test]
async fn refused_incident_writes_write_nothing() {
    let mut s = Scene::new().await;
    let (staff, observer) = (s.staff.clone(), s.observer.clone());
    let before = s.everything().await;

    let err = s.log(&observer, "x", None).await.unwrap_err();
    assert_eq!(told(err), "观察员只能查看，不能修改");
    let incident = s.incident_at(LonLat {
        lon: 106.3,
        lat: 30.1,
    });
    let err = s.create_incident(&observer, &incident).await.unwrap_err();
    assert_eq!(told(err), "观察员只能查看，不能修改");
    // Beijing, not Hechuan.
    let far = s.incident_at(LonLat {
        lon: 116.4,
        lat: 39.9,
    });
    let err = s.create_incident(&staff, &far).await.unwrap_err();
    assert_eq!(
        told(err),
        "position 116.4, 39.9 is outside Hechuan district (105.96–106.68 E, 29.84–30.39 N); are longitude and latitude swapped?"
    );
    let nowhere = s.new_id();
    s.incident = nowhere;
    let err = s.log(&staff, "x", None).await.unwrap_err();
    assert_eq!(told(err), format!("no incident with id {nowhere}"));

    let after = s.everything().await;
    for ((table, rows), (_, again)) in before.iter().zip(&after) {
        assert_eq!(rows, again, "table {table} changed by a refusal");
    }
}
