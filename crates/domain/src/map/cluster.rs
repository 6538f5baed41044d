//! A resource layer's symbols for every zoom, merged into counted clusters below street zoom,
//! and cut into vector tiles. Built once per layer and data version by the desktop shell, so
//! the map's worker decodes a few small tiles instead of clustering every record itself (which
//! took MapLibre's workers about 3 s for 50,000 records on 2 cores).
//!
//! Clustering is greedy by distance, zoom by zoom from the closest down: at each zoom a symbol
//! absorbs the unclaimed symbols of the zoom above within `RADIUS_PX` screen pixels, and the
//! cluster stands at their weighted centre. Every record is in exactly one symbol at every zoom,
//! so the counts a tile shows always add up to the layer.

use crate::map::feature::MapFeature;
use crate::map::vector_tile::{self, TileLayer, TileValue};
use std::collections::HashMap;

/// Below this zoom nearby symbols merge into one disc with their count, so a district view
/// draws hundreds of symbols whatever the number of records; from it on, every record has its
/// own symbol.
pub const CLUSTER_BELOW_ZOOM: u8 = 12;
/// The deepest zoom tiles are cut for; the map enlarges these beyond it.
pub const MAX_ZOOM: u8 = 14;
/// Symbols closer than this on screen merge (pixels of a 512-pixel tile, as MapLibre counts).
pub const RADIUS_PX: f64 = 42.0;
/// Tile coordinates per tile side.
pub const EXTENT: u32 = 4096;
const TILE_PX: f64 = 512.0;

/// A symbol at one zoom: one record, or a cluster of several.
#[derive(Debug, Clone)]
struct Symbol {
    /// Web Mercator, 0..1 across the world from the west and from the north.
    x: f64,
    y: f64,
    count: u32,
    /// The record, when `count` is 1.
    feature: u32,
    /// The gravest risk level among its records (hazards).
    gravest: Option<u8>,
    /// The zoom it was formed at: one deeper, it falls apart.
    formed_at: u8,
    /// Unique among the index's clusters.
    id: u32,
}

/// Which tile each of a zoom's symbols stands in, by the symbol's place in `symbols`.
type Tiles = HashMap<(u32, u32), Vec<u32>>;

/// Why a tile cannot be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TileError {
    #[error("zoom {0} is beyond the deepest tiles ({MAX_ZOOM})")]
    TooDeep(u8),
    #[error("tile {x}/{y} is outside the world at zoom {z}")]
    Outside { z: u8, x: u32, y: u32 },
}

/// A layer's symbols for zooms 0 to `MAX_ZOOM`.
#[derive(Debug)]
pub struct ClusterIndex {
    layer: String,
    features: Vec<MapFeature>,
    /// The symbols of zooms 0 to `CLUSTER_BELOW_ZOOM`; deeper zooms draw the same records as
    /// that one, one each.
    symbols: Vec<Vec<Symbol>>,
    /// Zooms 0 to `MAX_ZOOM`.
    tiles: Vec<Tiles>,
}

fn mercator(lon: f64, lat: f64) -> (f64, f64) {
    let x = lon / 360.0 + 0.5;
    let sin = lat.to_radians().sin();
    let y = 0.5 - 0.25 * ((1.0 + sin) / (1.0 - sin)).ln() / std::f64::consts::PI;
    (x.clamp(0.0, 1.0), y.clamp(0.0, 1.0))
}

fn tile_of(x: f64, y: f64, z: u8) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let last = (1u32 << z) - 1;
    (((x * n) as u32).min(last), ((y * n) as u32).min(last))
}

