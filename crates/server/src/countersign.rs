//! The server's chain of countersignatures over the decision events it accepted: each link names
//! an event by its hash, holds the hash of the link before, and is signed with the server's key,
//! so a device's record and the server's can be checked against each other.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::Serialize;
use sha2::{Digest, Sha256};
use yitu_domain::command::canonical::{hex, unhex};
use yitu_domain::command::chain::GENESIS;

/// One link as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub seq: i64,
    pub server_seq: i64,
    pub event_hash: String,
    pub prev_hash: String,
    pub hash: String,
    pub signature: String,
    pub at_ms: i64,
}

fn hash_of(seq: i64, server_seq: i64, event_hash: &str, prev_hash: &str, at_ms: i64) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(
        format!("yitu-countersign-v1\n{seq}\n{server_seq}\n{event_hash}\n{prev_hash}\n{at_ms}")
            .as_bytes(),
    );
    h.finalize().into()
}

/// The next link after `prev` (none for the first).
pub fn seal(
    prev: Option<(i64, String)>,
    server_seq: i64,
    event_hash: &str,
    at_ms: i64,
    key: &SigningKey,
) -> Link {
    let (seq, prev_hash) = prev
        .map(|(s, h)| (s + 1, h))
        .unwrap_or((1, GENESIS.to_owned()));
    let hash = hash_of(seq, server_seq, event_hash, &prev_hash, at_ms);
    Link {
        seq,
        server_seq,
        event_hash: event_hash.to_owned(),
        prev_hash,
        hash: hex(&hash),
        signature: hex(&key.sign(&hash).to_bytes()),
        at_ms,
    }
}

/// Checks the whole chain with the server's public key; names the first link that fails.
pub fn verify(links: &[Link], key: &VerifyingKey) -> Result<(), String> {
    let mut prev = GENESIS.to_owned();
    for (i, l) in links.iter().enumerate() {
        let bad = |why: &str| Err(format!("countersignature {}: {why}", l.seq));
        if l.seq != i as i64 + 1 || l.prev_hash != prev {
            return bad("out of sequence or not linked to the one before");
        }
        let hash = hash_of(l.seq, l.server_seq, &l.event_hash, &l.prev_hash, l.at_ms);
        if hex(&hash) != l.hash {
            return bad("its content does not match its hash");
        }
        let sig = unhex(&l.signature)
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .map(|b| Signature::from_bytes(&b));
        match sig {
            Some(sig) if key.verify(&hash, &sig).is_ok() => {}
            _ => return bad("its signature does not verify with the server's key"),
        }
        prev = l.hash.clone();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_verifies_and_a_changed_link_does_not() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let a = seal(None, 3, "aa", 10, &key);
        let b = seal(Some((a.seq, a.hash.clone())), 9, "bb", 11, &key);
        let mut links = vec![a, b];
        assert_eq!(verify(&links, &key.verifying_key()), Ok(()));
        links[1].event_hash = "cc".into();
        assert!(verify(&links, &key.verifying_key()).is_err());
        let other = SigningKey::from_bytes(&[8; 32]);
        links[1].event_hash = "bb".into();
        assert!(verify(&links, &other.verifying_key()).is_err());
    }
}
