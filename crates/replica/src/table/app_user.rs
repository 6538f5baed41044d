//! `app_user`: the desk's users, their roles and password hashes, local or synced down from the
//! district server (`origin`).

use super::Conn;
use crate::Error;
use yitu_domain::command::role::Role;
use yitu_ipc::user::Origin;

/// A user's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    pub name: String,
    pub role: Role,
    /// The argon2id PHC string; none: the user logs in without a password.
    pub password_hash: Option<String>,
    pub origin: Origin,
}

fn origin_code(origin: Origin) -> &'static str {
    match origin {
        Origin::Local => "local",
        Origin::Server => "server",
    }
}

fn row(
    (name, role, password_hash, origin): (String, String, Option<String>, String),
) -> Result<Row, Error> {
    Ok(Row {
        name,
        role: Role::from_code(&role)?,
        password_hash,
        // The table's CHECK allows these two only.
        origin: if origin == "server" {
            Origin::Server
        } else {
            Origin::Local
        },
    })
}

pub(crate) async fn get(conn: &mut Conn, name: &str) -> Result<Option<Row>, Error> {
    let found: Option<(String, String, Option<String>, String)> =
        sqlx::query_as("SELECT name, role, password_hash, origin FROM app_user WHERE name = ?")
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?;
    found.map(row).transpose()
}

pub(crate) async fn list(conn: &mut Conn) -> Result<Vec<Row>, Error> {
    let rows: Vec<(String, String, Option<String>, String)> =
        sqlx::query_as("SELECT name, role, password_hash, origin FROM app_user ORDER BY name")
            .fetch_all(&mut *conn)
            .await?;
    rows.into_iter().map(row).collect()
}

/// Adds a local user, or changes a local user's role (and password, when one is given).
/// Whether it was written: a district user of that name is left as the server keeps it.
pub(crate) async fn upsert_local(
    conn: &mut Conn,
    name: &str,
    role: Role,
    password_hash: Option<&str>,
    at_ms: i64,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "INSERT INTO app_user (name, role, created_at_ms, password_hash, origin, updated_at_ms)
         VALUES (?1, ?2, ?3, ?4, 'local', ?3)
         ON CONFLICT (name) DO UPDATE SET role = excluded.role,
             password_hash = COALESCE(excluded.password_hash, app_user.password_hash),
             updated_at_ms = excluded.updated_at_ms
         WHERE app_user.origin = 'local'",
    )
    .bind(name)
    .bind(role.code())
    .bind(at_ms)
    .bind(password_hash)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Makes the district's users the desk's `server` users: each one written as the server keeps
/// it (a local user of the same name becomes the district's), and every `server` user the
/// list does not hold removed. Returns (written, removed).
/// Each user comes with when the server last changed them.
pub(crate) async fn replace_server(
    conn: &mut Conn,
    users: &[(Row, i64)],
    at_ms: i64,
) -> Result<(u64, u64), Error> {
    let mut written = 0;
    for (u, updated) in users {
        let done = sqlx::query(
            "INSERT INTO app_user (name, role, created_at_ms, password_hash, origin, updated_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (name) DO UPDATE SET role = excluded.role,
                 password_hash = excluded.password_hash, origin = excluded.origin,
                 updated_at_ms = excluded.updated_at_ms
             WHERE app_user.role IS NOT excluded.role
                OR app_user.password_hash IS NOT excluded.password_hash
                OR app_user.origin IS NOT excluded.origin
                OR app_user.updated_at_ms IS NOT excluded.updated_at_ms",
        )
        .bind(&u.name)
        .bind(u.role.code())
        .bind(at_ms)
        .bind(&u.password_hash)
        .bind(origin_code(u.origin))
        .bind(updated)
        .execute(&mut *conn)
        .await?;
        written += done.rows_affected();
    }
    let names = serde_json::to_string(&users.iter().map(|(u, _)| &u.name).collect::<Vec<_>>())
        .map_err(|e| Error::Sync(e.to_string()))?;
    let removed = sqlx::query(
        "DELETE FROM app_user WHERE origin = 'server'
         AND name NOT IN (SELECT value FROM json_each(?))",
    )
    .bind(names)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok((written, removed))
}
