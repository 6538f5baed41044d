//! Every call into MapLibre GL: thin bindings of our own, the base map (outline, neighbours,
//! rivers) and the five resource layers with their data-driven styles.

use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yitu_domain::Layer;

#[wasm_bindgen]
extern "C" {
    /// `maplibregl.Map`, resolved at call time from the global the loader module sets.
    #[wasm_bindgen(js_namespace = maplibregl, js_name = Map)]
    #[derive(Clone)]
    pub type Map;
    #[wasm_bindgen(constructor, js_namespace = maplibregl, js_class = "Map", catch)]
    fn new(options: &JsValue) -> Result<Map, JsValue>;
    #[wasm_bindgen(method)]
    fn on(this: &Map, event: &str, handler: &js_sys::Function);
    #[wasm_bindgen(method)]
    fn once(this: &Map, event: &str, handler: &js_sys::Function);
    #[wasm_bindgen(method, js_name = addSource)]
    fn add_source(this: &Map, id: &str, source: &JsValue);
    #[wasm_bindgen(method, js_name = addLayer)]
    fn add_layer(this: &Map, layer: &JsValue);
    #[wasm_bindgen(method, js_name = addLayer)]
    fn add_layer_before(this: &Map, layer: &JsValue, before: &str);
    #[wasm_bindgen(method, js_name = removeLayer)]
    fn remove_layer(this: &Map, id: &str);
    #[wasm_bindgen(method, js_name = removeSource)]
    fn remove_source(this: &Map, id: &str);
    #[wasm_bindgen(method, js_name = getStyle)]
    fn get_style(this: &Map) -> JsValue;
    #[wasm_bindgen(method, js_name = addImage)]
    fn add_image(this: &Map, id: &str, image: &JsValue, options: &JsValue);
    #[wasm_bindgen(method, js_name = setLayoutProperty)]
    fn set_layout_property(this: &Map, layer: &str, name: &str, value: &JsValue);
    #[wasm_bindgen(method, js_name = getLayoutProperty)]
    fn get_layout_property(this: &Map, layer: &str, name: &str) -> JsValue;
    #[wasm_bindgen(method, js_name = queryRenderedFeatures)]
    fn query_rendered_features(this: &Map, point: &JsValue, options: &JsValue) -> js_sys::Array;
    #[wasm_bindgen(method, js_name = getCanvas)]
    fn get_canvas(this: &Map) -> web_sys::HtmlElement;
    #[wasm_bindgen(method, js_name = addControl)]
    fn add_control(this: &Map, control: &JsValue, position: &str);
    #[wasm_bindgen(method, js_name = flyTo)]
    fn fly_to(this: &Map, options: &JsValue);
    #[wasm_bindgen(method, js_name = easeTo)]
    fn ease_to(this: &Map, options: &JsValue);
    #[wasm_bindgen(method, js_name = getZoom)]
    fn get_zoom(this: &Map) -> f64;
    #[wasm_bindgen(method, js_name = setGlyphs)]
    fn set_glyphs(this: &Map, url: &str);

    #[wasm_bindgen(js_namespace = maplibregl, js_name = NavigationControl)]
    type NavigationControl;
    #[wasm_bindgen(constructor, js_namespace = maplibregl, js_class = "NavigationControl")]
    fn new(options: &JsValue) -> NavigationControl;
    #[wasm_bindgen(js_namespace = maplibregl, js_name = ScaleControl)]
    type ScaleControl;
    #[wasm_bindgen(constructor, js_namespace = maplibregl, js_class = "ScaleControl")]
    fn new(options: &JsValue) -> ScaleControl;
}

/// The district's measured extent, the view the map opens on.
const DISTRICT_BOUNDS: [[f64; 2]; 2] = [[105.964, 29.847], [106.674, 30.380]];

/// The resource layers in drawing order: hazards at the bottom, teams on top.
pub const DRAW_ORDER: [Layer; 5] = [
    Layer::Hazards,
    Layer::Shelters,
    Layer::Depots,
    Layer::Experts,
    Layer::Teams,
];

/// What the base map is drawn from: GeoJSON text of the shipped layers.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct BaseMap {
    pub outline: String,
    pub neighbours: String,
    pub rivers: String,
    /// The glyph URL template for labels (`…/{fontstack}/{range}.pbf`).
    pub glyphs: String,
    /// The URL template of a layer's clustered symbols as vector tiles
    /// (`…/{layer}/{z}/{x}/{y}.pbf`), cut by the shell and fetched by MapLibre's worker.
    pub features: String,
}

