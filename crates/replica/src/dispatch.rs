//! Dispatch questions answered from the store: the nearest resources that meet a need, and what
//! lies within a radius. The ranking is the domain's (`yitu_domain::dispatch`); this module reads
//! the records and stock it needs and shapes the answer (JSON, for the window and `yitu`).

use crate::{Error, Store};
use serde_json::{json, Value};
use yitu_domain::dispatch::{Ranked, ResourceIndex, ASSUMED_SPEED_KMH, DETOUR_FACTOR};
use yitu_domain::expert::ExpertField;
use yitu_domain::material::MaterialCode;
use yitu_domain::resource::Resource;
use yitu_domain::team::{Readiness, Specialty, TeamKind};
use yitu_domain::{Layer, LonLat};

/// What is needed at the point.
#[derive(Debug, Clone, PartialEq)]
pub enum Need {
    /// Teams on standby (待命), of a specialty and kind where given. A team in any other state
    /// is never offered, whatever its distance.
    Teams {
        specialty: Option<Specialty>,
        kind: Option<TeamKind>,
    },
    /// Experts of a field, whatever their availability (shown with each).
    Experts { field: Option<ExpertField> },
    /// Depots that can still promise at least `min` of a material code (any level).
    Depots { code: MaterialCode, min: i64 },
    /// Shelters with at least `min_free` free places.
    Shelters { min_free: u32 },
}

/// The assumption every estimate rests on, in both languages.
fn assumption() -> Value {
    json!({
        "routing": "none: no road network loaded",
        "zh": format!("未加载路网：按直线距离 × {DETOUR_FACTOR} 绕行系数、{ASSUMED_SPEED_KMH} km/h 估算行程时间"),
        "en": format!("no road network loaded: travel time estimated as straight-line distance × {DETOUR_FACTOR} at {ASSUMED_SPEED_KMH} km/h"),
    })
}

fn row(r: &Ranked<'_>, extra: Value) -> Value {
    let mut v = serde_json::to_value(r).expect("ranked rows serialize");
    v["distance_m"] = json!(r.distance_m.round());
    v["travel_min_estimate"] = json!((r.travel_min_estimate * 10.0).round() / 10.0);
    if let (Some(obj), Value::Object(extra)) = (v.as_object_mut(), extra) {
        obj.extend(extra);
    }
    v
}

fn free_places(r: &Resource) -> u32 {
    match r {
        Resource::Shelter(s) => s.free_capacity(),
        _ => 0,
    }
}

impl Store {
    /// The `k` nearest resources to `at` that meet `need`, nearest first.
    pub async fn nearest(&self, at: LonLat, need: &Need, k: usize) -> Result<Value, Error> {
        let index = self.index().await?;
        let results = self.ranked(&index, at, need, k).await?;
        Ok(json!({ "at": at, "assumption": assumption(), "results": results }))
    }

    /// Every live record, indexed for dispatch: one read of the registries per question.
    async fn index(&self) -> Result<ResourceIndex, Error> {
        Ok(ResourceIndex::new(self.all_resources().await?))
    }

    /// The rows of a nearest-first answer from an index already built (depots read their stock).
    async fn ranked(
        &self,
        index: &ResourceIndex,
        at: LonLat,
        need: &Need,
        k: usize,
    ) -> Result<Vec<Value>, Error> {
        Ok(match need {
            Need::Teams { specialty, kind } => {
                let keep = |r: &Resource| match r {
                    Resource::Team(t) => {
                        t.status == Readiness::Standby
                            && specialty.is_none_or(|s| t.specialties.contains(&s))
                            && kind.is_none_or(|k| t.kind == k)
                    }
                    _ => false,
                };
                index
                    .nearest(at, k, keep)
                    .iter()
                    .map(|r| row(r, json!({})))
                    .collect()
            }
            Need::Experts { field } => {
                let keep = |r: &Resource| matches!(r, Resource::Expert(e) if field.is_none_or(|f| e.field == f));
                index
                    .nearest(at, k, keep)
                    .iter()
                    .map(|r| row(r, json!({})))
                    .collect()
            }
            Need::Depots { code, min } => {
                let holdings = self.holdings(code).await?;
                let enough = |r: &Resource| {
                    r.layer() == Layer::Depots
                        && holdings
                            .get(&r.id())
                            .is_some_and(|h| h.iter().map(|x| x.available).sum::<i64>() >= *min)
                };
                index
                    .nearest(at, k, enough)
                    .iter()
                    .map(|r| row(r, json!({ "holdings": holdings.get(&r.resource.id()) })))
                    .collect()
            }
            Need::Shelters { min_free } => {
                let keep =
                    |r: &Resource| r.layer() == Layer::Shelters && free_places(r) >= *min_free;
                index
                    .nearest(at, k, keep)
                    .iter()
                    .map(|r| row(r, json!({ "free_capacity": free_places(r.resource) })))
                    .collect()
            }
        })
    }

