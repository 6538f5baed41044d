//! One desk's link to the server: a TCP proxy on loopback, in user space (the kernel here has
//! no `netem`), that cuts, delays, throttles and loses, drops a reply after the server
//! committed, sends a request again later (a duplicate that arrives out of order), and tells
//! the harness what passes (which request, when its body was through, when the answer began)
//! so a kill can land in a chosen phase of a sync.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, watch};

/// What the link does to traffic now. `Faults::default()` is a clean link.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Faults {
    /// No connection gets through; open ones are cut.
    pub down: bool,
    /// Delay added to each chunk each way, drawn from `delay_ms.0 ..= delay_ms.1`.
    pub delay_ms: (u64, u64),
    /// Bandwidth each way, bytes per second (None: as fast as loopback).
    pub bytes_per_s: Option<u64>,
    /// Chance that a chunk is lost: it goes through after a retransmission timeout (what TCP
    /// makes of a lost segment), and its bytes count as sent twice.
    pub loss: f64,
    /// Swallow the answer to the next push and cut the connection: the server committed, the
    /// desk never hears.
    pub drop_reply: bool,
    /// Send each push again to the server this long after it passed (a duplicate that arrives
    /// after later requests).
    pub replay_after_ms: Option<u64>,
    /// Cut a connection once this many bytes of one answer have passed.
    pub cut_answer_after: Option<u64>,
}

/// What the link saw, for the harness to time a kill by.
#[derive(Clone, Debug, PartialEq)]
pub enum Seen {
    /// A request's head passed (its body may still be coming).
    Request(String),
    /// A request's body has passed whole to the server.
    Sent(String),
    /// The first bytes of the answer to this request reached the desk.
    Answer(String),
}

/// Bytes that crossed, for figures.
#[derive(Default)]
pub struct Counts {
    /// Bytes delivered, both ways.
    pub delivered: AtomicU64,
    /// Bytes that crossed a connection which was cut before its exchange ended: the desk or
    /// the server sends them again.
    pub wasted: AtomicU64,
    /// Bytes of chunks lost and retransmitted (what TCP would send twice).
    pub retransmitted: AtomicU64,
    pub cuts: AtomicU64,
}

/// A running link: its address for the desk, and the handle to change its faults.
#[derive(Clone)]
pub struct Link {
    pub url: String,
    faults: Arc<Mutex<Faults>>,
    /// Bumped to cut every open connection.
    generation: watch::Sender<u64>,
    seen: broadcast::Sender<Seen>,
    pub counts: Arc<Counts>,
    rng: Arc<Mutex<fastrand::Rng>>,
}

