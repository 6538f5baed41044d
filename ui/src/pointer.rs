//! What the pointer does on the map: a click goes first to the map tool in use
//! (`yitu_ui_state::Window::click`), and only when no tool wants it opens what it landed on (a
//! record's details, a monitoring station's panel, a cluster zoomed into, a user overlay
//! feature's attributes); the read-out
//! of where the pointer is, in WGS-84 or GCJ-02.

use crate::context::{shared, Shared};
use crate::map::{self, Hit, Map};
use leptos::prelude::*;
use leptos::task::spawn_local;
use yitu_ui_state::Click;

/// A user overlay feature: its overlay's id and its attributes, as text.
type OverlayHit = (String, Vec<(String, String)>);

/// What the pointer found: where it is, and the user overlay feature last clicked (its
/// overlay's id and attributes, and the overlay's name once the list says it).
#[derive(Clone, Copy)]
pub struct Pointer {
    at: RwSignal<Option<(f64, f64)>>,
    overlay: RwSignal<Option<OverlayHit>>,
    overlay_name: RwSignal<Option<String>>,
}

impl Default for Pointer {
    fn default() -> Self {
        Self {
            at: RwSignal::new(None),
            overlay: RwSignal::new(None),
            overlay_name: RwSignal::new(None),
        }
    }
}

/// Follows the map's clicks and pointer moves.
pub fn follow(m: &Map, shared: Shared, pointer: Pointer) {
    let clicked = m.clone();
    map::on_click(m, move |hit, lon, lat| {
        match shared.act(|w| w.click([lon, lat])) {
            Click::Taken => {}
            Click::Located([lon, lat]) => shared.located.set(Some((lon, lat))),
            Click::Select => select(&clicked, shared, pointer, hit),
        }
    });
    map::on_cursor(m, move |lon, lat| pointer.at.set(Some((lon, lat))));
}

/// A click no tool took: it opens what it landed on.
fn select(m: &Map, shared: Shared, pointer: Pointer, hit: Option<Hit>) {
    pointer.overlay.set(None);
    match hit {
        Some(Hit::Record(layer, id)) => shared.act(|w| w.side.open_record(layer, id)),
        Some(Hit::Station(code)) => shared.act(|w| w.side.open_station(code)),
        Some(Hit::Cluster {
            lon,
            lat,
            expansion,
        }) => map::zoom_into(m, lon, lat, expansion),
        Some(Hit::Overlay { id, attributes }) => {
            pointer.overlay_name.set(None);
            pointer.overlay.set(Some((id.clone(), attributes)));
            spawn_local(async move {
                let listed = crate::overlay::fetch().await.unwrap_or_default();
                pointer
                    .overlay_name
                    .set(listed.into_iter().find(|o| o.id == id).map(|o| o.name));
            });
        }
        None => {}
    }
}

/// The pointer's position, shown in WGS-84 or, on request, GCJ-02 (what AMap and Tencent show).
#[component]
pub fn Cursor(pointer: Pointer) -> impl IntoView {
    let lang = crate::context::lang();
    let gcj = RwSignal::new(false);
    view! {
        <div class="cursor" id="cursor">
            <span id="cursor-text">{move || pointer.at.get().map(|(lon, lat)| {
                let p = yitu_domain::LonLat { lon, lat };
                let (label, p) = if gcj.get() { ("GCJ-02", yitu_domain::space::crs::wgs84_to_gcj02(p)) } else { ("WGS-84", p) };
                format!("{label}  {:.5}, {:.5}", p.lon, p.lat)
            })}</span>
            <button id="cursor-crs" class:active=move || gcj.get() on:click=move |_| gcj.update(|g| *g = !*g)
                title=move || lang.get().t("切换为高德/腾讯地图坐标（GCJ-02）", "Show GCJ-02 (AMap/Tencent) coordinates")>
                "GCJ-02"
            </button>
        </div>
    }
}

/// The attributes of the user overlay feature last clicked.
#[component]
pub fn OverlayFeature(pointer: Pointer) -> impl IntoView {
    let lang = shared().lang;
    let (feature, name) = (pointer.overlay, pointer.overlay_name);
    move || {
        feature.get().map(|(id, attributes)| {
            let l = lang.get();
            view! {
                <div class="overlay-feature" id="overlay-feature" data-overlay=id>
                    <div class="overlay-feature-head">
                        <strong>{l.t("叠加图层要素", "Overlay feature")}
                            {move || name.get().map(|n| view! { <span class="overlay-name">" · "{n}</span> })}
                        </strong>
                        <button class="close" title=l.t("关闭", "Close")
                            on:click=move |_| feature.set(None)>"×"</button>
                    </div>
                    {if attributes.is_empty() {
                        view! { <p>{l.t("此要素没有属性", "This feature has no attributes")}</p> }.into_any()
                    } else {
                        view! {
                            <table>{attributes.into_iter().map(|(k, v)| view! {
                                <tr><th>{k}</th><td>{v}</td></tr>
                            }).collect_view()}</table>
                        }.into_any()
                    }}
                </div>
            }
        })
    }
}
