//! Who is nearest and free: ranking resources by geodesic distance from a point, through an
//! R-tree, with an estimated travel time where no road network is loaded.

use crate::resource::Resource;
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

/// A spatial index over resources. Points are projected to a local equirectangular plane in
/// metres for the tree; exact distances are always haversine, and the search keeps going until
/// the projection's largest distortion can no longer change the answer.
#[derive(Debug, Clone)]
pub struct ResourceIndex {
    resources: Vec<Resource>,
    tree: RTree<Entry>,
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
        let mut index = Self {
            resources,
            tree: RTree::new(),
            cos_ref,
            distortion,
        };
        let entries = index
            .resources
            .iter()
            .enumerate()
            .map(|(i, r)| Entry::new(index.project(r.location()), i))
            .collect();
        index.tree = RTree::bulk_load(entries);
        index
    }

    pub fn len(&self) -> usize {
        self.resources.len()
    }

    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
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
            let ranked = Ranked::new(r, at.distance_m(r.location()));
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
        let mut found: Vec<Ranked<'_>> = self
            .tree
            .locate_within_distance(q, reach * reach)
            .map(|e| &self.resources[e.data])
            .filter(|r| keep(r))
            .map(|r| Ranked::new(r, at.distance_m(r.location())))
            .filter(|r| r.distance_m <= radius_m)
            .collect();
        found.sort_by(order);
        found
    }
}

/// Whether a place is within reach of a resource that meets the need.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reach<'a> {
    pub code: String,
    pub name: String,
    pub at: LonLat,
    /// The nearest resource that meets the need, if there is any at all.
    pub nearest: Option<Ranked<'a>>,
    pub covered: bool,
}

impl ResourceIndex {
    /// For each place (code, name, position): its nearest resource passing `keep`, and whether
    /// that one is within `max_m`. Places beyond reach come first, farthest first.
    pub fn coverage(
        &self,
        places: &[(String, String, LonLat)],
        max_m: f64,
        keep: impl Fn(&Resource) -> bool,
    ) -> Vec<Reach<'_>> {
        let mut out: Vec<Reach<'_>> = places
            .iter()
            .map(|(code, name, at)| {
                let nearest = self.nearest(*at, 1, &keep).into_iter().next();
                let covered = nearest.as_ref().is_some_and(|n| n.distance_m <= max_m);
                Reach {
                    code: code.clone(),
                    name: name.clone(),
                    at: *at,
                    nearest,
                    covered,
                }
            })
            .collect();
        let gap = |r: &Reach<'_>| r.nearest.as_ref().map_or(f64::INFINITY, |n| n.distance_m);
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
    use crate::team::{Readiness, Specialty};
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
        use crate::team::{Team, TeamKind};
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
        }
    }

    #[test]
    fn a_team_that_is_not_on_standby_is_never_offered() {
        let data = demo::generate(demo::DEFAULT_SEED);
        let index = ResourceIndex::new(data.resources);
        let at = LonLat::new(106.27, 29.99).unwrap();
        let available =
            |r: &Resource| matches!(r, Resource::Team(t) if t.status == Readiness::Standby);
        let all = index.nearest(at, 1000, available);
        assert!(!all.is_empty());
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
        let reach = index.coverage(&places, 10_000.0, standby);
        let summary: Vec<(&str, bool)> =
            reach.iter().map(|r| (r.code.as_str(), r.covered)).collect();
        assert_eq!(summary, [("far", false), ("edge", true), ("near", true)]);
        assert_eq!(
            reach[0].nearest.as_ref().unwrap().resource.name(),
            "team 1",
            "the deployed team does not cover"
        );
        let nobody = index.coverage(&places, 10_000.0, |_| false);
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
}
