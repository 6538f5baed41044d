//! The store's one unit of work. A [`Write`] is a transaction that holds SQLite's write lock
//! from its first statement (`BEGIN IMMEDIATE`: a balance or a number read inside it cannot
//! change before it commits), this replica's clock and who is writing. Each change it makes is
//! stamped and added to the outbox (and, for a record, to the writes it is merged from) in that
//! same transaction, so a crash keeps both or neither; its commit is announced to every
//! subscriber of [`Store::changes`].

use crate::clock::Clock;
use crate::table::{change_log, decision_act, outbox, record_op, stock_line, Conn};
use crate::{Error, Store};
use sqlx::{Sqlite, Transaction};
use std::sync::Arc;
use tokio::sync::watch;
use yitu_domain::sync::{Op, Stamp};
use yitu_domain::EntityId;

/// Who makes a change and when, what to name as its source in the change log (a file name, a
/// form, a decision's number), and where new ids come from.
pub struct Author<'a> {
    pub actor: &'a str,
    pub at_ms: i64,
    pub source: &'a str,
    pub new_id: &'a mut (dyn FnMut() -> EntityId + Send + Sync),
}

/// What the store has committed since it was opened: counters that only grow, so a subscriber
/// that looks late still sees that something changed since it last looked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    /// Commits of writes made on this desk (edits, imports, stock moves, incidents, decisions).
    pub local: u64,
    /// Commits that applied changes made elsewhere (pulled pages, snapshots).
    pub pulled: u64,
}

/// Where a write's changes come from, for the announcement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A person on this desk.
    Here,
    /// Other devices, through the server.
    Elsewhere,
    /// The sync engine's own bookkeeping (answers, cursors): nothing a view shows changed.
    Bookkeeping,
}

/// The sender side of [`Store::changes`], shared by every clone of a store.
pub(crate) type Announcer = Arc<watch::Sender<Changes>>;

pub(crate) struct Write<'c> {
    tx: Transaction<'c, Sqlite>,
    clock: Clock,
    actor: String,
    at_ms: i64,
    /// What the change log names as the source (a file, a form, a decision's number).
    source: String,
    origin: Origin,
    announcer: Announcer,
}

impl Store {
    /// Opens a write by `actor` at `at_ms` (Unix ms, from the caller: the store reads no clock).
    pub(crate) async fn write(&self, actor: &str, at_ms: i64) -> Result<Write<'static>, Error> {
        self.write_from(Origin::Here, actor, at_ms).await
    }

    /// Opens a write by `author`, its change-log lines naming the author's source.
    pub(crate) async fn write_as(&self, author: &Author<'_>) -> Result<Write<'static>, Error> {
        let mut w = self.write(author.actor, author.at_ms).await?;
        w.source = author.source.to_owned();
        Ok(w)
    }

    pub(crate) async fn write_from(
        &self,
        origin: Origin,
        actor: &str,
        at_ms: i64,
    ) -> Result<Write<'static>, Error> {
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Write::start(tx, origin, actor, at_ms, Arc::clone(&self.announcer)).await
    }

    /// Every commit from now on, as growing counters ([`Changes`]): the desktop shell redraws
    /// and the sync loop pushes when they move, instead of being told by each caller.
    pub fn changes(&self) -> watch::Receiver<Changes> {
        self.announcer.subscribe()
    }
}

impl<'c> Write<'c> {
    /// A write on a connection the caller set up (a snapshot sets its page cache first).
    pub(crate) async fn on(
        conn: &'c mut Conn,
        store: &Store,
        origin: Origin,
        at_ms: i64,
    ) -> Result<Self, Error> {
        use sqlx::Connection;
        let tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        Self::start(tx, origin, "", at_ms, Arc::clone(&store.announcer)).await
    }

    async fn start(
        mut tx: Transaction<'c, Sqlite>,
        origin: Origin,
        actor: &str,
        at_ms: i64,
        announcer: Announcer,
    ) -> Result<Self, Error> {
        let clock = Clock::load(&mut tx).await?;
        Ok(Self {
            tx,
            clock,
            actor: actor.to_owned(),
            at_ms,
            source: String::new(),
            origin,
            announcer,
        })
    }

    /// The transaction's connection, for the table modules.
    pub(crate) fn conn(&mut self) -> &mut Conn {
        &mut self.tx
    }

    pub(crate) fn at_ms(&self) -> i64 {
        self.at_ms
    }

    pub(crate) fn actor(&self) -> &str {
        &self.actor
    }

    pub(crate) fn source(&self) -> &str {
        &self.source
    }

    /// Stamps a change made here and adds it to the outbox; a record write is also kept with
    /// the writes its record is merged from, and a stock entry's terms go to its line under the
    /// same stamp.
    pub(crate) async fn change(&mut self, op: &Op) -> Result<Stamp, Error> {
        let stamp = self.clock.tick(self.at_ms);
        let op_json = serde_json::to_string(op).map_err(|e| Error::Sync(e.to_string()))?;
        outbox::append(&mut self.tx, &stamp, &self.actor, &op_json, self.at_ms).await?;
        match op {
            Op::Record {
                collection,
                id,
                fields,
            } => {
                let text = serde_json::to_string(fields).map_err(|e| Error::Sync(e.to_string()))?;
                let row = record_op::OpRow {
                    collection: *collection,
                    id: *id,
                    stamp: &stamp,
                    author: &self.actor,
                    text: &text,
                };
                record_op::insert(&mut self.tx, &[row]).await?;
                // Only a write over an earlier one (it names a base) can change a conflict; a
                // new record's first write (every row of an import) has none to change.
                if fields.values().any(|f| f.base.is_some()) {
                    crate::sync::record::remerge_conflicts(
                        &mut self.tx,
                        *collection,
                        &id.to_string(),
                    )
                    .await?;
                }
            }
            Op::Act { transition } => {
                decision_act::insert_if_absent(&mut self.tx, &stamp, transition).await?;
            }
            Op::Ledger {
                entry,
                terms: Some(terms),
                ..
            } => {
                stock_line::apply_terms(
                    &mut self.tx,
                    &entry.depot_id.to_string(),
                    entry.code.as_str(),
                    terms,
                    &stamp.to_string(),
                )
                .await?;
            }
            _ => {}
        }
        Ok(stamp)
    }

    /// Adds lines to the change log, as this write's actor at its time.
    pub(crate) async fn log(&mut self, entries: &[change_log::Entry<'_>]) -> Result<(), Error> {
        change_log::append(&mut self.tx, &self.actor, self.at_ms, entries).await
    }

    /// This write's clock (the sync engine stamps waiting changes again with it).
    pub(crate) fn clock(&mut self) -> &mut Clock {
        &mut self.clock
    }

    /// A stamp seen on a change from elsewhere: the clock never stamps behind it.
    pub(crate) fn observe(&mut self, seen: &Stamp) {
        self.clock.observe(seen);
    }

    /// Saves the clock, commits, and announces the commit.
    pub(crate) async fn commit(mut self) -> Result<(), Error> {
        self.clock.save(&mut self.tx).await?;
        self.tx.commit().await?;
        let origin = self.origin;
        self.announcer.send_if_modified(|c| match origin {
            Origin::Here => {
                c.local += 1;
                true
            }
            Origin::Elsewhere => {
                c.pulled += 1;
                true
            }
            Origin::Bookkeeping => false,
        });
        Ok(())
    }
}
