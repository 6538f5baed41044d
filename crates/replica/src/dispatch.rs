//! Dispatch questions answered from the store: the resources that meet a need, quickest by road
//! where a network is loaded (else nearest), what lies within a radius or a drawn area, and which
//! towns a team reaches. The ranking is the domain's (`yitu_domain::dispatch`, `::road`); this
//! module reads the records, stock and roads it needs and shapes the answer (the typed replies
//! of `yitu_ipc::dispatch`, for the window and `yitu`).

use crate::roads::{RoadInfo, Roads};
use crate::{Error, Store};
use yitu_domain::dispatch::{
    Driven, Limit, Ranked, ResourceIndex, ASSUMED_SPEED_KMH, DETOUR_FACTOR,
};
use yitu_domain::registries::expert::ExpertField;
use yitu_domain::registries::resource::Resource;
use yitu_domain::registries::team::{Readiness, Specialty, TeamKind};
use yitu_domain::space::area::Area;
use yitu_domain::space::road::Routes;
use yitu_domain::stock::material::MaterialCode;
use yitu_domain::{Layer, LonLat};
use yitu_ipc::dispatch::{
    Around, Assumption, Bilingual, Briefing, Coverage, Drive, Found, Hazards, Inside, Nearest,
    Reacher, Routing, Shelters, TownReach,
};

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

/// The assumption every travel time rests on, in both languages: roads where loaded, else the
/// straight line with the stated detour factor.
fn assumption(roads: Option<&RoadInfo>) -> Assumption {
    match roads {
        None => Assumption {
            routing: Routing::None,
            roads: None,
            zh: format!("未加载路网：按直线距离 × {DETOUR_FACTOR} 绕行系数、{ASSUMED_SPEED_KMH} km/h 估算行程时间"),
            en: format!("no road network loaded: travel time estimated as straight-line distance × {DETOUR_FACTOR} at {ASSUMED_SPEED_KMH} km/h"),
        },
        Some(info) => Assumption {
            routing: Routing::Roads,
            roads: Some(info.clone()),
            zh: format!("按已加载路网（{}，{} 条线路，{:.0} km）计算行程时间；路网以外的接驳段按直线 × {DETOUR_FACTOR}、{ASSUMED_SPEED_KMH} km/h 估算", info.source, info.summary.lines, info.summary.length_km),
            en: format!("travel times on the loaded road network ({}, {} lines, {:.0} km); legs off the network estimated as straight line × {DETOUR_FACTOR} at {ASSUMED_SPEED_KMH} km/h", info.source, info.summary.lines, info.summary.length_km),
        },
    }
}

/// A ranked resource as answered: metres rounded, minutes to one decimal, the drive where
/// there is one; what the question asked of it is set by the caller.
fn row(d: &Driven<'_>) -> Found {
    let r = &d.ranked;
    Found {
        resource: r.resource.clone(),
        distance_m: r.distance_m.round(),
        travel_min_estimate: (r.travel_min_estimate * 10.0).round() / 10.0,
        road: d.trip.as_ref().map(|trip| Drive {
            travel_min: (trip.minutes * 10.0).round() / 10.0,
            road_m: trip.road_m.round(),
            access_m: trip.access_m.round(),
            path: trip.path.iter().map(|p| [p.lon, p.lat]).collect(),
        }),
        holdings: None,
        free_capacity: None,
    }
}

fn free_places(r: &Resource) -> u32 {
    match r {
        Resource::Shelter(s) => s.free_capacity(),
        _ => 0,
    }
}

/// What one question reads from the store: every live record, indexed, and the road network
/// if one is loaded. Read once per question, however many parts it has.
struct Scene {
    index: ResourceIndex,
    roads: Option<Roads>,
}

/// The `k` resources passing `keep`: quickest by road when `routes` are given, else nearest.
fn pick<'a>(
    index: &'a ResourceIndex,
    routes: Option<&Routes<'_>>,
    at: LonLat,
    k: usize,
    keep: impl Fn(&Resource) -> bool,
) -> Vec<Driven<'a>> {
    match routes {
        Some(routes) => index.fastest(routes, at, k, keep),
        None => index
            .nearest(at, k, keep)
            .into_iter()
            .map(|ranked| Driven { ranked, trip: None })
            .collect(),
    }
}

