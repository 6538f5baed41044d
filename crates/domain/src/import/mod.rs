//! Importing registries from departments' tables, as pure functions: a table of text cells
//! (from any file format) becomes validated domain records plus a reason for every refused cell
//! ([`parse`]); those records, set against what the store holds, become a plan of inserts,
//! updates and stock movements ([`plan`]). The store only carries a plan out.
//!
//! Dedup key: a record's `id` (编号) when the row carries one (yitu's exports do); otherwise
//! the kind, the name and the town: a row naming an existing record of the same kind in the
//! same town updates it instead of adding a second. Stock lines are keyed by depot and code.

pub mod cells;
pub mod columns;
pub mod edit;
pub mod plan;
pub mod sheet;

use crate::registries::depot::{Depot, DepotLevel};
use crate::registries::expert::{Availability, Expert, ExpertField};
use crate::registries::hazard::{Hazard, HazardKind, HazardStatus, RiskLevel};
use crate::registries::resource::Resource;
use crate::registries::shelter::{Shelter, ShelterClass, ShelterGrade, ShelterStatus, SpaceType};
use crate::registries::team::{Readiness, Specialty, Team, TeamKind};
use crate::registries::town::Town;
use crate::space::district::District;
use crate::stock::material::MaterialCode;
use crate::{EntityId, LonLat};
use columns::{fields, ColumnMap};
use serde::{Deserialize, Serialize};

crate::labelled_enum! {
    /// What a file is imported as: one of the five registries, or depots' stock.
    ImportKind {
        Teams => ("teams", "救援队伍", "Rescue teams"),
        Experts => ("experts", "专家", "Experts"),
        Depots => ("depots", "物资储备库", "Material depots"),
        Stock => ("stock", "物资库存", "Stock"),
        Shelters => ("shelters", "避难场所", "Shelters"),
        Hazards => ("hazards", "隐患点", "Hazard points"),
    }
}

/// The coordinate system a file's positions are in (one enum for imports and road files).
pub use crate::space::crs::Crs;

/// Why a row (or the header, line 1 of most files) was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    pub line: usize,
    /// The column as the file names it, or the field's Chinese header when the column is missing.
    pub field: String,
    pub reason: String,
}

/// One row of the source table, as any file reader gives it.
#[derive(Debug, Clone, Copy)]
pub struct SourceRow<'a> {
    pub line: usize,
    pub cells: &'a [String],
    pub geometry: Option<&'a geojson::Geometry>,
}

/// A depot named by a stock row.
#[derive(Debug, Clone, PartialEq)]
pub enum DepotRef {
    Id(EntityId),
    Name(String),
}

/// A stock row: the line of a depot and the quantity counted on hand.
#[derive(Debug, Clone, PartialEq)]
pub struct StockItem {
    pub depot: DepotRef,
    pub code: MaterialCode,
    pub name: String,
    pub unit: String,
    pub expiry: Option<String>,
    /// 最低库存 where the row gives one; an empty cell keeps the line's.
    pub minimum: Option<i64>,
    pub on_hand: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Resource(Resource),
    Stock(StockItem),
}

/// A valid row.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedRow {
    pub line: usize,
    /// Whether the id came from the file (then it is the dedup key) or was made for the row.
    pub given_id: bool,
    pub record: Record,
}

/// What a table gave: the valid rows, a reason for each refused one, and the columns ignored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    pub rows: Vec<ParsedRow>,
    pub issues: Vec<Issue>,
    /// Problems with the header itself (a required column missing): no row can be valid.
    pub header_issues: Vec<Issue>,
    pub ignored_columns: Vec<String>,
}

/// What parsing needs besides the table: the district and its towns (built once per import,
/// not per row), the coordinate system, and where new ids come from.
pub struct Context<'a> {
    pub district: &'a District,
    pub towns: &'a [Town],
    pub crs: Crs,
    pub new_id: &'a mut dyn FnMut() -> EntityId,
}

