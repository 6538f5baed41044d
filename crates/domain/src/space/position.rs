//! Positions: WGS-84 longitude/latitude, the only coordinate system yitu stores.

use serde::{Deserialize, Serialize};

/// A WGS-84 position in degrees. CGCS2000 is the same to well under a metre here.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LonLat {
    pub lon: f64,
    pub lat: f64,
}

impl LonLat {
    /// A position on the globe; refuses NaN and out-of-range values.
    pub fn new(lon: f64, lat: f64) -> Result<Self, crate::Error> {
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            return Err(crate::Error::CoordinateRange { lon, lat });
        }
        Ok(Self { lon, lat })
    }

    /// Great-circle distance in metres (haversine, mean Earth radius), good to 0.5 % here.
    pub fn distance_m(self, other: LonLat) -> f64 {
        haversine_m(
            self,
            self.lat.to_radians().cos(),
            other,
            other.lat.to_radians().cos(),
        )
    }
}

/// The mean Earth radius (IUGG), as `geo`'s haversine uses.
pub const MEAN_EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Haversine distance with the cosines of both latitudes given: an index keeps one per point,
/// so a query computes two sines, a square root and an arcsine per candidate.
pub fn haversine_m(a: LonLat, cos_lat_a: f64, b: LonLat, cos_lat_b: f64) -> f64 {
    let d_lat = (b.lat - a.lat).to_radians();
    let d_lon = (b.lon - a.lon).to_radians();
    let h = (d_lat / 2.0).sin().powi(2) + cos_lat_a * cos_lat_b * (d_lon / 2.0).sin().powi(2);
    let c = 2.0 * h.sqrt().asin();
    MEAN_EARTH_RADIUS_M * c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_and_nan_are_refused() {
        for (lon, lat) in [
            (181.0, 30.0),
            (106.0, 91.0),
            (f64::NAN, 30.0),
            (106.0, f64::NAN),
        ] {
            assert!(LonLat::new(lon, lat).is_err(), "{lon},{lat}");
        }
        assert!(LonLat::new(106.27, 29.99).is_ok());
    }

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        let a = LonLat::new(106.0, 30.0).unwrap();
        let b = LonLat::new(106.0, 31.0).unwrap();
        let d = a.distance_m(b);
        assert!((d - 111_195.0).abs() < 200.0, "{d}");
    }

    #[test]
    fn the_same_distance_as_geo_haversine() {
        use geo::{Distance, Haversine, Point};
        let a = LonLat::new(106.27, 29.99).unwrap();
        for i in 0..100 {
            let b = LonLat::new(105.9 + 0.009 * f64::from(i), 29.8 + 0.006 * f64::from(i)).unwrap();
            let theirs = Haversine.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat));
            assert!((a.distance_m(b) - theirs).abs() < 1e-6, "{b:?}");
        }
    }
}
