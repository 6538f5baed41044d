//! 叠加图层 / Overlays: the user's GeoJSON and Shapefile layers drawn over the map, each added by
//! its path with the coordinate system it is in (the shell converts it to WGS-84 and refuses a
//! file it cannot read or that lies nowhere near Hechuan), shown or hidden, and removed.

use crate::map::{self, Map};
use crate::tauri::{invoke, invoke_js};
use leptos::prelude::*;
use leptos::task::spawn_local;
use yitu_domain::space::crs::Crs;
use yitu_ipc::app::FileKind;
use yitu_ipc::call;
/// One overlay as the shell lists it.
pub use yitu_ipc::overlay::Overlay;

/// The overlays as the shell lists them.
pub async fn fetch() -> Result<Vec<Overlay>, String> {
    invoke(&call::Overlays {}).await.map_err(|e| e.message)
}

/// Draws one overlay from its converted GeoJSON.
async fn draw(m: &Map, o: &Overlay) -> Result<(), String> {
    let data = invoke_js(&call::OverlayGeojson { id: o.id.clone() })
        .await
        .map_err(|e| e.message)?;
    map::set_user_overlay(m, &o.id, &data, &o.colour);
    Ok(())
}

/// Draws every overlay that is shown (when the map starts).
pub async fn draw_shown(m: &Map) {
    if let Ok(list) = fetch().await {
        for o in list.iter().filter(|o| o.shown) {
            let _ = draw(m, o).await;
        }
    }
}

/// Brings the map from `before` to `after`: overlays hidden or gone are taken off, overlays
/// newly shown (and `redrawn`, added again from a possibly changed file) are drawn.
async fn redraw(m: &Map, before: &[Overlay], after: &[Overlay], redrawn: Option<&str>) {
    let shown = |list: &[Overlay], id: &str| list.iter().any(|o| o.id == id && o.shown);
    for o in before {
        if !shown(after, &o.id) {
            map::remove_user_overlay(m, &o.id);
        }
    }
    for o in after.iter().filter(|o| o.shown) {
        if !shown(before, &o.id) || redrawn == Some(o.id.as_str()) {
            let _ = draw(m, o).await;
        }
    }
}

const CRS_CHOICES: [(&str, &str, &str); 3] = [
    (
        "wgs84",
        "WGS-84 / CGCS2000（GPS、天地图）",
        "WGS-84 / CGCS2000 (GPS, Tianditu)",
    ),
    ("gcj02", "GCJ-02（高德、腾讯）", "GCJ-02 (AMap, Tencent)"),
    ("bd09", "BD-09（百度）", "BD-09 (Baidu)"),
];

