//! Who is acting on this window: the login box in the top bar (pick a user of the desk, local
//! or the district's, and give their password: checked offline by the store; a user without
//! one, "未设置密码", logs in on the click), and adding local users (the first user of a
//! device, or by a commander). Every write is made as this user.

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
    // The user picked who has a password, waiting for it; and what was typed.
    let (asking, set_asking) = signal(None::<String>);
    let password = RwSignal::new(String::new());
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
    let login = move |name: String, given: String| {
        spawn_local(async move {
            let args = call::Login {
                name,
                password: given,
            };
            match invoke(&args).await {
                Ok(a) => {
                    user.set(Some(a));
                    set_error.set(None);
                    set_asking.set(None);
                    password.set(String::new());
                    set_open.set(false);
                }
                Err(e) => {
                    // A wrong password is typed again from nothing.
                    password.set(String::new());
                    set_error.set(Some(e.message));
                }
            }
        });
    };
    let pick = move |a: yitu_ipc::user::Account| {
        set_error.set(None);
        password.set(String::new());
        if a.has_password {
            set_asking.set(Some(a.name));
        } else {
            set_asking.set(None);
            login(a.name, String::new());
        }
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
            <button id="login-open" class:active=move || open.get() on:click=move |_| {
                // Opened: the list read again, as a sync may have brought the district's users.
                if !open.get_untracked() {
                    reload();
                    set_asking.set(None);
                }
                set_open.update(|o| *o = !*o)
            }>
                {move || match user.get() {
                    Some(a) => format!("{}（{}）", a.name, lang.get().t(a.role.zh(), a.role.en())),
                    None => lang.get().t("登录", "Log in").to_owned(),
                }}
            </button>
            {move || open.get().then(|| view! {
                <div class="login-menu" id="login-menu">
                    <p class="muted">{move || lang.get().t("选择用户并输入密码（按角色授权）", "Choose a user and give the password (rights follow the role)")}</p>
                    <ul class="users">
                        {move || list.get().users.into_iter().map(|a| {
                            let picked = a.clone();
                            let password_tag = if a.has_password { "set" } else { "none" };
                            let current = user.with(|u| u.as_ref().map(|u| u.name == a.name).unwrap_or(false));
                            let no_password = (!a.has_password).then(|| view! {
                                <small class="no-password">{move || lang.get().t("未设置密码", "no password")}</small>
                            });
                            let district = (a.origin == yitu_ipc::user::Origin::Server).then(|| view! {
                                <small class="district" title="区级用户（由服务器同步）/ a district user (synced from the server)">{move || lang.get().t("区级", "district")}</small>
                            });
                            view! {
                                <li><button class="user" class:active=current data-user=a.name.clone()
                                    data-password=password_tag
                                    on:click=move |_| pick(picked.clone())>
                                    <span>{a.name.clone()}</span>
                                    <span class="tags">{no_password}{district}<small>{move || lang.get().t(a.role.zh(), a.role.en())}</small></span>
                                </button></li>
                            }
                        }).collect_view()}
                    </ul>
                    {move || asking.get().map(|name| {
                        let who = name.clone();
                        view! {
                            <form class="password" id="login-form" on:submit=move |ev| {
                                ev.prevent_default();
                                login(who.clone(), password.get_untracked());
                            }>
                                <label for="login-password">{move || lang.get().t("密码", "Password")}{format!(" · {name}")}</label>
                                <input id="login-password" type="password" autocomplete="current-password" autofocus=true
                                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                                <button id="login-submit" type="submit">{move || lang.get().t("登录", "Log in")}</button>
                            </form>
                        }
                    })}
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
