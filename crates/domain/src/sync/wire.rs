//! The protocol's messages, shared by the server and the replica. Bodies travel as JSON
//! compressed with zstd (`Content-Encoding: zstd`); errors as `{code, message}`.

use super::Change;
use serde::{Deserialize, Serialize};

/// The protocol version this build speaks. A server answers clients from
/// [`MIN_PROTOCOL`] up, upcasting their bodies (`sync::upcast`), so old desktops keep pushing
/// after a change.
///
/// - 1: hello, enrol, push, pull.
/// - 2: `GET /v1/snapshot` and hello's `head`; pushes unchanged (a version-1 push is read as is).
/// - 3: a snapshot names its cursor ([`SNAPSHOT_CURSOR`]) and a cut download goes on from where
///   it was (`GET /v1/snapshot?cursor=C&offset=N`); push replies carry the server's time and
///   pull pages the users' version, so a pass needs no hello but now and then.
/// - 4: a resumed snapshot is asked for in bounded ranges (`&length=L`), its whole size named
///   in [`SNAPSHOT_SIZE`]: on a link cut every few seconds, what the server sent after the
///   cut is lost, so a desk asks for no more than it expects to get through.
/// - 5: a pull may wait for news (`&wait_ms=N`, at most [`MAX_WAIT_MS`]): an empty page is
///   answered once something is committed after the cursor, or when the wait ends. A desk
///   between passes waits so, and an alarm raised by a reading reaches it in a second, not at
///   its next pass.
pub const PROTOCOL: u32 = 5;
/// The longest a pull waits for news, ms: under the idle timeouts of proxies and NAT.
pub const MAX_WAIT_MS: u64 = 25_000;
pub const MIN_PROTOCOL: u32 = 1;

/// The response header naming the cursor a snapshot (`GET /v1/snapshot`) is consistent with: a
/// desk whose download was cut asks for the rest of that one (`?cursor=C&offset=N`).
pub const SNAPSHOT_CURSOR: &str = "x-yitu-snapshot-cursor";

/// The response header naming a kept snapshot's whole size in bytes, on a range of it (protocol
/// 4): the desk knows from it when its part file holds the whole.
pub const SNAPSHOT_SIZE: &str = "x-yitu-snapshot-size";

/// The header that carries the device credential: `Bearer DEVICE.TOKEN`.
pub const AUTHORIZATION: &str = "authorization";

/// `GET /v1/hello`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hello {
    pub protocol: u32,
    pub min_protocol: u32,
    pub server_time_ms: u64,
    /// The server's last change number: a desktop at cursor 0 facing a long log asks for the
    /// snapshot instead of every page (absent from servers before the snapshot: 0).
    #[serde(default)]
    pub head: u64,
    /// With a credential: the device, its user and role, and the last sequence the server holds
    /// from it (the device pushes from the next one).
    #[serde(default)]
    pub device: Option<DeviceStatus>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceStatus {
    pub id: String,
    pub user: String,
    pub role: String,
    pub last_seq: u64,
}

/// `POST /v1/enrol`: a one-time code for a device credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolReply {
    pub device: String,
    pub token: String,
    pub user: String,
    pub role: String,
}

/// `POST /v1/push`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub protocol: u32,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PushReply {
    /// Sequences applied now or before (a repeat of an accepted change is accepted again).
    pub accepted: Vec<u64>,
    pub rejected: Vec<Rejection>,
    /// The last sequence the server holds from this device.
    pub last_seq: u64,
    /// The server's clock when it answered (protocol 3): what a desk that skipped the hello
    /// learns the server's time from (absent from servers before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_time_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub seq: u64,
    /// `role`, `author`, `malformed`, `quarantined`, `gap`, `rewound` (the sequence holds
    /// another change of this device: it was restored from a backup or copied).
    pub code: String,
    pub reason: String,
}

/// `GET /v1/pull?after=CURSOR&limit=N`: changes the server holds, in server order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PullReply {
    pub changes: Vec<Pulled>,
    /// The cursor to ask from next (the last server sequence in this page).
    pub cursor: u64,
    pub more: bool,
    /// On the last page (`more` false): the version of the district's users (protocol 3,
    /// [`UsersReply::version`]), so a desk knows whether to ask for them (absent before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<String>,
    /// The server's clock when it answered (protocol 3), as in a push reply: a pass that only
    /// pulls still learns how far off the desk's clock is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_time_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pulled {
    pub server_seq: u64,
    pub device: String,
    pub change: Change,
}

/// `GET /v1/users` (a device credential, as for pull): the district's users as the server keeps
/// them, every one that is not removed. A desk replaces the users it had from the server with
/// these in one write, so one removed or given another role there changes at its next sync.
/// A server from before answers 404, and the desk keeps the users it has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersReply {
    pub users: Vec<DistrictUser>,
}

impl UsersReply {
    /// What the server's hello names and a desk keeps after applying the users: the first 16
    /// bytes of the SHA-256 of the users as sent, in hex. Any change to any user (a password,
    /// a role, a removal) changes it, whatever the clocks said.
    pub fn version(users: &[DistrictUser]) -> String {
        use sha2::{Digest, Sha256};
        let json = serde_json::to_vec(users).expect("users serialize");
        Sha256::digest(&json)[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// A user of the district: name, role (its code), the argon2id PHC string of the password the
/// desks check offline (none: the user logs in without one), and when any of it last changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictUser {
    pub name: String,
    pub role: String,
    pub password_hash: Option<String>,
    pub updated_at_ms: i64,
}

/// An error a server answers with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, hash: Option<&str>) -> DistrictUser {
        DistrictUser {
            name: name.into(),
            role: "staff".into(),
            password_hash: hash.map(Into::into),
            updated_at_ms: 1_764_300_000_000,
        }
    }

    #[test]
    fn the_users_version_changes_with_any_user_and_only_then() {
        let users = vec![user("王参谋", None), user("李技术", Some("$argon2id$a"))];
        let v = UsersReply::version(&users);
        assert_eq!(v.len(), 32);
        assert_eq!(v, UsersReply::version(&users.clone()));
        // A new password under the same time (two edits in one millisecond), a role, a
        // removal: each a new version.
        let mut password = users.clone();
        password[1].password_hash = Some("$argon2id$b".into());
        let mut role = users.clone();
        role[0].role = "commander".into();
        let versions = [
            UsersReply::version(&password),
            UsersReply::version(&role),
            UsersReply::version(&users[..1]),
            UsersReply::version(&[]),
        ];
        for other in &versions {
            assert_ne!(*other, v);
        }
    }
}
