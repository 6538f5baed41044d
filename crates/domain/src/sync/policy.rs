//! What the server admits: which roles may push which changes, and how far ahead of the server's
//! clock a stamp may run before the change is quarantined instead of applied.

use super::{Change, Collection, Op};
use crate::command::role::Role;

/// Stamps more than this far ahead of the server's clock are quarantined: a device whose clock
/// runs fast would otherwise win every edit for as long as its clock is wrong.
pub const MAX_AHEAD_MS: u64 = 5 * 60 * 1000;

/// Why a change is not applied. Each is final for that change: the device moves on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Role {
        role: Role,
        kind: &'static str,
    },
    Malformed(String),
    Ahead {
        ms: u64,
    },
    /// A decision event whose hash or signature does not hold.
    Signature(&'static str),
    /// The change names as its author someone who is no user of the district.
    UnknownAuthor(String),
    /// The change's author holds a role that may not push it (whichever device carried it).
    AuthorRole {
        author: String,
        role: Role,
        kind: &'static str,
    },
}

impl Refusal {
    /// A stable code for replies.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Role { .. } => "role",
            Refusal::Malformed(_) => "malformed",
            Refusal::Ahead { .. } => "quarantined",
            Refusal::Signature(_) => "signature",
            Refusal::UnknownAuthor(_) => "author",
            Refusal::AuthorRole { .. } => "role",
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Role { role, kind } => {
                write!(f, "role {role} may not push {kind} changes")
            }
            Refusal::Malformed(why) => write!(f, "malformed change: {why}"),
            Refusal::Ahead { ms } => write!(
                f,
                "stamped {} s ahead of the server's clock: quarantined, not applied",
                ms / 1000
            ),
            Refusal::Signature(why) => write!(f, "decision event refused: {why}"),
            Refusal::UnknownAuthor(name) => {
                write!(f, "the author {name:?} is no user of the district")
            }
            Refusal::AuthorRole { author, role, kind } => {
                write!(
                    f,
                    "the author {author:?} ({role}) may not push {kind} changes"
                )
            }
        }
    }
}

/// Whether the server applies a change pushed by a device of a user with `role`, at server time
/// `now_ms`. Observers push nothing; a drill controller runs drills (incidents and their logs),
/// not the registries or stock.
pub fn admit(role: Role, change: &Change, now_ms: u64) -> Result<(), Refusal> {
    if let Some(why) = change.op.problem() {
        return Err(Refusal::Malformed(why));
    }
    // Every role is decided here (no catch-all): a new role cannot push until it is.
    let allowed = match role {
        Role::Commander | Role::TechnicalOfficer | Role::Staff => true,
        Role::DrillController => match &change.op {
            Op::Record { collection, .. } => *collection == Collection::Incidents,
            Op::Log { .. } => true,
            Op::Ledger { .. }
            | Op::Event { .. }
            | Op::Act { .. }
            | Op::Readings { .. }
            | Op::AlarmStep { .. } => false,
        },
        Role::Observer => false,
    };
    if !allowed {
        return Err(Refusal::Role {
            role,
            kind: change.op.kind(),
        });
    }
    if let Op::Event { event } = &change.op {
        crate::command::chain::check_seal(event).map_err(Refusal::Signature)?;
    }
    if let Op::Act { transition: t } = &change.op {
        // The act names the person who took it and the role they took it in: the change's
        // author must be that person, and the role must allow the act at all (the fold then
        // decides whether it applies in the state it met).
        if t.by != change.author {
            return Err(Refusal::Malformed(format!(
                "the act is by {:?} but the change is authored by {:?}",
                t.by, change.author
            )));
        }
        let action = t.act.action();
        if !crate::command::workflow::may(t.role, action) {
            return Err(Refusal::Role {
                role: t.role,
                kind: action.code(),
            });
        }
        if let Some(event) = &t.event {
            crate::command::chain::check_seal(event).map_err(Refusal::Signature)?;
        }
    }
    // A base is a stamp the writer had seen, so the clock stamps the write after it; the
    // snapshot's compaction relies on it (`snapshot::live`).
    if let Op::Record { fields, .. } = &change.op {
        if let Some(name) = fields
            .iter()
            .find(|(_, w)| w.base.as_ref().is_some_and(|b| *b >= change.stamp))
            .map(|(name, _)| name)
        {
            return Err(Refusal::Malformed(format!(
                "field {name:?} replaces a write no earlier than the change itself"
            )));
        }
    }
    if change.stamp.ms > now_ms.saturating_add(MAX_AHEAD_MS) {
        return Err(Refusal::Ahead {
            ms: change.stamp.ms - now_ms,
        });
    }
    Ok(())
}

