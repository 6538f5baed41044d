//! Who is nearest and free: ranking resources by geodesic distance from a point through an
//! R-tree (or by driving time over a road network, `fastest`), what lies within a radius or an
//! area, and which places are beyond reach (`coverage`); an estimated travel time where no road
//! network is loaded.

pub mod filter;
pub mod readiness;
pub mod search;

use crate::registries::resource::Resource;
use crate::space::area::Area;
use crate::space::road::{RoadNetwork, Routes, Trip};
use crate::LonLat;
use rstar::{primitives::GeomWithData, RTree};
use serde::Serialize;

/// Without roads, a route is taken to be this much longer than the straight line: a stated
/// assumption for hilly country with winding roads, shown beside every estimate.
pub const DETOUR_FACTOR: f64 = 1.4;
/// Average road speed assumed for an estimate without roads, km/h.
pub const ASSUMED_SPEED_KMH: f64 = 40.0;

const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A resource with its distance from the point asked about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked<'a> {
    #[serde(flatten)]
    pub resource: &'a Resource,
    pub distance_m: f64,
    /// Straight-line distance × [`DETOUR_FACTOR`] at [`ASSUMED_SPEED_KMH`], in minutes.
    pub travel_min_estimate: f64,
}

impl<'a> Ranked<'a> {
    fn new(resource: &'a Resource, distance_m: f64) -> Self {
        let travel_min_estimate = distance_m * DETOUR_FACTOR / 1000.0 / ASSUMED_SPEED_KMH * 60.0;
        Self {
            resource,
            distance_m,
            travel_min_estimate,
        }
    }
}

type Entry = GeomWithData<[f64; 2], usize>;

/// Wider tree nodes than rstar's default (6): points are tiny, so a node of 16 fits in a few
/// cache lines and the tree is shallower; measured faster for both kNN and radius queries.
#[derive(Debug, Clone, Copy)]
struct Wide;

impl rstar::RTreeParams for Wide {
    const MIN_SIZE: usize = 6;
    const MAX_SIZE: usize = 16;
    const REINSERTION_COUNT: usize = 4;
    type DefaultInsertionStrategy = rstar::RStarInsertionStrategy;
}

/// A spatial index over resources. Points are projected to a local equirectangular plane in
/// metres for the tree; exact distances are always haversine, and the search keeps going until
/// the projection's largest distortion can no longer change the answer.
#[derive(Debug, Clone)]
pub struct ResourceIndex {
    resources: Vec<Resource>,
    /// Each resource's position, packed: distances read these, not the (large) records, so a
    /// query touches a few bytes per candidate instead of a cache line or more.
    locations: Vec<LonLat>,
    /// cos(latitude) of each position, for the haversine.
    cos_lats: Vec<f64>,
    tree: RTree<Entry, Wide>,
    /// cos of the projection's reference latitude.
    cos_ref: f64,
    /// Upper bound of |planar / true − 1| over the data: a safety margin for the search.
    distortion: f64,
}

