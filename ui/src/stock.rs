//! A depot's stock in the details panel: its lines by GB/T 38565 category with their balances
//! and warnings (expired, expiring, below the minimum), a movement form (also opening a line for
//! a material the depot never held), and the lines' terms (expiry, minimum).

use crate::i18n::Lang;
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use yitu_domain::stock::warning::Warning;
use yitu_domain::stock::MoveKind;
use yitu_ipc::call;
use yitu_ipc::stock::NewLine;
/// One row of a depot's stock, as the shell sends it.
pub use yitu_ipc::stock::StockRow;

/// The value a code select takes for "a material this depot does not hold yet".
const NEW_LINE: &str = "new";

/// The table, the movement form and the terms form of one depot.
#[component]
pub fn StockTable(
    depot: String,
    stock: ReadSignal<Vec<StockRow>>,
    on_moved: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = crate::context::lang();
    let table = move || {
        let rows = stock.get();
        let l = lang.get();
        if rows.is_empty() {
            return view! {
                <p class="muted" id="stock-empty">{l.t("此库尚无库存记录：用下方表单登记首次入库。", "No stock yet: record a first receipt below.")}</p>
            }
            .into_any();
        }
        let warned = rows.iter().filter(|r| !r.warnings.is_empty()).count();
        // Lines grouped by category (门类), in code order: the codes sort by category first.
        let mut groups: Vec<(String, Vec<StockRow>)> = Vec::new();
        for r in rows {
            match groups.last_mut() {
                Some((c, list)) if *c == r.category => list.push(r),
                _ => groups.push((r.category.clone(), vec![r])),
            }
        }
        view! {
            <h3>{l.t("库存（按 GB/T 38565 编码）", "Stock (GB/T 38565 codes)")}</h3>
            {(warned > 0).then(|| view! {
                <p class="stock-warned" id="stock-warned" data-count=warned>
                    {format!("⚠ {} {warned} {}", l.t("库存预警", "Stock warnings:"), l.t("项", "lines"))}
                </p>
            })}
            <table class="stock">
                <thead><tr>
                    <th>{l.t("编码", "Code")}</th><th>{l.t("名称", "Name")}</th>
                    <th class="num">{l.t("在库", "On hand")}</th><th class="num">{l.t("预留", "Reserved")}</th>
                    <th>{l.t("单位", "Unit")}</th><th>{l.t("有效期", "Expiry")}</th>
                    <th class="num">{l.t("最低库存", "Minimum")}</th>
                </tr></thead>
                {groups.into_iter().map(|(category, lines)| {
                    // The sub-levels (3-digit 类 codes) present, with their number of lines: the
                    // standard's names below the top level are not held offline.
                    let mut subs: Vec<(String, usize)> = Vec::new();
                    for r in &lines {
                        let sub: String = r.code.chars().take(3).collect();
                        match subs.last_mut() {
                            Some((s, n)) if *s == sub => *n += 1,
                            _ => subs.push((sub, 1)),
                        }
                    }
                    let subs: Vec<String> = subs.into_iter().map(|(s, n)| format!("{s}×{n}")).collect();
                    view! {
                        <tbody>
                            <tr class="category"><th colspan="7">
                                {format!("{} {category}", lines.first().map(|r| &r.code[..1]).unwrap_or_default())}
                                <span class="subs">{format!(" · {}", subs.join("  "))}</span>
                            </th></tr>
                            {lines.into_iter().map(|r| row(r, l)).collect_view()}
                        </tbody>
                    }
                }).collect_view()}
            </table>
        }
        .into_any()
    };
    let codes = Memo::new(move |_| {
        stock.with(|rows| {
            rows.iter()
                .map(|r| (r.code.clone(), r.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    view! {
        {table}
        <StockMove depot=depot.clone() codes=codes on_moved=on_moved/>
        {move || (!codes.with(Vec::is_empty)).then(|| view! {
            <TermsForm depot=depot.clone() stock=stock on_set=on_moved/>
        })}
    }
}

/// One line of the table; a warning colours the row and says what it is.
fn row(r: StockRow, l: Lang) -> impl IntoView {
    let worst = r
        .warnings
        .iter()
        .map(|w| match w {
            Warning::Expired { .. } => 3,
            Warning::BelowMinimum { .. } => 2,
            Warning::ExpiresSoon { .. } => 1,
        })
        .max();
    let class = match worst {
        Some(3) => "warn-expired",
        Some(2) => "warn-minimum",
        Some(_) => "warn-soon",
        None => "",
    };
    let codes: Vec<&str> = r.warnings.iter().map(Warning::code).collect();
    let said: Vec<String> = r
        .warnings
        .iter()
        .map(|w| match l {
            Lang::Zh => w.zh(),
            Lang::En => w.en(),
        })
        .collect();
    let code = r.code.clone();
    view! {
        <tr data-code=code class=class data-warnings=codes.join(" ")>
            <td>{r.code}</td><td>{r.name}</td>
            <td class="num">{r.balance.on_hand}</td><td class="num">{r.balance.reserved}</td>
            <td>{r.unit}</td><td>{r.expiry.unwrap_or_default()}</td>
            <td class="num">{r.minimum.map(|m| m.to_string()).unwrap_or_default()}</td>
        </tr>
        {(!said.is_empty()).then(|| view! {
            <tr class=format!("warning {class}")><td></td><td colspan="6">{format!("⚠ {}", said.join("；"))}</td></tr>
        })}
    }
}

/// Reads an optional whole number from a form field: empty is none.
fn optional_count(s: &str, l: Lang) -> Result<Option<i64>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<i64>().map(Some).map_err(|_| {
        l.t("最低库存须为整数", "The minimum must be a whole number")
            .to_owned()
    })
}

/// One stock movement on a line of this depot, or the first receipt of a new material; refused
/// (with the reason) if it would take the stock below zero or below what is reserved.
#[component]
fn StockMove(
    depot: String,
    codes: Memo<Vec<(String, String)>>,
    on_moved: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = crate::context::lang();
    // The line chosen; until the user chooses, the first line, or a new one when the depot
    // holds nothing yet (the stock arrives after the panel opens).
    let picked = RwSignal::new(None::<String>);
    let code = Memo::new(move |_| {
        picked.get().unwrap_or_else(|| {
            codes
                .with(|c| c.first().map(|c| c.0.clone()))
                .unwrap_or_else(|| NEW_LINE.to_owned())
        })
    });
    let kind = RwSignal::new(MoveKind::Receive);
    let quantity = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let new_code = RwSignal::new(String::new());
    let new_name = RwSignal::new(String::new());
    let new_unit = RwSignal::new(String::new());
    let new_expiry = RwSignal::new(String::new());
    let new_minimum = RwSignal::new(String::new());
    let (error, set_error) = signal(None::<String>);
    let is_new = move || code.with(|c| c == NEW_LINE);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let l = lang.get_untracked();
        let Ok(q) = quantity.get_untracked().trim().parse::<i64>() else {
            set_error.set(Some(
                l.t("数量须为整数", "The quantity must be a whole number")
                    .to_owned(),
            ));
            return;
        };
        let (code, kind, new_line) = if is_new() {
            let minimum = match optional_count(&new_minimum.get_untracked(), l) {
                Ok(m) => m,
                Err(e) => {
                    set_error.set(Some(e));
                    return;
                }
            };
            let line = NewLine {
                name: new_name.get_untracked(),
                unit: new_unit.get_untracked(),
                expiry: Some(new_expiry.get_untracked()).filter(|e| !e.is_empty()),
                minimum,
            };
            (new_code.get_untracked(), MoveKind::Receive, Some(line))
        } else {
            (code.get_untracked(), kind.get_untracked(), None)
        };
        let args = call::StockMove {
            depot: depot.clone(),
            code,
            kind,
            quantity: q,
            note: note.get_untracked(),
            new_line,
        };
        set_error.set(None);
        spawn_local(async move {
            match invoke(&args).await {
                Ok(_) => {
                    if is_new() {
                        // The new line is now in the list: select it for the next movement.
                        picked.set(Some(new_code.get_untracked().trim().to_owned()));
                        for s in [new_code, new_name, new_unit, new_expiry, new_minimum] {
                            s.set(String::new());
                        }
                    }
                    quantity.set(String::new());
                    note.set(String::new());
                    on_moved();
                }
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    let text = move |id: &'static str,
                     zh: &'static str,
                     en: &'static str,
                     value: RwSignal<String>| {
        view! {
            <input id=id placeholder=move || lang.get().t(zh, en)
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
        }
    };
    view! {
        <form class="stock-move" id="stock-move" on:submit=submit>
            <h4>{move || lang.get().t("库存记账", "Record a movement")}</h4>
            <select id="stock-move-code" on:change=move |ev| picked.set(Some(event_target_value(&ev)))>
                {move || codes.get().into_iter().map(|(c, name)| {
                    let value = c.clone();
                    view! { <option value=c.clone() selected=move || code.with(|x| *x == value)>{format!("{c} {name}")}</option> }
                }).collect_view()}
                <option value=NEW_LINE selected=is_new>{move || lang.get().t("＋ 新物资（首次入库）…", "+ New material (first receipt)…")}</option>
            </select>
            {move || is_new().then(|| view! {
                <div class="new-line" id="stock-new">
                    {text("stock-new-code", "物资编码（7 位）", "Code (7 digits)", new_code)}
                    {text("stock-new-name", "物资名称", "Name", new_name)}
                    {text("stock-new-unit", "单位", "Unit", new_unit)}
                    <label>{move || lang.get().t("有效期至", "Expires")}
                        <input id="stock-new-expiry" type="date" prop:value=move || new_expiry.get()
                            on:input=move |ev| new_expiry.set(event_target_value(&ev))/>
                    </label>
                    {text("stock-new-min", "最低库存（可选）", "Minimum (optional)", new_minimum)}
                </div>
            })}
            {move || (!is_new()).then(|| view! {
                <select id="stock-move-kind" on:change=move |ev| {
                    if let Ok(k) = MoveKind::from_code(&event_target_value(&ev)) { kind.set(k); }
                }>
                    {MoveKind::ALL.iter().map(|k| {
                        let k = *k;
                        view! { <option value=k.code() selected=move || kind.get() == k>{move || lang.get().t(k.zh(), k.en())}</option> }
                    }).collect_view()}
                </select>
            })}
            <input id="stock-move-qty" type="number" placeholder=move || lang.get().t("数量", "Quantity")
                prop:value=move || quantity.get() on:input=move |ev| quantity.set(event_target_value(&ev))/>
            {text("stock-move-note", "备注（可选）", "Note (optional)", note)}
            <button type="submit" id="stock-move-go">{move || if is_new() {
                lang.get().t("入库", "Receive")
            } else {
                lang.get().t("记账", "Record")
            }}</button>
            {move || error.get().map(|e| view! { <p class="error" id="stock-move-error">{e}</p> })}
        </form>
    }
}

/// A line's expiry date and minimum level (最低库存), prefilled with the line's own.
#[component]
fn TermsForm(
    depot: String,
    stock: ReadSignal<Vec<StockRow>>,
    on_set: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = crate::context::lang();
    let code = RwSignal::new(
        stock.with_untracked(|r| r.first().map(|r| r.code.clone()).unwrap_or_default()),
    );
    let expiry = RwSignal::new(String::new());
    let minimum = RwSignal::new(String::new());
    let (error, set_error) = signal(None::<String>);
    let (saved, set_saved) = signal(false);
    // Prefill from the chosen line (again after the stock is read anew).
    Effect::new(move |_| {
        let chosen = code.get();
        stock.with(|rows| {
            if let Some(r) = rows.iter().find(|r| r.code == chosen) {
                expiry.set(r.expiry.clone().unwrap_or_default());
                minimum.set(r.minimum.map(|m| m.to_string()).unwrap_or_default());
            }
        });
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let l = lang.get_untracked();
        let min = match optional_count(&minimum.get_untracked(), l) {
            Ok(m) => m,
            Err(e) => {
                set_error.set(Some(e));
                return;
            }
        };
        let args = call::StockTerms {
            depot: depot.clone(),
            code: code.get_untracked(),
            expiry: Some(expiry.get_untracked()).filter(|e| !e.is_empty()),
            minimum: min,
        };
        set_error.set(None);
        set_saved.set(false);
        spawn_local(async move {
            match invoke(&args).await {
                Ok(()) => {
                    set_saved.set(true);
                    on_set();
                }
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    view! {
        <form class="stock-terms" id="stock-terms" on:submit=submit>
            <h4>{move || lang.get().t("有效期与最低库存", "Expiry and minimum")}</h4>
            <select id="stock-terms-code" on:change=move |ev| code.set(event_target_value(&ev))>
                {move || stock.get().into_iter().map(|r| {
                    let value = r.code.clone();
                    view! { <option value=r.code.clone() selected=move || code.with(|c| *c == value)>{format!("{} {}", r.code, r.name)}</option> }
                }).collect_view()}
            </select>
            <label>{move || lang.get().t("有效期至", "Expires")}
                <input id="stock-terms-expiry" type="date" prop:value=move || expiry.get()
                    on:input=move |ev| expiry.set(event_target_value(&ev))/>
            </label>
            <input id="stock-terms-min" placeholder=move || lang.get().t("最低库存（空 = 不设）", "Minimum (empty = none)")
                prop:value=move || minimum.get() on:input=move |ev| minimum.set(event_target_value(&ev))/>
            <button type="submit" id="stock-terms-go">{move || lang.get().t("保存", "Save")}</button>
            {move || saved.get().then(|| view! { <span class="ok" id="stock-terms-saved">{lang.get().t("已保存", "Saved")}</span> })}
            {move || error.get().map(|e| view! { <p class="error" id="stock-terms-error">{e}</p> })}
        </form>
    }
}
