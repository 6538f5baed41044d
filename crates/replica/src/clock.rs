//! This replica's hybrid logical clock: its node id (made on first use) and the last stamp it
//! made or saw, kept in `meta` and advanced inside each write's transaction.

use crate::table::{meta, Conn};
use crate::Error;
use yitu_domain::sync::Stamp;

pub(crate) struct Clock {
    node: String,
    last: Option<Stamp>,
}

impl Clock {
    /// Reads the node id (making it on first use) and the last stamp made or seen.
    pub(crate) async fn load(conn: &mut Conn) -> Result<Self, Error> {
        let node = match meta::get(conn, "sync_node").await? {
            Some(n) => n,
            None => {
                let mut b = [0u8; 8];
                getrandom::getrandom(&mut b)
                    .map_err(|e| Error::Sync(format!("random source: {e}")))?;
                let n: String = b.iter().map(|x| format!("{x:02x}")).collect();
                meta::set(conn, "sync_node", &n).await?;
                n
            }
        };
        let last = meta::get(conn, "hlc").await?;
        Ok(Self {
            node,
            last: last.and_then(|s| s.parse().ok()),
        })
    }

    pub(crate) fn tick(&mut self, now_ms: i64) -> Stamp {
        let s = Stamp::tick(self.last.as_ref(), now_ms.max(0) as u64, &self.node);
        self.last = Some(s.clone());
        s
    }

    pub(crate) fn observe(&mut self, seen: &Stamp) {
        self.last = Some(Stamp::observe(self.last.take(), seen));
    }

    pub(crate) fn node(&self) -> &str {
        &self.node
    }

    /// Sets the clock's memory back to `last`: only for stamps that never left this desk and
    /// were all stamped again after it (`sync::restamp`).
    pub(crate) fn rewind(&mut self, last: Stamp) {
        self.last = Some(last);
    }

    pub(crate) async fn save(&self, conn: &mut Conn) -> Result<(), Error> {
        if let Some(last) = &self.last {
            meta::set(conn, "hlc", &last.to_string()).await?;
        }
        Ok(())
    }
}

/// The wall clock in Unix ms, for the sync engine's own bookkeeping (when a pass ended, a
/// loop's jitter): the one place the store reads the time. Every change is stamped with the
/// time its caller gives, so tests control it.
#[allow(clippy::disallowed_methods)]
pub(crate) fn wall_clock_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
