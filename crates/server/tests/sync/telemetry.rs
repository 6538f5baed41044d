//! Monitoring readings end to end (issue 19): SL 651 frames from the simulator through a real TCP
//! socket, and geohazard devices' messages through the real Mosquitto broker (the test command
//! starts it where none answers), reach the server's store once each and sync to two desks;
//! a corrupt frame and a malformed message are refused and logged with nothing stored; a
//! station resending changes nothing; a subscriber that was away gets what it missed.

use super::*;
use yitu_domain::monitoring::{Element, Lateness, Reading};
use yitu_server::telemetry::{self, Intake};
use yitu_telemetry::sl651::{Frame, StationAddress};

const HOUR: i64 = 3_600_000;
/// How long the test's station waits for a confirmation (a refused frame gets none).
const WAIT: Duration = Duration::from_secs(2);

/// The server's telemetry side on its own port, over the same store as its HTTP side.
async fn sl651_listener(server: &Server) -> (String, tokio::task::JoinHandle<()>) {
    let intake = Intake::start(server.store.clone(), yitu_server::http::now_ms);
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap().to_string();
    let listener = telemetry::sl651::Listener {
        intake,
        store: server.store.clone(),
        clock: yitu_server::http::now_ms,
        lateness: Lateness { after_ms: HOUR },
    };
    let task = tokio::spawn(async move {
        listener.serve(socket).await.unwrap();
    });
    (addr, task)
}

/// What the frames carry, read back by decoding each frame alone (the oracle: no socket, no
/// store), with lateness judged at `now`.
fn carried(frames: &[Vec<u8>], now: i64) -> Vec<Reading> {
    let mut all: Vec<Reading> = frames
        .iter()
        .flat_map(|f| {
            let report = Frame::decode(f).unwrap().report().unwrap();
            report.readings(now, Lateness { after_ms: HOUR })
        })
        .collect();
    all.sort_by_key(Reading::key);
    all
}

fn sorted(mut r: Vec<Reading>) -> Vec<Reading> {
    r.sort_by_key(Reading::key);
    r
}

async fn frames_reach_the_desks_once(backend: Backend) {
    let db = Db::new(backend).await;
    let server = Server::start(&db).await;
    for (name, role) in [("张指挥", Role::Commander), ("王参谋", Role::Staff)] {
        server.store.add_user(name, role, now()).await.unwrap();
    }
    let (addr, _task) = sl651_listener(&server).await;
    let station = StationAddress([0x00, 0x12, 0x34, 0x56, 0x78]);
    // The day ends 30 minutes ago: the last hour's report is live, every earlier one is more
    // than an hour late (historical), far from the boundary either side.
    let start = (now() - 24 * HOUR - 30 * 60_000) / 60_000 * 60_000;
    let frames = yitu_telemetry::simulate::rain_day(7, station, start);
    assert_eq!(frames.len(), 24);

    let confirmed = telemetry::simulate::send_frames(&addr, &frames, Duration::ZERO, WAIT)
        .await
        .unwrap();
    assert_eq!(confirmed, 24, "every frame confirmed once stored");
    let expected = carried(&frames, now());
    // 24 hourly reports of 1 h rain, the day's total, the gauge's total and the voltage.
    assert_eq!(expected.len(), 96);
    let held = sorted(server.store.readings_of("0012345678").await.unwrap());
    assert_eq!(held, expected);
    assert_eq!(
        held.iter().filter(|r| !r.historical).count(),
        4,
        "only the last hour is live"
    );
    let log_after_first = server.store.change_count().await.unwrap();

    // A station that heard no confirmation sends again: nothing new is stored or sent.
    let again = telemetry::simulate::send_frames(&addr, &frames[20..], Duration::ZERO, WAIT)
        .await
        .unwrap();
    assert_eq!(
        again, 4,
        "a repeat is confirmed too, or the station would go on resending"
    );
    assert_eq!(server.store.reading_count().await.unwrap(), 96);
    assert_eq!(server.store.change_count().await.unwrap(), log_after_first);

    // A frame damaged on the way (one bit of a value flipped, the CRC no longer matching) is
    // refused whole and logged; the connection goes on and the next good frame is stored.
    let other = StationAddress([0x00, 0x12, 0x34, 0x56, 0x79]);
    let good = yitu_telemetry::simulate::rain_day(8, other, start);
    let mut damaged = good[23].clone();
    let at = damaged.len() - 6;
    damaged[at] ^= 0x01;
    let sent =
        telemetry::simulate::send_frames(&addr, &[damaged, good[22].clone()], Duration::ZERO, WAIT)
            .await
            .unwrap();
    assert_eq!(sent, 1, "the damaged frame gets no confirmation");
    let other_held = server.store.readings_of("0012345679").await.unwrap();
    assert_eq!(sorted(other_held), carried(&good[22..23], now()));
    let refused = server.store.telemetry_refusals().await.unwrap();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].source, "sl651");
    assert!(refused[0].reason.contains("CRC"), "{}", refused[0].reason);

    // Two desks pull what the server took in, the same rows.
    let a = Replica::enrol(&server, "张指挥").await;
    let b = Replica::enrol(&server, "王参谋").await;
    a.sync().await;
    b.sync().await;
    for desk in [&a, &b] {
        assert_eq!(desk.store.reading_count().await.unwrap(), 100);
        let mine = desk
            .store
            .readings_of("0012345678", 0, i64::MAX)
            .await
            .unwrap();
        assert_eq!(sorted(mine), expected);
    }
    // And the server's merged state counts the same readings.
    let view: View = server.store.view().await.unwrap();
    assert_eq!(view.readings.len(), 100);
    let key = format!(
        "0012345678/{}/{}",
        Element::SupplyVoltage.code(),
        expected[0].observed_at_ms
    );
    assert!(view.readings.contains_key(&key), "{key}");
}

