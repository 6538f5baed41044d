//! The server's store: one type over PostgreSQL and embedded SQLite (sqlx's `Any` driver), with
//! the same SQL for both (`$n` parameters and `ON CONFLICT` read the same in the two dialects);
//! only the schema differs, one migration folder per dialect. Nothing is kept in memory between
//! requests, so any number of instances can serve one database.

use crate::countersign::{self, Link};
use crate::{secret, Error};
use ed25519_dalek::SigningKey;
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use sqlx::Row;
use std::collections::HashMap;
use yitu_domain::command::canonical::{hex, unhex};
use yitu_domain::command::role::Role;
use yitu_domain::sync::policy;
use yitu_domain::sync::wire::{DeviceStatus, DistrictUser, EnrolReply, PushReply, Rejection};
use yitu_domain::sync::Op;
use yitu_domain::sync::{Change, State, View};

/// How long an enrolment code stays valid.
pub const CODE_TTL_MS: i64 = 24 * 3600 * 1000;

/// Which database the store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The last snapshot this instance made (`crate::snapshot`).
    pub(crate) kept: crate::snapshot::KeptSnapshot,
    /// Woken after each commit that adds to the log here, so a pull waiting for news answers
    /// at once (another instance's commits are met by the waiting pull's own re-reading).
    pub(crate) news: std::sync::Arc<tokio::sync::Notify>,
}

/// Wrong enrolment codes within [`ENROL_WINDOW_MS`] after which every attempt is refused.
pub const ENROL_FAILURES: usize = 10;
/// Wrong enrolment codes from one address within [`ENROL_WINDOW_MS`] after which that address
/// is refused (behind a reverse proxy every desk is the proxy's address: then it acts for all).
pub const ENROL_PEER_FAILURES: usize = 5;
/// The window the wrong codes are counted over.
pub const ENROL_WINDOW_MS: i64 = 10 * 60 * 1000;

/// An authenticated device.
#[derive(Debug, Clone, PartialEq)]
pub struct Device {
    pub id: String,
    pub user: String,
    pub role: Role,
    pub last_seq: u64,
}

/// One page of changes as stored: (server sequence, device, the change's JSON).
pub struct RawPage {
    pub changes: Vec<(u64, String, String)>,
    pub more: bool,
}

/// One page of changes after a cursor.
pub struct Page {
    pub changes: Vec<(u64, String, Change)>,
    pub more: bool,
}

/// One enrolment attempt as the server kept it (`yitu-server enrol-attempts`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolAttempt {
    pub at_ms: i64,
    /// The label the desk gave.
    pub label: String,
    pub enrolled: bool,
    /// The address it came from, where the server knew it.
    pub peer: Option<String>,
    /// Refused by the limit on wrong codes (for everyone, or for its address) before its code
    /// was looked at.
    pub limited: bool,
}

