//! The demonstration's monitoring stations (演示数据, like the rest of the demo): rain gauges in
//! ten rural towns, water-level stations on the three rivers near the city, and a geohazard
//! monitoring point at each of the eight landslides and rockfalls threatening the most people.
//! Positions are schematic and the levels invented; the codes are in the forms the listeners
//! read (SL 651 station addresses as 10 hex digits, device ids for MQTT), so the simulator can
//! report for them in a drill.

use super::DemoDataset;
use crate::monitoring::station::{Station, StationKind};
use crate::monitoring::threshold::Thresholds;
use crate::registries::hazard::HazardKind;
use crate::registries::resource::Resource;
use crate::{EntityId, LonLat};

/// A schematic river gauge: invented levels.
struct RiverGauge {
    code: &'static str,
    name: &'static str,
    river: &'static str,
    at: (f64, f64),
    warning_m: f64,
    guarantee_m: f64,
}

const RIVER_GAUGES: &[RiverGauge] = &[
    RiverGauge {
        code: "0050117101",
        name: "嘉陵江合川水位站（演示）",
        river: "嘉陵江",
        at: (106.272, 29.985),
        warning_m: 200.0,
        guarantee_m: 206.0,
    },
    RiverGauge {
        code: "0050117102",
        name: "涪江小河坝水位站（演示）",
        river: "涪江",
        at: (106.214, 30.018),
        warning_m: 203.0,
        guarantee_m: 208.5,
    },
    RiverGauge {
        code: "0050117103",
        name: "渠江罗渡水位站（演示）",
        river: "渠江",
        at: (106.335, 30.052),
        warning_m: 202.0,
        guarantee_m: 207.0,
    },
];

fn station(
    code: &str,
    name: String,
    kind: StationKind,
    owner: &str,
    location: LonLat,
    town_code: &str,
) -> Station {
    Station {
        id: EntityId::derived(&[b"demo-station", code.as_bytes()]),
        code: code.into(),
        name,
        kind,
        sensors: kind.usual_sensors(),
        owner: owner.into(),
        location,
        town_code: town_code.into(),
        watches: Vec::new(),
        river: None,
        thresholds: Thresholds::for_kind(kind),
        reports_every_min: 60,
    }
}

/// The demo's stations, made from its dataset (the same dataset gives the same stations).
pub fn stations(data: &DemoDataset) -> Vec<Station> {
    let mut out = Vec::new();
    let rural = data.towns.iter().filter(|t| !t.is_street()).take(10);
    for (i, town) in rural.enumerate() {
        let anchor = data
            .town_anchors
            .iter()
            .find(|(c, _)| *c == town.code)
            .map(|(_, p)| *p)
            .unwrap_or(LonLat {
                lon: 106.27,
                lat: 29.99,
            });
        let code = format!("00501170{:02}", i + 1);
        out.push(station(
            &code,
            format!("{}雨量站（演示）", town.name),
            StationKind::Rain,
            "区水利局",
            LonLat {
                lon: anchor.lon + 0.004,
                lat: anchor.lat + 0.003,
            },
            &town.code,
        ));
    }
    for g in RIVER_GAUGES {
        let mut s = station(
            g.code,
            g.name.into(),
            StationKind::WaterLevel,
            "区水利局",
            LonLat {
                lon: g.at.0,
                lat: g.at.1,
            },
            "500117001",
        );
        s.river = Some(g.river.into());
        s.thresholds.water.warning_m = Some(g.warning_m);
        s.thresholds.water.guarantee_m = Some(g.guarantee_m);
        s.reports_every_min = 15;
        out.push(s);
    }
    let mut slopes: Vec<_> = data
        .resources
        .iter()
        .filter_map(|r| match r {
            Resource::Hazard(h)
                if matches!(h.kind, HazardKind::Landslide | HazardKind::Rockfall) =>
            {
                Some(h)
            }
            _ => None,
        })
        .collect();
    slopes.sort_by(|a, b| {
        b.threatened_people
            .cmp(&a.threatened_people)
            .then(a.id.cmp(&b.id))
    });
    for (i, h) in slopes.iter().take(8).enumerate() {
        let code = format!("HC-GH-{:03}", i + 1);
        let mut s = station(
            &code,
            format!("{}监测点（演示）", h.name),
            StationKind::Geohazard,
            "区规划自然资源局",
            LonLat {
                lon: h.location.lon + 0.0008,
                lat: h.location.lat + 0.0005,
            },
            &h.town_code,
        );
        s.watches = vec![h.id];
        out.push(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_has_valid_stations_of_every_monitored_kind_with_unique_codes() {
        let data = super::super::generate(super::super::DEFAULT_SEED);
        let stations = stations(&data);
        assert_eq!(stations.len(), 10 + 3 + 8);
        for s in &stations {
            s.validate().unwrap_or_else(|e| panic!("{}: {e}", s.code));
            assert!(s.name.ends_with("（演示）"), "{}", s.name);
        }
        let codes: std::collections::BTreeSet<_> = stations.iter().map(|s| &s.code).collect();
        assert_eq!(codes.len(), stations.len());
        // Every geohazard point watches a hazard of the dataset.
        for s in stations.iter().filter(|s| s.kind == StationKind::Geohazard) {
            assert!(data.resources.iter().any(|r| r.id() == s.watches[0]));
        }
        assert_eq!(
            stations,
            super::stations(&data),
            "the same dataset, the same stations"
        );
    }
}