#[tokio::test]
async fn sl651_frames_over_tcp_reach_the_server_once_and_sync_to_two_desks_sqlite() {
    frames_reach_the_desks_once(Backend::Sqlite).await;
}

#[tokio::test]
async fn sl651_frames_over_tcp_reach_the_server_once_and_sync_to_two_desks_postgres() {
    frames_reach_the_desks_once(Backend::Postgres).await;
}

/// Waits until the server holds `n` readings of `station` (the subscriber stores what the
/// broker delivers in its own time), or fails after 20 s.
async fn until_held(server: &Server, station: &str, n: usize) -> Vec<Reading> {
    for _ in 0..200 {
        let held = server.store.readings_of(station).await.unwrap();
        if held.len() >= n {
            return held;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the server holds {} readings of {station}, expected {n}",
        server.store.readings_of(station).await.unwrap().len()
    );
}

#[tokio::test]
async fn device_messages_through_mosquitto_are_stored_once_and_a_returning_subscriber_gets_what_it_missed(
) {
    use yitu_telemetry::device::DeviceType;
    let db = Db::new(Backend::Sqlite).await;
    let server = Server::start(&db).await;
    // A topic and a session of this run's own: other runs on the broker never meet them.
    let mut tag = [0u8; 4];
    getrandom::getrandom(&mut tag).unwrap();
    let tag: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    let prefix = format!("yitu-test-{tag}/geohazard");
    let settings = telemetry::mqtt::Settings::parse(
        "mqtt://127.0.0.1:1883",
        &format!("yitu-server-test-{tag}"),
        &format!("{prefix}/#"),
    )
    .unwrap();
    let subscriber = || {
        tokio::spawn(telemetry::mqtt::subscribe(
            settings.clone(),
            Intake::start(server.store.clone(), yitu_server::http::now_ms),
            server.store.clone(),
            yitu_server::http::now_ms,
            Lateness { after_ms: HOUR },
        ))
    };
    let publish = |messages: Vec<(String, Vec<u8>)>| {
        let client = format!("yitu-test-publisher-{tag}");
        async move {
            telemetry::simulate::publish("127.0.0.1", 1883, &client, messages)
                .await
                .expect("Mosquitto answers on 127.0.0.1:1883 (scripts/setup.sh starts it)")
        }
    };
    let start = (now() - 30 * 60_000) / 60_000 * 60_000;
    let payloads = yitu_telemetry::simulate::device_payloads(
        3,
        DeviceType::Gnss,
        "GP-0001",
        start,
        10,
        60_000,
    );
    let topic = format!("{prefix}/GP/GP-0001");
    let on_topic = |p: &[Vec<u8>]| -> Vec<(String, Vec<u8>)> {
        p.iter().map(|p| (topic.clone(), p.clone())).collect()
    };

    let task = subscriber();
    // Published until the subscription is in place (a message before it is not kept for a
    // session that never subscribed); repeats are stored once, so repeating is harmless.
    let mut first = Vec::new();
    for _ in 0..50 {
        publish(on_topic(&payloads[..5])).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        first = server.store.readings_of("GP-0001").await.unwrap();
        if first.len() >= 15 {
            break;
        }
    }
    // Five messages of X, Y and Z displacement each.
    assert_eq!(first.len(), 15, "{first:?}");
    assert!(first.iter().all(|r| !r.historical));

    // A message that is not a device's JSON is refused and logged, nothing stored.
    publish(vec![(
        topic.clone(),
        b"{\"deviceId\": \"GP-0001\", \"dat".to_vec(),
    )])
    .await;
    for _ in 0..100 {
        if !server.store.telemetry_refusals().await.unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let refused = server.store.telemetry_refusals().await.unwrap();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(
        (refused[0].source.as_str(), refused[0].peer.as_str()),
        ("mqtt", topic.as_str())
    );
    assert_eq!(server.store.readings_of("GP-0001").await.unwrap().len(), 15);

    // The server goes away; the device goes on publishing; the broker keeps the messages for
    // the server's session, and hands them over when it is back.
    task.abort();
    let _ = task.await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    publish(on_topic(&payloads[5..])).await;
    let _again = subscriber();
    let all = until_held(&server, "GP-0001", 30).await;
    assert_eq!(all.len(), 30);
    let mut expected: Vec<Reading> = payloads
        .iter()
        .flat_map(|p| {
            yitu_telemetry::device::decode(DeviceType::Gnss, p, now(), Lateness { after_ms: HOUR })
                .unwrap()
        })
        .collect();
    expected.sort_by_key(Reading::key);
    assert_eq!(sorted(all), expected);
}

/// A listener that counts readings up to `lateness_ms` old as live (a test sending a four-hour
/// river rise at once).
async fn sl651_listener_with(server: &Server, lateness_ms: i64) -> String {
    let intake = Intake::start(server.store.clone(), yitu_server::http::now_ms);
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap().to_string();
    let listener = telemetry::sl651::Listener {
        intake,
        store: server.store.clone(),
        clock: yitu_server::http::now_ms,
        lateness: Lateness {
            after_ms: lateness_ms,
        },
    };
    tokio::spawn(async move { listener.serve(socket).await.unwrap() });
    addr
}

fn address(code: &str) -> StationAddress {
    let mut a = [0u8; 5];
    for (i, byte) in a.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&code[2 * i..2 * i + 2], 16).unwrap();
    }
    StationAddress(a)
}

