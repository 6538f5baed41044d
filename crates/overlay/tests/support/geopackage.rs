//! GeoPackages written as GDAL and QGIS write them, for yitu-overlay's tests and the CLI's: the
//! three gpkg tables by their SQL in the standard (OGC 12-128, annex C), feature tables with an
//! integer `fid`, and geometry blobs made here (the binary header, then little-endian WKB).

#![allow(dead_code)] // Each test binary uses its own part of it.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{ConnectOptions, Connection, Executor, SqliteConnection};
use std::path::Path;

/// A row of `gpkg_spatial_ref_sys`.
pub struct Srs {
    pub id: i64,
    pub name: &'static str,
    pub organization: &'static str,
    pub code: i64,
    pub definition: &'static str,
}

pub const CGCS2000: Srs = Srs {
    id: 4490,
    name: "China Geodetic Coordinate System 2000",
    organization: "EPSG",
    code: 4490,
    definition: r#"GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4490"]]"#,
};

/// The 3° Gauss-Krüger zone Hechuan (106.3° E) lies in: metres, which yitu does not reproject.
pub const GAUSS_KRUGER: Srs = Srs {
    id: 4544,
    name: "CGCS2000 / 3-degree Gauss-Kruger CM 105E",
    organization: "EPSG",
    code: 4544,
    definition: r#"PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 105E",GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101]]],PROJECTION["Transverse_Mercator"],PARAMETER["central_meridian",105],PARAMETER["false_easting",500000],UNIT["metre",1],AUTHORITY["EPSG","4544"]]"#,
};

/// A geometry to write.
#[derive(Clone)]
pub enum Geom {
    Point([f64; 2]),
    /// ISO Point Z (type 1001).
    PointZ([f64; 3]),
    Line(Vec<[f64; 2]>),
    Polygon(Vec<Vec<[f64; 2]>>),
    MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
    /// A circular string (type 8): valid WKB that yitu does not draw.
    CircularString(Vec<[f64; 2]>),
}

impl Geom {
    /// Little-endian WKB.
    pub fn wkb(&self) -> Vec<u8> {
        let mut b = Vec::new();
        let head = |b: &mut Vec<u8>, code: u32| {
            b.push(1);
            b.extend(code.to_le_bytes());
        };
        let points = |b: &mut Vec<u8>, ps: &[[f64; 2]]| {
            b.extend((ps.len() as u32).to_le_bytes());
            for p in ps {
                b.extend(p[0].to_le_bytes());
                b.extend(p[1].to_le_bytes());
            }
        };
        let rings = |b: &mut Vec<u8>, rs: &[Vec<[f64; 2]>]| {
            b.extend((rs.len() as u32).to_le_bytes());
            for r in rs {
                points(b, r);
            }
        };
        match self {
            Geom::Point(p) => {
                head(&mut b, 1);
                b.extend(p[0].to_le_bytes());
                b.extend(p[1].to_le_bytes());
            }
            Geom::PointZ(p) => {
                head(&mut b, 1001);
                for v in p {
                    b.extend(v.to_le_bytes());
                }
            }
            Geom::Line(ps) => {
                head(&mut b, 2);
                points(&mut b, ps);
            }
            Geom::Polygon(rs) => {
                head(&mut b, 3);
                rings(&mut b, rs);
            }
            Geom::MultiPolygon(polys) => {
                head(&mut b, 6);
                b.extend((polys.len() as u32).to_le_bytes());
                for rs in polys {
                    head(&mut b, 3);
                    rings(&mut b, rs);
                }
            }
            Geom::CircularString(ps) => {
                head(&mut b, 8);
                points(&mut b, ps);
            }
        }
        b
    }

    fn xy(&self) -> Vec<[f64; 2]> {
        match self {
            Geom::Point(p) => vec![*p],
            Geom::PointZ(p) => vec![[p[0], p[1]]],
            Geom::Line(ps) | Geom::CircularString(ps) => ps.clone(),
            Geom::Polygon(rs) => rs.concat(),
            Geom::MultiPolygon(polys) => polys.concat().concat(),
        }
    }

    /// The GeoPackage blob: `GP`, version 0, flags, srs_id, envelope, WKB. Points are written
    /// without an envelope (as GDAL does), everything else with [minx, maxx, miny, maxy].
    pub fn blob(&self, srs_id: i32) -> Vec<u8> {
        let point = matches!(self, Geom::Point(_) | Geom::PointZ(_));
        // Bit 0: little-endian header; bits 1–3: envelope indicator (0 none, 1 XY).
        let flags: u8 = if point { 0b0000_0001 } else { 0b0000_0011 };
        let mut b = vec![b'G', b'P', 0, flags];
        b.extend(srs_id.to_le_bytes());
        if !point {
            let xy = self.xy();
            let min = |i: usize| xy.iter().map(|p| p[i]).fold(f64::INFINITY, f64::min);
            let max = |i: usize| xy.iter().map(|p| p[i]).fold(f64::NEG_INFINITY, f64::max);
            for v in [min(0), max(0), min(1), max(1)] {
                b.extend(v.to_le_bytes());
            }
        }
        b.extend(self.wkb());
        b
    }
}

