//! What can go wrong making glyphs: no font to draw from, or a request that names no range.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("没有可用的字体 / no font could be read: {0}")]
    NoFont(String),
    #[error("字体无法读取 / the font {path} cannot be read: {reason}")]
    Font { path: PathBuf, reason: String },
    #[error("字形范围须从 256 的倍数开始 / a glyph range starts at a multiple of 256, not {0}")]
    Range(u32),
    #[error("不是字形请求 / not a glyph range request: {0:?} (expected like 0-255.pbf)")]
    Request(String),
}
