//! The one error type of yitu-overlay: every refusal names the file (or id) and says, Chinese
//! first then English, what is wrong and, where it can tell, what to do about it.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("找不到文件 / file not found: {}", path.display())]
    NotFound { path: PathBuf },
    #[error("不是 GeoJSON 或 Shapefile（应为 .geojson、.json 或 .shp）/ not a GeoJSON or Shapefile (expected .geojson, .json or .shp): {}", path.display())]
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
            Error::UnknownOverlay { .. } => "unknown_overlay",
            Error::Read { .. } => "read",
            Error::Write { .. } => "write",
            Error::CorruptRegistry { .. } => "corrupt_registry",
        }
    }
}
