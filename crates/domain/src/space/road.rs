//! Road networks: lines with a class or a speed become a routable graph, so dispatch can rank by
//! travel time on roads and draw the route. A place off the network reaches its nearest junction
//! by the same stated assumption as the no-roads estimate (straight line × detour factor).

use crate::dispatch::{ASSUMED_SPEED_KMH, DETOUR_FACTOR};
use crate::space::crs::Crs;
use crate::space::district::{District, WORKING_MARGIN_KM};
use crate::LonLat;
use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;
use rstar::{primitives::GeomWithData, RTree};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

/// One road line, in WGS-84, with the speed it is driven at.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoadLine {
    pub class: Option<String>,
    pub speed_kmh: f64,
    pub points: Vec<LonLat>,
}

/// Speeds an emergency vehicle keeps on each class of road in hilly Chongqing, km/h: the
/// defaults when a file gives a class but no speed (stated in README). Chinese technical grades
/// and administrative classes, and OpenStreetMap `highway` values, are all understood.
const CLASS_SPEEDS: &[(&[&str], f64)] = &[
    (&["高速公路", "高速", "motorway", "motorway_link"], 80.0),
    (&["一级公路", "国道", "trunk", "trunk_link"], 60.0),
    (&["二级公路", "省道", "primary", "primary_link"], 50.0),
    (
        &[
            "三级公路",
            "县道",
            "secondary",
            "secondary_link",
            "城市主干道",
            "主干道",
        ],
        40.0,
    ),
    (
        &[
            "四级公路",
            "乡道",
            "tertiary",
            "tertiary_link",
            "城市次干道",
            "次干道",
        ],
        30.0,
    ),
    (
        &[
            "村道",
            "等外公路",
            "城市支路",
            "支路",
            "residential",
            "unclassified",
            "living_street",
            "service",
            "road",
        ],
        20.0,
    ),
    (&["机耕道", "track"], 10.0),
];

/// Property names that may carry a speed (km/h) or a road class, compared without case.
const SPEED_KEYS: &[&str] = &[
    "speed_kmh",
    "speed",
    "maxspeed",
    "max_speed",
    "限速",
    "速度",
    "设计速度",
    "设计时速",
];
const CLASS_KEYS: &[&str] = &[
    "class",
    "fclass",
    "highway",
    "road_class",
    "roadclass",
    "type",
    "道路等级",
    "公路等级",
    "技术等级",
    "行政等级",
    "等级",
    "道路类型",
    "类型",
];

/// The speed for a road class, if the class is known.
pub fn class_speed(class: &str) -> Option<f64> {
    let c = class.trim().to_lowercase();
    let exact = CLASS_SPEEDS
        .iter()
        .find(|(names, _)| names.contains(&c.as_str()));
    // "G319国道" or "S208省道": a Chinese class inside a longer name.
    let inside = || {
        CLASS_SPEEDS
            .iter()
            .find(|(names, _)| names.iter().any(|n| !n.is_ascii() && c.contains(n)))
    };
    exact.or_else(inside).map(|(_, speed)| *speed)
}

/// Why one feature of a road file cannot be used; `feature` counts from 1 in file order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineProblem {
    pub feature: usize,
    pub reason: String,
}

/// Reads road lines from GeoJSON features (LineString or MultiLineString) in `crs`. Every feature
/// must give a speed or a known class, unless `default_speed` is set; every vertex must lie in or
/// near the district. Any problem refuses the whole file, each problem listed.
pub fn lines_from_features(
    features: &[geojson::Feature],
    crs: Crs,
    default_speed: Option<f64>,
) -> Result<Vec<RoadLine>, Vec<LineProblem>> {
    let district = District::hechuan();
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let feature = i + 1;
        match line_parts(f, crs, default_speed, &district) {
            Ok(mut parts) => lines.append(&mut parts),
            Err(reason) => problems.push(LineProblem { feature, reason }),
        }
    }
    if lines.is_empty() && problems.is_empty() {
        problems.push(LineProblem {
            feature: 0,
            reason: "the file holds no road lines".into(),
        });
    }
    if problems.is_empty() {
        Ok(lines)
    } else {
        Err(problems)
    }
}