async fn an_alarm_is_raised_once_on_both_desks(backend: Backend) {
    use yitu_domain::monitoring::{AlarmState, Rule, Step};
    let db = Db::new(backend).await;
    let server = Server::start(&db).await;
    for (name, role) in [("张指挥", Role::Commander), ("王参谋", Role::Staff)] {
        server.store.add_user(name, role, now()).await.unwrap();
    }
    let addr = sl651_listener_with(&server, 6 * HOUR).await;
    let a = Replica::enrol(&server, "张指挥").await;
    let b = Replica::enrol(&server, "王参谋").await;
    for desk in [&a, &b] {
        desk.store.seed_demo(demo::DEFAULT_SEED).await.unwrap();
    }
    // The demo's 嘉陵江合川水位站 (警戒水位 200.0 m): a river rise over four hours from 199 m
    // to 200.35 m, reported every 15 minutes and sent now.
    let gauge = "0050117101";
    let start = (now() - 4 * HOUR - 10 * 60_000) / 60_000 * 60_000;
    let frames = yitu_telemetry::simulate::river_rise(11, address(gauge), start, 199.0, 200.3);
    telemetry::simulate::send_frames(&addr, &frames, Duration::ZERO, WAIT)
        .await
        .unwrap();
    // The oracle, from the frames alone: the alarm rises at the second report in a row at or
    // above 200.0 m (the default hold of two readings, so one spike raises nothing).
    let levels: Vec<(i64, f64)> = carried(&frames, now())
        .iter()
        .filter(|r| r.element == Element::RiverLevel)
        .map(|r| (r.observed_at_ms, r.value))
        .collect();
    let raised_at = levels
        .windows(2)
        .find(|w| w[0].1 >= 200.0 && w[1].1 >= 200.0)
        .map(|w| w[1].0)
        .expect("the simulated rise ends above 警戒水位 for two reports");

    let level_alarms = |m: &yitu_replica::monitoring::Monitoring| -> Vec<_> {
        m.alarms
            .iter()
            .filter(|x| x.station_code == gauge && x.alarm.episode.rule == Rule::Level)
            .cloned()
            .collect()
    };
    a.sync().await;
    b.sync().await;
    let seen_a = level_alarms(&a.store.monitoring(now()).await.unwrap());
    let seen_b = level_alarms(&b.store.monitoring(now()).await.unwrap());
    assert_eq!(seen_a.len(), 1, "{seen_a:?}");
    assert_eq!(seen_a[0].alarm.episode.raised_at_ms, raised_at);
    assert_eq!(seen_a[0].alarm.state, AlarmState::Raised);
    assert_eq!(
        seen_a[0].alarm.episode.id, seen_b[0].alarm.episode.id,
        "both desks derive the one alarm"
    );
    assert_eq!(seen_b.len(), 1);

    // The station resends its last frames: still one alarm on each desk.
    telemetry::simulate::send_frames(&addr, &frames[14..], Duration::ZERO, WAIT)
        .await
        .unwrap();
    // 张指挥 acknowledges on desk A; desk B learns it at its next sync.
    let alarm = seen_a[0].alarm.episode.id;
    let actor = a.store.user("张指挥").await.unwrap();
    a.store
        .alarm_step(
            &actor,
            &Step::Acknowledged {
                alarm,
                by: "张指挥".into(),
                at_ms: now(),
            },
            now(),
        )
        .await
        .unwrap();
    a.sync().await;
    b.sync().await;
    let after_b = level_alarms(&b.store.monitoring(now()).await.unwrap());
    assert_eq!(after_b.len(), 1);
    assert_eq!(after_b[0].alarm.state, AlarmState::Acknowledged);

    // A report held up on a cut link arrives late but within the lateness allowed: 200.1 m
    // seven minutes after the first report over 警戒 (a frame carries whole minutes). The pair
    // is now made earlier, so the alarm is raised earlier and its id changes on both desks;
    // the acknowledgement made under the old id stays with it.
    let first_over = levels
        .windows(2)
        .find(|w| w[0].1 >= 200.0 && w[1].1 >= 200.0)
        .map(|w| w[0].0)
        .unwrap();
    let held_up =
        yitu_telemetry::simulate::level_report(address(gauge), first_over + 420_000, 200.1);
    telemetry::simulate::send_frames(&addr, &[held_up], Duration::ZERO, WAIT)
        .await
        .unwrap();
    a.sync().await;
    b.sync().await;
    for desk in [&a, &b] {
        let now_seen = level_alarms(&desk.store.monitoring(now()).await.unwrap());
        assert_eq!(now_seen.len(), 1, "{now_seen:?}");
        assert_eq!(now_seen[0].alarm.episode.raised_at_ms, first_over + 420_000);
        assert_ne!(now_seen[0].alarm.episode.id, alarm);
        assert_eq!(now_seen[0].alarm.state, AlarmState::Acknowledged);
        assert!(now_seen[0].alarm.seen_at_ms.is_some());
    }

    // A backlog of yesterday's flood at another gauge, over its 保证水位 but two days late:
    // kept and drawn, and no alarm anywhere.
    let late = "0050117102";
    let old = (now() - 48 * HOUR) / 60_000 * 60_000;
    let backlog = yitu_telemetry::simulate::river_rise(12, address(late), old, 205.0, 209.0);
    telemetry::simulate::send_frames(&addr, &backlog, Duration::ZERO, WAIT)
        .await
        .unwrap();
    a.sync().await;
    let view = a.store.monitoring(now()).await.unwrap();
    assert!(
        view.alarms.iter().all(|x| x.station_code != late),
        "a late backlog raises nothing: {:?}",
        view.alarms
    );
    let held = a.store.readings_of(late, 0, i64::MAX).await.unwrap();
    assert_eq!(held.len(), backlog.len());
    assert!(held.iter().all(|r| r.historical));
}

#[tokio::test]
async fn an_alarm_is_raised_once_at_the_right_reading_on_both_desks_sqlite() {
    an_alarm_is_raised_once_on_both_desks(Backend::Sqlite).await;
}

#[tokio::test]
async fn an_alarm_is_raised_once_at_the_right_reading_on_both_desks_postgres() {
    an_alarm_is_raised_once_on_both_desks(Backend::Postgres).await;
}
