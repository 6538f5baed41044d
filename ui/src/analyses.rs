//! The analyses the side panel shows, asked of the store when the side panel's state asks
//! them: the briefing for a picked point (its teams ringed on the map, their routes drawn),
//! what lies inside a drawn area, which towns teams reach in time (the towns coloured). Each
//! is asked again when the road network changes, since travel times change with it.

use crate::analysis::{self, AreaReport, CoverageReport};
use crate::briefing::Briefing;
use crate::context::shared;
use crate::map;
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use yitu_ipc::call;

/// The answers, for the panels; `None` while being worked out.
#[derive(Clone, Copy)]
pub struct Answers {
    pub briefing: ReadSignal<Option<Result<Briefing, String>>>,
    pub area: ReadSignal<Option<Result<AreaReport, String>>>,
    pub coverage: ReadSignal<Option<Result<CoverageReport, String>>>,
}

/// Asks each analysis whenever the side panel's question changes.
pub fn follow() -> Answers {
    let shared = shared();
    let side = shared.side;
    let (briefing, set_briefing) = signal(None);
    let (area, set_area) = signal(None);
    let (coverage, set_coverage) = signal(None);
    // What is asked, as the side panel says it (also while a record's details cover the
    // panel): a change of anything else on the side asks nothing again.
    let ask = Memo::new(move |_| side.with(|s| s.briefing().cloned()));
    let outline = Memo::new(move |_| side.with(|s| s.area().map(<[_]>::to_vec)));
    let reach = Memo::new(move |_| side.with(|s| s.coverage()));

    // A picked point (or a changed question) asks the store for a briefing; its teams are
    // ringed on the map and the point marked.
    Effect::new(move |_| {
        let current = ask.get();
        shared.roads.track();
        if !shared.ready() {
            return;
        }
        let Some(a) = current else {
            shared.with_map(|m| {
                map::set_highlight(m, &[], None);
                map::set_routes(m, &[]);
            });
            return;
        };
        set_briefing.set(None);
        spawn_local(async move {
            let args = call::Briefing {
                lon: a.lon,
                lat: a.lat,
                specialty: a.specialty,
                field: a.field,
                material: a.material.as_ref().map(|m| m.0.clone()),
                min_quantity: a.material.as_ref().map(|m| m.1),
            };
            let result = invoke(&args).await.map_err(|e| e.message);
            if let Ok(b) = &result {
                let ringed: Vec<(String, f64, f64)> = b
                    .teams
                    .iter()
                    .map(|r| {
                        let at = r.resource.location();
                        (r.resource.id().to_string(), at.lon, at.lat)
                    })
                    .collect();
                let routes: Vec<Vec<[f64; 2]>> = b
                    .teams
                    .iter()
                    .filter_map(|r| r.road.as_ref().map(|t| t.path.clone()))
                    .collect();
                shared.with_map(|m| {
                    map::set_highlight(m, &ringed, Some((a.lon, a.lat)));
                    map::set_routes(m, &routes);
                });
            }
            set_briefing.set(Some(result));
        });
    });

    // A finished area asks what lies inside it.
    Effect::new(move |_| {
        let Some(outline) = outline.get() else {
            return;
        };
        set_area.set(None);
        spawn_local(async move {
            let r = invoke(&call::Inside { outline })
                .await
                .map_err(|e| e.message);
            set_area.set(Some(r));
        });
    });

    // A coverage question colours the towns on the map.
    Effect::new(move |_| {
        let current = reach.get();
        shared.roads.track();
        if !shared.ready() {
            return;
        }
        let Some(q) = current else {
            let empty = serde_json::json!({ "type": "FeatureCollection", "features": [] });
            shared.with_map(|m| map::set_source(m, "coverage", &empty));
            return;
        };
        set_coverage.set(None);
        spawn_local(async move {
            let r = analysis::fetch_coverage(q).await;
            if let Ok(report) = &r {
                let features = analysis::coverage_features(report);
                shared.with_map(|m| map::set_source(m, "coverage", &features));
            }
            set_coverage.set(Some(r));
        });
    });

    Answers {
        briefing,
        area,
        coverage,
    }
}