/// Reads road lines from GeoJSON text (a FeatureCollection, a Feature or a bare geometry); a
/// file that is not GeoJSON is one problem, numbered 0.
pub fn lines_from_geojson(
    text: &str,
    crs: Crs,
    default_speed: Option<f64>,
) -> Result<Vec<RoadLine>, Vec<LineProblem>> {
    let features = match text.parse::<geojson::GeoJson>() {
        Ok(geojson::GeoJson::FeatureCollection(fc)) => fc.features,
        Ok(geojson::GeoJson::Feature(f)) => vec![f],
        Ok(geojson::GeoJson::Geometry(g)) => vec![geojson::Feature {
            geometry: Some(g),
            ..Default::default()
        }],
        Err(e) => {
            return Err(vec![LineProblem {
                feature: 0,
                reason: format!("not GeoJSON: {e}"),
            }])
        }
    };
    lines_from_features(&features, crs, default_speed)
}

fn line_parts(
    f: &geojson::Feature,
    crs: Crs,
    default_speed: Option<f64>,
    district: &District,
) -> Result<Vec<RoadLine>, String> {
    use geojson::GeometryValue as G;
    let props = f.properties.as_ref();
    let find = |keys: &[&str]| {
        props.and_then(|p| {
            keys.iter().find_map(|k| {
                p.iter()
                    .find(|(name, v)| name.trim().eq_ignore_ascii_case(k) && !is_blank(v))
                    .map(|(_, v)| v)
            })
        })
    };
    let class = find(CLASS_KEYS).map(|v| match v {
        serde_json::Value::String(s) => s.trim().to_owned(),
        other => other.to_string(),
    });
    let speed_kmh = match find(SPEED_KEYS) {
        Some(v) => parse_speed(v)?,
        None => match class.as_deref() {
            Some(c) => match class_speed(c) {
                Some(s) => s,
                None => default_speed.ok_or_else(|| {
                    format!("unknown road class {c:?} and no speed; give a speed_kmh property or --default-speed")
                })?,
            },
            None => default_speed
                .ok_or("no road class and no speed; give a class or speed_kmh property, or --default-speed")?,
        },
    };
    let geometry = f
        .geometry
        .as_ref()
        .ok_or("no geometry: a road needs a LineString")?;
    let parts: Vec<&Vec<geojson::Position>> = match &geometry.value {
        G::LineString { coordinates } => vec![coordinates],
        G::MultiLineString { coordinates } => coordinates.iter().collect(),
        other => {
            return Err(format!(
                "a {} is not a road line: expected LineString or MultiLineString",
                other.type_name()
            ))
        }
    };
    parts
        .into_iter()
        .map(|coords| {
            if coords.len() < 2 {
                return Err("a line needs at least two points".to_owned());
            }
            let points = coords
                .iter()
                .map(|c| vertex(c.as_slice(), crs, district))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(RoadLine {
                class: class.clone(),
                speed_kmh,
                points,
            })
        })
        .collect()
}

fn is_blank(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => true,
        serde_json::Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A speed as a number or text such as "60", "60 km/h" or "６０".
fn parse_speed(v: &serde_json::Value) -> Result<f64, String> {
    let speed = match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => {
            let half: String = s
                .chars()
                .map(|c| match c {
                    '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                    '．' => '.',
                    c => c,
                })
                .collect();
            let number: String = half
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            number.parse().ok()
        }
        _ => None,
    };
    match speed {
        Some(s) if s > 0.0 && s <= 150.0 => Ok(s),
        _ => Err(format!(
            "speed {v} is not a speed in km/h between 0 and 150"
        )),
    }
}

fn vertex(c: &[f64], crs: Crs, district: &District) -> Result<LonLat, String> {
    let (Some(&x), Some(&y)) = (c.first(), c.get(1)) else {
        return Err("a vertex needs two coordinates".into());
    };
    if x.abs() > 360.0 || y.abs() > 360.0 {
        return Err(format!(
            "vertex {x}, {y} looks projected (metres): yitu needs longitude/latitude degrees"
        ));
    }
    let p = LonLat::new(x, y).map_err(|e| e.to_string())?;
    district
        .check_near(crs.to_wgs84(p), WORKING_MARGIN_KM)
        .map_err(|e| e.to_string())
}

type NodeEntry = GeomWithData<[f64; 2], NodeIndex>;

/// The longest piece of road between two graph nodes, metres: a place joins the network at most
/// half of this from the nearest point of the road.
const SNAP_STEP_M: f64 = 200.0;