impl BaseMap {
    /// Where the worker fetches a layer's tiles; `version` names the drawing (as the shell's
    /// `map_filter` numbered it), so a redraw is a new URL no cache answers.
    pub fn features_url(&self, layer: Layer, version: u64) -> String {
        format!(
            "{}?v={version}",
            self.features.replace("{layer}", layer.code())
        )
    }
}

fn js(v: &Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).expect("serde_json writes valid JSON")
}

/// Whether this webview offers WebGL 2, which MapLibre 6 requires.
pub fn has_webgl2() -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Ok(canvas) = doc.create_element("canvas") else {
        return false;
    };
    let Ok(canvas) = canvas.dyn_into::<web_sys::HtmlCanvasElement>() else {
        return false;
    };
    matches!(canvas.get_context("webgl2"), Ok(Some(_)))
}

/// Whether the loader module has made `window.maplibregl` available yet.
pub fn library_loaded() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"maplibregl".into()).ok())
        .is_some_and(|v| !v.is_undefined())
}

/// Creates the map in `container` with an empty background style; layers come on `load`.
pub fn create(container: &web_sys::HtmlElement, attribution: &str) -> Result<Map, String> {
    let options = js(&json!({
        "style": {
            "version": 8,
            "sources": {},
            "layers": [{ "id": "background", "type": "background", "paint": { "background-color": "#e9edf1" } }]
        },
        "bounds": DISTRICT_BOUNDS,
        "fitBoundsOptions": { "padding": 24 },
        "attributionControl": { "compact": false, "customAttribution": attribution },
        "maxZoom": 18,
        "minZoom": 6,
        // Chinese characters in labels are drawn by the webview from installed fonts; digits,
        // Latin letters and punctuation come from the shell's glyph ranges (`glyphs`).
        "localIdeographFontFamily": "'Noto Sans CJK SC', 'Droid Sans Fallback', sans-serif",
        // Symbols and names appear at once rather than fading in over 300 ms: a fade is a moment
        // of a half-drawn map after every move, and each of its frames is redrawn in software
        // here (the first paint waited for it).
        "fadeDuration": 0,
    }));
    js_sys::Reflect::set(&options, &"container".into(), container).map_err(|e| format!("{e:?}"))?;
    let map = Map::new(&options).map_err(|e| e.as_string().unwrap_or_else(|| format!("{e:?}")))?;
    map.add_control(
        &NavigationControl::new(&js(&json!({ "showCompass": false }))),
        "top-right",
    );
    map.add_control(
        &ScaleControl::new(&js(&json!({ "unit": "metric" }))),
        "bottom-right",
    );
    // For the end-to-end tests and for a developer at the console.
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &"__yituMap".into(), &map);
    }
    Ok(map)
}

/// Runs `f` once the map's style has loaded.
pub fn on_load(map: &Map, f: impl FnOnce() + 'static) {
    let cb = Closure::once_into_js(f);
    map.once("load", cb.unchecked_ref());
}

/// Runs `f` the next time the map has finished drawing everything it has.
pub fn on_idle(map: &Map, f: impl FnOnce() + 'static) {
    let cb = Closure::once_into_js(f);
    map.once("idle", cb.unchecked_ref());
}

/// Adds the shipped base layers: neighbouring districts, the district outline, rivers.
pub fn add_base(map: &Map, base: &BaseMap) {
    map.set_glyphs(&base.glyphs);
    let parse = |text: &str| js_sys::JSON::parse(text).unwrap_or(JsValue::NULL);
    for (id, text) in [
        ("neighbours", &base.neighbours),
        ("outline", &base.outline),
        ("rivers", &base.rivers),
    ] {
        let source = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&source, &"type".into(), &"geojson".into());
        let _ = js_sys::Reflect::set(&source, &"data".into(), &parse(text));
        map.add_source(id, &source);
    }
    for layer in [
        json!({ "id": "neighbours-fill", "type": "fill", "source": "neighbours",
                "filter": ["!=", ["get", "adcode"], "500117"],
                "paint": { "fill-color": "#dde2e7" } }),
        json!({ "id": "neighbours-line", "type": "line", "source": "neighbours",
                "paint": { "line-color": "#9aa5b1", "line-width": 0.8 } }),
        json!({ "id": "outline-fill", "type": "fill", "source": "outline",
                "paint": { "fill-color": "#fbfaf5" } }),
        json!({ "id": "rivers", "type": "line", "source": "rivers",
                "layout": { "line-cap": "round", "line-join": "round" },
                "paint": { "line-color": "#6fa8dc", "line-width": ["interpolate", ["linear"], ["zoom"], 8, 2, 13, 5] } }),
        json!({ "id": "outline-line", "type": "line", "source": "outline",
                "paint": { "line-color": "#37474f", "line-width": 2.5 } }),
    ] {
        map.add_layer(&js(&layer));
    }
}

