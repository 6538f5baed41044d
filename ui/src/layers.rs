//! The layer list at the top of the side bar: each resource layer's symbol, name, how many
//! records it shows after the filters, how recent its data is, and the toggle that shows or
//! hides it on the map; and the monitoring stations' (监测站), with how many are in alarm,
//! offline or never heard; and the warnings in force (预警), with how many by colour.

use crate::context::shared;
use crate::i18n::Lang;
use crate::map;
use crate::symbols;
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;
use yitu_domain::monitoring::{HealthKind, WarningLevel};
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
            <StationLayer/>
            <WarningLayer/>
        </ul>
    }
}

/// The 监测站 row: its toggle, how many stations, and how many of them are not 正常.
#[component]
fn StationLayer() -> impl IntoView {
    let shared = shared();
    let lang = shared.lang;
    let visible = RwSignal::new(true);
    Effect::new(move |_| {
        let on = visible.get();
        if !shared.ready() {
            return;
        }
        shared.with_map(|m| map::set_stations_visible(m, on));
    });
    let counts = Memo::new(move |_| {
        shared.monitoring.with(|m| {
            let mut by = BTreeMap::<HealthKind, usize>::new();
            for s in m.iter().flat_map(|m| &m.stations) {
                *by.entry(s.health).or_default() += 1;
            }
            by
        })
    });
    let summary = move || {
        let l = lang.get();
        let by = counts.get();
        if by.is_empty() {
            return l.t("读取中…", "reading…").to_owned();
        }
        HealthKind::ALL
            .iter()
            .filter_map(|h| by.get(h).map(|n| format!("{} {n}", l.t(h.zh(), h.en()))))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    view! {
        <li class="layer" data-layer="stations">
            <label>
                <input type="checkbox" id="stations-toggle"
                    prop:checked=move || visible.get()
                    on:change=move |ev| visible.set(event_target_checked(&ev))/>
                <span class="symbol station-symbol">"测"</span>
                <span class="name"><span class="label">{move || lang.get().t("监测站", "Monitoring stations")}</span>
                    <small class="as-of" id="stations-summary">{summary}</small>
                </span>
                <span class="count" id="stations-count">{move || counts.get().values().sum::<usize>()}</span>
            </label>
        </li>
    }
}

/// The 预警 row: its toggle, how many warnings are in force, and how many of each colour.
#[component]
fn WarningLayer() -> impl IntoView {
    let shared = shared();
    let lang = shared.lang;
    let visible = RwSignal::new(true);
    Effect::new(move |_| {
        let on = visible.get();
        if !shared.ready() {
            return;
        }
        shared.with_map(|m| map::set_warnings_visible(m, on));
    });
    let by = Memo::new(move |_| {
        shared.warnings.with(|w| {
            let mut by = BTreeMap::<WarningLevel, usize>::new();
            for w in w.iter().flatten().filter(|w| w.in_force) {
                *by.entry(w.warning.level).or_default() += 1;
            }
            by
        })
    });
    let summary = move || {
        let l = lang.get();
        let by = by.get();
        if by.is_empty() {
            return l.t("无生效预警", "none in force").to_owned();
        }
        WarningLevel::ALL
            .iter()
            .rev()
            .filter_map(|v| by.get(v).map(|n| format!("{} {n}", l.t(v.zh(), v.en()))))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    view! {
        <li class="layer" data-layer="warnings">
            <label>
                <input type="checkbox" id="area-warnings-toggle"
                    prop:checked=move || visible.get()
                    on:change=move |ev| visible.set(event_target_checked(&ev))/>
                <span class="symbol warning-symbol">"预"</span>
                <span class="name"><span class="label">{move || lang.get().t("预警（生效中）", "Warnings in force")}</span>
                    <small class="as-of" id="area-warnings-summary">{summary}</small>
                </span>
                <span class="count" id="area-warnings-count">{move || by.get().values().sum::<usize>()}</span>
            </label>
        </li>
    }
}