/// A cell of a feature table.
#[derive(Clone)]
pub enum Cell {
    Text(&'static str),
    Int(i64),
    Real(f64),
    Blob(Vec<u8>),
    Null,
}

/// A feature table: its name, system, geometry type name, its columns after `fid` and `geom`
/// (name, declared type) and its rows (the geometry column's bytes, then one cell a column).
pub struct FeatureTable {
    pub name: &'static str,
    pub srs_id: i64,
    pub geometry_type: &'static str,
    pub columns: Vec<(&'static str, &'static str)>,
    pub rows: Vec<(Option<Vec<u8>>, Vec<Cell>)>,
}

/// A `"name"` quoted for SQL.
fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Opens (creating) an SQLite file in rollback-journal mode, so the file alone is the database.
pub async fn sqlite(path: &Path) -> SqliteConnection {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Delete)
        .connect()
        .await
        .unwrap()
}

/// Writes a GeoPackage at `path` with the standard's three required systems (-1, 0, 4326), the
/// `extra` systems, and the feature tables (each listed in gpkg_contents and
/// gpkg_geometry_columns). `contents` adds rows of other data types (tiles, attributes).
pub async fn write(path: &Path, extra: &[Srs], tables: &[FeatureTable], contents: &[(&str, &str)]) {
    let mut db = sqlite(path).await;
    for sql in [
        // 'GPKG' and 1.3.0, as GDAL writes them.
        "PRAGMA application_id = 1196444487",
        "PRAGMA user_version = 10300",
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, \
         organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, \
         definition TEXT NOT NULL, description TEXT)",
        "CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, \
         data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', \
         last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), \
         min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, \
         CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))",
        "CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, \
         column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, \
         z TINYINT NOT NULL, m TINYINT NOT NULL, \
         CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), \
         CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), \
         CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))",
        "INSERT INTO gpkg_spatial_ref_sys VALUES \
         ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL), \
         ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL), \
         ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",\
         SPHEROID[\"WGS 84\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],\
         UNIT[\"degree\",0.0174532925199433],AUTHORITY[\"EPSG\",\"4326\"]]', NULL)",
    ] {
        db.execute(sql).await.unwrap();
    }
    for s in extra {
        sqlx::query("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, NULL)")
            .bind(s.name)
            .bind(s.id)
            .bind(s.organization)
            .bind(s.code)
            .bind(s.definition)
            .execute(&mut db)
            .await
            .unwrap();
    }
    for (name, data_type) in contents {
        sqlx::query(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES (?, ?, ?)",
        )
        .bind(name)
        .bind(data_type)
        .bind(name)
        .execute(&mut db)
        .await
        .unwrap();
        db.execute(format!("CREATE TABLE {} (id INTEGER PRIMARY KEY, v TEXT)", q(name)).as_str())
            .await
            .unwrap();
    }
    for t in tables {
        let columns: String = t
            .columns
            .iter()
            .map(|(n, ty)| format!(", {} {ty}", q(n)))
            .collect();
        db.execute(
            format!(
                "CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {}{columns})",
                q(t.name),
                t.geometry_type
            )
            .as_str(),
        )
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) \
             VALUES (?, 'features', ?, ?)",
        )
        .bind(t.name)
        .bind(t.name)
        .bind(t.srs_id)
        .execute(&mut db)
        .await
        .unwrap();
        sqlx::query("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)")
            .bind(t.name)
            .bind(t.geometry_type)
            .bind(t.srs_id)
            .execute(&mut db)
            .await
            .unwrap();
        let names: String = t
            .columns
            .iter()
            .map(|(n, _)| format!(", {}", q(n)))
            .collect();
        let marks = ", ?".repeat(t.columns.len());
        let insert = format!("INSERT INTO {} (geom{names}) VALUES (?{marks})", q(t.name));
        for (geom, cells) in &t.rows {
            let mut query = sqlx::query(&insert).bind(geom.clone());
            for c in cells {
                query = match c.clone() {
                    Cell::Text(s) => query.bind(s),
                    Cell::Int(n) => query.bind(n),
                    Cell::Real(x) => query.bind(x),
                    Cell::Blob(b) => query.bind(b),
                    Cell::Null => query.bind(None::<String>),
                };
            }
            query.execute(&mut db).await.unwrap();
        }
    }
    db.close().await.unwrap();
}
