//! From a file's rows to an overlay in WGS-84: every position checked to be a plausible
//! longitude/latitude, converted from the coordinate system the user named, and the whole
//! checked to lie near the district. Pure: the file has been read, nothing is written here.

use crate::Error;
use geojson::{Feature, Geometry, GeometryValue, JsonObject, Position};
use std::path::Path;
use yitu_domain::space::crs::Crs;
use yitu_domain::space::district::{District, WORKING_MARGIN_KM};
use yitu_domain::LonLat;
use yitu_formats::Table;

/// An overlay's features in WGS-84, with what was left out and where they lie.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    pub features: Vec<Feature>,
    /// Rows that had no geometry yitu can draw (a null shape, a multipatch, no positions).
    pub skipped: usize,
    /// West, south, east, north in WGS-84 degrees.
    pub bbox: [f64; 4],
}

impl Converted {
    /// The features as an RFC 7946 FeatureCollection (what is written and drawn).
    pub fn collection(&self) -> geojson::FeatureCollection {
        geojson::FeatureCollection {
            bbox: Some(self.bbox.to_vec()),
            features: self.features.clone(),
            foreign_members: None,
        }
    }
}

/// Converts `table` (read from `path`, named only in messages) from `crs` to WGS-84. Refuses a
/// table with no drawable feature, any position that is not a plausible longitude/latitude, and
/// an overlay that, once converted, does not come within [`WORKING_MARGIN_KM`] of the district's
/// box (a file in another coordinate system, or of another place).
pub fn convert(path: &Path, table: Table, crs: Crs) -> Result<Converted, Error> {
    let mut features = Vec::new();
    let mut skipped = 0;
    let mut bbox = Bbox::default();
    for row in table.rows {
        let Some(mut geometry) = row.geometry else {
            skipped += 1;
            continue;
        };
        let mut any = false;
        let mut problem = None;
        each_position(&mut geometry.value, &mut |p| {
            if problem.is_some() {
                return;
            }
            match plausible(p) {
                Ok((lon, lat)) => {
                    let w = crs.to_wgs84(LonLat { lon, lat });
                    p[0] = w.lon;
                    p[1] = w.lat;
                    bbox.add(w.lon, w.lat);
                    any = true;
                }
                Err(bad) => problem = Some(bad),
            }
        });
        if let Some((x, y)) = problem {
            let (hint, hint_en) = hint(x, y);
            return Err(Error::NotLonLat {
                path: path.to_owned(),
                feature: row.line,
                x,
                y,
                hint,
                hint_en,
            });
        }
        if !any {
            skipped += 1;
            continue;
        }
        geometry.bbox = None;
        let properties: JsonObject = table
            .headers
            .iter()
            .zip(row.cells)
            .map(|(h, c)| (h.clone(), serde_json::Value::String(c)))
            .collect();
        features.push(Feature {
            bbox: None,
            geometry: Some(Geometry::new(geometry.value)),
            id: None,
            properties: Some(properties),
            foreign_members: None,
        });
    }
    let Some(bbox) = bbox.get() else {
        return Err(Error::NoFeatures {
            path: path.to_owned(),
        });
    };
    if !near_district(bbox) {
        return Err(Error::FarFromDistrict {
            path: path.to_owned(),
            crs: crs.en(),
            lon: (bbox[0] + bbox[2]) / 2.0,
            lat: (bbox[1] + bbox[3]) / 2.0,
        });
    }
    Ok(Converted {
        features,
        skipped,
        bbox,
    })
}

/// A position's longitude and latitude, or the pair of numbers that cannot be one.
fn plausible(p: &Position) -> Result<(f64, f64), (f64, f64)> {
    let x = p.as_slice().first().copied().unwrap_or(f64::NAN);
    let y = p.as_slice().get(1).copied().unwrap_or(f64::NAN);
    if x.is_finite() && y.is_finite() && x.abs() <= 180.0 && y.abs() <= 90.0 {
        Ok((x, y))
    } else {
        Err((x, y))
    }
}

