//! The user's base maps, kept in `basemap.json` in the data folder: the packages added (absolute
//! path, container, metadata as read when added) and which one is the active base map. A package
//! is opened and checked before anything is written, so a bad file changes nothing; the file is
//! replaced atomically (a temporary file renamed over it).

use crate::package::{Container, Metadata, Package};
use crate::Error;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The registry's file name in the data folder.
pub const REGISTRY_FILE: &str = "basemap.json";

/// A package's id: 12 lowercase hex digits of the SHA-256 of its absolute path. Made here, never
/// taken from a file name, so it is safe in a URL; the same file added twice gets the same id.
/// The user's overlays (yitu-overlay) are named the same way.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PackageId(String);

impl PackageId {
    const LEN: usize = 12;

    pub fn of_path(path: &Path) -> PackageId {
        let digest = Sha256::digest(path.as_os_str().as_encoded_bytes());
        PackageId(
            digest[..Self::LEN / 2]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        )
    }

    /// An id as made here, or `None`.
    pub fn parse(s: &str) -> Option<PackageId> {
        (s.len() == Self::LEN && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| PackageId(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for PackageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PackageId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        PackageId::parse(&s).ok_or_else(|| format!("not a file id (12 hex digits): {s:?}"))
    }
}

impl From<PackageId> for String {
    fn from(id: PackageId) -> String {
        id.0
    }
}

/// One package the user added.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: PackageId,
    pub path: PathBuf,
    pub container: Container,
    pub metadata: Metadata,
}

impl Entry {
    /// Opens the package again (e.g. when the window starts), checking it is still there and
    /// still a tile package.
    pub async fn open(&self) -> Result<Package, Error> {
        Package::open(&self.path).await
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Saved {
    version: u32,
    active: Option<PackageId>,
    packages: Vec<Entry>,
}

/// `basemap.json`, loaded.
#[derive(Debug, Clone)]
pub struct Registry {
    file: PathBuf,
    saved: Saved,
}

impl Registry {
    /// Reads `basemap.json` from the data folder; none yet is an empty registry.
    pub fn load(data_dir: &Path) -> Result<Registry, Error> {
        let file = data_dir.join(REGISTRY_FILE);
        let saved = match std::fs::read(&file) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map_err(|source| Error::CorruptRegistry {
                    path: file.clone(),
                    source,
                })?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Saved {
                version: 1,
                ..Saved::default()
            },
            Err(source) => return Err(Error::Read { path: file, source }),
        };
        Ok(Registry { file, saved })
    }

    pub fn entries(&self) -> &[Entry] {
        &self.saved.packages
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.saved.packages.iter().find(|e| e.id.as_str() == id)
    }

    /// The active base map, if the user chose one (else the shipped vector layers alone).
    pub fn active(&self) -> Option<&Entry> {
        self.saved
            .active
            .as_ref()
            .and_then(|id| self.get(id.as_str()))
    }

    /// Opens and checks the package, then records it and makes it the active base map. Adding a
    /// file already added refreshes its metadata. A bad file is refused and nothing is written.
    pub async fn add(&mut self, path: &Path) -> Result<Entry, Error> {
        let package = Package::open(path).await?;
        package.close().await;
        self.add_package(&package)
    }

    /// As [`Registry::add`], for a package already open (the desktop opens it once, records it
    /// and keeps it to serve its tiles).
    pub fn add_package(&mut self, package: &Package) -> Result<Entry, Error> {
        let entry = Entry {
            id: PackageId::of_path(package.path()),
            path: package.path().to_path_buf(),
            container: package.metadata().container,
            metadata: package.metadata().clone(),
        };
        let mut next = self.saved.clone();
        match next.packages.iter_mut().find(|e| e.id == entry.id) {
            Some(old) => *old = entry.clone(),
            None => next.packages.push(entry.clone()),
        }
        next.active = Some(entry.id.clone());
        self.save(next)?;
        Ok(entry)
    }

    /// Forgets a package (the file itself is left alone). Removing the active one leaves no
    /// active base map.
    pub fn remove(&mut self, id: &str) -> Result<Entry, Error> {
        let entry = self.known(id)?.clone();
        let mut next = self.saved.clone();
        next.packages.retain(|e| e.id != entry.id);
        if next.active.as_ref() == Some(&entry.id) {
            next.active = None;
        }
        self.save(next)?;
        Ok(entry)
    }

    /// Makes a package the active base map.
    pub fn set_active(&mut self, id: &str) -> Result<&Entry, Error> {
        let id = self.known(id)?.id.clone();
        let mut next = self.saved.clone();
        next.active = Some(id.clone());
        self.save(next)?;
        Ok(self.get(id.as_str()).expect("just checked"))
    }

    /// No active base map: the window shows the shipped vector layers alone.
    pub fn clear_active(&mut self) -> Result<(), Error> {
        let mut next = self.saved.clone();
        next.active = None;
        self.save(next)
    }

    fn known(&self, id: &str) -> Result<&Entry, Error> {
        self.get(id).ok_or_else(|| Error::UnknownPackage {
            id: id.chars().take(100).collect(),
        })
    }

    /// Writes `next` to a temporary file beside `basemap.json` and renames it over, then keeps
    /// it; on any failure the file and `self` are as they were.
    fn save(&mut self, mut next: Saved) -> Result<(), Error> {
        next.version = 1;
        let fail = |source| Error::WriteRegistry {
            path: self.file.clone(),
            source,
        };
        let dir = self.file.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(fail)?;
        let tmp = self.file.with_extension("json.tmp");
        let bytes = serde_json::to_vec_pretty(&next).expect("the registry serializes");
        let written = std::fs::File::create(&tmp).and_then(|mut f| {
            f.write_all(&bytes)?;
            f.write_all(b"\n")?;
            f.sync_all()
        });
        if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, &self.file)) {
            let _ = std::fs::remove_file(&tmp);
            return Err(fail(e));
        }
        self.saved = next;
        Ok(())
    }
}
