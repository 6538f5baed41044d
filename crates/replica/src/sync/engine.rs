//! One sync pass (push what the outbox holds, then pull pages after the cursor, each page
//! applied with its cursor in one transaction, then the district's users in one write) and the
//! background loop the desktop runs.

use super::record::{apply_prepared, apply_writes, Incoming};
use super::snapshot::{self, Part, Record};
use super::Client;
use crate::clock::wall_clock_ms;
use crate::table::{
    chain_event, decision_act, device, incident, incident_log, ledger_entry, meta, outbox,
    record_op, resource, stock_line, Conn,
};
use crate::write::{Origin, Write};
use crate::{Error, Store};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;
use tokio::sync::mpsc;
use yitu_domain::sync::snapshot::SnapshotHead;
use yitu_domain::sync::wire::{Pulled, UsersReply};
use yitu_domain::sync::{Change, Op};

/// Changes per push request at most, and per pulled page twice as many. A pass starts from
/// the size that last went through (`link_batch` in meta): a request the link cut is tried
/// again at a quarter of its size (down to [`MIN_BATCH`]), one that went through doubles. A
/// link cut every few seconds (a vehicle on a hill) then still moves changes, in small
/// requests, where a 500-change push would be cut every time.
const PUSH_BATCH: i64 = 500;
const MIN_BATCH: i64 = 10;

/// From how many changes on the server a desktop at cursor 0 starts from a snapshot rather than
/// pulling every page (a few pages cost less than folding the whole log on the server).
pub const SNAPSHOT_FROM: u64 = 5_000;

pub use yitu_ipc::sync::SyncReport;

impl Store {
    /// Local changes the server has not answered yet.
    pub async fn pending_count(&self) -> Result<u64, Error> {
        let mut conn = self.pool.acquire().await?;
        outbox::pending_count(&mut conn).await
    }

    /// When the last pass that reached the server ended (Unix ms).
    pub async fn last_sync(&self) -> Result<Option<i64>, Error> {
        let mut conn = self.pool.acquire().await?;
        Ok(meta::get(&mut conn, "last_sync_ms")
            .await?
            .and_then(|v| v.parse().ok()))
    }

    /// Local changes the server refused: (seq, outcome).
    pub async fn refused_changes(&self) -> Result<Vec<(i64, String)>, Error> {
        let mut conn = self.pool.acquire().await?;
        outbox::refused(&mut conn).await
    }

    async fn meta_u64(&self, key: &str) -> Result<u64, Error> {
        let mut conn = self.pool.acquire().await?;
        meta::get_u64(&mut conn, key).await
    }

    /// Sets one of the sync engine's own facts, in a write of its own.
    async fn set_meta(&self, key: &str, value: &str) -> Result<(), Error> {
        let mut w = self
            .write_from(Origin::Bookkeeping, "", wall_clock_ms())
            .await?;
        meta::set(w.conn(), key, value).await?;
        w.commit().await
    }

    /// Applies one pulled page and moves the cursor, in one transaction: a crash between pages
    /// re-pulls the page, and applying a change twice changes nothing.
    pub async fn apply_page(
        &self,
        own_device: &str,
        page: &[Pulled],
        cursor: u64,
    ) -> Result<u64, Error> {
        let mut w = self
            .write_from(Origin::Elsewhere, "", wall_clock_ms())
            .await?;
        let mut applied = 0;
        // Record writes first, rebuilt in batches; then the rest in server order (stock and log
        // entries name depots and incidents that the records of the same page may create).
        let mut writes = Vec::new();
        for p in page {
            w.observe(&p.change.stamp);
            if p.device == own_device {
                continue;
            }
            applied += 1;
            writes.extend(Incoming::of(&p.change)?);
        }
        let none_stored = !record_op::any(w.conn()).await?;
        apply_writes(w.conn(), &writes, none_stored).await?;
        for p in page {
            if p.device != own_device && !matches!(p.change.op, Op::Record { .. }) {
                apply_change(w.conn(), &p.change).await?;
            }
        }
        rebuild_decisions(w.conn(), page.iter().map(|p| &p.change)).await?;
        meta::set(w.conn(), "sync_cursor", &cursor.to_string()).await?;
        w.commit().await?;
        Ok(applied)
    }