impl ResourceIndex {
    pub fn new(resources: Vec<Resource>) -> Self {
        let lats: Vec<f64> = resources.iter().map(|r| r.location().lat).collect();
        let (lo, hi) = lats
            .iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), l| (lo.min(*l), hi.max(*l)));
        let ref_lat = if lats.is_empty() {
            30.0
        } else {
            (lo + hi) / 2.0
        };
        let cos_ref = ref_lat.to_radians().cos();
        // How far cos(lat) strays from the reference over the data, plus the (tiny) difference
        // between a plane and the sphere at district scale.
        let stray = if lats.is_empty() {
            0.0
        } else {
            [lo, hi]
                .iter()
                .map(|l| (l.to_radians().cos() / cos_ref - 1.0).abs())
                .fold(0.0, f64::max)
        };
        let distortion = stray + 0.002;
        let locations: Vec<LonLat> = resources.iter().map(|r| r.location()).collect();
        let cos_lats = locations.iter().map(|p| p.lat.to_radians().cos()).collect();
        let mut index = Self {
            resources,
            locations,
            cos_lats,
            tree: RTree::new_with_params(),
            cos_ref,
            distortion,
        };
        let entries = index
            .resources
            .iter()
            .enumerate()
            .map(|(i, r)| Entry::new(index.project(r.location()), i))
            .collect();
        index.tree = RTree::bulk_load_with_params(entries);
        index
    }

    pub fn len(&self) -> usize {
        self.resources.len()
    }

    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    /// Metres from `at` to resource `i` (the same haversine as [`LonLat::distance_m`]).
    fn distance(&self, at: LonLat, cos_at: f64, i: usize) -> f64 {
        crate::space::position::haversine_m(at, cos_at, self.locations[i], self.cos_lats[i])
    }

    fn project(&self, p: LonLat) -> [f64; 2] {
        let x = p.lon.to_radians() * self.cos_ref * EARTH_RADIUS_M;
        let y = p.lat.to_radians() * EARTH_RADIUS_M;
        [x, y]
    }

    /// The `k` nearest resources that pass `keep`, nearest first (ties by id).
    pub fn nearest(
        &self,
        at: LonLat,
        k: usize,
        keep: impl Fn(&Resource) -> bool,
    ) -> Vec<Ranked<'_>> {
        if k == 0 {
            return Vec::new();
        }
        let q = self.project(at);
        let cos_at = at.lat.to_radians().cos();
        let mut best: Vec<Ranked<'_>> = Vec::with_capacity(k + 1);
        for (entry, planar_sq) in self.tree.nearest_neighbor_iter_with_distance_2(&q) {
            let planar = planar_sq.sqrt();
            // Nothing further along the iteration can be truly nearer than this bound.
            if best.len() == k && planar / (1.0 + self.distortion) > best[k - 1].distance_m {
                break;
            }
            let r = &self.resources[entry.data];
            if !keep(r) {
                continue;
            }
            let ranked = Ranked::new(r, self.distance(at, cos_at, entry.data));
            let pos = best.partition_point(|b| order(b, &ranked).is_lt());
            if pos < k {
                best.insert(pos, ranked);
                best.truncate(k);
            }
        }
        best
    }

    /// Every resource within `radius_m` of `at` that passes `keep`, nearest first.
    pub fn within(
        &self,
        at: LonLat,
        radius_m: f64,
        keep: impl Fn(&Resource) -> bool,
    ) -> Vec<Ranked<'_>> {
        let q = self.project(at);
        let reach = radius_m * (1.0 + self.distortion);
        let cos_at = at.lat.to_radians().cos();
        let mut found: Vec<Ranked<'_>> = self
            .tree
            .locate_within_distance(q, reach * reach)
            .filter_map(|e| {
                let d = self.distance(at, cos_at, e.data);
                let r = &self.resources[e.data];
                (d <= radius_m && keep(r)).then(|| Ranked::new(r, d))
            })
            .collect();
        found.sort_by(order);
        found
    }
}

impl ResourceIndex {
    /// Every resource inside `area` that passes `keep`, nearest its centroid first.
    pub fn inside(&self, area: &Area, keep: impl Fn(&Resource) -> bool) -> Vec<Ranked<'_>> {
        let [w, s, e, n] = area.bounds();
        let corners = [
            self.project(LonLat { lon: w, lat: s }),
            self.project(LonLat { lon: e, lat: n }),
        ];
        let envelope = rstar::AABB::from_corners(corners[0], corners[1]);
        let centre = area.centroid();
        let mut found: Vec<Ranked<'_>> = self
            .tree
            .locate_in_envelope(&envelope)
            .map(|e| &self.resources[e.data])
            .filter(|r| keep(r) && area.contains(r.location()))
            .map(|r| Ranked::new(r, centre.distance_m(r.location())))
            .collect();
        found.sort_by(order);
        found
    }
}

/// A resource ranked by driving time on a loaded road network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Driven<'a> {
    #[serde(flatten)]
    pub ranked: Ranked<'a>,
    /// The drive from the point asked about; `None` where the roads do not connect the two.
    pub trip: Option<Trip>,
}

impl ResourceIndex {
    /// The `k` resources passing `keep` that are quickest to reach by road from the origin of
    /// `routes` (`at`); those the roads do not connect come last, nearest first.
    pub fn fastest(
        &self,
        routes: &Routes<'_>,
        at: LonLat,
        k: usize,
        keep: impl Fn(&Resource) -> bool,
    ) -> Vec<Driven<'_>> {
        let mut timed: Vec<(Option<f64>, Ranked<'_>)> = self
            .within(at, f64::INFINITY, keep)
            .into_iter()
            .map(|r| (routes.minutes_to(r.resource.location()).map(|m| m.0), r))
            .collect();
        // Stable sort after the distance order: equal times keep nearest first.
        timed.sort_by(|(a, _), (b, _)| match (a, b) {
            (Some(a), Some(b)) => a.total_cmp(b),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        timed
            .into_iter()
            .take(k)
            .map(|(_, ranked)| Driven {
                trip: routes.trip_to(ranked.resource.location()),
                ranked,
            })
            .collect()
    }
}

/// How far is within reach, for coverage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// Straight-line metres.
    Metres(f64),
    /// Minutes of travel: by road where a network is loaded, else by the stated estimate.
    Minutes(f64),
}

/// Whether a place is within reach of a resource that meets the need.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reach<'a> {
    pub code: String,
    pub name: String,
    pub at: LonLat,
    /// The resource that reaches it first (nearest, or quickest by road), if there is any.
    pub nearest: Option<Ranked<'a>>,
    /// Minutes from that resource: by road when roads were used, else the estimate.
    pub travel_min: Option<f64>,
    pub covered: bool,
}

