//! The frame check: CRC-16 with polynomial 0xA001 (0x8005 reflected), initial value 0xFFFF, no
//! final XOR — the catalogue's CRC-16/MODBUS — over every byte from the first start byte through
//! the end-of-text byte.
//!
//! Byte order on the wire: SL 651 sends the CRC's high byte first, the opposite of Modbus RTU.
//! Checked by recomputing five published worked frames (e.g. the 测试报
//! `7E7E0100123456781234 30 002B … 03 20FA`: the CRC over the frame is 0x20FA and the frame ends
//! `20 FA`); a Modbus habit of low-byte-first would refuse every real station.

pub fn crc16(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &b in bytes {
        crc ^= u16::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xA001
            } else {
                crc >> 1
            };
        }
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_catalogue_check_value() {
        // The CRC catalogue's check value for CRC-16/MODBUS over the ASCII digits 1–9.
        assert_eq!(crc16(b"123456789"), 0x4B37);
        assert_eq!(crc16(b""), 0xFFFF);
    }
}
