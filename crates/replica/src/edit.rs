//! Editing one record from the window or `yitu update`: the change is validated exactly as an
//! import row is (the record's row with cells replaced, parsed again), then written with its
//! change-log entry; creating one is an import of one row that must make a new record; retiring marks a record retired (never deleted) and logs it.

use crate::import::ImportPlan;
use crate::table::{change_log, record_op, resource};
use crate::write::Author;
use crate::{Error, Store};
use yitu_domain::import::plan::Change;
use yitu_domain::import::{edit, sheet, Context, Crs, ImportKind, Issue, SourceRow};
use yitu_domain::registries::resource::Resource;
use yitu_domain::space::district::District;
use yitu_domain::sync::change::RETIRED;
use yitu_domain::sync::{Collection, Op};
use yitu_domain::{registries::town, EntityId, Layer};

/// What an edit did.
#[derive(Debug, Clone, PartialEq)]
pub enum Edited {
    /// The values given were the record's own.
    Unchanged,
    Updated(Box<Resource>),
}

impl Store {
    /// Sets fields of one record (`(field key or Chinese header, value)`), positions given in
    /// `crs`. Any bad value refuses the whole edit with every reason ([`Error::Refused`]) and
    /// writes nothing.
    pub async fn update_record(
        &self,
        id: EntityId,
        sets: &[(String, String)],
        crs: Crs,
        author: Author<'_>,
    ) -> Result<Edited, Error> {
        let before = self.resource(id).await?;
        // Validated in a block: the context (with its non-Send id source) ends before any await,
        // so the shell can run this on its thread pool.
        let after = {
            let district = District::hechuan();
            let towns = town::all();
            let mut same_id = || id;
            let mut ctx = Context {
                district: &district,
                towns: &towns,
                crs,
                new_id: &mut same_id,
            };
            edit::apply(&before, sets, &towns, &mut ctx).map_err(Error::Refused)?
        };
        if after == before {
            return Ok(Edited::Unchanged);
        }
        let change = Change::Update {
            before: Box::new(before),
            after: after.clone(),
        };
        self.apply_import(&ImportPlan::Resources(vec![(0, change)]), author, |_, _| {})
            .await?;
        Ok(Edited::Updated(Box::new(after)))
    }

    /// Creates one record of `kind` from its cells under the import headers of that kind
    /// (`sheet::headers`), positions in `crs`: validated exactly as an import row is, and refused
    /// with every reason ([`Error::Refused`]) when a cell is bad or when the row names a record
    /// that already exists (same id, or same kind, name and town): a form that creates must not
    /// overwrite. Returns the new record.
    pub async fn create_record(
        &self,
        kind: ImportKind,
        cells: &[String],
        crs: Crs,
        author: Author<'_>,
    ) -> Result<Resource, Error> {
        if Layer::from_code(kind.code()).is_err() {
            return Err(Error::Refused(vec![Issue {
                line: 1,
                field: kind.code().into(),
                reason: "stock is received into a depot, not created as a record".into(),
            }]));
        }
        let headers = sheet::headers(kind);
        let row = [SourceRow {
            line: 2,
            cells,
            geometry: None,
        }];
        let checked = self
            .check_import(kind, &headers, &row, crs, &mut *author.new_id)
            .await?;
        let mut issues = checked.header_issues;
        issues.extend(checked.issues);
        let created = match &checked.plan {
            ImportPlan::Resources(changes) => match changes.first() {
                Some((_, Change::Insert(r))) => Some(r.clone()),
                Some((_, existing @ (Change::Update { .. } | Change::Unchanged(_)))) => {
                    let before = match existing {
                        Change::Update { before, .. } => before.as_ref(),
                        Change::Unchanged(r) | Change::Insert(r) => r,
                    };
                    issues.push(Issue {
                        line: 2,
                        field: "名称".into(),
                        reason: format!(
                            "已有同名记录（{}，{}）：请编辑它 / a record of this name in this town exists already ({}): edit it instead",
                            before.name(),
                            before.id(),
                            before.id()
                        ),
                    });
                    None
                }
                None => None,
            },
            ImportPlan::Stock(_) => None,
        };
        let Some(record) = created.filter(|_| issues.is_empty()) else {
            return Err(Error::Refused(issues));
        };
        self.apply_import(&checked.plan, author, |_, _| {}).await?;
        Ok(record)
    }

    /// Retires a record: it leaves the map, searches and analyses, stays in the file with its
    /// history, and the change log says who retired it and why.
    pub async fn retire_record(
        &self,
        id: EntityId,
        reason: &str,
        author: Author<'_>,
    ) -> Result<(), Error> {
        let record = self.resource(id).await?;
        let mut w = self.write_as(&author).await?;
        if !resource::retire(w.conn(), id).await? {
            return Err(Error::NotFound {
                what: "live record",
                id: id.to_string(),
            });
        }
        let bases = record_op::bases(w.conn(), id).await?;
        let op = Op::record(
            Collection::of_layer(record.layer()),
            id,
            [(RETIRED.to_owned(), serde_json::Value::Bool(true))],
            &bases,
        );
        w.change(&op).await?;
        w.log(&[change_log::Entry {
            action: "retire",
            layer: record.layer().code(),
            record_id: id.to_string(),
            diff: serde_json::json!({ "reason": reason, "name": record.name() }),
            source: author.source.to_owned(),
        }])
        .await?;
        w.commit().await
    }
}
