//! What a click or the pointer lands on: a monitoring station, a record's symbol, a cluster,
//! a user overlay's feature, and where on the earth it is.

use super::stations::STATION_DISC;
use super::style::{style_layers, DRAW_ORDER};
use super::{js, Map};
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yitu_domain::Layer;

/// The WGS-84 position of a map mouse event.
fn lng_lat(event: &JsValue) -> Option<(f64, f64)> {
    let lng_lat = js_sys::Reflect::get(event, &"lngLat".into()).ok()?;
    let coord = |k: &str| {
        js_sys::Reflect::get(&lng_lat, &k.into())
            .ok()
            .and_then(|v| v.as_f64())
    };
    Some((coord("lng")?, coord("lat")?))
}

/// What a click landed on: a record's symbol, or a cluster of records (at its centre).
#[derive(Debug, Clone, PartialEq)]
pub enum Hit {
    Record(Layer, String),
    /// A monitoring station, by its 测站编码 (drawn over the resources).
    Station(String),
    Cluster {
        lon: f64,
        lat: f64,
        /// The zoom from which its records stand apart (the shell's index knows it).
        expansion: Option<f64>,
    },
    /// A feature of one of the user's overlays (under every resource symbol): the overlay's id
    /// and the feature's attributes as the file gave them, as text.
    Overlay {
        id: String,
        attributes: Vec<(String, String)>,
    },
}

/// The user overlay feature at a click, if any: the topmost of the overlays' fill, line and
/// circle layers (`user-overlay-{id}-{kind}`).
fn overlay_hit(map: &Map, point: &JsValue) -> Option<Hit> {
    let everything = map.query_rendered_features(point, &js(&json!({})));
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).ok();
    let feature = everything.iter().find(|f| {
        get(f, "layer")
            .and_then(|l| get(&l, "id"))
            .and_then(|id| id.as_string())
            .is_some_and(|id| id.starts_with("user-overlay-"))
    })?;
    let layer_id = get(&get(&feature, "layer")?, "id")?.as_string()?;
    let id = layer_id
        .strip_prefix("user-overlay-")?
        .rsplit_once('-')?
        .0
        .to_owned();
    let props = get(&feature, "properties")?;
    if !props.is_object() {
        return None;
    }
    // MapLibre builds properties with a null prototype: not `instanceof Object`, so no `dyn_ref`.
    let entries = js_sys::Object::entries(props.unchecked_ref::<js_sys::Object>());
    let attributes = entries
        .iter()
        .filter_map(|pair| {
            let pair: js_sys::Array = pair.dyn_into().ok()?;
            let key = pair.get(0).as_string()?;
            let value = pair.get(1);
            // Numbers and booleans as written; text as it is (not quoted).
            let text = value.as_string().or_else(|| {
                js_sys::JSON::stringify(&value)
                    .ok()
                    .and_then(|v| v.as_string())
            })?;
            Some((key, text))
        })
        .collect();
    Some(Hit::Overlay { id, attributes })
}

/// Calls `f(hit, lon, lat)` on every click: `hit` is the station, resource symbol or cluster
/// under the pointer, if any (topmost first). Shows a pointer cursor over them.
pub fn on_click(map: &Map, f: impl Fn(Option<Hit>, f64, f64) + 'static) {
    let targets: Vec<String> = std::iter::once(STATION_DISC.to_owned())
        .chain(DRAW_ORDER.iter().rev().flat_map(|l| {
            let [disc, _, _, cluster, _] = style_layers(*l);
            [disc, cluster]
        }))
        .collect();
    let query_options = js(&json!({ "layers": targets }));
    let hit = {
        let map = map.clone();
        move |event: &JsValue| -> Option<Hit> {
            let point = js_sys::Reflect::get(event, &"point".into()).ok()?;
            let features = map.query_rendered_features(&point, &query_options);
            let first = features.get(0);
            if first.is_undefined() {
                return overlay_hit(&map, &point);
            }
            let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).ok();
            let props = get(&first, "properties")?;
            let layer_id = get(&first, "layer").and_then(|l| get(&l, "id"));
            if layer_id.and_then(|id| id.as_string()).as_deref() == Some(STATION_DISC) {
                return Some(Hit::Station(get(&props, "code")?.as_string()?));
            }
            if get(&props, "cluster").is_some_and(|c| c.is_truthy()) {
                let coords = get(&get(&first, "geometry")?, "coordinates")?;
                let coords: &js_sys::Array = coords.dyn_ref()?;
                return Some(Hit::Cluster {
                    lon: coords.get(0).as_f64()?,
                    lat: coords.get(1).as_f64()?,
                    expansion: get(&props, "expansion_zoom").and_then(|z| z.as_f64()),
                });
            }
            let id = get(&props, "id")?.as_string()?;
            let layer = get(&props, "layer")?.as_string()?;
            Some(Hit::Record(Layer::from_code(&layer).ok()?, id))
        }
    };
    let hit = std::rc::Rc::new(hit);
    let on_click = {
        let hit = hit.clone();
        Closure::<dyn Fn(JsValue)>::new(move |e: JsValue| {
            if let Some((lon, lat)) = lng_lat(&e) {
                f(hit(&e), lon, lat);
            }
        })
    };
    map.on("click", on_click.as_ref().unchecked_ref());
    on_click.forget(); // lives as long as the map, which lives as long as the window
    let canvas = map.get_canvas();
    let on_move = Closure::<dyn Fn(JsValue)>::new(move |e: JsValue| {
        let cursor = if hit(&e).is_some() { "pointer" } else { "" };
        let _ = canvas.style().set_property("cursor", cursor);
    });
    map.on("mousemove", on_move.as_ref().unchecked_ref());
    on_move.forget();
}

/// Calls `f(lon, lat)` as the pointer moves over the map (WGS-84).
pub fn on_cursor(map: &Map, f: impl Fn(f64, f64) + 'static) {
    let handler = Closure::<dyn Fn(JsValue)>::new(move |e: JsValue| {
        if let Some((lon, lat)) = lng_lat(&e) {
            f(lon, lat);
        }
    });
    map.on("mousemove", handler.as_ref().unchecked_ref());
    handler.forget();
}
