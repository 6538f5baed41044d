//! Who is acting on this window: the login box in the top bar (pick a local user), and adding
//! users (the first user of a device, or by a commander). Decisions are taken as this user.

use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use yitu_domain::command::role::Role;
use yitu_ipc::call;
/// A local user and their role.
pub use yitu_ipc::user::Actor;
use yitu_ipc::user::Users;

/// The login box: the current user and role, a list to switch user, and (first user, or a
/// commander) a form to add one.
#[component]
pub fn LoginBox() -> impl IntoView {
    let shared = crate::context::shared();
    let (lang, user) = (shared.lang, shared.user);
    let (open, set_open) = signal(false);
    let (list, set_list) = signal(Users::default());
    let (error, set_error) = signal(None::<String>);
    let new_name = RwSignal::new(String::new());
    let new_role = RwSignal::new(Role::Staff);
    let reload = move || {
        spawn_local(async move {
            match invoke(&call::Users {}).await {
                Ok(u) => {
                    user.set(u.current.clone());
                    set_list.set(u);
                }
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    reload();
    let login = move |name: String| {
        spawn_local(async move {
            match invoke(&call::Login { name }).await {
                Ok(a) => {
                    user.set(Some(a));
                    set_error.set(None);
                    set_open.set(false);
                }
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    let add = move || {
        let name = new_name.get_untracked();
        let role = new_role.get_untracked();
        spawn_local(async move {
            let args = call::AddUser {
                name: name.trim().to_owned(),
                role,
            };
            match invoke(&args).await {
                Ok(_) => {
                    new_name.set(String::new());
                    set_error.set(None);
                    reload();
                }
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    let may_add = move || {
        list.with(|l| l.users.is_empty())
            || user.with(|u| u.as_ref().is_some_and(|u| u.role == Role::Commander))
    };
    view! {
        <div class="login">
            <button id="login-open" class:active=move || open.get() on:click=move |_| set_open.update(|o| *o = !*o)>
                {move || match user.get() {
                    Some(a) => format!("{}（{}）", a.name, lang.get().t(a.role.zh(), a.role.en())),
                    None => lang.get().t("登录", "Log in").to_owned(),
                }}
            </button>
            {move || open.get().then(|| view! {
                <div class="login-menu" id="login-menu">
                    <p class="muted">{move || lang.get().t("选择本机用户（按角色授权）", "Choose a local user (rights follow the role)")}</p>
                    <ul class="users">
                        {move || list.get().users.into_iter().map(|a| {
                            let name = a.name.clone();
                            let current = user.with(|u| u.as_ref().map(|u| u.name == a.name).unwrap_or(false));
                            view! {
                                <li><button class="user" class:active=current data-user=a.name.clone()
                                    on:click=move |_| login(name.clone())>
                                    {a.name.clone()}<small>{move || lang.get().t(a.role.zh(), a.role.en())}</small>
                                </button></li>
                            }
                        }).collect_view()}
                    </ul>
                    {move || user.get().map(|_| view! {
                        <button id="logout" on:click=move |_| {
                            spawn_local(async move {
                                let _ = invoke(&call::Logout {}).await;
                                user.set(None);
                            });
                        }>{move || lang.get().t("退出登录", "Log out")}</button>
                    })}
                    {move || may_add().then(|| view! {
                        <form class="add-user" on:submit=move |ev| { ev.prevent_default(); add(); }>
                            <input id="user-name" placeholder=move || lang.get().t("姓名", "Name")
                                prop:value=move || new_name.get() on:input=move |ev| new_name.set(event_target_value(&ev))/>
                            <select id="user-role" on:change=move |ev| {
                                if let Ok(r) = Role::from_code(&event_target_value(&ev)) { new_role.set(r) }
                            }>
                                {Role::ALL.iter().map(|r| {
                                    let r = *r;
                                    view! { <option value=r.code() selected=move || new_role.get() == r>{move || lang.get().t(r.zh(), r.en())}</option> }
                                }).collect_view()}
                            </select>
                            <button id="user-add" type="submit">{move || lang.get().t("添加用户", "Add user")}</button>
                        </form>
                    })}
                    {move || error.get().map(|e| view! { <p class="error" id="login-error">{e}</p> })}
                </div>
            })}
        </div>
    }
}