impl Store {
    /// The `k` resources that meet `need` and are quickest to reach from `at` (by road where a
    /// network is loaded, else nearest in a straight line).
    pub async fn nearest(&self, at: LonLat, need: &Need, k: usize) -> Result<Nearest, Error> {
        let scene = self.scene().await?;
        let routes = scene.roads.as_ref().map(|r| r.network.routes_from(&[at]));
        let results = self
            .ranked(&scene.index, routes.as_ref(), at, need, k)
            .await?;
        Ok(Nearest {
            at,
            assumption: assumption(scene.roads.as_ref().map(|r| &r.info)),
            results,
        })
    }

    async fn scene(&self) -> Result<Scene, Error> {
        Ok(Scene {
            index: ResourceIndex::new(self.dispatchable().await?),
            roads: self.roads().await?,
        })
    }

    /// Every record as dispatch sees it: a team named in an order in force is 出动 (已出动)
    /// until its 撤离 is recorded, whatever its registry record says.
    async fn dispatchable(&self) -> Result<Vec<Resource>, Error> {
        let deployed = self.deployed_teams().await?;
        let mut all = self.all_resources().await?;
        for r in &mut all {
            if let Resource::Team(t) = r {
                if deployed.contains(&t.id) {
                    t.status = Readiness::Deployed;
                }
            }
        }
        Ok(all)
    }

    /// The rows of an answer from an index already built (depots read their stock).
    async fn ranked(
        &self,
        index: &ResourceIndex,
        routes: Option<&Routes<'_>>,
        at: LonLat,
        need: &Need,
        k: usize,
    ) -> Result<Vec<Found>, Error> {
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
                pick(index, routes, at, k, keep).iter().map(row).collect()
            }
            Need::Experts { field } => {
                let keep = |r: &Resource| matches!(r, Resource::Expert(e) if field.is_none_or(|f| e.field == f));
                pick(index, routes, at, k, keep).iter().map(row).collect()
            }
            Need::Depots { code, min } => {
                let holdings = self.holdings(code).await?;
                let enough = |r: &Resource| {
                    r.layer() == Layer::Depots
                        && holdings
                            .get(&r.id())
                            .is_some_and(|h| h.iter().map(|x| x.available).sum::<i64>() >= *min)
                };
                pick(index, routes, at, k, enough)
                    .iter()
                    .map(|r| Found {
                        holdings: holdings.get(&r.ranked.resource.id()).cloned(),
                        ..row(r)
                    })
                    .collect()
            }
            Need::Shelters { min_free } => {
                let keep =
                    |r: &Resource| r.layer() == Layer::Shelters && free_places(r) >= *min_free;
                pick(index, routes, at, k, keep)
                    .iter()
                    .map(|r| Found {
                        free_capacity: Some(free_places(r.ranked.resource)),
                        ..row(r)
                    })
                    .collect()
            }
        })
    }

    /// Hazard points (with the people they threaten) and shelters with free places within
    /// `radius_m` of `at`, nearest first, with totals.
    pub async fn within(&self, at: LonLat, radius_m: f64) -> Result<Around, Error> {
        let index = ResourceIndex::new(self.dispatchable().await?);
        Ok(around(&index, at, radius_m))
    }
}

/// Hazard points and shelters with free places around a point, with totals.
fn around(index: &ResourceIndex, at: LonLat, radius_m: f64) -> Around {
    let hazards = index.within(at, radius_m, |r| r.layer() == Layer::Hazards);
    let shelters = index.within(at, radius_m, |r| {
        r.layer() == Layer::Shelters && free_places(r) > 0
    });
    let (hazards, shelters) = totals(&hazards, &shelters);
    Around {
        at,
        radius_km: radius_m / 1000.0,
        hazards,
        shelters,
    }
}

/// Counts and totals of hazards (threatened people) and shelters (free places), with rows.
fn totals(hazards: &[Ranked<'_>], shelters: &[Ranked<'_>]) -> (Hazards, Shelters) {
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
    let rows = |v: &[Ranked<'_>]| {
        v.iter()
            .map(|r| {
                let d = Driven {
                    ranked: r.clone(),
                    trip: None,
                };
                row(&d)
            })
            .collect::<Vec<_>>()
    };
    (
        Hazards {
            count: hazards.len(),
            threatened_people: threatened,
            results: rows(hazards),
        },
        Shelters {
            count: shelters.len(),
            free_capacity: free,
            results: rows(shelters),
        },
    )
}

/// What the window's briefing is asked besides the point.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BriefingAsk {
    pub specialty: Option<Specialty>,
    pub field: Option<ExpertField>,
    /// A material and the least quantity a depot must still be able to promise.
    pub material: Option<(MaterialCode, i64)>,
}

