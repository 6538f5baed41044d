//! The tamper-evident record of issued decisions: per incident, a chain of events (issue,
//! acknowledgement, completion, withdrawal, supersession), each holding the hash of the one
//! before and signed by the device that wrote it. Sealing and checking are pure; the device's
//! key is made and kept by the replica, so this module needs no randomness.

use crate::command::canonical::{hex, unhex};
use crate::EntityId;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

crate::labelled_enum! {
    EventKind {
        Issue => ("issue", "下达", "Issued"),
        Acknowledge => ("acknowledge", "签收", "Acknowledged"),
        Complete => ("complete", "办结", "Completed"),
        Withdraw => ("withdraw", "撤销", "Withdrawn"),
        Supersede => ("supersede", "被替代", "Superseded"),
        Arrive => ("arrive", "到场", "Arrived"),
        Leave => ("leave", "撤离", "Left the scene"),
    }
}

/// The `prev_hash` of an incident's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One link as stored: every field the hash covers, the hash, and the signature over it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub incident_id: EntityId,
    /// 1, 2, 3… within the incident.
    pub seq: i64,
    pub kind: EventKind,
    pub decision_id: EntityId,
    /// Canonical bytes (UTF-8 JSON) of what the event records: for an issue, the whole decision.
    pub payload: String,
    pub author: String,
    /// The signing device's Ed25519 public key, hex.
    pub device: String,
    pub at_ms: i64,
    pub prev_hash: String,
    pub hash: String,
    pub signature: String,
}

/// What an event says, before it is sealed.
pub struct Unsealed<'a> {
    pub incident_id: EntityId,
    pub seq: i64,
    pub kind: EventKind,
    pub decision_id: EntityId,
    pub payload: String,
    pub author: &'a str,
    pub at_ms: i64,
    pub prev_hash: &'a str,
}

/// SHA-256 over the canonical header, a newline, and the payload's bytes. The header carries
/// the payload's length, so no two (header, payload) pairs give the same input.
// Every field is hashed, so every field is an argument; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub fn hash_of(
    incident_id: EntityId,
    seq: i64,
    kind: EventKind,
    decision_id: EntityId,
    payload: &str,
    author: &str,
    device: &str,
    at_ms: i64,
    prev_hash: &str,
) -> [u8; 32] {
    let header = serde_json::json!({
        "v": 1,
        "incident": incident_id.to_string(),
        "seq": seq,
        "kind": kind.code(),
        "decision": decision_id.to_string(),
        "payload_len": payload.len(),
        "author": author,
        "device": device,
        "at_ms": at_ms,
        "prev_hash": prev_hash,
    });
    let mut h = Sha256::new();
    h.update(crate::command::canonical::of_value(&header).as_bytes());
    h.update(b"\n");
    h.update(payload.as_bytes());
    h.finalize().into()
}

impl Unsealed<'_> {
    /// Hashes and signs the event with the device's key.
    pub fn seal(self, key: &SigningKey) -> Event {
        let device = hex(key.verifying_key().as_bytes());
        let hash = hash_of(
            self.incident_id,
            self.seq,
            self.kind,
            self.decision_id,
            &self.payload,
            self.author,
            &device,
            self.at_ms,
            self.prev_hash,
        );
        let signature = key.sign(&hash);
        Event {
            incident_id: self.incident_id,
            seq: self.seq,
            kind: self.kind,
            decision_id: self.decision_id,
            payload: self.payload,
            author: self.author.to_owned(),
            device,
            at_ms: self.at_ms,
            prev_hash: self.prev_hash.to_owned(),
            hash: hex(&hash),
            signature: hex(&signature.to_bytes()),
        }
    }
}

/// The first link of a chain that does not hold, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("incident {incident_id}, event {seq} (decision {decision_id}): {reason}")]
pub struct Broken {
    pub incident_id: EntityId,
    pub seq: i64,
    pub decision_id: EntityId,
    pub reason: String,
}

/// Checks one event on its own: its hash recomputed from its fields, its signature valid for the
/// device key it names. What the server checks before it countersigns an issued decision.
pub fn check_seal(e: &Event) -> Result<(), &'static str> {
    let hash = hash_of(
        e.incident_id,
        e.seq,
        e.kind,
        e.decision_id,
        &e.payload,
        &e.author,
        &e.device,
        e.at_ms,
        &e.prev_hash,
    );
    if hex(&hash) != e.hash {
        return Err("its content does not match its hash: it was changed after it was written");
    }
    let key = unhex(&e.device)
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
        .ok_or("its device key is not a valid Ed25519 key")?;
    let sig = unhex(&e.signature)
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b))
        .ok_or("its signature is not 64 bytes of hex")?;
    key.verify(&hash, &sig)
        .map_err(|_| "its signature does not verify with its device key")
}

/// Checks one incident's events, in seq order: dense numbering from 1, each `prev_hash` the
/// hash of the one before, each hash recomputed from the fields, each signature valid for the
/// device key it names.
pub fn verify(events: &[Event]) -> Result<(), Broken> {
    let mut prev = GENESIS.to_owned();
    for (i, e) in events.iter().enumerate() {
        let broken = |reason: String| Broken {
            incident_id: e.incident_id,
            seq: e.seq,
            decision_id: e.decision_id,
            reason,
        };
        if e.seq != i as i64 + 1 {
            return Err(broken(format!(
                "expected event number {}, found {}: an event is missing or was inserted",
                i + 1,
                e.seq
            )));
        }
        if e.prev_hash != prev {
            return Err(broken(
                "its previous-hash does not match the event before it".into(),
            ));
        }
        check_seal(e).map_err(|reason| broken(reason.into()))?;
        prev = e.hash.clone();
    }
    Ok(())
}

