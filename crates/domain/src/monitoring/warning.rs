//! Warnings (预警) the district issues to an area: the record (level, kind, area, times, who
//! sent it, whether it is a drill), its validation, and who must be called (叫应) when it goes
//! out — the towns, villages, hazard points with their 群测群防员, and shelters to open.
//! Pure: times are Unix ms passed in; the CAP 1.2 form lives in `yitu-cap`.

use crate::registries::hazard::{Hazard, HazardKind, HazardStatus, RiskLevel};
use crate::registries::shelter::{Shelter, ShelterStatus};
use crate::registries::town::{self, Village};
use crate::{EntityId, LonLat};
use serde::{Deserialize, Serialize};

crate::labelled_enum! {
    /// The four colours of 《国家突发事件总体应急预案》, Red the gravest; ordered, so
    /// `Blue < Red`.
    WarningLevel {
        Blue => ("blue", "蓝色", "Blue"),
        Yellow => ("yellow", "黄色", "Yellow"),
        Orange => ("orange", "橙色", "Orange"),
        Red => ("red", "红色", "Red"),
    }
}

crate::labelled_enum! {
    /// What a district warns of: the meteorological signals Chongqing's stations issue for
    /// Hechuan, the geohazard risk warning (地质灾害气象风险预警, with the natural-resources
    /// bureau), the water bureau's flood and flash-flood warnings, and forest-fire danger.
    WarningKind {
        Rainstorm => ("rainstorm", "暴雨", "Rainstorm"),
        Geohazard => ("geohazard", "地质灾害", "Geohazard"),
        Flood => ("flood", "洪水", "Flood"),
        FlashFlood => ("flash_flood", "山洪", "Flash flood"),
        ForestFire => ("forest_fire", "森林火险", "Forest-fire danger"),
        Gale => ("gale", "大风", "Gale"),
        Heat => ("heat", "高温", "Heat"),
        Thunder => ("thunder", "雷电", "Thunder and lightning"),
        Hail => ("hail", "冰雹", "Hail"),
        Fog => ("fog", "大雾", "Fog"),
        Other => ("other", "其他", "Other"),
    }
}

crate::labelled_enum! {
    /// Where a warning stands. An update or a lift is a new record naming the one it replaces
    /// (`Warning::supersedes`), as the message it becomes names the earlier message.
    WarningStatus {
        Issued => ("issued", "发布", "Issued"),
        Updated => ("updated", "更新", "Updated"),
        Lifted => ("lifted", "解除", "Lifted"),
    }
}

/// Where a warning applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "shape", rename_all = "snake_case")]
pub enum WarningArea {
    /// A polygon drawn on the map, its vertices in order, kept without repeating the first at
    /// the end ([`WarningArea::drawn`] makes that form).
    Polygon { ring: Vec<LonLat> },
    /// Everything within `radius_m` metres (on the sphere) of `centre`.
    Circle { centre: LonLat, radius_m: f64 },
    /// Named places: towns and streets by their 9-digit codes, villages and communities by
    /// their 12-digit codes (`registries::town`).
    Towns {
        towns: Vec<String>,
        #[serde(default)]
        villages: Vec<String>,
    },
}

impl WarningArea {
    /// A polygon from clicked points: repeated clicks on one spot and a closing point that
    /// repeats the first are dropped, so a drawn and a received ring compare equal.
    pub fn drawn(points: &[LonLat]) -> Self {
        WarningArea::Polygon {
            ring: open_ring(points),
        }
    }
}

/// The ring without consecutive repeats and without a closing point: the form a polygon is
/// kept in, whether it was drawn or read from a message (which closes it).
pub fn open_ring(points: &[LonLat]) -> Vec<LonLat> {
    let mut ring: Vec<LonLat> = Vec::with_capacity(points.len());
    for p in points {
        if ring.last() != Some(p) {
            ring.push(*p);
        }
    }
    if ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    ring
}

