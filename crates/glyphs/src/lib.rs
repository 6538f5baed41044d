//! Map label glyphs for MapLibre, made on this machine: a range of 256 code points rendered
//! from installed fonts as signed distance fields and encoded as the glyph protobuf MapLibre
//! asks for at `{fontstack}/{range}.pbf`. No glyph server, no download.

mod error;
mod outline;
mod pbf;
mod sdf;

pub use error::Error;

use std::path::{Path, PathBuf};

/// Where Debian's fonts-dejavu-core puts DejaVu Sans: digits, Latin, Greek, Cyrillic, symbols.
pub const LATIN_FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
/// Where Debian's fonts-droid-fallback puts its TrueType CJK font: CJK punctuation, full-width
/// forms and, when the webview does not draw them itself, ideographs.
pub const CJK_FONT: &str = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf";

/// The size MapLibre expects server glyphs at: an em of 24 pixels.
pub const EM_PX: f32 = 24.0;
/// The blank border around each glyph bitmap, in pixels (MapLibre adds it back).
pub const BORDER: u32 = 3;
/// How far the distance field reaches, in pixels, and where the outline sits in it (0.75 of
/// 255): the values MapLibre's text shader assumes for every glyph, local or served.
const RADIUS: f32 = 8.0;
const CUTOFF: f32 = 0.25;
/// A glyph's `top` is counted from an origin this many pixels above the baseline. MapLibre
/// places the Chinese characters it draws itself with the same shift (27.5 in 6.17), so served
/// digits and local characters share a baseline within half a pixel.
const BASELINE_SHIFT: i32 = 27;

/// One glyph as MapLibre reads it: its distance field and where it sits on the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glyph {
    pub code_point: u32,
    /// `(width + 2·BORDER) × (height + 2·BORDER)` bytes; empty for a blank glyph (a space).
    pub bitmap: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub left: i32,
    pub top: i32,
    pub advance: u32,
}

/// The fonts glyphs are drawn from, first that has the character wins.
pub struct Fonts {
    faces: Vec<(PathBuf, Vec<u8>)>,
}

impl Fonts {
    /// Reads the font files in order of preference; files that are missing are skipped, but
    /// at least one must read.
    pub fn load(paths: &[&Path]) -> Result<Fonts, Error> {
        let mut faces = Vec::new();
        let mut missing = Vec::new();
        for path in paths {
            match std::fs::read(path) {
                Ok(data) => {
                    ttf_parser::Face::parse(&data, 0).map_err(|e| Error::Font {
                        path: path.to_path_buf(),
                        reason: e.to_string(),
                    })?;
                    faces.push((path.to_path_buf(), data));
                }
                Err(_) => missing.push(path.display().to_string()),
            }
        }
        if faces.is_empty() {
            return Err(Error::NoFont(missing.join(", ")));
        }
        Ok(Fonts { faces })
    }

    /// DejaVu Sans, then Droid Sans Fallback (both from Debian packages `scripts/setup.sh`
    /// installs).
    pub fn installed() -> Result<Fonts, Error> {
        Fonts::load(&[Path::new(LATIN_FONT), Path::new(CJK_FONT)])
    }

    /// The glyphs of code points `start ..= start + 255` that some font has (`start` must be a
    /// multiple of 256, as MapLibre asks).
    pub fn range(&self, start: u32) -> Result<Vec<Glyph>, Error> {
        if start % 256 != 0 || start > 0xFFFF {
            return Err(Error::Range(start));
        }
        let faces: Vec<ttf_parser::Face> = self
            .faces
            .iter()
            .filter_map(|(_, data)| ttf_parser::Face::parse(data, 0).ok())
            .collect();
        Ok((start..start + 256)
            .filter_map(|cp| {
                let ch = char::from_u32(cp)?;
                faces.iter().find_map(|face| {
                    let id = face.glyph_index(ch)?;
                    Some(render(face, id, cp))
                })
            })
            .collect())
    }

    /// The protobuf MapLibre reads for `{fontstack}/{start}-{start+255}.pbf`.
    pub fn range_pbf(&self, fontstack: &str, start: u32) -> Result<Vec<u8>, Error> {
        Ok(pbf::encode(fontstack, start, &self.range(start)?))
    }
}

/// Parses the file part of a glyph request, `"{start}-{end}.pbf"`, into its start.
pub fn parse_range(file: &str) -> Result<u32, Error> {
    let bad = || Error::Request(file.to_owned());
    let (start, end) = file
        .strip_suffix(".pbf")
        .and_then(|r| r.split_once('-'))
        .ok_or_else(bad)?;
    let start: u32 = start.parse().map_err(|_| bad())?;
    let end: u32 = end.parse().map_err(|_| bad())?;
    if start % 256 != 0 || end != start + 255 || start > 0xFFFF {
        return Err(bad());
    }
    Ok(start)
}

