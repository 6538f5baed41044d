//! The desktop's link to the district server: the background sync loop, what its last pass
//! did (for the online indicator) and waking it on "sync now" (a local write wakes it by
//! itself: the loop follows `Store::changes`).

use std::sync::{Arc, Mutex};
use tokio::sync::{oneshot, Notify};
use yitu_ipc::sync::Pass;
use yitu_replica::sync::{Client, LoopConfig, SyncReport};
use yitu_replica::Store;

/// The loop's handle, one for the app; a new enrolment replaces the loop.
#[derive(Default)]
pub struct SyncLink {
    wake: Arc<Notify>,
    last: Mutex<Option<Pass>>,
    stop: Mutex<Option<oneshot::Sender<()>>>,
}

impl SyncLink {
    /// Starts the loop if this replica is enrolled (stopping one already running). Returns
    /// whether it runs.
    pub fn start(self: &Arc<Self>, store: &Store) -> Result<bool, yitu_replica::Error> {
        let Some(credential) = store.credential()? else {
            return Ok(false);
        };
        let client = Client::new(credential)?;
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        if let Ok(mut s) = self.stop.lock() {
            if let Some(old) = s.replace(stop_tx) {
                let _ = old.send(());
            }
        }
        let link = Arc::clone(self);
        let store = store.clone();
        let wake = Arc::clone(&self.wake);
        tauri::async_runtime::spawn(async move {
            let on_pass = move |result: &Result<SyncReport, yitu_replica::Error>| {
                link.record(result);
            };
            let stop = async move {
                let _ = stop_rx.await;
            };
            yitu_replica::sync::run(store, client, LoopConfig::default(), wake, on_pass, stop)
                .await;
        });
        Ok(true)
    }

    fn record(&self, result: &Result<SyncReport, yitu_replica::Error>) -> Pass {
        let pass = Pass {
            at_ms: crate::command::now_ms(),
            report: result.as_ref().ok().cloned(),
            error: result
                .as_ref()
                .err()
                .map(|e| crate::command::CommandError::of_replica(e).0),
        };
        if let Ok(mut last) = self.last.lock() {
            *last = Some(pass.clone());
        }
        pass
    }

    /// The last pass, if the loop has made one.
    pub fn last(&self) -> Option<Pass> {
        self.last.lock().ok().and_then(|l| l.clone())
    }

    /// A pass now, beside the loop's schedule (the user's "sync now"). Should it overlap a pass
    /// of the loop, nothing is lost or doubled: a repeated push gets its first answer again and
    /// applying a pulled change twice changes nothing (both tested in the server's tests).
    pub async fn now(&self, store: &Store) -> Result<Pass, yitu_replica::Error> {
        let client = Client::for_store(store)?;
        let result = yitu_replica::sync::sync_once(store, &client).await;
        Ok(self.record(&result))
    }
}
