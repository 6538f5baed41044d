//! Keeps only the glyphs a document uses in a TrueType font: every other glyph's outline is
//! emptied, glyph ids and all other tables stay as they are (so the PDF's glyph ids, widths and
//! ToUnicode map need no renumbering). A 4 MB CJK font becomes a few hundred kilobytes.

use std::collections::BTreeSet;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The table records: (tag, offset, length).
fn tables(data: &[u8]) -> Option<Vec<([u8; 4], usize, usize)>> {
    let n = u16_at(data, 4)? as usize;
    (0..n)
        .map(|i| {
            let rec = 12 + 16 * i;
            let tag: [u8; 4] = data.get(rec..rec + 4)?.try_into().ok()?;
            Some((
                tag,
                u32_at(data, rec + 8)? as usize,
                u32_at(data, rec + 12)? as usize,
            ))
        })
        .collect()
}

/// The font with only `used` glyphs (and glyph 0, and the parts of composite glyphs) drawn, or
/// `None` when the font is not a plain TrueType font this can read (it is then embedded whole).
pub fn keep(
    data: &[u8],
    face: &ttf_parser::Face<'_>,
    used: impl IntoIterator<Item = u16>,
) -> Option<Vec<u8>> {
    let tables = tables(data)?;
    let find = |t: &[u8; 4]| {
        tables
            .iter()
            .find(|(tag, ..)| tag == t)
            .map(|&(_, o, l)| (o, l))
    };
    let (head_o, head_l) = find(b"head")?;
    let (loca_o, loca_l) = find(b"loca")?;
    let (glyf_o, glyf_l) = find(b"glyf")?;
    let head = data.get(head_o..head_o + head_l)?;
    let loca = data.get(loca_o..loca_o + loca_l)?;
    let glyf = data.get(glyf_o..glyf_o + glyf_l)?;
    let long = u16_at(head, 50)? == 1;
    let n = face.number_of_glyphs() as usize;
    let offset = |g: usize| -> Option<usize> {
        if long {
            u32_at(loca, 4 * g).map(|v| v as usize)
        } else {
            u16_at(loca, 2 * g).map(|v| v as usize * 2)
        }
    };
    // Glyphs to keep, with the components of composite glyphs, found by a worklist.
    let mut keep: BTreeSet<u16> = BTreeSet::new();
    let mut todo: Vec<u16> = used.into_iter().chain([0]).collect();
    while let Some(g) = todo.pop() {
        if (g as usize) >= n || !keep.insert(g) {
            continue;
        }
        let (start, end) = (offset(g as usize)?, offset(g as usize + 1)?);
        let bytes = glyf.get(start..end)?;
        if bytes.len() >= 10 && (u16_at(bytes, 0)? as i16) < 0 {
            let mut at = 10;
            loop {
                let flags = u16_at(bytes, at)?;
                todo.push(u16_at(bytes, at + 2)?);
                at += 4 + if flags & 0x0001 != 0 { 4 } else { 2 };
                at += if flags & 0x0008 != 0 {
                    2
                } else if flags & 0x0040 != 0 {
                    4
                } else if flags & 0x0080 != 0 {
                    8
                } else {
                    0
                };
                if flags & 0x0020 == 0 {
                    break;
                }
            }
        }
    }
    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity(4 * (n + 1));
    for g in 0..n {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        if keep.contains(&(g as u16)) {
            new_glyf.extend_from_slice(glyf.get(offset(g)?..offset(g + 1)?)?);
            while new_glyf.len() % 4 != 0 {
                new_glyf.push(0);
            }
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
    let mut new_head = head.to_vec();
    new_head[8..12].copy_from_slice(&[0; 4]); // checkSumAdjustment: not recomputed
    new_head[50..52].copy_from_slice(&1u16.to_be_bytes()); // long loca offsets
                                                           // Reassemble: the same directory, each table at a 4-byte boundary, checksums recomputed.
    let count = tables.len();
    let mut out = data.get(..12)?.to_vec();
    out.resize(12 + 16 * count, 0);
    for (i, (tag, o, l)) in tables.iter().enumerate() {
        let body: &[u8] = match tag {
            b"glyf" => &new_glyf,
            b"loca" => &new_loca,
            b"head" => &new_head,
            _ => data.get(*o..*o + *l)?,
        };
        let at = out.len();
        out.extend_from_slice(body);
        while out.len() % 4 != 0 {
            out.push(0);
        }
        let sum = out[at..]
            .chunks(4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
            .fold(0u32, u32::wrapping_add);
        let rec = 12 + 16 * i;
        out[rec..rec + 4].copy_from_slice(tag);
        out[rec + 4..rec + 8].copy_from_slice(&sum.to_be_bytes());
        out[rec + 8..rec + 12].copy_from_slice(&(at as u32).to_be_bytes());
        out[rec + 12..rec + 16].copy_from_slice(&(body.len() as u32).to_be_bytes());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    /// DejaVu Sans from Debian's fonts-dejavu-core (installed by scripts/setup.sh).
    const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    #[test]
    fn kept_glyphs_keep_their_outlines_and_ids_and_the_rest_are_emptied() {
        let data = std::fs::read(FONT).expect("fonts-dejavu-core is installed");
        let face = ttf_parser::Face::parse(&data, 0).unwrap();
        let a = face.glyph_index('A').unwrap();
        let b = face.glyph_index('B').unwrap();
        // 'Ä' is a composite in DejaVu: its parts must come along.
        let umlaut = face.glyph_index('Ä').unwrap();
        let small = super::keep(&data, &face, [a.0, umlaut.0]).unwrap();
        assert!(
            small.len() < data.len() / 2,
            "{} of {}",
            small.len(),
            data.len()
        );
        let sub = ttf_parser::Face::parse(&small, 0).unwrap();
        assert_eq!(sub.glyph_index('A'), Some(a), "ids unchanged");
        let bbox = |f: &ttf_parser::Face<'_>, g| f.glyph_bounding_box(g);
        assert_eq!(bbox(&sub, a), bbox(&face, a));
        assert_eq!(bbox(&sub, umlaut), bbox(&face, umlaut));
        assert!(
            bbox(&face, b).is_some() && bbox(&sub, b).is_none(),
            "B emptied"
        );
    }
}
