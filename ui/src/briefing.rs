//! The dispatch briefing for a point picked on the map: nearest standby teams (by specialty),
//! experts and shelters with free places, and the hazards within 5 km, with the stated
//! assumption behind every travel-time estimate.

use crate::i18n::Lang;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use yitu_domain::registries::expert::ExpertField;
use yitu_domain::registries::resource::Resource;
use yitu_domain::registries::team::Specialty;
use yitu_domain::Layer;
use yitu_ipc::dispatch::Routing;
pub use yitu_ipc::dispatch::{Briefing, Found as Row};

#[component]
pub fn BriefingPanel(
    result: ReadSignal<Option<Result<Briefing, String>>>,
    on_open: impl Fn(Layer, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let shared = crate::context::shared();
    let lang = shared.lang;
    // The question is the side panel's (`Side::Briefing`): read here, changed in place.
    let ask = Memo::new(move |_| shared.side.with(|s| s.briefing().cloned()));
    let change = move |f: &dyn Fn(&mut yitu_ui_state::Ask)| {
        shared.act(|w| {
            if let Some(a) = w.side.briefing_mut() {
                f(a)
            }
        })
    };
    let list = move |title: (&'static str, &'static str), class: &'static str, rows: Vec<Row>| {
        let l = lang.get();
        view! {
            <h3>{l.t(title.0, title.1)}</h3>
            <ol class=format!("ranked {class}")>
                {rows.into_iter().map(|r| {
                    let layer = r.resource.layer();
                    let id = r.resource.id().to_string();
                    let data_id = id.clone();
                    let expert = match &r.resource {
                        Resource::Expert(e) => Some((e.availability, e.phone.clone())),
                        _ => None,
                    };
                    let extra = match (r.free_capacity, expert) {
                        _ if r.holdings.is_some() => r.holdings.iter().flatten()
                            .map(|h| format!(" · {} {} {} {} {}", h.code, h.name, l.t("可用", "available"), h.available, h.unit))
                            .collect::<String>(),
                        (Some(free), _) => format!(" · {} {free}", l.t("空位", "free")),
                        (_, Some((a, phone))) => format!(" · {} · {phone}", l.t(a.zh(), a.en())),
                        _ => String::new(),
                    };
                    view! {
                        <li data-id=data_id on:click=move |_| on_open(layer, id.clone())>
                            <span class="name">{r.resource.name().to_owned()}</span>
                            <span class="dist">{match &r.road {
                                Some(road) => format!("{:.1} km · {} {:.0} {}{extra}", r.distance_m / 1000.0, l.t("路网", "by road"), road.travel_min, l.t("分钟", "min")),
                                None => format!("{:.1} km · ≈{:.0} {}{extra}", r.distance_m / 1000.0, r.travel_min_estimate, l.t("分钟", "min")),
                            }}</span>
                        </li>
                    }
                }).collect_view()}
            </ol>
        }
    };
    view! {
        <aside class="details briefing" id="briefing">
            <button class="close" title="关闭 / Close" on:click=move |_| shared.act(yitu_ui_state::Window::close_panel)>"×"</button>
            <h2>{move || lang.get().t("就近资源", "Nearest resources")}</h2>
            <p class="layer-name">{move || ask.with(|a| a.as_ref().map(|a| format!("{:.5}, {:.5} (WGS-84)", a.lon, a.lat)))}</p>
            <label class="specialty">
                {move || lang.get().t("队伍专业：", "Team specialty: ")}
                <select id="briefing-specialty" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    let s = Specialty::from_code(&v).ok();
                    change(&|a| a.specialty = s);
                }>
                    <option value="" selected=move || ask.with(|a| a.as_ref().is_some_and(|a| a.specialty.is_none()))>{move || lang.get().t("全部", "All")}</option>
                    {Specialty::ALL.iter().map(|s| {
                        let s = *s;
                        view! { <option value=s.code() selected=move || ask.with(|a| a.as_ref().is_some_and(|a| a.specialty == Some(s)))>
                            {move || lang.get().t(s.zh(), s.en())}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="specialty">
                {move || lang.get().t("专家领域：", "Expert field: ")}
                <select id="briefing-field" on:change=move |ev| {
                    let f = ExpertField::from_code(&event_target_value(&ev)).ok();
                    change(&|a| a.field = f);
                }>
                    <option value="">{move || lang.get().t("全部", "All")}</option>
                    {ExpertField::ALL.iter().map(|f| {
                        let f = *f;
                        view! { <option value=f.code() selected=move || ask.with(|a| a.as_ref().is_some_and(|a| a.field == Some(f)))>
                            {move || lang.get().t(f.zh(), f.en())}</option> }
                    }).collect_view()}
                </select>
            </label>
            <form class="material" on:submit=move |ev| {
                ev.prevent_default();
                let form = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok());
                let value = |name: &str| form.as_ref()
                    .and_then(|f| f.elements().named_item(name))
                    .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
                    .map(|i| i.value())
                    .unwrap_or_default();
                let code = value("code").trim().to_owned();
                let min = value("min").trim().parse::<i64>().unwrap_or(1);
                change(&|a| a.material = (!code.is_empty()).then_some((code.clone(), min)));
            }>
                <input name="code" id="briefing-material" placeholder=move || lang.get().t("物资编码，如 1010301", "Material code, e.g. 1010301")/>
                <input name="min" id="briefing-min" type="number" min="1" value="1" title=move || lang.get().t("至少可调拨数量", "least quantity available")/>
                <button type="submit" id="briefing-material-go">{move || lang.get().t("查储备", "Find stock")}</button>
            </form>
            {move || match result.get() {
                None => view! { <p class="muted">{lang.get().t("分析中…", "Working…")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
                Some(Ok(b)) => {
                    let l = lang.get();
                    let by_road = b.assumption.routing == Routing::Roads;
                    let asked_material = ask.with_untracked(|a| a.as_ref().and_then(|a| a.material.clone()));
                    let assumption = if l == Lang::Zh { b.assumption.zh.clone() } else { b.assumption.en.clone() };
                    view! {
                        <p class="assumption">{assumption}</p>
                        <p class="summary" id="briefing-within">{format!(
                            "{} {} km{}: {} {} · {} {} · {} {}",
                            l.t("周边", "Within"), b.within.radius_km, l.t("内", ""),
                            b.within.hazards.count, l.t("处隐患点", "hazard points"),
                            b.within.hazards.threatened_people, l.t("人受威胁", "people threatened"),
                            b.within.shelters.free_capacity, l.t("个避难空位", "free shelter places"),
                        )}</p>
                        {if b.teams.is_empty() {
                            Some(view! { <p class="error">{l.t("没有符合条件的待命队伍", "No standby team matches")}</p> })
                        } else { None }}
                        {if by_road {
                            list(("待命队伍（按路网行程由快到慢）", "Teams on standby, quickest by road first"), "teams", b.teams)
                        } else {
                            list(("待命队伍（由近到远）", "Teams on standby, nearest first"), "teams", b.teams)
                        }}
                        {list(("专家", "Experts"), "experts", b.experts)}
                        {asked_material.map(|(code, min)| {
                            let empty = b.depots.is_empty();
                            view! {
                                {list(("储备库（可调拨）", "Depots that can supply"), "depots", b.depots)}
                                {empty.then(|| view! { <p class="error">{format!("{} {code} ≥ {min}", l.t("没有储备库能调拨", "No depot can supply"))}</p> })}
                            }
                        })}
                        {list(("有空位的避难场所", "Shelters with free places"), "shelters", b.shelters)}
                    }.into_any()
                }
            }}
        </aside>
    }
}
