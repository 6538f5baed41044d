//! A decision's draft as a synced record (`Collection::Decisions`): the fields its desks edit one
//! by one, each merged like a registry field (last writer wins on the stamp; two edits made at
//! once kept as a conflict every desk lists), and the decision they make before any act.

use crate::command::decision::{Content, Decision, Signoff};
use crate::command::workflow::DecisionState;
use crate::{EntityId, Error};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The fields that are not the document's content.
const INCIDENT: &str = "incident_id";
const DRAFTED: &str = "drafted";

/// The record's fields of a draft: its incident, who drafted it, and each part of its content.
pub fn fields(d: &Decision) -> Result<Vec<(String, Value)>, Error> {
    let mut out = vec![
        (
            INCIDENT.to_owned(),
            Value::String(d.incident_id.to_string()),
        ),
        (DRAFTED.to_owned(), to_value(&d.drafted)?),
    ];
    match to_value(&d.content)? {
        Value::Object(parts) => out.extend(parts),
        _ => return Err(Error::Body("a decision's content is not an object".into())),
    }
    Ok(out)
}

/// The content fields that differ between two versions of a draft (an edit writes only these).
pub fn changed(before: &Content, after: &Content) -> Result<Vec<(String, Value)>, Error> {
    let (Value::Object(a), Value::Object(b)) = (to_value(before)?, to_value(after)?) else {
        return Err(Error::Body("a decision's content is not an object".into()));
    };
    Ok(b.into_iter().filter(|(k, v)| a.get(k) != Some(v)).collect())
}

/// The draft the record's winning values make (`retired` and unknown fields ignored).
pub fn from_fields(id: EntityId, values: &BTreeMap<String, Value>) -> Result<Decision, Error> {
    let incident = values
        .get(INCIDENT)
        .and_then(Value::as_str)
        .ok_or(Error::Empty {
            field: "decision incident",
        })?;
    let drafted: Signoff = values
        .get(DRAFTED)
        .cloned()
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| Error::Body(format!("decision {id}: drafted: {e}")))?
        .ok_or(Error::Empty {
            field: "decision drafted",
        })?;
    let parts: Map<String, Value> = values
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                INCIDENT | DRAFTED | crate::sync::change::RETIRED
            )
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let content: Content = serde_json::from_value(Value::Object(parts))
        .map_err(|e| Error::Body(format!("decision {id}: {e}")))?;
    Ok(Decision {
        id,
        incident_id: EntityId::parse(incident)?,
        number: String::new(),
        state: DecisionState::Draft,
        content,
        drafted,
        reviews: vec![],
        approved: None,
        issued: None,
        exception: None,
    })
}

fn to_value(v: &impl serde::Serialize) -> Result<Value, Error> {
    serde_json::to_value(v).map_err(|e| Error::Body(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::decision::{Order, Recipient};

    #[test]
    fn a_draft_round_trips_through_its_fields_and_an_edit_writes_only_what_changed() {
        let d = Decision {
            id: EntityId::v7(1, [1; 10]),
            incident_id: EntityId::v7(2, [2; 10]),
            number: String::new(),
            state: DecisionState::Draft,
            content: Content {
                situation: "太和镇山火".into(),
                orders: vec![Order {
                    recipient: Recipient {
                        id: None,
                        name: "太和镇人民政府".into(),
                    },
                    action: "封控进山路口".into(),
                    place: String::new(),
                    geometry: None,
                    deadline: String::new(),
                }],
                ..Content::default()
            },
            drafted: Signoff {
                by: "王参谋".into(),
                at_ms: 5,
                desk: String::new(),
            },
            reviews: vec![],
            approved: None,
            issued: None,
            exception: None,
        };
        let values: BTreeMap<String, Value> = fields(&d).unwrap().into_iter().collect();
        assert_eq!(from_fields(d.id, &values).unwrap(), d);
        let mut after = d.content.clone();
        after.safety.push("扑火人员配备风力灭火机".into());
        let names: Vec<String> = changed(&d.content, &after)
            .unwrap()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(names, ["safety"]);
        let mut broken = values.clone();
        broken.insert("orders".into(), Value::String("很多".into()));
        assert!(from_fields(d.id, &broken).is_err());
    }
}
