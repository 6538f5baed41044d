//! Enrolment codes and device tokens: random from the operating system, stored only as
//! SHA-256 hashes, so a copy of the database lets no one enrol or push; and the random salt of
//! a password's argon2id hash.

use crate::Error;
use sha2::{Digest, Sha256};

/// Letters and digits a person can read off a screen and type without confusing them.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

fn random<const N: usize>() -> Result<[u8; N], Error> {
    let mut b = [0u8; N];
    getrandom::getrandom(&mut b).map_err(|e| Error::Random(e.to_string()))?;
    Ok(b)
}

/// A one-time enrolment code such as `K7QX-M2PD-9RTA` (about 64 bits).
pub fn enrol_code() -> Result<String, Error> {
    let bytes = random::<13>()?;
    let chars: Vec<char> = bytes
        .iter()
        .take(12)
        .map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char)
        .collect();
    Ok(chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

/// A device token (256 bits, hex) and a device id.
pub fn token() -> Result<String, Error> {
    Ok(hex(&random::<32>()?))
}

/// The 32 secret bytes of an Ed25519 key.
pub fn key_bytes() -> Result<[u8; 32], Error> {
    random::<32>()
}

/// The salt of a password's hash.
pub fn salt() -> Result<[u8; yitu_domain::command::login::SALT_LEN], Error> {
    random()
}

pub fn device_id() -> Result<String, Error> {
    Ok(hex(&random::<8>()?))
}

/// The hash kept in the database. Codes are compared as typed, ignoring case and dashes.
pub fn hash(secret: &str) -> String {
    let normal: String = secret
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    hex(&Sha256::digest(normal.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_typed_in_lower_case_without_dashes_is_the_same_code() {
        let code = enrol_code().unwrap();
        assert_eq!(code.len(), 14);
        let typed = code.replace('-', "").to_lowercase();
        assert_eq!(hash(&code), hash(&typed));
        assert_ne!(hash(&code), hash(&enrol_code().unwrap()));
    }
}
