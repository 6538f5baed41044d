//! The MQTT subscriber: geohazard monitoring devices (地质灾害普适型监测设备) publish JSON to the
//! district's broker; the server subscribes with a persistent session (a fixed client id, clean
//! session off, QoS 1), stores each message's readings and only then acknowledges it, so a
//! message the server had not stored when it stopped is delivered again when it comes back.
//! The device type is read from the topic: its first segment naming one (`gnss`/`GP`,
//! `crack`/`LF`, `tilt`/`QJ`, `rain`, `moisture`), e.g. `hechuan/geohazard/GP/510117001`.

use super::Intake;
use crate::Store;
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use std::time::Duration;
use yitu_domain::monitoring::Lateness;
use yitu_telemetry::device::{self, DeviceType};

/// Where and what to subscribe to.
#[derive(Debug, Clone)]
pub struct Settings {
    pub host: String,
    pub port: u16,
    /// The session's name at the broker: the same at every start, so the broker keeps what
    /// arrived while the server was away.
    pub client_id: String,
    pub topic: String,
}

impl Settings {
    /// `mqtt://HOST[:PORT]`, the client id and the topic filter.
    pub fn parse(url: &str, client_id: &str, topic: &str) -> Result<Settings, String> {
        let rest = url
            .strip_prefix("mqtt://")
            .ok_or_else(|| format!("{url:?}: the broker is named mqtt://HOST[:PORT]"))?;
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (
                h,
                p.parse::<u16>()
                    .map_err(|_| format!("{url:?}: the port {p:?} is not a number"))?,
            ),
            None => (rest, 1883),
        };
        if host.is_empty() {
            return Err(format!("{url:?}: no broker host"));
        }
        if topic.trim().is_empty() {
            return Err("an MQTT topic filter is needed".into());
        }
        Ok(Settings {
            host: host.into(),
            port,
            client_id: client_id.into(),
            topic: topic.into(),
        })
    }
}

/// The device type a topic names, if any of its segments does.
pub fn device_of(topic: &str) -> Option<DeviceType> {
    topic.split('/').find_map(DeviceType::from_code)
}

/// Subscribes and stores what arrives until the process ends; reconnects after a broker
/// outage (rumqttc's event loop reconnects when polled again).
pub async fn subscribe(
    settings: Settings,
    intake: Intake,
    store: Store,
    clock: fn() -> i64,
    lateness: Lateness,
) {
    let mut options = MqttOptions::new(&settings.client_id, &settings.host, settings.port);
    options
        .set_keep_alive(Duration::from_secs(30))
        .set_clean_session(false)
        .set_manual_acks(true);
    let (client, mut events) = AsyncClient::new(options, 64);
    loop {
        match events.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(ack))) => {
                tracing::info!(broker = %settings.host, session = ack.session_present, "MQTT connected");
                // Subscribing again on each connection is harmless and covers a broker that
                // lost the session.
                if let Err(e) = client.subscribe(&settings.topic, QoS::AtLeastOnce).await {
                    tracing::error!(error = %e, "MQTT subscribe failed");
                }
            }
            Ok(Event::Incoming(Packet::Publish(p))) => {
                let stored = message(&p.topic, &p.payload, &intake, &store, clock, lateness).await;
                // A message that could not be stored for a passing reason is left unacknowledged:
                // the broker sends it again. A refused one (broken payload) is acknowledged, or
                // it would come back forever.
                if stored != Outcome::Retry {
                    if let Err(e) = client.ack(&p).await {
                        tracing::error!(error = %e, "MQTT ack failed");
                    }
                }
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "MQTT connection lost; trying again");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Stored,
    Refused,
    Retry,
}

async fn message(
    topic: &str,
    payload: &[u8],
    intake: &Intake,
    store: &Store,
    clock: fn() -> i64,
    lateness: Lateness,
) -> Outcome {
    let now = clock();
    let refuse = |reason: String| async move {
        tracing::warn!(topic, reason, "MQTT message refused");
        if let Err(e) = store
            .refuse_telemetry("mqtt", topic, &reason, payload, now)
            .await
        {
            tracing::error!(error = %e, "a refused message could not be logged");
        }
        Outcome::Refused
    };
    let Some(kind) = device_of(topic) else {
        return refuse(format!(
            "主题 {topic:?} 未指明设备类型 (gnss/GP, crack/LF, tilt/QJ, rain, moisture)"
        ))
        .await;
    };
    let readings = match device::decode(kind, payload, now, lateness) {
        Ok(r) => r,
        Err(e) => return refuse(e.to_string()).await,
    };
    match intake.take("mqtt", readings).await {
        Ok(_) => Outcome::Stored,
        Err(crate::Error::BadRequest(why)) => refuse(why).await,
        Err(e) => {
            tracing::error!(error = %e, "MQTT readings not stored; the broker will send them again");
            Outcome::Retry
        }
    }
}
