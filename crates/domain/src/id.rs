//! Entity ids: UUIDv7, built from a time and random bytes the caller supplies, so that the
//! demo dataset is reproducible and tests control both.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The id of any synced record. Made only by [`EntityId::v7`] or parsed from text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntityId(uuid::Uuid);

impl EntityId {
    /// A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits.
    /// Ids made later sort later, which keeps SQLite's b-tree appends cheap.
    pub fn v7(unix_ms: u64, random: [u8; 10]) -> Self {
        let mut b = [0u8; 16];
        b[..6].copy_from_slice(&unix_ms.to_be_bytes()[2..]);
        b[6..].copy_from_slice(&random);
        b[6] = 0x70 | (b[6] & 0x0f); // version 7
        b[8] = 0x80 | (b[8] & 0x3f); // RFC 4122 variant
        Self(uuid::Uuid::from_bytes(b))
    }

    pub fn parse(s: &str) -> Result<Self, crate::Error> {
        uuid::Uuid::parse_str(s)
            .map(Self)
            .map_err(|_| crate::Error::Id(s.to_owned()))
    }
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v7_has_version_and_variant_and_round_trips() {
        let id = EntityId::v7(1_700_000_000_000, [0xff; 10]);
        assert_eq!(id.0.get_version_num(), 7);
        assert_eq!(id.0.get_variant(), uuid::Variant::RFC4122);
        assert_eq!(EntityId::parse(&id.to_string()).unwrap(), id);
    }

    #[test]
    fn later_ids_sort_later() {
        let a = EntityId::v7(1_000, [0xff; 10]);
        let b = EntityId::v7(1_001, [0x00; 10]);
        assert!(a < b);
        assert!(a.to_string() < b.to_string());
    }

    #[test]
    fn garbage_is_refused() {
        assert!(EntityId::parse("not-an-id").is_err());
    }
}
