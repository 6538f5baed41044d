//! The side bar's analysis section: the map tools (pick a point for a briefing, draw an area,
//! measure), the coverage question, and the buttons that open the panels of readiness,
//! import and export, a new record and the stock warnings.

use crate::context::shared;
use leptos::prelude::*;
use yitu_domain::registries::team::Specialty;
use yitu_ui_state::{CoverageAsk, MapTool, Side, Window};

#[component]
pub fn AnalysisTools() -> impl IntoView {
    let shared = shared();
    let (lang, tool) = (shared.lang, shared.tool);
    let coverage_form = RwSignal::new(CoverageAsk {
        specialty: Some(Specialty::Water),
        minutes: 30.0,
    });
    let picking = move || tool.with(MapTool::picking);
    let drawing = move || tool.with(|t| t.drawing().map(<[_]>::len));
    let measuring = move || tool.with(|t| t.measuring().is_some());
    let open = move |panel: Side| shared.act(|w| w.open(panel));
    view! {
        <h2>{move || lang.get().t("分析", "Analysis")}</h2>
        <button id="pick-point" class="pick" class:active=picking
            on:click=move |_| shared.act(Window::toggle_pick)>
            {move || if picking() {
                lang.get().t("请在地图上点击事发地点…", "Click the incident location on the map…")
            } else {
                lang.get().t("就近资源分析（选点）", "Nearest resources (pick a point)")
            }}
        </button>
        <button id="draw-area" class="pick" class:active=move || drawing().is_some()
            on:click=move |_| shared.act(Window::toggle_area)>
            {move || match drawing() {
                Some(n) if n >= 3 => format!("{}（{} {}）", lang.get().t("完成圈选", "Finish the area"), n, lang.get().t("点", "points")),
                Some(n) => format!("{}（{}/3）", lang.get().t("在地图上依次点击区域顶点…", "Click the area's corners on the map…"), n),
                None => lang.get().t("圈选区域分析", "Draw an area").to_owned(),
            }}
        </button>
        <button id="measure" class="pick" class:active=measuring
            on:click=move |_| shared.act(|w| w.tool.toggle(MapTool::Measure(Vec::new())))>
            {move || if measuring() {
                lang.get().t("结束测量", "Stop measuring")
            } else {
                lang.get().t("测量距离与面积", "Measure distance and area")
            }}
        </button>
        <div class="coverage-form" id="coverage-form">
            <select id="coverage-specialty" on:change=move |ev| {
                let s = Specialty::from_code(&event_target_value(&ev)).ok();
                coverage_form.update(|f| f.specialty = s);
            }>
                <option value="">{move || lang.get().t("全部专业", "Any specialty")}</option>
                {Specialty::ALL.iter().map(|s| {
                    let s = *s;
                    view! { <option value=s.code() selected=move || coverage_form.with(|f| f.specialty == Some(s))>{move || lang.get().t(s.zh(), s.en())}</option> }
                }).collect_view()}
            </select>
            <input type="number" id="coverage-minutes" min="1" max="600" step="5"
                prop:value=move || coverage_form.with(|f| f.minutes.to_string())
                on:change=move |ev| {
                    if let Ok(m) = event_target_value(&ev).trim().parse::<f64>() {
                        coverage_form.update(|f| f.minutes = m);
                    }
                }/>
            <span>{move || lang.get().t("分钟", "min")}</span>
            <button id="coverage-run" on:click=move |_| open(Side::Coverage(coverage_form.get_untracked()))>
                {move || lang.get().t("覆盖分析", "Coverage")}
            </button>
        </div>
        <button id="readiness-open" class="pick" on:click=move |_| open(Side::Readiness)>{move || lang.get().t("储备保障能力", "Reserve readiness")}</button>
        <button id="import-open" class="pick" on:click=move |_| open(Side::Import)>{move || lang.get().t("导入 / 导出登记表", "Import / export registers")}</button>
        <button id="create-open" class="pick" on:click=move |_| open(Side::Create)>{move || lang.get().t("新建记录", "New record")}</button>
        <button id="warnings-open" class="pick" on:click=move |_| open(Side::Warnings)>{move || lang.get().t("库存预警", "Stock warnings")}</button>
    }
}
