//! The national identifier of a warning message and the sender's unit code.
//!
//! Source: 附录 A（规范性附录）取值规则及说明, A.1.1–A.1.3, of the national release system's
//! data specification as GB/T 35965.1-2018 and the provincial standards built on it (DB12/T
//! 1128-2022, DB63/T 1748-2019) repeat it — read from a copy of the annex, not the standard
//! itself, which could not be had here:
//! - identifier `ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N`, 31 characters: the unit code, the time the
//!   message was entered (录入时间) in Beijing time, and N, the sequence (0–9) of messages the
//!   same unit entered in the same second;
//! - unit code `ZZZZZZDDDUUUXX`: ZZZZZZ the GB/T 2260 area code, DDD the unit's 机构行业编码
//!   after GB/T 4657, UUU an internal second-level code (default 000), XX an extension
//!   (default 00).
//!
//! Assumption: yitu enters a message when it issues the warning, so the time is
//! `issued_at_ms`. The DDD of 合川区应急管理局 (and of the weather bureau) in GB/T 4657 was not
//! looked up: it is configuration, passed in with the [`UnitCode`], not a constant here.

use crate::Error;
use yitu_domain::beijing_time::BeijingTime;

/// A sender's 14-digit unit code, `ZZZZZZDDDUUUXX`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnitCode(String);

impl UnitCode {
    /// From the 6-digit area and 3-digit unit codes, with the defaults 000 and 00 after them.
    pub fn new(area: &str, unit: &str) -> Result<Self, Error> {
        Self::parse(&format!("{area}{unit}00000"))
    }

    /// A whole 14-digit code.
    pub fn parse(code: &str) -> Result<Self, Error> {
        if code.len() == 14 && code.bytes().all(|c| c.is_ascii_digit()) {
            Ok(Self(code.to_owned()))
        } else {
            Err(Error::UnitCode(code.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The GB/T 2260 area the unit belongs to (500117 for Hechuan's).
    pub fn area(&self) -> &str {
        &self.0[..6]
    }
}

impl std::fmt::Display for UnitCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A national identifier taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifier {
    pub unit: UnitCode,
    /// When the message was entered, Unix ms (whole seconds, read as Beijing time).
    pub entered_ms: i64,
    pub sequence: u8,
}

impl Identifier {
    pub fn new(unit: UnitCode, entered_ms: i64, sequence: u8) -> Result<Self, Error> {
        if sequence > 9 {
            return Err(Error::Sequence(sequence));
        }
        Ok(Self {
            unit,
            entered_ms: entered_ms.div_euclid(1000) * 1000,
            sequence,
        })
    }

    /// Reads the national form; `None` for any other (a foreign or older sender's identifier is
    /// still a valid CAP identifier, only not this one).
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split('_');
        let (unit, time, seq) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || time.len() != 14 || seq.len() != 1 {
            return None;
        }
        let unit = UnitCode::parse(unit).ok()?;
        if !time.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let n = |a: usize, b: usize| time[a..b].parse::<u32>().ok();
        let civil = BeijingTime::civil(
            (n(0, 4)? as i32, n(4, 6)?, n(6, 8)?),
            (n(8, 10)?, n(10, 12)?, n(12, 14)?),
        )?;
        let sequence = seq.parse::<u8>().ok()?;
        Some(Self {
            unit,
            entered_ms: civil.to_unix_ms(),
            sequence,
        })
    }
}

impl std::fmt::Display for Identifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = BeijingTime::from_unix_ms(self.entered_ms);
        write!(
            f,
            "{}_{:04}{:02}{:02}{:02}{:02}{:02}_{}",
            self.unit, t.year, t.month, t.day, t.hour, t.minute, t.second, self.sequence
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_national_form_is_31_characters_in_beijing_time() {
        let unit = UnitCode::new("500117", "123").unwrap();
        assert_eq!(unit.as_str(), "50011712300000");
        assert_eq!(unit.area(), "500117");
        // 2026-07-12T06:05:09Z is 14:05:09 in Beijing.
        let id = Identifier::new(unit, 1_783_836_309_999, 3).unwrap();
        let text = id.to_string();
        assert_eq!(text, "50011712300000_20260712140509_3");
        assert_eq!(text.chars().count(), 31);
        assert_eq!(Identifier::parse(&text), Some(id));
    }

    #[test]
    fn bad_codes_and_sequences_are_refused() {
        assert!(UnitCode::new("50011", "123").is_err());
        assert!(UnitCode::parse("5001171230000x").is_err());
        let unit = UnitCode::parse("50011712300000").unwrap();
        assert_eq!(Identifier::new(unit, 0, 10), Err(Error::Sequence(10)));
        for other in [
            "50011712300000_20260712140509",
            "50011712300000_20261312140509_0",
            "urn:oid:2.49.0.1.156.0.2026",
            "50011712300000_20260712140509_12",
        ] {
            assert_eq!(Identifier::parse(other), None, "{other}");
        }
    }
}
