//! Bodies of older protocol versions read as today's: each step rewrites a body of version n
//! into version n + 1 as JSON, before it is read into today's types, so a desktop that was not
//! updated keeps pushing after the protocol changes. A field added since is read with its serde
//! default and needs no step; a step is for what a default cannot say (a field renamed, split or
//! given a new meaning).
//!
//! To change the push body in version N + 1: add the step `N` to [`push_step`] (rewriting a
//! version-N body's JSON), then raise `wire::PROTOCOL`; `MIN_PROTOCOL` rises only when a step
//! is dropped.

use super::wire::{PushRequest, MIN_PROTOCOL, PROTOCOL};
use crate::Error;
use serde_json::Value;

/// A push body of any version from [`MIN_PROTOCOL`] to [`PROTOCOL`], as this version's request.
pub fn push(mut body: Value) -> Result<PushRequest, Error> {
    let given = body
        .get("protocol")
        .and_then(Value::as_u64)
        .ok_or_else(|| Error::Body("no protocol version".into()))?;
    let given = u32::try_from(given).unwrap_or(u32::MAX);
    if !(MIN_PROTOCOL..=PROTOCOL).contains(&given) {
        return Err(Error::Protocol {
            given,
            min: MIN_PROTOCOL,
            max: PROTOCOL,
        });
    }
    for version in given..PROTOCOL {
        push_step(version, &mut body);
        body["protocol"] = Value::from(version + 1);
    }
    serde_json::from_value(body).map_err(|e| Error::Body(e.to_string()))
}

/// Rewrites a push body of `version` into `version + 1`. 1 → 2 added the snapshot and hello's
/// `head`; a push reads the same, so there is nothing to rewrite yet (nor from 2 to 3, which
/// added fields to replies, or 3 to 4, snapshot ranges). The next change of the
/// push body adds its arm here: `match version { 2 => rename(body, …), _ => {} }`.
fn push_step(version: u32, body: &mut Value) {
    debug_assert!(version >= MIN_PROTOCOL && body.is_object());
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_version_1_push_without_optional_fields_reads_as_today() {
        let body = json!({
            "protocol": 1,
            "changes": [{
                "seq": 1,
                "stamp": "0001764300000000-0000000000-old",
                "author": "王参谋",
                "op": {"op": "ledger", "name": "棉被", "unit": "床", "entry": {
                    "id": "019b76da-a867-7425-9682-6f36aa29550d",
                    "depot_id": "019b76da-a867-7425-9682-6f36aa29550e",
                    "code": "1010301", "kind": "issue", "quantity": 5, "at_ms": 1}}
            }]
        });
        let request = push(body).unwrap();
        assert_eq!(request.protocol, PROTOCOL);
        assert_eq!(request.changes.len(), 1);
    }

    #[test]
    fn versions_outside_the_range_are_refused_by_number() {
        for given in [0, PROTOCOL + 1] {
            let err = push(json!({"protocol": given, "changes": []})).unwrap_err();
            assert!(
                matches!(err, Error::Protocol { given: g, .. } if g == given),
                "{err}"
            );
        }
        assert!(matches!(push(json!({"changes": []})), Err(Error::Body(_))));
    }
}