impl ClusterIndex {
    /// Clusters a layer's features (all of one layer, named `layer` in its tiles).
    pub fn new(layer: &str, features: Vec<MapFeature>) -> Self {
        let singles: Vec<Symbol> = features
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let (x, y) = mercator(f.lon, f.lat);
                Symbol {
                    x,
                    y,
                    count: 1,
                    feature: i as u32,
                    gravest: f.risk_rank(),
                    formed_at: MAX_ZOOM + 1,
                    id: 0,
                }
            })
            .collect();
        // Built from the deepest zoom up; reversed after, so zoom z is `symbols[z]`.
        let mut symbols = vec![singles];
        let mut next_id = 0;
        for z in (0..CLUSTER_BELOW_ZOOM).rev() {
            let merged = merge(symbols.last().expect("the singles"), z, &mut next_id);
            symbols.push(merged);
        }
        symbols.reverse();
        let mut index = Self {
            layer: layer.to_owned(),
            features,
            symbols,
            tiles: Vec::new(),
        };
        index.tiles = (0..=MAX_ZOOM)
            .map(|z| {
                let mut tiles = Tiles::new();
                for (i, s) in index.symbols_of(z).iter().enumerate() {
                    tiles
                        .entry(tile_of(s.x, s.y, z))
                        .or_default()
                        .push(i as u32);
                }
                tiles
            })
            .collect();
        index
    }

    fn symbols_of(&self, z: u8) -> &[Symbol] {
        &self.symbols[usize::from(z.min(CLUSTER_BELOW_ZOOM))]
    }

    /// How many records the layer holds.
    pub fn len(&self) -> usize {
        self.features.len()
    }

    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// How many symbols (records and clusters) a zoom draws over the whole layer.
    pub fn symbols_at(&self, z: u8) -> usize {
        if z > MAX_ZOOM {
            return 0;
        }
        self.symbols_of(z).len()
    }

    /// The vector tile `z/x/y` (XYZ scheme, 512 pixels): one layer named as the index, a point
    /// per symbol standing in the tile. A record carries its styled attributes
    /// (`MapFeature::attributes`); a cluster `cluster`, `cluster_id`, `point_count`,
    /// `point_count_abbreviated`, `expansion_zoom` and, for hazards, `gravest`. A tile with
    /// nothing in it is empty bytes.
    pub fn tile(&self, z: u8, x: u32, y: u32) -> Result<Vec<u8>, TileError> {
        let tiles = self
            .tiles
            .get(usize::from(z))
            .ok_or(TileError::TooDeep(z))?;
        if x >= 1 << z || y >= 1 << z {
            return Err(TileError::Outside { z, x, y });
        }
        let mut layer = TileLayer::new(&self.layer, EXTENT);
        let n = f64::from(1u32 << z);
        let scale = f64::from(EXTENT);
        let symbols = self.symbols_of(z);
        for &i in tiles.get(&(x, y)).into_iter().flatten() {
            let s = &symbols[i as usize];
            let px = ((s.x * n - f64::from(x)) * scale).round() as i32;
            let py = ((s.y * n - f64::from(y)) * scale).round() as i32;
            if s.count == 1 {
                layer.add_point(px, py, &self.features[s.feature as usize].attributes());
            } else {
                let mut attributes = vec![
                    ("cluster", TileValue::Bool(true)),
                    ("cluster_id", s.id.into()),
                    ("point_count", s.count.into()),
                    ("point_count_abbreviated", abbreviated(s.count).into()),
                    ("expansion_zoom", u32::from(s.formed_at + 1).into()),
                ];
                if let Some(g) = s.gravest {
                    attributes.push(("gravest", u32::from(g).into()));
                }
                layer.add_point(px, py, &attributes);
            }
        }
        Ok(vector_tile::encode(&[layer]))
    }
}

/// A count as a cluster disc shows it: 999, 1.2k, 15k.
pub fn abbreviated(count: u32) -> String {
    match count {
        0..=999 => count.to_string(),
        1000..=9999 => format!("{:.1}k", f64::from(count) / 1000.0),
        _ => format!("{}k", (f64::from(count) / 1000.0).round()),
    }
}

