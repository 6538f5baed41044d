//! 库存预警: every stock line of the district that has expired, expires within 90 days or is
//! below its minimum, depot by depot, the most urgent first; a depot opens its stock.

use crate::i18n::Lang;
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use yitu_domain::stock::warning::Warning;
use yitu_ipc::call;
use yitu_ipc::stock::LineWarning;

/// How urgent a line is: expired before below the minimum before expiring.
fn urgency(w: &Warning) -> u8 {
    match w {
        Warning::Expired { .. } => 3,
        Warning::BelowMinimum { .. } => 2,
        Warning::ExpiresSoon { .. } => 1,
    }
}

#[component]
pub fn WarningsPanel(
    on_open: impl Fn(String) + Copy + Send + Sync + 'static,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = crate::context::lang();
    let (found, set_found) = signal(None::<Result<Vec<LineWarning>, String>>);
    spawn_local(async move {
        let r = invoke(&call::StockWarnings {}).await.map_err(|e| e.message);
        set_found.set(Some(r));
    });
    view! {
        <aside class="details briefing" id="warnings">
            <button class="close" title="关闭 / Close" on:click=move |_| on_close()>"×"</button>
            <h2>{move || lang.get().t("库存预警", "Stock warnings")}</h2>
            {move || match found.get() {
                None => view! { <p class="muted">{lang.get().t("计算中…", "Working…")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="muted" id="warnings-none">{lang.get().t("没有库存预警", "No stock warnings")}</p>
                }.into_any(),
                Some(Ok(mut list)) => {
                    let l = lang.get();
                    let count = |level: u8| list.iter().filter(|w| w.line.warnings.iter().map(urgency).max() == Some(level)).count();
                    let summary = format!(
                        "{} {} · {} {} · {} {}",
                        l.t("已过期", "expired"), count(3),
                        l.t("低于最低库存", "below minimum"), count(2),
                        l.t("90 天内到期", "expiring within 90 days"), count(1),
                    );
                    list.sort_by_key(|w| std::cmp::Reverse(w.line.warnings.iter().map(urgency).max()));
                    let total = list.len();
                    view! {
                        <p class="summary" id="warnings-summary" data-count=total>{summary}</p>
                        <table class="stock warnings">
                            <thead><tr>
                                <th>{l.t("储备库", "Depot")}</th><th>{l.t("物资", "Material")}</th>
                                <th class="num">{l.t("在库", "On hand")}</th><th>{l.t("预警", "Warning")}</th>
                            </tr></thead>
                            <tbody>{list.into_iter().map(|w| {
                                let id = w.depot_id.clone();
                                let town = yitu_domain::registries::town::by_code(&w.town_code).map(|t| t.name).unwrap_or_default();
                                let said: Vec<String> = w.line.warnings.iter().map(|x| match l { Lang::Zh => x.zh(), Lang::En => x.en() }).collect();
                                let class = match w.line.warnings.iter().map(urgency).max() {
                                    Some(3) => "warn-expired",
                                    Some(2) => "warn-minimum",
                                    _ => "warn-soon",
                                };
                                view! {
                                    <tr class=class data-depot=w.depot_id.clone() data-code=w.line.code.clone()>
                                        <td><a href="#" on:click=move |ev| { ev.prevent_default(); on_open(id.clone()); }>{w.depot}</a>
                                            <br/><small class="muted">{town}</small></td>
                                        <td>{format!("{} {}", w.line.code, w.line.name)}</td>
                                        <td class="num">{format!("{} {}", w.line.balance.on_hand, w.line.unit)}</td>
                                        <td>{said.join("；")}</td>
                                    </tr>
                                }
                            }).collect_view()}</tbody>
                        </table>
                    }.into_any()
                }
            }}
        </aside>
    }
}
