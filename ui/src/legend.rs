//! The legend under the filters: what the symbols' colours say (teams by readiness, hazards by
//! level, shelters by occupancy, depots by level, monitoring stations by health and alarm
//! colour, with their kinds' characters), warning areas by colour, clusters, the briefing's marks, the base map.

use crate::map;
use leptos::prelude::*;
use yitu_domain::monitoring::{AlarmLevel, StationKind, WarningLevel};
use yitu_domain::registries::hazard::RiskLevel;
use yitu_domain::registries::team::Readiness;
use yitu_domain::Layer;

#[component]
pub fn Legend() -> impl IntoView {
    let lang = crate::context::lang();
    let team_colours = [
        (Readiness::Standby, "#2e7d32"),
        (Readiness::Deployed, "#c62828"),
        (Readiness::OnDuty, "#1565c0"),
        (Readiness::Resting, "#f9a825"),
        (Readiness::Unavailable, "#757575"),
    ];
    let hazard_colours = [
        (RiskLevel::I, "#b71c1c"),
        (RiskLevel::II, "#e65100"),
        (RiskLevel::III, "#f9a825"),
        (RiskLevel::IV, "#1e88e5"),
    ];
    view! {
        <section class="legend" id="legend">
            <h2>{move || lang.get().t("图例", "Legend")}</h2>
            <h3>{move || lang.get().t("救援队伍（按状态）", "Teams (by readiness)")}</h3>
            <ul>
                {team_colours.into_iter().map(|(r, c)| view! {
                    <li><span class="dot" style=format!("background:{c}")></span>{move || lang.get().t(r.zh(), r.en())}</li>
                }).collect_view()}
            </ul>
            <h3>{move || lang.get().t("隐患点（按等级）", "Hazards (by level)")}</h3>
            <ul>
                {hazard_colours.into_iter().map(|(r, c)| view! {
                    <li><span class="dot" style=format!("background:{c}")></span>{move || lang.get().t(
                        ["Ⅰ级 特大型/一级", "Ⅱ级 大型/二级", "Ⅲ级 中型/三级", "Ⅳ级 小型/四级"][r as usize],
                        ["Level I (gravest)", "Level II", "Level III", "Level IV"][r as usize])}</li>
                }).collect_view()}
            </ul>
            <h3>{move || lang.get().t("避难场所（按占用）", "Shelters (by occupancy)")}</h3>
            <ul>
                {map::SHELTER_FILL.into_iter().zip([("空余", "Room to spare"), ("半满", "Half full"), ("将满", "Nearly full")]).map(|(c, (zh, en))| view! {
                    <li><span class="dot" style=format!("background:{c}")></span>{move || lang.get().t(zh, en)}</li>
                }).collect_view()}
                <li><span class="dot" style=format!("background:{}", map::SHELTER_CLOSED)></span>{move || lang.get().t("关闭", "Closed")}</li>
            </ul>
            <h3>{move || lang.get().t("物资储备（按级别）", "Depots (by level)")}</h3>
            <ul>
                {map::DEPOT_LEVELS.into_iter().map(|(level, c)| view! {
                    <li><span class="dot" style=format!("background:{c}")></span>{move || lang.get().t(level.zh(), level.en())}</li>
                }).collect_view()}
            </ul>
            <h3>{move || lang.get().t("监测站（按状态）", "Monitoring stations (by state)")}</h3>
            <ul id="legend-stations">
                <li><span class="dot" style=format!("background:{}", map::STATION_NORMAL)></span>{move || lang.get().t("正常", "Normal")}</li>
                {AlarmLevel::ALL.iter().rev().map(|l| {
                    let l = *l;
                    view! {
                        <li><span class="dot" style=format!("background:{}", map::alarm_colour(l))></span>
                            {move || format!("{}（{}）", lang.get().t("超阈值", "Over threshold"), lang.get().t(l.zh(), l.en()))}</li>
                    }
                }).collect_view()}
                <li><span class="dot ring" style=format!("background:{};border-color:{}", map::STATION_OFFLINE.0, map::STATION_OFFLINE.1)></span>{move || lang.get().t("离线（外圈为离线前告警色）", "Offline (ring: its alarm when it went silent)")}</li>
                <li><span class="dot ring" style=format!("background:{};border-color:{}", map::STATION_UNKNOWN.0, map::STATION_UNKNOWN.1)></span>{move || lang.get().t("未知（从未报送）", "Unknown (never heard)")}</li>
                <li class="kinds">{move || {
                    let l = lang.get();
                    StationKind::ALL.iter().map(|k| format!("{} {}", map::kind_letter(*k), l.t(k.zh(), k.en()))).collect::<Vec<_>>().join(" · ")
                }}</li>
            </ul>
            <h3>{move || lang.get().t("预警区域（生效中）", "Warning areas (in force)")}</h3>
            <ul id="legend-warnings">
                {WarningLevel::ALL.iter().rev().map(|l| {
                    let l = *l;
                    let c = map::warning_colour(l);
                    view! {
                        <li><span class="swatch" style=format!("background:{c}30;border:2px solid {c}")></span>
                            {move || format!("{}{}", lang.get().t(l.zh(), l.en()), lang.get().t("预警", " warning"))}</li>
                    }
                }).collect_view()}
                <li><span class="dot ring" style=format!("background:transparent;border-color:{}", map::warning_colour(WarningLevel::Red))></span>{move || lang.get().t(
                    "按镇街发布：圈出所涉隐患点（无镇街边界）", "Issued by town: its hazard points ringed (no town outlines held)")}</li>
            </ul>
            <h3>{move || lang.get().t("聚合", "Clusters")}</h3>
            <ul>
                <li><span class="dot cluster" style=format!("background:{}", map::base_colour(Layer::Shelters))>"12"</span>{move || lang.get().t(
                    "区县视图中相邻记录合并，数字为记录数；点击放大（12 级起逐个显示并标注名称）",
                    "At district zoom nearby records merge; the number is how many. Click to zoom in (from zoom 12 each record has its own symbol and name)")}</li>
            </ul>
            <h3>{move || lang.get().t("就近资源分析", "Nearest resources")}</h3>
            <ul>
                <li><span class="dot" style="background:#fff;border:3px solid #111;box-shadow:none"></span>{move || lang.get().t("选定地点", "Picked point")}</li>
                <li><span class="dot" style="background:transparent;border:3px solid #ffd600;box-shadow:none"></span>{move || lang.get().t("推荐队伍", "Teams listed")}</li>
            </ul>
            <h3>{move || lang.get().t("底图", "Base map")}</h3>
            <ul>
                <li><span class="line" style="border-color:#37474f"></span>{move || lang.get().t("合川区界", "District boundary")}</li>
                <li><span class="line" style="border-color:#6fa8dc"></span>{move || lang.get().t("河流（示意）", "Rivers (schematic)")}</li>
                <li><span class="dot" style="background:#dde2e7"></span>{move || lang.get().t("相邻区县", "Neighbouring districts")}</li>
            </ul>
        </section>
    }
}