impl ResourceIndex {
    /// For each place (code, name, position): the resource passing `keep` that reaches it first,
    /// and whether that is within `limit`. With `roads` and a limit in minutes, reach is driving
    /// time on the network (one search from all resources at once); otherwise straight-line.
    /// Places beyond reach come first, the worst first.
    pub fn coverage(
        &self,
        places: &[(String, String, LonLat)],
        limit: Limit,
        roads: Option<&RoadNetwork>,
        keep: impl Fn(&Resource) -> bool,
    ) -> Vec<Reach<'_>> {
        let by_road = match (limit, roads) {
            (Limit::Minutes(_), Some(net)) => {
                let sources: Vec<&Resource> = self.resources.iter().filter(|r| keep(r)).collect();
                let origins: Vec<LonLat> = sources.iter().map(|r| r.location()).collect();
                Some((sources, net.routes_from(&origins)))
            }
            _ => None,
        };
        let mut out: Vec<Reach<'_>> = places
            .iter()
            .map(|(code, name, at)| {
                let (nearest, travel_min) = match &by_road {
                    Some((sources, routes)) => match routes.minutes_to(*at) {
                        Some((min, i)) => (
                            Some(Ranked::new(
                                sources[i],
                                at.distance_m(sources[i].location()),
                            )),
                            Some(min),
                        ),
                        None => (None, None),
                    },
                    None => {
                        let n = self.nearest(*at, 1, &keep).into_iter().next();
                        let t = n.as_ref().map(|n| n.travel_min_estimate);
                        (n, t)
                    }
                };
                let covered = match limit {
                    Limit::Metres(m) => nearest.as_ref().is_some_and(|n| n.distance_m <= m),
                    Limit::Minutes(t) => travel_min.is_some_and(|x| x <= t),
                };
                Reach {
                    code: code.clone(),
                    name: name.clone(),
                    at: *at,
                    nearest,
                    travel_min,
                    covered,
                }
            })
            .collect();
        let gap = |r: &Reach<'_>| match limit {
            Limit::Metres(_) => r.nearest.as_ref().map_or(f64::INFINITY, |n| n.distance_m),
            Limit::Minutes(_) => r.travel_min.unwrap_or(f64::INFINITY),
        };
        out.sort_by(|a, b| {
            a.covered
                .cmp(&b.covered)
                .then(gap(b).total_cmp(&gap(a)))
                .then(a.code.cmp(&b.code))
        });
        out
    }
}