/// Fields without which a record of the kind cannot be made. Location is checked apart
/// (columns or geometry).
pub fn required(kind: ImportKind) -> &'static [&'static str] {
    match kind {
        ImportKind::Teams => &["name", "kind", "specialties", "headcount", "town_code"],
        ImportKind::Experts => &["name", "field", "town_code"],
        ImportKind::Depots => &["name", "level"],
        ImportKind::Shelters => &[
            "name",
            "grade",
            "class",
            "space",
            "capacity",
            "area_m2",
            "town_code",
        ],
        ImportKind::Hazards => &["name", "kind", "threatened_people", "town_code"],
        ImportKind::Stock => &["code", "name", "unit", "quantity"],
    }
}

/// Validates every row of a table as records of `kind`.
pub fn parse(
    kind: ImportKind,
    headers: &[String],
    rows: &[SourceRow<'_>],
    header_line: usize,
    ctx: &mut Context<'_>,
) -> Parsed {
    let map = ColumnMap::new(kind, headers);
    let mut out = Parsed {
        ignored_columns: map.ignored.clone(),
        ..Parsed::default()
    };
    let field_zh = |key: &str| {
        fields(kind)
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.zh)
            .unwrap_or("")
    };
    for key in required(kind) {
        if map.column(kind, key).is_none() {
            out.header_issues.push(Issue {
                line: header_line,
                field: field_zh(key).to_owned(),
                reason: format!(
                    "required column missing: none of the headers is {}",
                    accepted(kind, key)
                ),
            });
        }
    }
    if kind == ImportKind::Stock
        && map.column(kind, "depot_id").is_none()
        && map.column(kind, "depot").is_none()
    {
        out.header_issues.push(Issue {
            line: header_line,
            field: field_zh("depot").to_owned(),
            reason: format!(
                "required column missing: the depot, by {} or {}",
                accepted(kind, "depot_id"),
                accepted(kind, "depot")
            ),
        });
    }
    let has_coords = map.column(kind, "lon").is_some() && map.column(kind, "lat").is_some();
    if kind != ImportKind::Stock && !has_coords && rows.iter().all(|r| r.geometry.is_none()) {
        out.header_issues.push(Issue {
            line: header_line,
            field: "经度/纬度".into(),
            reason: format!(
                "required columns missing: the position, by {} and {} (or a point geometry)",
                accepted(kind, "lon"),
                accepted(kind, "lat")
            ),
        });
    }
    if !out.header_issues.is_empty() {
        return out;
    }
    for row in rows {
        let mut r = RowReader {
            kind,
            map: &map,
            headers,
            row,
            issues: Vec::new(),
        };
        let record = match kind {
            ImportKind::Teams => r.team(ctx).map(Resource::Team).map(Record::Resource),
            ImportKind::Experts => r.expert(ctx).map(Resource::Expert).map(Record::Resource),
            ImportKind::Depots => r.depot(ctx).map(Resource::Depot).map(Record::Resource),
            ImportKind::Shelters => r.shelter(ctx).map(Resource::Shelter).map(Record::Resource),
            ImportKind::Hazards => r.hazard(ctx).map(Resource::Hazard).map(Record::Resource),
            ImportKind::Stock => r.stock().map(Record::Stock),
        };
        let given_id = r.raw("id").is_some_and(|s| !s.trim().is_empty());
        match record {
            Some(record) if r.issues.is_empty() => out.rows.push(ParsedRow {
                line: row.line,
                given_id,
                record,
            }),
            _ => out.issues.append(&mut r.issues),
        }
    }
    out
}

/// The headers accepted for a field, for messages.
fn accepted(kind: ImportKind, key: &str) -> String {
    fields(kind)
        .iter()
        .find(|f| f.key == key)
        .map(|f| {
            let mut names = vec![f.zh, f.key];
            names.extend(f.aliases.iter().take(3));
            names.join(" / ")
        })
        .unwrap_or_default()
}

/// Reads the fields of one row, collecting an issue per bad cell (so a row with three mistakes
/// reports all three at once).
struct RowReader<'a> {
    kind: ImportKind,
    map: &'a ColumnMap,
    headers: &'a [String],
    row: &'a SourceRow<'a>,
    issues: Vec<Issue>,
}

