//! Editing one record field by field (`yitu update … --set FIELD=VALUE`): the record is laid out
//! as its import row, the named cells replaced, and the row parsed again, so an edit is
//! validated by exactly the rules an import is.

use super::columns::{fields, normalise_header, ColumnMap};
use super::{parse, sheet, Context, ImportKind, Issue, Record, SourceRow};
use crate::registries::resource::Resource;
use crate::registries::town::Town;

/// The kind a record is imported and edited as.
pub fn kind_of(r: &Resource) -> ImportKind {
    match r {
        Resource::Team(_) => ImportKind::Teams,
        Resource::Expert(_) => ImportKind::Experts,
        Resource::Depot(_) => ImportKind::Depots,
        Resource::Shelter(_) => ImportKind::Shelters,
        Resource::Hazard(_) => ImportKind::Hazards,
    }
}

/// The record with `sets` applied (FIELD is a field key such as `capacity` or a header such as
/// 容纳人数), or every reason it was refused. The id cannot be set.
pub fn apply(
    record: &Resource,
    sets: &[(String, String)],
    towns: &[Town],
    ctx: &mut Context<'_>,
) -> Result<Resource, Vec<Issue>> {
    let kind = kind_of(record);
    let headers = sheet::headers(kind);
    let mut cells = sheet::resource_row(record, towns);
    let mut issues = Vec::new();
    for (field, value) in sets {
        let map = ColumnMap::new(kind, std::slice::from_ref(field));
        match map.columns.iter().position(Option::is_some) {
            Some(0) => issues.push(Issue {
                line: 0,
                field: field.clone(),
                reason: "the id (编号) of a record cannot be changed".into(),
            }),
            Some(i) => cells[i] = value.clone(),
            None => issues.push(Issue {
                line: 0,
                field: field.clone(),
                reason: format!(
                    "unknown field {:?} for {}: one of {}",
                    normalise_header(field),
                    kind.code(),
                    fields(kind)[1..]
                        .iter()
                        .map(|f| format!("{} ({})", f.key, f.zh))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let row = SourceRow {
        line: 0,
        cells: &cells,
        geometry: None,
    };
    let parsed = parse(kind, &headers, &[row], 0, ctx);
    let mut all = parsed.header_issues;
    all.extend(parsed.issues);
    match parsed.rows.into_iter().next() {
        Some(p) if all.is_empty() => match p.record {
            Record::Resource(r) => Ok(r),
            Record::Stock(_) => unreachable!("resources parse as resources"),
        },
        _ => Err(all),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::district::District;
    use crate::{demo, EntityId};

    fn shelter() -> Resource {
        demo::generate(demo::DEFAULT_SEED)
            .resources
            .into_iter()
            .find(|r| matches!(r, Resource::Shelter(_)))
            .unwrap()
    }

    fn edit(r: &Resource, sets: &[(&str, &str)]) -> Result<Resource, Vec<Issue>> {
        let district = District::hechuan();
        let towns = crate::registries::town::all();
        let mut new_id = || EntityId::v7(0, [0; 10]);
        let mut ctx = Context {
            district: &district,
            towns: &towns,
            crs: super::super::Crs::Wgs84,
            new_id: &mut new_id,
        };
        let sets: Vec<(String, String)> = sets
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        apply(r, &sets, &towns, &mut ctx)
    }

    #[test]
    fn a_valid_edit_changes_that_field_only() {
        let r = shelter();
        let Resource::Shelter(before) = &r else {
            panic!()
        };
        let Resource::Shelter(after) = edit(&r, &[("capacity", "９９９")]).unwrap() else {
            panic!()
        };
        assert_eq!(after.capacity, 999);
        assert_eq!(after.id, before.id);
        assert_eq!(
            Shelter {
                capacity: 0,
                ..after.clone()
            },
            Shelter {
                capacity: 0,
                ..before.clone()
            }
        );
        let Resource::Shelter(closed) = edit(&r, &[("状态", "关闭")]).unwrap() else {
            panic!()
        };
        assert_eq!(
            closed.status,
            crate::registries::shelter::ShelterStatus::Closed
        );
    }

    use crate::registries::shelter::Shelter;

    #[test]
    fn bad_edits_are_refused_with_a_reason() {
        let r = shelter();
        let cases = [
            (("capacity", "lots"), "not a number"),
            (("volcano", "1"), "unknown field"),
            (("id", "x"), "cannot be changed"),
            (("所属镇街", "渝中区"), "unknown town"),
            (("lon", "29.9"), "outside"),
        ];
        for ((field, value), reason) in cases {
            let issues = edit(&r, &[(field, value)]).unwrap_err();
            assert!(
                issues.iter().any(|i| i.reason.contains(reason)),
                "{field}={value}: {issues:?}"
            );
        }
    }
}
