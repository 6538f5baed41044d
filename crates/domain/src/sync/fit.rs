//! Whether a value can stand in a record's field at all, decided without the record: the value
//! is laid over a known good record of the same collection and read back as that collection's
//! type. A value that no record could hold ("一千二百" for a shelter's 容纳人数, a string for a
//! draft's orders) is refused where it enters — at the server's door and before a desk writes
//! it — instead of syncing to every desk and leaving the record unreadable there.

use super::Collection;
use crate::command::decision::{Content, Decision, Order, Recipient, Signoff};
use crate::command::incident::{Incident, IncidentKind, IncidentLevel, IncidentStatus, Toll};
use crate::registries::resource::Resource;
use crate::{EntityId, LonLat};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// One known good record per collection, as JSON objects (registries: the first demo record of
/// each layer and its first station; an incident and a decision draft written here).
fn templates() -> &'static BTreeMap<Collection, Map<String, Value>> {
    static T: OnceLock<BTreeMap<Collection, Map<String, Value>>> = OnceLock::new();
    T.get_or_init(|| {
        let mut out = BTreeMap::new();
        let demo = crate::demo::generate(crate::demo::DEFAULT_SEED);
        for r in &demo.resources {
            let c = Collection::of_layer(r.layer());
            if let (false, Ok(Value::Object(m))) = (out.contains_key(&c), serde_json::to_value(r)) {
                out.insert(c, m);
            }
        }
        let id = EntityId::v7(0, [0; 10]);
        let incident = Incident {
            id,
            title: "模板".into(),
            kind: IncidentKind::Flood,
            level: IncidentLevel::General,
            status: IncidentStatus::Responding,
            at_ms: 0,
            point: LonLat {
                lon: 106.27,
                lat: 29.99,
            },
            area: None,
            toll: Toll::default(),
            created_by: "模板".into(),
        };
        if let Ok(Value::Object(m)) = serde_json::to_value(&incident) {
            out.insert(Collection::Incidents, m);
        }
        let drafted = Signoff {
            by: "模板".into(),
            at_ms: 0,
            desk: String::new(),
        };
        let content = Content {
            situation: "模板".into(),
            orders: vec![Order {
                recipient: Recipient {
                    id: None,
                    name: "模板".into(),
                },
                action: "模板".into(),
                place: String::new(),
                geometry: None,
                deadline: String::new(),
            }],
            ..Content::default()
        };
        let draft = Decision::draft(id, id, content, drafted);
        if let Ok(fields) = crate::command::draft::fields(&draft) {
            out.insert(Collection::Decisions, fields.into_iter().collect());
        }
        if let Some(Ok(Value::Object(m))) = crate::demo::stations::stations(&demo)
            .first()
            .map(serde_json::to_value)
        {
            out.insert(Collection::Stations, m);
        }
        let warning = crate::monitoring::Warning {
            id,
            level: crate::monitoring::WarningLevel::Yellow,
            kind: crate::monitoring::WarningKind::Rainstorm,
            area: crate::monitoring::WarningArea::Towns {
                towns: vec!["500117001".into()],
                villages: Vec::new(),
            },
            headline: "模板".into(),
            description: String::new(),
            instructions: "模板".into(),
            issued_at_ms: 0,
            onset_ms: 0,
            expires_ms: 3_600_000,
            issuer: "模板".into(),
            sender: "模板".into(),
            status: crate::monitoring::WarningStatus::Issued,
            supersedes: None,
            exercise: false,
        };
        if let Ok(Value::Object(m)) = serde_json::to_value(&warning) {
            out.insert(Collection::Warnings, m);
        }
        out
    })
}

/// Whether `value` can stand in `field` of a record of `collection`; why not, if not.
/// `retired` is the merge's own field (checked by the change itself).
pub fn fits(collection: Collection, field: &str, value: &Value) -> Result<(), String> {
    read(collection, [(field, value)]).map_err(|why| words(field, value, &why))
}