/// A tile package drawn under the resource layers, as the shell describes the active one.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct TileBase {
    pub id: String,
    /// `yitu-tiles://localhost/{id}/{z}/{x}/{y}` (or the Windows form).
    pub template: String,
    /// "raster" or "vector".
    pub kind: String,
    pub min_zoom: u8,
    pub max_zoom: u8,
    pub bounds: Option<[f64; 4]>,
    pub attribution: Option<String>,
    /// For vector packages: the ids of their layers, each drawn in a plain style.
    #[serde(default)]
    pub vector_layers: Vec<String>,
}

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
        "type": if base.kind == "vector" { "vector" } else { "raster" },
        "tiles": [base.template],
        "minzoom": base.min_zoom,
        "maxzoom": base.max_zoom,
    });
    if base.kind != "vector" {
        source["tileSize"] = json!(256);
    }
    if let Some(b) = base.bounds {
        source["bounds"] = json!(b);
    }
    if let Some(a) = &base.attribution {
        source["attribution"] = json!(a);
    }
    map.add_source(TILE_BASE, &js(&source));
    if base.kind == "vector" {
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

/// The disc colour of a feature: teams by readiness, hazards by level, the rest one colour each.
pub fn colour_expression(layer: Layer) -> Value {
    match layer {
        Layer::Teams => json!([
            "match",
            ["get", "status"],
            "standby",
            "#2e7d32",
            "deployed",
            "#c62828",
            "on_duty",
            "#1565c0",
            "resting",
            "#f9a825",
            "unavailable",
            "#757575",
            "#2e7d32"
        ]),
        Layer::Hazards => json!([
            "match",
            ["get", "level"],
            "1",
            "#b71c1c",
            "2",
            "#e65100",
            "3",
            "#f9a825",
            "4",
            "#1e88e5",
            "#e65100"
        ]),
        // How full: teal with room to spare, amber half full, red nearly full; grey when closed.
        Layer::Shelters => json!([
            "case",
            ["==", ["get", "status"], "closed"],
            SHELTER_CLOSED,
            [
                "interpolate",
                ["linear"],
                ["/", ["get", "occupancy"], ["max", ["get", "capacity"], 1]],
                0,
                SHELTER_FILL[0],
                0.5,
                SHELTER_FILL[1],
                0.9,
                SHELTER_FILL[2]
            ]
        ]),
        Layer::Depots => json!([
            "match",
            ["get", "level"],
            "city",
            DEPOT_LEVELS[0].1,
            "district",
            DEPOT_LEVELS[1].1,
            "town",
            DEPOT_LEVELS[2].1,
            "village",
            DEPOT_LEVELS[3].1,
            base_colour(layer)
        ]),
        Layer::Experts => json!(base_colour(layer)),
    }
}

/// Shelter colours at 0, 50 % and 90 % of capacity taken, for the map and the legend.
pub const SHELTER_FILL: [&str; 3] = ["#00838f", "#f9a825", "#c62828"];
pub const SHELTER_CLOSED: &str = "#9e9e9e";
/// Depot colours by level, darkest for the largest reserve.
pub const DEPOT_LEVELS: [(yitu_domain::registries::depot::DepotLevel, &str); 4] = [
    (yitu_domain::registries::depot::DepotLevel::City, "#5d4037"),
    (
        yitu_domain::registries::depot::DepotLevel::District,
        "#d84315",
    ),
    (yitu_domain::registries::depot::DepotLevel::Town, "#ef6c00"),
    (
        yitu_domain::registries::depot::DepotLevel::Village,
        "#ffa726",
    ),
];

/// The colour a layer is known by (legend, panel).
pub fn base_colour(layer: Layer) -> &'static str {
    match layer {
        Layer::Teams => "#2e7d32",
        Layer::Experts => "#6a1b9a",
        Layer::Depots => "#ef6c00",
        Layer::Shelters => "#00838f",
        Layer::Hazards => "#e65100",
    }
}

