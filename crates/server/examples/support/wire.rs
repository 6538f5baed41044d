//! What the benchmarks share: the wall clock, and a TCP proxy that counts the bytes crossing it
//! both ways (HTTP headers included), so a figure is what a link would carry.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

#[allow(clippy::disallowed_methods)] // a benchmark binary's edge
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Bytes both ways through the proxy since start.
#[derive(Clone, Default)]
pub struct Wire(Arc<AtomicU64>);

impl Wire {
    pub fn take(&self) -> u64 {
        self.0.swap(0, Ordering::SeqCst)
    }
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    wire: Wire,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = vec![0u8; 64 * 1024];
    while let Ok(n) = from.read(&mut buf).await {
        if n == 0 || to.write_all(&buf[..n]).await.is_err() {
            break;
        }
        wire.0.fetch_add(n as u64, Ordering::SeqCst);
    }
    let _ = to.shutdown().await;
}

pub async fn proxy(upstream: String) -> (String, Wire) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let wire = Wire::default();
    let counted = wire.clone();
    tokio::spawn(async move {
        loop {
            let (inbound, _) = listener.accept().await.unwrap();
            let upstream = upstream.clone();
            let counted = counted.clone();
            tokio::spawn(async move {
                let out = tokio::net::TcpStream::connect(upstream).await.unwrap();
                let (ri, wi) = inbound.into_split();
                let (ro, wo) = out.into_split();
                // Counted as the bytes pass, not at close: the client keeps connections alive.
                tokio::spawn(pump(ri, wo, counted.clone()));
                tokio::spawn(pump(ro, wi, counted));
            });
        }
    });
    (url, wire)
}
