//! Readiness against the plan's standard for relocation supplies: how many people the district
//! reserve (the 区级 depot) and each town's reserve (its 镇街 depot and village points) can house,
//! fed and bedded, compared with ≥ 5,000 for the district and ≥ 200 for each town.

use crate::registries::depot::{Depot, DepotLevel};
use crate::registries::town::Town;
use crate::stock::{Balance, StockLine};
use crate::EntityId;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// People the district reserve must support (合川区 plan).
pub const DISTRICT_STANDARD: u64 = 5_000;
/// People each town's reserve must support.
pub const TOWN_STANDARD: u64 = 200;

/// How much of a material one person needs. `code` is a GB/T 38565 code at any level: every
/// stock line under it counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PerPerson {
    pub code: String,
    pub name: String,
    pub quantity: f64,
}

/// The defaults: a 12 m² relief tent for four, a folding bed and a quilt each, and 0.6 case of
/// bottled water and of instant food each (three days at 2 L and 3 meals a day, 24 units a case).
/// The codes are the demo catalogue's placeholders below the real top level.
pub fn default_per_person() -> Vec<PerPerson> {
    [
        ("1010101", "救灾帐篷", 0.25),
        ("1010201", "折叠床", 1.0),
        ("1010301", "棉被", 1.0),
        ("1020101", "瓶装饮用水", 0.6),
        ("1020201", "方便食品", 0.6),
    ]
    .into_iter()
    .map(|(code, name, quantity)| PerPerson {
        code: code.into(),
        name: name.into(),
        quantity,
    })
    .collect()
}

/// One material's cover.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cover {
    pub code: String,
    pub name: String,
    pub available: i64,
    pub per_person: f64,
    pub people: u64,
}

/// A reserve's readiness: the people it supports (the scarcest material decides).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reserve {
    pub people: u64,
    pub standard: u64,
    pub meets_standard: bool,
    /// The material that limits it.
    pub limited_by: Option<String>,
    pub materials: Vec<Cover>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TownReserve {
    pub code: String,
    pub name: String,
    #[serde(flatten)]
    pub reserve: Reserve,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Readiness {
    pub per_person: Vec<PerPerson>,
    pub district: Reserve,
    pub towns: Vec<TownReserve>,
    pub towns_below_standard: usize,
}

fn reserve(
    depots: &[&Depot],
    lines: &[StockLine],
    balances: &HashMap<(EntityId, String), Balance>,
    needs: &[PerPerson],
    standard: u64,
) -> Reserve {
    let materials: Vec<Cover> = needs
        .iter()
        .map(|n| {
            let available: i64 = lines
                .iter()
                .filter(|l| depots.iter().any(|d| d.id == l.depot_id) && l.code.is_under(&n.code))
                .map(|l| {
                    balances
                        .get(&(l.depot_id, l.code.as_str().to_owned()))
                        .map(Balance::available)
                        .unwrap_or(0)
                })
                .sum();
            let people = if n.quantity > 0.0 {
                (available.max(0) as f64 / n.quantity).floor() as u64
            } else {
                u64::MAX
            };
            Cover {
                code: n.code.clone(),
                name: n.name.clone(),
                available,
                per_person: n.quantity,
                people,
            }
        })
        .collect();
    let limiting = materials.iter().min_by_key(|c| c.people);
    let people = limiting.map(|c| c.people).unwrap_or(0);
    Reserve {
        people,
        standard,
        meets_standard: people >= standard,
        limited_by: limiting.map(|c| c.code.clone()),
        materials,
    }
}

/// Readiness of the district reserve and of each town's.
pub fn assess(
    depots: &[Depot],
    lines: &[StockLine],
    balances: &HashMap<(EntityId, String), Balance>,
    towns: &[Town],
    needs: &[PerPerson],
) -> Readiness {
    let district: Vec<&Depot> = depots
        .iter()
        .filter(|d| d.level == DepotLevel::District)
        .collect();
    let towns: Vec<TownReserve> = towns
        .iter()
        .map(|t| {
            let own: Vec<&Depot> = depots
                .iter()
                .filter(|d| {
                    d.town_code == t.code
                        && matches!(d.level, DepotLevel::Town | DepotLevel::Village)
                })
                .collect();
            TownReserve {
                code: t.code.clone(),
                name: t.name.clone(),
                reserve: reserve(&own, lines, balances, needs, TOWN_STANDARD),
            }
        })
        .collect();
    Readiness {
        per_person: needs.to_vec(),
        district: reserve(&district, lines, balances, needs, DISTRICT_STANDARD),
        towns_below_standard: towns.iter().filter(|t| !t.reserve.meets_standard).count(),
        towns,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;

    #[test]
    fn the_scarcest_material_decides_and_the_demo_meets_the_district_standard() {
        let data = demo::generate(demo::DEFAULT_SEED);
        let depots: Vec<Depot> = data
            .resources
            .iter()
            .filter_map(|r| match r {
                crate::registries::resource::Resource::Depot(d) => Some(d.clone()),
                _ => None,
            })
            .collect();
        let mut balances: HashMap<(EntityId, String), Balance> = HashMap::new();
        for e in &data.ledger {
            let b = balances
                .entry((e.depot_id, e.code.as_str().to_owned()))
                .or_default();
            *b = b.apply(e.kind, e.quantity);
        }
        let r = assess(
            &depots,
            &data.stock_lines,
            &balances,
            &crate::registries::town::all(),
            &default_per_person(),
        );
        // The demo's district depot holds relocation supplies for more than 5,000 people.
        assert!(r.district.meets_standard, "{:?}", r.district);
        let min = r.district.materials.iter().map(|c| c.people).min().unwrap();
        assert_eq!(r.district.people, min);
        assert_eq!(r.towns.len(), 30);
        // Doubling every need halves (about) what is supported.
        let doubled: Vec<PerPerson> = default_per_person()
            .into_iter()
            .map(|p| PerPerson {
                quantity: p.quantity * 2.0,
                ..p
            })
            .collect();
        let d = assess(
            &depots,
            &data.stock_lines,
            &balances,
            &crate::registries::town::all(),
            &doubled,
        );
        assert!(d.district.people <= r.district.people / 2 + 1);
    }
}
