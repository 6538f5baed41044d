//! What a command fails with: a code from a closed set, which the window may act on, and a
//! message for the user (Chinese first). Internal causes (the database, a stored row, a file
//! system error) are logged by the shell and never cross; their message says plainly what
//! failed.

use serde::{Deserialize, Serialize};

/// Why a command failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A value the user gave is not valid (an id, a position, a quantity, a form's field); the
    /// message says which and why.
    Invalid,
    /// The arguments do not decode as the command's type: a window out of step with its shell.
    BadRequest,
    /// No record, incident, decision, package or overlay with that id, or no such file.
    NotFound,
    /// The store refused a record and wrote nothing; the message lists every reason.
    Refused,
    /// The user's role, or the state of what was asked about, does not allow it.
    Denied,
    /// Nobody is logged in on this window, and the command acts as someone.
    Login,
    /// No local user of that name.
    UnknownUser,
    /// The password given at login is not the user's (the message says how many tries are
    /// left before the lock).
    Password,
    /// Too many wrong passwords in a row: login refused for a while (the message says how long).
    LockedOut,
    /// This desktop is not enrolled with a district server.
    NotEnrolled,
    /// The district server could not be reached.
    Offline,
    /// The district server answered with a refusal (its message).
    Server,
    /// A file the user chose cannot be read or used (a tile package, an overlay, an import);
    /// the message says why.
    Unreadable,
    /// A font a printout needs is not installed (the message names the package).
    Font,
    /// The store could not be opened when the app started (the message says why and where).
    StoreUnavailable,
    /// A file could not be written into the data folder.
    Io,
    /// Something inside the app failed (the database, a stored row, sync bookkeeping, a
    /// printout); the details are in the log.
    Internal,
    /// The window's own: the shell did not answer the call.
    Ipc,
    /// The window's own: the shell's reply does not decode as the command's reply type.
    Decode,
}

impl ErrorCode {
    pub const ALL: &'static [ErrorCode] = &[
        Self::Invalid,
        Self::BadRequest,
        Self::NotFound,
        Self::Refused,
        Self::Denied,
        Self::Login,
        Self::UnknownUser,
        Self::Password,
        Self::LockedOut,
        Self::NotEnrolled,
        Self::Offline,
        Self::Server,
        Self::Unreadable,
        Self::Font,
        Self::StoreUnavailable,
        Self::Io,
        Self::Internal,
        Self::Ipc,
        Self::Decode,
    ];

    /// The code as it is serialized (for a `data-code` attribute, a log line).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invalid => "invalid",
            Self::BadRequest => "bad_request",
            Self::NotFound => "not_found",
            Self::Refused => "refused",
            Self::Denied => "denied",
            Self::Login => "login",
            Self::UnknownUser => "unknown_user",
            Self::Password => "password",
            Self::LockedOut => "locked_out",
            Self::NotEnrolled => "not_enrolled",
            Self::Offline => "offline",
            Self::Server => "server",
            Self::Unreadable => "unreadable",
            Self::Font => "font",
            Self::StoreUnavailable => "store_unavailable",
            Self::Io => "io",
            Self::Internal => "internal",
            Self::Ipc => "ipc",
            Self::Decode => "decode",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A command's failure as it crosses: `{"code": "…", "message": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub code: ErrorCode,
    pub message: String,
}

impl Failure {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// A value the user gave is not valid.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Invalid, message)
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for Failure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_serializes_as_its_name() {
        for &code in ErrorCode::ALL {
            let text = serde_json::to_string(&code).unwrap();
            assert_eq!(text, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&text).unwrap(), code);
        }
    }

    #[test]
    fn a_failure_has_the_shape_the_window_reads() {
        let f = Failure::new(ErrorCode::Login, "请先登录 / log in first");
        assert_eq!(
            serde_json::to_value(&f).unwrap(),
            serde_json::json!({"code": "login", "message": "请先登录 / log in first"})
        );
    }
}