/// A routable road graph: junctions where lines share a vertex (to 0.1 m), edges weighted by
/// driving time. Roads are taken as two-way: district data rarely marks one-way streets, and an
/// emergency vehicle may use either direction.
#[derive(Debug, Clone)]
pub struct RoadNetwork {
    graph: UnGraph<LonLat, Edge>,
    nodes: RTree<NodeEntry>,
    cos_ref: f64,
}

#[derive(Debug, Clone, Copy)]
struct Edge {
    seconds: f64,
    metres: f64,
}

/// What a loaded network amounts to, for the panel and `yitu roads`.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct NetworkSummary {
    pub lines: usize,
    pub junctions: usize,
    pub segments: usize,
    pub length_km: f64,
    /// Separate pieces of network: more than one means some places cannot reach others by road.
    pub pieces: usize,
}

impl RoadNetwork {
    pub fn build(lines: &[RoadLine]) -> Self {
        let mut graph = UnGraph::new_undirected();
        let mut by_key: HashMap<(i64, i64), NodeIndex> = HashMap::new();
        let mut node = |g: &mut UnGraph<LonLat, Edge>, p: LonLat| {
            let key = ((p.lon * 1e6).round() as i64, (p.lat * 1e6).round() as i64);
            *by_key.entry(key).or_insert_with(|| g.add_node(p))
        };
        for line in lines {
            let metres_per_second = line.speed_kmh / 3.6;
            for pair in line.points.windows(2) {
                // Long segments are cut into pieces of at most SNAP_STEP_M, so a place beside
                // the middle of a long straight road joins it there, not at a far end.
                let length = pair[0].distance_m(pair[1]);
                let pieces = (length / SNAP_STEP_M).ceil().max(1.0) as usize;
                let along = |i: usize| {
                    let t = i as f64 / pieces as f64;
                    LonLat {
                        lon: pair[0].lon + (pair[1].lon - pair[0].lon) * t,
                        lat: pair[0].lat + (pair[1].lat - pair[0].lat) * t,
                    }
                };
                for i in 0..pieces {
                    let (p, q) = (along(i), along(i + 1));
                    let (a, b) = (node(&mut graph, p), node(&mut graph, q));
                    if a == b {
                        continue;
                    }
                    let metres = p.distance_m(q);
                    graph.add_edge(
                        a,
                        b,
                        Edge {
                            seconds: metres / metres_per_second,
                            metres,
                        },
                    );
                }
            }
        }
        let lats: Vec<f64> = graph.node_weights().map(|p| p.lat).collect();
        let mid = lats.iter().sum::<f64>() / lats.len().max(1) as f64;
        let cos_ref = if lats.is_empty() { 30f64 } else { mid }.to_radians().cos();
        let mut net = Self {
            graph,
            nodes: RTree::new(),
            cos_ref,
        };
        let entries = net
            .graph
            .node_indices()
            .map(|n| NodeEntry::new(net.project(net.graph[n]), n))
            .collect();
        net.nodes = RTree::bulk_load(entries);
        net
    }

    pub fn summary(&self, lines: usize) -> NetworkSummary {
        NetworkSummary {
            lines,
            junctions: self.graph.node_count(),
            segments: self.graph.edge_count(),
            length_km: self.graph.edge_weights().map(|e| e.metres).sum::<f64>() / 1000.0,
            pieces: petgraph::algo::connected_components(&self.graph),
        }
    }

    fn project(&self, p: LonLat) -> [f64; 2] {
        [p.lon * self.cos_ref, p.lat]
    }

    /// The junction nearest to a place, and the seconds to reach it off the network.
    fn access(&self, p: LonLat) -> Option<(NodeIndex, f64, f64)> {
        let n = self.nodes.nearest_neighbor(&self.project(p))?.data;
        let metres = p.distance_m(self.graph[n]);
        Some((n, metres, off_road_seconds(metres)))
    }