/// A warning as the district keeps it: one record per message (an update or a lift is another
/// record), plain fields so that it syncs field by field like the registry records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    pub id: EntityId,
    pub level: WarningLevel,
    pub kind: WarningKind,
    pub area: WarningArea,
    pub headline: String,
    /// 预警内容: what is expected, where, how much.
    #[serde(default)]
    pub description: String,
    /// 防御指南: what people and units must do.
    pub instructions: String,
    pub issued_at_ms: i64,
    pub onset_ms: i64,
    pub expires_ms: i64,
    /// The person who signed it (签发人); empty for a warning received from another unit.
    #[serde(default)]
    pub issuer: String,
    /// The unit that sends it, e.g. 合川区应急管理局.
    pub sender: String,
    pub status: WarningStatus,
    /// The warning this update or lift replaces.
    #[serde(default)]
    pub supersedes: Option<EntityId>,
    /// 演练: issued inside a drill; never to be taken for a real warning.
    #[serde(default)]
    pub exercise: bool,
}

/// Why a warning cannot be issued or kept. Chinese first: the duty officer reads it.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
pub enum WarningError {
    #[error("{field}不能为空 ({field_en} must not be empty)")]
    Empty {
        field: &'static str,
        field_en: &'static str,
    },
    #[error(
        "解除时间须晚于生效时间 (expiry must be after onset): 生效 {onset_ms}, 解除 {expires_ms}"
    )]
    ExpiresBeforeOnset { onset_ms: i64, expires_ms: i64 },
    #[error("生效时间不得早于发布时间 (onset must not be before the time issued): 发布 {issued_at_ms}, 生效 {onset_ms}")]
    OnsetBeforeIssue { issued_at_ms: i64, onset_ms: i64 },
    #[error("多边形至少需要 3 个不同的顶点，现有 {0} 个 (a polygon needs at least three distinct vertices; {0} given)")]
    TooFewVertices(usize),
    #[error("多边形的边相互交叉，请重新绘制 (the polygon's edges cross: draw it again without crossings)")]
    SelfCrossing,
    #[error("坐标 {lon}, {lat} 不在中国境内，经纬度是否写反？(position outside China's extent 73–136 E, 3–54 N: are longitude and latitude swapped?)")]
    Position { lon: f64, lat: f64 },
    #[error("半径须大于 0 米 (the radius must be more than 0 m): {0}")]
    Radius(f64),
    #[error("预警范围至少需要一个镇街或村社区 (the area must name at least one town or village)")]
    NoTowns,
    #[error("{0:?} 不是合川区的镇街或村社区代码 (not a Hechuan town (9 digits) or village (12 digits) code)")]
    UnknownPlace(String),
    #[error(
        "{status}预警须注明所替代的预警 (an update or lift must name the warning it replaces)"
    )]
    SupersedesMissing { status: &'static str },
    #[error(
        "新发布的预警不能替代其他预警 (a newly issued warning replaces none; use 更新 or 解除)"
    )]
    SupersedesOnIssue,
}

/// The extent a position of a warning must lie in: mainland China and its seas. Wide enough for
/// a meteorological bureau's polygon over several districts; narrow enough that swapped
/// longitude and latitude (29.9, 106.3) are caught.
const CHINA_LON: std::ops::RangeInclusive<f64> = 73.0..=136.0;
const CHINA_LAT: std::ops::RangeInclusive<f64> = 3.0..=54.0;

fn check_position(p: LonLat) -> Result<(), WarningError> {
    if CHINA_LON.contains(&p.lon) && CHINA_LAT.contains(&p.lat) {
        Ok(())
    } else {
        Err(WarningError::Position {
            lon: p.lon,
            lat: p.lat,
        })
    }
}

impl Warning {
    /// Refuses a warning that cannot go out as it is: empty headline or sender, expiry not after
    /// onset, onset before the time issued (a message's `sent ≤ onset`), an unusable area, or an
    /// update or lift that names nothing it replaces.
    pub fn validate(&self) -> Result<(), WarningError> {
        if self.headline.trim().is_empty() {
            return Err(WarningError::Empty {
                field: "标题",
                field_en: "headline",
            });
        }
        if self.sender.trim().is_empty() {
            return Err(WarningError::Empty {
                field: "发布单位",
                field_en: "sender",
            });
        }
        if self.onset_ms < self.issued_at_ms {
            return Err(WarningError::OnsetBeforeIssue {
                issued_at_ms: self.issued_at_ms,
                onset_ms: self.onset_ms,
            });
        }
        if self.expires_ms <= self.onset_ms {
            return Err(WarningError::ExpiresBeforeOnset {
                onset_ms: self.onset_ms,
                expires_ms: self.expires_ms,
            });
        }
        match (self.status, self.supersedes) {
            (WarningStatus::Issued, Some(_)) => return Err(WarningError::SupersedesOnIssue),
            (WarningStatus::Updated | WarningStatus::Lifted, None) => {
                return Err(WarningError::SupersedesMissing {
                    status: self.status.zh(),
                })
            }
            _ => {}
        }
        self.area.validate()
    }
}

