//! A tile's address in the window: the URL path `/{package-id}/{z}/{x}/{y}` served by the
//! `yitu-tiles` URI scheme, parsed strictly (ids are generated hex, never file names, so no path
//! can reach anything but a tile of a registered package).

use crate::{Error, PackageId};

/// The custom URI scheme the desktop registers for tiles.
pub const SCHEME: &str = "yitu-tiles";

/// One tile of one package, as asked for by the window (XYZ numbering, y down).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TileAddress {
    pub id: PackageId,
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

impl TileAddress {
    /// Parses `/{id}/{z}/{x}/{y}` exactly: a package id as [`PackageId`] makes them, a zoom up to
    /// 30, and x and y inside that zoom's grid, in plain decimal. Anything else (another shape,
    /// `..`, signs, an extension, a query) is refused.
    pub fn parse(path: &str) -> Result<TileAddress, Error> {
        let bad = || Error::BadAddress {
            path: path.chars().take(200).collect(),
        };
        let rest = path.strip_prefix('/').ok_or_else(bad)?;
        let parts: Vec<&str> = rest.split('/').collect();
        let [id, z, x, y] = parts.as_slice() else {
            return Err(bad());
        };
        let id = PackageId::parse(id).ok_or_else(bad)?;
        let number = |s: &str| -> Option<u32> {
            if s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        };
        let z = number(z).filter(|&z| z <= 30).ok_or_else(bad)? as u8;
        let side = 1u64 << z;
        let x = number(x).filter(|&x| u64::from(x) < side).ok_or_else(bad)?;
        let y = number(y).filter(|&y| u64::from(y) < side).ok_or_else(bad)?;
        Ok(TileAddress { id, z, x, y })
    }

    /// The path this address parses from.
    pub fn path(&self) -> String {
        format!("/{}/{}/{}/{}", self.id, self.z, self.x, self.y)
    }
}

/// The tile URL template for a MapLibre source of package `id`, with `{z}/{x}/{y}` left for
/// MapLibre to fill: `yitu-tiles://localhost/…` on Linux and macOS, and
/// `http://yitu-tiles.localhost/…` on Windows (how WebView2 is given custom schemes).
pub fn tile_url_template(id: &PackageId, windows: bool) -> String {
    if windows {
        format!("http://{SCHEME}.localhost/{id}/{{z}}/{{x}}/{{y}}")
    } else {
        format!("{SCHEME}://localhost/{id}/{{z}}/{{x}}/{{y}}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0123456789ab";

    #[test]
    fn a_tile_path_parses() {
        let a = TileAddress::parse(&format!("/{ID}/2/3/1")).unwrap();
        assert_eq!((a.id.as_str(), a.z, a.x, a.y), (ID, 2, 3, 1));
        assert_eq!(a.path(), format!("/{ID}/2/3/1"));
        assert_eq!(
            TileAddress::parse(&format!("/{ID}/30/1073741823/0"))
                .unwrap()
                .x,
            (1 << 30) - 1
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for path in [
            "",
            "/",
            &format!("{ID}/0/0/0"),
            &format!("/{ID}/0/0"),
            &format!("/{ID}/0/0/0/"),
            &format!("/{ID}/0/0/0.png"),
            &format!("/{ID}/0/0/0?x=1"),
            &format!("/{ID}/1/2/0"),
            &format!("/{ID}/31/0/0"),
            &format!("/{ID}/-1/0/0"),
            &format!("/{ID}/+1/0/0"),
            &format!("/{ID}//0/0"),
            "/../0/0/0",
            "/0123456789AB/0/0/0",
            "/0123456789a/0/0/0",
            "/..%2Fetc%2Fpasswd/0/0/0",
            "/tiles.mbtiles/0/0/0",
            &format!("/{ID}/99999999999/0/0"),
        ] {
            let e = TileAddress::parse(path).unwrap_err();
            assert_eq!(e.code(), "bad_address", "{path}");
        }
    }

    #[test]
    fn templates_for_both_platforms() {
        let id = PackageId::parse(ID).unwrap();
        assert_eq!(
            tile_url_template(&id, false),
            format!("yitu-tiles://localhost/{ID}/{{z}}/{{x}}/{{y}}")
        );
        assert_eq!(
            tile_url_template(&id, true),
            format!("http://yitu-tiles.localhost/{ID}/{{z}}/{{x}}/{{y}}")
        );
    }
}