    /// Hazard points (with the people they threaten) and shelters with free places within
    /// `radius_m` of `at`, nearest first, with totals.
    pub async fn within(&self, at: LonLat, radius_m: f64) -> Result<Value, Error> {
        Ok(around(&self.index().await?, at, radius_m))
    }
}

/// Hazard points and shelters with free places around a point, with totals.
fn around(index: &ResourceIndex, at: LonLat, radius_m: f64) -> Value {
    let hazards = index.within(at, radius_m, |r| r.layer() == Layer::Hazards);
    let shelters = index.within(at, radius_m, |r| {
        r.layer() == Layer::Shelters && free_places(r) > 0
    });
    let threatened: u64 = hazards
        .iter()
        .map(|r| match r.resource {
            Resource::Hazard(h) => u64::from(h.threatened_people),
            _ => 0,
        })
        .sum();
    let free: u64 = shelters
        .iter()
        .map(|r| u64::from(free_places(r.resource)))
        .sum();
    let rows = |v: &[Ranked<'_>]| v.iter().map(|r| row(r, json!({}))).collect::<Vec<_>>();
    json!({
        "at": at,
        "radius_km": radius_m / 1000.0,
        "hazards": { "count": hazards.len(), "threatened_people": threatened, "results": rows(&hazards) },
        "shelters": { "count": shelters.len(), "free_capacity": free, "results": rows(&shelters) },
    })
}

/// How far the window's briefing looks for hazards and free shelter places.
pub const BRIEFING_RADIUS_M: f64 = 5_000.0;

impl Store {
    /// What the window shows for a picked point: the nearest standby teams (of a specialty if
    /// given), the nearest experts, the nearest shelters with free places, and the hazards and
    /// free places within [`BRIEFING_RADIUS_M`].
    pub async fn briefing(&self, at: LonLat, specialty: Option<Specialty>) -> Result<Value, Error> {
        // One read and one index for the four questions a click asks.
        let index = self.index().await?;
        let teams = Need::Teams {
            specialty,
            kind: None,
        };
        Ok(json!({
            "at": at,
            "assumption": assumption(),
            "teams": self.ranked(&index, at, &teams, 5).await?,
            "experts": self.ranked(&index, at, &Need::Experts { field: None }, 3).await?,
            "shelters": self.ranked(&index, at, &Need::Shelters { min_free: 1 }, 5).await?,
            "within": around(&index, at, BRIEFING_RADIUS_M),
        }))
    }
}

impl Store {
    /// Which towns have a standby team of `specialty` within `max_m` of their (schematic)
    /// position, and which are beyond reach, farthest gap first.
    pub async fn coverage(&self, specialty: Option<Specialty>, max_m: f64) -> Result<Value, Error> {
        let index = self.index().await?;
        let places: Vec<(String, String, LonLat)> = self
            .towns()
            .await?
            .into_iter()
            .filter_map(|t| Some((t.code, t.name, LonLat::new(t.lon?, t.lat?).ok()?)))
            .collect();
        let keep = |r: &Resource| matches!(r, Resource::Team(t) if t.status == Readiness::Standby && specialty.is_none_or(|s| t.specialties.contains(&s)));
        let reach = index.coverage(&places, max_m, keep);
        let uncovered = reach.iter().filter(|r| !r.covered).count();
        Ok(json!({
            "specialty": specialty.map(|s| s.code()),
            "max_km": max_m / 1000.0,
            "positions": { "zh": "镇街位置为示意（非实测镇政府驻地）", "en": "town positions are schematic, not surveyed town seats" },
            "towns": reach.len(),
            "uncovered": uncovered,
            "results": reach.iter().map(|r| json!({
                "code": r.code,
                "name": r.name,
                "at": r.at,
                "covered": r.covered,
                "nearest": r.nearest.as_ref().map(|n| json!({
                    "id": n.resource.id(),
                    "name": n.resource.name(),
                    "distance_m": n.distance_m.round(),
                })),
            })).collect::<Vec<_>>(),
        }))
    }
}