/// [`fits`] for every field one change sets: read back once (a new record sets them all),
/// and field by field only to name the one that does not fit.
pub fn all_fit<'a>(
    collection: Collection,
    fields: impl Iterator<Item = (&'a str, &'a Value)> + Clone,
) -> Result<(), String> {
    if read(collection, fields.clone()).is_ok() {
        return Ok(());
    }
    fields
        .map(|(field, value)| fits(collection, field, value))
        .find(Result::is_err)
        .unwrap_or(Ok(()))
}

/// The template of `collection` with `fields` laid over it, read back; the reader's words if
/// it cannot be.
fn read<'a>(
    collection: Collection,
    fields: impl IntoIterator<Item = (&'a str, &'a Value)>,
) -> Result<(), String> {
    let Some(template) = templates().get(&collection) else {
        // No template (a layer the demo has no record of): nothing to compare with.
        return Ok(());
    };
    let mut m = template.clone();
    for (field, value) in fields {
        if field != super::change::RETIRED {
            m.insert(field.to_owned(), value.clone());
        }
    }
    match collection {
        Collection::Incidents => serde_json::from_value::<Incident>(Value::Object(m))
            .map(drop)
            .map_err(|e| e.to_string()),
        // Read as a warning only: whether it validates (an update must name what it replaces)
        // depends on fields set together, which the desk checks when it issues one.
        Collection::Warnings => {
            serde_json::from_value::<crate::monitoring::Warning>(Value::Object(m))
                .map(drop)
                .map_err(|e| e.to_string())
        }
        Collection::Stations => {
            serde_json::from_value::<crate::monitoring::station::Station>(Value::Object(m))
                .map_err(|e| e.to_string())?
                .validate()
                .map_err(|e| e.to_string())
        }
        Collection::Decisions => {
            let values: BTreeMap<String, Value> = m.into_iter().collect();
            crate::command::draft::from_fields(EntityId::v7(0, [0; 10]), &values)
                .map(drop)
                .map_err(|e| e.to_string())
        }
        _ => serde_json::from_value::<Resource>(Value::Object(m))
            .map(drop)
            .map_err(|e| e.to_string()),
    }
}

fn words(field: &str, value: &Value, why: &str) -> String {
    format!("field {field:?}: {value} is not a value this field can hold ({why}) / “{value}” 不是此字段能取的值")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Written by hand: values a district would type, and whether each field can hold them.
    #[test]
    fn values_that_no_record_could_hold_are_named() {
        let cases = [
            (Collection::Shelters, "capacity", json!(1200), true),
            (Collection::Shelters, "capacity", json!("一千二百"), false),
            (Collection::Shelters, "capacity", json!(-5), false),
            (
                Collection::Shelters,
                "name",
                json!("钱塘中学避难场所"),
                true,
            ),
            (Collection::Shelters, "name", json!(12), false),
            (Collection::Teams, "headcount", json!("三十"), false),
            (Collection::Teams, "headcount", json!(30), true),
            (Collection::Incidents, "level", json!("较大"), true),
            (Collection::Incidents, "level", json!("很大"), false),
            (Collection::Incidents, "title", json!("钱塘镇山洪"), true),
            (Collection::Decisions, "orders", json!("派人去"), false),
            (Collection::Decisions, "situation", json!("山洪"), true),
            (Collection::Decisions, "class", json!("technical"), true),
            (Collection::Decisions, "class", json!("绝密"), false),
            (Collection::Shelters, "retired", json!(true), true),
            (Collection::Stations, "reports_every_min", json!(5), true),
            (Collection::Warnings, "level", json!("red"), true),
            (Collection::Warnings, "level", json!("紫色"), false),
            (Collection::Warnings, "expires_ms", json!("明天"), false),
            (
                Collection::Stations,
                "reports_every_min",
                json!("五分钟"),
                false,
            ),
            (Collection::Stations, "kind", json!("water_level"), true),
            (
                Collection::Stations,
                "location",
                json!({"lon": 116.4, "lat": 39.9}),
                false,
            ),
        ];
        for (c, field, value, ok) in cases {
            let got = fits(c, field, &value);
            assert_eq!(got.is_ok(), ok, "{c} {field} {value}: {got:?}");
            if let Err(why) = got {
                assert!(
                    why.contains(field) && why.contains("不是此字段能取的值"),
                    "{why}"
                );
            }
        }
    }
}
