//! 待办 in the top bar: how many decisions wait for the logged-in user's step, and the list,
//! each opening its decision in its incident's panel. Asked again after every sync and import
//! (`Shared::changed`), every act taken in this window (`Shared::acted`), on login, and each
//! time the list is opened.

use crate::context::shared;
use crate::decision::number_or_draft;
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use yitu_ipc::call;
use yitu_ipc::decision::InboxItem;
use yitu_ui_state::Side;

#[component]
pub fn InboxBox() -> impl IntoView {
    let shared = shared();
    let (lang, user, changed, acted) = (shared.lang, shared.user, shared.changed, shared.acted);
    let (items, set_items) = signal(Vec::<InboxItem>::new());
    let (open, set_open) = signal(false);
    Effect::new(move |_| {
        // Tracked: a login, a change, an act or opening the list asks again.
        let _ = (user.get(), changed.get(), acted.get(), open.get());
        spawn_local(async move {
            if let Ok(list) = invoke(&call::Inbox {}).await {
                set_items.set(list);
            }
        });
    });
    view! {
        <div class="inbox">
            {move || user.get().map(|_| view! {
                <button id="inbox-open" class:busy=move || !items.get().is_empty()
                    data-count=move || items.get().len().to_string()
                    on:click=move |_| set_open.update(|o| *o = !*o)>
                    {move || format!("{} {}", lang.get().t("待办", "To do"), items.get().len())}
                </button>
            })}
            {move || (open.get() && user.get().is_some()).then(|| view! {
                <ul class="inbox-menu" id="inbox-menu">
                    {move || {
                        let l = lang.get();
                        let list = items.get();
                        if list.is_empty() {
                            return view! { <li class="muted">{l.t("没有待办", "Nothing waits for you")}</li> }.into_any();
                        }
                        list.into_iter().map(|i| {
                            let incident = i.incident.to_string();
                            let decision = i.decision.to_string();
                            let waiting = l.t(i.waiting.zh(), i.waiting.en());
                            let awaiting = (!i.awaiting.is_empty()).then(|| format!(" · {}", i.awaiting.join("、")));
                            view! {
                                <li data-decision=i.decision.to_string() data-waiting=i.waiting.code()>
                                    <button on:click=move |_| {
                                        set_open.set(false);
                                        shared.open_decision.set(Some((incident.clone(), decision.clone())));
                                        shared.act(|w| w.open(Side::Incident(incident.clone())));
                                    }>
                                        <strong>{waiting}</strong>
                                        {format!(" {} · {}", number_or_draft(&i.number, l), i.incident_title)}
                                        <small>{format!(" {}{}", i.situation.chars().take(24).collect::<String>(), awaiting.unwrap_or_default())}</small>
                                    </button>
                                </li>
                            }
                        }).collect_view().into_any()
                    }}
                </ul>
            })}
        </div>
    }
}