fn render(face: &ttf_parser::Face, id: ttf_parser::GlyphId, code_point: u32) -> Glyph {
    let scale = EM_PX / f32::from(face.units_per_em());
    let advance = (f32::from(face.glyph_hor_advance(id).unwrap_or(0)) * scale).round() as u32;
    let mut contours = outline::Flattened::new(scale);
    let Some(_) = face.outline_glyph(id, &mut contours) else {
        return Glyph {
            code_point,
            bitmap: Vec::new(),
            width: 0,
            height: 0,
            left: 0,
            top: 0,
            advance,
        };
    };
    let segments = contours.finish();
    let field = sdf::Field::of(&segments, BORDER, RADIUS, CUTOFF);
    Glyph {
        code_point,
        width: field.width,
        height: field.height,
        left: field.left,
        top: field.top - BASELINE_SHIFT,
        advance,
        bitmap: field.values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Fonts {
        Fonts::installed().expect("fonts-dejavu-core and fonts-droid-fallback are installed")
    }

    fn glyph(fonts: &Fonts, ch: char) -> Glyph {
        let cp = ch as u32;
        fonts
            .range(cp / 256 * 256)
            .unwrap()
            .into_iter()
            .find(|g| g.code_point == cp)
            .unwrap_or_else(|| panic!("{ch} is drawn"))
    }

    fn at(g: &Glyph, x: u32, y: u32) -> u8 {
        g.bitmap[(y * (g.width + 2 * BORDER) + x) as usize]
    }

    #[test]
    fn a_stem_is_inside_and_the_border_outside() {
        let fonts = fonts();
        let l = glyph(&fonts, 'l');
        assert_eq!(
            l.bitmap.len() as u32,
            (l.width + 2 * BORDER) * (l.height + 2 * BORDER)
        );
        // DejaVu's l is a bar about 3 px wide and 18 px tall at 24 px.
        assert!((2..=4).contains(&l.width), "width {}", l.width);
        assert!((16..=19).contains(&l.height), "height {}", l.height);
        let (cx, cy) = (BORDER + l.width / 2, BORDER + l.height / 2);
        assert!(at(&l, cx, cy) > 192, "centre {}", at(&l, cx, cy));
        assert!(at(&l, 0, 0) < 100, "corner {}", at(&l, 0, 0));
        // The field falls by 255/8 per pixel moving away from the outline.
        let right = (0..l.width + 2 * BORDER)
            .map(|x| at(&l, x, cy))
            .collect::<Vec<_>>();
        assert!(right
            .windows(2)
            .skip(BORDER as usize + l.width as usize)
            .all(|w| w[0] >= w[1]));
    }

    #[test]
    fn a_letter_with_a_hole_is_outside_in_the_hole() {
        let o = glyph(&fonts(), 'o');
        let (cx, cy) = (BORDER + o.width / 2, BORDER + o.height / 2);
        assert!(
            at(&o, cx, cy) < 150,
            "the middle of o is empty: {}",
            at(&o, cx, cy)
        );
        // Its ring, a quarter of the way across, is ink.
        let ring = (BORDER..BORDER + o.width / 3)
            .map(|x| at(&o, x, cy))
            .max()
            .unwrap();
        assert!(ring > 192, "the ring is ink: {ring}");
    }

    #[test]
    fn a_space_has_an_advance_and_no_bitmap() {
        let space = glyph(&fonts(), ' ');
        assert!(space.bitmap.is_empty());
        assert_eq!((space.width, space.height), (0, 0));
        assert!(
            (6..=9).contains(&space.advance),
            "advance {}",
            space.advance
        );
    }

    #[test]
    fn digits_share_an_advance_and_a_baseline() {
        let fonts = fonts();
        let digits: Vec<Glyph> = ('0'..='9').map(|c| glyph(&fonts, c)).collect();
        assert!(digits.iter().all(|d| d.advance == digits[0].advance));
        // Lining figures: their tops differ by a pixel at most.
        let tops: Vec<i32> = digits.iter().map(|d| d.top).collect();
        assert!(
            tops.iter().max().unwrap() - tops.iter().min().unwrap() <= 1,
            "{tops:?}"
        );
    }

    #[test]
    fn cjk_punctuation_comes_from_the_fallback_font() {
        let fonts = fonts();
        let comma = glyph(&fonts, '，');
        assert!(
            comma.advance >= 20,
            "a full-width comma is an em wide: {}",
            comma.advance
        );
        let name = glyph(&fonts, '镇');
        assert!(name.width > 15 && name.height > 15);
    }

    #[test]
    fn ranges_are_asked_for_as_maplibre_asks() {
        assert_eq!(parse_range("0-255.pbf").unwrap(), 0);
        assert_eq!(parse_range("65280-65535.pbf").unwrap(), 65280);
        for bad in [
            "0-256.pbf",
            "1-256.pbf",
            "0-255",
            "a-b.pbf",
            "65536-65791.pbf",
            "",
        ] {
            assert!(parse_range(bad).is_err(), "{bad}");
        }
        assert!(fonts().range(3).is_err());
    }

    #[test]
    fn a_missing_font_file_is_named() {
        let e = Fonts::load(&[Path::new("/nonexistent/font.ttf")])
            .err()
            .unwrap();
        assert!(e.to_string().contains("/nonexistent/font.ttf"), "{e}");
    }
}
