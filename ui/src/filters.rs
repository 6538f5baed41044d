//! The layer filters in the side bar (town for every layer, one or two per layer kind, depots
//! by what they hold) and what a change of them does: the shell redraws the map's symbols from
//! what they keep, and the window counts the same from its loaded records.

use crate::context::shared;
use crate::i18n::Lang;
use crate::map;
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use yitu_domain::dispatch::filter::Filter;
use yitu_domain::label::Labelled;
use yitu_ipc::call;

/// Filters redraw each layer and recount what is shown. The shell draws the map's symbols
/// from what the filters keep (`map_filter` numbers the drawing, the tile URLs name it);
/// the window counts the same from its loaded records with the same predicate. The first
/// run, with the default filter, would redraw every layer exactly as the map's loading drew it
/// (every tile cut and decoded twice), so it is skipped.
pub fn redraw_on_change() {
    let shared = shared();
    let filter = shared.filter;
    let drawn_by_load = StoredValue::new(true);
    Effect::new(move |_| {
        let f = filter.get();
        if !shared.ready() || !shared.records_loaded.get() {
            return;
        }
        if drawn_by_load.get_value() {
            drawn_by_load.set_value(false);
            if f == Filter::default() {
                return;
            }
        }
        let counts = shared.records.with_value(|all| {
            all.iter()
                .map(|(layer, list)| (*layer, list.iter().filter(|r| f.keeps(r)).count()))
                .collect()
        });
        shared.shown.set(counts);
        spawn_local(async move {
            let version = match invoke(&call::MapFilter { filter: f }).await {
                Ok(v) => v,
                Err(e) => {
                    shared
                        .map_state
                        .set(crate::context::MapState::Failed(e.message));
                    return;
                }
            };
            shared.with_map(|m| {
                shared.base_map.with_value(|b| {
                    let Some(b) = b else { return };
                    for layer in map::DRAW_ORDER {
                        map::set_layer_tiles(m, layer, &b.features_url(layer, version));
                    }
                })
            });
        });
    });
}

