//! Cell values: numbers typed with full-width digits or thousands separators, enumerations in
//! code, Chinese or English, lists, towns by code or name, dates, and positions in any of the
//! three coordinate systems, each refused with a reason a clerk can act on.

use super::columns::fold_width;
use super::Crs;
use crate::registries::town::Town;
use crate::space::district::{District, WORKING_MARGIN_KM};
use crate::LonLat;

/// A cell as compared and parsed: width folded and trimmed.
pub fn clean(s: &str) -> String {
    fold_width(s).trim().to_owned()
}

/// Units people type after a number; dropped before parsing.
const UNITS: &[&str] = &[
    "平方米",
    "m2",
    "㎡",
    "人",
    "户",
    "个",
    "件",
    "顶",
    "床",
    "箱",
    "张",
];

/// A whole number ≥ 0: "1,200", "１２００", "1200.0", "120人" are all read.
pub fn count(s: &str) -> Result<u32, String> {
    let text = clean(s);
    let mut t: String = text.chars().filter(|c| !matches!(c, ',' | ' ')).collect();
    for u in UNITS {
        if let Some(stripped) = t.strip_suffix(u) {
            t = stripped.to_owned();
            break;
        }
    }
    if let Ok(n) = t.parse::<u32>() {
        return Ok(n);
    }
    match t.parse::<f64>() {
        Ok(x) if x.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&x) => Ok(x as u32),
        Ok(x) if x < 0.0 => Err(format!("{text:?} is negative")),
        Ok(_) => Err(format!("{text:?} is not a whole number")),
        Err(_) => Err(format!("{text:?} is not a number")),
    }
}

/// A list: a JSON array (as GeoJSON exports carry), or items separated by 、 , or ; (half- or
/// full-width). A slash is not a separator: it appears inside names (水/电).
/// Items are kept as typed (trimmed); the separators may be full-width.
pub fn list(s: &str) -> Vec<String> {
    let t = s.trim();
    if t.starts_with('[') {
        if let Ok(items) = serde_json::from_str::<Vec<String>>(t) {
            return items
                .into_iter()
                .map(|i| i.trim().to_owned())
                .filter(|i| !i.is_empty())
                .collect();
        }
    }
    t.split(['、', ',', ';', '，', '；'])
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A town by its 9-digit code, its name, or its name without 镇/街道 when that is unambiguous.
pub fn town(s: &str, towns: &[Town]) -> Result<String, String> {
    let t: String = clean(s).chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(town) = towns.iter().find(|x| x.code == t || x.name == t) {
        return Ok(town.code.clone());
    }
    let prefixed: Vec<&Town> = towns
        .iter()
        .filter(|x| !t.is_empty() && x.name.starts_with(&t))
        .collect();
    match prefixed.as_slice() {
        [one] => Ok(one.code.clone()),
        _ => Err(format!(
            "unknown town {t:?}: give one of Hechuan's 30 towns and streets by name (e.g. 合阳城街道) or 9-digit code (e.g. 500117001)"
        )),
    }
}

/// A date as YYYY-MM-DD, from 2027-06-30, 2027/6/30, 2027.6.30 or 2027年6月30日.
pub fn date(s: &str) -> Result<String, String> {
    let t = clean(s);
    let parts: Vec<&str> = t
        .trim_end_matches('日')
        .split(['-', '/', '.', '年', '月'])
        .collect();
    let bad = || format!("{t:?} is not a date (YYYY-MM-DD)");
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let (y, m, d): (u32, u32, u32) = (
        y.parse().map_err(|_| bad())?,
        m.parse().map_err(|_| bad())?,
        d.parse().map_err(|_| bad())?,
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1900..=2200).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days[m as usize - 1] {
        return Err(bad());
    }
    Ok(format!("{y:04}-{m:02}-{d:02}"))
}

/// A coordinate in degrees; "106.27", "１０６．２７" and "106.27°" are read.
pub fn degrees(s: &str) -> Result<f64, String> {
    let t = clean(s);
    let x: f64 = t
        .trim_end_matches('°')
        .trim()
        .parse()
        .map_err(|_| format!("{t:?} is not a number of degrees"))?;
    if x.is_finite() {
        Ok(x)
    } else {
        Err(format!("{t:?} is not a number of degrees"))
    }
}

/// A position given in `crs`, checked and returned in WGS-84. Swapped axes are named as such:
/// (29.99, 106.27) is not "far away", it is latitude typed into the longitude column.
pub fn position(lon: f64, lat: f64, crs: Crs, district: &District) -> Result<LonLat, String> {
    let near = |lon: f64, lat: f64| {
        LonLat::new(lon, lat)
            .ok()
            .and_then(|p| district.check_near(p, WORKING_MARGIN_KM + 2.0).ok())
    };
    if near(lon, lat).is_none() && near(lat, lon).is_some() {
        return Err(format!(
            "longitude and latitude are swapped (经纬度颠倒): longitude {lon} is a latitude here and latitude {lat} a longitude"
        ));
    }
    let given = LonLat::new(lon, lat).map_err(|e| e.to_string())?;
    let wgs = crs.to_wgs84(given);
    district.check_near(wgs, WORKING_MARGIN_KM).map_err(|_| {
        format!(
            "position {lon}, {lat} is outside Hechuan district and more than {WORKING_MARGIN_KM} km from it"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_as_typed() {
        let ok = [
            ("1,200", 1200),
            ("１２００", 1200),
            ("1200.0", 1200),
            ("120人", 120),
            (" 0 ", 0),
        ];
        for (s, n) in ok {
            assert_eq!(count(s), Ok(n), "{s}");
        }
        for bad in ["-3", "1.5", "abc", ""] {
            assert!(count(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lists_from_json_or_separators() {
        assert_eq!(list(r#"["water","flood"]"#), vec!["water", "flood"]);
        assert_eq!(
            list("水上救援、防汛抗旱，医疗救护"),
            vec!["水上救援", "防汛抗旱", "医疗救护"]
        );
        assert!(list("  ").is_empty());
    }

    #[test]
    fn towns_by_code_name_or_short_name() {
        let towns = crate::registries::town::all();
        assert_eq!(town("500117001", &towns).as_deref(), Ok("500117001"));
        assert_eq!(town("钓鱼城街道", &towns).as_deref(), Ok("500117002"));
        assert_eq!(town("钓鱼城", &towns).as_deref(), Ok("500117002"));
        assert!(town("渝中区", &towns).is_err());
    }

    #[test]
    fn dates_in_chinese_habits() {
        for s in ["2027-06-30", "2027/6/30", "2027.6.30", "2027年6月30日"] {
            assert_eq!(date(s).as_deref(), Ok("2027-06-30"), "{s}");
        }
        for bad in ["2027-02-30", "30/6/2027", "明年"] {
            assert!(date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn positions_swapped_far_and_converted() {
        let d = District::hechuan();
        assert!(position(106.27, 29.99, Crs::Wgs84, &d).is_ok());
        let swapped = position(29.99, 106.27, Crs::Wgs84, &d).unwrap_err();
        assert!(swapped.contains("swapped"), "{swapped}");
        let far = position(116.4, 39.9, Crs::Wgs84, &d).unwrap_err();
        assert!(far.contains("outside"), "{far}");
        let gcj = crate::space::crs::wgs84_to_gcj02(LonLat::new(106.27, 29.99).unwrap());
        let back = position(gcj.lon, gcj.lat, Crs::Gcj02, &d).unwrap();
        assert!(back.distance_m(LonLat::new(106.27, 29.99).unwrap()) < 1.0);
    }
}