/// What the numbers suggest went wrong, in Chinese and in English.
fn hint(x: f64, y: f64) -> (&'static str, &'static str) {
    if x.abs() > 1_000.0 || y.abs() > 1_000.0 {
        (
            "（像是以米为单位的投影坐标，请先转为经纬度）",
            " (they look like projected coordinates in metres: convert to longitude/latitude first)",
        )
    } else if (73.0..=136.0).contains(&y) && (3.0..=54.0).contains(&x) {
        (
            "（经度和纬度可能写反了）",
            " (longitude and latitude swapped?)",
        )
    } else {
        ("", "")
    }
}

/// Whether a box comes within the working margin of the district's box.
fn near_district(b: [f64; 4]) -> bool {
    let d = District::hechuan().bounds();
    let dlat = WORKING_MARGIN_KM / 111.2;
    let dlon = WORKING_MARGIN_KM / (111.2 * d.center().y.to_radians().cos());
    b[0] <= d.max().x + dlon
        && b[2] >= d.min().x - dlon
        && b[1] <= d.max().y + dlat
        && b[3] >= d.min().y - dlat
}

/// Calls `f` on every position of a geometry, at any depth.
fn each_position(g: &mut GeometryValue, f: &mut impl FnMut(&mut Position)) {
    match g {
        GeometryValue::Point { coordinates } => f(coordinates),
        GeometryValue::MultiPoint { coordinates } | GeometryValue::LineString { coordinates } => {
            coordinates.iter_mut().for_each(f)
        }
        GeometryValue::MultiLineString { coordinates } | GeometryValue::Polygon { coordinates } => {
            coordinates.iter_mut().flatten().for_each(f)
        }
        GeometryValue::MultiPolygon { coordinates } => {
            coordinates.iter_mut().flatten().flatten().for_each(f)
        }
        GeometryValue::GeometryCollection { geometries } => {
            for g in geometries {
                each_position(&mut g.value, f);
            }
        }
    }
}

#[derive(Default)]
struct Bbox(Option<[f64; 4]>);

impl Bbox {
    fn add(&mut self, lon: f64, lat: f64) {
        let b = self.0.get_or_insert([lon, lat, lon, lat]);
        b[0] = b[0].min(lon);
        b[1] = b[1].min(lat);
        b[2] = b[2].max(lon);
        b[3] = b[3].max(lat);
    }

    fn get(&self) -> Option<[f64; 4]> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yitu_formats::{Row, SourceEncoding, SourceKind};

    /// WGS-84 (106.27, 29.99), in Hechuan's old town, as GCJ-02 and BD-09: computed by a
    /// separate Python implementation of the published formulas, which gives the coordtransform
    /// README's pairs for Beijing to the last digit (WGS-84 116.404, 39.915 → GCJ-02
    /// 116.41024449916938, 39.91640428150164; that GCJ-02 point's BD-09 116.41036949371029,
    /// 39.92133699351021).
    const WGS: (f64, f64) = (106.27, 29.99);
    const GCJ: (f64, f64) = (106.27380086355178, 29.987351099034413);
    const BD: (f64, f64) = (106.28035650573766, 29.99310861717599);

    fn table(geometries: Vec<Option<GeometryValue>>) -> Table {
        Table {
            kind: SourceKind::GeoJson,
            source_encoding: SourceEncoding::Utf8,
            headers: vec!["名称".into()],
            rows: geometries
                .into_iter()
                .enumerate()
                .map(|(i, g)| Row {
                    line: i + 1,
                    cells: vec![format!("要素{}", i + 1)],
                    geometry: g.map(Geometry::new),
                })
                .collect(),
        }
    }

    fn point(p: (f64, f64)) -> Option<GeometryValue> {
        Some(GeometryValue::new_point([p.0, p.1]))
    }

