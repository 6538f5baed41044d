//! Reading the registries: records by layer or id, as domain values or as GeoJSON, and towns.

use crate::{Error, Store};
use serde::Serialize;
use yitu_domain::registries::resource::Resource;
use yitu_domain::{demo, EntityId, Layer};

/// A town as the store knows it, with its schematic position.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TownRow {
    pub code: String,
    pub name: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
}

impl Store {
    /// Every live record of a layer, in id (creation) order.
    pub async fn resources(&self, layer: Layer) -> Result<Vec<Resource>, Error> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, body FROM resource WHERE layer = ? AND retired = 0 ORDER BY id",
        )
        .bind(layer.code())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, body)| decode(id, &body))
            .collect()
    }

    /// One record by id, retired or not.
    pub async fn resource(&self, id: EntityId) -> Result<Resource, Error> {
        let id = id.to_string();
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM resource WHERE id = ?")
            .bind(&id)
            .fetch_optional(&self.pool)
            .await?;
        match body {
            Some(body) => decode(id, &body),
            None => Err(Error::NotFound { what: "record", id }),
        }
    }

    /// A layer as an RFC 7946 FeatureCollection (WGS-84 points, the record id as feature id).
    /// Demo data says so in a foreign member and on every feature.
    pub async fn feature_collection(
        &self,
        layer: Layer,
    ) -> Result<geojson::FeatureCollection, Error> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT id, body, demo FROM resource WHERE layer = ? AND retired = 0 ORDER BY id",
        )
        .bind(layer.code())
        .fetch_all(&self.pool)
        .await?;
        let mut any_demo = false;
        let mut features = Vec::with_capacity(rows.len());
        for (id, body, is_demo) in rows {
            let mut f = decode(id, &body)?.to_feature();
            if is_demo != 0 {
                any_demo = true;
                if let Some(p) = f.properties.as_mut() {
                    p.insert("demo".into(), true.into());
                }
            }
            features.push(f);
        }
        let mut members = serde_json::Map::new();
        members.insert("name".into(), layer.code().into());
        if any_demo {
            members.insert("notice".into(), demo::NOTICE_ZH.into());
        }
        Ok(geojson::FeatureCollection {
            bbox: None,
            features,
            foreign_members: Some(members),
        })
    }

    pub async fn towns(&self) -> Result<Vec<TownRow>, Error> {
        let rows: Vec<(String, String, Option<f64>, Option<f64>)> =
            sqlx::query_as("SELECT code, name, lon, lat FROM town ORDER BY code")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(code, name, lon, lat)| TownRow {
                code,
                name,
                lon,
                lat,
            })
            .collect())
    }
}

fn decode(id: String, body: &str) -> Result<Resource, Error> {
    serde_json::from_str(body).map_err(|source| Error::Corrupt { id, source })
}

impl Store {
    /// Every live record of every layer (for analyses that index them all at once).
    pub async fn all_resources(&self) -> Result<Vec<Resource>, Error> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT id, body FROM resource WHERE retired = 0 ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(id, body)| decode(id, &body))
            .collect()
    }
}

impl Store {
    /// A registry (or every depot's stock) as a table: the Chinese headers the importer reads
    /// back, then one row per live record with its id (stock: per line, with its balance).
    /// What `yitu export` and the window's export write as CSV or XLSX.
    pub async fn export_table(
        &self,
        kind: yitu_domain::import::ImportKind,
    ) -> Result<(Vec<String>, Vec<Vec<String>>), Error> {
        use yitu_domain::import::sheet;
        let headers = sheet::headers(kind);
        let rows = match Layer::from_code(kind.code()) {
            Ok(layer) => {
                let towns = yitu_domain::registries::town::all();
                self.resources(layer)
                    .await?
                    .iter()
                    .map(|r| sheet::resource_row(r, &towns))
                    .collect()
            }
            Err(_) => {
                let state = self.stock_state().await?;
                let mut lines = state.lines.clone();
                lines.sort_by(|a, b| (a.depot_id, &a.code).cmp(&(b.depot_id, &b.code)));
                lines
                    .iter()
                    .filter_map(|l| {
                        // Lines of retired depots are not exported.
                        let depot = state.depots.iter().find(|d| d.id == l.depot_id)?;
                        let balance = state
                            .balances
                            .get(&(l.depot_id, l.code.as_str().to_owned()))
                            .copied()
                            .unwrap_or_default();
                        Some(sheet::stock_row(&depot.name, l, balance))
                    })
                    .collect()
            }
        };
        Ok((headers, rows))
    }
}