    /// Applies a snapshot (zstd-compressed JSON lines, `yitu_domain::sync::snapshot`) and moves
    /// the cursor to the one it is consistent with, in one transaction: a crash midway leaves
    /// the cursor where it was and the next pass takes a snapshot again. Returns how many
    /// records and changes it held.
    pub async fn apply_snapshot(&self, packed: &[u8]) -> Result<u64, Error> {
        self.apply_snapshot_from(std::io::Cursor::new(packed.to_vec()))
            .await
    }

    /// [`apply_snapshot`](Self::apply_snapshot) as the bytes arrive (`Client::snapshot_body`):
    /// a thread decompresses and parses batches of records while the batch before is written,
    /// so the parsed snapshot is never held whole and the store starts before the body ends.
    pub async fn apply_snapshot_from(
        &self,
        source: impl std::io::Read + Send + 'static,
    ) -> Result<u64, Error> {
        let mut parts = snapshot::read(source);
        let Part::Head(head) = next_part(&mut parts).await? else {
            return Err(snapshot::bad("no head line"));
        };
        let mut conn = self.pool.acquire().await?;
        // One transaction writes every page of the snapshot (some 100 MB for 100,000 records):
        // a page cache that holds them spares SQLite spilling pages mid-transaction and reading
        // them back (its default is 2 MB). Set back afterwards, whatever happened, so the
        // pooled connection does not keep the pages.
        sqlx::query("PRAGMA cache_size = -131072")
            .execute(&mut *conn)
            .await?;
        let applied = apply_parts(&mut conn, self, &head, &mut parts).await;
        sqlx::query("PRAGMA cache_size = -2000")
            .execute(&mut *conn)
            .await?;
        applied?;
        Ok(head.records + head.changes)
    }
}

/// The snapshot's records and changes after its head line, and its cursor, in one transaction.
async fn apply_parts(
    conn: &mut Conn,
    store: &Store,
    head: &SnapshotHead,
    parts: &mut mpsc::Receiver<Result<Part, Error>>,
) -> Result<(), Error> {
    let mut w = Write::on(conn, store, Origin::Elsewhere, wall_clock_ms()).await?;
    let none_stored = !record_op::any(w.conn()).await?;
    let (mut records, mut changes) = (0u64, 0u64);
    while records < head.records || changes < head.changes {
        match next_part(parts).await? {
            Part::Records(batch) if changes == 0 => {
                records += batch.len() as u64;
                for write in batch.iter().flat_map(|r| &r.writes) {
                    w.observe(&write.stamp);
                }
                apply_records(w.conn(), batch, none_stored).await?;
            }
            Part::Changes(batch) if records == head.records => {
                changes += batch.len() as u64;
                for change in &batch {
                    w.observe(&change.stamp);
                    // This desktop's own stock, log and event changes are already here:
                    // applying them again is ignored like any entry already known.
                    apply_change(w.conn(), change).await?;
                }
                rebuild_decisions(w.conn(), batch.iter()).await?;
            }
            _ => return Err(snapshot::bad("its lines are out of order")),
        }
    }
    meta::set(w.conn(), "sync_cursor", &head.cursor.to_string()).await?;
    w.commit().await
}

/// The next part the reading thread made; its end before the snapshot's is a cut snapshot.
async fn next_part(parts: &mut mpsc::Receiver<Result<Part, Error>>) -> Result<Part, Error> {
    parts
        .recv()
        .await
        .unwrap_or_else(|| Err(snapshot::bad("it ends early")))
}

