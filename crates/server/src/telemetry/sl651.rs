//! The SL 651-2014 listener: stations (or the district's data centre relaying them) connect over
//! TCP and send frames back to back. Each checked frame's readings are stored, then confirmed
//! (the station resends what is not confirmed); a frame that fails its check is refused and
//! logged, its readings never half-stored, and the connection goes on with the next frame.

use super::Intake;
use crate::Store;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use yitu_domain::monitoring::Lateness;
use yitu_telemetry::sl651::stream::{FrameBuffer, MAX_FRAME};
use yitu_telemetry::sl651::{confirmation, Direction, End, Frame, Packet, Progress, Reassembly};

/// A connection silent this long is closed (a station's link stays up between reports only
/// when it was told ESC, and then it sends a link-keeping message every few minutes).
const IDLE: Duration = Duration::from_secs(15 * 60);
/// A multi-packet message still missing packets this long after its first is dropped.
const REASSEMBLY_MS: i64 = 10 * 60_000;

/// What the listener needs: where to store, the clock, and how late is historical.
#[derive(Clone)]
pub struct Listener {
    pub intake: Intake,
    pub store: Store,
    pub clock: fn() -> i64,
    pub lateness: Lateness,
}

impl Listener {
    /// Accepts stations on `listener` until the process ends.
    pub async fn serve(self, listener: TcpListener) -> std::io::Result<()> {
        loop {
            let (socket, peer) = listener.accept().await?;
            let this = self.clone();
            tokio::spawn(async move {
                if let Err(e) = this.connection(socket, peer).await {
                    tracing::info!(%peer, error = %e, "SL 651 connection closed");
                }
            });
        }
    }

    async fn connection(&self, mut socket: TcpStream, peer: SocketAddr) -> std::io::Result<()> {
        let peer_text = peer.to_string();
        let mut frames = FrameBuffer::new();
        let mut packets = Reassembly::new(REASSEMBLY_MS);
        let mut buf = vec![0u8; 8192];
        loop {
            let n = match tokio::time::timeout(IDLE, socket.read(&mut buf)).await {
                Ok(read) => read?,
                Err(_) => return Ok(()),
            };
            if n == 0 {
                return Ok(());
            }
            frames.extend(&buf[..n]);
            while let Some(next) = frames.next_frame() {
                match next {
                    Ok(frame) => {
                        if let Some(reply) = self.frame(&frame, &mut packets, &peer_text).await {
                            socket.write_all(&reply).await?;
                        }
                    }
                    Err(e) => self.refuse(&peer_text, &e.to_string(), &[]).await,
                }
            }
            if frames.len() > MAX_FRAME {
                self.refuse(
                    &peer_text,
                    "帧超长: 缓冲区超过一帧的最大长度, 断开连接",
                    &[],
                )
                .await;
                return Ok(());
            }
            for lost in packets.expire((self.clock)()) {
                let why = format!(
                    "多包报文未收齐 (功能码 {}, 缺第 {:?} 包), 已丢弃",
                    lost.function.name(),
                    lost.missing
                );
                self.refuse(&peer_text, &why, &[]).await;
            }
        }
    }

    /// Stores a checked frame's readings and gives the confirmation to send, or refuses it
    /// (logged, and no reply: the station sends it again, or its operator reads the log).
    async fn frame(&self, frame: &Frame, packets: &mut Reassembly, peer: &str) -> Option<Vec<u8>> {
        let now = (self.clock)();
        let encoded = frame.encode().unwrap_or_default();
        if frame.header.direction != Direction::Up {
            self.refuse(peer, "下行帧发到了中心站: 只接收遥测站的上行报文", &encoded)
                .await;
            return None;
        }
        let report = match frame.packet {
            Packet::Single => frame.report(),
            Packet::Multi { .. } => match packets.accept(frame, now) {
                // A packet held: confirmed so the station sends the next (ACK: go on).
                Ok(Progress::Waiting { .. }) => {
                    return self.confirm(frame, 0, now, End::Ack);
                }
                Ok(Progress::Complete(whole)) => whole.report(),
                Err(e) => Err(e),
            },
        };
        let report = match report {
            Ok(r) => r,
            Err(e) => {
                self.refuse(peer, &e.to_string(), &encoded).await;
                return None;
            }
        };
        let readings = report.readings(now, self.lateness);
        if let Err(e) = self.intake.take("sl651", readings).await {
            // Not confirmed: the station keeps the frame and sends it again.
            self.refuse(peer, &e.to_string(), &encoded).await;
            return None;
        }
        self.confirm(frame, report.serial, now, End::Eot)
    }

    fn confirm(&self, frame: &Frame, serial: u16, now: i64, end: End) -> Option<Vec<u8>> {
        match confirmation(&frame.header, frame.encoding, serial, now, end).and_then(|f| f.encode())
        {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                tracing::error!(error = %e, "SL 651 confirmation could not be made");
                None
            }
        }
    }

    async fn refuse(&self, peer: &str, reason: &str, bytes: &[u8]) {
        tracing::warn!(peer, reason, "SL 651 frame refused");
        if let Err(e) = self
            .store
            .refuse_telemetry("sl651", peer, reason, bytes, (self.clock)())
            .await
        {
            tracing::error!(error = %e, "a refused frame could not be logged");
        }
    }
}
