//! MBTiles: an SQLite file with a `metadata` (name, value) table and a `tiles` table or view
//! (zoom_level, tile_column, tile_row, tile_data) whose rows count from the south (TMS):
//! tile_row = 2^z − 1 − y for the XYZ y the window asks for.

use crate::package::{is_gzip, Container, Metadata, TileFormat};
use crate::Error;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::Row;
use std::collections::HashMap;
use std::path::Path;

/// An open MBTiles: a small read-only pool, kept for the package's life.
#[derive(Clone)]
pub(crate) struct MbTiles {
    pool: SqlitePool,
}

impl MbTiles {
    pub(crate) async fn open(path: &Path) -> Result<(MbTiles, Metadata), Error> {
        let corrupt = |source| Error::CorruptSqlite {
            path: path.to_path_buf(),
            source,
        };
        let options = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .create_if_missing(false);
        let pool = SqlitePoolOptions::new()
            .min_connections(0)
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(corrupt)?;
        let db = MbTiles { pool };
        match db.metadata(path).await {
            Ok(metadata) => Ok((db, metadata)),
            Err(e) => {
                db.close().await;
                Err(e)
            }
        }
    }

    async fn metadata(&self, path: &Path) -> Result<Metadata, Error> {
        let corrupt = |source| Error::CorruptSqlite {
            path: path.to_path_buf(),
            source,
        };
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') \
             AND name IN ('metadata', 'tiles')",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(corrupt)?;
        if !names.iter().any(|n| n == "tiles") {
            return Err(Error::NoTilesTable {
                path: path.to_path_buf(),
            });
        }
        let mut meta: HashMap<String, String> = HashMap::new();
        if names.iter().any(|n| n == "metadata") {
            for row in sqlx::query("SELECT name, value FROM metadata")
                .fetch_all(&self.pool)
                .await
                .map_err(corrupt)?
            {
                let name: Option<String> = row.try_get(0).map_err(corrupt)?;
                let value: Option<String> = row.try_get(1).map_err(corrupt)?;
                if let (Some(n), Some(v)) = (name, value) {
                    meta.insert(n, v);
                }
            }
        }
        let first: Option<Vec<u8>> = sqlx::query_scalar("SELECT tile_data FROM tiles LIMIT 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(corrupt)?;
        let Some(first) = first else {
            return Err(Error::Empty {
                path: path.to_path_buf(),
            });
        };
        let format = match meta.get("format") {
            Some(name) => TileFormat::from_name(name),
            None => TileFormat::sniff(&first),
        }
        .ok_or_else(|| Error::UnknownFormat {
            path: path.to_path_buf(),
            format: meta.get("format").cloned().unwrap_or_default(),
        })?;
        let zoom = |key: &str| meta.get(key).and_then(|v| v.trim().parse::<u8>().ok());
        let (min_zoom, max_zoom) = match (zoom("minzoom"), zoom("maxzoom")) {
            (Some(lo), Some(hi)) => (lo, hi),
            _ => {
                let row = sqlx::query("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles")
                    .fetch_one(&self.pool)
                    .await
                    .map_err(corrupt)?;
                let lo: i64 = row.try_get(0).map_err(corrupt)?;
                let hi: i64 = row.try_get(1).map_err(corrupt)?;
                (lo.clamp(0, 30) as u8, hi.clamp(0, 30) as u8)
            }
        };
        let bounds = meta.get("bounds").and_then(|b| {
            let v: Vec<f64> = b
                .split(',')
                .map(|p| p.trim().parse::<f64>())
                .collect::<Result<_, _>>()
                .ok()?;
            <[f64; 4]>::try_from(v).ok()
        });
        let vector_layers = meta
            .get("json")
            .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
            .and_then(|mut j| j.get_mut("vector_layers").map(serde_json::Value::take));
        let nonempty = |key: &str| meta.get(key).filter(|v| !v.trim().is_empty()).cloned();
        Ok(Metadata {
            container: Container::Mbtiles,
            format,
            kind: format.kind(),
            min_zoom,
            max_zoom,
            bounds,
            name: nonempty("name"),
            attribution: nonempty("attribution"),
            vector_layers,
            gzip: format == TileFormat::Pbf && is_gzip(&first),
        })
    }

    pub(crate) async fn tile(
        &self,
        path: &Path,
        z: u8,
        x: u32,
        y: u32,
    ) -> Result<Option<Vec<u8>>, Error> {
        let row = (1u32 << z) - 1 - y;
        sqlx::query_scalar(
            "SELECT tile_data FROM tiles \
             WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
        )
        .bind(i64::from(z))
        .bind(i64::from(x))
        .bind(i64::from(row))
        .fetch_optional(&self.pool)
        .await
        .map_err(|source| Error::CorruptSqlite {
            path: path.to_path_buf(),
            source,
        })
    }

    pub(crate) async fn close(&self) {
        self.pool.close().await;
    }
}