/// One batch of snapshot records. Each record has one line, so none of them is stored by an
/// earlier batch: a record the store holds nothing of (no registry row; no `record_op` row at
/// all, the first sync's case) is written as the reading thread prepared it, any other merged
/// here with what the store holds.
async fn apply_records(
    conn: &mut Conn,
    batch: Vec<Record>,
    none_stored: bool,
) -> Result<(), Error> {
    let held = if none_stored {
        let ids: Vec<String> = batch.iter().map(|r| r.id.to_string()).collect();
        resource::present(conn, &ids).await?
    } else {
        BTreeSet::new()
    };
    let (mut alone, merged): (Vec<Record>, Vec<Record>) = batch
        .into_iter()
        .partition(|r| none_stored && r.alone.is_some() && !held.contains(&r.id.to_string()));
    let taken: Vec<_> = alone.iter_mut().map(|r| r.alone.take()).collect();
    let prepared = alone
        .iter()
        .zip(taken)
        .filter_map(|(r, p)| Some((r.collection, r.id, p?)))
        .collect();
    let ops: Vec<_> = alone.iter().flat_map(Record::ops).collect();
    apply_prepared(conn, &ops, prepared).await?;
    let fields = merged
        .iter()
        .map(Record::fields)
        .collect::<Result<Vec<_>, Error>>()?;
    let incoming: Vec<Incoming> = merged
        .iter()
        .zip(&fields)
        .flat_map(|(r, f)| r.incoming(f))
        .collect();
    apply_writes(conn, &incoming, none_stored).await
}

/// Rebuilds each decision that `changes` carry acts of, once (its fold needs all of them).
async fn rebuild_decisions(
    conn: &mut Conn,
    changes: impl Iterator<Item = &Change>,
) -> Result<(), Error> {
    let touched: BTreeSet<yitu_domain::EntityId> = changes
        .filter_map(|c| match &c.op {
            Op::Act { transition } => Some(transition.decision),
            _ => None,
        })
        .collect();
    for id in touched {
        crate::decisions::rebuild(conn, id, None).await?;
    }
    Ok(())
}

/// One change from another device, by the merge rules: record writes are kept and the record
/// rebuilt from its winners; ledger and log entries are added unless already there.
async fn apply_change(conn: &mut Conn, change: &Change) -> Result<(), Error> {
    match &change.op {
        // Applied in batches by `apply_page`.
        Op::Record { .. } => {}
        Op::Ledger {
            entry,
            name,
            unit,
            terms,
        } => {
            let depot = entry.depot_id.to_string();
            if !resource::exists(conn, &depot).await? {
                // Only a server that lost the depot's creation sends this; skipping keeps the
                // page applicable, and the entry stays on the server.
                tracing::warn!(depot = %depot, "stock movement for an unknown depot skipped");
                return Ok(());
            }
            stock_line::insert_if_absent(conn, &depot, entry.code.as_str(), name, unit, None)
                .await?;
            ledger_entry::insert_if_absent(conn, entry).await?;
            if let Some(terms) = terms {
                let stamp = change.stamp.to_string();
                stock_line::apply_terms(conn, &depot, entry.code.as_str(), terms, &stamp).await?;
            }
        }
        Op::Act { transition: t } => {
            // Another desk's act: kept with its stamp and its signed event; the decision is
            // rebuilt from the fold of its acts once the page's acts are all in.
            if let Some(e) = &t.event {
                let label = format!("met through sync ({})", change.author);
                device::insert_if_absent(conn, &e.device, &label, e.at_ms).await?;
                chain_event::insert_if_absent(conn, e).await?;
            }
            decision_act::insert_if_absent(conn, &change.stamp, t).await?;
        }
        Op::Event { event } => {
            // Another device's signed event, kept as it was signed. Two devices that issued for
            // one incident offline both made its next number: the first to reach the server
            // is kept here, the other stays in its own store and on the server (see NOTES).
            let e = event.as_ref();
            // Met through sync: the server checked the signature before it took the event.
            let label = format!("met through sync ({})", change.author);
            device::insert_if_absent(conn, &e.device, &label, e.at_ms).await?;
            chain_event::insert_if_absent(conn, e).await?;
        }
        Op::Readings { source, readings } => {
            crate::table::reading::merge(conn, source, readings).await?;
        }
        Op::AlarmStep { step } => {
            crate::table::alarm_step::insert_if_absent(conn, step).await?;
        }
        Op::Log {
            incident: of,
            id,
            body,
        } => {
            if !incident::exists(conn, *of).await? {
                tracing::warn!(incident = %of, "log entry for an unknown incident skipped");
                return Ok(());
            }
            let at_ms = body.get("at_ms").and_then(|v| v.as_i64()).unwrap_or(0);
            let author = body
                .get("author")
                .and_then(|v| v.as_str())
                .unwrap_or(&change.author);
            incident_log::insert_if_absent(conn, *id, *of, at_ms, author, &body.to_string())
                .await?;
        }
    }
    Ok(())
}