/// Below this zoom the shell merges a layer's nearby symbols into discs with their count.
pub use yitu_domain::map::cluster::CLUSTER_BELOW_ZOOM;
/// Names are written under the symbols from this zoom on (a few streets across).
pub const LABEL_FROM_ZOOM: f64 = 12.5;
/// The one font stack labels ask for; the shell draws it from installed fonts.
const LABEL_FONT: &str = "Yitu Sans";

/// The map layers that draw a resource layer: its record discs, their pictograms, names, and
/// the cluster discs with their counts.
pub fn style_layers(layer: Layer) -> [String; 5] {
    let code = layer.code();
    [
        format!("{code}-disc"),
        format!("{code}-icon"),
        format!("{code}-label"),
        format!("{code}-cluster"),
        format!("{code}-count"),
    ]
}

/// A cluster's colour: the layer's, except hazards, whose cluster takes its gravest member's
/// level colour (a red cluster holds a level-1 point).
fn cluster_colour(layer: Layer) -> Value {
    match layer {
        Layer::Hazards => json!([
            "match",
            ["get", "gravest"],
            1,
            "#b71c1c",
            2,
            "#e65100",
            3,
            "#f9a825",
            4,
            "#1e88e5",
            "#e65100"
        ]),
        _ => json!(base_colour(layer)),
    }
}

/// Adds a resource layer: a vector source of the shell's clustered tiles (`url`), its record
/// discs and pictograms, names at close zoom, and count discs where records merge.
pub fn add_resource_layer(map: &Map, layer: Layer, url: &str) {
    map.add_source(
        layer.code(),
        &js(&json!({
            "type": "vector",
            "tiles": [url],
            "minzoom": 0,
            "maxzoom": yitu_domain::map::cluster::MAX_ZOOM,
        })),
    );
    if let Some(image) = crate::symbols::pictogram(layer) {
        map.add_image(
            &format!("{}-pictogram", layer.code()),
            &image,
            &js(&json!({ "pixelRatio": 2 })),
        );
    }
    let single = json!(["!", ["has", "point_count"]]);
    let [disc, icon, label, cluster, count] = style_layers(layer);
    map.add_layer(&js(&json!({
        "id": disc, "type": "circle", "source": layer.code(), "source-layer": layer.code(), "filter": single,
        "paint": {
            "circle-color": colour_expression(layer),
            "circle-radius": ["interpolate", ["linear"], ["zoom"], 8, 7, 11, 10, 15, 14],
            "circle-stroke-color": "#ffffff",
            "circle-stroke-width": 1.5,
        }
    })));
    map.add_layer(&js(&json!({
        "id": icon, "type": "symbol", "source": layer.code(), "source-layer": layer.code(), "filter": single,
        "layout": {
            "icon-image": format!("{}-pictogram", layer.code()),
            "icon-size": ["interpolate", ["linear"], ["zoom"], 8, 0.6, 11, 0.85, 15, 1.2],
            "icon-allow-overlap": true,
            "icon-ignore-placement": true,
        }
    })));
    // Names under the symbols; where two would collide one is left out (the symbol stays).
    map.add_layer(&js(&json!({
        "id": label, "type": "symbol", "source": layer.code(), "source-layer": layer.code(), "filter": single,
        "minzoom": LABEL_FROM_ZOOM,
        "layout": {
            "text-field": ["get", "name"],
            "text-font": [LABEL_FONT],
            "text-size": ["interpolate", ["linear"], ["zoom"], 12.5, 12, 16, 15],
            "text-anchor": "top",
            "text-offset": [0, 1.2],
            "text-max-width": 9,
            "text-padding": 1,
        },
        "paint": {
            "text-color": "#1f2933",
            "text-halo-color": "#ffffff",
            "text-halo-width": 1.6,
        }
    })));
    map.add_layer(&js(&json!({
        "id": cluster, "type": "circle", "source": layer.code(), "source-layer": layer.code(), "filter": ["has", "point_count"],
        "paint": {
            "circle-color": cluster_colour(layer),
            "circle-radius": ["step", ["get", "point_count"], 13, 10, 16, 50, 20, 200, 25, 1000, 30],
            "circle-stroke-color": "#ffffff",
            "circle-stroke-width": 2.5,
        }
    })));
    map.add_layer(&js(&json!({
        "id": count, "type": "symbol", "source": layer.code(), "source-layer": layer.code(), "filter": ["has", "point_count"],
        "layout": {
            "text-field": ["get", "point_count_abbreviated"],
            "text-font": [LABEL_FONT],
            "text-size": 13,
            "text-allow-overlap": true,
            "text-ignore-placement": true,
        },
        "paint": { "text-color": "#ffffff", "text-halo-color": "rgba(0,0,0,0.35)", "text-halo-width": 1 }
    })));
}

