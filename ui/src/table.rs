//! The table view: every layer as a filterable list. It is how the registries stay usable where
//! the webview has no WebGL 2 (no map can be drawn), and a plain alternative on any screen.

use crate::i18n::Lang;
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use yitu_domain::registries::resource::Resource;
use yitu_domain::{registries::town, Layer};
use yitu_ipc::call;

/// The kind, state and key figure of a record, as the table shows them.
fn columns(r: &Resource, lang: Lang) -> (String, String, String) {
    let t = |zh: &'static str, en: &'static str| lang.t(zh, en).to_owned();
    match r {
        Resource::Team(x) => (
            t(x.kind.zh(), x.kind.en()),
            t(x.status.zh(), x.status.en()),
            format!("{} {}", x.headcount, lang.t("人", "people")),
        ),
        Resource::Expert(x) => (
            t(x.field.zh(), x.field.en()),
            t(x.availability.zh(), x.availability.en()),
            x.phone.clone(),
        ),
        Resource::Depot(x) => (
            t(x.level.zh(), x.level.en()),
            String::new(),
            x.phone.clone(),
        ),
        Resource::Shelter(x) => (
            t(x.class.zh(), x.class.en()),
            t(x.status.zh(), x.status.en()),
            format!(
                "{} {} / {}",
                lang.t("空位", "free"),
                x.free_capacity(),
                x.capacity
            ),
        ),
        Resource::Hazard(x) => (
            t(x.kind.zh(), x.kind.en()),
            match lang {
                Lang::Zh => x.level.label_zh(x.kind).to_owned(),
                Lang::En => x.level.en().to_owned(),
            },
            format!(
                "{} {}",
                x.threatened_people,
                lang.t("人受威胁", "people threatened")
            ),
        ),
    }
}

#[component]
pub fn TableView(on_open: impl Fn(Layer, String) + Copy + Send + Sync + 'static) -> impl IntoView {
    let shared = crate::context::shared();
    let (lang, filter) = (shared.lang, shared.filter);
    let layer = RwSignal::new(Layer::Teams);
    // Narrows the rows by name or town as the user types (full-width and case folded).
    let query = RwSignal::new(String::new());
    let (rows, set_rows) = signal(None::<Result<Vec<Resource>, String>>);
    Effect::new(move |_| {
        let l = layer.get();
        set_rows.set(None);
        spawn_local(async move {
            let got = invoke(&call::Resources { layer: l })
                .await
                .map_err(|e| e.message);
            if layer.get_untracked() == l {
                set_rows.set(Some(got));
            }
        });
    });
    view! {
        <section class="table-view" id="table-view">
            <div class="tabs" role="tablist">
                {Layer::ALL.iter().map(|l| {
                    let l = *l;
                    view! {
                        <button role="tab" data-layer=l.code() class:active=move || layer.get() == l
                            on:click=move |_| layer.set(l)>{move || lang.get().layer(l)}</button>
                    }
                }).collect_view()}
            </div>
            <input id="table-search" type="search" class="table-search"
                placeholder=move || lang.get().t("按名称或镇街查找", "Find by name or town")
                prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
            {move || match rows.get() {
                None => view! { <p class="muted">{lang.get().t("加载中…", "Loading…")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
                Some(Ok(list)) => {
                    let l = lang.get();
                    let f = filter.get();
                    let q = yitu_domain::dispatch::search::normalise(query.get().trim());
                    let matches = |r: &Resource| {
                        q.is_empty()
                            || yitu_domain::dispatch::search::normalise(r.name()).contains(&q)
                            || town::by_code(r.town_code())
                                .is_some_and(|t| yitu_domain::dispatch::search::normalise(&t.name).contains(&q))
                    };
                    let kept: Vec<Resource> =
                        list.into_iter().filter(|r| f.keeps(r) && matches(r)).collect();
                    view! {
                        <p class="muted" id="table-count">{format!("{} {}", kept.len(), l.t("条记录", "records"))}</p>
                        <table class="registry">
                            <thead><tr>
                                <th>{l.t("名称", "Name")}</th><th>{l.t("类型", "Kind")}</th><th>{l.t("状态/等级", "State/level")}</th>
                                <th>{l.t("镇街", "Town")}</th><th>{l.t("要点", "Key figure")}</th>
                            </tr></thead>
                            <tbody>
                                {kept.into_iter().map(|r| {
                                    let (kind, state, figure) = columns(&r, l);
                                    let town = town::by_code(r.town_code()).map(|t| t.name).unwrap_or_default();
                                    let (layer, id) = (r.layer(), r.id().to_string());
                                    view! {
                                        <tr data-id=id.clone() on:click=move |_| on_open(layer, id.clone())>
                                            <td>{r.name().to_owned()}</td><td>{kind}</td><td>{state}</td><td>{town}</td><td>{figure}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }
            }}
        </section>
    }
}
