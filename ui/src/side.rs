//! The side panel on the right: whichever panel `Side` says, built anew only when that panel
//! changes (`Side::shown`), with what each panel's actions do to the rest of the window (a
//! monitoring station's panel and the alarm board among them). The
//! record whose details are shown is loaded here (and a depot's stock), and read again when
//! the store changed under the window.

use crate::alarms::AlarmBoard;
use crate::analyses::Answers;
use crate::analysis::{AreaPanel, CoveragePanel, ReadinessPanel};
use crate::area_warnings::AreaWarningsPanel;
use crate::briefing::BriefingPanel;
use crate::context::{shared, MapState};
use crate::create::CreatePanel;
use crate::details::DetailsPanel;
use crate::import::ImportPanel;
use crate::incident::{IncidentForm, IncidentPanel};
use crate::station::StationPanel;
use crate::stock::StockRow;
use crate::tauri::invoke;
use crate::warnings::WarningsPanel;
use leptos::prelude::*;
use leptos::task::spawn_local;
use yitu_domain::command::incident::Incident;
use yitu_domain::registries::resource::Resource;
use yitu_domain::Layer;
use yitu_ipc::call;
use yitu_ui_state::{Shown, Side, Window};

#[component]
pub fn SidePanel(answers: Answers) -> impl IntoView {
    let shared = shared();
    let side = shared.side;
    let (record, set_record) = signal(None::<Result<Resource, String>>);
    let (stock, set_stock) = signal(Vec::<StockRow>::new());
    let open = Memo::new(move |_| side.with(|s| s.record().map(|(l, id)| (l, id.to_owned()))));

    // A record opened loads into the details panel (and a depot's stock).
    Effect::new(move |_| {
        let Some((layer, id)) = open.get() else {
            return;
        };
        set_record.set(None);
        set_stock.set(Vec::new());
        spawn_local(async move {
            let r = invoke(&call::Resource { id: id.clone() })
                .await
                .map_err(|e| e.message);
            set_record.set(Some(r));
            if layer == Layer::Depots {
                if let Ok(rows) = invoke(&call::DepotStock { id: id.clone() }).await {
                    set_stock.set(rows);
                }
            }
        });
    });
    // The store changed under the window: the open record again, if it changed (an unchanged
    // one keeps its form).
    Effect::new(move |first: Option<()>| {
        shared.changed.track();
        if first.is_none() || shared.map_state.get_untracked() != MapState::Ready {
            return;
        }
        let Some((_, id)) = open.get_untracked() else {
            return;
        };
        spawn_local(async move {
            if let Ok(r) = invoke(&call::Resource { id: id.clone() }).await {
                if record
                    .with_untracked(|old| old.as_ref().and_then(|o| o.as_ref().ok()) != Some(&r))
                {
                    set_record.set(Some(Ok(r)));
                }
            }
        });
    });

    let open_record = move |layer: Layer, id: String| shared.act(|w| w.side.open_record(layer, id));
    let close = move || shared.act(Window::close_panel);
    let shown = Memo::new(move |_| side.with(Side::shown));
    move || {
        match shown.get() {
        Shown::Empty => None,
        Shown::Record(..) => Some(view! {
            <DetailsPanel record=record stock=stock
                on_saved=move |r: Resource| {
                    // The saved record replaces the loaded one; the filters redraw the map.
                    let (layer, id) = (r.layer(), r.id());
                    shared.records.update_value(|all| {
                        if let Some(list) = all.get_mut(&layer) {
                            if let Some(slot) = list.iter_mut().find(|x| x.id() == id) {
                                *slot = r.clone();
                            }
                        }
                    });
                    shared.filter.update(|_| {});
                    set_record.set(Some(Ok(r)));
                    shared.refresh_stats();
                }
                on_retired=move |id: String| {
                    shared.records.update_value(|all| {
                        for list in all.values_mut() {
                            list.retain(|x| x.id().to_string() != id);
                        }
                    });
                    shared.filter.update(|_| {});
                    close();
                    shared.refresh_stats();
                }
                on_stock_moved=move || {
                    // The ledger changed: read the depot's balances and the layers' dates again.
                    let Some((_, id)) = open.get_untracked() else { return };
                    spawn_local(async move {
                        if let Ok(rows) = invoke(&call::DepotStock { id: id.clone() }).await {
                            set_stock.set(rows);
                        }
                    });
                    shared.refresh_stats();
                }
                on_close=close/>
        }.into_any()),
        Shown::NewIncident(point) => Some(view! {
            <IncidentForm point=point
                on_created=move |i: Incident| {
                    let id = i.id.to_string();
                    shared.incidents.update(|l| l.insert(0, i));
                    shared.act(|w| w.open(Side::Incident(id)));
                }
                on_cancel=close/>
        }.into_any()),
        Shown::Incident(id) => Some(view! { <IncidentPanel id=id on_close=close/> }.into_any()),
        Shown::Briefing => Some(view! {
            <BriefingPanel result=answers.briefing on_open=open_record/>
        }.into_any()),
        Shown::Area => {
            let outline = Memo::new(move |_| side.with(|s| s.area().map(<[_]>::to_vec)));
            Some(view! {
                <AreaPanel outline=outline result=answers.area on_close=close on_open=open_record/>
            }.into_any())
        }
        Shown::Coverage => Some(view! { <CoveragePanel result=answers.coverage/> }.into_any()),
        Shown::Readiness => Some(view! { <ReadinessPanel on_close=close/> }.into_any()),
        Shown::Import => Some(view! {
            <ImportPanel on_written=move || shared.changed.update(|v| *v += 1) on_close=close/>
        }.into_any()),
        Shown::Create => Some(view! {
            <CreatePanel
                on_created=move |r: Resource| {
                    // The new record joins its layer; the filters redraw the map; its details
                    // open in place of the form.
                    let (layer, id) = (r.layer(), r.id().to_string());
                    shared.records.update_value(|all| all.entry(layer).or_default().push(r));
                    shared.filter.update(|_| {});
                    shared.act(|w| {
                        w.close_panel();
                        w.side.open_record(layer, id);
                    });
                    shared.refresh_stats();
                }
                on_close=close/>
        }.into_any()),
        Shown::Warnings => Some(view! {
            <WarningsPanel on_open=move |id| open_record(Layer::Depots, id) on_close=close/>
        }.into_any()),
        Shown::Station(code) => Some(view! { <StationPanel code=code on_close=close/> }.into_any()),
        Shown::Alarms => Some(view! { <AlarmBoard on_close=close/> }.into_any()),
        Shown::AreaWarnings => Some(view! { <AreaWarningsPanel on_close=close/> }.into_any()),
    }
    }
}
