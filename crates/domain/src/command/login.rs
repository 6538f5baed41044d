//! What a desk's login checks, offline: a password against its salted argon2id hash (a PHC
//! string, as the server makes it and syncs it down with the user), and the lockout after
//! failures in a row. Pure: the salt and the time are passed in, so the server, the desktop
//! and tests hash and decide alike.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Wrong passwords in a row after which a user's login is refused for [`LOCK_MS`].
pub const MAX_FAILURES: u32 = 5;

/// How long a login stays refused after [`MAX_FAILURES`] wrong passwords in a row.
pub const LOCK_MS: i64 = 5 * 60 * 1000;

/// Salt bytes a hash is made with (argon2's recommended 16).
pub const SALT_LEN: usize = 16;

/// A password hash that cannot be made or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashError {
    #[error("a password must not be empty")]
    Empty,
    /// A stored hash that is not an argon2 PHC string (a row changed behind our back).
    #[error("the stored password hash cannot be read: {0}")]
    Unreadable(String),
}

/// The argon2id hash of `password` with `salt`, as a PHC string
/// (`$argon2id$v=19$m=19456,t=2,p=1$SALT$HASH`): the parameters travel with the hash, so a
/// hash made with other parameters still verifies.
pub fn hash(password: &str, salt: &[u8; SALT_LEN]) -> Result<String, HashError> {
    if password.is_empty() {
        return Err(HashError::Empty);
    }
    let salt = SaltString::encode_b64(salt).map_err(|e| HashError::Unreadable(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError::Unreadable(e.to_string()))
}

/// Whether `password` is the one `phc` was made from.
pub fn verify(password: &str, phc: &str) -> Result<bool, HashError> {
    let parsed = PasswordHash::new(phc).map_err(|e| HashError::Unreadable(e.to_string()))?;
    Ok(Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

/// A user's wrong passwords in a row, as the desk keeps them (never synced).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    /// When the last of them was (Unix ms).
    pub last_ms: i64,
}

/// What a login try may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Check the password.
    Open,
    /// Refused without looking at the password, for this many more milliseconds.
    Locked { left_ms: i64 },
}

impl Failures {
    /// Whether a try at `now_ms` may check a password: not within [`LOCK_MS`] of the last of
    /// [`MAX_FAILURES`] or more wrong ones in a row. A locked try is not counted (it checked
    /// nothing), so the lock ends [`LOCK_MS`] after the last wrong password, however often the
    /// user tries meanwhile; a wrong password after that locks again at once (the count stays
    /// at or above the limit until a right one clears it).
    pub fn gate(self, now_ms: i64) -> Gate {
        if self.count < MAX_FAILURES {
            return Gate::Open;
        }
        let left_ms = self.last_ms.saturating_add(LOCK_MS).saturating_sub(now_ms);
        if left_ms > 0 {
            Gate::Locked { left_ms }
        } else {
            Gate::Open
        }
    }

    /// The count after a wrong password at `now_ms`.
    pub fn failed(self, now_ms: i64) -> Self {
        Self {
            count: self.count.saturating_add(1),
            last_ms: now_ms,
        }
    }

    /// Wrong passwords left before the lock (0 once locked).
    pub fn left(self) -> u32 {
        MAX_FAILURES.saturating_sub(self.count)
    }
}

/// `4 分 12 秒` / `4 min 12 s`: how long a lock still lasts, rounded up to the second.
pub fn wait_text(left_ms: i64) -> (String, String) {
    let s = (left_ms.max(0) + 999) / 1000;
    let (m, s) = (s / 60, s % 60);
    if m == 0 {
        (format!("{s} 秒"), format!("{s} s"))
    } else {
        (format!("{m} 分 {s} 秒"), format!("{m} min {s} s"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only_and_says_argon2id() {
        let h = hash("火场-2026", &[7; SALT_LEN]).unwrap();
        // The oracle: the PHC string parsed on its own says which algorithm and salt it holds.
        let parsed = PasswordHash::new(&h).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        assert_eq!(
            parsed.salt.unwrap().as_str(),
            SaltString::encode_b64(&[7; SALT_LEN]).unwrap().as_str()
        );
        assert!(verify("火场-2026", &h).unwrap());
        assert!(!verify("火场-2027", &h).unwrap());
        assert!(!verify("", &h).unwrap());
        // Another salt gives another hash of the same password.
        assert_ne!(hash("火场-2026", &[8; SALT_LEN]).unwrap(), h);
        assert_eq!(hash("", &[7; SALT_LEN]), Err(HashError::Empty));
        assert!(matches!(
            verify("x", "not a hash"),
            Err(HashError::Unreadable(_))
        ));
    }

    #[test]
    fn five_wrong_in_a_row_lock_for_five_minutes() {
        let t0 = 1_000_000;
        let mut f = Failures::default();
        for i in 0..MAX_FAILURES {
            assert_eq!(f.gate(t0 + i64::from(i)), Gate::Open, "try {}", i + 1);
            f = f.failed(t0 + i64::from(i));
        }
        let last = t0 + 4;
        let cases = [
            (
                "at once",
                last + 1,
                Gate::Locked {
                    left_ms: LOCK_MS - 1,
                },
            ),
            (
                "a minute on",
                last + 60_000,
                Gate::Locked {
                    left_ms: LOCK_MS - 60_000,
                },
            ),
            (
                "the last millisecond",
                last + LOCK_MS - 1,
                Gate::Locked { left_ms: 1 },
            ),
            ("five minutes on", last + LOCK_MS, Gate::Open),
        ];
        for (name, at, gate) in cases {
            assert_eq!(f.gate(at), gate, "{name}");
        }
        assert_eq!(f.left(), 0);
        // Wrong again once open: locked again at once.
        let again = f.failed(last + LOCK_MS);
        assert!(matches!(
            again.gate(last + LOCK_MS + 1),
            Gate::Locked { .. }
        ));
        assert_eq!(Failures::default().failed(1).left(), 4);
    }

    #[test]
    fn the_wait_reads_in_minutes_and_seconds() {
        assert_eq!(wait_text(LOCK_MS).0, "5 分 0 秒");
        assert_eq!(wait_text(252_000).1, "4 min 12 s");
        assert_eq!(wait_text(1).0, "1 秒");
    }
}
