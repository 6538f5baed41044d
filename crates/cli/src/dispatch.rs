//! `yitu nearest …` and `yitu within …`: parse the question; the store answers it.

use crate::NearestKind;
use anyhow::{bail, Context, Result};
use geojson::GeoJson;
use serde_json::Value;
use std::path::Path;
use yitu_domain::dispatch::Limit;
use yitu_domain::registries::expert::ExpertField;
use yitu_domain::registries::team::{Specialty, TeamKind};
use yitu_domain::space::area::Area;
use yitu_domain::space::district::{District, WORKING_MARGIN_KM};
use yitu_domain::stock::material::MaterialCode;
use yitu_domain::LonLat;
use yitu_replica::dispatch::Need;
use yitu_replica::Store;

/// Parses `LON,LAT` (also with a full-width comma or spaces) and refuses points far from Hechuan.
pub fn parse_point(text: &str) -> Result<LonLat> {
    let cleaned = text.replace('，', ",");
    let mut parts = cleaned.split(',').map(str::trim);
    let (Some(lon), Some(lat), None) = (parts.next(), parts.next(), parts.next()) else {
        bail!("--at {text:?}: expected longitude,latitude such as 106.27,29.99");
    };
    let lon: f64 = lon
        .parse()
        .with_context(|| format!("--at: longitude {lon:?} is not a number"))?;
    let lat: f64 = lat
        .parse()
        .with_context(|| format!("--at: latitude {lat:?} is not a number"))?;
    let p = LonLat::new(lon, lat)?;
    Ok(District::hechuan().check_near(p, WORKING_MARGIN_KM)?)
}

/// Answers `yitu nearest …`.
pub async fn nearest(store: &Store, what: NearestKind) -> Result<Value> {
    let (near, need) = match what {
        NearestKind::Teams {
            near,
            specialty,
            kind,
        } => {
            let specialty = specialty.map(|s| Specialty::from_code(&s)).transpose()?;
            let kind = kind.map(|k| TeamKind::from_code(&k)).transpose()?;
            (near, Need::Teams { specialty, kind })
        }
        NearestKind::Experts { near, field } => (
            near,
            Need::Experts {
                field: field.map(|f| ExpertField::from_code(&f)).transpose()?,
            },
        ),
        NearestKind::Depots { near, code, min } => (
            near,
            Need::Depots {
                code: MaterialCode::parse(&code)?,
                min,
            },
        ),
        NearestKind::Shelters { near, min_free } => (near, Need::Shelters { min_free }),
    };
    let at = parse_point(&near.at)?;
    Ok(serde_json::to_value(
        store.nearest(at, &need, near.k).await?,
    )?)
}

/// Answers `yitu within …`.
pub async fn within(store: &Store, at: &str, radius_km: f64) -> Result<Value> {
    let at = parse_point(at)?;
    if !(radius_km.is_finite() && radius_km > 0.0 && radius_km <= 200.0) {
        bail!("--radius-km {radius_km}: expected a distance above 0 and at most 200 km");
    }
    Ok(serde_json::to_value(
        store.within(at, radius_km * 1000.0).await?,
    )?)
}

/// Answers `yitu within --area FILE`.
pub async fn inside(store: &Store, file: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("reading the area file {}", file.display()))?;
    let geojson: GeoJson = text
        .parse()
        .with_context(|| format!("{} is not GeoJSON", file.display()))?;
    let geometry = match geojson {
        GeoJson::Geometry(g) => g,
        GeoJson::Feature(f) => f.geometry.context("the feature has no geometry")?,
        GeoJson::FeatureCollection(fc) => match fc.features.as_slice() {
            [one] => one
                .geometry
                .clone()
                .context("the feature has no geometry")?,
            many => bail!(
                "{}: expected one area, found {} features",
                file.display(),
                many.len()
            ),
        },
    };
    let area = Area::from_geojson(&geometry).with_context(|| file.display().to_string())?;
    Ok(serde_json::to_value(store.inside(&area).await?)?)
}

/// Answers `yitu coverage …`: by straight-line km, or by minutes of travel.
pub async fn coverage(
    store: &Store,
    specialty: Option<String>,
    km: Option<f64>,
    minutes: Option<f64>,
) -> Result<Value> {
    let specialty = specialty.map(|s| Specialty::from_code(&s)).transpose()?;
    let limit = match (km, minutes) {
        (Some(km), None) if km.is_finite() && km > 0.0 && km <= 200.0 => Limit::Metres(km * 1000.0),
        (Some(km), None) => bail!("--km {km}: expected a distance above 0 and at most 200 km"),
        (None, Some(m)) if m.is_finite() && m > 0.0 && m <= 600.0 => Limit::Minutes(m),
        (None, Some(m)) => bail!("--minutes {m}: expected a time above 0 and at most 600"),
        _ => bail!("give --km or --minutes"),
    };
    Ok(serde_json::to_value(
        store.coverage(specialty, limit).await?,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_parse_or_are_refused_with_a_reason() {
        assert!(parse_point("106.27,29.99").is_ok());
        assert!(parse_point(" 106.27 ， 29.99 ").is_ok());
        for (bad, reason) in [
            ("29.99,106.27", "longitude first"),
            ("106.27", "expected longitude,latitude"),
            ("east,29.99", "not a number"),
            ("116.40,39.90", "outside"),
            ("106.27,29.99,5", "expected longitude,latitude"),
        ] {
            let e = format!("{:#}", parse_point(bad).unwrap_err());
            assert!(e.contains(reason), "{bad}: {e}");
        }
    }
}
