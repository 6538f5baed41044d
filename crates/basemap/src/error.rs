//! The one error type of yitu-basemap: every message names the file (or id) and says, Chinese
//! first then English, what is wrong with it.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("找不到文件 / file not found: {}", path.display())]
    NotFound {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("无法读取 / cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("不是瓦片包（应为 MBTiles 或 PMTiles）/ not a tile package (expected MBTiles or PMTiles): {}", path.display())]
    NotATilePackage { path: PathBuf },
    #[error("SQLite 文件已损坏或无法读取 / corrupt or unreadable SQLite file: {}", path.display())]
    CorruptSqlite {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },
    #[error("MBTiles 缺少 tiles 表 / an MBTiles without a tiles table: {}", path.display())]
    NoTilesTable { path: PathBuf },
    #[error("PMTiles 文件已损坏 / corrupt PMTiles file: {} ({reason})", path.display())]
    CorruptPmtiles { path: PathBuf, reason: &'static str },
    #[error("不支持的 PMTiles 版本 {version}（仅支持 v3）/ unsupported PMTiles version {version} (v3 only): {}", path.display())]
    PmtilesVersion { path: PathBuf, version: u8 },
    #[error("不支持的压缩方式 {compression} / unsupported compression {compression}: {}", path.display())]
    Compression {
        path: PathBuf,
        compression: &'static str,
    },
    #[error("瓦片包是空的（没有瓦片）/ empty tile package (no tiles): {}", path.display())]
    Empty { path: PathBuf },
    #[error("未知的瓦片格式 {format:?} / unknown tile format {format:?}: {}", path.display())]
    UnknownFormat { path: PathBuf, format: String },
    #[error("没有这个底图 / no such base map: {id}")]
    UnknownPackage { id: String },
    #[error("不是瓦片地址 / not a tile address: {path:?}")]
    BadAddress { path: String },
    #[error("无法写入底图设置 / cannot write the base-map settings {}", path.display())]
    WriteRegistry {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("底图设置文件已损坏 / the base-map settings file is corrupt: {}", path.display())]
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
            Error::Read { .. } => "read",
            Error::NotATilePackage { .. } => "not_a_tile_package",
            Error::CorruptSqlite { .. } => "corrupt_sqlite",
            Error::NoTilesTable { .. } => "no_tiles_table",
            Error::CorruptPmtiles { .. } => "corrupt_pmtiles",
            Error::PmtilesVersion { .. } => "pmtiles_version",
            Error::Compression { .. } => "compression",
            Error::Empty { .. } => "empty",
            Error::UnknownFormat { .. } => "unknown_format",
            Error::UnknownPackage { .. } => "unknown_package",
            Error::BadAddress { .. } => "bad_address",
            Error::WriteRegistry { .. } => "write_registry",
            Error::CorruptRegistry { .. } => "corrupt_registry",
        }
    }
}
