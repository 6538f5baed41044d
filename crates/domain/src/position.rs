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
        use geo::{Distance, Haversine, Point};
        Haversine.distance(
            Point::new(self.lon, self.lat),
            Point::new(other.lon, other.lat),
        )
    }
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
}