    fn first_point(c: &Converted) -> LonLat {
        match &c.features[0].geometry.as_ref().unwrap().value {
            GeometryValue::Point { coordinates } => LonLat {
                lon: coordinates[0],
                lat: coordinates[1],
            },
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_point_comes_back_within_a_metre_of_its_known_wgs84_position() {
        let wgs = LonLat {
            lon: WGS.0,
            lat: WGS.1,
        };
        for (crs, p) in [(Crs::Wgs84, WGS), (Crs::Gcj02, GCJ), (Crs::Bd09, BD)] {
            let c = convert(Path::new("x.geojson"), table(vec![point(p)]), crs).unwrap();
            let err = first_point(&c).distance_m(wgs);
            assert!(err < 1.0, "{crs:?}: {err} m");
            assert_eq!(c.features[0].properties.as_ref().unwrap()["名称"], "要素1");
        }
        // Taken as WGS-84, the GCJ-02 point is the ~470 m shift off: the choice matters.
        let c = convert(Path::new("x.geojson"), table(vec![point(GCJ)]), Crs::Wgs84).unwrap();
        let off = first_point(&c).distance_m(wgs);
        assert!((400.0..560.0).contains(&off), "{off} m");
    }

    #[test]
    fn every_geometry_kind_is_converted_at_every_depth() {
        let (x, y) = GCJ;
        let ring = vec![
            vec![x, y],
            vec![x + 0.01, y],
            vec![x + 0.01, y + 0.01],
            vec![x, y],
        ];
        let kinds = vec![
            point(GCJ),
            Some(GeometryValue::new_multi_point(vec![[x, y], [x, y]])),
            Some(GeometryValue::new_line_string(vec![[x, y], [x + 0.01, y]])),
            Some(GeometryValue::new_multi_line_string(vec![vec![[x, y]]])),
            Some(GeometryValue::new_polygon(vec![ring.clone()])),
            Some(GeometryValue::new_multi_polygon(vec![vec![ring]])),
            Some(GeometryValue::GeometryCollection {
                geometries: vec![Geometry::new(GeometryValue::new_point([x, y]))],
            }),
            None,
        ];
        let c = convert(Path::new("x.geojson"), table(kinds), Crs::Gcj02).unwrap();
        assert_eq!(c.features.len(), 7);
        assert_eq!(c.skipped, 1);
        let text = serde_json::to_string(&c.collection()).unwrap();
        // Every first position is the WGS-84 point: no position was left in GCJ-02.
        assert!(!text.contains("106.2738"), "{text}");
        let wgs = LonLat {
            lon: WGS.0,
            lat: WGS.1,
        };
        assert!(c.bbox[0] < wgs.lon + 1e-5 && c.bbox[1] < wgs.lat + 1e-5);
        assert!(c.bbox[2] > wgs.lon + 0.009 && c.bbox[3] > wgs.lat + 0.009);
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        /// Name, rows, the file's system, the refusal's code, words its message holds.
        type Case = (
            &'static str,
            Vec<Option<GeometryValue>>,
            Crs,
            &'static str,
            &'static [&'static str],
        );
        let cases: Vec<Case> = vec![
            ("no rows", vec![], Crs::Wgs84, "no_features", &[]),
            (
                "no geometry",
                vec![None, None],
                Crs::Wgs84,
                "no_features",
                &[],
            ),
            (
                "projected metres",
                vec![point((36_512_345.0, 3_318_000.0))],
                Crs::Wgs84,
                "not_lon_lat",
                &["投影坐标", "projected", "feature 1"],
            ),
            (
                "swapped axes",
                vec![point(WGS), point((29.99, 106.27))],
                Crs::Wgs84,
                "not_lon_lat",
                &["写反", "swapped", "feature 2"],
            ),
            (
                "three numbers too few",
                vec![Some(GeometryValue::Point {
                    coordinates: Position::from(vec![106.0]),
                })],
                Crs::Wgs84,
                "not_lon_lat",
                &[],
            ),
            (
                "central Beijing",
                vec![point((116.404, 39.915))],
                Crs::Gcj02,
                "far_from_district",
                &["坐标系", "wrong coordinate system", "GCJ-02"],
            ),
        ];
        for (name, rows, crs, code, words) in cases {
            let e = convert(Path::new("/data/路网.geojson"), table(rows), crs).unwrap_err();
            assert_eq!(e.code(), code, "{name}: {e}");
            let text = e.to_string();
            assert!(
                text.contains("路网.geojson"),
                "{name} names the file: {text}"
            );
            for w in words {
                assert!(text.contains(w), "{name}: {w:?} in {text}");
            }
        }
    }

    #[test]
    fn an_overlay_just_over_the_border_or_around_the_district_is_taken() {
        // Beibei, over the southern border; and a box around the whole of Chongqing.
        for rows in [
            vec![point((106.43, 29.82))],
            vec![Some(GeometryValue::new_line_string(vec![
                [105.0, 28.5],
                [110.0, 32.0],
            ]))],
        ] {
            assert!(convert(Path::new("x.shp"), table(rows), Crs::Wgs84).is_ok());
        }
    }
}
