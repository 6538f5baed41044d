//! yitu's desktop shell: opens the local store and shows the one map in a Tauri window.
//! Commands are thin: decode, one store call, a typed error (see `command`).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod basemap;
mod command;
mod features;
mod glyphs;
mod startup;
mod sync;

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("YITU_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    startup::prepare_webview_environment();
    let data_dir_arg = startup::data_dir_from_args(std::env::args().skip(1));
    let label_glyphs = std::sync::Arc::new(glyphs::Glyphs::default());

    tauri::Builder::default()
        // The native file chooser, used from Rust only (`command::file`): no script permission.
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            let state =
                tauri::async_runtime::block_on(startup::open_store(app, data_dir_arg.clone()));
            // The map's layers are indexed in the background while the window loads. An
            // enrolled desktop syncs from the start; a failure to read its credential is logged
            // and shown by the sync panel, not fatal to the map.
            if let Ok(store) = &state.store {
                state.map.warm(store);
                if let Err(e) = state.sync.start(store) {
                    tracing::error!(error = ?e, "cannot start syncing");
                }
            }
            tauri::Manager::manage(app, state);
            Ok(())
        })
        // A window that loads again starts with no filters; so must the map it is drawn from.
        .on_page_load(|webview, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Started {
                if let Some(state) = tauri::Manager::try_state::<startup::AppState>(webview) {
                    state.map.unfiltered();
                }
            }
        })
        // Tiles of the user's offline base maps, from local files (see `basemap`).
        .register_asynchronous_uri_scheme_protocol(
            yitu_basemap::SCHEME,
            |ctx, request, responder| {
                let app = ctx.app_handle().clone();
                tauri::async_runtime::spawn(async move {
                    let state = tauri::Manager::state::<startup::AppState>(&app);
                    responder.respond(basemap::serve(&state, request).await);
                });
            },
        )
        // Each resource layer's clustered symbols as vector tiles, for MapLibre's worker (see `features`).
        .register_asynchronous_uri_scheme_protocol(features::SCHEME, |ctx, request, responder| {
            let app = ctx.app_handle().clone();
            tauri::async_runtime::spawn(async move {
                let state = tauri::Manager::state::<startup::AppState>(&app);
                responder.respond(features::serve(&state, request).await);
            });
        })
        // Glyphs for map labels, drawn from installed fonts on a worker thread (see `glyphs`).
        .register_asynchronous_uri_scheme_protocol(
            glyphs::SCHEME,
            move |_ctx, request, responder| {
                let glyphs = label_glyphs.clone();
                tauri::async_runtime::spawn_blocking(move || {
                    responder.respond(glyphs.serve(&request))
                });
            },
        )
        .invoke_handler(tauri::generate_handler![
            command::app_info,
            command::stats,
            command::resources,
            command::map_filter,
            command::resource,
            command::depot_stock,
            command::base_map,
            command::briefing,
            command::search,
            command::roads,
            command::load_roads,
            command::coverage,
            command::inside,
            command::record_form,
            command::update_record,
            command::retire_record,
            command::history,
            command::stock_move,
            command::stock_terms,
            command::stock_warnings,
            command::create_record,
            command::depots_holding,
            command::readiness,
            command::user::users,
            command::user::login,
            command::user::logout,
            command::user::add_user,
            command::incident::incidents,
            command::incident::create_incident,
            command::incident::incident,
            command::incident::add_log,
            command::incident::incident_briefing_pdf,
            command::decision::decision_template,
            command::decision::draft_decision,
            command::decision::edit_draft,
            command::decision::decision_act,
            command::decision::decision_view,
            command::decision::decision_pdf,
            command::decision::verify,
            command::import::import_preview,
            command::import::import_commit,
            command::import::import_progress,
            command::import::export_register,
            command::sync::sync_status,
            command::sync::sync_enrol,
            command::sync::sync_now,
            command::sync::sync_conflicts,
            command::sync::sync_resolve,
            command::sync::sync_refused,
            command::basemap::basemaps,
            command::basemap::basemap_add,
            command::basemap::basemap_use,
            command::basemap::basemap_remove,
            command::file::pick_file,
            command::overlay::overlays,
            command::overlay::overlay_add,
            command::overlay::overlay_remove,
            command::overlay::overlay_show,
            command::overlay::overlay_geojson,
        ])
        .run(tauri::generate_context!())
        .expect("the window could not be started");
}