impl Link {
    /// A link to `upstream` (host:port), listening on a free loopback port.
    pub async fn start(upstream: String, seed: u64) -> std::io::Result<Link> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let (generation, _) = watch::channel(0);
        let (seen, _) = broadcast::channel(256);
        let link = Link {
            url,
            faults: Arc::default(),
            generation,
            seen,
            counts: Arc::default(),
            rng: Arc::new(Mutex::new(fastrand::Rng::with_seed(seed))),
        };
        let accepting = link.clone();
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let link = accepting.clone();
                let upstream = upstream.clone();
                tokio::spawn(async move { link.carry(inbound, upstream).await });
            }
        });
        Ok(link)
    }

    pub fn set(&self, faults: Faults) {
        let cut = faults.down;
        *self.faults.lock().unwrap() = faults;
        if cut {
            self.cut_all();
        }
    }

    pub fn faults(&self) -> Faults {
        self.faults.lock().unwrap().clone()
    }

    /// Cuts every open connection now.
    pub fn cut_all(&self) {
        self.generation.send_modify(|g| *g += 1);
    }

    /// What passes from now on.
    pub fn watch(&self) -> broadcast::Receiver<Seen> {
        self.seen.subscribe()
    }

    fn draw(&self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            lo
        } else {
            self.rng.lock().unwrap().u64(lo..=hi)
        }
    }

    fn lost(&self, p: f64) -> bool {
        p > 0.0 && self.rng.lock().unwrap().f64() < p
    }

    async fn carry(self, inbound: TcpStream, upstream: String) {
        if self.faults().down {
            return; // dropped: the desk sees its connection closed
        }
        let Ok(outbound) = TcpStream::connect(&upstream).await else {
            return;
        };
        let _ = inbound.set_nodelay(true);
        let _ = outbound.set_nodelay(true);
        let (ri, wi) = inbound.into_split();
        let (ro, wo) = outbound.into_split();
        // The path of the request in flight: HTTP/1.1 without pipelining, so an answer belongs
        // to the last request sent on its connection.
        let path = Arc::new(Mutex::new(String::new()));
        // Bytes of the exchange in flight, wasted if the connection is cut before it ends.
        let open = Arc::new(AtomicU64::new(0));
        let mut cut = self.generation.subscribe();
        cut.mark_unchanged();
        let up = tokio::spawn(
            self.clone()
                .requests(ri, wo, path.clone(), open.clone(), upstream),
        );
        let down = tokio::spawn(self.clone().answers(ro, wi, path, open.clone()));
        let (up_abort, down_abort) = (up.abort_handle(), down.abort_handle());
        tokio::select! {
            _ = cut.changed() => {
                up_abort.abort();
                down_abort.abort();
                self.counts.cuts.fetch_add(1, Ordering::Relaxed);
                self.counts.wasted.fetch_add(open.load(Ordering::Relaxed), Ordering::Relaxed);
            }
            _ = async { let _ = up.await; let _ = down.await; } => {}
        }
    }

    /// Paces one chunk to the link's bandwidth and queues it to arrive after the link's delay
    /// (a lost chunk after a retransmission timeout as well, holding back those behind it as
    /// TCP does). False once the far side is gone.
    async fn shaped(&self, to: &mut Pipe, bytes: &[u8]) -> bool {
        let f = self.faults();
        if let Some(bps) = f.bytes_per_s {
            let on_the_wire = Duration::from_millis(bytes.len() as u64 * 1000 / bps.max(1));
            let now = tokio::time::Instant::now();
            let start = to.free.max(now);
            to.free = start + on_the_wire;
            tokio::time::sleep_until(to.free).await;
        }
        let mut delay = self.draw(f.delay_ms.0, f.delay_ms.1);
        if self.lost(f.loss) {
            // A retransmission timeout: TCP's minimum of 200 ms, or twice the delay.
            delay += (2 * f.delay_ms.1).max(200);
            self.counts
                .retransmitted
                .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        }
        let due = (tokio::time::Instant::now() + Duration::from_millis(delay)).max(to.due);
        to.due = due;
        if to.queue.send((due, bytes.to_vec())).is_err() {
            return false;
        }
        self.counts
            .delivered
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        true
    }

    /// The chunk size: small on a slow link so that bandwidth and cuts act within a request.
    fn chunk(&self) -> usize {
        if self.faults().bytes_per_s.is_some() {
            1024
        } else {
            64 * 1024
        }
    }

    /// Desk to server: requests read head by head, so the link knows which request passes.
    async fn requests(
        self,
        mut from: tokio::net::tcp::OwnedReadHalf,
        to: tokio::net::tcp::OwnedWriteHalf,
        path: Arc<Mutex<String>>,
        open: Arc<AtomicU64>,
        upstream: String,
    ) {
        let mut to = Pipe::new(to);
        let _writer = AbortOnDrop(to.writer.abort_handle());
        let mut buf: Vec<u8> = Vec::new();
        let mut read = vec![0u8; 64 * 1024];
        loop {
            // One request: its head, then Content-Length bytes of body.
            let head_end = loop {
                if let Some(i) = find(&buf, b"\r\n\r\n") {
                    break i + 4;
                }
                match from.read(&mut read).await {
                    Ok(0) | Err(_) => {
                        to.close().await;
                        return;
                    }
                    Ok(n) => buf.extend_from_slice(&read[..n]),
                }
            };
            let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
            let this = head
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .split('?')
                .next()
                .unwrap_or("")
                .to_owned();
            let length = content_length(&head);
            while buf.len() < head_end + length {
                match from.read(&mut read).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&read[..n]),
                }
            }
            let request: Vec<u8> = buf.drain(..head_end + length).collect();
            *path.lock().unwrap() = this.clone();
            open.store(0, Ordering::Relaxed);
            let _ = self.seen.send(Seen::Request(this.clone()));
            for piece in request.chunks(self.chunk()) {
                if !self.shaped(&mut to, piece).await {
                    return;
                }
                open.fetch_add(piece.len() as u64, Ordering::Relaxed);
            }
            let _ = self.seen.send(Seen::Sent(this.clone()));
            if this == "/v1/push" {
                if let Some(after) = self.faults().replay_after_ms {
                    tokio::spawn(replay(upstream.clone(), request, after));
                }
            }
        }
    }

    /// Server to desk: answers, dropped or cut as the faults say.
    async fn answers(
        self,
        mut from: tokio::net::tcp::OwnedReadHalf,
        to: tokio::net::tcp::OwnedWriteHalf,
        path: Arc<Mutex<String>>,
        open: Arc<AtomicU64>,
    ) {
        let mut to = Pipe::new(to);
        let _writer = AbortOnDrop(to.writer.abort_handle());
        let mut read = vec![0u8; 64 * 1024];
        let mut answered = String::new();
        let mut passed = 0u64;
        loop {
            let n = match from.read(&mut read[..self.chunk()]).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let this = path.lock().unwrap().clone();
            if this != answered {
                answered = this.clone();
                passed = 0;
                let f = self.faults();
                if f.drop_reply && this == "/v1/push" {
                    // Committed on the server, never heard by the desk.
                    self.faults.lock().unwrap().drop_reply = false;
                    self.counts
                        .wasted
                        .fetch_add(open.load(Ordering::Relaxed) + n as u64, Ordering::Relaxed);
                    self.counts.cuts.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                let _ = self.seen.send(Seen::Answer(this.clone()));
            }
            if let Some(limit) = self.faults().cut_answer_after {
                if passed + n as u64 > limit {
                    self.counts
                        .wasted
                        .fetch_add(open.load(Ordering::Relaxed) + passed, Ordering::Relaxed);
                    self.counts.cuts.fetch_add(1, Ordering::Relaxed);
                    return;
                }
            }
            if !self.shaped(&mut to, &read[..n]).await {
                break;
            }
            passed += n as u64;
            open.fetch_add(n as u64, Ordering::Relaxed);
        }
        to.close().await;
    }
}

