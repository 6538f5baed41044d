//! The desk's users and their roles: local ones (a desk that was never online), and the
//! district's, synced down from the server with their password hashes (`apply_users`, after
//! each pull). Login checks a password offline against the user's argon2id hash; wrong ones
//! are counted on this desk and five in a row lock the login for five minutes
//! (`yitu_domain::command::login`). Every write names the logged-in user as its author.

use crate::table::{app_user, login_failure};
use crate::write::Origin;
use crate::{Error, Store};
use yitu_domain::command::login::{self, Gate};
use yitu_domain::command::role::Role;
use yitu_domain::sync::wire::DistrictUser;
pub use yitu_ipc::user::{Account, Actor, Origin as UserOrigin};

impl Store {
    /// Adds a local user without a password, or changes a local user's role.
    pub async fn add_user(&self, name: &str, role: Role, at_ms: i64) -> Result<Actor, Error> {
        self.add_local_user(name, role, None, at_ms).await
    }

    /// Adds a local user (with the argon2id hash of `password`, when one is given), or changes
    /// a local user's role (and password). A district user of that name is refused: the
    /// server keeps their role and password, and the next sync would undo the change.
    pub async fn add_local_user(
        &self,
        name: &str,
        role: Role,
        password: Option<&str>,
        at_ms: i64,
    ) -> Result<Actor, Error> {
        let name = name.trim();
        if name.is_empty() {
            return Err(yitu_domain::Error::Empty { field: "user name" }.into());
        }
        let hash = match password {
            Some(p) => Some(hash_off_thread(p.to_owned()).await?),
            None => None,
        };
        let mut w = self.write_from(Origin::Bookkeeping, name, at_ms).await?;
        if !app_user::upsert_local(w.conn(), name, role, hash.as_deref(), at_ms).await? {
            return Err(Error::DistrictUser(name.to_owned()));
        }
        w.commit().await?;
        Ok(Actor {
            name: name.to_owned(),
            role,
        })
    }

    /// The user of that name.
    pub async fn user(&self, name: &str) -> Result<Actor, Error> {
        let mut conn = self.pool.acquire().await?;
        let row = app_user::get(&mut conn, name.trim())
            .await?
            .ok_or_else(|| Error::UnknownUser(name.to_owned()))?;
        Ok(Actor {
            name: row.name,
            role: row.role,
        })
    }

    /// The desk's users by name, with whether each has a password and where they come from.
    pub async fn users(&self) -> Result<Vec<Account>, Error> {
        let mut conn = self.pool.acquire().await?;
        Ok(app_user::list(&mut conn)
            .await?
            .into_iter()
            .map(|r| Account {
                name: r.name,
                role: r.role,
                has_password: r.password_hash.is_some(),
                origin: r.origin,
            })
            .collect())
    }

    /// Logs `name` in at `now_ms`, offline: the password is checked against the user's hash (a
    /// user without one logs in whatever is given). A wrong password is refused and counted,
    /// and nothing else is written; while five or more in a row are within five minutes of the
    /// last, every try is refused without looking at the password. A right one clears the
    /// count.
    pub async fn login(&self, name: &str, password: &str, now_ms: i64) -> Result<Actor, Error> {
        let name = name.trim();
        let row = {
            let mut conn = self.pool.acquire().await?;
            app_user::get(&mut conn, name).await?
        }
        .ok_or_else(|| Error::UnknownUser(name.to_owned()))?;
        let mut w = self.write_from(Origin::Bookkeeping, name, now_ms).await?;
        let failures = login_failure::get(w.conn(), name).await?;
        if let Gate::Locked { left_ms } = failures.gate(now_ms) {
            return Err(Error::LockedOut {
                name: name.to_owned(),
                left_ms,
            });
        }
        if let Some(hash) = row.password_hash {
            if !verify_off_thread(password.to_owned(), hash).await? {
                let failures = failures.failed(now_ms);
                login_failure::set(w.conn(), name, failures).await?;
                w.commit().await?;
                return Err(Error::WrongPassword {
                    name: name.to_owned(),
                    failures: failures.count,
                    left: failures.left(),
                });
            }
        }
        if failures.count > 0 {
            login_failure::clear(w.conn(), name).await?;
            w.commit().await?;
        }
        Ok(Actor {
            name: row.name,
            role: row.role,
        })
    }

    /// Makes the district's users (as `GET /v1/users` gave them) this desk's server users, in
    /// one write: each written with its role and password hash, any the server no longer
    /// holds removed; local users of other names stay. A role this build does not know is
    /// refused whole (nothing written), as a newer server's list would be. Returns how many
    /// were written or removed (0 when nothing changed).
    pub async fn apply_users(&self, users: &[DistrictUser], at_ms: i64) -> Result<u64, Error> {
        let rows = users
            .iter()
            .map(|u| {
                Ok((
                    app_user::Row {
                        name: u.name.clone(),
                        role: Role::from_code(&u.role)?,
                        password_hash: u.password_hash.clone(),
                        origin: UserOrigin::Server,
                    },
                    u.updated_at_ms,
                ))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        // Bookkeeping: no record or map changes (the login box reads the list when opened).
        let mut w = self.write_from(Origin::Bookkeeping, "", at_ms).await?;
        let (written, removed) = app_user::replace_server(w.conn(), &rows, at_ms).await?;
        w.commit().await?;
        Ok(written + removed)
    }
}

/// Argon2 takes tens of milliseconds by design: off the async threads.
async fn hash_off_thread(password: String) -> Result<String, Error> {
    let mut salt = [0u8; login::SALT_LEN];
    getrandom::getrandom(&mut salt).map_err(|e| Error::Random(e.to_string()))?;
    tokio::task::spawn_blocking(move || login::hash(&password, &salt))
        .await?
        .map_err(Error::Password)
}

async fn verify_off_thread(password: String, hash: String) -> Result<bool, Error> {
    tokio::task::spawn_blocking(move || login::verify(&password, &hash))
        .await?
        .map_err(Error::Password)
}
