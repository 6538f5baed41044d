//! `yitu nearest …` and `yitu within …`: parse the question, read the store, rank with the
//! domain's index, and shape the answer as JSON.

use crate::NearestKind;
use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use yitu_domain::dispatch::{Ranked, ResourceIndex, ASSUMED_SPEED_KMH, DETOUR_FACTOR};
use yitu_domain::district::District;
use yitu_domain::expert::ExpertField;
use yitu_domain::material::MaterialCode;
use yitu_domain::resource::Resource;
use yitu_domain::team::{Readiness, Specialty, TeamKind};
use yitu_domain::{Layer, LonLat};
use yitu_replica::Store;

/// How far outside the district a point may be and still be worked from here.
const MARGIN_KM: f64 = 20.0;

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
    Ok(District::hechuan().check_near(p, MARGIN_KM)?)
}

fn assumption() -> Value {
    json!({
        "routing": "none: no road network loaded",
        "zh": format!("未加载路网：按直线距离 × {DETOUR_FACTOR} 绕行系数、{ASSUMED_SPEED_KMH} km/h 估算行程时间"),
        "en": format!("no road network loaded: travel time estimated as straight-line distance × {DETOUR_FACTOR} at {ASSUMED_SPEED_KMH} km/h"),
    })
}

fn row(r: &Ranked<'_>, extra: Value) -> Value {
    let mut v = serde_json::to_value(r).expect("ranked rows serialize");
    v["distance_m"] = json!(r.distance_m.round());
    v["travel_min_estimate"] = json!((r.travel_min_estimate * 10.0).round() / 10.0);
    if let (Some(obj), Value::Object(extra)) = (v.as_object_mut(), extra) {
        obj.extend(extra);
    }
    v
}

pub async fn nearest(store: &Store, what: NearestKind) -> Result<Value> {
    let index = ResourceIndex::new(store.all_resources().await?);
    let (at, results) = match what {
        NearestKind::Teams {
            near,
            specialty,
            kind,
        } => {
            let at = parse_point(&near.at)?;
            let specialty = specialty.map(|s| Specialty::from_code(&s)).transpose()?;
            let kind = kind.map(|k| TeamKind::from_code(&k)).transpose()?;
            // Only teams on standby are offered: a deployed team is not free, whatever its distance.
            let keep = |r: &Resource| match r {
                Resource::Team(t) => {
                    t.status == Readiness::Standby
                        && specialty.is_none_or(|s| t.specialties.contains(&s))
                        && kind.is_none_or(|k| t.kind == k)
                }
                _ => false,
            };
            (
                at,
                index
                    .nearest(at, near.k, keep)
                    .iter()
                    .map(|r| row(r, json!({})))
                    .collect::<Vec<_>>(),
            )
        }
        NearestKind::Experts { near, field } => {
            let at = parse_point(&near.at)?;
            let field = field.map(|f| ExpertField::from_code(&f)).transpose()?;
            let keep = |r: &Resource| matches!(r, Resource::Expert(e) if field.is_none_or(|f| e.field == f));
            (
                at,
                index
                    .nearest(at, near.k, keep)
                    .iter()
                    .map(|r| row(r, json!({})))
                    .collect(),
            )
        }
        NearestKind::Depots { near, code, min } => {
            let at = parse_point(&near.at)?;
            let code = MaterialCode::parse(&code)?;
            let holdings = store.holdings(&code).await?;
            let enough = |r: &Resource| {
                r.layer() == Layer::Depots
                    && holdings
                        .get(&r.id())
                        .is_some_and(|h| h.iter().map(|x| x.available).sum::<i64>() >= min)
            };
            let results = index
                .nearest(at, near.k, enough)
                .iter()
                .map(|r| row(r, json!({ "holdings": holdings.get(&r.resource.id()) })))
                .collect();
            (at, results)
        }
        NearestKind::Shelters { near, min_free } => {
            let at = parse_point(&near.at)?;
            let keep =
                |r: &Resource| matches!(r, Resource::Shelter(s) if s.free_capacity() >= min_free);
            let results = index
                .nearest(at, near.k, keep)
                .iter()
                .map(|r| {
                    let free = match r.resource {
                        Resource::Shelter(s) => s.free_capacity(),
                        _ => 0,
                    };
                    row(r, json!({ "free_capacity": free }))
                })
                .collect();
            (at, results)
        }
    };
    Ok(json!({ "at": at, "assumption": assumption(), "results": results }))
}

pub async fn within(store: &Store, at: &str, radius_km: f64) -> Result<Value> {
    let at = parse_point(at)?;
    if !(radius_km.is_finite() && radius_km > 0.0 && radius_km <= 200.0) {
        bail!("--radius-km {radius_km}: expected a distance above 0 and at most 200 km");
    }
    let index = ResourceIndex::new(store.all_resources().await?);
    let radius_m = radius_km * 1000.0;
    let hazards = index.within(at, radius_m, |r| r.layer() == Layer::Hazards);
    let shelters = index.within(
        at,
        radius_m,
        |r| matches!(r, Resource::Shelter(s) if s.free_capacity() > 0),
    );
    let threatened: u64 = hazards
        .iter()
        .map(|r| match r.resource {
            Resource::Hazard(h) => u64::from(h.threatened_people),
            _ => 0,
        })
        .sum();
    let free: u64 = shelters
        .iter()
        .map(|r| match r.resource {
            Resource::Shelter(s) => u64::from(s.free_capacity()),
            _ => 0,
        })
        .sum();
    Ok(json!({
        "at": at,
        "radius_km": radius_km,
        "hazards": { "count": hazards.len(), "threatened_people": threatened, "results": hazards.iter().map(|r| row(r, json!({}))).collect::<Vec<_>>() },
        "shelters": { "count": shelters.len(), "free_capacity": free, "results": shelters.iter().map(|r| row(r, json!({}))).collect::<Vec<_>>() },
    }))
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