/// One direction of a connection: chunks wait in order for their time of arrival, so a delay is
/// latency (chunks in flight together), not a pause between chunks.
struct Pipe {
    queue: tokio::sync::mpsc::UnboundedSender<(tokio::time::Instant, Vec<u8>)>,
    /// When the link is free to send the next chunk (bandwidth).
    free: tokio::time::Instant,
    /// When the last queued chunk arrives: none arrives before it.
    due: tokio::time::Instant,
    writer: tokio::task::JoinHandle<()>,
}

impl Pipe {
    fn new(mut to: tokio::net::tcp::OwnedWriteHalf) -> Pipe {
        let (queue, mut rx) =
            tokio::sync::mpsc::unbounded_channel::<(tokio::time::Instant, Vec<u8>)>();
        let writer = tokio::spawn(async move {
            while let Some((due, bytes)) = rx.recv().await {
                tokio::time::sleep_until(due).await;
                if to.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            let _ = to.shutdown().await;
        });
        let now = tokio::time::Instant::now();
        Pipe {
            queue,
            free: now,
            due: now,
            writer,
        }
    }

    /// Waits until every queued chunk has been written, then closes this direction.
    async fn close(self) {
        drop(self.queue);
        let _ = self.writer.await;
    }
}

/// The same request sent again on a connection of its own, its answer read and dropped.
async fn replay(upstream: String, request: Vec<u8>, after_ms: u64) {
    tokio::time::sleep(Duration::from_millis(after_ms)).await;
    let Ok(mut conn) = TcpStream::connect(upstream).await else {
        return;
    };
    if conn.write_all(&request).await.is_ok() {
        let mut sink = vec![0u8; 16 * 1024];
        let _ = tokio::time::timeout(Duration::from_secs(5), conn.read(&mut sink)).await;
    }
}

/// Stops a pipe's writer when its pump is aborted (a cut).
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &str) -> usize {
    head.lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_length_of_a_request_is_read_from_its_head() {
        let head = "POST /v1/push HTTP/1.1\r\nhost: x\r\nContent-Length: 42\r\n\r\n";
        assert_eq!(content_length(head), 42);
        assert_eq!(content_length("GET / HTTP/1.1\r\n\r\n"), 0);
        assert_eq!(find(b"ab\r\n\r\ncd", b"\r\n\r\n"), Some(2));
    }
}