/// Checks one incident's events as desks that sign offline make them: each event's hash and
/// signature hold, and each links to an event held at the place before it (or is the first).
/// Two events linked to one predecessor are a branch (two desks signed at once: a recorded
/// merge). Returns the number of branches and every link that does not hold.
pub fn verify_branching(events: &[Event]) -> (usize, Vec<Broken>) {
    let by_hash: std::collections::BTreeMap<&str, &Event> =
        events.iter().map(|e| (e.hash.as_str(), e)).collect();
    let mut children: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut broken = Vec::new();
    for e in events {
        let fail = |reason: String| Broken {
            incident_id: e.incident_id,
            seq: e.seq,
            decision_id: e.decision_id,
            reason,
        };
        if let Err(reason) = check_seal(e) {
            broken.push(fail(reason.into()));
            continue;
        }
        let linked = if e.prev_hash == GENESIS {
            e.seq == 1
        } else {
            by_hash
                .get(e.prev_hash.as_str())
                .is_some_and(|p| p.seq + 1 == e.seq && p.incident_id == e.incident_id)
        };
        if !linked {
            broken.push(fail(format!(
                "event {} does not follow an event held here: one is missing or was changed",
                e.seq
            )));
        }
        *children.entry(e.prev_hash.as_str()).or_default() += 1;
    }
    let branches = children.values().map(|n| n.saturating_sub(1)).sum();
    (branches, broken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_desks_signing_at_once_branch_and_a_changed_byte_is_named() {
        let incident = EntityId::v7(1, [1; 10]);
        let seal = |n: u8, seq: i64, prev: &str| {
            Unsealed {
                incident_id: incident,
                seq,
                kind: EventKind::Issue,
                decision_id: EntityId::v7(2, [n; 10]),
                payload: format!("{{\"n\":{n}}}"),
                author: "李指挥",
                at_ms: 10,
                prev_hash: prev,
            }
            .seal(&key(n))
        };
        let first = seal(1, 1, GENESIS);
        let a = seal(2, 2, &first.hash);
        let b = seal(3, 2, &first.hash);
        let after = seal(4, 3, &a.hash);
        let mut events = vec![first, a, b, after];
        assert_eq!(verify_branching(&events), (1, vec![]));
        events[2].payload.push(' ');
        let (_, broken) = verify_branching(&events);
        assert_eq!(broken.len(), 1);
        assert_eq!(broken[0].seq, 2);
        events.remove(1);
        let (_, broken) = verify_branching(&events);
        assert!(broken.iter().any(|b| b.seq == 3), "{broken:?}");
    }

    fn key(n: u8) -> SigningKey {
        SigningKey::from_bytes(&[n; 32])
    }

    fn chain(n: usize) -> Vec<Event> {
        let incident = EntityId::v7(1, [1; 10]);
        let mut events: Vec<Event> = Vec::new();
        for i in 0..n {
            let prev = events
                .last()
                .map(|e| e.hash.clone())
                .unwrap_or(GENESIS.into());
            events.push(
                Unsealed {
                    incident_id: incident,
                    seq: i as i64 + 1,
                    kind: if i == 0 {
                        EventKind::Issue
                    } else {
                        EventKind::Acknowledge
                    },
                    decision_id: EntityId::v7(2, [2; 10]),
                    payload: format!(r#"{{"n":{i},"text":"封控"}}"#),
                    author: "张指挥",
                    at_ms: 1000 + i as i64,
                    prev_hash: &prev,
                }
                .seal(&key(7)),
            );
        }
        events
    }

    #[test]
    fn a_sealed_chain_verifies() {
        assert_eq!(verify(&chain(4)), Ok(()));
        assert_eq!(verify(&[]), Ok(()));
    }

    #[test]
    fn each_kind_of_tampering_names_its_link() {
        type Tamper = fn(&mut Vec<Event>);
        let cases: &[(&str, Tamper, i64, &str)] = &[
            (
                "payload byte",
                |c| c[2].payload = c[2].payload.replace('2', "3"),
                3,
                "content",
            ),
            ("author", |c| c[1].author = "李".into(), 2, "content"),
            ("time", |c| c[3].at_ms += 1, 4, "content"),
            (
                "missing event",
                |c| {
                    c.remove(1);
                },
                3,
                "missing",
            ),
            (
                "re-hashed but not re-signed",
                |c| {
                    c[2].payload.push(' ');
                    let e = &c[2];
                    c[2].hash = hex(&hash_of(
                        e.incident_id,
                        e.seq,
                        e.kind,
                        e.decision_id,
                        &e.payload,
                        &e.author,
                        &e.device,
                        e.at_ms,
                        &e.prev_hash,
                    ));
                },
                3,
                "signature",
            ),
            (
                "re-signed by another key breaks the next link",
                |c| {
                    let e = c[1].clone();
                    c[1] = Unsealed {
                        incident_id: e.incident_id,
                        seq: e.seq,
                        kind: e.kind,
                        decision_id: e.decision_id,
                        payload: "{}".into(),
                        author: &e.author,
                        at_ms: e.at_ms,
                        prev_hash: &e.prev_hash,
                    }
                    .seal(&key(9));
                },
                3,
                "previous-hash",
            ),
            (
                "garbled signature",
                |c| c[0].signature = "zz".into(),
                1,
                "signature",
            ),
        ];
        for (name, tamper, seq, word) in cases {
            let mut c = chain(4);
            tamper(&mut c);
            let b = verify(&c).expect_err(name);
            assert_eq!(b.seq, *seq, "{name}: {b}");
            assert!(b.reason.contains(word), "{name}: {b}");
        }
    }
}
