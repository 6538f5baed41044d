//! A small PDF writer: pages of text and vector lines, one embedded TrueType font addressed by
//! glyph id (Identity-H) with a ToUnicode map, so the text can be searched and extracted. Only
//! what the order sheet needs; streams are Flate-compressed.

use crate::Error;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

/// A4 portrait, in points.
pub const PAGE_W: f64 = 595.28;
pub const PAGE_H: f64 = 841.89;

/// The font, and which glyphs the pages used (for widths and the ToUnicode map).
pub struct Font<'a> {
    data: &'a [u8],
    face: ttf_parser::Face<'a>,
    used: BTreeMap<u16, char>,
}

impl<'a> Font<'a> {
    pub fn parse(data: &'a [u8]) -> Result<Self, Error> {
        let face = ttf_parser::Face::parse(data, 0).map_err(|e| Error::Font(e.to_string()))?;
        if face.tables().glyf.is_none() {
            return Err(Error::Font(
                "the font has no TrueType outlines (glyf); use a .ttf such as DroidSansFallbackFull.ttf".into(),
            ));
        }
        Ok(Self {
            data,
            face,
            used: BTreeMap::new(),
        })
    }

    fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map(|g| g.0).unwrap_or(0)
    }

    /// Advance of one character at `size` points.
    pub fn advance(&self, c: char, size: f64) -> f64 {
        let g = ttf_parser::GlyphId(self.glyph(c));
        let adv = self.face.glyph_hor_advance(g).unwrap_or(0) as f64;
        adv * size / self.face.units_per_em() as f64
    }

    pub fn width(&self, text: &str, size: f64) -> f64 {
        text.chars().map(|c| self.advance(c, size)).sum()
    }

    /// Whether the font can draw the character (else a substitute is shown).
    pub fn has(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some()
    }

    /// The text as 2-byte glyph ids in hex, remembering each glyph's character.
    fn encode(&mut self, text: &str) -> String {
        let mut hex = String::with_capacity(text.len() * 4);
        for c in text.chars() {
            let g = self.glyph(c);
            self.used.entry(g).or_insert(c);
            let _ = write!(hex, "{g:04X}");
        }
        hex
    }
}

/// The fonts of a document, tried in order for each character: a Latin font first (the CJK
/// fallback fonts Debian ships have no ASCII glyphs), then the CJK font.
pub struct Fonts<'a> {
    pub list: Vec<Font<'a>>,
}

impl<'a> Fonts<'a> {
    /// Which font draws `c`: the first that has it, else the last (its missing-glyph box).
    fn pick(&self, c: char) -> usize {
        self.list
            .iter()
            .position(|f| f.has(c))
            .unwrap_or(self.list.len() - 1)
    }

    pub fn advance(&self, c: char, size: f64) -> f64 {
        self.list[self.pick(c)].advance(c, size)
    }

    pub fn width(&self, text: &str, size: f64) -> f64 {
        text.chars().map(|c| self.advance(c, size)).sum()
    }

    pub fn has(&self, c: char) -> bool {
        self.list.iter().any(|f| f.has(c))
    }
}

/// One page's drawing operations.
#[derive(Default)]
pub struct Page {
    ops: String,
}

impl Page {
    /// Text with its baseline starting at (x, y), y measured from the bottom.
    /// Text with its baseline starting at (x, y), y measured from the bottom: one run per
    /// stretch of characters drawn by the same font.
    pub fn text(&mut self, fonts: &mut Fonts<'_>, x: f64, y: f64, size: f64, text: &str) {
        let mut x = x;
        let chars: Vec<char> = text.chars().collect();
        let mut start = 0;
        while start < chars.len() {
            let f = fonts.pick(chars[start]);
            let mut end = start + 1;
            while end < chars.len() && fonts.pick(chars[end]) == f {
                end += 1;
            }
            let run: String = chars[start..end].iter().collect();
            let hex = fonts.list[f].encode(&run);
            let _ = writeln!(
                self.ops,
                "BT /F{} {size:.1} Tf {x:.2} {y:.2} Td <{hex}> Tj ET",
                f + 1
            );
            x += fonts.list[f].width(&run, size);
            start = end;
        }
    }

    pub fn stroke_color(&mut self, r: f64, g: f64, b: f64) {
        let _ = writeln!(self.ops, "{r:.3} {g:.3} {b:.3} RG");
    }

    pub fn fill_color(&mut self, r: f64, g: f64, b: f64) {
        let _ = writeln!(self.ops, "{r:.3} {g:.3} {b:.3} rg");
    }

    pub fn line_width(&mut self, w: f64) {
        let _ = writeln!(self.ops, "{w:.2} w");
    }

    /// A polyline, closed when asked; stroked.
    pub fn polyline(&mut self, points: &[(f64, f64)], close: bool) {
        for (i, (x, y)) in points.iter().enumerate() {
            let _ = writeln!(self.ops, "{x:.2} {y:.2} {}", if i == 0 { "m" } else { "l" });
        }
        if !points.is_empty() {
            self.ops.push_str(if close { "s\n" } else { "S\n" });
        }
    }

    /// Saves the graphics state and clips what follows to a rectangle, until [`Page::restore`].
    pub fn save_clip(&mut self, x: f64, y: f64, w: f64, h: f64) {
        let _ = writeln!(self.ops, "q {x:.2} {y:.2} {w:.2} {h:.2} re W n");
    }

    pub fn restore(&mut self) {
        self.ops.push_str("Q\n");
    }

    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: bool) {
        let _ = writeln!(
            self.ops,
            "{x:.2} {y:.2} {w:.2} {h:.2} re {}",
            if fill { "f" } else { "S" }
        );
    }
}

fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
    // Writing to a Vec cannot fail.
    let _ = e.write_all(bytes);
    e.finish().unwrap_or_default()
}

