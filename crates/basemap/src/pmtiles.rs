//! PMTiles v3: a 127-byte header, a root directory, optional leaf directories, JSON metadata and
//! tile data in one file. Directories are varint-encoded runs of tile ids (a tile id numbers
//! every tile of every zoom along a Hilbert curve), optionally gzip'd. The root directory is read
//! once at open and kept; leaf directories are read when a tile needs them and a few are kept.
//!
//! Read by our own code from the spec (github.com/protomaps/PMTiles, spec/v3): see NOTES.md
//! for why not the `pmtiles` crate.

use crate::package::{Container, Metadata, TileFormat};
use crate::Error;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const HEADER_LEN: usize = 127;
/// The spec allows at most three levels below the root; deeper means a loop in a broken file.
const MAX_DEPTH: usize = 4;
/// Leaf directories kept in memory (each a few kB to a few hundred kB).
const LEAF_CACHE: usize = 64;

/// The tile id of z/x/y: the number of tiles at lower zooms, plus the position of (x, y) along
/// the Hilbert curve filling the zoom's 2^z × 2^z grid.
pub fn tile_id(z: u8, x: u32, y: u32) -> u64 {
    let n: u64 = 1 << z;
    let below = (n * n - 1) / 3; // 4^0 + 4^1 + … + 4^(z−1)
    let (mut x, mut y) = (u64::from(x), u64::from(y));
    let mut d = 0;
    let mut s = n / 2;
    while s > 0 {
        let rx = u64::from(x & s > 0);
        let ry = u64::from(y & s > 0);
        d += s * s * ((3 * rx) ^ ry);
        if ry == 0 {
            if rx == 1 {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    below + d
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    tile_id: u64,
    offset: u64,
    length: u64,
    /// 0: the entry points to a leaf directory, not to tile data.
    run_length: u64,
}

/// Leaf directories read so far, by (offset, length) in the leaf section.
type LeafCache = HashMap<(u64, u64), Arc<Vec<Entry>>>;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Compression {
    None,
    Gzip,
}

pub(crate) struct PmTiles {
    path: PathBuf,
    file: Arc<std::fs::File>,
    len: u64,
    internal: Compression,
    leaf_offset: u64,
    data_offset: u64,
    root: Vec<Entry>,
    leaves: Mutex<LeafCache>,
    metadata: Metadata,
}

impl PmTiles {
    pub(crate) async fn open(path: &Path) -> Result<PmTiles, Error> {
        let p = path.to_path_buf();
        tokio::task::spawn_blocking(move || PmTiles::open_blocking(p))
            .await
            .expect("opening a PMTiles file does not panic")
    }

    fn open_blocking(path: PathBuf) -> Result<PmTiles, Error> {
        let read_err = |source| Error::Read {
            path: path.clone(),
            source,
        };
        let file = std::fs::File::open(&path).map_err(read_err)?;
        let len = file.metadata().map_err(read_err)?.len();
        let corrupt = |reason| Error::CorruptPmtiles {
            path: path.clone(),
            reason,
        };
        if len < HEADER_LEN as u64 {
            return Err(corrupt("shorter than its header"));
        }
        let mut h = [0u8; HEADER_LEN];
        read_at(&file, 0, &mut h).map_err(read_err)?;
        if &h[..7] != b"PMTiles" {
            return Err(Error::NotATilePackage { path });
        }
        if h[7] != 3 {
            return Err(Error::PmtilesVersion {
                path,
                version: h[7],
            });
        }
        let u64_at = |i: usize| u64::from_le_bytes(h[i..i + 8].try_into().expect("8 bytes"));
        let i32_at = |i: usize| i32::from_le_bytes(h[i..i + 4].try_into().expect("4 bytes"));
        let (root_offset, root_len) = (u64_at(8), u64_at(16));
        let (meta_offset, meta_len) = (u64_at(24), u64_at(32));
        let leaf_offset = u64_at(40);
        let data_offset = u64_at(56);
        let compression = |code: u8| match code {
            1 => Ok(Compression::None),
            2 => Ok(Compression::Gzip),
            3 => Err(Error::Compression {
                path: path.clone(),
                compression: "brotli",
            }),
            4 => Err(Error::Compression {
                path: path.clone(),
                compression: "zstd",
            }),
            _ => Err(corrupt("unknown compression code")),
        };
        let internal = compression(h[97])?;
        let tiles = compression(h[98])?;
        let format = match h[99] {
            1 => TileFormat::Pbf,
            2 => TileFormat::Png,
            3 => TileFormat::Jpg,
            4 => TileFormat::Webp,
            5 => TileFormat::Avif,
            other => {
                return Err(Error::UnknownFormat {
                    path,
                    format: format!("PMTiles tile type {other}"),
                })
            }
        };
        let (min_zoom, max_zoom) = (h[100], h[101]);
        if min_zoom > max_zoom || max_zoom > 30 {
            return Err(corrupt("impossible zoom levels in the header"));
        }
        let e7 = |i: usize| f64::from(i32_at(i)) / 1e7;
        let bounds = [e7(102), e7(106), e7(110), e7(114)];
        let within =
            |offset: u64, length: u64| offset.checked_add(length).is_some_and(|e| e <= len);
        if !within(root_offset, root_len) || !within(meta_offset, meta_len) || root_len == 0 {
            return Err(corrupt("a section lies outside the file"));
        }

        let file = Arc::new(file);
        let mut reader = PmTiles {
            path: path.clone(),
            file,
            len,
            internal,
            leaf_offset,
            data_offset,
            root: Vec::new(),
            leaves: Mutex::new(HashMap::new()),
            metadata: Metadata {
                container: Container::Pmtiles,
                format,
                kind: format.kind(),
                min_zoom,
                max_zoom,
                bounds: (bounds != [0.0; 4]).then_some(bounds),
                name: None,
                attribution: None,
                vector_layers: None,
                gzip: tiles == Compression::Gzip,
            },
        };
        reader.root = reader.directory(root_offset, root_len)?;
        if reader.root.is_empty() {
            return Err(Error::Empty { path });
        }
        if meta_len > 0 {
            let json = reader.section(meta_offset, meta_len)?;
            let mut json: serde_json::Value =
                serde_json::from_slice(&json).map_err(|_| corrupt("metadata is not JSON"))?;
            let text = |j: &serde_json::Value, k: &str| {
                j.get(k)
                    .and_then(serde_json::Value::as_str)
                    .filter(|s| !s.trim().is_empty())
                    .map(str::to_owned)
            };
            reader.metadata.name = text(&json, "name");
            reader.metadata.attribution = text(&json, "attribution");
            reader.metadata.vector_layers =
                json.get_mut("vector_layers").map(serde_json::Value::take);
        }
        // At least one tile must be reachable: follow the first entries down to tile data.
        let mut entries = reader.root.clone();
        for _ in 0..=MAX_DEPTH {
            let Some(first) = entries.first().copied() else {
                return Err(Error::Empty { path });
            };
            if first.run_length > 0 {
                if !within(data_offset.saturating_add(first.offset), first.length) {
                    return Err(corrupt("a tile lies outside the file"));
                }
                return Ok(reader);
            }
            entries = reader.directory(leaf_offset.saturating_add(first.offset), first.length)?;
        }
        Err(corrupt("leaf directories nest too deep"))
    }

    pub(crate) fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    pub(crate) async fn tile(
        self: &Arc<Self>,
        z: u8,
        x: u32,
        y: u32,
    ) -> Result<Option<Vec<u8>>, Error> {
        let me = Arc::clone(self);
        tokio::task::spawn_blocking(move || me.tile_blocking(tile_id(z, x, y)))
            .await
            .expect("reading a tile does not panic")
    }

    fn tile_blocking(&self, id: u64) -> Result<Option<Vec<u8>>, Error> {
        let mut dir: Option<Arc<Vec<Entry>>> = None;
        for _ in 0..=MAX_DEPTH {
            let entries: &[Entry] = dir.as_deref().map_or(&self.root, |d| d.as_slice());
            let Some(e) = find(entries, id) else {
                return Ok(None);
            };
            if e.run_length > 0 {
                return self
                    .section_raw(self.data_offset.saturating_add(e.offset), e.length)
                    .map(Some);
            }
            dir = Some(self.leaf(e.offset, e.length)?);
        }
        Err(self.corrupt("leaf directories nest too deep"))
    }

    fn leaf(&self, offset: u64, length: u64) -> Result<Arc<Vec<Entry>>, Error> {
        let key = (offset, length);
        if let Some(d) = self.leaves.lock().expect("leaf cache lock").get(&key) {
            return Ok(Arc::clone(d));
        }
        let d = Arc::new(self.directory(self.leaf_offset.saturating_add(offset), length)?);
        let mut cache = self.leaves.lock().expect("leaf cache lock");
        if cache.len() >= LEAF_CACHE {
            cache.clear();
        }
        cache.insert(key, Arc::clone(&d));
        Ok(d)
    }

    fn corrupt(&self, reason: &'static str) -> Error {
        Error::CorruptPmtiles {
            path: self.path.clone(),
            reason,
        }
    }

    fn section_raw(&self, offset: u64, length: u64) -> Result<Vec<u8>, Error> {
        if offset.checked_add(length).is_none_or(|e| e > self.len) || length > 64 << 20 {
            return Err(self.corrupt("a section lies outside the file"));
        }
        let mut buf = vec![0u8; length as usize];
        read_at(&self.file, offset, &mut buf).map_err(|source| Error::Read {
            path: self.path.clone(),
            source,
        })?;
        Ok(buf)
    }

    /// A directory or metadata section, decompressed.
    fn section(&self, offset: u64, length: u64) -> Result<Vec<u8>, Error> {
        let raw = self.section_raw(offset, length)?;
        match self.internal {
            Compression::None => Ok(raw),
            Compression::Gzip => {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(raw.as_slice())
                    .read_to_end(&mut out)
                    .map_err(|_| self.corrupt("a directory does not decompress"))?;
                Ok(out)
            }
        }
    }

    fn directory(&self, offset: u64, length: u64) -> Result<Vec<Entry>, Error> {
        let bytes = self.section(offset, length)?;
        decode_directory(&bytes).ok_or_else(|| self.corrupt("a directory is malformed"))
    }
}

/// The entry holding `id`: the last one starting at or before it, if its run (or, for a leaf
/// pointer, its leaf) can hold it.
fn find(entries: &[Entry], id: u64) -> Option<Entry> {
    let i = entries
        .partition_point(|e| e.tile_id <= id)
        .checked_sub(1)?;
    let e = entries[i];
    (e.run_length == 0 || id < e.tile_id + e.run_length).then_some(e)
}

fn decode_directory(bytes: &[u8]) -> Option<Vec<Entry>> {
    let mut pos = 0;
    let mut next = || varint(bytes, &mut pos);
    let n = usize::try_from(next()?).ok()?;
    if n > bytes.len() {
        return None; // every entry takes at least one byte per column
    }
    let mut entries = vec![
        Entry {
            tile_id: 0,
            offset: 0,
            length: 0,
            run_length: 0
        };
        n
    ];
    let mut id = 0u64;
    for e in entries.iter_mut() {
        id = id.checked_add(next()?)?;
        e.tile_id = id;
    }
    for e in entries.iter_mut() {
        e.run_length = next()?;
    }
    for e in entries.iter_mut() {
        e.length = next()?;
    }
    for i in 0..n {
        let v = next()?;
        entries[i].offset = if v == 0 && i > 0 {
            entries[i - 1].offset.checked_add(entries[i - 1].length)?
        } else {
            v.checked_sub(1)?
        };
    }
    Some(entries)
}

fn varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &std::fs::File, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    let mut done = 0;
    while done < buf.len() {
        match file.seek_read(&mut buf[done..], offset + done as u64) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => done += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_ids_follow_the_spec() {
        // Values from the PMTiles v3 specification's examples.
        assert_eq!(tile_id(0, 0, 0), 0);
        assert_eq!(tile_id(1, 0, 0), 1);
        assert_eq!(tile_id(1, 0, 1), 2);
        assert_eq!(tile_id(1, 1, 1), 3);
        assert_eq!(tile_id(1, 1, 0), 4);
        assert_eq!(tile_id(2, 0, 0), 5);
        assert_eq!(tile_id(12, 3423, 1763), 19_078_479);
    }

    #[test]
    fn a_directory_decodes_with_implied_offsets() {
        // 2 entries: ids 5, 7; runs 1, 2; lengths 10, 20; offsets 0 (stored 1), then implied.
        let bytes = [2, 5, 2, 1, 2, 10, 20, 1, 0];
        let d = decode_directory(&bytes).unwrap();
        assert_eq!((d[1].tile_id, d[1].run_length, d[1].offset), (7, 2, 10));
        assert_eq!(find(&d, 8).unwrap().tile_id, 7);
        assert!(find(&d, 6).is_none() && find(&d, 9).is_none() && find(&d, 4).is_none());
        assert!(decode_directory(&[5, 1]).is_none());
    }
}
