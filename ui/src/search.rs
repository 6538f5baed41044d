//! The search box: one box over every layer; choosing a hit flies the map to it and opens it.

use crate::symbols;
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use yitu_domain::Layer;
use yitu_ipc::call;
/// A hit as the shell sends it.
pub use yitu_ipc::registry::Hit;

#[component]
pub fn SearchBox(on_choose: impl Fn(Layer, Hit) + Copy + Send + Sync + 'static) -> impl IntoView {
    let lang = crate::context::lang();
    let query = RwSignal::new(String::new());
    let (hits, set_hits) = signal(Vec::<Hit>::new());
    Effect::new(move |_| {
        let q = query.get();
        if q.trim().is_empty() {
            set_hits.set(Vec::new());
            return;
        }
        spawn_local(async move {
            let found = invoke(&call::Search { query: q.clone() })
                .await
                .unwrap_or_default();
            // A slower reply to an older query must not replace the current one.
            if query.get_untracked() == q {
                set_hits.set(found);
            }
        });
    });
    view! {
        <div class="search">
            <input id="search" type="search" autocomplete="off"
                placeholder=move || lang.get().t("搜索名称、镇街、专业、物资编码…", "Search names, towns, specialties, material codes…")
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))/>
            {move || {
                let list = hits.get();
                (!query.get().trim().is_empty()).then(|| view! {
                    <ul id="search-results" class="search-results">
                        {if list.is_empty() {
                            Some(view! { <li class="muted">{lang.get().t("没有找到", "Nothing found")}</li> })
                        } else { None }}
                        {list.into_iter().map(|h| {
                            let layer = h.layer;
                            let icon = symbols::data_url(layer, crate::map::base_colour(layer));
                            let chosen = h.clone();
                            view! {
                                <li data-id=h.id.clone() on:click=move |_| {
                                    on_choose(layer, chosen.clone());
                                    query.set(String::new());
                                }>
                                    <img class="symbol" src=icon alt=""/>
                                    <span class="name">{h.name}</span>
                                    <span class="town">{h.town}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
        </div>
    }
}