/// How far the window's briefing looks for hazards and free shelter places.
pub const BRIEFING_RADIUS_M: f64 = 5_000.0;

impl Store {
    /// What the window shows for a picked point: the quickest standby teams (of a specialty if
    /// asked), experts (of a field if asked), depots that can still promise a material (when one
    /// is asked for), shelters with free places, and the hazards and free places within
    /// [`BRIEFING_RADIUS_M`].
    pub async fn briefing(&self, at: LonLat, ask: &BriefingAsk) -> Result<Briefing, Error> {
        // One read, one index and one road search for all the questions a click asks.
        let scene = self.scene().await?;
        let routes = scene.roads.as_ref().map(|r| r.network.routes_from(&[at]));
        let routes = routes.as_ref();
        let index = &scene.index;
        let teams = Need::Teams {
            specialty: ask.specialty,
            kind: None,
        };
        let experts = Need::Experts { field: ask.field };
        let depots = match &ask.material {
            Some((code, min)) => {
                let need = Need::Depots {
                    code: code.clone(),
                    min: *min,
                };
                self.ranked(index, routes, at, &need, 5).await?
            }
            None => Vec::new(),
        };
        Ok(Briefing {
            at,
            assumption: assumption(scene.roads.as_ref().map(|r| &r.info)),
            teams: self.ranked(index, routes, at, &teams, 5).await?,
            experts: self.ranked(index, routes, at, &experts, 3).await?,
            depots,
            shelters: self
                .ranked(index, routes, at, &Need::Shelters { min_free: 1 }, 5)
                .await?,
            within: around(index, at, BRIEFING_RADIUS_M),
        })
    }

    /// Hazard points and shelters with free places inside a drawn area (a WGS-84 polygon).
    pub async fn inside(&self, area: &Area) -> Result<Inside, Error> {
        let index = ResourceIndex::new(self.dispatchable().await?);
        let hazards = index.inside(area, |r| r.layer() == Layer::Hazards);
        let shelters = index.inside(area, |r| r.layer() == Layer::Shelters && free_places(r) > 0);
        let (hazards, shelters) = totals(&hazards, &shelters);
        Ok(Inside {
            area_km2: (area.area_m2() / 1e4).round() / 100.0,
            centroid: area.centroid(),
            hazards,
            shelters,
        })
    }
}

impl Store {
    /// Which towns a standby team of `specialty` reaches within `limit`, and which are beyond
    /// reach, worst first. Minutes are by road where a network is loaded.
    pub async fn coverage(
        &self,
        specialty: Option<Specialty>,
        limit: Limit,
    ) -> Result<Coverage, Error> {
        let scene = self.scene().await?;
        let places: Vec<(String, String, LonLat)> = self
            .towns()
            .await?
            .into_iter()
            .filter_map(|t| Some((t.code, t.name, LonLat::new(t.lon?, t.lat?).ok()?)))
            .collect();
        let keep = |r: &Resource| matches!(r, Resource::Team(t) if t.status == Readiness::Standby && specialty.is_none_or(|s| t.specialties.contains(&s)));
        let roads = scene.roads.as_ref();
        let reach = scene
            .index
            .coverage(&places, limit, roads.map(|r| &r.network), keep);
        let uncovered = reach.iter().filter(|r| !r.covered).count();
        let by_road = matches!(limit, Limit::Minutes(_)) && roads.is_some();
        Ok(Coverage {
            specialty,
            limit,
            assumption: match limit {
                Limit::Metres(_) => Assumption {
                    routing: Routing::StraightLine,
                    roads: None,
                    zh: "按直线距离".into(),
                    en: "straight-line distance".into(),
                },
                Limit::Minutes(_) => assumption(roads.filter(|_| by_road).map(|r| &r.info)),
            },
            positions: Bilingual {
                zh: "镇街位置为示意（非实测镇政府驻地）".into(),
                en: "town positions are schematic, not surveyed town seats".into(),
            },
            towns: reach.len(),
            uncovered,
            results: reach
                .iter()
                .map(|r| TownReach {
                    code: r.code.clone(),
                    name: r.name.clone(),
                    at: r.at,
                    covered: r.covered,
                    travel_min: r.travel_min.map(|m| (m * 10.0).round() / 10.0),
                    nearest: r.nearest.as_ref().map(|n| Reacher {
                        id: n.resource.id(),
                        name: n.resource.name().to_owned(),
                        location: n.resource.location(),
                        distance_m: n.distance_m.round(),
                    }),
                })
                .collect(),
        })
    }
}
