//! The details panel: every field of the clicked record, labelled in the interface language,
//! a depot's stock (`stock`), and the record's edit form and history.

use crate::editor::{History, RecordEditor};
use crate::i18n::Lang;
use crate::stock::{StockRow, StockTable};
use leptos::prelude::*;
use yitu_domain::registries::resource::Resource;
use yitu_domain::registries::town;

/// A labelled field: (field key for tests, Chinese label, English label, value).
type Field = (&'static str, &'static str, &'static str, String);

fn town_name(code: &str) -> String {
    town::by_code(code)
        .map(|t| t.name)
        .unwrap_or_else(|| code.to_owned())
}

/// The fields of a record, in the order a duty officer reads them.
pub fn fields(r: &Resource, lang: Lang) -> Vec<Field> {
    let pick = |zh: &'static str, en: &'static str| lang.t(zh, en).to_owned();
    let list = |items: Vec<&'static str>| items.join("、");
    let loc = r.location();
    let mut f: Vec<Field> = match r {
        Resource::Team(t) => vec![
            ("kind", "类型", "Kind", pick(t.kind.zh(), t.kind.en())),
            ("unit", "所属单位", "Unit", t.unit.clone()),
            (
                "status",
                "状态",
                "Status",
                pick(t.status.zh(), t.status.en()),
            ),
            (
                "specialties",
                "专业",
                "Specialties",
                list(
                    t.specialties
                        .iter()
                        .map(|s| lang.t(s.zh(), s.en()))
                        .collect(),
                ),
            ),
            ("headcount", "人数", "Headcount", t.headcount.to_string()),
            ("equipment", "装备", "Equipment", t.equipment.join("、")),
            ("leader", "负责人", "Leader", t.leader.clone()),
            ("duty_phone", "值班电话", "Duty phone", t.duty_phone.clone()),
        ],
        Resource::Expert(e) => vec![
            (
                "field",
                "专业领域",
                "Field",
                pick(e.field.zh(), e.field.en()),
            ),
            (
                "organisation",
                "单位",
                "Organisation",
                e.organisation.clone(),
            ),
            ("title", "职称", "Title", e.title.clone()),
            (
                "availability",
                "状态",
                "Availability",
                pick(e.availability.zh(), e.availability.en()),
            ),
            ("phone", "电话", "Phone", e.phone.clone()),
        ],
        Resource::Depot(d) => vec![
            ("level", "级别", "Level", pick(d.level.zh(), d.level.en())),
            ("keeper", "保管员", "Keeper", d.keeper.clone()),
            ("phone", "电话", "Phone", d.phone.clone()),
        ],
        Resource::Shelter(s) => vec![
            ("grade", "级别", "Grade", pick(s.grade.zh(), s.grade.en())),
            (
                "class",
                "类型（时长）",
                "Class (duration)",
                pick(s.class.zh(), s.class.en()),
            ),
            (
                "space",
                "场所类型",
                "Space",
                pick(s.space.zh(), s.space.en()),
            ),
            (
                "status",
                "状态",
                "Status",
                pick(s.status.zh(), s.status.en()),
            ),
            (
                "capacity",
                "容纳人数",
                "Capacity (people)",
                s.capacity.to_string(),
            ),
            ("occupancy", "已安置", "Occupancy", s.occupancy.to_string()),
            (
                "free_capacity",
                "剩余容量",
                "Free places",
                s.free_capacity().to_string(),
            ),
            ("area_m2", "面积（㎡）", "Area (m²)", s.area_m2.to_string()),
            ("facilities", "设施", "Facilities", s.facilities.join("、")),
            ("manager", "管理人", "Manager", s.manager.clone()),
            ("phone", "电话", "Phone", s.phone.clone()),
        ],
        Resource::Hazard(h) => vec![
            ("kind", "类型", "Kind", pick(h.kind.zh(), h.kind.en())),
            (
                "level",
                "等级",
                "Level",
                match lang {
                    Lang::Zh => h.level.label_zh(h.kind).to_owned(),
                    Lang::En => h.level.en().to_owned(),
                },
            ),
            (
                "threatened_people",
                "威胁人数",
                "People threatened",
                h.threatened_people.to_string(),
            ),
            (
                "threatened_households",
                "威胁户数",
                "Households threatened",
                h.threatened_households.to_string(),
            ),
            (
                "status",
                "状态",
                "Status",
                pick(h.status.zh(), h.status.en()),
            ),
            ("monitor", "群测群防员", "Monitor", h.monitor.clone()),
            (
                "monitor_phone",
                "监测员电话",
                "Monitor phone",
                h.monitor_phone.clone(),
            ),
        ],
    };
    f.push(("town", "所属镇街", "Town", town_name(r.town_code())));
    f.push((
        "location",
        "位置（WGS-84，示意）",
        "Position (WGS-84, schematic)",
        format!("{:.5}, {:.5}", loc.lon, loc.lat),
    ));
    f.push(("id", "编号", "ID", r.id().to_string()));
    f
}

/// The panel. `record` is the loaded record (or the error loading it); `stock` a depot's stock.
#[component]
pub fn DetailsPanel(
    record: ReadSignal<Option<Result<Resource, String>>>,
    stock: ReadSignal<Vec<StockRow>>,
    on_saved: impl Fn(Resource) + Copy + Send + Sync + 'static,
    on_retired: impl Fn(String) + Copy + Send + Sync + 'static,
    on_stock_moved: impl Fn() + Copy + Send + Sync + 'static,
    on_close: impl Fn() + 'static,
) -> impl IntoView {
    let shared = crate::context::shared();
    let lang = shared.lang;
    // What the panel shows of the record: its fields, its edit form, or its history.
    let mode = RwSignal::new(Mode::Fields);
    let tab = move |m: Mode, id: &'static str, zh: &'static str, en: &'static str| {
        view! {
            <button id=id class:active=move || mode.get() == m on:click=move |_| {
                shared.end_locate();
                mode.set(m);
            }>{move || lang.get().t(zh, en)}</button>
        }
    };
    view! {
        <aside class="details" id="details" role="dialog">
            <button class="close" title="关闭 / Close" on:click=move |_| on_close()>"×"</button>
            {move || match record.get() {
                None => view! { <p class="muted">{lang.get().t("加载中…", "Loading…")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
                Some(Ok(r)) => {
                    let l = lang.get();
                    let id = r.id().to_string();
                    let body = match mode.get() {
                        Mode::Fields => {
                            let rows = fields(&r, l)
                                .into_iter()
                                .map(|(key, zh, en, value)| view! {
                                    <tr data-field=key><th>{l.t(zh, en)}</th><td>{value}</td></tr>
                                })
                                .collect_view();
                            view! {
                                <table class="fields"><tbody>{rows}</tbody></table>
                                {(r.layer() == yitu_domain::Layer::Depots).then(|| view! {
                                    <StockTable depot=id.clone() stock=stock on_moved=on_stock_moved/>
                                })}
                            }.into_any()
                        }
                        Mode::Edit => view! {
                            <RecordEditor id=id.clone()
                                on_saved=move |r| { shared.end_locate(); mode.set(Mode::Fields); on_saved(r); }
                                on_retired=move |id| { shared.end_locate(); mode.set(Mode::Fields); on_retired(id); }
                                on_cancel=move || { shared.end_locate(); mode.set(Mode::Fields); }/>
                        }.into_any(),
                        Mode::History => view! { <History id=id.clone()/> }.into_any(),
                    };
                    view! {
                        <h2>{r.name().to_owned()}</h2>
                        <p class="layer-name">{l.layer(r.layer())}</p>
                        <div class="tabs" role="group">
                            {tab(Mode::Fields, "details-fields", "信息", "Details")}
                            {tab(Mode::Edit, "details-edit", "编辑", "Edit")}
                            {tab(Mode::History, "details-history", "历史", "History")}
                        </div>
                        {body}
                    }.into_any()
                }
            }}
        </aside>
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Fields,
    Edit,
    History,
}
