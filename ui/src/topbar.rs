//! The top bar: the title, the 演示数据 badge, search, the 告警 and 预警 buttons, sync, the login box,
//! About, the map or table view, and the language.

use crate::about::AppInfo;
use crate::alarms::AlarmButton;
use crate::area_warnings::WarningButton;
use crate::context::shared;
use crate::i18n::Lang;
use crate::inbox::InboxBox;
use crate::login::LoginBox;
use crate::map;
use crate::search::SearchBox;
use crate::sync::SyncBox;
use leptos::prelude::*;

#[component]
pub fn TopBar(info: ReadSignal<Option<AppInfo>>, about: RwSignal<bool>) -> impl IntoView {
    let shared = shared();
    let (lang, table) = (shared.lang, shared.table);
    view! {
        <header class="topbar">
            <h1>{move || lang.get().t("一图 · 合川区应急资源一张图", "yitu · Hechuan emergency one-map")}</h1>
            {move || info.get().filter(|i| i.demo).map(|i| {
                let l = lang.get();
                let notice = if l == Lang::Zh { i.demo_notice_zh } else { i.demo_notice_en };
                view! { <span class="demo-badge" id="demo-badge" title=notice.clone()>"演示数据"
                    <small>{l.t("位置示意 · 名称电话虚构", "DEMO · schematic positions")}</small></span> }
            })}
            <SearchBox on_choose=move |layer, hit| {
                shared.with_map(|m| map::fly_to(m, hit.lon, hit.lat));
                shared.act(|w| w.side.open_record(layer, hit.id));
            }/>
            <span class="spacer"></span>
            <AlarmButton/>
            <WarningButton/>
            <SyncBox on_changed=move || shared.changed.update(|v| *v += 1)/>
            <InboxBox/>
            <LoginBox/>
            <button class="about-button" on:click=move |_| about.update(|a| *a = !*a)>
                {move || lang.get().t("关于", "About")}
            </button>
            <div class="lang-switch" role="group">
                <button id="view-map" class:active=move || !table.get() on:click=move |_| table.set(false)>{move || lang.get().t("地图", "Map")}</button>
                <button id="view-table" class:active=move || table.get() on:click=move |_| table.set(true)>{move || lang.get().t("表格", "Table")}</button>
            </div>
            <div class="lang-switch" role="group">
                <button id="lang-zh" class:active=move || lang.get() == Lang::Zh on:click=move |_| lang.set(Lang::Zh)>"中文"</button>
                <button id="lang-en" class:active=move || lang.get() == Lang::En on:click=move |_| lang.set(Lang::En)>"EN"</button>
            </div>
        </header>
    }
}
