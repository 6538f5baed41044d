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

    /// An id made from what it names (an effect of a decision's act): every desk that folds the
    /// same act makes the same id. A UUIDv8 (RFC 9562) over SHA-256 of the parts, each prefixed
    /// by its length so that no two lists of parts give the same input.
    pub fn derived(parts: &[&[u8]]) -> Self {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for p in parts {
            h.update((p.len() as u64).to_be_bytes());
            h.update(p);
        }
        let digest = h.finalize();
        let mut b = [0u8; 16];
        b.copy_from_slice(&digest[..16]);
        b[6] = 0x80 | (b[6] & 0x0f); // version 8
        b[8] = 0x80 | (b[8] & 0x3f); // RFC 4122 variant
        Self(uuid::Uuid::from_bytes(b))
    }

    /// The id's 16 bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        self.0.as_bytes()
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
    fn derived_ids_are_stable_and_tell_their_parts_apart() {
        let a = EntityId::derived(&[b"ab", b"c"]);
        assert_eq!(a, EntityId::derived(&[b"ab", b"c"]));
        assert_ne!(a, EntityId::derived(&[b"a", b"bc"]));
        assert_eq!(a.0.get_version_num(), 8);
        assert_eq!(a.0.get_variant(), uuid::Variant::RFC4122);
    }

    #[test]
    fn garbage_is_refused() {
        assert!(EntityId::parse("not-an-id").is_err());
    }
}
