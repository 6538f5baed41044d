//! The window's layout: the top bar; the side bar (layers, incidents, analysis tools, base map
//! and overlays, roads, filters, legend); the map; the side panel. `App` makes the shared state
//! (`context`), gives it to everything below, and starts what follows it: the map's loading,
//! the filters' redraws, the analyses, the shapes drawn on the map and the monitoring stations.

use crate::about::{About, AppInfo};
use crate::analyses;
use crate::analysis::{self, RoadsControl};
use crate::area_warnings;
use crate::basemap::BasemapControl;
use crate::context::{MapState, Shared};
use crate::filters::{self, FilterPanel};
use crate::incident::IncidentList;
use crate::layers::LayerList;
use crate::legend::Legend;
use crate::loading;
use crate::map;
use crate::mapview::MapView;
use crate::monitoring;
use crate::overlay::OverlayControl;
use crate::pointer::Pointer;
use crate::shapes;
use crate::side::SidePanel;
use crate::tauri::invoke;
use crate::tools::AnalysisTools;
use crate::topbar::TopBar;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn App() -> impl IntoView {
    let shared = Shared::new();
    provide_context(shared);
    let (info, set_info) = signal(None::<AppInfo>);
    let about = RwSignal::new(false);
    let pointer = Pointer::default();
    let map_ref = NodeRef::<leptos::html::Div>::new();

    // Store facts and counts; the map once its container exists and MapLibre has loaded.
    spawn_local(async move {
        match invoke(&yitu_ipc::call::AppInfo {}).await {
            Ok(i) => set_info.set(Some(i)),
            Err(e) => shared.map_state.set(MapState::Failed(e.message)),
        }
    });
    shared.refresh_stats();
    loading::load_when_mounted(map_ref, pointer);
    loading::reload_on_change();
    filters::redraw_on_change();
    let answers = analyses::follow();
    shapes::follow();
    monitoring::follow();
    area_warnings::follow();

    view! {
        <div class="app">
            <TopBar info=info about=about/>
            <main class="body">
                <nav class="side">
                    <LayerList/>
                    <IncidentList/>
                    <AnalysisTools/>
                    <BasemapControl on_change=move |base| {
                        shared.with_map(|m| map::set_tile_base(m, base.as_ref()));
                    }/>
                    <OverlayControl/>
                    <RoadsControl roads=shared.roads on_loaded=move || {
                        // Travel times change with the network: the analyses open ask again.
                        spawn_local(async move {
                            if let Ok(r) = analysis::fetch_roads().await {
                                shared.roads.set(r);
                            }
                        });
                    }/>
                    <FilterPanel/>
                    <Legend/>
                </nav>
                <MapView map_ref=map_ref pointer=pointer info=info/>
                <SidePanel answers=answers/>
            </main>
            {move || about.get().then(|| view! { <About info=info on_close=move || about.set(false)/> })}
        </div>
    }
}