/// A first sync's snapshot, downloaded into `snapshot.part` beside the database as it is
/// applied. A link cut midway leaves what arrived there (and its cursor in meta
/// `snapshot_part`), and the next pass asks for the rest only: on a link cut every few seconds
/// a snapshot of 100,000 records, a few megabytes, never arrived whole in one request. From a
/// server of protocol 4 the rest comes in bounded ranges (sized like push batches,
/// [`snapshot_rest`]), applied once the part is whole. Once applied, or refused as not a
/// snapshot, the part is removed.
async fn first_snapshot(store: &Store, client: &Client) -> Result<u64, Error> {
    let part = store.path().with_file_name("snapshot.part");
    let held = store.meta_u64("snapshot_part").await?;
    let resume = (held > 0 && part.exists()).then_some(held);
    let ranged = store.meta_u64("server_protocol").await? >= 4;
    let started = match resume {
        Some(cursor) if ranged => match snapshot_rest(store, client, &part, cursor).await {
            // The whole snapshot is in the part file.
            Ok(()) => {
                let file = std::fs::File::open(&part).map_err(|source| Error::DataDir {
                    path: part.clone(),
                    source,
                })?;
                let applied = store.apply_snapshot_from(file).await;
                return finish_snapshot(store, &part, applied).await;
            }
            Err(e) => Err(e),
        },
        _ => client.snapshot_into(&part, resume).await,
    };
    let (cursor, body) = match started {
        // Gone (the server restarted), or a part the server's copy cannot continue.
        Err(Error::Server { code, .. })
            if code == "snapshot_gone" || (resume.is_some() && code == "bad_request") =>
        {
            tracing::info!(
                code,
                "the snapshot this desk had begun cannot go on from the server: starting again"
            );
            client.snapshot_into(&part, None).await?
        }
        other => other?,
    };
    if cursor != resume {
        store
            .set_meta("snapshot_part", &cursor.unwrap_or(0).to_string())
            .await?;
    }
    let applied = store.apply_snapshot_from(body).await;
    finish_snapshot(store, &part, applied).await
}

/// Removes the part file once its snapshot is applied or refused as not one; a cut keeps it.
async fn finish_snapshot(
    store: &Store,
    part: &Path,
    applied: Result<u64, Error>,
) -> Result<u64, Error> {
    if !matches!(applied, Err(Error::Unreachable { .. })) {
        let _ = std::fs::remove_file(part);
        store.set_meta("snapshot_part", "0").await?;
    }
    applied
}

/// Snapshot range sizes, bytes: where a pass starts (meta `snapshot_range` keeps the size that
/// last went through), the least, and the most.
const SNAPSHOT_RANGE: u64 = 256 * 1024;
const MIN_RANGE: u64 = 8 * 1024;
const MAX_RANGE: u64 = 4 * 1024 * 1024;

