//! The one error type of yitu-overlay: every refusal names the file (or id) and says, Chinese
//! first then English, what is wrong and, where it can tell, what to do about it.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("找不到文件 / file not found: {}", path.display())]
    NotFound { path: PathBuf },
    #[error("不是 GeoJSON、Shapefile 或 GeoPackage（应为 .geojson、.json、.shp 或 .gpkg）/ not a GeoJSON, Shapefile or GeoPackage (expected .geojson, .json, .shp or .gpkg): {}", path.display())]
    UnknownFormat { path: PathBuf },
    #[error("文件已损坏或无法读取 / broken or unreadable file: {}", path.display())]
    Unreadable {
        path: PathBuf,
        // Boxed: the formats error is large, and every result here would carry its size.
        #[source]
        source: Box<yitu_formats::Error>,
    },
    #[error("文件是空的 / the file is empty: {}", path.display())]
    Empty { path: PathBuf },
    #[error("文件中没有带几何的要素 / the file has no features with a geometry: {}", path.display())]
    NoFeatures { path: PathBuf },
    #[error("第 {feature} 个要素的坐标 ({x}, {y}) 不是合理的经纬度{hint} / feature {feature} has coordinates ({x}, {y}) that are not a plausible longitude/latitude{hint_en}: {}", path.display())]
    NotLonLat {
        path: PathBuf,
        feature: usize,
        x: f64,
        y: f64,
        hint: &'static str,
        hint_en: &'static str,
    },
    #[error("按 {crs} 换算后，图层在 ({lon:.3}, {lat:.3}) 附近，离合川区很远：坐标系可能选错了 / converted from {crs}, the overlay lies around ({lon:.3}, {lat:.3}), nowhere near Hechuan: probably the wrong coordinate system: {}", path.display())]
    FarFromDistrict {
        path: PathBuf,
        crs: &'static str,
        lon: f64,
        lat: f64,
    },
    #[error("不是 GeoPackage：文件不是 SQLite 数据库 / not a GeoPackage: the file is not an SQLite database: {}", path.display())]
    NotSqlite { path: PathBuf },
    #[error("是 SQLite 数据库但不是 GeoPackage（没有 gpkg_contents 表）/ an SQLite database but not a GeoPackage (it has no gpkg_contents table): {}", path.display())]
    NotGeoPackage { path: PathBuf },
    #[error("GeoPackage 中没有要素表（可能只有瓦片或属性表）/ the GeoPackage has no feature table (only tiles or attributes?): {}", path.display())]
    NoFeatureTable { path: PathBuf },
    #[error("GeoPackage 的要素表 {tables} 中一条要素也没有 / the GeoPackage's feature tables ({tables}) have no rows: {}", path.display())]
    EmptyTables { path: PathBuf, tables: String },
    #[error("要素表 {table} 的坐标系 {srs} 是投影坐标系（单位为米），本软件不做投影换算：请先在 GIS 软件中转为经纬度（如 EPSG:4490 或 EPSG:4326）/ feature table {table} is in {srs}, a projected coordinate system (metres), which yitu cannot reproject: convert it to longitude/latitude first (e.g. EPSG:4490 or EPSG:4326) in a GIS tool: {}", path.display())]
    ProjectedSrs {
        path: PathBuf,
        table: String,
        srs: String,
    },
    #[error("要素表 {table} 中 {row} 的几何数据不是 GeoPackage 几何（{reason}）/ the geometry of {row} in feature table {table} is not a GeoPackage geometry ({reason}): {}", path.display())]
    BadGeometry {
        path: PathBuf,
        table: String,
        /// `fid 12`, or `row 12` in a table without an integer primary key.
        row: String,
        reason: crate::wkb::Error,
    },
    #[error("无法读取 GeoPackage 数据库（文件可能已损坏）/ cannot read the GeoPackage database (the file may be broken): {}", path.display())]
    Database {
        path: PathBuf,
        // Boxed, as the formats error is: every result here would carry its size.
        #[source]
        source: Box<sqlx::Error>,
    },
    #[error("没有这个叠加图层 / no such overlay: {id}")]
    UnknownOverlay { id: String },
    #[error("无法读取 / cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("无法写入 / cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("叠加图层设置文件已损坏 / the overlay settings file is corrupt: {}", path.display())]
    CorruptRegistry {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

impl Error {
    /// A stable code for the window (`{code, message}`), one per kind of refusal.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => "not_found",
            Error::UnknownFormat { .. } => "unknown_format",
            Error::Unreadable { .. } => "unreadable",
            Error::Empty { .. } => "empty",
            Error::NoFeatures { .. } => "no_features",
            Error::NotLonLat { .. } => "not_lon_lat",
            Error::FarFromDistrict { .. } => "far_from_district",
            Error::NotSqlite { .. } => "not_sqlite",
            Error::NotGeoPackage { .. } => "not_geopackage",
            Error::NoFeatureTable { .. } => "no_feature_table",
            Error::EmptyTables { .. } => "empty_tables",
            Error::ProjectedSrs { .. } => "projected_srs",
            Error::BadGeometry { .. } => "bad_geometry",
            Error::Database { .. } => "database",
            Error::UnknownOverlay { .. } => "unknown_overlay",
            Error::Read { .. } => "read",
            Error::Write { .. } => "write",
            Error::CorruptRegistry { .. } => "corrupt_registry",
        }
    }
}
