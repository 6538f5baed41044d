//! The map's part of the window: the map's container, and what is laid over it: the ruler's
//! read-out, the pointer's position, a user overlay feature's attributes, the table view, and
//! the banners when the map or the store could not be opened.

use crate::about::AppInfo;
use crate::context::{shared, MapState};
use crate::loading::MapProblem;
use crate::pointer::{Cursor, OverlayFeature, Pointer};
use crate::table::TableView;
use leptos::prelude::*;
use yitu_domain::space::measure;
use yitu_domain::LonLat;

#[component]
pub fn MapView(
    map_ref: NodeRef<leptos::html::Div>,
    pointer: Pointer,
    info: ReadSignal<Option<AppInfo>>,
) -> impl IntoView {
    let shared = shared();
    let lang = shared.lang;
    let state_attr = move || match shared.map_state.get() {
        MapState::Loading => "loading",
        MapState::Ready => "ready",
        MapState::Failed(_) => "failed",
    };
    view! {
        <section class="map-wrap">
            <div id="map" class="map" node_ref=map_ref data-state=state_attr></div>
            <MeasureBox/>
            <Cursor pointer=pointer/>
            <OverlayFeature pointer=pointer/>
            {move || shared.table.get().then(|| view! {
                <TableView on_open=move |layer, id| shared.act(|w| w.side.open_record(layer, id))/>
            })}
            {move || match shared.map_state.get() {
                MapState::Failed(reason) => Some(view! { <MapProblem reason=reason/> }),
                _ => None,
            }}
            {move || info.get().and_then(|i| i.store_error.map(|e| (i.data_dir, e))).map(|(dir, e)| view! {
                <div class="banner error" id="store-error">
                    <strong>{lang.get().t("无法打开本地数据库：", "Cannot open the local database: ")}</strong>{e}
                    <br/><small>{dir}</small>
                </div>
            })}
        </section>
    }
}

/// The ruler's length and, from three points, the area they enclose (on the ellipsoid).
#[component]
fn MeasureBox() -> impl IntoView {
    let shared = shared();
    let (lang, tool) = (shared.lang, shared.tool);
    let points = Memo::new(move |_| tool.with(|t| t.measuring().map(<[_]>::to_vec)));
    move || {
        points.get().map(|points| {
            let l = lang.get();
            let pts: Vec<LonLat> = points.iter().map(|p| LonLat { lon: p[0], lat: p[1] }).collect();
            let length = measure::path_length_m(&pts);
            let area = measure::ring_area_m2(&pts);
            view! {
                <div class="measure-box" id="measure-box" data-length-m=length.round() data-area-m2=area.map(|a| a.round())>
                    {if pts.len() < 2 {
                        l.t("在地图上依次点击各点（椭球面测量）", "Click points on the map (measured on the ellipsoid)").to_owned()
                    } else {
                        format!("{} {:.2} km{}", l.t("距离", "Distance"), length / 1000.0,
                            area.map(|a| format!(" · {} {:.3} km²", l.t("围成面积", "enclosed area"), a / 1e6)).unwrap_or_default())
                    }}
                    <button on:click=move |_| shared.act(|w| w.tool = yitu_ui_state::MapTool::Measure(Vec::new()))>{l.t("清除", "Clear")}</button>
                </div>
            }
        })
    }
}