/// The rest of the snapshot `part` holds the start of, asked for range by range until it is
/// whole. A range that went through doubles the next; one the link cut keeps what arrived and
/// the next pass asks for a quarter of it: whatever the server sent after a cut is lost on the
/// way, so on a link cut every few seconds a desk asks for about what gets through between
/// cuts, where the whole rest (protocol 3) lost everything in flight at each cut.
async fn snapshot_rest(
    store: &Store,
    client: &Client,
    part: &Path,
    cursor: u64,
) -> Result<(), Error> {
    let mut range = match store.meta_u64("snapshot_range").await? {
        0 => SNAPSHOT_RANGE,
        n => n.clamp(MIN_RANGE, MAX_RANGE),
    };
    let held = || {
        std::fs::metadata(part)
            .map(|m| m.len())
            .map_err(|source| Error::DataDir {
                path: part.to_owned(),
                source,
            })
    };
    loop {
        let before = held()?;
        match client.snapshot_range(part, cursor, before, range).await {
            Ok(size) if held()? >= size => {
                store
                    .set_meta("snapshot_range", &(range * 2).min(MAX_RANGE).to_string())
                    .await?;
                return Ok(());
            }
            // A range that brought nothing short of the end would be asked for forever.
            Ok(size) if held()? == before => {
                return Err(Error::Sync(format!(
                    "the server sent an empty range of snapshot {cursor} at byte {before} of {size}"
                )))
            }
            Ok(_) => range = (range * 2).min(MAX_RANGE),
            Err(e @ Error::Unreachable { .. }) => {
                let smaller = (range / 4).max(MIN_RANGE);
                if let Err(why) = store.set_meta("snapshot_range", &smaller.to_string()).await {
                    tracing::warn!(%why, "the smaller snapshot range could not be kept");
                }
                return Err(e);
            }
            Err(e) => return Err(e),
        }
    }
}

/// How long a desk goes on without a hello once it has one: the server's time comes back with
/// every push reply and the users' version with every pull page, so a pass is a push and a
/// pull, one exchange fewer on a link where each takes seconds. A desk at cursor 0 (which must
/// know the server's head to take a snapshot), one whose clock went back since, or one that
/// has not said hello for this long says hello first.
const HELLO_EVERY_MS: i64 = 10 * 60 * 1000;

/// One pass: hello (now and then, [`HELLO_EVERY_MS`]), push every pending change (in
/// batches), pull every page after the cursor (from a snapshot first when this desktop has
/// pulled nothing and the server holds at least [`SNAPSHOT_FROM`] changes), then the
/// district's users when their version changed.
pub async fn sync_once(store: &Store, client: &Client) -> Result<SyncReport, Error> {
    sync_once_with(store, client, SNAPSHOT_FROM).await
}

/// The server's clock minus this desk's, as last learned, and when the last hello was (wall
/// ms): what a pass without a hello goes on.
async fn known_server_clock(store: &Store) -> Result<(Option<i64>, i64), Error> {
    let mut conn = store.pool.acquire().await?;
    let offset = meta::get(&mut conn, "server_offset_ms")
        .await?
        .and_then(|v| v.parse().ok());
    Ok((
        offset,
        meta::get_u64(&mut conn, "hello_at_ms").await? as i64,
    ))
}