impl RowReader<'_> {
    fn raw(&self, key: &str) -> Option<&str> {
        self.map
            .column(self.kind, key)
            .map(|c| self.row.cells.get(c).map(String::as_str).unwrap_or(""))
    }

    /// The cell, cleaned; `None` when the column is absent or the cell empty.
    fn cell(&self, key: &str) -> Option<String> {
        self.raw(key).map(cells::clean).filter(|s| !s.is_empty())
    }

    fn header(&self, key: &str) -> String {
        match self.map.column(self.kind, key) {
            Some(c) => self
                .headers
                .get(c)
                .map(|h| h.trim().to_owned())
                .unwrap_or_default(),
            None => fields(self.kind)
                .iter()
                .find(|f| f.key == key)
                .map(|f| f.zh.to_owned())
                .unwrap_or_else(|| key.to_owned()),
        }
    }

    fn refuse(&mut self, key: &str, reason: impl Into<String>) {
        self.issues.push(Issue {
            line: self.row.line,
            field: self.header(key),
            reason: reason.into(),
        });
    }

    fn required_cell(&mut self, key: &str) -> Option<String> {
        let v = self.cell(key);
        if v.is_none() {
            self.refuse(key, "required (必填) but empty");
        }
        v
    }

    /// Free text (names, units, people) is kept as typed, only trimmed: a full-width bracket in
    /// a name is part of the name. Phone numbers have their full-width digits folded.
    fn text(&mut self, key: &str, required: bool) -> String {
        if required && self.required_cell(key).is_none() {
            return String::new();
        }
        let typed = self.raw(key).unwrap_or("").trim();
        if key.ends_with("phone") {
            cells::clean(typed)
        } else {
            typed.to_owned()
        }
    }

    fn count(&mut self, key: &str, default: Option<u32>) -> u32 {
        let Some(s) = (match default {
            Some(_) => self.cell(key),
            None => self.required_cell(key),
        }) else {
            return default.unwrap_or(0);
        };
        cells::count(&s).unwrap_or_else(|reason| {
            self.refuse(key, reason);
            0
        })
    }

    fn choice<T>(
        &mut self,
        key: &str,
        parse: fn(&str) -> Result<T, crate::Error>,
        default: Option<T>,
    ) -> Option<T> {
        let s = match default {
            Some(_) => self.cell(key),
            None => self.required_cell(key),
        };
        let Some(s) = s else { return default };
        // Labels such as 乡镇（街道）级 contain full-width brackets themselves: try the cell as
        // typed before its width-folded form.
        let typed = self.raw(key).unwrap_or("").trim().to_owned();
        match parse(&typed).or_else(|_| parse(&s)) {
            Ok(v) => Some(v),
            Err(e) => {
                self.refuse(key, e.to_string());
                None
            }
        }
    }

    fn id(&mut self, ctx: &mut Context<'_>) -> EntityId {
        match self.cell("id") {
            Some(s) => EntityId::parse(&s).unwrap_or_else(|_| {
                self.refuse(
                    "id",
                    format!("{s:?} is not a yitu record id (leave 编号 empty for a new record)"),
                );
                (ctx.new_id)()
            }),
            None => (ctx.new_id)(),
        }
    }

    fn town(&mut self, ctx: &Context<'_>, required: bool) -> String {
        let s = if required {
            self.required_cell("town_code")
        } else {
            self.cell("town_code")
        };
        let Some(s) = s else { return String::new() };
        cells::town(&s, ctx.towns).unwrap_or_else(|reason| {
            self.refuse("town_code", reason);
            String::new()
        })
    }

    /// From the lon/lat columns when both are filled, else from a point geometry.
    fn location(&mut self, ctx: &Context<'_>) -> Option<LonLat> {
        let (lon, lat) = (self.cell("lon"), self.cell("lat"));
        let (x, y) = match (lon, lat, self.row.geometry) {
            (Some(lon), Some(lat), _) => {
                let x = cells::degrees(&lon).map_err(|e| self.refuse("lon", e)).ok();
                let y = cells::degrees(&lat).map_err(|e| self.refuse("lat", e)).ok();
                (x?, y?)
            }
            (None, None, Some(g)) => match &g.value {
                geojson::GeometryValue::Point { coordinates } if coordinates.len() >= 2 => {
                    (coordinates[0], coordinates[1])
                }
                other => {
                    self.refuse(
                        "lon",
                        format!(
                            "the geometry is a {}; a record's position must be a Point",
                            other.type_name()
                        ),
                    );
                    return None;
                }
            },
            (lon, _, _) => {
                let key = if lon.is_none() { "lon" } else { "lat" };
                self.refuse(
                    key,
                    "required (必填) but empty: the position needs both 经度 and 纬度",
                );
                return None;
            }
        };
        match cells::position(x, y, ctx.crs, ctx.district) {
            Ok(p) => Some(p),
            Err(reason) => {
                self.refuse("lon", reason);
                None
            }
        }
    }

    fn team(&mut self, ctx: &mut Context<'_>) -> Option<Team> {
        let id = self.id(ctx);
        let name = self.text("name", true);
        let kind = self.choice("kind", TeamKind::from_code, None);
        let specialties = self.list_of("specialties", Specialty::from_code, true);
        let headcount = self.count("headcount", None);
        let town_code = self.town(ctx, true);
        let location = self.location(ctx);
        let status = self.choice("status", Readiness::from_code, Some(Readiness::Standby));
        Some(Team {
            id,
            name,
            kind: kind?,
            unit: self.text("unit", false),
            specialties,
            headcount,
            equipment: self.raw("equipment").map(cells::list).unwrap_or_default(),
            town_code,
            location: location?,
            status: status?,
            leader: self.text("leader", false),
            duty_phone: self.text("duty_phone", false),
        })
    }

    fn list_of<T>(
        &mut self,
        key: &str,
        parse: fn(&str) -> Result<T, crate::Error>,
        required: bool,
    ) -> Vec<T> {
        let items = self.raw(key).map(cells::list).unwrap_or_default();
        if items.is_empty() && required {
            self.refuse(key, "required (必填) but empty");
        }
        let mut out = Vec::new();
        for item in items {
            match parse(&item).or_else(|_| parse(&cells::clean(&item))) {
                Ok(v) => out.push(v),
                Err(e) => self.refuse(key, e.to_string()),
            }
        }
        out
    }

    fn expert(&mut self, ctx: &mut Context<'_>) -> Option<Expert> {
        let id = self.id(ctx);
        let name = self.text("name", true);
        let field = self.choice("field", ExpertField::from_code, None);
        let town_code = self.town(ctx, true);
        let location = self.location(ctx);
        let availability = self.choice(
            "availability",
            Availability::from_code,
            Some(Availability::Available),
        );
        Some(Expert {
            id,
            name,
            field: field?,
            organisation: self.text("organisation", false),
            title: self.text("title", false),
            phone: self.text("phone", false),
            town_code,
            location: location?,
            availability: availability?,
        })
    }

    fn depot(&mut self, ctx: &mut Context<'_>) -> Option<Depot> {
        let id = self.id(ctx);
        let name = self.text("name", true);
        let level = self.choice("level", DepotLevel::from_code, None);
        // A depot outside the district (the city's) belongs to no town.
        let town_code = self.town(ctx, false);
        let location = self.location(ctx);
        Some(Depot {
            id,
            name,
            level: level?,
            town_code,
            location: location?,
            keeper: self.text("keeper", false),
            phone: self.text("phone", false),
        })
    }

    fn shelter(&mut self, ctx: &mut Context<'_>) -> Option<Shelter> {
        let id = self.id(ctx);
        let name = self.text("name", true);
        let grade = self.choice("grade", ShelterGrade::from_code, None);
        let class = self.choice("class", ShelterClass::from_code, None);
        let space = self.choice("space", SpaceType::from_code, None);
        let capacity = self.count("capacity", None);
        let occupancy = self.count("occupancy", Some(0));
        if occupancy > capacity && self.issues.is_empty() {
            self.refuse(
                "occupancy",
                format!("{occupancy} people placed is more than the capacity of {capacity}"),
            );
        }
        let area_m2 = self.count("area_m2", None);
        let status = self.choice(
            "status",
            ShelterStatus::from_code,
            Some(ShelterStatus::Ready),
        );
        let town_code = self.town(ctx, true);
        let location = self.location(ctx);
        Some(Shelter {
            id,
            name,
            grade: grade?,
            class: class?,
            space: space?,
            capacity,
            occupancy,
            area_m2,
            facilities: self.raw("facilities").map(cells::list).unwrap_or_default(),
            status: status?,
            town_code,
            location: location?,
            manager: self.text("manager", false),
            phone: self.text("phone", false),
        })
    }

    fn hazard(&mut self, ctx: &mut Context<'_>) -> Option<Hazard> {
        let id = self.id(ctx);
        let name = self.text("name", true);
        let kind = self.choice("kind", HazardKind::from_code, None);
        let threatened_people = self.count("threatened_people", None);
        let threatened_households = self.count("threatened_households", Some(0));
        let level = match (self.cell("level"), kind) {
            (Some(s), Some(kind)) => match RiskLevel::from_code(&s) {
                Ok(l) => Some(l),
                // Each family names its levels in its own words (大型, 二级, 高风险…).
                Err(e) => match RiskLevel::ALL.iter().find(|l| l.label_zh(kind) == s) {
                    Some(l) => Some(*l),
                    None => {
                        self.refuse("level", e.to_string());
                        None
                    }
                },
            },
            (None, Some(kind)) if kind.is_geological() => {
                Some(RiskLevel::geological_from_people(threatened_people))
            }
            (None, Some(_)) => {
                self.refuse(
                    "level",
                    "required (必填) for a hazard that is not geological",
                );
                None
            }
            (_, None) => None,
        };
        let status = self.choice(
            "status",
            HazardStatus::from_code,
            Some(HazardStatus::Monitoring),
        );
        let town_code = self.town(ctx, true);
        let location = self.location(ctx);
        Some(Hazard {
            id,
            name,
            kind: kind?,
            level: level?,
            threatened_people,
            threatened_households,
            monitor: self.text("monitor", false),
            monitor_phone: self.text("monitor_phone", false),
            status: status?,
            town_code,
            location: location?,
        })
    }

    fn stock(&mut self) -> Option<StockItem> {
        let depot = match (self.cell("depot_id"), self.cell("depot")) {
            (Some(id), _) => match EntityId::parse(&id) {
                Ok(id) => Some(DepotRef::Id(id)),
                Err(_) => {
                    self.refuse("depot_id", format!("{id:?} is not a yitu depot id"));
                    None
                }
            },
            (None, Some(name)) => Some(DepotRef::Name(name)),
            (None, None) => {
                let key = if self.map.column(self.kind, "depot_id").is_some() {
                    "depot_id"
                } else {
                    "depot"
                };
                self.refuse(
                    key,
                    "required (必填) but empty: which depot holds this stock",
                );
                None
            }
        };
        let code = self.required_cell("code").and_then(|c| match MaterialCode::parse(&c) {
            Ok(code) if code.as_str().len() == 7 => Some(code),
            Ok(_) => {
                self.refuse("code", format!("{c:?} is a category; a stock line needs the full 7-digit GB/T 38565 code"));
                None
            }
            Err(e) => {
                self.refuse("code", e.to_string());
                None
            }
        });
        let name = self.text("name", true);
        let unit = self.text("unit", true);
        let on_hand = self.count("quantity", None);
        let expiry = self.cell("expiry").and_then(|s| {
            cells::date(&s)
                .map_err(|reason| self.refuse("expiry", reason))
                .ok()
        });
        let minimum = self
            .cell("minimum")
            .and_then(|s| {
                cells::count(&s)
                    .map_err(|reason| self.refuse("minimum", reason))
                    .ok()
            })
            .map(i64::from);
        Some(StockItem {
            depot: depot?,
            code: code?,
            name,
            unit,
            expiry,
            minimum,
            on_hand: i64::from(on_hand),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(kind: ImportKind, headers: &[&str], rows: &[&[&str]]) -> Parsed {
        let headers: Vec<String> = headers.iter().map(|s| s.to_string()).collect();
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect();
        let source: Vec<SourceRow> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| SourceRow {
                line: i + 2,
                cells: c,
                geometry: None,
            })
            .collect();
        let district = District::hechuan();
        let towns = crate::registries::town::all();
        let mut n = 0;
        let mut new_id = || {
            n += 1;
            EntityId::v7(n, [7; 10])
        };
        let mut ctx = Context {
            district: &district,
            towns: &towns,
            crs: Crs::Wgs84,
            new_id: &mut new_id,
        };
        parse(kind, &headers, &source, 1, &mut ctx)
    }

    #[test]
    fn every_choice_a_form_offers_is_read_back() {
        let towns = crate::registries::town::all();
        let data = crate::demo::generate(7);
        for kind in ImportKind::ALL.iter().filter(|k| **k != ImportKind::Stock) {
            let record = data
                .resources
                .iter()
                .find(|r| r.layer().code() == kind.code())
                .unwrap();
            let headers = sheet::headers(*kind);
            let row = sheet::resource_row(record, &towns);
            for (i, field) in columns::fields(*kind).iter().enumerate() {
                let offered = columns::choices(*kind, field.key, &towns);
                for choice in &offered {
                    let mut cells = row.clone();
                    cells[i] = choice.clone();
                    if *kind == ImportKind::Hazards && field.key == "kind" {
                        // Level labels differ by kind (小型 is a landslide's): a number is
                        // read for every kind.
                        let level = columns::fields(*kind).iter().position(|f| f.key == "level");
                        cells[level.unwrap()] = "2".into();
                    }
                    let h: Vec<&str> = headers.iter().map(String::as_str).collect();
                    let c: Vec<&str> = cells.iter().map(String::as_str).collect();
                    let p = run(*kind, &h, &[&c]);
                    assert!(
                        p.issues.is_empty(),
                        "{kind:?} {} = {choice}: {:?}",
                        field.key,
                        p.issues
                    );
                }
                if ["kind", "status", "town_code"].contains(&field.key) {
                    assert!(!offered.is_empty(), "{kind:?} {} offers nothing", field.key);
                }
            }
        }
    }

    const SHELTER_HEADERS: &[&str] = &[
        "名称",
        "等级",
        "类型",
        "室内外",
        "容纳人数",
        "面积（㎡）",
        "所属镇街",
        "经度",
        "纬度",
    ];

    #[test]
    fn each_kind_of_bad_row_is_refused_with_its_line_and_reason() {
        let good: &[&str] = &[
            "合阳城广场",
            "县级",
            "紧急",
            "室外",
            "１，２００",
            "3000",
            "合阳城街道",
            "106.27",
            "29.99",
        ];
        let cases: &[(&str, &[&str], &str, &str)] = &[
            (
                "missing name",
                &[
                    "",
                    "县级",
                    "紧急",
                    "室外",
                    "1200",
                    "3000",
                    "合阳城街道",
                    "106.27",
                    "29.99",
                ],
                "名称",
                "required",
            ),
            (
                "not a number",
                &[
                    "a",
                    "县级",
                    "紧急",
                    "室外",
                    "很多",
                    "3000",
                    "合阳城街道",
                    "106.27",
                    "29.99",
                ],
                "容纳人数",
                "not a number",
            ),
            (
                "unknown town",
                &[
                    "a",
                    "县级",
                    "紧急",
                    "室外",
                    "1200",
                    "3000",
                    "解放碑街道",
                    "106.27",
                    "29.99",
                ],
                "所属镇街",
                "unknown town",
            ),
            (
                "unknown grade",
                &[
                    "a",
                    "国家级",
                    "紧急",
                    "室外",
                    "1200",
                    "3000",
                    "合阳城街道",
                    "106.27",
                    "29.99",
                ],
                "等级",
                "unknown",
            ),
            (
                "swapped",
                &[
                    "a",
                    "县级",
                    "紧急",
                    "室外",
                    "1200",
                    "3000",
                    "合阳城街道",
                    "29.99",
                    "106.27",
                ],
                "经度",
                "swapped",
            ),
            (
                "far away",
                &[
                    "a",
                    "县级",
                    "紧急",
                    "室外",
                    "1200",
                    "3000",
                    "合阳城街道",
                    "116.40",
                    "39.90",
                ],
                "经度",
                "outside",
            ),
            (
                "bad degrees",
                &[
                    "a",
                    "县级",
                    "紧急",
                    "室外",
                    "1200",
                    "3000",
                    "合阳城街道",
                    "东经106",
                    "29.99",
                ],
                "经度",
                "degrees",
            ),
        ];
        for (name, row, field, reason) in cases {
            let p = run(ImportKind::Shelters, SHELTER_HEADERS, &[good, row]);
            assert!(p.header_issues.is_empty(), "{name}");
            assert_eq!(p.rows.len(), 1, "{name}: the good row stays");
            assert_eq!(p.issues.len(), 1, "{name}: {:?}", p.issues);
            let issue = &p.issues[0];
            assert_eq!(issue.line, 3, "{name}");
            assert_eq!(issue.field, *field, "{name}");
            assert!(issue.reason.contains(reason), "{name}: {}", issue.reason);
        }
        let Record::Resource(Resource::Shelter(s)) =
            &run(ImportKind::Shelters, SHELTER_HEADERS, &[good]).rows[0].record
        else {
            panic!("a shelter")
        };
        assert_eq!(
            (s.capacity, s.status, s.town_code.as_str()),
            (1200, ShelterStatus::Ready, "500117001")
        );
    }

    #[test]
    fn a_missing_required_column_is_one_header_issue() {
        let p = run(
            ImportKind::Teams,
            &["名称", "经度", "纬度"],
            &[&["a", "106.27", "29.99"]],
        );
        assert!(p.rows.is_empty() && p.issues.is_empty());
        let fields: Vec<&str> = p.header_issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, ["队伍类型", "专长", "人数", "所属镇街"]);
        assert!(p.header_issues.iter().all(|i| i.line == 1));
    }

    #[test]
    fn stock_rows_need_full_codes_and_whole_quantities() {
        let h = &["储备库", "物资编码", "物资名称", "单位", "数量", "有效期"];
        let p = run(
            ImportKind::Stock,
            h,
            &[
                &["区级库", "1010301", "棉被", "床", "５００", "2027/6/30"],
                &["区级库", "101", "棉被", "床", "5", ""],
                &["区级库", "9010301", "棉被", "床", "5", ""],
                &["区级库", "1010302", "棉被", "床", "-5", ""],
                &["区级库", "1010303", "棉被", "床", "5", "明年"],
            ],
        );
        assert_eq!(p.rows.len(), 1);
        let Record::Stock(item) = &p.rows[0].record else {
            panic!()
        };
        assert_eq!(
            (item.on_hand, item.expiry.as_deref()),
            (500, Some("2027-06-30"))
        );
        let lines: Vec<usize> = p.issues.iter().map(|i| i.line).collect();
        assert_eq!(lines, [3, 4, 5, 6]);
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        /// Arbitrary headers and cells never panic the importer: every row is a record or has a
        /// reason, and every reason names a line that exists.
        #[test]
        fn arbitrary_cells_are_records_or_reasons(
            kind in 0usize..6,
            picks in proptest::collection::vec(0usize..16, 1..12),
            rows in proptest::collection::vec(proptest::collection::vec(".{0,12}", 12), 0..8),
        ) {
            let kind = ImportKind::ALL[kind];
            let fs = columns::fields(kind);
            let headers: Vec<String> = picks.iter().map(|i| fs.get(*i).map(|f| f.zh.to_string()).unwrap_or_else(|| format!("x{i}"))).collect();
            let source: Vec<SourceRow> = rows.iter().enumerate().map(|(i, c)| SourceRow { line: i + 2, cells: c, geometry: None }).collect();
            let district = District::hechuan();
            let towns = crate::registries::town::all();
            let mut new_id = || EntityId::v7(1, [1; 10]);
            let mut ctx = Context { district: &district, towns: &towns, crs: Crs::Gcj02, new_id: &mut new_id };
            let p = parse(kind, &headers, &source, 1, &mut ctx);
            if p.header_issues.is_empty() {
                let mut lines: Vec<usize> = p.rows.iter().map(|r| r.line).chain(p.issues.iter().map(|i| i.line)).collect();
                lines.sort();
                lines.dedup();
                prop_assert_eq!(lines.len(), rows.len());
            }
        }
    }
}
