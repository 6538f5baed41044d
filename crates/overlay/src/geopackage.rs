//! GeoPackage (OGC 12-128): an SQLite file whose `gpkg_contents` lists its tables; each of
//! data_type `features` has one geometry column (`gpkg_geometry_columns`) in a spatial reference
//! system (`gpkg_spatial_ref_sys`). Every feature table is read, in name order, into the one
//! [`Table`] the other formats give: geometries through [`crate::wkb`], the other columns as text
//! cells (integers, reals and text; blobs left out), and a `layer` cell naming the table when
//! there are several. A table in a projected system is refused before any row is read. The file
//! is opened read-only with the workspace's sqlx, as base maps' MBTiles are.

use crate::srs::{Kind, Srs};
use crate::{wkb, Error};
use geojson::{Geometry, GeometryValue};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteRow};
use sqlx::{ConnectOptions, Connection, Row, TypeInfo, ValueRef};
use std::collections::HashMap;
use std::future::Future;
use std::io::Read;
use std::path::Path;
use yitu_formats::{SourceEncoding, SourceKind, Table};

/// Every SQLite 3 database file begins so.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// The extra cell naming each feature's table, when the file has more than one.
const LAYER: &str = "layer";

/// The file's features, or why it is not a GeoPackage yitu can draw.
pub fn read(path: &Path) -> Result<Table, Error> {
    // Checked by hand first: SQLite itself opens anything and only fails at the first query,
    // with a message that would not say "this is not a GeoPackage".
    if !is_sqlite(path)? {
        return Err(Error::NotSqlite {
            path: path.to_owned(),
        });
    }
    on_own_runtime(path, async {
        let mut db = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .create_if_missing(false)
            .connect()
            .await
            .map_err(|e| database(path, e))?;
        let read = read_from(&mut db, path).await;
        let _ = db.close().await;
        read
    })
}

fn is_sqlite(path: &Path) -> Result<bool, Error> {
    let mut head = Vec::with_capacity(SQLITE_MAGIC.len());
    std::fs::File::open(path)
        .and_then(|f| f.take(SQLITE_MAGIC.len() as u64).read_to_end(&mut head))
        .map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
    Ok(head == SQLITE_MAGIC)
}

/// Runs `work` to its end on a thread of its own with a one-thread runtime. Reading an overlay
/// is synchronous, and the window calls it from inside its own tokio runtime, where another
/// runtime can be neither started nor blocked on; a fresh thread has none.
fn on_own_runtime<T: Send>(
    path: &Path,
    work: impl Future<Output = Result<T, Error>> + Send,
) -> Result<T, Error> {
    std::thread::scope(|s| {
        s.spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|source| Error::Read {
                    path: path.to_owned(),
                    source,
                })?
                .block_on(work)
        })
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

fn database(path: &Path, source: sqlx::Error) -> Error {
    Error::Database {
        path: path.to_owned(),
        source: Box::new(source),
    }
}

/// A feature table as `gpkg_contents` and `gpkg_geometry_columns` describe it.
struct Layer {
    table: String,
    geometry_column: String,
    srs: Srs,
}

/// One feature table's rows: its column names, and each row's cells and geometry.
struct LayerRows {
    table: String,
    headers: Vec<String>,
    rows: Vec<(Vec<String>, Option<GeometryValue>)>,
}

