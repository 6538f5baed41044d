//! Areas drawn on the map (an affected area, a search area): a checked WGS-84 polygon with its
//! geodesic size, used to ask what lies inside.

use crate::space::district::{District, WORKING_MARGIN_KM};
use crate::{Error, LonLat};
use geo::orient::{Direction, Orient};
use geo::{Centroid, Contains, GeodesicArea, Validation};
use serde::Serialize;

/// A simple polygon without holes, every vertex in or near the district.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    polygon: geo::Polygon<f64>,
}

/// Why a drawn or given area cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
pub enum AreaError {
    #[error("an area needs at least three different points; {0} given")]
    TooFewPoints(usize),
    #[error("the area's edges cross each other: draw its outline without crossings")]
    SelfCrossing,
    #[error("{0}")]
    Position(String),
    #[error("expected a GeoJSON Polygon, found {0}")]
    NotAPolygon(String),
}

impl From<Error> for AreaError {
    fn from(e: Error) -> Self {
        AreaError::Position(e.to_string())
    }
}

impl Area {
    /// An area from its outline (closing it if the last point does not repeat the first).
    pub fn new(outline: &[LonLat]) -> Result<Self, AreaError> {
        let district = District::hechuan();
        let mut points: Vec<LonLat> = Vec::with_capacity(outline.len());
        for p in outline {
            let p = district.check_near(LonLat::new(p.lon, p.lat)?, WORKING_MARGIN_KM)?;
            if points.last() != Some(&p) {
                points.push(p);
            }
        }
        if points.len() > 1 && points.first() == points.last() {
            points.pop();
        }
        if points.len() < 3 {
            return Err(AreaError::TooFewPoints(points.len()));
        }
        let ring: Vec<(f64, f64)> = points.iter().map(|p| (p.lon, p.lat)).collect();
        let polygon = geo::Polygon::new(geo::LineString::from(ring), vec![]);
        if !polygon.is_valid() {
            return Err(AreaError::SelfCrossing);
        }
        // Counter-clockwise, whichever way the user clicked: the geodesic area of a clockwise
        // ring is the rest of the Earth (seen: 510 million km² for a small triangle).
        let polygon = polygon.orient(Direction::Default);
        Ok(Self { polygon })
    }

    /// An area from a GeoJSON Polygon (its outer ring; holes are not supported).
    pub fn from_geojson(geometry: &geojson::Geometry) -> Result<Self, AreaError> {
        match &geometry.value {
            geojson::GeometryValue::Polygon { coordinates } => {
                let ring = coordinates.first().map(Vec::as_slice).unwrap_or_default();
                let outline = ring
                    .iter()
                    .map(|c| match c.as_slice() {
                        [lon, lat, ..] => Ok(LonLat::new(*lon, *lat)?),
                        _ => Err(AreaError::TooFewPoints(0)),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Self::new(&outline)
            }
            other => Err(AreaError::NotAPolygon(other.type_name().to_owned())),
        }
    }

    pub fn contains(&self, p: LonLat) -> bool {
        self.polygon.contains(&geo::Point::new(p.lon, p.lat))
    }

    /// Size on the ellipsoid, in square metres.
    pub fn area_m2(&self) -> f64 {
        self.polygon.geodesic_area_unsigned()
    }

    /// The centre distances are given from.
    pub fn centroid(&self) -> LonLat {
        let c = self
            .polygon
            .centroid()
            .expect("a valid polygon has a centroid");
        LonLat {
            lon: c.x(),
            lat: c.y(),
        }
    }

    /// As a GeoJSON Polygon (closed, counter-clockwise), the form incidents and drawings keep.
    pub fn to_geojson(&self) -> geojson::Geometry {
        let ring: Vec<geojson::Position> = self
            .polygon
            .exterior()
            .coords()
            .map(|c| [c.x, c.y].into())
            .collect();
        geojson::Geometry::new(geojson::GeometryValue::Polygon {
            coordinates: vec![ring],
        })
    }

    /// West, south, east, north.
    pub fn bounds(&self) -> [f64; 4] {
        use geo::BoundingRect;
        let r = self.polygon.bounding_rect().expect("non-empty");
        [r.min().x, r.min().y, r.max().x, r.max().y]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(lon: f64, lat: f64) -> LonLat {
        LonLat { lon, lat }
    }

    #[test]
    fn a_square_of_about_one_by_one_km() {
        // 0.01° of latitude ≈ 1.112 km; 0.0104° of longitude at 30° N ≈ 1.003 km.
        let a = Area::new(&[
            p(106.2, 30.0),
            p(106.2104, 30.0),
            p(106.2104, 30.01),
            p(106.2, 30.01),
        ])
        .unwrap();
        assert!((a.area_m2() / 1e6 - 1.115).abs() < 0.01, "{}", a.area_m2());
        assert!(a.contains(p(106.205, 30.005)));
        assert!(!a.contains(p(106.215, 30.005)));
        let back = Area::from_geojson(&a.to_geojson()).unwrap();
        assert_eq!(back, a);
        assert!((a.centroid().lon - 106.2052).abs() < 1e-4);
    }

    #[test]
    fn the_area_is_the_same_whichever_way_the_outline_was_clicked() {
        let ccw = [p(106.4, 30.1), p(106.5, 30.1), p(106.4, 30.2)];
        let cw = [p(106.4, 30.1), p(106.4, 30.2), p(106.5, 30.1)];
        let (a, b) = (Area::new(&ccw).unwrap(), Area::new(&cw).unwrap());
        // Half of 9.64 km × 11.09 km.
        assert!((a.area_m2() / 1e6 - 53.4).abs() < 0.5, "{}", a.area_m2());
        assert!(
            (a.area_m2() - b.area_m2()).abs() < 1.0,
            "{} {}",
            a.area_m2(),
            b.area_m2()
        );
    }

    #[test]
    fn bad_areas_are_refused_with_a_reason() {
        assert_eq!(
            Area::new(&[p(106.2, 30.0), p(106.2, 30.0), p(106.3, 30.0)]),
            Err(AreaError::TooFewPoints(2))
        );
        // A bow tie.
        assert_eq!(
            Area::new(&[
                p(106.2, 30.0),
                p(106.3, 30.1),
                p(106.3, 30.0),
                p(106.2, 30.1)
            ]),
            Err(AreaError::SelfCrossing)
        );
        let far = Area::new(&[p(116.2, 39.0), p(116.3, 39.0), p(116.3, 39.1)]).unwrap_err();
        assert!(far.to_string().contains("outside Hechuan"), "{far}");
        let point = geojson::Geometry::new_point([106.2, 30.0]);
        assert!(matches!(
            Area::from_geojson(&point),
            Err(AreaError::NotAPolygon(_))
        ));
    }
}