/// Flies to a position at street zoom.
pub fn fly_to(map: &Map, lon: f64, lat: f64) {
    map.fly_to(&js(
        &json!({ "center": [lon, lat], "zoom": 13, "essential": true }),
    ));
}

/// Moves the view at once (no animation, so what is clicked next is where it looks).
pub fn jump_to(map: &Map, lon: f64, lat: f64, zoom: f64) {
    map.fly_to(&js(
        &json!({ "center": [lon, lat], "zoom": zoom, "animate": false, "essential": true }),
    ));
}

/// Points a resource layer at new tiles (a redraw: new filters, an edit, a sync).
pub fn set_layer_tiles(map: &Map, layer: Layer, url: &str) {
    if let Some(src) = map.get_vector_source(layer.code()) {
        let tiles = js_sys::Array::of1(&url.into());
        src.set_tiles(&tiles);
    }
}

/// Shows or hides a resource layer.
pub fn set_visible(map: &Map, layer: Layer, visible: bool) {
    let value = if visible { "visible" } else { "none" };
    for id in style_layers(layer) {
        // Unset is visible. Setting what already holds is not free: any layout change makes
        // MapLibre cut the source's tiles again (the map benchmark saw every layer reloaded
        // just after first paint, when the toggles first applied their all-visible state).
        let now = map.get_layout_property(&id, "visibility").as_string();
        if now.as_deref().unwrap_or("visible") != value {
            map.set_layout_property(&id, "visibility", &value.into());
        }
    }
}

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

