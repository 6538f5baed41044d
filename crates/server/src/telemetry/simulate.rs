//! The simulator's sending side (`yitu-server telemetry simulate`): frames from
//! `yitu_telemetry::simulate` sent to an SL 651 listener the way a station sends them (one
//! connection, a frame, its confirmation), and device payloads published to a broker. For
//! tests and drills; what it sends is labelled by its station codes, never mixed into a live
//! register unless someone registers them.

use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long a station waits for the centre's confirmation before it counts the frame as not
/// confirmed (and, a real station, would send it again).
pub const CONFIRM_WAIT: Duration = Duration::from_secs(10);

/// Sends `frames` over one connection to `addr`, each after the confirmation of the one before
/// (or `wait` without one), pausing `pace` between them; answers how many were confirmed.
pub async fn send_frames(
    addr: &str,
    frames: &[Vec<u8>],
    pace: Duration,
    wait: Duration,
) -> std::io::Result<usize> {
    let mut socket = TcpStream::connect(addr).await?;
    let mut confirmed = 0;
    let mut buf = vec![0u8; 4096];
    for frame in frames {
        socket.write_all(frame).await?;
        if let Ok(Ok(n)) = tokio::time::timeout(wait, socket.read(&mut buf)).await {
            if n > 0 {
                confirmed += 1;
            }
        }
        if !pace.is_zero() {
            tokio::time::sleep(pace).await;
        }
    }
    socket.shutdown().await?;
    Ok(confirmed)
}

/// Publishes each `(topic, payload)` at QoS 1 and answers once the broker acknowledged them all.
pub async fn publish(
    host: &str,
    port: u16,
    client_id: &str,
    messages: Vec<(String, Vec<u8>)>,
) -> Result<usize, String> {
    let mut options = MqttOptions::new(client_id, host, port);
    options.set_keep_alive(Duration::from_secs(30));
    let (client, mut events) = AsyncClient::new(options, messages.len().max(1) + 8);
    let total = messages.len();
    let sender = tokio::spawn(async move {
        for (topic, payload) in messages {
            client
                .publish(topic, QoS::AtLeastOnce, false, payload)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok::<_, String>(client)
    });
    let mut acked = 0;
    while acked < total {
        match tokio::time::timeout(Duration::from_secs(30), events.poll()).await {
            Ok(Ok(Event::Incoming(Packet::PubAck(_)))) => acked += 1,
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return Err(format!("the broker at {host}:{port}: {e}")),
            Err(_) => return Err(format!("the broker at {host}:{port} stopped answering")),
        }
    }
    let client = sender.await.map_err(|e| e.to_string())??;
    let _ = client.disconnect().await;
    // Let the disconnect go out.
    let _ = tokio::time::timeout(Duration::from_millis(200), events.poll()).await;
    Ok(acked)
}
