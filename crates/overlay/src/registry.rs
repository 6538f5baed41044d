//! The user's overlays, kept in the data folder: each accepted file converted to WGS-84 as
//! `overlays/{id}.geojson`, and `overlays.json` listing them (name, source path, coordinate
//! system, feature count, box, colour, shown or not). A file is read and checked before anything
//! is written, so a refused one changes nothing; `overlays.json` is replaced atomically.

use crate::{load, Converted, Crs, Error};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The registry's file name in the data folder.
pub const REGISTRY_FILE: &str = "overlays.json";
/// The folder, in the data folder, of the converted files.
pub const FOLDER: &str = "overlays";

/// The colours overlays are drawn in, one each, in the order they are handed out: strong hues
/// unlike the resource discs, the outline's greys and the rivers' blue.
pub const PALETTE: [&str; 8] = [
    "#d81b60", "#8e24aa", "#00897b", "#f4511e", "#3949ab", "#7cb342", "#00acc1", "#c0ca33",
];

/// An overlay's id: 12 lowercase hex digits of the SHA-256 of its source's absolute path, made
/// as a base map package's is. The same file added again replaces its overlay; the id is safe in
/// a file name and a layer id.
pub use yitu_basemap::PackageId as OverlayId;

/// One overlay the user added.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: OverlayId,
    pub name: String,
    /// The file as the user gave it (absolute).
    pub source: PathBuf,
    /// The coordinate system the source is in; the kept file is WGS-84.
    pub crs: Crs,
    pub features: usize,
    /// Rows of the source with nothing to draw (no geometry).
    pub skipped: usize,
    /// West, south, east, north in WGS-84 degrees.
    pub bbox: [f64; 4],
    pub colour: String,
    pub shown: bool,
}

impl Entry {
    /// The converted file, relative to the data folder.
    fn file(&self) -> PathBuf {
        Path::new(FOLDER).join(format!("{}.geojson", self.id))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Saved {
    version: u32,
    overlays: Vec<Entry>,
}

/// `overlays.json`, loaded.
#[derive(Debug, Clone)]
pub struct Registry {
    data_dir: PathBuf,
    saved: Saved,
}

impl Registry {
    /// Reads `overlays.json` from the data folder; none yet is an empty registry.
    pub fn load(data_dir: &Path) -> Result<Registry, Error> {
        let file = data_dir.join(REGISTRY_FILE);
        let saved = match std::fs::read(&file) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map_err(|source| Error::CorruptRegistry {
                    path: file.clone(),
                    source,
                })?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Saved::default(),
            Err(source) => return Err(Error::Read { path: file, source }),
        };
        Ok(Registry {
            data_dir: data_dir.to_owned(),
            saved,
        })
    }

    pub fn entries(&self) -> &[Entry] {
        &self.saved.overlays
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.saved.overlays.iter().find(|e| e.id.as_str() == id)
    }

    /// Reads `path`, converts it from `crs` and checks it, then keeps it, shown, under `name`
    /// (else the file's name). Adding a file already added replaces its overlay (same id and
    /// colour). A refused file writes nothing.
    pub fn add(&mut self, path: &Path, crs: Crs, name: Option<&str>) -> Result<Entry, Error> {
        let converted = load(path, crs)?;
        let source = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        self.keep(&source, crs, name, &converted)
    }

    fn keep(
        &mut self,
        source: &Path,
        crs: Crs,
        name: Option<&str>,
        converted: &Converted,
    ) -> Result<Entry, Error> {
        let id = OverlayId::of_path(source);
        let previous = self.get(id.as_str()).cloned();
        let name = name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .or_else(|| source.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_else(|| id.to_string());
        let colour = match &previous {
            Some(p) => p.colour.clone(),
            None => self.next_colour(),
        };
        let entry = Entry {
            id,
            name,
            source: source.to_owned(),
            crs,
            features: converted.features.len(),
            skipped: converted.skipped,
            bbox: converted.bbox,
            colour,
            shown: true,
        };
        let text = serde_json::to_vec(&converted.collection()).expect("GeoJSON serializes");
        let file = self.data_dir.join(entry.file());
        write_atomically(&file, &text)?;
        let mut next = self.saved.clone();
        match next.overlays.iter_mut().find(|e| e.id == entry.id) {
            Some(old) => *old = entry.clone(),
            None => next.overlays.push(entry.clone()),
        }
        if let Err(e) = self.save(next) {
            if previous.is_none() {
                let _ = std::fs::remove_file(&file);
            }
            return Err(e);
        }
        Ok(entry)
    }

    /// The first colour of the palette no overlay has, else the next in turn.
    fn next_colour(&self) -> String {
        PALETTE
            .iter()
            .find(|c| !self.saved.overlays.iter().any(|e| e.colour == **c))
            .unwrap_or(&PALETTE[self.saved.overlays.len() % PALETTE.len()])
            .to_string()
    }

    /// Forgets an overlay and deletes its converted file (the source is left alone).
    pub fn remove(&mut self, id: &str) -> Result<Entry, Error> {
        let entry = self.known(id)?.clone();
        let mut next = self.saved.clone();
        next.overlays.retain(|e| e.id != entry.id);
        self.save(next)?;
        let _ = std::fs::remove_file(self.data_dir.join(entry.file()));
        Ok(entry)
    }

    /// Shows or hides an overlay on the map.
    pub fn set_shown(&mut self, id: &str, shown: bool) -> Result<Entry, Error> {
        let id = self.known(id)?.id.clone();
        let mut next = self.saved.clone();
        for e in next.overlays.iter_mut().filter(|e| e.id == id) {
            e.shown = shown;
        }
        self.save(next)?;
        Ok(self.get(id.as_str()).expect("just checked").clone())
    }

    /// The converted overlay: GeoJSON text in WGS-84.
    pub fn geojson(&self, id: &str) -> Result<String, Error> {
        let path = self.data_dir.join(self.known(id)?.file());
        std::fs::read_to_string(&path).map_err(|source| Error::Read { path, source })
    }

    fn known(&self, id: &str) -> Result<&Entry, Error> {
        self.get(id).ok_or_else(|| Error::UnknownOverlay {
            id: id.chars().take(100).collect(),
        })
    }

    /// Writes `next` as `overlays.json` (atomically), then keeps it; on failure the file and
    /// `self` are as they were.
    fn save(&mut self, mut next: Saved) -> Result<(), Error> {
        next.version = 1;
        let mut bytes = serde_json::to_vec_pretty(&next).expect("the registry serializes");
        bytes.push(b'\n');
        write_atomically(&self.data_dir.join(REGISTRY_FILE), &bytes)?;
        self.saved = next;
        Ok(())
    }
}

/// Writes `bytes` to a temporary file beside `path` and renames it over `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let fail = |source| Error::Write {
        path: path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}
