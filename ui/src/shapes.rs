//! Keeps the shapes on the map in step with the window's state: the road network, the area
//! being drawn or the one analysed, the incidents with the open one's drawings (and the view
//! brought to an incident opened), the shape being sketched, the ruler's path.

use crate::context::shared;
use crate::map;
use leptos::prelude::*;

/// Draws each shape whenever what it is drawn from changes (once the map is ready).
pub fn follow() {
    let shared = shared();
    let (side, tool) = (shared.side, shared.tool);

    // The road network is drawn under the resources whenever it changes.
    Effect::new(move |_| {
        let r = shared.roads.get();
        if !shared.ready() {
            return;
        }
        let lines = r.map_or_else(
            || serde_json::json!({ "type": "FeatureCollection", "features": [] }),
            |r| serde_json::to_value(&r.lines).expect("GeoJSON lines serialize"),
        );
        shared.with_map(|m| map::set_source(m, "roads", &lines));
    });

    // The area being drawn (open, with its corners), or the finished one (filled).
    let drawing = Memo::new(move |_| tool.with(|t| t.drawing().map(<[_]>::to_vec)));
    let drawn = Memo::new(move |_| side.with(|s| s.area().map(<[_]>::to_vec)));
    Effect::new(move |_| {
        let (open, done) = (drawing.get(), drawn.get());
        if !shared.ready() {
            return;
        }
        shared.with_map(|m| match (&open, &done) {
            (Some(v), _) => map::set_area(m, v, false),
            (None, Some(v)) => map::set_area(m, v, true),
            (None, None) => map::set_area(m, &[], false),
        });
    });

    // Incidents and the open one's drawings.
    let open = Memo::new(move |_| side.with(|s| s.incident().map(str::to_owned)));
    Effect::new(move |_| {
        let (list, open, drawn) = (shared.incidents.get(), open.get(), shared.drawings.get());
        if !shared.ready() {
            return;
        }
        shared.with_map(|m| map::set_incidents(m, &list, open.as_deref(), &drawn));
    });
    // An incident opened is brought into view, close enough to see its area and drawings.
    Effect::new(move |_| {
        let Some(id) = open.get() else { return };
        if !shared
            .map_state
            .with_untracked(|s| *s == crate::context::MapState::Ready)
        {
            return;
        }
        let at = shared
            .incidents
            .with_untracked(|l| l.iter().find(|i| i.id.to_string() == id).map(|i| i.point));
        if let Some(p) = at {
            shared.with_map(|m| map::jump_to(m, p.lon, p.lat, 13.0));
        }
    });

    // The shape being sketched, or a new incident's finished area while its form holds it.
    let sketched = Memo::new(move |_| {
        tool.with(|t| t.sketch().map(|s| (s.points.clone(), s.purpose.is_line())))
            .or_else(|| side.with(|s| s.incident_area().map(|a| (a.to_vec(), false))))
    });
    Effect::new(move |_| {
        let s = sketched.get();
        if !shared.ready() {
            return;
        }
        shared.with_map(|m| match &s {
            Some((points, line)) => map::set_sketch(m, points, *line),
            None => map::set_sketch(m, &[], true),
        });
    });

    // The ruler's path is drawn as it grows.
    let measured = Memo::new(move |_| tool.with(|t| t.measuring().map(<[_]>::to_vec)));
    Effect::new(move |_| {
        let points = measured.get().unwrap_or_default();
        if !shared.ready() {
            return;
        }
        shared.with_map(|m| map::set_measure(m, &points));
    });
}