async fn read_from(db: &mut SqliteConnection, path: &Path) -> Result<Table, Error> {
    let layers = layers(db, path).await?;
    // Every system is checked before any row is read: a refusal is quick and says it all.
    for layer in &layers {
        if layer.srs.kind() == Kind::Projected {
            return Err(Error::ProjectedSrs {
                path: path.to_owned(),
                table: layer.table.clone(),
                srs: layer.srs.to_string(),
            });
        }
    }
    let mut read = Vec::new();
    for layer in &layers {
        read.push(rows(db, path, layer).await?);
    }
    if read.iter().all(|l| l.rows.is_empty()) {
        return Err(Error::EmptyTables {
            path: path.to_owned(),
            tables: layers
                .iter()
                .map(|l| l.table.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok(merge(read))
}

/// The feature tables, in name order, each with its geometry column and system.
async fn layers(db: &mut SqliteConnection, path: &Path) -> Result<Vec<Layer>, Error> {
    let present: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name IN \
         ('gpkg_contents', 'gpkg_geometry_columns', 'gpkg_spatial_ref_sys')",
    )
    .fetch_all(&mut *db)
    .await
    .map_err(|e| database(path, e))?;
    let has = |name: &str| present.iter().any(|p| p == name);
    if !has("gpkg_contents") {
        return Err(Error::NotGeoPackage {
            path: path.to_owned(),
        });
    }
    let no_features = || Error::NoFeatureTable {
        path: path.to_owned(),
    };
    if !has("gpkg_geometry_columns") {
        return Err(no_features());
    }
    let mut systems: HashMap<i64, Srs> = HashMap::new();
    if has("gpkg_spatial_ref_sys") {
        let rows = sqlx::query(
            "SELECT srs_id, srs_name, organization, organization_coordsys_id, definition \
             FROM gpkg_spatial_ref_sys",
        )
        .fetch_all(&mut *db)
        .await
        .map_err(|e| database(path, e))?;
        for row in rows {
            let text = |i: usize| text_cell(&row, i, false).unwrap_or_default();
            let Some(id) = row.try_get::<Option<i64>, _>(0).ok().flatten() else {
                continue;
            };
            systems.insert(
                id,
                Srs {
                    id,
                    name: text(1),
                    organization: text(2),
                    code: row.try_get::<Option<i64>, _>(3).ok().flatten().unwrap_or(0),
                    definition: text(4),
                },
            );
        }
    }
    let rows = sqlx::query(
        "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c \
         JOIN gpkg_geometry_columns g ON g.table_name = c.table_name \
         WHERE lower(c.data_type) = 'features' ORDER BY c.table_name",
    )
    .fetch_all(&mut *db)
    .await
    .map_err(|e| database(path, e))?;
    let mut layers = Vec::new();
    for row in rows {
        let table: String = row.try_get(0).map_err(|e| database(path, e))?;
        let geometry_column: String = row.try_get(1).map_err(|e| database(path, e))?;
        let srs_id: i64 = row.try_get(2).map_err(|e| database(path, e))?;
        // A system the file does not describe (against the spec) is not said: the positions
        // are then checked to be longitude/latitude, as a GeoJSON file's are.
        let srs = systems.get(&srs_id).cloned().unwrap_or(Srs {
            id: srs_id,
            name: String::new(),
            organization: String::new(),
            code: 0,
            definition: String::new(),
        });
        layers.push(Layer {
            table,
            geometry_column,
            srs,
        });
    }
    if layers.is_empty() {
        return Err(no_features());
    }
    Ok(layers)
}

/// A name quoted for SQL: table and column names come from the file.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A column of a feature table that becomes a property.
struct Column {
    name: String,
    boolean: bool,
}

/// One feature table's rows. A geometry that is not a GeoPackage geometry refuses the file; one
/// yitu does not draw (a curve) leaves its row without a geometry, counted as skipped.
async fn rows(db: &mut SqliteConnection, path: &Path, layer: &Layer) -> Result<LayerRows, Error> {
    let info = sqlx::query(&format!("PRAGMA table_info({})", quoted(&layer.table)))
        .fetch_all(&mut *db)
        .await
        .map_err(|e| database(path, e))?;
    let mut columns = Vec::new();
    let mut fid = None;
    for c in &info {
        let name: String = c.try_get("name").map_err(|e| database(path, e))?;
        let declared = c
            .try_get::<Option<String>, _>("type")
            .ok()
            .flatten()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let pk: i64 = c.try_get("pk").unwrap_or(0);
        if pk == 1 && declared == "INTEGER" {
            fid = Some(name.clone());
        }
        // SQLite names are case-insensitive; blobs are nothing a map can show.
        if name.eq_ignore_ascii_case(&layer.geometry_column) || declared.starts_with("BLOB") {
            continue;
        }
        columns.push(Column {
            boolean: declared == "BOOLEAN",
            name,
        });
    }
    let mut select = vec![quoted(&layer.geometry_column)];
    select.extend(fid.iter().map(|f| quoted(f)));
    select.extend(columns.iter().map(|c| quoted(&c.name)));
    let first_cell = 1 + usize::from(fid.is_some());
    let found = sqlx::query(&format!(
        "SELECT {} FROM {}",
        select.join(", "),
        quoted(&layer.table)
    ))
    .fetch_all(&mut *db)
    .await
    .map_err(|e| database(path, e))?;
    let mut rows = Vec::with_capacity(found.len());
    for (n, row) in found.iter().enumerate() {
        let geometry = match geometry_of(row) {
            Ok(g) => g,
            Err(reason) => {
                let fid = fid
                    .as_ref()
                    .and_then(|_| row.try_get::<Option<i64>, _>(1).ok().flatten());
                return Err(Error::BadGeometry {
                    path: path.to_owned(),
                    table: layer.table.clone(),
                    row: match fid {
                        Some(fid) => format!("fid {fid}"),
                        None => format!("row {}", n + 1),
                    },
                    reason,
                });
            }
        };
        let cells = columns
            .iter()
            .enumerate()
            .map(|(i, c)| text_cell(row, first_cell + i, c.boolean).unwrap_or_default())
            .collect();
        rows.push((cells, geometry));
    }
    Ok(LayerRows {
        table: layer.table.clone(),
        headers: columns.into_iter().map(|c| c.name).collect(),
        rows,
    })
}

/// A row's geometry (its first column): none when NULL, empty, or of a kind not drawn.
fn geometry_of(row: &SqliteRow) -> Result<Option<GeometryValue>, wkb::Error> {
    let blob: Option<Vec<u8>> = match row.try_get_raw(0) {
        Ok(v) if v.is_null() => None,
        // Any storage class is taken as bytes: text where a blob belongs fails the header check.
        _ => row.try_get_unchecked(0).ok(),
    };
    match blob.as_deref().map(wkb::geometry) {
        None => Ok(None),
        Some(Err(wkb::Error::Unsupported(_))) => Ok(None),
        Some(other) => other,
    }
}

/// A value as cell text: integers and reals as numbers, text as it is (lossily if it is not
/// UTF-8), a BOOLEAN column's 0/1 as false/true; `None` for NULL and blobs.
fn text_cell(row: &SqliteRow, i: usize, boolean: bool) -> Option<String> {
    let value = row.try_get_raw(i).ok()?;
    if value.is_null() {
        return None;
    }
    match value.type_info().name() {
        "INTEGER" => {
            let n: i64 = row.try_get_unchecked(i).ok()?;
            Some(if boolean {
                (n != 0).to_string()
            } else {
                n.to_string()
            })
        }
        "REAL" => row
            .try_get_unchecked::<f64, _>(i)
            .ok()
            .map(|x| x.to_string()),
        "TEXT" => row
            .try_get_unchecked::<Vec<u8>, _>(i)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned()),
        _ => None,
    }
}

/// The tables' rows as one table: the union of their columns in the order first met (after a
/// `layer` column when there are several tables and none has one), rows counted from 1 across
/// the tables.
fn merge(layers: Vec<LayerRows>) -> Table {
    let mut headers: Vec<String> = Vec::new();
    let several = layers.len() > 1;
    let layer_column = several && !layers.iter().any(|l| l.headers.iter().any(|h| h == LAYER));
    if layer_column {
        headers.push(LAYER.into());
    }
    for l in &layers {
        for h in &l.headers {
            if !headers.contains(h) {
                headers.push(h.clone());
            }
        }
    }
    let mut rows = Vec::new();
    for l in layers {
        let at: Vec<usize> = l
            .headers
            .iter()
            .map(|h| headers.iter().position(|x| x == h).expect("merged"))
            .collect();
        for (cells, geometry) in l.rows {
            let mut line = vec![String::new(); headers.len()];
            if layer_column {
                line[0] = l.table.clone();
            }
            for (cell, &i) in cells.into_iter().zip(&at) {
                line[i] = cell;
            }
            rows.push(yitu_formats::Row {
                line: rows.len() + 1,
                cells: line,
                geometry: geometry.map(Geometry::new),
            });
        }
    }
    Table {
        // The nearest kind: rows are features, counted from 1. The overlay does not ask.
        kind: SourceKind::GeoJson,
        // GeoPackage text is UTF-8 by the standard.
        source_encoding: SourceEncoding::Utf8,
        headers,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(table: &str, headers: &[&str], rows: &[&[&str]]) -> LayerRows {
        LayerRows {
            table: table.into(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| {
                    let cells = r.iter().map(|c| c.to_string()).collect();
                    (cells, Some(GeometryValue::new_point([106.27, 29.99])))
                })
                .collect(),
        }
    }

    fn cells(t: &Table) -> Vec<Vec<&str>> {
        t.rows
            .iter()
            .map(|r| r.cells.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn one_table_is_taken_as_it_is() {
        let t = merge(vec![layer(
            "点",
            &["fid", "名称"],
            &[&["1", "甲"], &["2", "乙"]],
        )]);
        assert_eq!(t.headers, ["fid", "名称"]);
        assert_eq!(cells(&t), [["1", "甲"], ["2", "乙"]]);
        assert_eq!(t.rows[1].line, 2);
    }

    #[test]
    fn several_tables_share_their_columns_and_name_their_layer() {
        let t = merge(vec![
            layer("片区", &["名称", "人口"], &[&["甲", "10"]]),
            layer("点", &["容量", "名称"], &[&["5", "乙"]]),
        ]);
        assert_eq!(t.headers, ["layer", "名称", "人口", "容量"]);
        assert_eq!(cells(&t), [["片区", "甲", "10", ""], ["点", "乙", "", "5"]]);
        assert_eq!(
            t.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [1, 2],
            "counted across the tables"
        );
    }

    #[test]
    fn a_table_with_its_own_layer_column_keeps_it() {
        let t = merge(vec![
            layer("a", &["layer"], &[&["道路"]]),
            layer("b", &["名称"], &[&["乙"]]),
        ]);
        assert_eq!(t.headers, ["layer", "名称"]);
        assert_eq!(cells(&t), [["道路", ""], ["", "乙"]]);
    }
}