struct Writer {
    out: Vec<u8>,
    offsets: Vec<usize>,
}

impl Writer {
    fn object(&mut self, id: usize, body: &str) {
        self.offsets[id] = self.out.len();
        let _ = write!(self.out, "{id} 0 obj\n{body}\nendobj\n");
    }

    fn stream(&mut self, id: usize, dict: &str, data: &[u8]) {
        let packed = deflate(data);
        self.offsets[id] = self.out.len();
        let _ = write!(
            self.out,
            "{id} 0 obj\n<< {dict} /Length {} /Filter /FlateDecode >>\nstream\n",
            packed.len()
        );
        self.out.extend_from_slice(&packed);
        self.out.extend_from_slice(b"\nendstream\nendobj\n");
    }
}

/// A PDF string in UTF-16BE hex, for the document's title.
fn text_string(s: &str) -> String {
    let mut hex = String::from("<FEFF");
    for u in s.encode_utf16() {
        let _ = write!(hex, "{u:04X}");
    }
    hex.push('>');
    hex
}

/// The whole file: catalogue, pages, each font with its widths and ToUnicode map.
pub fn write(fonts: &Fonts<'_>, pages: &[Page], title: &str) -> Vec<u8> {
    const CATALOG: usize = 1;
    const PAGES: usize = 2;
    const INFO: usize = 3;
    const PER_FONT: usize = 5;
    let first_font = 4;
    let first_page = first_font + PER_FONT * fonts.list.len();
    let count = first_page + pages.len() * 2;
    let mut w = Writer {
        out: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec(),
        offsets: vec![0; count],
    };
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", first_page + 2 * i))
        .collect();
    w.object(CATALOG, &format!("<< /Type /Catalog /Pages {PAGES} 0 R >>"));
    w.object(
        PAGES,
        &format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        ),
    );
    w.object(
        INFO,
        &format!("<< /Title {} /Producer (yitu) >>", text_string(title)),
    );
    let mut resources = String::new();
    for (i, font) in fonts.list.iter().enumerate() {
        let base = first_font + PER_FONT * i;
        let _ = write!(resources, "/F{} {base} 0 R ", i + 1);
        write_font(&mut w, font, base, &format!("YituF{}", i + 1));
    }
    for (i, page) in pages.iter().enumerate() {
        let id = first_page + 2 * i;
        w.object(
            id,
            &format!(
                "<< /Type /Page /Parent {PAGES} 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Resources << /Font << {resources}>> >> /Contents {} 0 R >>",
                id + 1
            ),
        );
        w.stream(id + 1, "", page.ops.as_bytes());
    }
    let xref = w.out.len();
    let _ = write!(w.out, "xref\n0 {count}\n0000000000 65535 f \n");
    for off in &w.offsets[1..] {
        let _ = writeln!(w.out, "{off:010} 00000 n ");
    }
    let _ = write!(
        w.out,
        "trailer\n<< /Size {count} /Root {CATALOG} 0 R /Info {INFO} 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    );
    w.out
}

/// A Type0 font over a CIDFontType2 (glyph ids as CIDs), its descriptor, the embedded file
/// (only the glyphs used) and the ToUnicode map: objects `base` to `base + 4`.
fn write_font(w: &mut Writer, font: &Font<'_>, base: usize, name: &str) {
    let (type0, cid, descriptor, file, to_unicode) = (base, base + 1, base + 2, base + 3, base + 4);
    let face = &font.face;
    let scale = 1000.0 / face.units_per_em() as f64;
    w.object(
        type0,
        &format!(
            "<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H /DescendantFonts [{cid} 0 R] /ToUnicode {to_unicode} 0 R >>"
        ),
    );
    let mut widths = String::new();
    for &g in font.used.keys() {
        let adv = face.glyph_hor_advance(ttf_parser::GlyphId(g)).unwrap_or(0) as f64 * scale;
        let _ = write!(widths, "{g} [{adv:.0}] ");
    }
    w.object(
        cid,
        &format!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor {descriptor} 0 R /DW 1000 /W [{widths}] /CIDToGIDMap /Identity >>"
        ),
    );
    let bbox = face.global_bounding_box();
    let s = |v: i16| (v as f64 * scale).round();
    w.object(
        descriptor,
        &format!(
            "<< /Type /FontDescriptor /FontName /{name} /Flags 4 /FontBBox [{} {} {} {}] /ItalicAngle 0 /Ascent {} /Descent {} /CapHeight {} /StemV 80 /FontFile2 {file} 0 R >>",
            s(bbox.x_min), s(bbox.y_min), s(bbox.x_max), s(bbox.y_max),
            s(face.ascender()), s(face.descender()), s(face.capital_height().unwrap_or(face.ascender())),
        ),
    );
    let data = font_data(font);
    w.stream(file, &format!("/Length1 {}", data.len()), &data);
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let used: Vec<(&u16, &char)> = font.used.iter().collect();
    for chunk in used.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (g, c) in chunk {
            let mut utf16 = String::new();
            for u in c.encode_utf16(&mut [0; 2]) {
                let _ = write!(utf16, "{u:04X}");
            }
            let _ = writeln!(cmap, "<{g:04X}> <{utf16}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    w.stream(to_unicode, "", cmap.as_bytes());
}

/// The embedded font file: the original, or a copy with only the glyphs used kept
/// (`subset::glyf`), which is what makes a 4 MB CJK font a small PDF.
fn font_data<'a>(font: &Font<'a>) -> std::borrow::Cow<'a, [u8]> {
    match crate::subset::keep(font.data, &font.face, font.used.keys().copied()) {
        Some(bytes) => std::borrow::Cow::Owned(bytes),
        None => std::borrow::Cow::Borrowed(font.data),
    }
}
