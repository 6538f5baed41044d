//! Measuring on the map: the length of a path and the area of a ring, on the WGS-84 ellipsoid
//! (Karney's geodesics, as `geo` implements them), as a duty officer's ruler.

use crate::space::area::Area;
use crate::LonLat;
use geo::{Distance, Geodesic, Point};

/// The length of a path through `points`, in metres, along geodesics on the ellipsoid.
pub fn path_length_m(points: &[LonLat]) -> f64 {
    points
        .windows(2)
        .map(|w| {
            Geodesic.distance(
                Point::new(w[0].lon, w[0].lat),
                Point::new(w[1].lon, w[1].lat),
            )
        })
        .sum()
}

/// The area enclosed by `points` (closed back to the first), in square metres; `None` when they
/// do not make a simple polygon (fewer than three points, or edges that cross).
pub fn ring_area_m2(points: &[LonLat]) -> Option<f64> {
    Area::new(points).ok().map(|a| a.area_m2())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(lon: f64, lat: f64) -> LonLat {
        LonLat { lon, lat }
    }

    #[test]
    fn a_degree_of_latitude_here_is_110_9_km_on_the_ellipsoid() {
        // On WGS-84 a degree of latitude centred on 30° N is 110.85 km (the sphere says 111.19).
        let d = path_length_m(&[p(106.2, 29.5), p(106.2, 30.5)]);
        assert!((d - 110_852.0).abs() < 20.0, "{d}");
        let two_legs = path_length_m(&[p(106.2, 29.5), p(106.2, 30.0), p(106.2, 30.5)]);
        assert!((two_legs - d).abs() < 0.01);
        assert_eq!(path_length_m(&[p(106.2, 30.0)]), 0.0);
    }

    #[test]
    fn areas_need_a_simple_ring() {
        let square = [
            p(106.2, 30.0),
            p(106.21, 30.0),
            p(106.21, 30.01),
            p(106.2, 30.01),
        ];
        let a = ring_area_m2(&square).unwrap();
        // 0.01° × 0.01° at 30° N: about 964 m × 1,109 m.
        assert!((a / 1e6 - 1.069).abs() < 0.01, "{a}");
        assert_eq!(ring_area_m2(&square[..2]), None);
        let bow = [square[0], square[2], square[1], square[3]];
        assert_eq!(ring_area_m2(&bow), None);
    }
}
