//! 底图 / Base map: the offline tile packages (MBTiles, PMTiles) added on this desktop, which one
//! the map shows, adding one by its path and removing one. The tiles come from the local file
//! through the shell's `yitu-tiles` scheme.

use crate::map::TileBase;
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use yitu_ipc::app::FileKind;
use yitu_ipc::basemap::Basemaps;
use yitu_ipc::call;

/// The packages as the shell lists them.
pub async fn fetch() -> Result<Basemaps, String> {
    invoke(&call::Basemaps {}).await.map_err(|e| e.message)
}

/// The section of the side panel. `on_change` gets the package to draw (or none) after any
/// change that was accepted; a refused one leaves the map as it was.
#[component]
pub fn BasemapControl(
    on_change: impl Fn(Option<TileBase>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = crate::context::lang();
    let list = RwSignal::new(None::<Basemaps>);
    let path = RwSignal::new(String::new());
    let (error, set_error) = signal(None::<String>);
    let (busy, set_busy) = signal(false);
    spawn_local(async move {
        if let Ok(b) = fetch().await {
            list.set(Some(b));
        }
    });
    let done = move |r: Result<Basemaps, String>| match r {
        Ok(b) => {
            set_error.set(None);
            on_change(b.active.clone());
            list.set(Some(b));
        }
        Err(e) => set_error.set(Some(e)),
    };
    let add = move |_| {
        let p = path.get_untracked();
        set_busy.set(true);
        spawn_local(async move {
            let r = invoke(&call::BasemapAdd { path: p })
                .await
                .map_err(|e| e.message);
            if r.is_ok() {
                path.set(String::new());
            }
            done(r);
            set_busy.set(false);
        });
    };
    // The system's file chooser fills the path; the user still presses 添加 (the path stays
    // visible and can be corrected first).
    let browse = move |_| {
        spawn_local(async move {
            match invoke(&call::PickFile {
                kind: FileKind::Tiles,
            })
            .await
            {
                Ok(Some(p)) => path.set(p),
                Ok(None) => {}
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    let choose = move |id: String| {
        spawn_local(async move {
            done(
                invoke(&call::BasemapUse { id })
                    .await
                    .map_err(|e| e.message),
            );
        });
    };
    let remove = move |id: String| {
        spawn_local(async move {
            done(
                invoke(&call::BasemapRemove { id })
                    .await
                    .map_err(|e| e.message),
            );
        });
    };
    view! {
        <details class="basemap" id="basemap">
            <summary><h2>{move || lang.get().t("底图", "Base map")}</h2></summary>
            <ul class="packages">
                <li>
                    <label class="check">
                        <input type="radio" name="basemap" id="basemap-none"
                            prop:checked=move || list.with(|l| l.as_ref().is_none_or(|l| l.active.is_none()))
                            on:change=move |_| choose(String::new())/>
                        {move || lang.get().t("仅区界与河流（内置）", "District outline and rivers only (built in)")}
                    </label>
                </li>
                {move || list.get().map(|l| l.packages.into_iter().map(|p| {
                    let (id, id2) = (p.id.clone(), p.id.clone());
                    view! {
                        <li data-id=p.id.clone() data-kind=p.kind.as_str()>
                            <label class="check" title=p.path.clone()>
                                <input type="radio" name="basemap" prop:checked=p.active
                                    on:change=move |_| choose(id.clone())/>
                                {format!("{} · {} {} · z{}–{}", p.name, p.kind.as_str(), p.format.as_str(), p.min_zoom, p.max_zoom)}
                            </label>
                            <button class="remove" title=move || lang.get().t("移除", "Remove")
                                on:click=move |_| remove(id2.clone())>"×"</button>
                        </li>
                    }
                }).collect_view())}
            </ul>
            <div class="add">
                <input id="basemap-path" placeholder=move || lang.get().t("MBTiles / PMTiles 文件路径", "Path of an MBTiles / PMTiles file")
                    prop:value=move || path.get() on:input=move |ev| path.set(event_target_value(&ev))/>
                <button id="basemap-browse" on:click=browse>{move || lang.get().t("浏览…", "Browse…")}</button>
                <button id="basemap-add" disabled=move || busy.get() on:click=add>{move || lang.get().t("添加", "Add")}</button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" id="basemap-error">{e}</p> })}
            <p class="muted">{move || lang.get().t(
                "瓦片从本机文件读取，不联网。也可用 yitu basemap add 文件。",
                "Tiles are read from the local file, never the network. `yitu basemap add FILE` does the same.")}</p>
        </details>
    }
}
