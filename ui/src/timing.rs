//! Marks on the webview's Performance timeline (`performance.mark`) at each step of the map's
//! first load, so the map benchmark (`yitu-map-bench` in crates/bench) can say where the time to
//! first paint goes. A mark costs a user nothing; no timing is shown or stored.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Puts a mark named `name` on the timeline now (ms since navigation start).
pub fn mark(name: &str) {
    let Some(w) = web_sys::window() else { return };
    let Ok(perf) = js_sys::Reflect::get(&w, &"performance".into()) else {
        return;
    };
    if let Ok(f) = js_sys::Reflect::get(&perf, &"mark".into()) {
        if let Some(f) = f.dyn_ref::<js_sys::Function>() {
            let _ = f.call1(&perf, &name.into());
        }
    }
}

/// Marks `yitu:<source>:loaded` the first time each of `sources` is loaded (its worker has
/// parsed and tiled the data for the view: what lies between handing data to MapLibre and
/// drawing it).
pub fn mark_sources_loaded(map: &JsValue, sources: Vec<&'static str>) {
    let pending = std::rc::Rc::new(std::cell::RefCell::new(sources));
    let target = map.clone();
    let handler = Closure::<dyn Fn(JsValue)>::new(move |_e: JsValue| {
        let loaded = |id: &str| {
            js_sys::Reflect::get(&target, &"isSourceLoaded".into())
                .ok()
                .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
                .and_then(|f| f.call1(&target, &id.into()).ok())
                .is_some_and(|v| v.is_truthy())
        };
        let style_has = |id: &str| {
            js_sys::Reflect::get(&target, &"getSource".into())
                .ok()
                .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
                .and_then(|f| f.call1(&target, &id.into()).ok())
                .is_some_and(|v| !v.is_undefined() && !v.is_null())
        };
        pending.borrow_mut().retain(|id| {
            let done = style_has(id) && loaded(id);
            if done {
                mark(&format!("yitu:{id}:loaded"));
            }
            !done
        });
    });
    if let Ok(on) = js_sys::Reflect::get(map, &"on".into()) {
        if let Some(on) = on.dyn_ref::<js_sys::Function>() {
            let _ = on.call2(map, &"sourcedata".into(), handler.as_ref().unchecked_ref());
        }
    }
    handler.forget(); // as long as the map, which lives as long as the window
}
