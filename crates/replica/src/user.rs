//! Local users and their roles. A user is named with `--as NAME` (or picked at the window's
//! login); enrolment, passwords and the server's check of each op come with the sync work.

use crate::{Error, Store};
use yitu_domain::command::role::Role;
pub use yitu_ipc::user::Actor;

impl Store {
    /// Adds a user, or changes the role of an existing one.
    pub async fn add_user(&self, name: &str, role: Role, at_ms: i64) -> Result<Actor, Error> {
        let name = name.trim();
        if name.is_empty() {
            return Err(yitu_domain::Error::Empty { field: "user name" }.into());
        }
        sqlx::query(
            "INSERT INTO app_user (name, role, created_at_ms) VALUES (?, ?, ?)
             ON CONFLICT (name) DO UPDATE SET role = excluded.role",
        )
        .bind(name)
        .bind(role.code())
        .bind(at_ms)
        .execute(&self.pool)
        .await?;
        Ok(Actor {
            name: name.to_owned(),
            role,
        })
    }

    /// The user of that name.
    pub async fn user(&self, name: &str) -> Result<Actor, Error> {
        let role: Option<String> = sqlx::query_scalar("SELECT role FROM app_user WHERE name = ?")
            .bind(name.trim())
            .fetch_optional(&self.pool)
            .await?;
        let role = role.ok_or_else(|| Error::UnknownUser(name.to_owned()))?;
        Ok(Actor {
            name: name.trim().to_owned(),
            role: Role::from_code(&role)?,
        })
    }

    pub async fn users(&self) -> Result<Vec<Actor>, Error> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT name, role FROM app_user ORDER BY name")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(name, role)| {
                Ok(Actor {
                    name,
                    role: Role::from_code(&role)?,
                })
            })
            .collect()
    }
}
