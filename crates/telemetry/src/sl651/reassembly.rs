//! Multi-packet messages (started by SYN) put back together: a pure value fed checked frames,
//! which gives the whole body once every packet has arrived.
//!
//! Keyed by station and function, not by 流水号: only a message's first packet carries the
//! 流水号 (the later ones are raw continuation of the body, as stations that send 图片 and 时段
//! 数据 in packets do), so a key needing it could not place packet 2 arriving before packet 1. A
//! station sends one multi-packet message of a function at a time on its link; one that starts
//! another before finishing shows as a conflicting packet, and the first expires.

use std::collections::BTreeMap;

use super::frame::{Encoding, Frame, Function, Header, Packet, StationAddress};
use super::report::Report;
use crate::Error;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    station: StationAddress,
    function: Function,
}

#[derive(Debug, Clone)]
struct Pending {
    header: Header,
    encoding: Encoding,
    total: u16,
    packets: BTreeMap<u16, Vec<u8>>,
    first_seen_ms: i64,
}

/// Incomplete messages waiting for their packets.
#[derive(Debug, Clone)]
pub struct Reassembly {
    max_age_ms: i64,
    pending: BTreeMap<Key, Pending>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Stored (or an identical copy of a packet already held); these indices are still missing.
    Waiting {
        missing: Vec<u16>,
    },
    Complete(Assembled),
}

/// A whole message: its first packet's header and the packets' bodies joined in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assembled {
    pub header: Header,
    pub encoding: Encoding,
    pub body: Vec<u8>,
}

impl Assembled {
    pub fn report(&self) -> Result<Report, Error> {
        Report::decode(&self.header, self.encoding, &self.body)
    }
}

/// A message given up on, for the station's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expired {
    pub station: StationAddress,
    pub function: Function,
    pub missing: Vec<u16>,
}

impl Pending {
    fn missing(&self) -> Vec<u16> {
        (1..=self.total)
            .filter(|i| !self.packets.contains_key(i))
            .collect()
    }
}

impl Reassembly {
    /// Messages still incomplete `max_age_ms` after their first packet are dropped by `expire`.
    pub fn new(max_age_ms: i64) -> Self {
        Self {
            max_age_ms,
            pending: BTreeMap::new(),
        }
    }

    pub fn accept(&mut self, frame: &Frame, now_ms: i64) -> Result<Progress, Error> {
        let Packet::Multi { total, index } = frame.packet else {
            return Err(Error::NotMultiPacket);
        };
        if index == 0 || index > total {
            return Err(Error::PacketOutOfRange { index, total });
        }
        let key = Key {
            station: frame.header.station,
            function: frame.header.function,
        };
        let pending = self.pending.entry(key.clone()).or_insert_with(|| Pending {
            header: frame.header,
            encoding: frame.encoding,
            total,
            packets: BTreeMap::new(),
            first_seen_ms: now_ms,
        });
        if pending.total != total {
            return Err(Error::PacketTotalChanged {
                before: pending.total,
                now: total,
            });
        }
        match pending.packets.get(&index) {
            Some(held) if *held != frame.body => return Err(Error::PacketConflict { index }),
            Some(_) => {}
            None => {
                pending.packets.insert(index, frame.body.clone());
            }
        }
        if index == 1 {
            // The first packet's header is the message's (its 流水号 is in its body).
            pending.header = frame.header;
        }
        let missing = pending.missing();
        if !missing.is_empty() {
            return Ok(Progress::Waiting { missing });
        }
        let done = self.pending.remove(&key).expect("the entry was just used");
        Ok(Progress::Complete(Assembled {
            header: done.header,
            encoding: done.encoding,
            body: done.packets.into_values().flatten().collect(),
        }))
    }

    /// Drops the messages older than the age given at `new`, naming what they lacked.
    pub fn expire(&mut self, now_ms: i64) -> Vec<Expired> {
        let max_age = self.max_age_ms;
        let (old, kept): (BTreeMap<_, _>, BTreeMap<_, _>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|(_, p)| now_ms - p.first_seen_ms > max_age);
        self.pending = kept;
        old.into_iter()
            .map(|(k, p)| Expired {
                station: k.station,
                function: k.function,
                missing: p.missing(),
            })
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}
