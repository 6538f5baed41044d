//! A warning as a message and a message as a warning: the level as CAP's severity (with an
//! urgency and a certainty), the kind as a category and an event, the status as a message type,
//! a drill as `Exercise`, the area as a polygon, a circle or geocodes.

use crate::alert::{
    Alert, Area, Category, Certainty, Circle, Info, MsgType, Pair, ResponseType, Scope, Severity,
    Status, Urgency,
};
use crate::identifier::Identifier;
use crate::time::Time;
use crate::write::Context;
use crate::Error;
use yitu_domain::monitoring::warning::{
    open_ring, Warning, WarningArea, WarningKind, WarningLevel, WarningStatus,
};
use yitu_domain::registries::town;
use yitu_domain::space::district::GB2260_CODE;
use yitu_domain::{EntityId, LonLat};

/// The language of every info block yitu writes; the block it reads first.
pub const LANGUAGE: &str = "zh-CN";
/// Geocode names: the district by its GB/T 2260 code, towns by their 9-digit codes (GB/T 10114
/// extends the county code to 乡级), villages by the statistics bureau's 12-digit codes.
pub const GEOCODE_DISTRICT: &str = "GB/T 2260";
pub const GEOCODE_TOWN: &str = "GB/T 10114";
pub const GEOCODE_VILLAGE: &str = "统计用区划代码";
/// The parameter that carries the person who signed the warning.
pub const ISSUER_PARAMETER: &str = "签发人";
/// The most points (the closing one included) a polygon may have. CAP 1.2 sets no limit;
/// profiles for broadcast (the US IPAWS profile among them) hold polygons to 100 points, so cell
/// broadcast and sirens' receivers can take them; yitu keeps to that.
pub const MAX_POLYGON_POINTS: usize = 100;
/// What a drill's message says of itself beside its `Exercise` status.
pub const EXERCISE_NOTE: &str =
    "演练：本消息为应急演练，非真实预警 (Exercise: part of a drill, not a real warning)";

/// The level as CAP's severity: Red → Extreme, Orange → Severe, Yellow → Moderate, Blue →
/// Minor, as the four colours of 《国家突发事件总体应急预案》 (特别严重, 严重, 较重, 一般)
/// read against CAP's words.
pub fn severity(level: WarningLevel) -> Severity {
    match level {
        WarningLevel::Red => Severity::Extreme,
        WarningLevel::Orange => Severity::Severe,
        WarningLevel::Yellow => Severity::Moderate,
        WarningLevel::Blue => Severity::Minor,
    }
}

/// The level a severity stands for; `None` for `Unknown`.
pub fn level_of(severity: Severity) -> Option<WarningLevel> {
    match severity {
        Severity::Extreme => Some(WarningLevel::Red),
        Severity::Severe => Some(WarningLevel::Orange),
        Severity::Moderate => Some(WarningLevel::Yellow),
        Severity::Minor => Some(WarningLevel::Blue),
        Severity::Unknown => None,
    }
}

/// Red and Orange call for action now (Immediate), Yellow and Blue for readiness (Expected); a
/// lift's subject is over (Past).
pub fn urgency(level: WarningLevel, status: WarningStatus) -> Urgency {
    match (status, level) {
        (WarningStatus::Lifted, _) => Urgency::Past,
        (_, WarningLevel::Red | WarningLevel::Orange) => Urgency::Immediate,
        _ => Urgency::Expected,
    }
}

/// CAP's category of a kind: weather and water are Met (CAP counts floods there), landslides
/// Geo, forest fire Fire.
pub fn category(kind: WarningKind) -> Category {
    match kind {
        WarningKind::Geohazard => Category::Geo,
        WarningKind::ForestFire => Category::Fire,
        WarningKind::Other => Category::Other,
        _ => Category::Met,
    }
}

fn msg_type(status: WarningStatus) -> MsgType {
    match status {
        WarningStatus::Issued => MsgType::Alert,
        WarningStatus::Updated => MsgType::Update,
        WarningStatus::Lifted => MsgType::Cancel,
    }
}

fn some_text(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.to_owned())
}

