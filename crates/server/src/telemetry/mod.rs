//! Readings coming in: the SL 651 TCP listener (`sl651`), the MQTT subscriber (`mqtt`) and the
//! one writer they hand readings to (`Intake`), which gathers what arrives together into one
//! transaction so a few hundred stations reporting at once cost a few commits, not hundreds.

pub mod mqtt;
pub mod simulate;
pub mod sl651;

use crate::readings::Ingested;
use crate::{Error, Store};
use std::collections::BTreeSet;
use tokio::sync::{mpsc, oneshot};
use yitu_domain::monitoring::{Reading, ReadingKey};

/// The most readings gathered into one transaction.
const GATHER: usize = 20_000;

/// How late a reading may arrive and still raise an alarm (a GPRS station retrying, a
/// device flushing its store after a power cut): older ones are kept as historical.
pub const DEFAULT_LATENESS_MS: i64 = 60 * 60_000;

struct Batch {
    source: &'static str,
    readings: Vec<Reading>,
    done: oneshot::Sender<Result<Ingested, String>>,
}

/// The handle listeners take readings to; cloned into each connection.
#[derive(Clone)]
pub struct Intake {
    tx: mpsc::Sender<Batch>,
}

impl Intake {
    /// Starts the writer over `store`; `clock` gives the server's time in Unix ms.
    pub fn start(store: Store, clock: fn() -> i64) -> Intake {
        Self::start_with(store, clock, GATHER)
    }

    /// [`Intake::start`] gathering at most `gather` readings a transaction (1: a transaction
    /// per frame, the benchmark's baseline).
    pub fn start_with(store: Store, clock: fn() -> i64, gather: usize) -> Intake {
        let (tx, rx) = mpsc::channel(1024);
        tokio::spawn(write(store, clock, gather.max(1), rx));
        Intake { tx }
    }

    /// Stores `readings` and answers once they are committed (a listener confirms to the
    /// station only then, so a crash before commit makes the station send again).
    pub async fn take(
        &self,
        source: &'static str,
        readings: Vec<Reading>,
    ) -> Result<Ingested, Error> {
        if readings.is_empty() {
            return Ok(Ingested::default());
        }
        // Refused here, alone: a bad batch must not fail the others gathered with it.
        if let Some(why) = crate::readings::problem(source, &readings) {
            return Err(Error::BadRequest(why));
        }
        let (done, answer) = oneshot::channel();
        self.tx
            .send(Batch {
                source,
                readings,
                done,
            })
            .await
            .map_err(|_| Error::Intake("the server is stopping".into()))?;
        answer
            .await
            .map_err(|_| Error::Intake("the server is stopping".into()))?
            .map_err(Error::Intake)
    }
}

/// The writer: takes the first batch waiting, gathers every other batch of the same source
/// already queued (up to [`GATHER`] readings), stores them in one ingest and answers each.
async fn write(store: Store, clock: fn() -> i64, gather: usize, mut rx: mpsc::Receiver<Batch>) {
    let mut held: Option<Batch> = None;
    loop {
        let first = match held.take() {
            Some(b) => b,
            None => match rx.recv().await {
                Some(b) => b,
                None => return,
            },
        };
        let source = first.source;
        let mut group = vec![first];
        let mut count = group[0].readings.len();
        while count < gather {
            match rx.try_recv() {
                Ok(b) if b.source == source => {
                    count += b.readings.len();
                    group.push(b);
                }
                Ok(b) => {
                    held = Some(b);
                    break;
                }
                Err(_) => break,
            }
        }
        let all: Vec<Reading> = group
            .iter()
            .flat_map(|b| b.readings.iter().cloned())
            .collect();
        let result = store.ingest_keys(source, &all, clock()).await;
        for b in group {
            let answer = match &result {
                Ok(fresh) => {
                    let mine: BTreeSet<ReadingKey> = b.readings.iter().map(Reading::key).collect();
                    let news = mine.iter().filter(|k| fresh.contains(k)).count();
                    Ok(Ingested {
                        fresh: news,
                        repeated: b.readings.len() - news,
                    })
                }
                Err(e) => {
                    tracing::error!(error = %e, source, "readings could not be stored");
                    Err(e.to_string())
                }
            };
            let _ = b.done.send(answer);
        }
    }
}
