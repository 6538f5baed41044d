//! GB/T 38565-2020 emergency-material codes: 7 digits in 4 levels (1 + 2 + 2 + 2), the first
//! digit one of 1 基本生活保障物资, 2 应急装备及配套物资, 3 工程材料与机械加工设备.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A material classification code at any of the four levels (1, 3, 5 or 7 digits).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MaterialCode(String);

impl MaterialCode {
    pub fn parse(s: &str) -> Result<Self, crate::Error> {
        let s = s.trim();
        let ok = matches!(s.len(), 1 | 3 | 5 | 7)
            && s.bytes().all(|b| b.is_ascii_digit())
            && matches!(s.as_bytes()[0], b'1'..=b'3');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(crate::Error::MaterialCode(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The top-level category (门类) name in Chinese.
    pub fn category_zh(&self) -> &'static str {
        match self.0.as_bytes()[0] {
            b'1' => "基本生活保障物资",
            b'2' => "应急装备及配套物资",
            _ => "工程材料与机械加工设备",
        }
    }

    /// Whether this code is `prefix` or lies under it (a search for "101" finds "1010101").
    pub fn is_under(&self, prefix: &str) -> bool {
        self.0.starts_with(prefix.trim())
    }
}

impl TryFrom<String> for MaterialCode {
    type Error = crate::Error;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<MaterialCode> for String {
    fn from(c: MaterialCode) -> String {
        c.0
    }
}

impl fmt::Display for MaterialCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_at_each_level_are_accepted() {
        for ok in ["1", "101", "10101", "1010101", "2990000", "3"] {
            assert!(MaterialCode::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn malformed_codes_are_refused() {
        for bad in [
            "",
            "4",
            "0101010",
            "10",
            "1010",
            "101010101",
            "1a10101",
            "１０１",
        ] {
            assert!(MaterialCode::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn category_and_prefix() {
        let c = MaterialCode::parse("2010101").unwrap();
        assert_eq!(c.category_zh(), "应急装备及配套物资");
        assert!(c.is_under("201") && !c.is_under("1"));
    }
}
