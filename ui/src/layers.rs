//! The layer list at the top of the side bar: each resource layer's symbol, name, how many
//! records it shows after the filters, how recent its data is, and the toggle that shows or
//! hides it on the map.

use crate::context::shared;
use crate::i18n::Lang;
use crate::map;
use crate::symbols;
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;
use yitu_domain::Layer;
use yitu_ipc::call;
pub use yitu_ipc::registry::Stats;

/// Reads the store's counts and dates into `stats` (at start, and after a write).
pub fn read_stats(stats: RwSignal<Stats>) {
    spawn_local(async move {
        if let Ok(s) = invoke(&call::Stats {}).await {
            stats.set(s);
        }
    });
}

/// "Data as of" for a layer: the newest change's local date and time, or that it holds only the
/// data first loaded.
fn as_of(ms: Option<i64>, lang: Lang) -> String {
    match ms {
        Some(ms) => {
            let when = js_sys::Date::new(&JsValue::from_f64(ms as f64))
                .to_locale_string("zh-CN", &JsValue::UNDEFINED);
            format!("{}{}", lang.t("数据截至 ", "as of "), String::from(when))
        }
        None => lang
            .t("初始数据，未修改", "as first loaded, unchanged")
            .to_owned(),
    }
}

#[component]
pub fn LayerList() -> impl IntoView {
    let shared = shared();
    let (lang, stats, shown) = (shared.lang, shared.stats, shared.shown);
    let visible = RwSignal::new(
        Layer::ALL
            .iter()
            .map(|l| (*l, true))
            .collect::<BTreeMap<_, _>>(),
    );
    // The toggles drive the map's visibility.
    Effect::new(move |_| {
        let v = visible.get();
        if !shared.ready() {
            return;
        }
        shared.with_map(|m| {
            for (layer, on) in &v {
                map::set_visible(m, *layer, *on);
            }
        });
    });
    view! {
        <h2>{move || lang.get().t("图层", "Layers")}</h2>
        <ul class="layers">
            {Layer::ALL.iter().map(|layer| {
                let layer = *layer;
                let icon = symbols::data_url(layer, map::base_colour(layer));
                view! {
                    <li class="layer" data-layer=layer.code()>
                        <label>
                            <input type="checkbox"
                                prop:checked=move || visible.with(|v| v[&layer])
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    visible.update(|v| { v.insert(layer, on); });
                                }/>
                            <img class="symbol" src=icon alt=""/>
                            <span class="name"><span class="label">{move || lang.get().layer(layer)}</span>
                                <small class="as-of">{move || as_of(stats.with(|s| s.layers.get(layer.code()).and_then(|x| x.as_of_ms)), lang.get())}</small>
                            </span>
                            <span class="count">{move || shown.with(|c| c.get(&layer).map(|n| *n as i64)).unwrap_or_else(|| stats.with(|s| s.layers.get(layer.code()).map(|x| x.total).unwrap_or(0)))}</span>
                        </label>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