impl WarningArea {
    /// Refuses an area no one could be called for: a polygon of fewer than three distinct
    /// vertices, crossing itself or outside China; a circle of no radius; a list of no places or
    /// of codes that are not Hechuan's.
    pub fn validate(&self) -> Result<(), WarningError> {
        match self {
            WarningArea::Polygon { ring } => {
                ring.iter().try_for_each(|p| check_position(*p))?;
                let ring = open_ring(ring);
                let mut distinct: Vec<LonLat> = Vec::new();
                for p in &ring {
                    if !distinct.contains(p) {
                        distinct.push(*p);
                    }
                }
                if distinct.len() < 3 {
                    return Err(WarningError::TooFewVertices(distinct.len()));
                }
                use geo::Validation;
                if !polygon(&ring).is_valid() {
                    return Err(WarningError::SelfCrossing);
                }
                Ok(())
            }
            WarningArea::Circle { centre, radius_m } => {
                check_position(*centre)?;
                // NaN is no radius either.
                if !(radius_m.is_finite() && *radius_m > 0.0) {
                    return Err(WarningError::Radius(*radius_m));
                }
                Ok(())
            }
            WarningArea::Towns { towns, villages } => {
                if towns.is_empty() && villages.is_empty() {
                    return Err(WarningError::NoTowns);
                }
                let known_towns = town::all();
                if let Some(t) = towns
                    .iter()
                    .find(|t| !known_towns.iter().any(|k| &k.code == *t))
                {
                    return Err(WarningError::UnknownPlace(t.clone()));
                }
                let known_villages = town::villages();
                if let Some(v) = villages
                    .iter()
                    .find(|v| !known_villages.iter().any(|k| &k.code == *v))
                {
                    return Err(WarningError::UnknownPlace(v.clone()));
                }
                Ok(())
            }
        }
    }

    /// Whether a position lies in the area (a polygon's edge counts as inside: a point on the
    /// line is called, not missed). A towns area has no geometry here: see [`recipients`].
    pub fn covers_point(&self, p: LonLat) -> bool {
        match self {
            WarningArea::Polygon { ring } => {
                use geo::Intersects;
                polygon(ring).intersects(&geo::Point::new(p.lon, p.lat))
            }
            WarningArea::Circle { centre, radius_m } => centre.distance_m(p) <= *radius_m,
            WarningArea::Towns { .. } => false,
        }
    }
}

fn polygon(ring: &[LonLat]) -> geo::Polygon<f64> {
    let coords: Vec<(f64, f64)> = ring.iter().map(|p| (p.lon, p.lat)).collect();
    geo::Polygon::new(geo::LineString::from(coords), vec![])
}

/// A town or street to call, and whether the whole of it is in the area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TownCall {
    pub code: String,
    pub name: String,
    /// Named whole in a towns area; `false` when only some of its villages, or only the records
    /// a drawn area covers, are in it.
    pub whole: bool,
}

/// A village or community to call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VillageCall {
    pub code: String,
    pub name: String,
    pub town_code: String,
}

/// A hazard point in the area: its 群测群防员 is called, its people warned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HazardCall {
    pub id: EntityId,
    pub name: String,
    pub kind: HazardKind,
    pub level: RiskLevel,
    pub town_code: String,
    pub monitor: String,
    pub monitor_phone: String,
    pub threatened_people: u32,
    pub threatened_households: u32,
    pub location: LonLat,
}

/// A shelter in the area, to be opened (or kept open) for those moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShelterCall {
    pub id: EntityId,
    pub name: String,
    pub town_code: String,
    pub status: ShelterStatus,
    pub capacity: u32,
    pub free_capacity: u32,
    pub manager: String,
    pub phone: String,
    pub location: LonLat,
}

