//! This device's Ed25519 signing key. It lives in `device.key` beside the database (hex, mode
//! 0600), not in the database: the database is what gets copied, backed up, synced and
//! inspected, and whoever can rewrite it must not also find the key that re-signs it. The key
//! is made once per data folder from the operating system's random source.

use crate::{Error, Store};
use ed25519_dalek::SigningKey;
use std::io::Write;
use std::path::{Path, PathBuf};
use yitu_domain::command::canonical::{hex, unhex};

/// The key file's name inside the data folder.
pub const KEY_FILE: &str = "device.key";

impl Store {
    /// The key file of this store.
    pub fn key_path(&self) -> PathBuf {
        self.path
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(KEY_FILE)
    }

    /// This device's key, made on first use. Its public half is recorded in `device` by the
    /// write that first signs with it, so a refused act leaves the database as it was.
    pub fn device_key(&self) -> Result<SigningKey, Error> {
        let path = self.key_path();
        let key = match std::fs::read_to_string(&path) {
            Ok(text) => parse(&text).ok_or_else(|| Error::DeviceKey {
                path: path.clone(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "expected 64 hexadecimal digits",
                ),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(&path)?,
            Err(source) => return Err(Error::DeviceKey { path, source }),
        };
        Ok(key)
    }

    /// This device's public key (hex), if it has one yet.
    pub fn device_public_key(&self) -> Option<String> {
        let text = std::fs::read_to_string(self.key_path()).ok()?;
        parse(&text).map(|k| hex(k.verifying_key().as_bytes()))
    }
}

fn parse(text: &str) -> Option<SigningKey> {
    let bytes: [u8; 32] = unhex(text.trim())?.try_into().ok()?;
    Some(SigningKey::from_bytes(&bytes))
}

fn create(path: &Path) -> Result<SigningKey, Error> {
    let err = |source| Error::DeviceKey {
        path: path.to_owned(),
        source,
    };
    let mut secret = [0u8; 32];
    getrandom::getrandom(&mut secret).map_err(|e| err(std::io::Error::other(e.to_string())))?;
    // Written whole to a private temporary file, then linked into place: two processes making
    // a key at once cannot both win, and neither can read a half-written key.
    let tmp = path.with_extension(format!("key.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(&tmp).and_then(|mut f| {
        f.write_all(hex(&secret).as_bytes())?;
        f.sync_all()
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(err(e));
    }
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(SigningKey::from_bytes(&secret)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(path).map_err(err)?;
            parse(&text).ok_or_else(|| {
                err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "expected 64 hexadecimal digits",
                ))
            })
        }
        Err(e) => Err(err(e)),
    }
}
