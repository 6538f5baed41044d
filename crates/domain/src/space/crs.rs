//! The coordinate systems Chinese data arrives in: WGS-84 (and CGCS2000, the same to well under
//! a metre), GCJ-02 (the obfuscated system AMap and Tencent maps show) and BD-09 (Baidu). yitu
//! stores WGS-84; these conversions serve display and import.

use crate::LonLat;
use std::f64::consts::PI;

/// Semi-major axis and first eccentricity squared of the Krasovsky 1940 ellipsoid, on which the
/// GCJ-02 offset is defined.
const A: f64 = 6_378_245.0;
const EE: f64 = 0.006_693_421_622_965_943;

crate::labelled_enum! {
    /// The coordinate system a user says a file's positions are in.
    Crs {
        Wgs84 => ("wgs84", "WGS-84/CGCS2000", "WGS-84 (also CGCS2000, GPS, Tianditu)"),
        Gcj02 => ("gcj02", "GCJ-02（高德、腾讯）", "GCJ-02 (AMap, Tencent)"),
        Bd09 => ("bd09", "BD-09（百度）", "BD-09 (Baidu)"),
    }
}

impl Crs {
    /// The same place in WGS-84, the only system yitu stores.
    pub fn to_wgs84(self, p: LonLat) -> LonLat {
        match self {
            Crs::Wgs84 => p,
            Crs::Gcj02 => gcj02_to_wgs84(p),
            Crs::Bd09 => bd09_to_wgs84(p),
        }
    }
}

/// GCJ-02 is only applied inside mainland China's rough bounding box; outside it equals WGS-84.
fn outside_china(p: LonLat) -> bool {
    !(72.004..=137.8347).contains(&p.lon) || !(0.8293..=55.8271).contains(&p.lat)
}

fn offset_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn offset_lon(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// WGS-84 → GCJ-02.
pub fn wgs84_to_gcj02(p: LonLat) -> LonLat {
    if outside_china(p) {
        return p;
    }
    let (x, y) = (p.lon - 105.0, p.lat - 35.0);
    let rad = p.lat.to_radians();
    let magic = 1.0 - EE * rad.sin() * rad.sin();
    let sqrt_magic = magic.sqrt();
    let dlat = offset_lat(x, y) * 180.0 / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let dlon = offset_lon(x, y) * 180.0 / (A / sqrt_magic * rad.cos() * PI);
    LonLat {
        lon: p.lon + dlon,
        lat: p.lat + dlat,
    }
}

/// GCJ-02 → WGS-84, by fixed-point iteration on the forward transform (converges to well under a
/// millimetre in a few steps; the one-step approximation often used is off by metres).
pub fn gcj02_to_wgs84(g: LonLat) -> LonLat {
    invert(wgs84_to_gcj02, g, g)
}

/// Finds `p` with `forward(p) == target`, starting from `start`: each step moves `p` by the
/// remaining error. Both shifts here are small and smooth, so this converges in a few steps.
fn invert(forward: fn(LonLat) -> LonLat, target: LonLat, start: LonLat) -> LonLat {
    let mut p = start;
    for _ in 0..30 {
        let f = forward(p);
        let (dlon, dlat) = (f.lon - target.lon, f.lat - target.lat);
        p = LonLat {
            lon: p.lon - dlon,
            lat: p.lat - dlat,
        };
        if dlon.abs() < 1e-10 && dlat.abs() < 1e-10 {
            break;
        }
    }
    p
}

const X_PI: f64 = PI * 3000.0 / 180.0;

/// GCJ-02 → BD-09.
pub fn gcj02_to_bd09(g: LonLat) -> LonLat {
    let (x, y) = (g.lon, g.lat);
    let z = (x * x + y * y).sqrt() + 0.000_02 * (y * X_PI).sin();
    let theta = y.atan2(x) + 0.000_003 * (x * X_PI).cos();
    LonLat {
        lon: z * theta.cos() + 0.0065,
        lat: z * theta.sin() + 0.006,
    }
}

/// BD-09 → GCJ-02: the closed-form inverse (good to a few centimetres), then refined by
/// fixed-point iteration on the forward transform.
pub fn bd09_to_gcj02(b: LonLat) -> LonLat {
    let (x, y) = (b.lon - 0.0065, b.lat - 0.006);
    let z = (x * x + y * y).sqrt() - 0.000_02 * (y * X_PI).sin();
    let theta = y.atan2(x) - 0.000_003 * (x * X_PI).cos();
    let approx = LonLat {
        lon: z * theta.cos(),
        lat: z * theta.sin(),
    };
    invert(gcj02_to_bd09, b, approx)
}

/// BD-09 → WGS-84.
pub fn bd09_to_wgs84(b: LonLat) -> LonLat {
    gcj02_to_wgs84(bd09_to_gcj02(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HECHUAN: LonLat = LonLat {
        lon: 106.275,
        lat: 29.985,
    };

    #[test]
    fn the_gcj02_shift_over_hechuan_is_about_half_a_kilometre() {
        // The district's base-map notes measure 460–480 m here.
        for p in [
            HECHUAN,
            LonLat {
                lon: 105.97,
                lat: 29.85,
            },
            LonLat {
                lon: 106.67,
                lat: 30.38,
            },
        ] {
            let shift = p.distance_m(wgs84_to_gcj02(p));
            assert!((400.0..560.0).contains(&shift), "{p:?}: {shift} m");
        }
    }

    #[test]
    fn round_trips_are_within_a_millimetre() {
        for i in 0..50 {
            let p = LonLat {
                lon: 105.96 + 0.0143 * f64::from(i),
                lat: 29.84 + 0.0107 * f64::from(i),
            };
            let back = gcj02_to_wgs84(wgs84_to_gcj02(p));
            assert!(p.distance_m(back) < 0.001, "{p:?}");
            let bd = gcj02_to_bd09(wgs84_to_gcj02(p));
            let err = p.distance_m(bd09_to_wgs84(bd));
            assert!(err < 0.001, "{p:?}: {err} m");
        }
    }

    #[test]
    fn outside_china_nothing_moves() {
        let london = LonLat {
            lon: -0.1276,
            lat: 51.5072,
        };
        assert_eq!(wgs84_to_gcj02(london), london);
    }

    #[test]
    fn baidu_adds_its_own_shift_on_top() {
        let g = wgs84_to_gcj02(HECHUAN);
        let b = gcj02_to_bd09(g);
        let extra = g.distance_m(b);
        assert!((500.0..1_500.0).contains(&extra), "{extra} m");
    }
}