/// What the lists add up to, for the 叫应 report's first line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Totals {
    pub towns: usize,
    pub villages: usize,
    pub hazards: usize,
    pub threatened_people: u64,
    pub threatened_households: u64,
    pub shelters: usize,
    pub shelter_capacity: u64,
    pub shelter_free: u64,
}

/// Who the duty officer calls when a warning goes out (叫应, 到村到户到人): the towns and
/// villages covered, each hazard point's monitor with the people and households it threatens,
/// the shelters to open, and the totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recipients {
    pub towns: Vec<TownCall>,
    pub villages: Vec<VillageCall>,
    pub hazards: Vec<HazardCall>,
    pub shelters: Vec<ShelterCall>,
    pub totals: Totals,
}

/// The recipients of `warning` among the given records.
///
/// A drawn area (polygon or circle) covers a record by its position; it names the towns those
/// records lie in, and no villages, since yitu holds no village outlines to test. A towns area
/// covers a record by its `town_code`; a village named alone brings in its town's records (its
/// code's first nine digits), because hazard and shelter records carry a town code only:
/// calling one monitor too many is better than missing one. Hazards already 已销号 and shelters
/// 关闭 are left out: the first have no monitor on duty, the second cannot take anyone.
pub fn recipients(
    warning: &Warning,
    hazards: &[Hazard],
    shelters: &[Shelter],
    villages: &[Village],
) -> Recipients {
    let all_towns = town::all();
    let town_name = |code: &str| {
        all_towns
            .iter()
            .find(|t| t.code == code)
            .map(|t| t.name.clone())
            .unwrap_or_default()
    };

    // (towns named whole, towns reached only through a village, villages listed)
    let (whole, partial, village_calls): (Vec<String>, Vec<String>, Vec<VillageCall>) =
        match &warning.area {
            WarningArea::Towns {
                towns,
                villages: named,
            } => {
                let village_calls = villages
                    .iter()
                    .filter(|v| towns.contains(&v.town_code) || named.contains(&v.code))
                    .map(|v| VillageCall {
                        code: v.code.clone(),
                        name: v.short_name().to_owned(),
                        town_code: v.town_code.clone(),
                    })
                    .collect();
                let partial = named
                    .iter()
                    .filter_map(|v| v.get(..9))
                    .filter(|t| !towns.iter().any(|w| w == t))
                    .map(str::to_owned)
                    .collect();
                (towns.clone(), partial, village_calls)
            }
            _ => (Vec::new(), Vec::new(), Vec::new()),
        };
    let in_named_towns = |code: &str| whole.iter().chain(&partial).any(|t| t == code);
    let covered = |town_code: &str, p: LonLat| match &warning.area {
        WarningArea::Towns { .. } => in_named_towns(town_code),
        area => area.covers_point(p),
    };

    let mut hazard_calls: Vec<HazardCall> = hazards
        .iter()
        .filter(|h| h.status != HazardStatus::Resolved && covered(&h.town_code, h.location))
        .map(|h| HazardCall {
            id: h.id,
            name: h.name.clone(),
            kind: h.kind,
            level: h.level,
            town_code: h.town_code.clone(),
            monitor: h.monitor.clone(),
            monitor_phone: h.monitor_phone.clone(),
            threatened_people: h.threatened_people,
            threatened_households: h.threatened_households,
            location: h.location,
        })
        .collect();
    // Town by town, the gravest first: the order the calls are made in.
    hazard_calls.sort_by(|a, b| {
        (&a.town_code, a.level, &a.name, a.id).cmp(&(&b.town_code, b.level, &b.name, b.id))
    });

    let mut shelter_calls: Vec<ShelterCall> = shelters
        .iter()
        .filter(|s| s.status != ShelterStatus::Closed && covered(&s.town_code, s.location))
        .map(|s| ShelterCall {
            id: s.id,
            name: s.name.clone(),
            town_code: s.town_code.clone(),
            status: s.status,
            capacity: s.capacity,
            free_capacity: s.free_capacity(),
            manager: s.manager.clone(),
            phone: s.phone.clone(),
            location: s.location,
        })
        .collect();
    shelter_calls.sort_by(|a, b| (&a.town_code, &a.name, a.id).cmp(&(&b.town_code, &b.name, b.id)));

    let mut town_calls: Vec<TownCall> = Vec::new();
    let mut add_town = |code: &str, whole: bool| {
        if !town_calls.iter().any(|t| t.code == code) {
            town_calls.push(TownCall {
                code: code.to_owned(),
                name: town_name(code),
                whole,
            });
        }
    };
    for t in &whole {
        add_town(t, true);
    }
    for t in &partial {
        add_town(t, false);
    }
    for code in hazard_calls
        .iter()
        .map(|h| &h.town_code)
        .chain(shelter_calls.iter().map(|s| &s.town_code))
    {
        add_town(code, false);
    }
    town_calls.sort_by(|a, b| a.code.cmp(&b.code));

    let totals = Totals {
        towns: town_calls.len(),
        villages: village_calls.len(),
        hazards: hazard_calls.len(),
        threatened_people: hazard_calls
            .iter()
            .map(|h| u64::from(h.threatened_people))
            .sum(),
        threatened_households: hazard_calls
            .iter()
            .map(|h| u64::from(h.threatened_households))
            .sum(),
        shelters: shelter_calls.len(),
        shelter_capacity: shelter_calls.iter().map(|s| u64::from(s.capacity)).sum(),
        shelter_free: shelter_calls
            .iter()
            .map(|s| u64::from(s.free_capacity))
            .sum(),
    };
    Recipients {
        towns: town_calls,
        villages: village_calls,
        hazards: hazard_calls,
        shelters: shelter_calls,
        totals,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;
    use crate::registries::resource::Resource;

    fn p(lon: f64, lat: f64) -> LonLat {
        LonLat { lon, lat }
    }

    fn warning(area: WarningArea) -> Warning {
        Warning {
            id: EntityId::v7(1_784_000_000_000, [1; 10]),
            level: WarningLevel::Orange,
            kind: WarningKind::Geohazard,
            area,
            headline: "合川区地质灾害气象风险橙色预警".into(),
            description: "预计未来24小时西北部镇街地质灾害气象风险高。".into(),
            instructions: "加密巡查，必要时转移受威胁群众。".into(),
            issued_at_ms: 1_784_000_000_000,
            onset_ms: 1_784_000_000_000,
            expires_ms: 1_784_086_400_000,
            issuer: "张伟".into(),
            sender: "合川区应急管理局".into(),
            status: WarningStatus::Issued,
            supersedes: None,
            exercise: false,
        }
    }

    fn demo_records() -> (Vec<Hazard>, Vec<Shelter>) {
        let data = demo::generate(demo::DEFAULT_SEED);
        let mut hazards = Vec::new();
        let mut shelters = Vec::new();
        for r in data.resources {
            match r {
                Resource::Hazard(h) => hazards.push(h),
                Resource::Shelter(s) => shelters.push(s),
                _ => {}
            }
        }
        (hazards, shelters)
    }

    /// Point in polygon by casting a ray east and counting the edges it crosses: written here,
    /// independently of `geo`, to check what `recipients` lists.
    fn ray_cast(ring: &[LonLat], q: LonLat) -> bool {
        let mut inside = false;
        let n = ring.len();
        for i in 0..n {
            let (a, b) = (ring[i], ring[(i + n - 1) % n]);
            if (a.lat > q.lat) != (b.lat > q.lat) {
                let lon_at = a.lon + (q.lat - a.lat) / (b.lat - a.lat) * (b.lon - a.lon);
                if q.lon < lon_at {
                    inside = !inside;
                }
            }
        }
        inside
    }

    #[test]
    fn levels_are_ordered_and_labelled() {
        assert!(WarningLevel::Blue < WarningLevel::Yellow);
        assert!(WarningLevel::Orange < WarningLevel::Red);
        assert_eq!(WarningLevel::Red.zh(), "红色");
        assert_eq!(WarningKind::from_code("山洪"), Ok(WarningKind::FlashFlood));
        assert_eq!(WarningStatus::Lifted.zh(), "解除");
    }

    #[test]
    fn a_drawn_area_over_the_demo_lists_exactly_what_a_ray_cast_counts() {
        let (hazards, shelters) = demo_records();
        // A concave pentagon over the city and the north-west towns (a notch cut in its east
        // side, so convexity cannot hide a mistake).
        let ring = vec![
            p(106.10, 29.95),
            p(106.33, 29.93),
            p(106.22, 30.05),
            p(106.35, 30.20),
            p(106.05, 30.22),
        ];
        let w = warning(WarningArea::drawn(&ring));
        w.validate().unwrap();
        let r = recipients(&w, &hazards, &shelters, &town::villages());

        let mut expected: Vec<EntityId> = hazards
            .iter()
            .filter(|h| h.status != HazardStatus::Resolved && ray_cast(&ring, h.location))
            .map(|h| h.id)
            .collect();
        let mut listed: Vec<EntityId> = r.hazards.iter().map(|h| h.id).collect();
        expected.sort();
        listed.sort();
        assert!(
            expected.len() >= 5,
            "the area covers too little to test: {expected:?}"
        );
        assert!(expected.len() < hazards.len());
        assert_eq!(listed, expected);

        let mut expected_shelters: Vec<EntityId> = shelters
            .iter()
            .filter(|s| s.status != ShelterStatus::Closed && ray_cast(&ring, s.location))
            .map(|s| s.id)
            .collect();
        let mut listed_shelters: Vec<EntityId> = r.shelters.iter().map(|s| s.id).collect();
        expected_shelters.sort();
        listed_shelters.sort();
        assert_eq!(listed_shelters, expected_shelters);

        let people: u64 = r
            .hazards
            .iter()
            .map(|h| u64::from(h.threatened_people))
            .sum();
        assert_eq!(r.totals.threatened_people, people);
        assert_eq!(r.totals.hazards, expected.len());
        assert!(r.hazards.iter().all(|h| !h.monitor.is_empty()));
        // The towns listed are those of the records inside, none of them whole.
        for h in &r.hazards {
            assert!(r.towns.iter().any(|t| t.code == h.town_code && !t.whole));
        }
        assert!(r.towns.iter().all(|t| !t.name.is_empty()));
        assert!(r.villages.is_empty());
    }

    #[test]
    fn a_circle_covers_by_distance() {
        let (hazards, shelters) = demo_records();
        let centre = p(106.275, 29.985);
        let w = warning(WarningArea::Circle {
            centre,
            radius_m: 6_000.0,
        });
        w.validate().unwrap();
        let r = recipients(&w, &hazards, &shelters, &town::villages());
        let expected = hazards
            .iter()
            .filter(|h| h.status != HazardStatus::Resolved && centre.distance_m(h.location) <= 6e3)
            .count();
        assert!(expected > 0);
        assert_eq!(r.hazards.len(), expected);
        assert!(r
            .shelters
            .iter()
            .all(|s| centre.distance_m(s.location) <= 6e3));
    }

    #[test]
    fn a_towns_area_covers_by_town_code_and_lists_its_villages() {
        let (hazards, shelters) = demo_records();
        let villages = town::villages();
        // 钓鱼城街道 whole, and one village of another town.
        let other_village = villages
            .iter()
            .find(|v| v.town_code == "500117100")
            .unwrap()
            .clone();
        let w = warning(WarningArea::Towns {
            towns: vec!["500117002".into()],
            villages: vec![other_village.code.clone()],
        });
        w.validate().unwrap();
        let r = recipients(&w, &hazards, &shelters, &villages);
        let in_towns = |c: &str| c == "500117002" || c == "500117100";
        assert_eq!(
            r.hazards.len(),
            hazards
                .iter()
                .filter(|h| h.status != HazardStatus::Resolved && in_towns(&h.town_code))
                .count()
        );
        assert!(r.shelters.iter().all(|s| in_towns(&s.town_code)));
        assert_eq!(
            r.shelters.len(),
            shelters
                .iter()
                .filter(|s| s.status != ShelterStatus::Closed && in_towns(&s.town_code))
                .count()
        );
        let whole: Vec<&TownCall> = r.towns.iter().filter(|t| t.whole).collect();
        assert_eq!(whole.len(), 1);
        assert_eq!(whole[0].name, "钓鱼城街道");
        assert!(r.towns.iter().any(|t| t.code == "500117100" && !t.whole));
        let own = villages
            .iter()
            .filter(|v| v.town_code == "500117002")
            .count();
        assert_eq!(r.villages.len(), own + 1);
        assert!(r.villages.iter().any(|v| v.code == other_village.code));
        assert_eq!(r.totals.villages, own + 1);
    }

    #[test]
    fn bad_warnings_are_refused_in_chinese_first() {
        let good = warning(WarningArea::Towns {
            towns: vec!["500117001".into()],
            villages: vec![],
        });
        good.validate().unwrap();

        let mut w = good.clone();
        w.expires_ms = w.onset_ms;
        let e = w.validate().unwrap_err();
        assert!(matches!(e, WarningError::ExpiresBeforeOnset { .. }));
        assert!(e.to_string().starts_with("解除时间须晚于生效时间"), "{e}");

        let mut w = good.clone();
        w.onset_ms = w.issued_at_ms - 1;
        assert!(matches!(
            w.validate(),
            Err(WarningError::OnsetBeforeIssue { .. })
        ));

        let mut w = good.clone();
        w.headline = " ".into();
        assert!(w
            .validate()
            .unwrap_err()
            .to_string()
            .starts_with("标题不能为空"));

        let two = warning(WarningArea::drawn(&[
            p(106.2, 30.0),
            p(106.3, 30.0),
            p(106.2, 30.0),
            p(106.3, 30.0),
        ]));
        assert_eq!(two.validate(), Err(WarningError::TooFewVertices(2)));

        let bow = warning(WarningArea::Polygon {
            ring: vec![
                p(106.2, 30.0),
                p(106.3, 30.1),
                p(106.3, 30.0),
                p(106.2, 30.1),
            ],
        });
        assert_eq!(bow.validate(), Err(WarningError::SelfCrossing));

        let swapped = warning(WarningArea::Polygon {
            ring: vec![p(30.0, 106.2), p(30.0, 106.3), p(30.1, 106.3)],
        });
        assert!(matches!(
            swapped.validate(),
            Err(WarningError::Position { .. })
        ));

        for radius_m in [0.0, -5.0, f64::NAN] {
            let c = warning(WarningArea::Circle {
                centre: p(106.27, 29.99),
                radius_m,
            });
            assert!(
                matches!(c.validate(), Err(WarningError::Radius(_))),
                "{radius_m}"
            );
        }

        let none = warning(WarningArea::Towns {
            towns: vec![],
            villages: vec![],
        });
        assert_eq!(none.validate(), Err(WarningError::NoTowns));
        let elsewhere = warning(WarningArea::Towns {
            towns: vec!["500118001".into()],
            villages: vec![],
        });
        assert_eq!(
            elsewhere.validate(),
            Err(WarningError::UnknownPlace("500118001".into()))
        );

        let mut lift = good.clone();
        lift.status = WarningStatus::Lifted;
        assert!(matches!(
            lift.validate(),
            Err(WarningError::SupersedesMissing { .. })
        ));
        lift.supersedes = Some(good.id);
        lift.validate().unwrap();
        let mut issue = good.clone();
        issue.supersedes = Some(good.id);
        assert_eq!(issue.validate(), Err(WarningError::SupersedesOnIssue));
    }

    #[test]
    fn drawn_rings_drop_repeats_and_the_closing_point() {
        let a = WarningArea::drawn(&[
            p(106.1, 30.0),
            p(106.1, 30.0),
            p(106.2, 30.0),
            p(106.2, 30.1),
            p(106.1, 30.0),
        ]);
        assert_eq!(
            a,
            WarningArea::Polygon {
                ring: vec![p(106.1, 30.0), p(106.2, 30.0), p(106.2, 30.1)]
            }
        );
    }

    #[test]
    fn a_warning_survives_json() {
        let w = warning(WarningArea::Circle {
            centre: p(106.27, 29.99),
            radius_m: 2_500.0,
        });
        let text = serde_json::to_string(&w).unwrap();
        assert!(text.contains(r#""shape":"circle""#), "{text}");
        assert!(text.contains(r#""level":"orange""#), "{text}");
        let back: Warning = serde_json::from_str(&text).unwrap();
        assert_eq!(back, w);
    }
}