/// The section of the side panel. A refused file is named with the reason; the list and the
/// map stay as they were.
#[component]
pub fn OverlayControl() -> impl IntoView {
    let shared = crate::context::shared();
    let (lang, map_handle) = (shared.lang, shared.map);
    let list = RwSignal::new(Vec::<Overlay>::new());
    let path = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let crs = RwSignal::new("wgs84".to_owned());
    let (error, set_error) = signal(None::<String>);
    let (busy, set_busy) = signal(false);
    spawn_local(async move {
        if let Ok(l) = fetch().await {
            list.set(l);
        }
    });
    // An accepted change: keep the new list and bring the map to it.
    let done = move |r: Result<Vec<Overlay>, String>, redrawn: Option<String>| match r {
        Ok(after) => {
            set_error.set(None);
            let before = list.get_untracked();
            list.set(after.clone());
            if let Some(m) = map_handle.get_value() {
                spawn_local(async move { redraw(&m, &before, &after, redrawn.as_deref()).await });
            }
        }
        Err(e) => set_error.set(Some(e)),
    };
    // The system's file chooser fills the path (the coordinate system is still the user's call).
    let browse = move |_| {
        spawn_local(async move {
            match invoke(&call::PickFile {
                kind: FileKind::Overlay,
            })
            .await
            {
                Ok(Some(p)) => path.set(p),
                Ok(None) => {}
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    let add = move |_| {
        let (p, c, n) = (
            path.get_untracked(),
            crs.get_untracked(),
            name.get_untracked(),
        );
        // The choices are the domain's codes; one it does not know is the window's bug.
        let Ok(c) = Crs::from_code(&c) else {
            set_error.set(Some(format!("{c}: 未知坐标系 / unknown coordinate system")));
            return;
        };
        set_busy.set(true);
        spawn_local(async move {
            let r = invoke(&call::OverlayAdd {
                path: p.clone(),
                crs: c,
                name: Some(n).filter(|n| !n.trim().is_empty()),
            })
            .await
            .map_err(|e| e.message);
            // The entry added is the one whose source is this path (the same file again is
            // redrawn from its new conversion).
            let added = r.as_ref().ok().and_then(|l| {
                l.iter()
                    .find(|o| o.source.ends_with(p.trim()))
                    .map(|o| o.id.clone())
            });
            if r.is_ok() {
                path.set(String::new());
                name.set(String::new());
            }
            done(r, added);
            set_busy.set(false);
        });
    };
    let show = move |id: String, shown: bool| {
        spawn_local(async move {
            done(
                invoke(&call::OverlayShow { id, shown })
                    .await
                    .map_err(|e| e.message),
                None,
            );
        });
    };
    let remove = move |id: String| {
        spawn_local(async move {
            done(
                invoke(&call::OverlayRemove { id })
                    .await
                    .map_err(|e| e.message),
                None,
            );
        });
    };
    view! {
        <details class="overlay" id="overlay">
            <summary><h2>{move || lang.get().t("叠加图层", "Overlays")}</h2></summary>
            <ul class="overlays">
                {move || list.get().into_iter().map(|o| {
                    let (id, id2) = (o.id.clone(), o.id.clone());
                    let l = lang.get();
                    view! {
                        <li data-id=o.id.clone() data-features=o.features.to_string()
                            data-shown=o.shown.to_string()>
                            <label class="check" title=o.source.clone()>
                                <input type="checkbox" class="shown" prop:checked=o.shown
                                    on:change=move |ev| show(id.clone(), event_target_checked(&ev))/>
                                <span class="swatch" style=format!("background:{}", o.colour)></span>
                                <span class="name">{o.name.clone()}</span>
                                <span class="muted">{format!(" · {} {} · {}", o.features, l.t("个要素", "features"), o.crs)}</span>
                            </label>
                            <button class="remove" title=move || lang.get().t("移除", "Remove")
                                on:click=move |_| remove(id2.clone())>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="add">
                <input id="overlay-path" placeholder=move || lang.get().t("GeoJSON / Shapefile (.shp) / GeoPackage (.gpkg) 文件路径", "Path of a GeoJSON / Shapefile (.shp) / GeoPackage (.gpkg)")
                    prop:value=move || path.get() on:input=move |ev| path.set(event_target_value(&ev))/>
                <button id="overlay-browse" on:click=browse>{move || lang.get().t("浏览…", "Browse…")}</button>
            </div>
            <div class="add">
                <select id="overlay-crs" title=move || lang.get().t("文件的坐标系", "The file's coordinate system")
                    on:input=move |ev| crs.set(event_target_value(&ev))>
                    {CRS_CHOICES.iter().map(|&(code, zh, en)| {
                        view! { <option value=code selected=move || crs.get() == code>{move || lang.get().t(zh, en)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="add">
                <input id="overlay-name" placeholder=move || lang.get().t("名称（可不填）", "Name (optional)")
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                <button id="overlay-add" disabled=move || busy.get() on:click=add>{move || lang.get().t("添加", "Add")}</button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" id="overlay-error">{e}</p> })}
            <p class="muted">{move || lang.get().t(
                "坐标系要选对：手机上的高德、腾讯地图用 GCJ-02，百度地图用 BD-09，GPS 和天地图用 WGS-84/CGCS2000。也可用 yitu overlay add 文件 --crs gcj02。",
                "Choose the right coordinate system: Chinese phone maps such as AMap and Tencent use GCJ-02, Baidu BD-09, GPS and Tianditu WGS-84/CGCS2000. `yitu overlay add FILE --crs gcj02` does the same.")}</p>
        </details>
    }
}
