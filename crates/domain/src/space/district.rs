//! The district's outline (Hechuan, GB/T 2260 code 500117), compiled in from `assets/geo`, and
//! the test of whether a position lies inside it.

use crate::{Error, LonLat};
use geo::{BoundingRect, Contains, MultiPolygon, Point, Rect};

/// The coarse outline (134 vertices, Tianditu-style, CGCS2000 ≈ WGS-84; clean MIT licence).
pub const OUTLINE_COARSE_GEOJSON: &str =
    include_str!("../../../../assets/geo/hechuan_boundary_tianditu_cgcs2000_simplified.geojson");
/// The detailed outline (~20 m, AMap geometry converted to WGS-84): drawn on the map.
pub const OUTLINE_DETAILED_GEOJSON: &str =
    include_str!("../../../../assets/geo/hechuan_boundary_wgs84_simplified20m.geojson");

/// Hechuan's GB/T 2260 administrative division code: the first six digits of every town's and
/// village's code, and what a warning message names the district by.
pub const GB2260_CODE: &str = "500117";

/// How far outside the district a point may lie and still be worked from here (an incident just
/// over the border); farther is taken for a typing error.
pub const WORKING_MARGIN_KM: f64 = 20.0;

/// Hechuan's outline as polygons. A position is inside the district when both shipped outlines
/// contain it, so the demo never places a point in a sliver where the two disagree.
#[derive(Debug, Clone)]
pub struct District {
    coarse: MultiPolygon<f64>,
    detailed: MultiPolygon<f64>,
}

impl District {
    /// Parses the compiled-in outlines. They are part of the binary, so failure is a build defect.
    pub fn hechuan() -> Self {
        Self {
            coarse: multipolygon(OUTLINE_COARSE_GEOJSON),
            detailed: multipolygon(OUTLINE_DETAILED_GEOJSON),
        }
    }

    pub fn contains(&self, p: LonLat) -> bool {
        let pt = Point::new(p.lon, p.lat);
        self.coarse.contains(&pt) && self.detailed.contains(&pt)
    }

    /// The bounding box of the detailed outline.
    pub fn bounds(&self) -> Rect<f64> {
        self.detailed.bounding_rect().expect("outline is not empty")
    }

    /// Refuses a position farther than `margin_km` outside the district's bounding box: an
    /// incident just over the border is still worked from here, one in another province is a
    /// typing error (often latitude and longitude swapped).
    pub fn check_near(&self, p: LonLat, margin_km: f64) -> Result<LonLat, Error> {
        let b = self.bounds();
        let dlat = margin_km / 111.2;
        let dlon = margin_km / (111.2 * p.lat.to_radians().cos().max(0.1));
        let near = p.lon >= b.min().x - dlon
            && p.lon <= b.max().x + dlon
            && p.lat >= b.min().y - dlat
            && p.lat <= b.max().y + dlat;
        if near {
            Ok(p)
        } else {
            Err(Error::OutsideDistrict {
                lon: p.lon,
                lat: p.lat,
            })
        }
    }

    /// Refuses a position that is not inside the district (with a hint about swapped axes).
    pub fn check(&self, p: LonLat) -> Result<LonLat, Error> {
        if self.contains(p) {
            Ok(p)
        } else {
            Err(Error::OutsideDistrict {
                lon: p.lon,
                lat: p.lat,
            })
        }
    }
}

fn multipolygon(text: &str) -> MultiPolygon<f64> {
    let gj: geojson::GeoJson = text.parse().expect("shipped outline is valid GeoJSON");
    let collection =
        geojson::FeatureCollection::try_from(gj).expect("outline is a FeatureCollection");
    let polys = collection
        .features
        .into_iter()
        .filter_map(|f| f.geometry)
        .flat_map(|g| {
            let geom: geo::Geometry<f64> = g.try_into().expect("outline geometry converts");
            match geom {
                geo::Geometry::MultiPolygon(mp) => mp.0,
                geo::Geometry::Polygon(p) => vec![p],
                _ => Vec::new(),
            }
        })
        .collect();
    MultiPolygon(polys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_city_centre_is_inside_and_chongqing_and_swapped_axes_are_not() {
        let d = District::hechuan();
        // Hechuan's old town at the Jialing–Fu confluence.
        assert!(d.contains(LonLat::new(106.27, 29.99).unwrap()));
        // Yuzhong, central Chongqing, is ~50 km south.
        assert!(!d.contains(LonLat::new(106.57, 29.56).unwrap()));
        // Latitude and longitude swapped.
        assert!(d
            .check(LonLat::new(29.99, 106.27).unwrap_or(LonLat {
                lon: 29.99,
                lat: 80.0
            }))
            .is_err());
    }

    #[test]
    fn bounds_match_the_measured_extent() {
        let b = District::hechuan().bounds();
        assert!((b.min().x - 105.964).abs() < 0.01 && (b.max().x - 106.674).abs() < 0.01);
        assert!((b.min().y - 29.847).abs() < 0.01 && (b.max().y - 30.380).abs() < 0.01);
    }
}