    /// Shortest driving times from the nearest of several origins to every junction (one
    /// Dijkstra search with all origins at once: the graph is two-way, so "from the nearest
    /// team" and "to the nearest team" are the same question).
    pub fn routes_from(&self, origins: &[LonLat]) -> Routes<'_> {
        let n = self.graph.node_count();
        let mut routes = Routes {
            net: self,
            seconds: vec![f64::INFINITY; n],
            prev: vec![None; n],
            origin: vec![usize::MAX; n],
            origin_access_m: vec![0.0; origins.len()],
            origins: origins.to_vec(),
        };
        let mut heap = BinaryHeap::new();
        for (i, p) in origins.iter().enumerate() {
            if let Some((node, metres, s)) = self.access(*p) {
                routes.origin_access_m[i] = metres;
                if s < routes.seconds[node.index()] {
                    routes.seconds[node.index()] = s;
                    routes.origin[node.index()] = i;
                    heap.push(Visit { seconds: s, node });
                }
            }
        }
        while let Some(Visit { seconds, node }) = heap.pop() {
            if seconds > routes.seconds[node.index()] {
                continue;
            }
            for e in self.graph.edges(node) {
                let next = if e.source() == node {
                    e.target()
                } else {
                    e.source()
                };
                let s = seconds + e.weight().seconds;
                if s < routes.seconds[next.index()] {
                    routes.seconds[next.index()] = s;
                    routes.prev[next.index()] = Some(node);
                    routes.origin[next.index()] = routes.origin[node.index()];
                    heap.push(Visit {
                        seconds: s,
                        node: next,
                    });
                }
            }
        }
        routes
    }
}

