//! Hybrid logical clock stamps: (wall milliseconds, counter, node). A stamp orders changes for
//! last-writer-wins; the node (a device id) breaks ties, so two devices never tie.
//!
//! The text form `0001764300000000-0000000003-NODE` (16-digit ms, 10-digit counter: any u32, as
//! an import of 100,000 rows in one millisecond needs) sorts as the stamp does, so SQL can order
//! and compare stamps as text.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One HLC stamp. Ordered by time, then counter, then node.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp {
    pub ms: u64,
    pub counter: u32,
    pub node: String,
}

impl Stamp {
    /// The next stamp for a local write on `node`: later than `last` (the newest stamp this
    /// node has made or seen) and than the wall clock.
    pub fn tick(last: Option<&Stamp>, now_ms: u64, node: &str) -> Stamp {
        match last {
            Some(l) if l.ms >= now_ms => Stamp {
                ms: l.ms,
                counter: l.counter.saturating_add(1),
                node: node.to_owned(),
            },
            _ => Stamp {
                ms: now_ms,
                counter: 0,
                node: node.to_owned(),
            },
        }
    }

    /// The newer of `last` and a stamp seen from elsewhere, as the clock's new memory: the next
    /// [`tick`](Self::tick) then stamps after everything this node has seen, which is what lets a
    /// later edit win over the one it replaced even when the other device's clock runs ahead.
    pub fn observe(last: Option<Stamp>, seen: &Stamp) -> Stamp {
        match last {
            Some(l) if l >= *seen => l,
            _ => seen.clone(),
        }
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016}-{:010}-{}", self.ms, self.counter, self.node)
    }
}

/// Why a stamp's text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a clock stamp (ms-counter-node): {0:?}")]
pub struct BadStamp(pub String);

impl FromStr for Stamp {
    type Err = BadStamp;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadStamp(s.chars().take(80).collect());
        let mut parts = s.splitn(3, '-');
        let ms = parts.next().ok_or_else(bad)?;
        let counter = parts.next().ok_or_else(bad)?;
        let node = parts.next().ok_or_else(bad)?;
        // Fixed widths keep text order equal to stamp order.
        if ms.len() != 16 || counter.len() != 10 || node.is_empty() {
            return Err(bad());
        }
        Ok(Stamp {
            ms: ms.parse().map_err(|_| bad())?,
            counter: counter.parse().map_err(|_| bad())?,
            node: node.to_owned(),
        })
    }
}

impl Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn st(ms: u64, counter: u32, node: &str) -> Stamp {
        Stamp {
            ms,
            counter,
            node: node.into(),
        }
    }

    #[test]
    fn tick_moves_past_a_clock_that_went_back() {
        let last = st(1_000, 5, "a");
        assert_eq!(Stamp::tick(Some(&last), 900, "a"), st(1_000, 6, "a"));
        assert_eq!(Stamp::tick(Some(&last), 2_000, "a"), st(2_000, 0, "a"));
        assert_eq!(Stamp::tick(None, 7, "b"), st(7, 0, "b"));
    }

    #[test]
    fn a_write_after_seeing_a_fast_clock_stamps_later_than_it() {
        let seen = st(9_000, 2, "fast");
        let memory = Stamp::observe(Some(st(1_000, 0, "me")), &seen);
        let next = Stamp::tick(Some(&memory), 1_001, "me");
        assert!(next > seen);
    }

    #[test]
    fn a_counter_past_four_digits_still_reads_back() {
        // An import of 10,000 rows stamps them all in one millisecond.
        let s = st(1_795_920_935_725, 10_000, "2f6db1a5c1c49fb7");
        assert_eq!(s.to_string().parse::<Stamp>().unwrap(), s);
        assert!(st(1_795_920_935_725, 9_999, "2f6db1a5c1c49fb7").to_string() < s.to_string());
    }

    #[test]
    fn text_form_is_read_back_and_refuses_junk() {
        let s = st(1_764_300_000_000, 3, "0199-node");
        assert_eq!(s.to_string().parse::<Stamp>().unwrap(), s);
        for junk in [
            "",
            "12-3-a",
            "0000000000000001-0000000001-",
            "0000000000000001-0001-a",
            "x",
        ] {
            assert!(junk.parse::<Stamp>().is_err(), "{junk}");
        }
    }

    proptest! {
        #[test]
        fn text_order_is_stamp_order(a in 0u64..10_000_000_000_000, b in 0u64..10_000_000_000_000,
                                     ca in any::<u32>(), cb in any::<u32>(),
                                     na in "[a-f0-9]{4}", nb in "[a-f0-9]{4}") {
            let x = st(a, ca, &na);
            let y = st(b, cb, &nb);
            prop_assert_eq!(x.cmp(&y), x.to_string().cmp(&y.to_string()));
        }
    }
}
