//! The glyph protobuf MapLibre reads (`glyphs { stacks: fontstack { name, range, glyphs } }`),
//! written by hand: seven fields do not need a protobuf compiler.

use crate::Glyph;
use yitu_domain::map::protobuf::{bytes, uint, zigzag};

/// One range of one font stack, as the bytes of a `.pbf` response.
pub fn encode(fontstack: &str, start: u32, glyphs: &[Glyph]) -> Vec<u8> {
    let mut stack = Vec::new();
    bytes(&mut stack, 1, fontstack.as_bytes());
    bytes(
        &mut stack,
        2,
        format!("{}-{}", start, start + 255).as_bytes(),
    );
    for g in glyphs {
        let mut m = Vec::with_capacity(g.bitmap.len() + 24);
        uint(&mut m, 1, u64::from(g.code_point));
        if !g.bitmap.is_empty() {
            bytes(&mut m, 2, &g.bitmap);
        }
        uint(&mut m, 3, u64::from(g.width));
        uint(&mut m, 4, u64::from(g.height));
        uint(&mut m, 5, u64::from(zigzag(g.left)));
        uint(&mut m, 6, u64::from(zigzag(g.top)));
        uint(&mut m, 7, u64::from(g.advance));
        bytes(&mut stack, 3, &m);
    }
    let mut out = Vec::with_capacity(stack.len() + 8);
    bytes(&mut out, 1, &stack);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_glyph_is_written_field_by_field() {
        let g = Glyph {
            code_point: 65,
            bitmap: vec![7; 2],
            width: 1,
            height: 2,
            left: -1,
            top: -9,
            advance: 300,
        };
        let out = encode("S", 0, &[g]);
        // glyph: id 65, bitmap [7,7], width 1, height 2, left zigzag(-1)=1, top zigzag(-9)=17,
        // advance 300 = varint ac 02.
        let glyph = [
            0x08, 65, 0x12, 2, 7, 7, 0x18, 1, 0x20, 2, 0x28, 1, 0x30, 17, 0x38, 0xac, 0x02,
        ];
        let mut stack = vec![0x0a, 1, b'S', 0x12, 5];
        stack.extend_from_slice(b"0-255");
        stack.push(0x1a);
        stack.push(glyph.len() as u8);
        stack.extend_from_slice(&glyph);
        let mut want = vec![0x0a, stack.len() as u8];
        want.extend(stack);
        assert_eq!(out, want);
    }
}