impl Alert {
    /// The message `warning` goes out as. Refuses a warning that does not validate, a polygon
    /// of more than [`MAX_POLYGON_POINTS`], and a context whose sequence is not 0–9.
    pub fn from_warning(warning: &Warning, ctx: &Context) -> Result<Alert, Error> {
        warning.validate()?;
        let identifier = Identifier::new(ctx.unit.clone(), warning.issued_at_ms, ctx.sequence)?;
        let exercise = warning.exercise;
        let mut parameters = Vec::new();
        if let Some(issuer) = some_text(&warning.issuer) {
            parameters.push(Pair::new(ISSUER_PARAMETER, &issuer));
        }
        let info = Info {
            language: LANGUAGE.to_owned(),
            categories: vec![category(warning.kind)],
            event: warning.kind.zh().to_owned(),
            response_types: vec![match warning.status {
                WarningStatus::Lifted => ResponseType::AllClear,
                _ => ResponseType::Prepare,
            }],
            urgency: urgency(warning.level, warning.status),
            severity: severity(warning.level),
            // A warning is a forecast the issuer holds more likely than not.
            certainty: Certainty::Likely,
            effective: None,
            onset: Some(Time::beijing(warning.onset_ms)),
            expires: Some(Time::beijing(warning.expires_ms)),
            sender_name: Some(warning.sender.clone()),
            headline: Some(warning.headline.clone()),
            description: some_text(&warning.description),
            instruction: some_text(&warning.instructions),
            parameters,
            areas: vec![area_of(&warning.area)?],
        };
        Ok(Alert {
            identifier: identifier.to_string(),
            // The unit code is the sender: unique in the national system, and free of the
            // spaces and commas CAP forbids in a sender.
            sender: ctx.unit.to_string(),
            sent: Time::beijing(warning.issued_at_ms),
            status: if exercise {
                Status::Exercise
            } else {
                Status::Actual
            },
            msg_type: msg_type(warning.status),
            scope: Scope::Public,
            note: exercise.then(|| EXERCISE_NOTE.to_owned()),
            references: ctx.references.clone(),
            info: vec![info],
        })
    }

    /// The warning this message is, under `id`, replacing `supersedes` (the caller finds the
    /// warning its `references` name). Reads the Chinese info block (else the first); the level
    /// from the severity (or, when that is Unknown, the colour named in the event or headline);
    /// the kind from the event; the area from the one polygon or circle, else the town and
    /// village geocodes, else the district's code for the whole district.
    pub fn to_warning(&self, id: EntityId, supersedes: Option<EntityId>) -> Result<Warning, Error> {
        let not = |why: &str| Error::NotAWarning(why.to_owned());
        match self.status {
            Status::Actual | Status::Exercise => {}
            other => {
                return Err(Error::NotAWarning(format!(
                    "状态为 {}，不是实际或演练预警 (status {0}: neither Actual nor Exercise)",
                    other.as_str()
                )))
            }
        }
        let status = match self.msg_type {
            MsgType::Alert => WarningStatus::Issued,
            MsgType::Update => WarningStatus::Updated,
            MsgType::Cancel => WarningStatus::Lifted,
            other => {
                return Err(Error::NotAWarning(format!(
                    "消息类型为 {}，不是预警 (message type {0} carries no warning)",
                    other.as_str()
                )))
            }
        };
        let info = self
            .info
            .iter()
            .find(|i| i.language.to_ascii_lowercase().starts_with("zh"))
            .or_else(|| self.info.first())
            .ok_or_else(|| not("消息没有 <info> (the message has no info block)"))?;
        let headline = info.headline.clone().unwrap_or_default();
        let level = level_of(info.severity)
            .or_else(|| colour_named(&info.event))
            .or_else(|| colour_named(&headline))
            .ok_or_else(|| {
                not("严重程度为 Unknown，且事件与标题未写明颜色 (severity Unknown and no colour named)")
            })?;
        let kind = kind_named(&info.event)
            .or_else(|| kind_named(&headline))
            .unwrap_or(WarningKind::Other);
        let sent = self.sent.unix_ms;
        let onset_ms = info.onset.or(info.effective).map_or(sent, |t| t.unix_ms);
        let expires_ms = info
            .expires
            .ok_or(Error::Missing {
                element: "expires",
                parent: "info",
            })?
            .unix_ms;
        let issuer = info
            .parameters
            .iter()
            .find(|p| p.value_name == ISSUER_PARAMETER)
            .map(|p| p.value.clone())
            .unwrap_or_default();
        let warning = Warning {
            id,
            level,
            kind,
            area: warning_area(&info.areas)?,
            headline: if headline.trim().is_empty() {
                format!("{}{}预警", info.event, level.zh())
            } else {
                headline
            },
            description: info.description.clone().unwrap_or_default(),
            instructions: info.instruction.clone().unwrap_or_default(),
            issued_at_ms: sent,
            onset_ms,
            expires_ms,
            issuer,
            sender: info
                .sender_name
                .clone()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| self.sender.clone()),
            status,
            supersedes,
            exercise: self.status == Status::Exercise,
        };
        warning.validate()?;
        Ok(warning)
    }
}

/// The colour a text names (暴雨黄色预警信号 → Yellow).
fn colour_named(text: &str) -> Option<WarningLevel> {
    WarningLevel::ALL
        .iter()
        .rev()
        .copied()
        .find(|l| text.contains(l.zh()))
}

