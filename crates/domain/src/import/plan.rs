//! Setting parsed rows against what the store holds: which rows add a record, which update one
//! (matched by id, else by kind + name + town), which change nothing, and which stock movements
//! make each depot's balance equal the count in the file.

use super::{cells, DepotRef, Issue, ParsedRow, Record, StockItem};
use crate::registries::depot::Depot;
use crate::registries::resource::Resource;
use crate::stock::{Balance, MoveKind, StockLine};
use crate::EntityId;
use std::collections::HashMap;

/// What one row does to the registry.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Insert(Resource),
    Update {
        before: Box<Resource>,
        after: Resource,
    },
    Unchanged(Resource),
}

/// What one stock row does: the line as it will be, whether it is new or its name, unit or
/// expiry change, and the movement that brings the balance to the count.
#[derive(Debug, Clone, PartialEq)]
pub struct StockChange {
    pub line: StockLine,
    pub new_line: bool,
    pub line_changed: bool,
    /// `Receive` for a new line, `Recount` (signed difference) for an existing one.
    pub movement: Option<(MoveKind, i64)>,
}

/// The key a record without a given id is matched by.
fn natural_key(r: &Resource) -> (&'static str, String, String) {
    (
        r.layer().code(),
        cells::clean(r.name()),
        r.town_code().to_owned(),
    )
}

/// Plans registry rows against the live records of the same layer.
pub fn resources(rows: &[ParsedRow], existing: &[Resource]) -> (Vec<(usize, Change)>, Vec<Issue>) {
    let by_id: HashMap<EntityId, &Resource> = existing.iter().map(|r| (r.id(), r)).collect();
    let mut by_key: HashMap<(&'static str, String, String), &Resource> = HashMap::new();
    for r in existing {
        by_key.entry(natural_key(r)).or_insert(r);
    }
    // Which record each earlier row of the file claimed, so a record named twice is refused.
    let mut claimed: HashMap<EntityId, usize> = HashMap::new();
    let mut claimed_key: HashMap<(&'static str, String, String), usize> = HashMap::new();
    let mut changes = Vec::new();
    let mut issues = Vec::new();
    for row in rows {
        let Record::Resource(incoming) = &row.record else {
            continue;
        };
        let key = natural_key(incoming);
        let matched = if row.given_id {
            by_id.get(&incoming.id()).copied()
        } else {
            by_key.get(&key).copied()
        };
        let after = match matched {
            Some(before) => with_id(incoming.clone(), before.id()),
            None => incoming.clone(),
        };
        let earlier = claimed.get(&after.id()).or_else(|| {
            if row.given_id {
                None
            } else {
                claimed_key.get(&key)
            }
        });
        if let Some(first) = earlier {
            issues.push(Issue {
                line: row.line,
                field: "名称".into(),
                reason: format!(
                    "the same record as the row numbered {first} ({} in the same town, or the same 编号): one row per record; give each its 编号 if they are different records",
                    incoming.name()
                ),
            });
            continue;
        }
        claimed.insert(after.id(), row.line);
        claimed_key.insert(key, row.line);
        let change = match matched {
            None => Change::Insert(after),
            Some(before) if *before == after => Change::Unchanged(after),
            Some(before) => Change::Update {
                before: Box::new(before.clone()),
                after,
            },
        };
        changes.push((row.line, change));
    }
    (changes, issues)
}

fn with_id(mut r: Resource, id: EntityId) -> Resource {
    match &mut r {
        Resource::Team(x) => x.id = id,
        Resource::Expert(x) => x.id = id,
        Resource::Depot(x) => x.id = id,
        Resource::Shelter(x) => x.id = id,
        Resource::Hazard(x) => x.id = id,
    }
    r
}

/// What the store holds of stock, for planning.
#[derive(Debug, Clone, Default)]
pub struct StockState {
    pub depots: Vec<Depot>,
    pub lines: Vec<StockLine>,
    pub balances: HashMap<(EntityId, String), Balance>,
}

/// Plans stock rows: each names a depot (by id, or by a name only one depot has) and the
/// quantity counted on hand.
pub fn stock(rows: &[ParsedRow], state: &StockState) -> (Vec<(usize, StockChange)>, Vec<Issue>) {
    let mut changes = Vec::new();
    let mut issues = Vec::new();
    let mut seen: HashMap<(EntityId, String), usize> = HashMap::new();
    for row in rows {
        let Record::Stock(item) = &row.record else {
            continue;
        };
        let refuse = |field: &str, reason: String| Issue {
            line: row.line,
            field: field.to_owned(),
            reason,
        };
        let depot = match resolve(&item.depot, &state.depots) {
            Ok(d) => d,
            Err((field, reason)) => {
                issues.push(refuse(field, reason));
                continue;
            }
        };
        let key = (depot.id, item.code.as_str().to_owned());
        if let Some(first) = seen.get(&key) {
            issues.push(refuse(
                "物资编码",
                format!(
                    "{} of {} is already on line {first}: one row per depot and code",
                    item.code, depot.name
                ),
            ));
            continue;
        }
        let balance = state.balances.get(&key).copied().unwrap_or_default();
        if item.on_hand < balance.reserved {
            issues.push(refuse(
                "数量",
                format!(
                    "{} counted is less than the {} reserved at {}: release the reservation first",
                    item.on_hand, balance.reserved, depot.name
                ),
            ));
            continue;
        }
        seen.insert(key, row.line);
        changes.push((row.line, stock_change(item, depot.id, state, balance)));
    }
    (changes, issues)
}

fn stock_change(
    item: &StockItem,
    depot_id: EntityId,
    state: &StockState,
    balance: Balance,
) -> StockChange {
    let existing = state
        .lines
        .iter()
        .find(|l| l.depot_id == depot_id && l.code == item.code);
    let line = StockLine {
        depot_id,
        code: item.code.clone(),
        name: item.name.clone(),
        unit: item.unit.clone(),
        expiry: item.expiry.clone(),
        minimum: item.minimum.or(existing.and_then(|l| l.minimum)),
    };
    let difference = item.on_hand - balance.on_hand;
    let line_changed = existing.is_some_and(|l| *l != line);
    StockChange {
        new_line: existing.is_none(),
        line_changed,
        movement: match (existing, difference) {
            // A line opened empty or changed without a movement still needs an entry: entries
            // are what replicas receive, and a recount of 0 carries the line's terms to them.
            (None, 0) => Some((MoveKind::Recount, 0)),
            (Some(_), 0) if line_changed => Some((MoveKind::Recount, 0)),
            (_, 0) => None,
            (None, d) => Some((MoveKind::Receive, d)),
            (Some(_), d) => Some((MoveKind::Recount, d)),
        },
        line,
    }
}

fn resolve<'a>(depot: &DepotRef, depots: &'a [Depot]) -> Result<&'a Depot, (&'static str, String)> {
    match depot {
        DepotRef::Id(id) => depots.iter().find(|d| d.id == *id).ok_or_else(|| {
            (
                "储备库编号",
                format!("no depot with id {id}: import the depots first"),
            )
        }),
        DepotRef::Name(name) => {
            let found: Vec<&Depot> = depots
                .iter()
                .filter(|d| cells::clean(&d.name) == *name)
                .collect();
            match found.as_slice() {
                [one] => Ok(one),
                [] => Err((
                    "储备库",
                    format!("no depot named {name:?}: import the depots first"),
                )),
                _ => Err((
                    "储备库",
                    format!(
                        "{} depots are named {name:?}: give 储备库编号 instead",
                        found.len()
                    ),
                )),
            }
        }
    }
}
