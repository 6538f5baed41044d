//! yitu's local store on the desktop: one SQLite file per data folder holding the towns, the five
//! registries and the stock ledger. Opening it creates the file and runs the migrations.

mod clock;
pub mod decisions;
pub mod device;
pub mod dispatch;
pub mod edit;
mod error;
pub mod import;
pub mod incident;
pub mod monitoring;
pub mod movement;
pub mod printout;
pub mod readiness;
pub mod registry;
pub mod roads;
pub mod search;
pub mod seed;
pub mod stats;
pub mod stock;
pub mod sync;
mod table;
pub mod user;
mod write;

pub use error::Error;
pub use stats::Stats;
pub use write::{Author, Changes};

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The file name of the database inside a data folder.
pub const DB_FILE: &str = "yitu.sqlite";
/// The app's identifier: the platform data folder is `<data dir>/<identifier>`, as Tauri does it,
/// so the desktop and the `yitu` command find the same database by default.
pub const APP_IDENTIFIER: &str = "org.yitu.desktop";

/// The default data folder: `~/.local/share/org.yitu.desktop` on Linux, the matching folder
/// elsewhere.
pub fn default_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join(APP_IDENTIFIER))
}

/// A handle on the replica's database. Cheap to clone: the pool is shared.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
    /// Told of every commit, for [`Store::changes`].
    announcer: write::Announcer,
}

impl Store {
    /// Opens (creating if need be) the database in `data_dir` and brings its schema up to date.
    pub async fn open(data_dir: &Path) -> Result<Self, Error> {
        std::fs::create_dir_all(data_dir).map_err(|source| Error::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join(DB_FILE);
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            // WAL lets the map read while an import writes; NORMAL is durable across app crashes
            // (not power loss of the last transaction), the usual trade for a desktop store.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|source| Error::Open {
                path: path.clone(),
                source,
            })?;
        sqlx::migrate!("../../migrations/replica")
            .run(&pool)
            .await?;
        Ok(Self {
            pool,
            path,
            announcer: std::sync::Arc::new(tokio::sync::watch::channel(Changes::default()).0),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Folds the write-ahead log into the database file, so `yitu.sqlite` alone holds every
    /// committed write (a copy or backup of the file is then complete).
    pub async fn checkpoint(&self) -> Result<(), Error> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Closes the pool, checkpointing the WAL first: closing alone was seen to leave a 950 KB
    /// log beside a 4 KB database after `seed-demo`.
    pub async fn close(self) {
        if let Err(e) = self.checkpoint().await {
            tracing::warn!(error = ?e, "checkpoint on close failed; the WAL keeps the writes");
        }
        self.pool.close().await;
    }
}

/// New UUIDv7 ids: the time given, and random bits from a generator seeded once from the
/// operating system's random source (a seed from the clock could repeat in two processes
/// started together).
pub fn id_source(now_ms: i64) -> impl FnMut() -> yitu_domain::EntityId + Send + Sync {
    let mut seed = [0u8; 8];
    if getrandom::getrandom(&mut seed).is_err() {
        // No random source at all: the process id still keeps two processes apart.
        seed = (u64::from(std::process::id()) << 32).to_le_bytes();
    }
    let mut rng = yitu_domain::demo::rng::SplitMix64::new(u64::from_le_bytes(seed));
    move || {
        let a = rng.next_u64().to_le_bytes();
        let b = rng.next_u64().to_le_bytes();
        let mut r = [0u8; 10];
        r[..8].copy_from_slice(&a);
        r[8..].copy_from_slice(&b[..2]);
        yitu_domain::EntityId::v7(now_ms.max(0) as u64, r)
    }
}
