//! Records as rows of a spreadsheet with Chinese headers: what CSV and XLSX exports hold, in
//! the words a clerk reads (labels, town names, lists joined with 、) and exactly what the
//! importer accepts back, with each record's id so a re-import updates instead of duplicating.

use super::columns::fields;
use super::ImportKind;
use crate::registries::resource::Resource;
use crate::registries::town::Town;
use crate::stock::{Balance, StockLine};

/// The headers of a kind's sheet: each field's Chinese header, in import order.
pub fn headers(kind: ImportKind) -> Vec<String> {
    fields(kind).iter().map(|f| f.zh.to_owned()).collect()
}

fn town_name(code: &str, towns: &[Town]) -> String {
    towns
        .iter()
        .find(|t| t.code == code)
        .map(|t| t.name.clone())
        .unwrap_or_else(|| code.to_owned())
}

fn join<T>(items: &[T], label: impl Fn(&T) -> String) -> String {
    items.iter().map(label).collect::<Vec<_>>().join("、")
}

/// One record as the cells of its kind's sheet (same order as [`headers`]).
pub fn resource_row(r: &Resource, towns: &[Town]) -> Vec<String> {
    let loc = r.location();
    let cells: Vec<(&str, String)> = match r {
        Resource::Team(t) => vec![
            ("name", t.name.clone()),
            ("kind", t.kind.zh().into()),
            ("unit", t.unit.clone()),
            ("specialties", join(&t.specialties, |s| s.zh().into())),
            ("headcount", t.headcount.to_string()),
            ("equipment", join(&t.equipment, String::clone)),
            ("status", t.status.zh().into()),
            ("leader", t.leader.clone()),
            ("duty_phone", t.duty_phone.clone()),
        ],
        Resource::Expert(e) => vec![
            ("name", e.name.clone()),
            ("field", e.field.zh().into()),
            ("organisation", e.organisation.clone()),
            ("title", e.title.clone()),
            ("phone", e.phone.clone()),
            ("availability", e.availability.zh().into()),
        ],
        Resource::Depot(d) => vec![
            ("name", d.name.clone()),
            ("level", d.level.zh().into()),
            ("keeper", d.keeper.clone()),
            ("phone", d.phone.clone()),
        ],
        Resource::Shelter(s) => vec![
            ("name", s.name.clone()),
            ("grade", s.grade.zh().into()),
            ("class", s.class.zh().into()),
            ("space", s.space.zh().into()),
            ("capacity", s.capacity.to_string()),
            ("occupancy", s.occupancy.to_string()),
            ("area_m2", s.area_m2.to_string()),
            ("facilities", join(&s.facilities, String::clone)),
            ("status", s.status.zh().into()),
            ("manager", s.manager.clone()),
            ("phone", s.phone.clone()),
        ],
        Resource::Hazard(h) => vec![
            ("name", h.name.clone()),
            ("kind", h.kind.zh().into()),
            ("level", h.level.label_zh(h.kind).into()),
            ("threatened_people", h.threatened_people.to_string()),
            ("threatened_households", h.threatened_households.to_string()),
            ("monitor", h.monitor.clone()),
            ("monitor_phone", h.monitor_phone.clone()),
            ("status", h.status.zh().into()),
        ],
    };
    let kind = match r {
        Resource::Team(_) => ImportKind::Teams,
        Resource::Expert(_) => ImportKind::Experts,
        Resource::Depot(_) => ImportKind::Depots,
        Resource::Shelter(_) => ImportKind::Shelters,
        Resource::Hazard(_) => ImportKind::Hazards,
    };
    fields(kind)
        .iter()
        .map(|f| match f.key {
            "id" => r.id().to_string(),
            "town_code" if r.town_code().is_empty() => String::new(),
            "town_code" => town_name(r.town_code(), towns),
            // Shortest text that reads back to the same f64: a round trip moves nothing.
            "lon" => loc.lon.to_string(),
            "lat" => loc.lat.to_string(),
            key => cells
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
        })
        .collect()
}

/// One stock line with its depot's name and its balance, as the cells of the stock sheet.
pub fn stock_row(depot_name: &str, line: &StockLine, balance: Balance) -> Vec<String> {
    fields(ImportKind::Stock)
        .iter()
        .map(|f| match f.key {
            "depot_id" => line.depot_id.to_string(),
            "depot" => depot_name.to_owned(),
            "code" => line.code.to_string(),
            "name" => line.name.clone(),
            "unit" => line.unit.clone(),
            "quantity" => balance.on_hand.to_string(),
            "expiry" => line.expiry.clone().unwrap_or_default(),
            "minimum" => line.minimum.map(|m| m.to_string()).unwrap_or_default(),
            _ => String::new(),
        })
        .collect()
}