/// [`sync_once`] with the snapshot threshold given (`u64::MAX`: never a snapshot; 1: whenever
/// the server holds anything), for tests and the benchmark.
pub async fn sync_once_with(
    store: &Store,
    client: &Client,
    snapshot_from: u64,
) -> Result<SyncReport, Error> {
    let started = wall_clock_ms();
    let (offset, hello_at) = known_server_clock(store).await?;
    let recent = (0..HELLO_EVERY_MS).contains(&(started - hello_at));
    // A desk at cursor 0 needs the head to choose the snapshot, unless it is already part way
    // through one (on a link cut every few seconds, a hello would take half of each window).
    let resuming = store.meta_u64("snapshot_part").await? > 0;
    let (hello, server_ms) = match offset {
        Some(offset) if recent && (store.meta_u64("sync_cursor").await? > 0 || resuming) => {
            (None, (started + offset).max(0) as u64)
        }
        _ => {
            let h = client.hello().await?;
            if h.min_protocol > yitu_domain::sync::wire::PROTOCOL {
                return Err(Error::Sync(format!(
                    "the server needs protocol {} or later; this desktop speaks {}: update it",
                    h.min_protocol,
                    yitu_domain::sync::wire::PROTOCOL
                )));
            }
            let mut w = store
                .write_from(Origin::Bookkeeping, "", wall_clock_ms())
                .await?;
            meta::set(w.conn(), "hello_at_ms", &started.to_string()).await?;
            // What a pass that skips the hello may ask of this server (snapshot ranges: 4).
            meta::set(w.conn(), "server_protocol", &h.protocol.to_string()).await?;
            learn_server_clock(w.conn(), h.server_time_ms).await?;
            w.commit().await?;
            let server_ms = h.server_time_ms;
            (Some(h), server_ms)
        }
    };
    let mut report = SyncReport {
        server_time_ms: server_ms,
        clock_ahead_ms: started - server_ms as i64,
        ..SyncReport::default()
    };
    report.restamped = super::restamp::ahead(store, server_ms).await?;
    // The users' version the server named on the last pull page of this pass.
    let mut users_version = None;
    let mut restamped_in_pass = false;
    let base = client.credential().base_seq as i64;
    let mut batch = match store.meta_u64("link_batch").await? as i64 {
        0 => PUSH_BATCH,
        n => n.clamp(MIN_BATCH, PUSH_BATCH),
    };
    loop {
        let rows = {
            let mut conn = store.pool.acquire().await?;
            outbox::pending(&mut conn, batch).await?
        };
        if rows.is_empty() {
            break;
        }
        let mut changes = Vec::with_capacity(rows.len());
        for (seq, stamp, author, op) in &rows {
            changes.push(Change {
                seq: (seq - base) as u64,
                stamp: stamp.parse().map_err(|e| Error::Sync(format!("{e}")))?,
                author: author.clone(),
                op: serde_json::from_str(op).map_err(|e| Error::Sync(e.to_string()))?,
            });
        }
        report.pushed += changes.len() as u64;
        let reply = match client.push(changes).await {
            Ok(reply) => reply,
            Err(e) => return Err(cut(store, batch, e).await),
        };
        batch = (batch * 2).min(PUSH_BATCH);
        let mut w = store
            .write_from(Origin::Bookkeeping, "", wall_clock_ms())
            .await?;
        let accepted: Vec<i64> = reply.accepted.iter().map(|s| *s as i64 + base).collect();
        outbox::accept(w.conn(), &accepted).await?;
        let mut gap = false;
        if reply.rejected.iter().any(|r| r.code == "rewound") && report.renumbered == 0 {
            // Restored from a backup or copied: the server holds other changes under these
            // numbers. Number what waits after the last it holds, take back (below) what this
            // desk had pushed since the backup, and push again.
            report.renumbered =
                outbox::renumber_after(w.conn(), reply.last_seq as i64 + base).await?;
            meta::set(w.conn(), "sync_cursor", "0").await?;
            meta::set(w.conn(), "take_back_own", "1").await?;
            w.commit().await?;
            report.accepted += reply.accepted.len() as u64;
            tracing::warn!(renumbered = report.renumbered, "this desk was rewound (restored or copied); its waiting changes are numbered again");
            continue;
        }
        if let Some(t) = reply.server_time_ms {
            report.server_time_ms = t;
            report.clock_ahead_ms = wall_clock_ms() - t as i64;
            learn_server_clock(w.conn(), t).await?;
        }
        for r in &reply.rejected {
            if r.code == "gap" {
                // Not recorded by the server: sent again next pass once the gap is understood.
                gap = true;
                continue;
            }
            let outcome = format!("{}: {}", r.code, r.reason);
            outbox::refuse(w.conn(), r.seq as i64 + base, &outcome).await?;
        }
        w.commit().await?;
        report.accepted += reply.accepted.len() as u64;
        if let Some(t) = reply.server_time_ms {
            // Quarantined because the clock this pass went on had moved since it was learned
            // (the desk's was changed): stamped again from the time the server just gave, and
            // sent again in this pass (once).
            if !restamped_in_pass && reply.rejected.iter().any(|r| r.code == "quarantined") {
                restamped_in_pass = true;
                report.restamped += super::restamp::ahead(store, t).await?;
            }
        }
        report.rejected.extend(reply.rejected);
        if gap {
            return Err(Error::Sync(format!(
                "the server holds changes of this device up to {} only; the outbox does not \
                 continue from there",
                reply.last_seq
            )));
        }
    }
    let mut cursor = store.meta_u64("sync_cursor").await?;
    let head = hello.as_ref().map_or(0, |h| h.head);
    if cursor == 0 && (head >= snapshot_from || resuming) {
        report.pulled += first_snapshot(store, client).await?;
        cursor = store.meta_u64("sync_cursor").await?;
    }
    // After a rewind, this desk's own changes come back too and are applied like any other
    // (applying one already here changes nothing).
    let take_back = store.meta_u64("take_back_own").await? == 1;
    let own = if take_back {
        ""
    } else {
        client.credential().device.as_str()
    };
    // The server's time on the last page: a pass that only pulls learns the clock from it.
    let mut pulled_at = None;
    loop {
        let page = match client.pull(cursor, (2 * batch) as u32, take_back).await {
            Ok(page) => page,
            Err(e) => return Err(cut(store, batch, e).await),
        };
        batch = (batch * 2).min(PUSH_BATCH);
        report.pulled += store.apply_page(own, &page.changes, page.cursor).await?;
        cursor = page.cursor;
        if page.users.is_some() {
            users_version = page.users;
        }
        pulled_at = page.server_time_ms.or(pulled_at);
        if !page.more {
            break;
        }
    }
    if let Some(t) = pulled_at {
        report.server_time_ms = t;
        report.clock_ahead_ms = wall_clock_ms() - t as i64;
    }
    if take_back {
        let mut w = store
            .write_from(Origin::Bookkeeping, "", wall_clock_ms())
            .await?;
        meta::set(w.conn(), "take_back_own", "0").await?;
        w.commit().await?;
    }
    // The district's users after the changes: a user removed or given another role on the
    // server is so here from this pass on. Asked for only when the server named a version this
    // desk has not applied (or named none: a server from before).
    let held = {
        let mut conn = store.pool.acquire().await?;
        meta::get(&mut conn, "users_version").await?
    };
    if users_version.is_none() || users_version != held {
        if let Some(users) = client.users().await? {
            store.apply_users(&users, wall_clock_ms()).await?;
            store
                .set_meta("users_version", &UsersReply::version(&users))
                .await?;
        }
    }
    let mut w = store
        .write_from(Origin::Bookkeeping, "", wall_clock_ms())
        .await?;
    meta::set(w.conn(), "last_sync_ms", &wall_clock_ms().to_string()).await?;
    meta::set(w.conn(), "link_batch", &batch.to_string()).await?;
    if let Some(t) = pulled_at {
        learn_server_clock(w.conn(), t).await?;
    }
    w.commit().await?;
    report.cursor = cursor;
    report.pending = store.pending_count().await?;
    report.conflicts = store.conflicts().await?.len() as u64;
    Ok(report)
}

