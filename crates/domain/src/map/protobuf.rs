//! The protocol buffer wire format, written by hand: varints, zigzag, and varint and
//! length-delimited fields. What MapLibre's two binary formats need (vector tiles here, glyph
//! ranges in `yitu-glyphs`), without a protobuf compiler.

/// A signed value as protobuf's zigzag ("sint32") carries it: small magnitudes stay short.
pub fn zigzag(v: i32) -> u32 {
    ((v << 1) ^ (v >> 31)) as u32
}

/// A signed 64-bit value in zigzag form ("sint64").
pub fn zigzag64(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// An unsigned value in base-128 varint form.
pub fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Field `field` holding a varint.
pub fn uint(out: &mut Vec<u8>, field: u32, v: u64) {
    varint(out, u64::from(field << 3));
    varint(out, v);
}

/// Field `field` holding bytes (a string, a message, a packed list).
pub fn bytes(out: &mut Vec<u8>, field: u32, data: &[u8]) {
    varint(out, u64::from(field << 3 | 2));
    varint(out, data.len() as u64);
    out.extend_from_slice(data);
}

/// Field `field` holding a packed list of varints.
pub fn packed(out: &mut Vec<u8>, field: u32, values: &[u32]) {
    let mut body = Vec::with_capacity(values.len() * 2);
    for v in values {
        varint(&mut body, u64::from(*v));
    }
    bytes(out, field, &body);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_as_the_wire_format_says() {
        let mut out = Vec::new();
        varint(&mut out, 300);
        assert_eq!(out, [0xac, 0x02]);
        assert_eq!([zigzag(0), zigzag(-1), zigzag(1), zigzag(-2)], [0, 1, 2, 3]);
        assert_eq!(zigzag64(-3), 5);
        let mut out = Vec::new();
        uint(&mut out, 1, 150);
        bytes(&mut out, 2, b"hi");
        packed(&mut out, 4, &[9, 300]);
        assert_eq!(
            out,
            [0x08, 0x96, 0x01, 0x12, 2, b'h', b'i', 0x22, 3, 9, 0xac, 0x02]
        );
        // A field number of 16 or more takes a two-byte key.
        let mut out = Vec::new();
        uint(&mut out, 16, 1);
        assert_eq!(out, [0x80, 0x01, 1]);
    }
}
