//! Packed BCD as SL 651's HEX/BCD encoding uses it: two decimal digits a byte, high nibble first;
//! the element values' sign and "no data" conventions; the frames' YYMMDDHHmm(ss) times.

use crate::beijing::{self, BeijingTime};
use crate::Error;

/// The decimal number the BCD bytes spell, or an error naming the byte with a digit above 9.
pub fn number(bytes: &[u8], what: &'static str) -> Result<u64, Error> {
    let mut n: u64 = 0;
    for &b in bytes {
        let (hi, lo) = (b >> 4, b & 0x0F);
        if hi > 9 || lo > 9 {
            return Err(Error::Bcd { what, byte: b });
        }
        n = n * 100 + u64::from(hi) * 10 + u64::from(lo);
    }
    Ok(n)
}

/// `n` in `len` BCD bytes, or `None` when it needs more digits.
pub fn encode(mut n: u64, len: usize) -> Option<Vec<u8>> {
    let mut out = vec![0u8; len];
    for byte in out.iter_mut().rev() {
        let lo = (n % 10) as u8;
        n /= 10;
        let hi = (n % 10) as u8;
        n /= 10;
        *byte = (hi << 4) | lo;
    }
    (n == 0).then_some(out)
}

/// An element's value. All bytes FFH mean the station has no valid value (its sensor failed);
/// a first byte FFH followed by BCD is a negative value, the FFH counted in the length the
/// data-definition byte gives (the convention stations use for levels below a datum).
pub fn value(bytes: &[u8], decimals: u8) -> Result<Option<f64>, Error> {
    if bytes.iter().all(|&b| b == 0xFF) {
        return Ok(None);
    }
    let (negative, digits) = match bytes.split_first() {
        Some((0xFF, rest)) => (true, rest),
        _ => (false, bytes),
    };
    let n = number(digits, "要素值")? as f64 / 10f64.powi(i32::from(decimals));
    Ok(Some(if negative { -n } else { n }))
}

fn two(b: u8, what: &'static str) -> Result<u32, Error> {
    Ok(number(&[b], what)? as u32)
}

/// YYMMDDHHmm (5 bytes) or YYMMDDHHmmss (6 bytes), Beijing time.
pub fn time(bytes: &[u8], what: &'static str) -> Result<BeijingTime, Error> {
    let field = |i: usize| two(bytes[i], what);
    let second = if bytes.len() == 6 { field(5)? } else { 0 };
    beijing::read(
        what,
        (2000 + field(0)? as i32, field(1)?, field(2)?),
        (field(3)?, field(4)?, second),
    )
}

pub fn encode_time(t: BeijingTime, with_seconds: bool) -> Vec<u8> {
    let mut fields = vec![
        (t.year.rem_euclid(100)) as u64,
        u64::from(t.month),
        u64::from(t.day),
        u64::from(t.hour),
        u64::from(t.minute),
    ];
    if with_seconds {
        fields.push(u64::from(t.second));
    }
    fields
        .into_iter()
        .flat_map(|f| encode(f, 1).unwrap_or_default())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_values_follow_the_sign_and_missing_conventions() {
        let cases: [(&[u8], u8, Option<f64>); 5] = [
            (&[0x00, 0x00, 0x05], 1, Some(0.5)),
            (&[0x00, 0x00, 0x01, 0x27], 3, Some(0.127)),
            (&[0xFF, 0x01, 0x23, 0x40], 3, Some(-12.34)),
            (&[0xFF, 0xFF, 0xFF], 1, None),
            (&[0x11, 0x15], 2, Some(11.15)),
        ];
        for (bytes, decimals, want) in cases {
            assert_eq!(value(bytes, decimals).unwrap(), want, "{bytes:02X?}");
        }
    }

    #[test]
    fn a_digit_above_nine_is_refused() {
        for bytes in [&[0x0A][..], &[0x00, 0xA0], &[0xFF, 0x1F]] {
            assert!(
                matches!(value(bytes, 0), Err(Error::Bcd { .. })),
                "{bytes:02X?}"
            );
        }
    }

    #[test]
    fn numbers_survive_a_round_trip_and_overflow_is_seen() {
        assert_eq!(encode(1049, 2), Some(vec![0x10, 0x49]));
        assert_eq!(encode(12345, 2), None);
        assert_eq!(number(&encode(987_654, 3).unwrap(), "x").unwrap(), 987_654);
    }
}