/// Keeps the server's clock minus this desk's, from a time the server just gave, in the write
/// the pass makes anyway at that point.
async fn learn_server_clock(conn: &mut Conn, server_ms: u64) -> Result<(), Error> {
    let offset = server_ms as i64 - wall_clock_ms();
    meta::set(conn, "server_offset_ms", &offset.to_string()).await
}

/// A request that did not get through the link: the next one is a quarter of its size. Kept
/// in meta, so the next pass (often a new process) starts there. The error is passed on.
async fn cut(store: &Store, batch: i64, e: Error) -> Error {
    if matches!(e, Error::Unreachable { .. }) {
        let smaller = (batch / 4).max(MIN_BATCH);
        let saved = async {
            let mut w = store
                .write_from(Origin::Bookkeeping, "", wall_clock_ms())
                .await?;
            meta::set(w.conn(), "link_batch", &smaller.to_string()).await?;
            w.commit().await
        };
        if let Err(why) = saved.await {
            tracing::warn!(%why, "the smaller batch size could not be kept");
        }
    }
    e
}

/// When the background loop runs again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoopConfig {
    /// Between passes while the server answers.
    pub interval: Duration,
    /// The first wait after a failure; doubled each failure up to `max_backoff`.
    pub min_backoff: Duration,
    pub max_backoff: Duration,
    /// Between passes, wait at the server for news (protocol 5): a request held open up to
    /// 25 s at a time. Off, the desk learns of others' changes at its next pass only (for a
    /// link billed by the request, say).
    pub wait_for_news: bool,
}

impl Default for LoopConfig {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(30),
            min_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(300),
            wait_for_news: true,
        }
    }
}

/// Exponential backoff with full jitter, as a value: `next` gives the wait after `failures`
/// failures in a row, drawing the jitter from `random` (0..1), so it is tested without time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff(pub LoopConfig);

