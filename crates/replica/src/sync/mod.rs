//! Sync with the district server: the outbox every local write feeds (in its own transaction),
//! applying pulled changes by the merge rules of `yitu_domain::sync`, the HTTP client, and the
//! engine (one pass, and a background loop with backoff and jitter for the desktop shell).

pub mod client;
pub mod engine;
pub mod record;
mod restamp;
mod snapshot;

pub use client::{Client, Credential, SnapshotBody};
pub use engine::{run, sync_once, sync_once_with, Backoff, LoopConfig, SyncReport, SNAPSHOT_FROM};
pub use record::{Conflict, Version};