/// The kind an event names: its label exactly, else the longest label it contains (山洪灾害 →
/// 山洪, 暴雨黄色预警信号 → 暴雨).
fn kind_named(text: &str) -> Option<WarningKind> {
    let text = text.trim();
    if let Ok(k) = WarningKind::from_code(text) {
        return Some(k);
    }
    WarningKind::ALL
        .iter()
        .copied()
        .filter(|k| *k != WarningKind::Other && text.contains(k.zh()))
        .max_by_key(|k| k.zh().chars().count())
}

fn area_of(area: &WarningArea) -> Result<Area, Error> {
    let district = Pair::new(GEOCODE_DISTRICT, GB2260_CODE);
    Ok(match area {
        WarningArea::Polygon { ring } => {
            let mut closed = open_ring(ring);
            closed.push(closed[0]);
            if closed.len() > MAX_POLYGON_POINTS {
                return Err(Error::TooManyPoints(closed.len()));
            }
            Area {
                desc: "合川区（划定范围）".to_owned(),
                polygons: vec![closed],
                circles: vec![],
                geocodes: vec![district],
            }
        }
        WarningArea::Circle { centre, radius_m } => {
            let radius_km = radius_m / 1000.0;
            Area {
                desc: format!(
                    "合川区（以北纬 {:.4}°、东经 {:.4}° 为中心，半径 {radius_km} 公里）",
                    centre.lat, centre.lon
                ),
                polygons: vec![],
                circles: vec![Circle {
                    centre: *centre,
                    radius_km,
                }],
                geocodes: vec![district],
            }
        }
        WarningArea::Towns { towns, villages } => {
            let all_towns = town::all();
            let all_villages = town::villages();
            let town_names = towns.iter().filter_map(|c| {
                all_towns
                    .iter()
                    .find(|t| &t.code == c)
                    .map(|t| t.name.clone())
            });
            let village_names = villages.iter().filter_map(|c| {
                all_villages
                    .iter()
                    .find(|v| &v.code == c)
                    .map(|v| v.short_name().to_owned())
            });
            let names: Vec<String> = town_names.chain(village_names).collect();
            let mut geocodes = vec![district];
            geocodes.extend(towns.iter().map(|c| Pair::new(GEOCODE_TOWN, c)));
            geocodes.extend(villages.iter().map(|c| Pair::new(GEOCODE_VILLAGE, c)));
            Area {
                desc: format!("合川区{}", names.join("、")),
                polygons: vec![],
                circles: vec![],
                geocodes,
            }
        }
    })
}

/// Whether a geocode value is a place of Hechuan with `digits` digits.
fn hechuan_code(value: &str, digits: usize) -> bool {
    value.len() == digits
        && value.starts_with(GB2260_CODE)
        && value.bytes().all(|c| c.is_ascii_digit())
}

fn warning_area(areas: &[Area]) -> Result<WarningArea, Error> {
    let polygons: Vec<&Vec<LonLat>> = areas.iter().flat_map(|a| &a.polygons).collect();
    let circles: Vec<&Circle> = areas.iter().flat_map(|a| &a.circles).collect();
    match (polygons.as_slice(), circles.as_slice()) {
        ([ring], []) => return Ok(WarningArea::drawn(ring)),
        ([], [c]) => {
            return Ok(WarningArea::Circle {
                centre: c.centre,
                // To the micrometre: km × 1000 is not always the metres that were divided.
                radius_m: (c.radius_km * 1e9).round() / 1e6,
            })
        }
        ([], []) => {}
        _ => {
            return Err(Error::NotAWarning(format!(
                "消息含 {} 个多边形、{} 个圆形范围；一条预警只保存一个范围 (one area a warning: split the message)",
                polygons.len(),
                circles.len()
            )))
        }
    }
    let geocodes: Vec<&Pair> = areas.iter().flat_map(|a| &a.geocodes).collect();
    let mut towns: Vec<String> = Vec::new();
    let mut villages: Vec<String> = Vec::new();
    for g in &geocodes {
        let v = g.value.trim();
        if hechuan_code(v, 9) && !towns.iter().any(|t| t == v) {
            towns.push(v.to_owned());
        } else if hechuan_code(v, 12) && !villages.iter().any(|t| t == v) {
            villages.push(v.to_owned());
        }
    }
    if towns.is_empty() && villages.is_empty() {
        if geocodes.iter().any(|g| g.value.trim() == GB2260_CODE) {
            // The whole district.
            towns = town::all().into_iter().map(|t| t.code).collect();
        } else {
            return Err(Error::NotAWarning(
                "范围既无多边形、圆形，也无合川区的区划代码 (no polygon, circle or Hechuan code in the area)"
                    .to_owned(),
            ));
        }
    }
    Ok(WarningArea::Towns { towns, villages })
}
