//! A throw-away PostgreSQL database for one run (127.0.0.1:5432, trust auth, user postgres),
//! dropped at the end.

use crate::run::PG_ADMIN;
use anyhow::{Context, Result};
use sqlx::Connection;

pub struct Database {
    pub url: String,
    name: String,
}

impl Database {
    pub async fn create() -> Result<Database> {
        let mut b = [0u8; 6];
        getrandom::getrandom(&mut b).context("random source")?;
        let name = format!(
            "yitu_nemesis_{}",
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        );
        let mut conn = sqlx::PgConnection::connect(PG_ADMIN)
            .await
            .with_context(|| format!("PostgreSQL at {PG_ADMIN} (scripts/setup.sh starts it)"))?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await?;
        Ok(Database {
            url: format!("postgres://postgres@127.0.0.1:5432/{name}"),
            name,
        })
    }

    pub async fn drop_now(self) {
        if let Ok(mut c) = sqlx::PgConnection::connect(PG_ADMIN).await {
            let _ = sqlx::query(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut c)
            .await;
        }
    }
}