/// [`admit`] for the device's user's `role`, and then for the change's author: `author` is the
/// author's role as the server knows it (none: no user of the district, refused as `author`).
/// The author's role goes through `admit`'s own table, so one table says who may push what;
/// a change that passed it for the device fails it for the author only by role.
pub fn admit_authored(
    role: Role,
    author: Option<Role>,
    change: &Change,
    now_ms: u64,
) -> Result<(), Refusal> {
    let Some(author_role) = author else {
        return Err(Refusal::UnknownAuthor(change.author.clone()));
    };
    admit(role, change, now_ms)?;
    // A signed event names its author inside what was signed: the change must name the same
    // person, or the role checked would not be the signer's.
    if let Op::Event { event } = &change.op {
        if event.author != change.author {
            return Err(Refusal::Malformed(format!(
                "the change names {:?} as its author, its signed event {:?}",
                change.author, event.author
            )));
        }
    }
    if author_role == role {
        return Ok(());
    }
    match admit(author_role, change, now_ms) {
        Err(Refusal::Role { role, kind }) => Err(Refusal::AuthorRole {
            author: change.author.clone(),
            role,
            kind,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::{FieldWrite, Stamp};
    use crate::EntityId;

    fn change(collection: Collection, ms: u64) -> Change {
        Change {
            seq: 1,
            stamp: Stamp {
                ms,
                counter: 0,
                node: "d".into(),
            },
            author: "张三".into(),
            op: Op::Record {
                collection,
                id: EntityId::v7(1, [0; 10]),
                fields: [(
                    "name".to_string(),
                    FieldWrite {
                        value: "x".into(),
                        base: None,
                    },
                )]
                .into(),
            },
        }
    }

    #[test]
    fn who_may_push_what() {
        let now = 1_000_000;
        // (A name that is no role cannot get this far: the server parses roles through `Role`.)
        let cases = [
            (Role::Commander, Collection::Shelters, true),
            (Role::Staff, Collection::Teams, true),
            (Role::TechnicalOfficer, Collection::Incidents, true),
            (Role::Observer, Collection::Shelters, false),
            (Role::Observer, Collection::Incidents, false),
            (Role::DrillController, Collection::Incidents, true),
            (Role::DrillController, Collection::Depots, false),
        ];
        for (role, collection, ok) in cases {
            assert_eq!(
                admit(role, &change(collection, now), now).is_ok(),
                ok,
                "{role} {collection}"
            );
        }
    }

    #[test]
    fn a_stamp_far_ahead_is_quarantined_and_a_little_ahead_is_not() {
        let now = 1_000_000_000;
        assert!(admit(Role::Staff, &change(Collection::Teams, now + 60_000), now).is_ok());
        let r = admit(
            Role::Staff,
            &change(Collection::Teams, now + MAX_AHEAD_MS + 1),
            now,
        )
        .unwrap_err();
        assert_eq!(r.code(), "quarantined");
    }

    #[test]
    fn a_base_not_before_its_own_stamp_is_malformed() {
        let now = 1_000_000;
        let mut c = change(Collection::Teams, now);
        let Op::Record { fields, .. } = &mut c.op else {
            unreachable!()
        };
        fields.get_mut("name").unwrap().base = Some(c.stamp.clone());
        assert_eq!(admit(Role::Staff, &c, now).unwrap_err().code(), "malformed");
    }

    /// An unknown collection cannot be read into a change at all: the push is refused whole,
    /// with the name in the message, before anything is written.
    #[test]
    fn an_unknown_collection_is_refused_by_name() {
        let mut body = serde_json::to_value(change(Collection::Teams, 1)).unwrap();
        body["op"]["collection"] = "users".into();
        let err = serde_json::from_value::<Change>(body)
            .unwrap_err()
            .to_string();
        assert!(err.contains("users"), "{err}");
    }

    #[test]
    fn the_author_must_hold_the_role_too() {
        let now = 1_000_000;
        let c = change(Collection::Shelters, now);
        let cases = [
            (
                "the device's user is the author",
                Role::Staff,
                Some(Role::Staff),
                None,
            ),
            (
                "a commander's edit on a staff desk",
                Role::Staff,
                Some(Role::Commander),
                None,
            ),
            (
                "an observer named as author",
                Role::Staff,
                Some(Role::Observer),
                Some("role"),
            ),
            (
                "a drill controller's registry edit",
                Role::Commander,
                Some(Role::DrillController),
                Some("role"),
            ),
            (
                "an author the server does not know",
                Role::Commander,
                None,
                Some("author"),
            ),
            (
                "an observer's desk",
                Role::Observer,
                Some(Role::Commander),
                Some("role"),
            ),
        ];
        for (name, device, author, code) in cases {
            let got = admit_authored(device, author, &c, now).err();
            assert_eq!(got.as_ref().map(Refusal::code), code, "{name}: {got:?}");
        }
        let unknown = admit_authored(Role::Staff, None, &c, now).unwrap_err();
        assert!(unknown.to_string().contains("张三"), "{unknown}");
        let observer = admit_authored(Role::Staff, Some(Role::Observer), &c, now).unwrap_err();
        assert_eq!(
            observer.to_string(),
            "the author \"张三\" (observer) may not push record changes"
        );
    }
}