impl Store {
    /// Opens `sqlite://FILE` (created if missing) or `postgres://…` and runs the migrations.
    pub async fn open(url: &str) -> Result<Self, Error> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if let Some(rest) = url.strip_prefix("sqlite://") {
            let sep = if rest.contains('?') { '&' } else { '?' };
            (Backend::Sqlite, format!("sqlite://{rest}{sep}mode=rwc"))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_owned())
        } else {
            return Err(Error::Url(url.to_owned()));
        };
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 10 })
            .connect(&url)
            .await
            .map_err(Error::Open)?;
        if backend == Backend::Sqlite {
            // WAL: pulls read while a push writes; the busy timeout lets a second instance on
            // the same file wait for the write lock rather than fail.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        match backend {
            Backend::Sqlite => {
                sqlx::migrate!("../../migrations/server-sqlite")
                    .run(&pool)
                    .await?
            }
            Backend::Postgres => {
                sqlx::migrate!("../../migrations/server-postgres")
                    .run(&pool)
                    .await?
            }
        }
        let store = Self {
            pool,
            backend,
            kept: Default::default(),
            news: Default::default(),
        };
        store.ensure_key().await?;
        Ok(store)
    }

    /// Makes the server's signing key if no instance has yet; every instance then reads the one
    /// stored, so they countersign alike.
    async fn ensure_key(&self) -> Result<(), Error> {
        let secret = secret::key_bytes()?;
        let key = SigningKey::from_bytes(&secret);
        sqlx::query(
            "INSERT INTO server_key (id, secret, public) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING",
        )
        .bind(hex(&secret))
        .bind(hex(key.verifying_key().as_bytes()))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn signing_key(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    ) -> Result<SigningKey, Error> {
        let secret: String = sqlx::query_scalar("SELECT secret FROM server_key WHERE id = 1")
            .fetch_one(&mut **tx)
            .await?;
        let bytes: [u8; 32] = unhex(&secret)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| Error::BadRequest("the stored server key is not 32 bytes".into()))?;
        Ok(SigningKey::from_bytes(&bytes))
    }

    /// The server's public key (hex).
    pub async fn public_key(&self) -> Result<String, Error> {
        Ok(
            sqlx::query_scalar("SELECT public FROM server_key WHERE id = 1")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// The countersignature chain, in order.
    pub async fn countersigns(&self) -> Result<Vec<Link>, Error> {
        let rows = sqlx::query(
            "SELECT seq, server_seq, event_hash, prev_hash, hash, signature, at_ms
             FROM countersign ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Link {
                    seq: r.try_get(0)?,
                    server_seq: r.try_get(1)?,
                    event_hash: r.try_get(2)?,
                    prev_hash: r.try_get(3)?,
                    hash: r.try_get(4)?,
                    signature: r.try_get(5)?,
                    at_ms: r.try_get(6)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Error::Db)
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(self) {
        self.pool.close().await;
    }

    /// Adds a user in a role, without a password (they log in on a desk without one); the
    /// administration command adds one with [`add_user_with_password`](Self::add_user_with_password).
    pub async fn add_user(&self, name: &str, role: Role, now_ms: i64) -> Result<(), Error> {
        self.add_user_with(name, role, None, now_ms).await
    }

    /// Adds a user in a role with the argon2id hash of `password`, made here with a fresh salt:
    /// the password itself is never kept.
    pub async fn add_user_with_password(
        &self,
        name: &str,
        role: Role,
        password: &str,
        now_ms: i64,
    ) -> Result<(), Error> {
        self.add_user_with(name, role, Some(password), now_ms).await
    }

    /// A removed user of that name comes back with the new role and password; one present is
    /// refused as existing.
    async fn add_user_with(
        &self,
        name: &str,
        role: Role,
        password: Option<&str>,
        now_ms: i64,
    ) -> Result<(), Error> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::BadRequest("a user needs a name".into()));
        }
        let hash = password.map(password_hash).transpose()?;
        let done = sqlx::query(
            "INSERT INTO app_user (name, role, created_at_ms, password_hash, updated_at_ms)
             VALUES ($1, $2, $3, $4, $3)
             ON CONFLICT (name) DO UPDATE SET role = excluded.role,
                 password_hash = excluded.password_hash, updated_at_ms = excluded.updated_at_ms,
                 removed_at_ms = NULL
             WHERE app_user.removed_at_ms IS NOT NULL",
        )
        .bind(name)
        .bind(role.code())
        .bind(now_ms)
        .bind(hash)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::UserExists(name.to_owned()));
        }
        Ok(())
    }

    /// Gives a user a new password (its hash, with a fresh salt).
    pub async fn set_password(&self, name: &str, password: &str, now_ms: i64) -> Result<(), Error> {
        let hash = password_hash(password)?;
        self.change_user(name, "password_hash = $3,", Some(hash), now_ms)
            .await
    }

    /// Gives a user another role; the desks take it at their next sync.
    pub async fn set_role(&self, name: &str, role: Role, now_ms: i64) -> Result<(), Error> {
        self.change_user(name, "role = $3,", Some(role.code().to_owned()), now_ms)
            .await
    }

    /// Removes a user: gone from the desks at their next sync, their devices refused, the
    /// changes they made kept. The row stays (devices and codes name it), marked.
    pub async fn remove_user(&self, name: &str, now_ms: i64) -> Result<(), Error> {
        self.change_user(name, "removed_at_ms = $1,", None, now_ms)
            .await
    }

    /// One present user's row changed (`set`: the columns, `$3` being `value`) and its time
    /// moved to `now_ms` (`$1`).
    async fn change_user(
        &self,
        name: &str,
        set: &'static str,
        value: Option<String>,
        now_ms: i64,
    ) -> Result<(), Error> {
        let sql = format!(
            "UPDATE app_user SET {set} updated_at_ms = $1
             WHERE name = $2 AND removed_at_ms IS NULL"
        );
        let mut q = sqlx::query(&sql).bind(now_ms).bind(name.trim());
        if let Some(value) = value {
            q = q.bind(value);
        }
        let done = q.execute(&self.pool).await?;
        if done.rows_affected() == 0 {
            return Err(Error::UnknownUser(name.trim().to_owned()));
        }
        Ok(())
    }

    /// The district's users (none removed), by name: what the desks sync down.
    pub async fn users(&self) -> Result<Vec<DistrictUser>, Error> {
        let rows = sqlx::query(
            "SELECT name, role, password_hash, updated_at_ms FROM app_user
             WHERE removed_at_ms IS NULL ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DistrictUser {
                    name: r.try_get(0)?,
                    role: r.try_get(1)?,
                    password_hash: r.try_get(2)?,
                    updated_at_ms: r.try_get(3)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Error::Db)
    }

    /// A new one-time code for `user`, valid for [`CODE_TTL_MS`]. Only its hash is kept.
    pub async fn enrol_code(&self, user: &str, now_ms: i64) -> Result<String, Error> {
        self.role_of(user).await?;
        let code = secret::enrol_code()?;
        sqlx::query(
            "INSERT INTO enrol_code (code_hash, user_name, created_at_ms, expires_at_ms)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(secret::hash(&code))
        .bind(user)
        .bind(now_ms)
        .bind(now_ms + CODE_TTL_MS)
        .execute(&self.pool)
        .await?;
        Ok(code)
    }

    async fn role_of(&self, user: &str) -> Result<String, Error> {
        sqlx::query_scalar("SELECT role FROM app_user WHERE name = $1 AND removed_at_ms IS NULL")
            .bind(user)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::UnknownUser(user.to_owned()))
    }

    /// Exchanges a one-time code for a device credential, the address it came from unknown
    /// (see [`enrol_from`](Self::enrol_from)).
    pub async fn enrol(&self, code: &str, label: &str, now_ms: i64) -> Result<EnrolReply, Error> {
        self.enrol_from(code, label, None, now_ms).await
    }

    /// Exchanges a one-time code for a device credential. Every attempt is kept
    /// (`enrol_attempt`, with `peer`, the address it came from). After [`ENROL_PEER_FAILURES`]
    /// wrong codes from one address within [`ENROL_WINDOW_MS`], that address is refused as
    /// `rate_limited`; after [`ENROL_FAILURES`] from all of them, everyone is; each until the
    /// oldest of those wrong codes leaves the window. So codes cannot be guessed at speed, and
    /// one guessing machine does not stop the district enrolling. Attempts a limit refused are
    /// not wrong codes: counted, a desk retrying while paused would keep the pause going. A
    /// right code is not used up by a refused attempt. The code is spent in the enrolment's
    /// transaction, so two devices racing with one code cannot both enrol.
    pub async fn enrol_from(
        &self,
        code: &str,
        label: &str,
        peer: Option<&str>,
        now_ms: i64,
    ) -> Result<EnrolReply, Error> {
        let label: String = label.chars().take(200).collect();
        let rows = sqlx::query(
            "SELECT at_ms, peer FROM enrol_attempt
             WHERE enrolled = 0 AND limited = 0 AND at_ms > $1 ORDER BY at_ms",
        )
        .bind(now_ms - ENROL_WINDOW_MS)
        .fetch_all(&self.pool)
        .await?;
        let wrong = rows
            .iter()
            .map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<Option<String>, _>(1)?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let everyone: Vec<i64> = wrong.iter().map(|w| w.0).collect();
        let this_peer: Vec<i64> = match peer {
            Some(p) => wrong
                .iter()
                .filter(|w| w.1.as_deref() == Some(p))
                .map(|w| w.0)
                .collect(),
            None => Vec::new(),
        };
        // The longest wait of the limits reached: until the oldest wrong code that keeps the
        // count at its limit leaves the window.
        let wait_ms = [
            (&everyone, ENROL_FAILURES),
            (&this_peer, ENROL_PEER_FAILURES),
        ]
        .into_iter()
        .filter(|(times, limit)| times.len() >= *limit)
        .map(|(times, limit)| times[times.len() - limit] + ENROL_WINDOW_MS - now_ms)
        .max();
        if let Some(wait_ms) = wait_ms {
            attempt(&self.pool, &label, peer, Attempt::Limited, now_ms).await?;
            tracing::warn!(label, peer, "enrolment refused: too many wrong codes");
            return Err(Error::TooManyAttempts {
                minutes: ((wait_ms as f64 / 60_000.0).ceil() as i64).max(1),
            });
        }
        let result = self.enrol_with_code(code, &label, peer, now_ms).await;
        if let Err(e) = &result {
            if matches!(e, Error::BadCode) {
                tracing::warn!(
                    label,
                    peer,
                    "enrolment refused: unknown, used or expired code"
                );
            }
            attempt(&self.pool, &label, peer, Attempt::Failed, now_ms).await?;
        }
        result
    }

    /// Every enrolment attempt, oldest first: (time, label, enrolled).
    pub async fn enrol_attempts(&self) -> Result<Vec<EnrolAttempt>, Error> {
        let rows = sqlx::query(
            "SELECT at_ms, label, enrolled, peer, limited FROM enrol_attempt ORDER BY at_ms",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(EnrolAttempt {
                    at_ms: r.try_get(0)?,
                    label: r.try_get(1)?,
                    enrolled: r.try_get::<i64, _>(2)? != 0,
                    peer: r.try_get(3)?,
                    limited: r.try_get::<i64, _>(4)? != 0,
                })
            })
            .collect()
    }

    async fn enrol_with_code(
        &self,
        code: &str,
        label: &str,
        peer: Option<&str>,
        now_ms: i64,
    ) -> Result<EnrolReply, Error> {
        let device = secret::device_id()?;
        let token = secret::token()?;
        let mut tx = self.pool.begin().await?;
        let user: Option<String> = sqlx::query_scalar(
            "UPDATE enrol_code SET used_by = $1
             WHERE code_hash = $2 AND used_by IS NULL AND expires_at_ms > $3
             RETURNING user_name",
        )
        .bind(&device)
        .bind(secret::hash(code))
        .bind(now_ms)
        .fetch_optional(&mut *tx)
        .await?;
        let user = user.ok_or(Error::BadCode)?;
        // A code made before its user was removed enrols nothing.
        let role: String = sqlx::query_scalar(
            "SELECT role FROM app_user WHERE name = $1 AND removed_at_ms IS NULL",
        )
        .bind(&user)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Error::BadCode)?;
        let role = stored_role(role)?;
        sqlx::query(
            "INSERT INTO device (id, user_name, label, token_hash, created_at_ms, last_seq)
             VALUES ($1, $2, $3, $4, $5, 0)",
        )
        .bind(&device)
        .bind(&user)
        .bind(label)
        .bind(secret::hash(&token))
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        attempt(&mut *tx, label, peer, Attempt::Enrolled, now_ms).await?;
        tx.commit().await?;
        Ok(EnrolReply {
            device,
            token,
            user,
            role: role.code().to_owned(),
        })
    }

    pub async fn revoke(&self, device: &str, now_ms: i64) -> Result<(), Error> {
        let done = sqlx::query(
            "UPDATE device SET revoked_at_ms = $1 WHERE id = $2 AND revoked_at_ms IS NULL",
        )
        .bind(now_ms)
        .bind(device)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::UnknownDevice(device.to_owned()));
        }
        Ok(())
    }

    /// The devices, for `yitu-server device list`: (id, user, label, revoked, last_seq).
    pub async fn devices(&self) -> Result<Vec<(String, String, String, bool, i64)>, Error> {
        let rows = sqlx::query(
            "SELECT id, user_name, label, revoked_at_ms, last_seq FROM device ORDER BY created_at_ms",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get(0)?,
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get::<Option<i64>, _>(3)?.is_some(),
                    r.try_get(4)?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Error::Db)
    }

    /// The device a credential `DEVICE.TOKEN` belongs to, unless unknown or revoked, or its
    /// user removed.
    pub async fn authenticate(&self, credential: &str) -> Result<Device, Error> {
        let (id, token) = credential.split_once('.').ok_or(Error::Unauthorized)?;
        let row = sqlx::query(
            "SELECT d.token_hash, d.revoked_at_ms, d.last_seq, d.user_name, u.role
             FROM device d JOIN app_user u ON u.name = d.user_name
             WHERE d.id = $1 AND u.removed_at_ms IS NULL",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::Unauthorized)?;
        let hash: String = row.try_get(0)?;
        let revoked: Option<i64> = row.try_get(1)?;
        if revoked.is_some() || hash != secret::hash(token) {
            return Err(Error::Unauthorized);
        }
        Ok(Device {
            id: id.to_owned(),
            last_seq: row.try_get::<i64, _>(2)? as u64,
            user: row.try_get(3)?,
            role: stored_role(row.try_get(4)?)?,
        })
    }

    pub fn status(device: &Device) -> DeviceStatus {
        DeviceStatus {
            id: device.id.clone(),
            user: device.user.clone(),
            role: device.role.code().to_owned(),
            last_seq: device.last_seq,
        }
    }

    /// Takes a batch of a device's changes in one transaction. Sequences already taken get the
    /// answer they got before (a push repeated after a lost reply changes nothing); the next one
    /// is checked (role, form, clock) and applied or refused; anything after a gap is refused
    /// as `gap` and not recorded, so the device sends it again from the right place.
    pub async fn push(
        &self,
        device: &Device,
        mut changes: Vec<Change>,
        now_ms: i64,
    ) -> Result<PushReply, Error> {
        changes.sort_by_key(|c| c.seq);
        let mut tx = self.pool.begin().await?;
        // The head row's lock first: pushes run one at a time and commit in server order.
        let mut head: i64 =
            sqlx::query_scalar("UPDATE log_head SET seq = seq WHERE id = 1 RETURNING seq")
                .fetch_one(&mut *tx)
                .await?;
        // Read again under the lock: the device may have been revoked, or pushed on another
        // connection, since it was authenticated.
        let row = sqlx::query(
            "SELECT d.last_seq, d.revoked_at_ms, u.role, u.removed_at_ms FROM device d
             JOIN app_user u ON u.name = d.user_name WHERE d.id = $1",
        )
        .bind(&device.id)
        .fetch_one(&mut *tx)
        .await?;
        if row.try_get::<Option<i64>, _>(1)?.is_some()
            || row.try_get::<Option<i64>, _>(3)?.is_some()
        {
            return Err(Error::Unauthorized);
        }
        let mut last = row.try_get::<i64, _>(0)? as u64;
        let role = stored_role(row.try_get(2)?)?;
        let mut reply = PushReply::default();
        let mut taken = Vec::new();
        // The roles of the people the batch names as authors, looked up once each.
        let mut authors: HashMap<String, Option<Role>> = HashMap::new();
        for change in changes {
            let seq = change.seq;
            if seq == 0 {
                reply
                    .rejected
                    .push(rejection(seq, "malformed", "sequences start at 1"));
            } else if seq <= last {
                self.earlier_answer(&mut tx, &device.id, &change, &mut reply)
                    .await?;
            } else if seq > last + 1 {
                reply.rejected.push(rejection(
                    seq,
                    "gap",
                    &format!("expected sequence {} next", last + 1),
                ));
            } else {
                let body = serde_json::to_string(&change).map_err(Error::Corrupt)?;
                let author = match authors.get(&change.author) {
                    Some(role) => *role,
                    None => {
                        let role = author_role(&mut tx, &change.author).await?;
                        authors.insert(change.author.clone(), role);
                        role
                    }
                };
                match policy::admit_authored(role, author, &change, now_ms.max(0) as u64) {
                    Ok(()) => {
                        head += 1;
                        taken.push((
                            head,
                            seq,
                            change.stamp.to_string(),
                            change.op.kind(),
                            change.author.clone(),
                            body,
                        ));
                        let signed = match &change.op {
                            Op::Event { event } => Some(&event.hash),
                            Op::Act { transition } => transition.event.as_ref().map(|e| &e.hash),
                            _ => None,
                        };
                        if let Some(hash) = signed {
                            self.countersign(&mut tx, head, hash, now_ms).await?;
                        }
                        // A desk's imported readings join the server's own, so a station's
                        // frame arriving after the file is known as a repeat.
                        if let Op::Readings { source, readings } = &change.op {
                            crate::readings::upsert(&mut tx, source, readings, now_ms).await?;
                        }
                        reply.accepted.push(seq);
                    }
                    Err(refusal) => {
                        sqlx::query(
                            "INSERT INTO refused_change (device_id, device_seq, code, reason, body,
                                                         received_at_ms)
                             VALUES ($1, $2, $3, $4, $5, $6)",
                        )
                        .bind(&device.id)
                        .bind(seq as i64)
                        .bind(refusal.code())
                        .bind(refusal.to_string())
                        .bind(&body)
                        .bind(now_ms)
                        .execute(&mut *tx)
                        .await?;
                        reply
                            .rejected
                            .push(rejection(seq, refusal.code(), &refusal.to_string()));
                    }
                }
                last = seq;
            }
        }
        insert_changes(&mut tx, &device.id, &taken, now_ms).await?;
        sqlx::query("UPDATE log_head SET seq = $1 WHERE id = 1")
            .bind(head)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE device SET last_seq = $1 WHERE id = $2")
            .bind(last as i64)
            .bind(&device.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.news.notify_waiters();
        reply.last_seq = last;
        Ok(reply)
    }

    /// Adds the next link of the server's chain for an accepted event (inside the push, under
    /// the head lock, so links are numbered without gaps across instances).
    async fn countersign(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        server_seq: i64,
        event_hash: &str,
        now_ms: i64,
    ) -> Result<(), Error> {
        let known: Option<i64> =
            sqlx::query_scalar("SELECT seq FROM countersign WHERE event_hash = $1")
                .bind(event_hash)
                .fetch_optional(&mut **tx)
                .await?;
        if known.is_some() {
            return Ok(());
        }
        let prev = sqlx::query("SELECT seq, hash FROM countersign ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut **tx)
            .await?
            .map(|r| Ok::<_, sqlx::Error>((r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?)))
            .transpose()?;
        let key = self.signing_key(tx).await?;
        let link = countersign::seal(prev, server_seq, event_hash, now_ms, &key);
        sqlx::query(
            "INSERT INTO countersign (seq, server_seq, event_hash, prev_hash, hash, signature, at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(link.seq)
        .bind(link.server_seq)
        .bind(&link.event_hash)
        .bind(&link.prev_hash)
        .bind(&link.hash)
        .bind(&link.signature)
        .bind(link.at_ms)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The answer a sequence already taken got, if `change` is the change it was: a repeat
    /// after a lost reply. A different change under a taken sequence comes from a desk that
    /// was restored from a backup or copied to another machine: refused as `rewound`, naming
    /// the last sequence held, so the desk numbers its waiting changes after it (nothing of
    /// either is lost).
    async fn earlier_answer(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        device: &str,
        change: &Change,
        reply: &mut PushReply,
    ) -> Result<(), Error> {
        let seq = change.seq;
        let refused = sqlx::query(
            "SELECT code, reason, body FROM refused_change WHERE device_id = $1 AND device_seq = $2",
        )
        .bind(device)
        .bind(seq as i64)
        .fetch_optional(&mut **tx)
        .await?;
        let (answer, body) = match refused {
            Some(r) => (
                Err((r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?)),
                r.try_get::<String, _>(2)?,
            ),
            None => (
                Ok(()),
                sqlx::query_scalar(
                    "SELECT body FROM sync_change WHERE device_id = $1 AND device_seq = $2",
                )
                .bind(device)
                .bind(seq as i64)
                .fetch_optional(&mut **tx)
                .await?
                .unwrap_or_default(),
            ),
        };
        let same = serde_json::from_str::<Change>(&body).is_ok_and(|held| held == *change);
        if !same {
            reply.rejected.push(rejection(
                seq,
                "rewound",
                &format!(
                    "sequence {seq} of this desk already holds another change: the desk was \
                     restored from a backup or copied; number waiting changes after the last \
                     held / 本机序号 {seq} 已有另一条修改：本机数据曾从备份恢复或被复制，待上传的修改须重新编号"
                ),
            ));
            return Ok(());
        }
        match answer {
            Err((code, reason)) => reply.rejected.push(rejection(seq, &code, &reason)),
            Ok(()) => reply.accepted.push(seq),
        }
        Ok(())
    }

    /// Changes after `cursor` in server order, at most `limit`.
    pub async fn pull(&self, cursor: u64, limit: u32) -> Result<Page, Error> {
        let raw = self.pull_raw(cursor, limit).await?;
        let changes = raw
            .changes
            .into_iter()
            .map(|(seq, device, body)| {
                let change: Change = serde_json::from_str(&body).map_err(Error::Corrupt)?;
                Ok((seq, device, change))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(Page {
            changes,
            more: raw.more,
        })
    }

    /// Changes after `cursor` as stored (server sequence, device, the change's JSON): a pull
    /// sends them on without parsing and writing each again.
    pub async fn pull_raw(&self, cursor: u64, limit: u32) -> Result<RawPage, Error> {
        let limit = limit.clamp(1, 10_000);
        let rows = sqlx::query(
            "SELECT server_seq, device_id, body FROM sync_change
             WHERE server_seq > $1 ORDER BY server_seq LIMIT $2",
        )
        .bind(cursor as i64)
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.pool)
        .await?;
        let more = rows.len() > limit as usize;
        let changes = rows
            .iter()
            .take(limit as usize)
            .map(|r| Ok((r.try_get::<i64, _>(0)? as u64, r.try_get(1)?, r.try_get(2)?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok(RawPage { changes, more })
    }

    /// The merged state of every accepted change (the reference replicas converge to).
    pub async fn view(&self) -> Result<View, Error> {
        let mut state = State::default();
        let mut cursor = 0;
        loop {
            let page = self.pull(cursor, 10_000).await?;
            for (seq, _, change) in &page.changes {
                state.apply(change);
                cursor = *seq;
            }
            if !page.more {
                return Ok(state.view());
            }
        }
    }

    /// Refused changes (code, reason) of a device, for administrators and tests.
    pub async fn refused(&self, device: &str) -> Result<Vec<(u64, String, String)>, Error> {
        let rows = sqlx::query(
            "SELECT device_seq, code, reason FROM refused_change WHERE device_id = $1
             ORDER BY device_seq",
        )
        .bind(device)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get::<i64, _>(0)? as u64, r.try_get(1)?, r.try_get(2)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Error::Db)
    }

    /// How many changes the server holds.
    pub async fn change_count(&self) -> Result<u64, Error> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sync_change")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as u64)
    }
}

/// An accepted change as stored: server sequence, device sequence, stamp, kind, author, body.
pub(crate) type Taken = (i64, u64, String, &'static str, String, String);

/// Inserts a push's accepted changes, 250 to a statement: one statement per change was most of
/// the cost of a large push.
pub(crate) async fn insert_changes(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    device: &str,
    taken: &[Taken],
    now_ms: i64,
) -> Result<(), Error> {
    for chunk in taken.chunks(250) {
        let tuples: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = i * 8;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7,
                    b + 8
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO sync_change (server_seq, device_id, device_seq, stamp, kind, author, body,
                                      received_at_ms) VALUES {}",
            tuples.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (head, seq, stamp, kind, author, body) in chunk {
            q = q
                .bind(*head)
                .bind(device)
                .bind(*seq as i64)
                .bind(stamp.as_str())
                .bind(*kind)
                .bind(author.as_str())
                .bind(body.as_str())
                .bind(now_ms);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The role of the user a change names as its author, none when the district has no such
/// user (or they were removed).
async fn author_role(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    name: &str,
) -> Result<Option<Role>, Error> {
    let role: Option<String> =
        sqlx::query_scalar("SELECT role FROM app_user WHERE name = $1 AND removed_at_ms IS NULL")
            .bind(name)
            .fetch_optional(&mut **tx)
            .await?;
    role.map(stored_role).transpose()
}

/// How an enrolment attempt ended.
#[derive(Clone, Copy, PartialEq)]
enum Attempt {
    Enrolled,
    /// A wrong, used or expired code (or the database failed): counts toward the limits.
    Failed,
    /// Refused by a limit before the code was read: counts toward neither.
    Limited,
}

/// Keeps one enrolment attempt (inside the enrolment's transaction when it enrolled).
async fn attempt<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    label: &str,
    peer: Option<&str>,
    outcome: Attempt,
    at_ms: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO enrol_attempt (at_ms, label, enrolled, peer, limited)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(at_ms)
    .bind(label)
    .bind(i64::from(outcome == Attempt::Enrolled))
    .bind(peer)
    .bind(i64::from(outcome == Attempt::Limited))
    .execute(db)
    .await?;
    Ok(())
}

/// The argon2id PHC string of a password, with a fresh salt.
fn password_hash(password: &str) -> Result<String, Error> {
    Ok(yitu_domain::command::login::hash(
        password,
        &secret::salt()?,
    )?)
}

/// A role as the database holds it: a code written by [`Store::add_user`], so anything else is
/// a row changed behind the server's back.
fn stored_role(code: String) -> Result<Role, Error> {
    Role::ALL
        .iter()
        .copied()
        .find(|r| r.code() == code)
        .ok_or(Error::Role(code))
}

fn rejection(seq: u64, code: &str, reason: &str) -> Rejection {
    Rejection {
        seq,
        code: code.to_owned(),
        reason: reason.to_owned(),
    }
}