/// Seconds to cover `metres` of straight line off the network, by the no-roads assumption.
fn off_road_seconds(metres: f64) -> f64 {
    metres * DETOUR_FACTOR / (ASSUMED_SPEED_KMH / 3.6)
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Visit {
    seconds: f64,
    node: NodeIndex,
}

impl Eq for Visit {}

impl Ord for Visit {
    /// Reversed, so the standard max-heap pops the smallest time first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .seconds
            .total_cmp(&self.seconds)
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Visit {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The result of one search from a set of origins.
#[derive(Debug, Clone)]
pub struct Routes<'n> {
    net: &'n RoadNetwork,
    seconds: Vec<f64>,
    prev: Vec<Option<NodeIndex>>,
    origin: Vec<usize>,
    origin_access_m: Vec<f64>,
    origins: Vec<LonLat>,
}

/// A drive from an origin to a place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trip {
    /// Which origin (index into the list given to [`RoadNetwork::routes_from`]).
    pub origin: usize,
    pub minutes: f64,
    /// Metres driven on the network.
    pub road_m: f64,
    /// Straight-line metres off the network at both ends (estimated by the detour assumption).
    pub access_m: f64,
    /// The route from the origin to the place, as WGS-84 points: the origin, the junctions
    /// driven through, and the place (the first and last legs are off the network).
    pub path: Vec<LonLat>,
}

impl Routes<'_> {
    /// Minutes to a place and the origin it is reached from; `None` where no origin's roads
    /// connect to it.
    pub fn minutes_to(&self, p: LonLat) -> Option<(f64, usize)> {
        let (node, _, access_s) = self.net.access(p)?;
        let s = self.seconds[node.index()];
        s.is_finite()
            .then(|| ((s + access_s) / 60.0, self.origin[node.index()]))
    }

    /// The whole trip to a place, with its route.
    pub fn trip_to(&self, p: LonLat) -> Option<Trip> {
        let (minutes, origin) = self.minutes_to(p)?;
        let (node, access_m, _) = self.net.access(p)?;
        let mut path = vec![p, self.net.graph[node]];
        let mut at = node;
        let mut road_m = 0.0;
        while let Some(before) = self.prev[at.index()] {
            road_m += self.net.graph[before].distance_m(self.net.graph[at]);
            path.push(self.net.graph[before]);
            at = before;
        }
        path.push(self.origins[origin]);
        path.dedup();
        path.reverse();
        Some(Trip {
            origin,
            minutes,
            road_m,
            access_m: access_m + self.origin_access_m[origin],
            path,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geojson::{Feature, Geometry, GeometryValue};
    use serde_json::json;

    /// A point `east_km` east and `north_km` north of 106.2 E, 30.0 N (inside Hechuan).
    fn at(east_km: f64, north_km: f64) -> LonLat {
        let lat = 30.0 + north_km / 111.195;
        let lon = 106.2 + east_km / (111.195 * 30f64.to_radians().cos());
        LonLat::new(lon, lat).unwrap()
    }

    fn line(speed: f64, pts: &[(f64, f64)]) -> RoadLine {
        RoadLine {
            class: None,
            speed_kmh: speed,
            points: pts.iter().map(|(x, y)| at(*x, *y)).collect(),
        }
    }

    /// A square A(0,0) B(10,0) C(10,10) D(0,10), with a slow direct road A–C and a fast ring.
    ///   A→B→C on the 60 km/h ring: 20 km, 20 min; A→C straight at 20 km/h: 14.1 km, 42.4 min;
    ///   A→D→C at 30 km/h: 20 km, 40 min.
    fn square() -> Vec<RoadLine> {
        vec![
            line(60.0, &[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)]),
            line(30.0, &[(0.0, 0.0), (0.0, 10.0), (10.0, 10.0)]),
            line(20.0, &[(0.0, 0.0), (10.0, 10.0)]),
        ]
    }

    /// Whether a route goes through a corner (to within a metre).
    fn passes(path: &[LonLat], corner: LonLat) -> bool {
        path.iter().any(|p| p.distance_m(corner) < 1.0)
    }

    #[test]
    fn the_known_shortest_path_on_a_hand_made_network() {
        let net = RoadNetwork::build(&square());
        let s = net.summary(3);
        // 4 corners joined by 5 roads, each cut into pieces of at most 200 m: about 4 × 50 + 71.
        assert!((271..=276).contains(&s.segments), "{}", s.segments);
        assert_eq!(s.pieces, 1);
        assert!((s.length_km - 54.14).abs() < 0.1, "{}", s.length_km);
        let routes = net.routes_from(&[at(0.0, 0.0)]);
        let trip = routes.trip_to(at(10.0, 10.0)).unwrap();
        assert!(passes(&trip.path, at(10.0, 0.0)) && !passes(&trip.path, at(0.0, 10.0)));
        assert_eq!(trip.path.first(), Some(&at(0.0, 0.0)));
        assert_eq!(trip.path.last(), Some(&at(10.0, 10.0)));
        assert!((trip.minutes - 20.0).abs() < 0.1, "{}", trip.minutes);
        assert!((trip.road_m - 20_000.0).abs() < 50.0, "{}", trip.road_m);
        assert!(trip.access_m < 1.0);
        // Slow the ring down to 25 km/h (48 min): the way round by D (40 min) wins.
        let mut slow = square();
        slow[0].speed_kmh = 25.0;
        let net = RoadNetwork::build(&slow);
        let trip = net
            .routes_from(&[at(0.0, 0.0)])
            .trip_to(at(10.0, 10.0))
            .unwrap();
        assert!(passes(&trip.path, at(0.0, 10.0)) && !passes(&trip.path, at(10.0, 0.0)));
        assert!((trip.minutes - 40.0).abs() < 0.1, "{}", trip.minutes);
        // A place beside the middle of a road joins it there: 300 m off B–C's midpoint.
        let trip = net
            .routes_from(&[at(10.3, 5.0)])
            .trip_to(at(10.0, 10.0))
            .unwrap();
        // At most √(300² + 100²) ≈ 316 m: the nearest node is within half a 200 m piece.
        assert!(trip.access_m < 320.0, "{}", trip.access_m);
    }

    #[test]
    fn off_network_legs_use_the_stated_detour_assumption() {
        let net = RoadNetwork::build(&square());
        // 1 km south of A and 1 km north of C: 2 km off-road at ×1.4, 40 km/h = 4.2 min.
        let trip = net
            .routes_from(&[at(0.0, -1.0)])
            .trip_to(at(10.0, 11.0))
            .unwrap();
        assert!((trip.access_m - 2_000.0).abs() < 10.0, "{}", trip.access_m);
        assert!((trip.minutes - 24.2).abs() < 0.1, "{}", trip.minutes);
        assert_eq!(
            trip.path.first(),
            Some(&at(0.0, -1.0)),
            "starts at the origin"
        );
        assert_eq!(trip.path.last(), Some(&at(10.0, 11.0)), "ends at the place");
    }

    #[test]
    fn several_origins_each_place_is_reached_from_its_nearest() {
        let net = RoadNetwork::build(&square());
        let routes = net.routes_from(&[at(0.0, 0.0), at(10.0, 10.0)]);
        assert_eq!(
            routes.minutes_to(at(10.0, 0.0)).unwrap().1,
            0,
            "B: 10 min from A"
        );
        assert_eq!(
            routes.minutes_to(at(0.0, 10.0)).unwrap().1,
            1,
            "D: 20 min from C"
        );
        // A separate piece of road nobody can reach.
        let mut lines = square();
        lines.push(line(60.0, &[(30.0, 30.0), (31.0, 30.0)]));
        let net = RoadNetwork::build(&lines);
        assert_eq!(net.summary(4).pieces, 2);
        assert!(net
            .routes_from(&[at(0.0, 0.0)])
            .minutes_to(at(31.0, 30.0))
            .is_none());
    }

    fn feature(props: serde_json::Value, coords: Vec<Vec<f64>>) -> Feature {
        Feature {
            geometry: Some(Geometry::new(GeometryValue::new_line_string(coords))),
            properties: props.as_object().cloned(),
            ..Default::default()
        }
    }

    #[test]
    fn speeds_come_from_the_speed_or_the_class() {
        let c = vec![vec![106.2, 30.0], vec![106.21, 30.0]];
        let features = vec![
            feature(json!({"speed_kmh": 45}), c.clone()),
            feature(json!({"道路等级": "G319国道"}), c.clone()),
            feature(json!({"highway": "track"}), c.clone()),
            feature(
                json!({"限速": "６０ km/h", "class": "residential"}),
                c.clone(),
            ),
        ];
        let lines = lines_from_features(&features, Crs::Wgs84, None).unwrap();
        let speeds: Vec<f64> = lines.iter().map(|l| l.speed_kmh).collect();
        assert_eq!(speeds, [45.0, 60.0, 10.0, 60.0]);
    }

    #[test]
    fn bad_lines_are_refused_with_their_feature_number() {
        let ok = vec![vec![106.2, 30.0], vec![106.21, 30.0]];
        let features = vec![
            feature(json!({"speed_kmh": 40}), ok.clone()),
            feature(json!({"name": "no class"}), ok.clone()),
            feature(json!({"class": "空中走廊"}), ok.clone()),
            feature(
                json!({"speed_kmh": 40}),
                vec![vec![30.0, 106.2], vec![30.0, 106.21]],
            ),
            feature(
                json!({"speed_kmh": 40}),
                vec![vec![3_450_000.0, 580_000.0], vec![3_450_100.0, 580_000.0]],
            ),
            feature(json!({"speed_kmh": -5}), ok.clone()),
            Feature {
                geometry: Some(Geometry::new(GeometryValue::new_point(vec![106.2, 30.0]))),
                properties: json!({"speed_kmh": 40}).as_object().cloned(),
                ..Default::default()
            },
        ];
        let problems = lines_from_features(&features, Crs::Wgs84, None).unwrap_err();
        let numbers: Vec<usize> = problems.iter().map(|p| p.feature).collect();
        assert_eq!(numbers, [2, 3, 4, 5, 6, 7]);
        let text: Vec<&str> = problems.iter().map(|p| p.reason.as_str()).collect();
        assert!(text[0].contains("no road class"), "{}", text[0]);
        assert!(text[1].contains("unknown road class"), "{}", text[1]);
        assert!(text[2].contains("longitude first"), "{}", text[2]);
        assert!(text[3].contains("projected"), "{}", text[3]);
        assert!(text[4].contains("speed"), "{}", text[4]);
        assert!(text[5].contains("Point"), "{}", text[5]);
        // With a default speed the unclassified lines pass; the others still do not.
        let problems = lines_from_features(&features, Crs::Wgs84, Some(30.0)).unwrap_err();
        assert_eq!(
            problems.iter().map(|p| p.feature).collect::<Vec<_>>(),
            [4, 5, 6, 7]
        );
        assert!(lines_from_features(&[], Crs::Wgs84, None).is_err());
    }

    #[test]
    fn gcj02_lines_are_stored_in_wgs84() {
        let w = LonLat::new(106.27, 29.99).unwrap();
        let g = crate::space::crs::wgs84_to_gcj02(w);
        let features = vec![feature(
            json!({"speed_kmh": 40}),
            vec![vec![g.lon, g.lat], vec![g.lon + 0.01, g.lat]],
        )];
        let lines = lines_from_features(&features, Crs::Gcj02, None).unwrap();
        assert!(lines[0].points[0].distance_m(w) < 0.01);
    }
}