/// The symbols of zoom `z`, from those of the zoom above it.
fn merge(above: &[Symbol], z: u8, next_id: &mut u32) -> Vec<Symbol> {
    let r = RADIUS_PX / (TILE_PX * f64::from(1u32 << z));
    let cell = |s: &Symbol| ((s.x / r).floor() as i64, (s.y / r).floor() as i64);
    let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, s) in above.iter().enumerate() {
        grid.entry(cell(s)).or_default().push(i);
    }
    let mut claimed = vec![false; above.len()];
    let mut out = Vec::new();
    for (i, s) in above.iter().enumerate() {
        if claimed[i] {
            continue;
        }
        claimed[i] = true;
        let (cx, cy) = cell(s);
        let mut members = vec![i];
        for gx in cx - 1..=cx + 1 {
            for gy in cy - 1..=cy + 1 {
                for &j in grid.get(&(gx, gy)).into_iter().flatten() {
                    let t = &above[j];
                    if !claimed[j] && (t.x - s.x).powi(2) + (t.y - s.y).powi(2) <= r * r {
                        claimed[j] = true;
                        members.push(j);
                    }
                }
            }
        }
        if members.len() == 1 {
            out.push(s.clone());
            continue;
        }
        let count: u32 = members.iter().map(|&j| above[j].count).sum();
        let weight = |f: fn(&Symbol) -> f64| {
            members
                .iter()
                .map(|&j| f(&above[j]) * f64::from(above[j].count))
                .sum::<f64>()
                / f64::from(count)
        };
        *next_id += 1;
        out.push(Symbol {
            x: weight(|s| s.x),
            y: weight(|s| s.y),
            count,
            feature: u32::MAX,
            gravest: members.iter().filter_map(|&j| above[j].gravest).min(),
            formed_at: z,
            id: *next_id,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::rng::SplitMix64;
    use mvt_reader::feature::Value;
    use mvt_reader::Reader;

    /// A decoded symbol: its position in tile coordinates and its attributes.
    type Decoded = (f32, f32, std::collections::HashMap<String, Value>);

    /// The tile as an independent reader (the `mvt-reader` crate) sees it.
    fn decode(bytes: Vec<u8>, layer: &str) -> Vec<Decoded> {
        if bytes.is_empty() {
            return Vec::new();
        }
        let reader = Reader::new(bytes).expect("a valid vector tile");
        let names = reader.get_layer_names().expect("layer names");
        assert_eq!(names, vec![layer.to_owned()]);
        reader
            .get_features(0)
            .expect("features")
            .into_iter()
            .map(|f| {
                let p = match f.geometry {
                    geo::Geometry::Point(p) => p,
                    geo::Geometry::MultiPoint(m) if m.0.len() == 1 => m.0[0],
                    other => panic!("not a point: {other:?}"),
                };
                (p.x(), p.y(), f.properties.unwrap_or_default())
            })
            .collect()
    }

    fn count(props: &std::collections::HashMap<String, Value>) -> i64 {
        match props.get("point_count") {
            Some(Value::SInt(n)) => *n,
            None => 1,
            other => panic!("point_count {other:?}"),
        }
    }

    /// `n` shelters spread over the district, as the map benchmark loads them.
    fn spread(n: usize) -> Vec<MapFeature> {
        let mut rng = SplitMix64::new(9);
        (0..n)
            .map(|i| MapFeature {
                lon: rng.range(105.97, 106.67),
                lat: rng.range(29.85, 30.37),
                id: format!("s{i}"),
                layer: "shelters",
                name: format!("避难场所{i}"),
                kind: "emergency",
                status: "open",
                level: None,
                capacity: Some(100),
                occupancy: Some(i as u32 % 100),
            })
            .collect()
    }

    /// Every tile of zoom `z` that holds a symbol of the layer.
    fn tiles_at(index: &ClusterIndex, z: u8) -> Vec<(u32, u32)> {
        index.tiles[usize::from(z)].keys().copied().collect()
    }

    #[test]
    fn the_counts_of_every_zoom_add_up_to_the_layer() {
        let index = ClusterIndex::new("shelters", spread(3000));
        for z in 0..=MAX_ZOOM {
            let mut total = 0;
            for (x, y) in tiles_at(&index, z) {
                total += decode(index.tile(z, x, y).unwrap(), "shelters")
                    .iter()
                    .map(|(_, _, p)| count(p))
                    .sum::<i64>();
            }
            assert_eq!(total, 3000, "zoom {z}");
        }
    }

    #[test]
    fn a_district_view_draws_hundreds_of_symbols_and_street_zoom_every_record() {
        let index = ClusterIndex::new("shelters", spread(50_000));
        // The district fills the window at zoom 10 (about 1,000 pixels across).
        let district = index.symbols_at(10);
        assert!(
            (50..1000).contains(&district),
            "{district} symbols at zoom 10"
        );
        assert!(index.symbols_at(9) < district);
        assert_eq!(index.symbols_at(CLUSTER_BELOW_ZOOM), 50_000);
        assert_eq!(index.symbols_at(MAX_ZOOM), 50_000);
    }

    #[test]
    fn a_record_is_drawn_where_it_stands_with_its_styled_attributes() {
        let feature = spread(1).remove(0);
        let index = ClusterIndex::new("shelters", vec![feature.clone()]);
        let (x, y) = mercator(feature.lon, feature.lat);
        let n = f64::from(1u32 << 14);
        let (tx, ty) = ((x * n) as u32, (y * n) as u32);
        let symbols = decode(index.tile(14, tx, ty).unwrap(), "shelters");
        assert_eq!(symbols.len(), 1);
        let (px, py, props) = &symbols[0];
        // Back to degrees: within one tile unit (under a metre at zoom 14).
        let lon = (f64::from(tx) + f64::from(*px) / f64::from(EXTENT)) / n * 360.0 - 180.0;
        let merc_y = (f64::from(ty) + f64::from(*py) / f64::from(EXTENT)) / n;
        let lat = (std::f64::consts::PI * (1.0 - 2.0 * merc_y))
            .sinh()
            .atan()
            .to_degrees();
        assert!((lon - feature.lon).abs() < 1e-5, "{lon} vs {}", feature.lon);
        assert!((lat - feature.lat).abs() < 1e-5, "{lat} vs {}", feature.lat);
        assert_eq!(props["id"], Value::String(feature.id.clone()));
        assert_eq!(props["name"], Value::String(feature.name.clone()));
        assert_eq!(props["capacity"], Value::SInt(100));
        assert_eq!(props["occupancy"], Value::SInt(0));
        assert!(!props.contains_key("point_count"));
        // The other tiles at that zoom hold nothing.
        assert!(index.tile(14, tx + 1, ty).unwrap().is_empty());
    }

    #[test]
    fn a_cluster_falls_apart_at_its_expansion_zoom_and_carries_the_gravest_level() {
        // Two hazards about 300 m apart, level 3 and level 1.
        let hazard = |id: &str, lon: f64, level: &'static str| MapFeature {
            lon,
            lat: 30.0,
            id: id.into(),
            layer: "hazards",
            name: id.into(),
            kind: "landslide",
            status: "active",
            level: Some(level),
            capacity: None,
            occupancy: None,
        };
        let index = ClusterIndex::new(
            "hazards",
            vec![hazard("a", 106.27, "3"), hazard("b", 106.273, "1")],
        );
        let at = |z: u8| {
            let (x, y) = mercator(106.27, 30.0);
            let n = f64::from(1u32 << z);
            decode(
                index.tile(z, (x * n) as u32, (y * n) as u32).unwrap(),
                "hazards",
            )
        };
        let district = at(8);
        assert_eq!(district.len(), 1);
        let props = &district[0].2;
        assert_eq!(props["point_count"], Value::SInt(2));
        assert_eq!(props["point_count_abbreviated"], Value::String("2".into()));
        assert_eq!(props["cluster"], Value::Bool(true));
        assert_eq!(props["gravest"], Value::SInt(1));
        let Value::SInt(expand) = props["expansion_zoom"] else {
            panic!("expansion_zoom {:?}", props["expansion_zoom"]);
        };
        assert_eq!(at(expand as u8 - 1).len(), 1, "still one at {}", expand - 1);
        assert_eq!(at(expand as u8).len(), 2, "apart at {expand}");
    }

    #[test]
    fn a_tile_outside_the_world_or_too_deep_is_refused() {
        let index = ClusterIndex::new("shelters", spread(10));
        assert_eq!(index.tile(15, 0, 0), Err(TileError::TooDeep(15)));
        assert_eq!(
            index.tile(2, 4, 0),
            Err(TileError::Outside { z: 2, x: 4, y: 0 })
        );
        assert!(index.tile(3, 0, 0).unwrap().is_empty(), "no records there");
        assert!(ClusterIndex::new("shelters", Vec::new())
            .tile(0, 0, 0)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn counts_are_abbreviated_as_the_discs_show_them() {
        assert_eq!(abbreviated(999), "999");
        assert_eq!(abbreviated(1234), "1.2k");
        assert_eq!(abbreviated(15_400), "15k");
    }
}