fn order(a: &Ranked<'_>, b: &Ranked<'_>) -> std::cmp::Ordering {
    a.distance_m
        .total_cmp(&b.distance_m)
        .then_with(|| a.resource.id().cmp(&b.resource.id()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;
    use crate::registries::team::{Readiness, Specialty};
    use crate::Layer;
    use proptest::prelude::*;

    fn brute<'a>(
        all: &'a [Resource],
        at: LonLat,
        keep: impl Fn(&Resource) -> bool,
    ) -> Vec<Ranked<'a>> {
        let mut v: Vec<Ranked<'a>> = all
            .iter()
            .filter(|r| keep(r))
            .map(|r| Ranked::new(r, at.distance_m(r.location())))
            .collect();
        v.sort_by(order);
        v
    }

    /// A hand-made team on the 30° N parallel.
    fn team(n: u8, lon: f64, specialties: Vec<Specialty>, status: Readiness) -> Resource {
        use crate::registries::team::{Team, TeamKind};
        Resource::Team(Team {
            id: crate::EntityId::v7(u64::from(n), [n; 10]),
            name: format!("team {n}"),
            kind: TeamKind::Professional,
            unit: String::new(),
            specialties,
            headcount: 10,
            equipment: vec![],
            town_code: "500117001".into(),
            location: LonLat::new(lon, 30.0).unwrap(),
            status,
            leader: String::new(),
            duty_phone: String::new(),
        })
    }

    /// Three demo datasets, made once: generating one costs more than a whole query case.
    fn datasets() -> &'static [demo::DemoDataset] {
        static DATA: std::sync::OnceLock<Vec<demo::DemoDataset>> = std::sync::OnceLock::new();
        DATA.get_or_init(|| (0..3).map(demo::generate).collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn nearest_and_within_agree_with_brute_force(
            seed in 0usize..3,
            lon in 105.9f64..106.75,
            lat in 29.8f64..30.45,
            k in 1usize..25,
            radius_km in 0.5f64..30.0,
        ) {
            let data = &datasets()[seed];
            let index = ResourceIndex::new(data.resources.clone());
            let at = LonLat::new(lon, lat).unwrap();
            let keep = |r: &Resource| r.layer() != Layer::Depots;
            let expected = brute(&data.resources, at, keep);
            let got = index.nearest(at, k, keep);
            prop_assert_eq!(got.len(), k.min(expected.len()));
            for (g, e) in got.iter().zip(&expected) {
                prop_assert_eq!(g.resource.id(), e.resource.id());
            }
            let inside: Vec<_> = expected.iter().filter(|r| r.distance_m <= radius_km * 1000.0).map(|r| r.resource.id()).collect();
            let got_inside: Vec<_> = index.within(at, radius_km * 1000.0, keep).iter().map(|r| r.resource.id()).collect();
            prop_assert_eq!(got_inside, inside);
            // An irregular quadrilateral around the point: the same records as a brute filter.
            let d = radius_km / 111.0;
            let corner = |x: f64, y: f64| LonLat { lon: lon + x * d, lat: lat + y * d };
            if let Ok(area) = Area::new(&[corner(-1.0, -1.0), corner(1.0, -0.7), corner(0.8, 1.0), corner(-0.4, 0.6)]) {
                let mut expected: Vec<_> = data.resources.iter().filter(|r| keep(r) && area.contains(r.location())).map(|r| r.id()).collect();
                let mut got: Vec<_> = index.inside(&area, keep).iter().map(|r| r.resource.id()).collect();
                expected.sort();
                got.sort();
                prop_assert_eq!(got, expected);
            }
        }
    }

    #[test]
    fn a_team_that_is_not_on_standby_is_never_offered() {
        let data = demo::generate(demo::DEFAULT_SEED);
        // Counted straight from the data: asking for 1,000 reaches every standby team.
        let standby = data
            .resources
            .iter()
            .filter(|r| matches!(r, Resource::Team(t) if t.status == Readiness::Standby))
            .count();
        let index = ResourceIndex::new(data.resources);
        let at = LonLat::new(106.27, 29.99).unwrap();
        let available =
            |r: &Resource| matches!(r, Resource::Team(t) if t.status == Readiness::Standby);
        let all = index.nearest(at, 1000, available);
        assert!(standby > 0);
        assert_eq!(all.len(), standby);
        assert!(all
            .iter()
            .all(|r| matches!(r.resource, Resource::Team(t) if t.status == Readiness::Standby)));
        let teams = index.nearest(at, 1000, |r| r.layer() == Layer::Teams);
        assert!(
            teams.len() > all.len(),
            "some demo teams are busy, and they were left out"
        );
    }

    #[test]
    fn coverage_in_a_hand_made_case() {
        // Teams at 106.00 (standby) and 106.30 (deployed): only the first counts.
        let index = ResourceIndex::new(vec![
            team(1, 106.00, vec![Specialty::ForestFire], Readiness::Standby),
            team(2, 106.30, vec![Specialty::ForestFire], Readiness::Deployed),
        ]);
        let place = |code: &str, lon: f64| {
            (
                code.to_owned(),
                code.to_owned(),
                LonLat::new(lon, 30.0).unwrap(),
            )
        };
        // 0.1° of longitude at 30° N ≈ 9.64 km.
        let places = vec![
            place("near", 106.05),
            place("edge", 106.10),
            place("far", 106.30),
        ];
        let standby =
            |r: &Resource| matches!(r, Resource::Team(t) if t.status == Readiness::Standby);
        let reach = index.coverage(&places, Limit::Metres(10_000.0), None, standby);
        let summary: Vec<(&str, bool)> =
            reach.iter().map(|r| (r.code.as_str(), r.covered)).collect();
        assert_eq!(summary, [("far", false), ("edge", true), ("near", true)]);
        assert_eq!(
            reach[0].nearest.as_ref().unwrap().resource.name(),
            "team 1",
            "the deployed team does not cover"
        );
        let nobody = index.coverage(&places, Limit::Metres(10_000.0), None, |_| false);
        assert!(nobody.iter().all(|r| !r.covered && r.nearest.is_none()));
    }

    #[test]
    fn nearest_water_team_in_a_hand_made_case() {
        let index = ResourceIndex::new(vec![
            team(1, 106.01, vec![Specialty::ForestFire], Readiness::Standby), // nearest, wrong specialty
            team(2, 106.02, vec![Specialty::Water], Readiness::Deployed), // right specialty, busy
            team(3, 106.05, vec![Specialty::Water], Readiness::Standby),  // the answer
            team(4, 106.10, vec![Specialty::Water], Readiness::Standby),
        ]);
        let at = LonLat::new(106.0, 30.0).unwrap();
        let water = |r: &Resource| matches!(r, Resource::Team(t) if t.status == Readiness::Standby && t.specialties.contains(&Specialty::Water));
        let got = index.nearest(at, 2, water);
        assert_eq!(
            got.iter().map(|r| r.resource.name()).collect::<Vec<_>>(),
            ["team 3", "team 4"]
        );
        // 0.05° of longitude at 30° N is about 4.82 km.
        assert!(
            (got[0].distance_m - 4_820.0).abs() < 20.0,
            "{}",
            got[0].distance_m
        );
        assert!((got[0].travel_min_estimate - 4.82 * 1.4 / 40.0 * 60.0).abs() < 0.1);
    }

    #[test]
    fn by_road_the_quickest_team_comes_first_and_unconnected_ones_last() {
        use crate::space::road::{RoadLine, RoadNetwork};
        let p = |lon: f64, lat: f64| LonLat::new(lon, lat).unwrap();
        let road = |speed: f64, pts: Vec<LonLat>| RoadLine {
            class: None,
            speed_kmh: speed,
            points: pts,
        };
        // A 60 km/h road along 30° N, and a separate lane by team 1 that joins nothing.
        let net = RoadNetwork::build(&[
            road(60.0, vec![p(106.0, 30.0), p(106.04, 30.0), p(106.08, 30.0)]),
            road(20.0, vec![p(106.02, 30.02), p(106.021, 30.02)]),
        ]);
        let mut near = team(1, 106.0, vec![Specialty::Water], Readiness::Standby);
        if let Resource::Team(t) = &mut near {
            t.location = p(106.02, 30.02);
        }
        let index = ResourceIndex::new(vec![
            near,
            team(2, 106.08, vec![Specialty::Water], Readiness::Standby),
        ]);
        let at = p(106.0, 30.0);
        let by_line = index.nearest(at, 2, |_| true);
        assert_eq!(
            by_line[0].resource.name(),
            "team 1",
            "nearer in a straight line"
        );
        let routes = net.routes_from(&[at]);
        let by_road = index.fastest(&routes, at, 2, |_| true);
        assert_eq!(by_road[0].ranked.resource.name(), "team 2");
        let trip = by_road[0].trip.as_ref().unwrap();
        // 0.08° of longitude at 30° N ≈ 7.71 km at 60 km/h.
        assert!((trip.minutes - 7.71).abs() < 0.05, "{}", trip.minutes);
        assert_eq!(trip.path.first(), Some(&at));
        assert!(
            trip.road_m > 7_600.0 && trip.road_m < 7_800.0,
            "{}",
            trip.road_m
        );
        assert!(by_road[1].trip.is_none(), "no road joins team 1");

        // Coverage in 10 minutes by road: the town on the road is covered from team 2, the
        // one by the lone lane is not, though team 1 stands 150 m away (team 1 is not water).
        let places = vec![
            ("on-road".to_owned(), "on-road".to_owned(), p(106.0, 30.0)),
            ("lane".to_owned(), "lane".to_owned(), p(106.0215, 30.0205)),
        ];
        let water_standby = |r: &Resource| matches!(r, Resource::Team(t) if t.status == Readiness::Standby && t.name == "team 2");
        let reach = index.coverage(&places, Limit::Minutes(10.0), Some(&net), water_standby);
        let summary: Vec<(&str, bool)> =
            reach.iter().map(|r| (r.code.as_str(), r.covered)).collect();
        assert_eq!(summary, [("lane", false), ("on-road", true)]);
        assert!(reach[0].travel_min.is_none());
        assert_eq!(reach[1].nearest.as_ref().unwrap().resource.name(), "team 2");
        // The same question without roads uses the straight-line estimate (7.71 km × 1.4 at
        // 40 km/h = 16.2 min > 10): not covered.
        let reach = index.coverage(&places, Limit::Minutes(10.0), None, water_standby);
        assert!(reach.iter().all(|r| !r.covered));
    }
}
