//! A tile package (MBTiles or PMTiles, raster or vector) drawn under the district's rivers,
//! outline and resources, as the shell describes the one chosen.

use super::style::LABEL_FONT;
use super::{js, Map};
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A tile package drawn under the resource layers, as the shell describes the active one.
pub use yitu_ipc::basemap::TileBase;
use yitu_ipc::basemap::TileKind;

/// The source and the layers prefixed with this are the tile base map's.
const TILE_BASE: &str = "tilebase";

/// How a vector package's layer is drawn, guessed from its name as the common schemas
/// (OpenMapTiles, Protomaps, Shortbread) call their layers: water blue, green land, buff
/// buildings, white-on-grey roads, names on place and street points; anything else neutral.
struct VectorLook {
    fill: &'static str,
    line: &'static str,
    line_width: f64,
    names: bool,
}

impl VectorLook {
    fn of(layer: &str) -> VectorLook {
        let name = layer.to_ascii_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
        let (fill, line, line_width) = if has(&["water", "ocean", "river", "lake"]) {
            ("#b5d3ea", "#7fb1d9", 1.2)
        } else if has(&[
            "park",
            "landcover",
            "landuse",
            "wood",
            "forest",
            "green",
            "natural",
        ]) {
            ("#e2ecd6", "#c4d6b0", 0.8)
        } else if has(&["building"]) {
            ("#e7ddd0", "#cdbfae", 0.6)
        } else if has(&["road", "transport", "street", "highway", "rail"]) {
            ("#eceff1", "#9aa5b1", 1.6)
        } else if has(&["boundary", "admin"]) {
            ("#00000000", "#8e7cc3", 1.0)
        } else {
            ("#e3e7ea", "#8d99a6", 1.0)
        };
        VectorLook {
            fill,
            line,
            line_width,
            names: has(&[
                "place",
                "poi",
                "label",
                "name",
                "street",
                "road",
                "transport",
            ]),
        }
    }
}

/// Shows `base` under the district's rivers, outline and resources (replacing any shown), or
/// removes the tile base map when `None`. Vector layers are styled by what their names say
/// (`VectorLook`).
pub fn set_tile_base(map: &Map, base: Option<&TileBase>) {
    let style = map.get_style();
    let layers = js_sys::Reflect::get(&style, &"layers".into()).unwrap_or(JsValue::UNDEFINED);
    if let Some(layers) = layers.dyn_ref::<js_sys::Array>() {
        for l in layers.iter() {
            let id = js_sys::Reflect::get(&l, &"id".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            if id.starts_with(TILE_BASE) {
                map.remove_layer(&id);
            }
        }
    }
    let sources = js_sys::Reflect::get(&style, &"sources".into()).unwrap_or(JsValue::UNDEFINED);
    if js_sys::Reflect::has(&sources, &TILE_BASE.into()).unwrap_or(false) {
        map.remove_source(TILE_BASE);
    }
    let Some(base) = base else { return };
    let mut source = json!({
        "type": base.kind.as_str(),
        "tiles": [base.template],
        "minzoom": base.min_zoom,
        "maxzoom": base.max_zoom,
    });
    if base.kind == TileKind::Raster {
        source["tileSize"] = json!(256);
    }
    if let Some(b) = base.bounds {
        source["bounds"] = json!(b);
    }
    if let Some(a) = &base.attribution {
        source["attribution"] = json!(a);
    }
    map.add_source(TILE_BASE, &js(&source));
    if base.kind == TileKind::Vector {
        for (i, layer) in base.vector_layers.iter().enumerate() {
            let look = VectorLook::of(layer);
            let mut drawn = vec![
                (
                    "fill",
                    "Polygon",
                    json!({ "fill-color": look.fill, "fill-outline-color": look.line }),
                    json!({}),
                ),
                (
                    "line",
                    "LineString",
                    json!({ "line-color": look.line, "line-width": look.line_width }),
                    json!({ "line-cap": "round", "line-join": "round" }),
                ),
                (
                    "circle",
                    "Point",
                    json!({ "circle-color": look.line, "circle-radius": 2 }),
                    json!({}),
                ),
            ];
            if look.names {
                // Place and street names, in Chinese where the package has it.
                let text = json!([
                    "coalesce",
                    ["get", "name:zh"],
                    ["get", "name_zh"],
                    ["get", "name"]
                ]);
                let paint = json!({ "text-color": "#3e4a56", "text-halo-color": "#ffffff", "text-halo-width": 1.2 });
                for (placement, geometry) in [("point", "Point"), ("line", "LineString")] {
                    drawn.push((
                        "symbol",
                        geometry,
                        paint.clone(),
                        json!({
                            "text-field": text, "text-font": [LABEL_FONT], "text-size": 11,
                            "symbol-placement": placement,
                        }),
                    ));
                }
            }
            for (n, (kind, geometry, paint, layout)) in drawn.into_iter().enumerate() {
                let l = json!({
                    "id": format!("{TILE_BASE}-{i}-{n}-{kind}"), "type": kind, "source": TILE_BASE,
                    "source-layer": layer, "filter": ["==", ["geometry-type"], geometry],
                    "paint": paint, "layout": layout,
                });
                map.add_layer_before(&js(&l), "rivers");
            }
        }
    } else {
        let l =
            json!({ "id": format!("{TILE_BASE}-raster"), "type": "raster", "source": TILE_BASE });
        map.add_layer_before(&js(&l), "rivers");
    }
}