impl Backoff {
    pub fn next(&self, failures: u32, random: f64) -> Duration {
        let c = self.0;
        if failures == 0 {
            // ±20 % so many desktops do not all sync on the same second.
            return c.interval.mul_f64(0.8 + 0.4 * random.clamp(0.0, 1.0));
        }
        let ceiling = c
            .min_backoff
            .saturating_mul(1u32 << failures.min(16).saturating_sub(1))
            .min(c.max_backoff);
        // Full jitter between the minimum and the ceiling: retries of many clients spread out.
        c.min_backoff + (ceiling.saturating_sub(c.min_backoff)).mul_f64(random.clamp(0.0, 1.0))
    }
}

/// The background loop the desktop shell spawns: a pass now, then again after the interval (or
/// after a backoff when the server cannot be reached), retrying whatever the outbox holds. Each
/// pass's outcome goes to `on_pass` (for the online indicator). A pass starts at once when
/// `wake` is notified (the user's "sync now"), even during a backoff, and when the store
/// commits a local write ([`Store::changes`]) while the server answers, so writes made offline
/// do not hammer an unreachable server. Ends when `stop` resolves.
pub async fn run(
    store: Store,
    client: Client,
    config: LoopConfig,
    wake: std::sync::Arc<tokio::sync::Notify>,
    mut on_pass: impl FnMut(&Result<SyncReport, Error>) + Send,
    stop: impl std::future::Future<Output = ()>,
) {
    let backoff = Backoff(config);
    let mut rng = yitu_domain::demo::rng::SplitMix64::new(
        wall_clock_ms() as u64 ^ u64::from(std::process::id()),
    );
    let mut failures = 0u32;
    let mut changes = store.changes();
    tokio::pin!(stop);
    loop {
        // Local writes committed from here on are pushed by this pass or wake the next one.
        let seen = changes.borrow_and_update().local;
        let result = sync_once(&store, &client).await;
        failures = if result.is_ok() {
            0
        } else {
            failures.saturating_add(1)
        };
        if let Err(e) = &result {
            tracing::info!(error = %e, failures, "sync pass failed; will retry");
        }
        on_pass(&result);
        let random = rng.unit();
        let sleep = tokio::time::sleep(backoff.next(failures, random));
        tokio::pin!(sleep);
        // Between passes a desk on a protocol-5 server waits for news: what another desk or a
        // station sent starts the next pass at once (an alarm in a second, not at the next
        // interval). A wait that fails or ends with nothing is not asked again before the pass.
        let cursor = store.meta_u64("sync_cursor").await.unwrap_or(0);
        let waits = config.wait_for_news
            && failures == 0
            && store.meta_u64("server_protocol").await.unwrap_or(0) >= 5;
        let news = client.news_after(cursor, yitu_domain::sync::wire::MAX_WAIT_MS);
        tokio::pin!(news);
        let mut waiting = waits;
        loop {
            tokio::select! {
                _ = &mut stop => return,
                _ = &mut sleep => break,
                _ = wake.notified() => break,
                came = &mut news, if waiting => {
                    waiting = false;
                    match came {
                        Ok(true) => break,
                        Ok(false) => {}
                        Err(e) => tracing::debug!(error = %e, "waiting for news failed"),
                    }
                }
                changed = changes.changed(), if failures == 0 => {
                    if changed.is_err() {
                        // Every store handle is gone: nothing more will be written.
                        return;
                    }
                    if changes.borrow_and_update().local != seen {
                        break;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_its_ceiling_and_jitter_stays_inside() {
        let b = Backoff(LoopConfig::default());
        let s = Duration::from_secs;
        assert_eq!(b.next(1, 1.0), s(2));
        assert_eq!(b.next(2, 1.0), s(4));
        assert_eq!(b.next(4, 1.0), s(16));
        assert_eq!(b.next(30, 1.0), s(300));
        assert_eq!(b.next(30, 0.0), s(2));
        let healthy = [b.next(0, 0.0), b.next(0, 1.0)];
        assert_eq!(healthy, [s(24), s(36)]);
    }
}
