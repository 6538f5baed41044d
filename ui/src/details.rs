//! The details panel: every field of the clicked record, labelled in the interface language,
//! a depot's stock table, and the record's edit form and history.

use crate::editor::{History, RecordEditor};
use crate::i18n::Lang;
use leptos::prelude::*;
use serde::Deserialize;
use yitu_domain::resource::Resource;
use yitu_domain::town;

/// One row of a depot's stock, as the shell sends it.
#[derive(Debug, Clone, Deserialize)]
pub struct StockRow {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub expiry: Option<String>,
    pub balance: Balance,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Balance {
    pub on_hand: i64,
    pub reserved: i64,
}

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
    lang: ReadSignal<Lang>,
    record: ReadSignal<Option<Result<Resource, String>>>,
    stock: ReadSignal<Vec<StockRow>>,
    locating: RwSignal<bool>,
    located: RwSignal<Option<(f64, f64)>>,
    on_saved: impl Fn(Resource) + Copy + Send + Sync + 'static,
    on_retired: impl Fn(String) + Copy + Send + Sync + 'static,
    on_stock_moved: impl Fn() + Copy + Send + Sync + 'static,
    on_close: impl Fn() + 'static,
) -> impl IntoView {
    // What the panel shows of the record: its fields, its edit form, or its history.
    let mode = RwSignal::new(Mode::Fields);
    let tab = move |m: Mode, id: &'static str, zh: &'static str, en: &'static str| {
        view! {
            <button id=id class:active=move || mode.get() == m on:click=move |_| {
                locating.set(false);
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
                                <StockTable lang=lang depot=id.clone() stock=stock on_moved=on_stock_moved/>
                            }.into_any()
                        }
                        Mode::Edit => view! {
                            <RecordEditor lang=lang id=id.clone() locating=locating located=located
                                on_saved=move |r| { locating.set(false); mode.set(Mode::Fields); on_saved(r); }
                                on_retired=move |id| { locating.set(false); mode.set(Mode::Fields); on_retired(id); }
                                on_cancel=move || { locating.set(false); mode.set(Mode::Fields); }/>
                        }.into_any(),
                        Mode::History => view! { <History lang=lang id=id.clone()/> }.into_any(),
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

#[component]
fn StockTable(
    lang: ReadSignal<Lang>,
    depot: String,
    stock: ReadSignal<Vec<StockRow>>,
    on_moved: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        let rows = stock.get();
        if rows.is_empty() {
            return None;
        }
        let l = lang.get();
        let codes: Vec<(String, String)> = rows
            .iter()
            .map(|r| (r.code.clone(), r.name.clone()))
            .collect();
        Some(view! {
            <h3>{l.t("库存（按 GB/T 38565 编码）", "Stock (GB/T 38565 codes)")}</h3>
            <table class="stock">
                <thead><tr>
                    <th>{l.t("编码", "Code")}</th><th>{l.t("名称", "Name")}</th>
                    <th class="num">{l.t("在库", "On hand")}</th><th class="num">{l.t("预留", "Reserved")}</th>
                    <th>{l.t("单位", "Unit")}</th><th>{l.t("有效期", "Expiry")}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| { let code = r.code.clone(); view! {
                        <tr data-code=code>
                            <td>{r.code}</td><td>{r.name}</td>
                            <td class="num">{r.balance.on_hand}</td><td class="num">{r.balance.reserved}</td>
                            <td>{r.unit}</td><td>{r.expiry.unwrap_or_default()}</td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
            <StockMove lang=lang depot=depot.clone() codes=codes on_moved=on_moved/>
        })
    }
}

#[derive(serde::Serialize)]
struct MoveArgs {
    depot: String,
    code: String,
    kind: String,
    quantity: i64,
    note: String,
}

/// One stock movement on a line of this depot; refused (with the reason) if it would take the
/// stock below zero or below what is reserved.
#[component]
fn StockMove(
    lang: ReadSignal<Lang>,
    depot: String,
    codes: Vec<(String, String)>,
    on_moved: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    use leptos::task::spawn_local;
    use yitu_domain::stock::MoveKind;
    let code = RwSignal::new(codes.first().map(|c| c.0.clone()).unwrap_or_default());
    let kind = RwSignal::new(MoveKind::Receive);
    let quantity = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let (error, set_error) = signal(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(q) = quantity.get_untracked().trim().parse::<i64>() else {
            set_error.set(Some(
                lang.get_untracked()
                    .t("数量须为整数", "The quantity must be a whole number")
                    .to_owned(),
            ));
            return;
        };
        let args = MoveArgs {
            depot: depot.clone(),
            code: code.get_untracked(),
            kind: kind.get_untracked().code().to_owned(),
            quantity: q,
            note: note.get_untracked(),
        };
        set_error.set(None);
        spawn_local(async move {
            match crate::tauri::invoke::<serde_json::Value>("stock_move", args).await {
                Ok(_) => {
                    quantity.set(String::new());
                    note.set(String::new());
                    on_moved();
                }
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    view! {
        <form class="stock-move" id="stock-move" on:submit=submit>
            <select id="stock-move-code" on:change=move |ev| code.set(event_target_value(&ev))>
                {codes.into_iter().map(|(c, name)| view! { <option value=c.clone()>{format!("{c} {name}")}</option> }).collect_view()}
            </select>
            <select id="stock-move-kind" on:change=move |ev| {
                if let Ok(k) = MoveKind::from_code(&event_target_value(&ev)) { kind.set(k); }
            }>
                {MoveKind::ALL.iter().map(|k| {
                    let k = *k;
                    view! { <option value=k.code()>{move || lang.get().t(k.zh(), k.en())}</option> }
                }).collect_view()}
            </select>
            <input id="stock-move-qty" type="number" placeholder=move || lang.get().t("数量", "Quantity")
                prop:value=move || quantity.get() on:input=move |ev| quantity.set(event_target_value(&ev))/>
            <input id="stock-move-note" placeholder=move || lang.get().t("备注（可选）", "Note (optional)")
                prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/>
            <button type="submit" id="stock-move-go">{move || lang.get().t("记账", "Record")}</button>
            {move || error.get().map(|e| view! { <p class="error" id="stock-move-error">{e}</p> })}
        </form>
    }
}
