//! The dispatch briefing for a point picked on the map: nearest standby teams (by specialty),
//! experts and shelters with free places, and the hazards within 5 km, with the stated
//! assumption behind every travel-time estimate.

use crate::i18n::Lang;
use leptos::prelude::*;
use serde::Deserialize;
use yitu_domain::expert::Availability;
use yitu_domain::team::Specialty;
use yitu_domain::Layer;

#[derive(Debug, Clone, Deserialize)]
pub struct Briefing {
    pub assumption: Assumption,
    pub teams: Vec<Row>,
    pub experts: Vec<Row>,
    pub shelters: Vec<Row>,
    pub within: Within,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Assumption {
    pub zh: String,
    pub en: String,
}

/// One ranked resource: the fields the panel shows (the rest of the record is ignored here).
#[derive(Debug, Clone, Deserialize)]
pub struct Row {
    pub id: String,
    pub name: String,
    pub layer: String,
    pub distance_m: f64,
    pub travel_min_estimate: f64,
    #[serde(default)]
    pub free_capacity: Option<u32>,
    #[serde(default)]
    pub availability: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    pub location: Location,
    /// The drive by road, where a network is loaded and connects the two.
    #[serde(default)]
    pub road: Option<RoadTrip>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RoadTrip {
    pub travel_min: f64,
    pub path: Vec<[f64; 2]>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Location {
    pub lon: f64,
    pub lat: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Within {
    pub radius_km: f64,
    pub hazards: Summary,
    pub shelters: Summary,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Summary {
    pub count: usize,
    #[serde(default)]
    pub threatened_people: u64,
    #[serde(default)]
    pub free_capacity: u64,
}

/// A request for a briefing: the point and the specialty asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ask {
    pub lon: f64,
    pub lat: f64,
    pub specialty: Option<Specialty>,
}

#[component]
pub fn BriefingPanel(
    lang: ReadSignal<Lang>,
    ask: RwSignal<Option<Ask>>,
    result: ReadSignal<Option<Result<Briefing, String>>>,
    on_open: impl Fn(Layer, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let list = move |title: (&'static str, &'static str), class: &'static str, rows: Vec<Row>| {
        let l = lang.get();
        view! {
            <h3>{l.t(title.0, title.1)}</h3>
            <ol class=format!("ranked {class}")>
                {rows.into_iter().map(|r| {
                    let layer = Layer::from_code(&r.layer).unwrap_or(Layer::Teams);
                    let id = r.id.clone();
                    let extra = match (r.free_capacity, r.availability.as_deref()) {
                        (Some(free), _) => format!(" · {} {free}", l.t("空位", "free")),
                        (_, Some(a)) => {
                            let a = Availability::from_code(a).map(|x| l.t(x.zh(), x.en())).unwrap_or(a);
                            format!(" · {a} · {}", r.phone.clone().unwrap_or_default())
                        }
                        _ => String::new(),
                    };
                    view! {
                        <li data-id=r.id.clone() on:click=move |_| on_open(layer, id.clone())>
                            <span class="name">{r.name}</span>
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
            <button class="close" title="关闭 / Close" on:click=move |_| ask.set(None)>"×"</button>
            <h2>{move || lang.get().t("就近资源", "Nearest resources")}</h2>
            <p class="layer-name">{move || ask.get().map(|a| format!("{:.5}, {:.5} (WGS-84)", a.lon, a.lat))}</p>
            <label class="specialty">
                {move || lang.get().t("队伍专业：", "Team specialty: ")}
                <select id="briefing-specialty" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    let s = Specialty::from_code(&v).ok();
                    ask.update(|a| if let Some(a) = a { a.specialty = s; });
                }>
                    <option value="" selected=move || ask.get().is_some_and(|a| a.specialty.is_none())>{move || lang.get().t("全部", "All")}</option>
                    {Specialty::ALL.iter().map(|s| {
                        let s = *s;
                        view! { <option value=s.code() selected=move || ask.get().is_some_and(|a| a.specialty == Some(s))>
                            {move || lang.get().t(s.zh(), s.en())}</option> }
                    }).collect_view()}
                </select>
            </label>
            {move || match result.get() {
                None => view! { <p class="muted">{lang.get().t("分析中…", "Working…")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
                Some(Ok(b)) => {
                    let l = lang.get();
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
                        {list(("待命队伍（由近到远）", "Teams on standby, nearest first"), "teams", b.teams)}
                        {list(("专家", "Experts"), "experts", b.experts)}
                        {list(("有空位的避难场所", "Shelters with free places"), "shelters", b.shelters)}
                    }.into_any()
                }
            }}
        </aside>
    }
}