/// Calls `f(hit, lon, lat)` on every click: `hit` is the resource symbol or cluster under the
/// pointer, if any (topmost first). Shows a pointer cursor over them.
pub fn on_click(map: &Map, f: impl Fn(Option<Hit>, f64, f64) + 'static) {
    let targets: Vec<String> = DRAW_ORDER
        .iter()
        .rev()
        .flat_map(|l| {
            let [disc, _, _, cluster, _] = style_layers(*l);
            [disc, cluster]
        })
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

/// Zooms in on a cluster to where its records stand apart: at least two steps (a visible move
/// in), further when they only part deeper, and no further than where every record has its own
/// symbol.
pub fn zoom_into(map: &Map, lon: f64, lat: f64, expansion: Option<f64>) {
    let step = map.get_zoom() + 2.0;
    let zoom = expansion
        .unwrap_or(step)
        .max(step)
        .min(f64::from(CLUSTER_BELOW_ZOOM));
    map.ease_to(&js(
        &json!({ "center": [lon, lat], "zoom": zoom, "duration": 400 }),
    ));
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

/// Adds the overlay that rings highlighted resources and marks a picked point (drawn on top).
pub fn add_overlays(map: &Map) {
    let empty =
        json!({ "type": "geojson", "data": { "type": "FeatureCollection", "features": [] } });
    map.add_source("highlight", &js(&empty));
    map.add_source("picked", &js(&empty));
    map.add_layer(&js(&json!({
        "id": "highlight", "type": "circle", "source": "highlight",
        "paint": {
            "circle-radius": ["interpolate", ["linear"], ["zoom"], 8, 13, 15, 20],
            "circle-color": "rgba(0,0,0,0)",
            "circle-stroke-color": "#ffd600",
            "circle-stroke-width": 4,
        }
    })));
    map.add_layer(&js(&json!({
        "id": "picked", "type": "circle", "source": "picked",
        "paint": { "circle-radius": 8, "circle-color": "#ffffff", "circle-stroke-color": "#111111", "circle-stroke-width": 5 }
    })));
}

#[wasm_bindgen]
extern "C" {
    type GeoJsonSource;
    #[wasm_bindgen(method, js_name = getSource)]
    fn get_source(this: &Map, id: &str) -> Option<GeoJsonSource>;
    #[wasm_bindgen(method, js_name = setData)]
    fn set_data(this: &GeoJsonSource, data: &JsValue);
    type VectorSource;
    #[wasm_bindgen(method, js_name = getSource)]
    fn get_vector_source(this: &Map, id: &str) -> Option<VectorSource>;
    #[wasm_bindgen(method, js_name = setTiles)]
    fn set_tiles(this: &VectorSource, tiles: &js_sys::Array);
}

fn points(items: &[(String, f64, f64)]) -> JsValue {
    let features: Vec<Value> = items
        .iter()
        .map(|(id, lon, lat)| json!({ "type": "Feature", "properties": { "id": id }, "geometry": { "type": "Point", "coordinates": [lon, lat] } }))
        .collect();
    js(&json!({ "type": "FeatureCollection", "features": features }))
}

/// Rings these resources (id, lon, lat) and marks the picked point, replacing what was there.
pub fn set_highlight(map: &Map, items: &[(String, f64, f64)], picked: Option<(f64, f64)>) {
    if let Some(src) = map.get_source("highlight") {
        src.set_data(&points(items));
    }
    if let Some(src) = map.get_source("picked") {
        let p: Vec<(String, f64, f64)> = picked
            .map(|(lon, lat)| ("picked".to_owned(), lon, lat))
            .into_iter()
            .collect();
        src.set_data(&points(&p));
    }
}

/// Replaces the data of one of our GeoJSON sources.
pub fn set_source(map: &Map, id: &str, data: &Value) {
    if let Some(src) = map.get_source(id) {
        src.set_data(&js(data));
    }
}

fn empty_source() -> Value {
    json!({ "type": "geojson", "data": { "type": "FeatureCollection", "features": [] } })
}

/// The loaded road network, drawn under the resources (added before them).
pub fn add_roads_layer(map: &Map) {
    map.add_source("roads", &js(&empty_source()));
    map.add_layer(&js(&json!({
        "id": "roads", "type": "line", "source": "roads",
        "layout": { "line-cap": "round", "line-join": "round" },
        "paint": {
            "line-color": "#8d6e63",
            "line-width": ["interpolate", ["linear"], ["get", "speed_kmh"], 10, 1.5, 80, 4],
            "line-opacity": 0.85,
        }
    })));
}

/// The analysis overlays drawn over everything: a drawn area, coverage of towns, and routes.
pub fn add_analysis_layers(map: &Map) {
    for id in ["area", "coverage", "route", "measure"] {
        map.add_source(id, &js(&empty_source()));
    }
    map.add_layer(&js(&json!({
        "id": "area-fill", "type": "fill", "source": "area",
        "filter": ["==", ["geometry-type"], "Polygon"],
        "paint": { "fill-color": "#e65100", "fill-opacity": 0.15 }
    })));
    map.add_layer(&js(&json!({
        "id": "area-line", "type": "line", "source": "area",
        "filter": ["!=", ["geometry-type"], "Point"],
        "paint": { "line-color": "#e65100", "line-width": 3, "line-dasharray": [2, 1] }
    })));
    map.add_layer(&js(&json!({
        "id": "area-vertex", "type": "circle", "source": "area",
        "filter": ["==", ["geometry-type"], "Point"],
        "paint": { "circle-radius": 5, "circle-color": "#e65100", "circle-stroke-color": "#fff", "circle-stroke-width": 2 }
    })));
    map.add_layer(&js(&json!({
        "id": "measure-line", "type": "line", "source": "measure",
        "filter": ["==", ["geometry-type"], "LineString"],
        "paint": { "line-color": "#283593", "line-width": 3, "line-dasharray": [1, 1] }
    })));
    map.add_layer(&js(&json!({
        "id": "measure-vertex", "type": "circle", "source": "measure",
        "filter": ["==", ["geometry-type"], "Point"],
        "paint": { "circle-radius": 4, "circle-color": "#fff", "circle-stroke-color": "#283593", "circle-stroke-width": 2 }
    })));
    map.add_layer(&js(&json!({
        "id": "route", "type": "line", "source": "route",
        "layout": { "line-cap": "round", "line-join": "round" },
        "paint": {
            "line-color": ["case", ["get", "first"], "#1565c0", "#64b5f6"],
            "line-width": ["case", ["get", "first"], 6, 3],
        }
    })));
    // Towns beyond reach: a red ring with a cross-hair look; towns within reach: a small green dot.
    map.add_layer(&js(&json!({
        "id": "coverage", "type": "circle", "source": "coverage",
        "paint": {
            "circle-radius": ["case", ["get", "covered"], 6, 11],
            "circle-color": ["case", ["get", "covered"], "#2e7d32", "rgba(198,40,40,0.25)"],
            "circle-stroke-color": ["case", ["get", "covered"], "#ffffff", "#c62828"],
            "circle-stroke-width": ["case", ["get", "covered"], 2, 4],
        }
    })));
}

/// Draws routes (each a list of [lon, lat]); the first is drawn boldest.
pub fn set_routes(map: &Map, paths: &[Vec<[f64; 2]>]) {
    let features: Vec<Value> = paths
        .iter()
        .enumerate()
        .rev()
        .map(|(i, p)| {
            json!({ "type": "Feature", "properties": { "first": i == 0 },
            "geometry": { "type": "LineString", "coordinates": p } })
        })
        .collect();
    set_source(
        map,
        "route",
        &json!({ "type": "FeatureCollection", "features": features }),
    );
}

/// Draws an area being drawn (its vertices and outline) or finished (filled).
pub fn set_area(map: &Map, vertices: &[[f64; 2]], closed: bool) {
    set_shape(map, "area", vertices, closed);
}

/// Vertices as points, joined by a line, or by a polygon once `closed`, into a source.
fn set_shape(map: &Map, source: &str, vertices: &[[f64; 2]], closed: bool) {
    let mut features: Vec<Value> = vertices
        .iter()
        .map(|v| json!({ "type": "Feature", "properties": {}, "geometry": { "type": "Point", "coordinates": v } }))
        .collect();
    if closed && vertices.len() >= 3 {
        let mut ring = vertices.to_vec();
        ring.push(vertices[0]);
        features.push(json!({ "type": "Feature", "properties": {}, "geometry": { "type": "Polygon", "coordinates": [ring] } }));
    } else if vertices.len() >= 2 {
        features.push(json!({ "type": "Feature", "properties": {}, "geometry": { "type": "LineString", "coordinates": vertices } }));
    }
    set_source(
        map,
        source,
        &json!({ "type": "FeatureCollection", "features": features }),
    );
}

/// Draws the measuring path: its points and the line through them.
pub fn set_measure(map: &Map, vertices: &[[f64; 2]]) {
    set_shape(map, "measure", vertices, false);
}

/// The command layers: incidents (affected areas and points), decisions' drawings, and the shape
/// being sketched, over everything else.
pub fn add_command_layers(map: &Map) {
    for id in ["incidents", "sketch"] {
        map.add_source(id, &js(&empty_source()));
    }
    map.add_layer(&js(&json!({
        "id": "incident-area", "type": "fill", "source": "incidents",
        "filter": ["all", ["==", ["geometry-type"], "Polygon"], ["==", ["get", "kind"], "area"]],
        "paint": { "fill-color": "#b71c1c", "fill-opacity": 0.12 }
    })));
    // Drawings by kind: cordon red, staging green, route blue, danger zone dark red, other grey.
    let colour = json!([
        "match",
        ["get", "kind"],
        "area",
        "#b71c1c",
        "cordon",
        "#d50000",
        "staging",
        "#2e7d32",
        "route",
        "#1565c0",
        "hazard",
        "#6d0000",
        "#616161"
    ]);
    map.add_layer(&js(&json!({
        "id": "drawing-fill", "type": "fill", "source": "incidents",
        "filter": ["all", ["==", ["geometry-type"], "Polygon"], ["!=", ["get", "kind"], "area"]],
        "paint": { "fill-color": colour, "fill-opacity": 0.10 }
    })));
    map.add_layer(&js(&json!({
        "id": "drawing-line", "type": "line", "source": "incidents",
        "filter": ["!=", ["geometry-type"], "Point"],
        "layout": { "line-join": "round" },
        "paint": { "line-color": colour, "line-width": 3, "line-dasharray": [3, 1.5] }
    })));
    map.add_layer(&js(&json!({
        "id": "incident-point", "type": "circle", "source": "incidents",
        "filter": ["==", ["geometry-type"], "Point"],
        "paint": {
            "circle-radius": ["case", ["get", "open"], 11, 8],
            "circle-color": "#d50000",
            "circle-stroke-color": "#ffffff", "circle-stroke-width": 3,
        }
    })));
    map.add_layer(&js(&json!({
        "id": "sketch-line", "type": "line", "source": "sketch",
        "filter": ["!=", ["geometry-type"], "Point"],
        "paint": { "line-color": "#d50000", "line-width": 3, "line-dasharray": [1, 1] }
    })));
    map.add_layer(&js(&json!({
        "id": "sketch-vertex", "type": "circle", "source": "sketch",
        "filter": ["==", ["geometry-type"], "Point"],
        "paint": { "circle-radius": 5, "circle-color": "#d50000", "circle-stroke-color": "#fff", "circle-stroke-width": 2 }
    })));
}

/// Draws the shape being sketched: its points and the line (or closed outline) through them.
pub fn set_sketch(map: &Map, vertices: &[[f64; 2]], line: bool) {
    set_shape(map, "sketch", vertices, !line);
}

/// Incidents (points and affected areas; `open` marks the one in the panel) and the drawings of
/// the open incident's decisions in force.
pub fn set_incidents(
    map: &Map,
    incidents: &[yitu_domain::command::incident::Incident],
    open: Option<&str>,
    drawings: &[yitu_domain::command::decision::Drawing],
) {
    let mut features: Vec<Value> = Vec::new();
    for i in incidents {
        let id = i.id.to_string();
        if let Some(area) = &i.area {
            features.push(json!({ "type": "Feature", "properties": { "kind": "area", "id": id }, "geometry": area }));
        }
        features.push(json!({ "type": "Feature",
            "properties": { "kind": "incident", "id": id, "open": open == Some(id.as_str()), "level": i.level.code() },
            "geometry": { "type": "Point", "coordinates": [i.point.lon, i.point.lat] } }));
    }
    for d in drawings {
        features.push(json!({ "type": "Feature", "properties": { "kind": d.kind.code(), "label": d.label }, "geometry": d.geometry }));
    }
    set_source(
        map,
        "incidents",
        &json!({ "type": "FeatureCollection", "features": features }),
    );
}

// --- User overlays (GeoJSON/Shapefile the user added, converted to WGS-84 by the shell) ---

#[wasm_bindgen]
extern "C" {
    /// `map.getLayer(id)`, under a name of its own: undefined when there is no such layer.
    #[wasm_bindgen(method, js_name = getLayer)]
    fn user_overlay_layer(this: &Map, id: &str) -> JsValue;
    #[wasm_bindgen(method, js_name = getSource)]
    fn user_overlay_source(this: &Map, id: &str) -> JsValue;
}

/// A user overlay's source is `user-overlay-{id}`; its layers add `-fill`, `-line`, `-circle`.
pub fn user_overlay_layers(id: &str) -> [String; 3] {
    ["fill", "line", "circle"].map(|k| format!("user-overlay-{id}-{k}"))
}

/// Draws a user overlay (a WGS-84 FeatureCollection) in `colour`, replacing it if drawn: areas
/// as a translucent fill, their outlines and lines as strokes, points as discs; above the base
/// map and under the roads and the resources.
pub fn set_user_overlay(map: &Map, id: &str, geojson: &JsValue, colour: &str) {
    remove_user_overlay(map, id);
    let source = format!("user-overlay-{id}");
    let src = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&src, &"type".into(), &"geojson".into());
    let _ = js_sys::Reflect::set(&src, &"data".into(), geojson);
    map.add_source(&source, &src);
    // `geometry-type` gives Multi* names in newer styles: match both.
    let kinds = |k: &[&str]| json!(["in", ["geometry-type"], ["literal", k]]);
    let [fill, line, circle] = user_overlay_layers(id);
    let layers = [
        json!({ "id": fill, "type": "fill", "source": source,
                "filter": kinds(&["Polygon", "MultiPolygon"]),
                "paint": { "fill-color": colour, "fill-opacity": 0.35 } }),
        json!({ "id": line, "type": "line", "source": source,
                "filter": kinds(&["LineString", "MultiLineString", "Polygon", "MultiPolygon"]),
                "layout": { "line-cap": "round", "line-join": "round" },
                "paint": { "line-color": colour, "line-width": 2.5 } }),
        json!({ "id": circle, "type": "circle", "source": source,
                "filter": kinds(&["Point", "MultiPoint"]),
                "paint": { "circle-color": colour, "circle-radius": 5,
                           "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 } }),
    ];
    let before = ["roads", "hazards-disc"]
        .into_iter()
        .find(|b| !map.user_overlay_layer(b).is_undefined());
    for l in layers {
        match before {
            Some(b) => map.add_layer_before(&js(&l), b),
            None => map.add_layer(&js(&l)),
        }
    }
}

/// Takes a user overlay off the map (nothing happens when it is not drawn).
pub fn remove_user_overlay(map: &Map, id: &str) {
    for l in user_overlay_layers(id) {
        if !map.user_overlay_layer(&l).is_undefined() {
            map.remove_layer(&l);
        }
    }
    let source = format!("user-overlay-{id}");
    if !map.user_overlay_source(&source).is_undefined() {
        map.remove_source(&source);
    }
}