/// The layer filters: town for every layer, and one or two per layer kind.
#[component]
pub fn FilterPanel() -> impl IntoView {
    let shared = shared();
    let (lang, filter) = (shared.lang, shared.filter);
    let towns = yitu_domain::registries::town::all();
    view! {
        <details class="filters" id="filters" open>
            <summary><h2>{move || lang.get().t("筛选", "Filters")}</h2></summary>
            <label>{move || lang.get().t("镇街", "Town")}
                <select id="filter-town" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    filter.update(|f| f.town = (!v.is_empty()).then_some(v));
                }>
                    <option value="" selected=move || filter.with(|f| f.town.is_none())>{move || lang.get().t("全部", "All")}</option>
                    {towns.into_iter().map(|t| {
                        let code = t.code.clone();
                        view! { <option value=t.code.clone() selected=move || filter.with(|f| f.town.as_deref() == Some(code.as_str()))>{t.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="check">
                <input type="checkbox" id="filter-standby" prop:checked=move || filter.with(|f| f.standby_only)
                    on:change=move |ev| { let on = event_target_checked(&ev); filter.update(|f| f.standby_only = on); }/>
                {move || lang.get().t("队伍仅显示待命", "Teams on standby only")}
            </label>
            {choice(lang, filter, "filter-specialty", ("队伍专业", "Team specialty"), |f| f.specialty, |f, v| f.specialty = v)}
            {choice(lang, filter, "filter-team-kind", ("队伍类型", "Team kind"), |f| f.team_kind, |f, v| f.team_kind = v)}
            {choice(lang, filter, "filter-field", ("专家领域", "Expert field"), |f| f.field, |f, v| f.field = v)}
            {choice(lang, filter, "filter-availability", ("专家状态", "Expert availability"), |f| f.availability, |f, v| f.availability = v)}
            {choice(lang, filter, "filter-depot-level", ("储备库级别", "Depot level"), |f| f.depot_level, |f, v| f.depot_level = v)}
            <HoldingFilter/>
            {choice(lang, filter, "filter-shelter-class", ("避难场所类型", "Shelter class"), |f| f.shelter_class, |f, v| f.shelter_class = v)}
            <label>{move || lang.get().t("避难场所最少空位", "Shelters: free places at least")}
                <input type="number" id="filter-min-free" min="0" step="100"
                    prop:value=move || filter.with(|f| f.min_free.to_string())
                    on:change=move |ev| {
                        let n = event_target_value(&ev).trim().parse::<u32>().unwrap_or(0);
                        filter.update(|f| f.min_free = n);
                    }/>
            </label>
            {choice(lang, filter, "filter-hazard-kind", ("隐患点类型", "Hazard kind"), |f| f.hazard_kind, |f, v| f.hazard_kind = v)}
            {choice(lang, filter, "filter-level", ("隐患点等级不低于", "Hazards: level at least"), |f| f.gravest, |f, v| f.gravest = v)}
            <button id="filter-clear" class="clear" disabled=move || filter.with(Filter::is_empty)
                on:click=move |_| filter.set(Filter::default())>
                {move || lang.get().t("清除筛选", "Clear filters")}
            </button>
        </details>
    }
}

/// Depots holding a material (code at any GB/T 38565 level) with at least so much available:
/// the store answers which depots; the filter keeps them.
#[component]
fn HoldingFilter() -> impl IntoView {
    let shared = shared();
    let (lang, filter) = (shared.lang, shared.filter);
    let code = RwSignal::new(String::new());
    let at_least = RwSignal::new(String::new());
    let (error, set_error) = signal(None::<String>);
    // Cleared from elsewhere (清除筛选): empty the fields too.
    Effect::new(move |_| {
        if filter.with(|f| f.holding.is_none()) {
            code.set(String::new());
            at_least.set(String::new());
        }
    });
    let apply = move || {
        let c = code.get_untracked().trim().to_owned();
        if c.is_empty() {
            set_error.set(None);
            filter.update(|f| f.holding = None);
            return;
        }
        let q = at_least
            .get_untracked()
            .trim()
            .parse::<i64>()
            .unwrap_or(1)
            .max(1);
        spawn_local(async move {
            match invoke(&call::DepotsHolding {
                code: c.clone(),
                at_least: q,
            })
            .await
            {
                Ok(ids) => {
                    set_error.set(None);
                    let depots = ids
                        .iter()
                        .filter_map(|i| yitu_domain::EntityId::parse(i).ok())
                        .collect();
                    filter.update(|f| {
                        f.holding = Some(yitu_domain::dispatch::filter::Holding {
                            code: c,
                            at_least: q,
                            depots,
                        })
                    });
                }
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    view! {
        <label>{move || lang.get().t("储备库：物资编码 / 可用不少于", "Depots: material code / available at least")}
            <span class="holding">
                <input id="filter-holding-code" placeholder=move || lang.get().t("如 1010301", "e.g. 1010301")
                    prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev))
                    on:change=move |_| apply()/>
                <input id="filter-holding-qty" type="number" min="1" placeholder="1"
                    prop:value=move || at_least.get()
                    on:input=move |ev| at_least.set(event_target_value(&ev))
                    on:change=move |_| apply()/>
            </span>
        </label>
        {move || error.get().map(|e| view! { <p class="error" id="filter-holding-error">{e}</p> })}
    }
}

/// A select over a labelled enum's choices (and 全部), reading and writing one filter field.
fn choice<T: Labelled>(
    lang: RwSignal<Lang>,
    filter: RwSignal<Filter>,
    id: &'static str,
    label: (&'static str, &'static str),
    get: fn(&Filter) -> Option<T>,
    set: fn(&mut Filter, Option<T>),
) -> impl IntoView {
    view! {
        <label>{move || lang.get().t(label.0, label.1)}
            <select id=id on:change=move |ev| {
                let v = T::from_code(&event_target_value(&ev)).ok();
                filter.update(|f| set(f, v));
            }>
                <option value="" selected=move || filter.with(|f| get(f).is_none())>{move || lang.get().t("全部", "All")}</option>
                {T::all().iter().map(|c| {
                    let c = *c;
                    view! { <option value=c.code() selected=move || filter.with(|f| get(f) == Some(c))>{move || lang.get().t(c.zh(), c.en())}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}
