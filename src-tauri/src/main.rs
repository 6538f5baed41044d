//! yitu's desktop shell: opens the local store and shows the one map in a Tauri window.
//! Commands are thin: decode, one store call, a typed error (see `command`). [`build`] is the
//! app with everything registered, over any Tauri runtime; [`run`] opens the store and runs it
//! in the real window (the contract tests build it on the mock runtime instead).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod basemap;
mod command;
mod features;
mod glyphs;
mod startup;
mod sync;

use std::sync::Arc;
use tauri::{Builder, Runtime};

fn main() {
    run();
}

/// Opens the store (loading the demo on first start), starts the map's indexes and the sync
/// loop, and runs the window until it is closed.
fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("YITU_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    startup::prepare_webview_environment();
    let data_dir = startup::data_dir_from_args(std::env::args().skip(1));
    let state = tauri::async_runtime::block_on(startup::open_store(data_dir));
    // The map's layers are indexed in the background while the window loads. An enrolled
    // desktop syncs from the start; a failure to read its credential is logged and shown by
    // the sync panel, not fatal to the map.
    if let Ok(store) = &state.store {
        state.map.warm(store);
        if let Err(e) = state.sync.start(store) {
            tracing::error!(error = ?e, "cannot start syncing");
        }
    }
    build(Builder::default(), state)
        .run(tauri::generate_context!())
        .expect("the window could not be started");
}

/// Registers the commands, each with the `yitu_ipc::call` type it takes and answers, as
/// `[module path] function: Type`. A function whose name is not its type's `NAME` fails to
/// compile, so the window (which names commands only by type) always reaches the function meant.
macro_rules! commands {
    ($([$($module:ident)::+] $name:ident: $call:ty),+ $(,)?) => {
        $(const _: () = assert!(
            same(stringify!($name), <$call as yitu_ipc::Command>::NAME),
            concat!("command ", stringify!($name), " is not its type's NAME"),
        );)+

        /// Every command registered, by name (the contract tests call each).
        #[cfg(test)]
        pub(crate) const REGISTERED: &[&str] = &[$(stringify!($name)),+];

        fn handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($($module)::+::$name),+]
        }
    };
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

use yitu_ipc::call;

commands! {
    [command] app_info: call::AppInfo,
    [command] stats: call::Stats,
    [command] resources: call::Resources,
    [command] map_filter: call::MapFilter,
    [command] resource: call::Resource,
    [command] depot_stock: call::DepotStock,
    [command] base_map: call::BaseMap,
    [command] briefing: call::Briefing,
    [command] search: call::Search,
    [command] roads: call::Roads,
    [command] load_roads: call::LoadRoads,
    [command] coverage: call::Coverage,
    [command] inside: call::Inside,
    [command] record_form: call::RecordForm,
    [command] update_record: call::UpdateRecord,
    [command] retire_record: call::RetireRecord,
    [command] history: call::History,
    [command] stock_move: call::StockMove,
    [command] stock_terms: call::StockTerms,
    [command] stock_warnings: call::StockWarnings,
    [command] create_record: call::CreateRecord,
    [command] depots_holding: call::DepotsHolding,
    [command] readiness: call::Readiness,
    [command::user] users: call::Users,
    [command::user] login: call::Login,
    [command::user] logout: call::Logout,
    [command::user] add_user: call::AddUser,
    [command::incident] incidents: call::Incidents,
    [command::incident] create_incident: call::CreateIncident,
    [command::incident] incident: call::Incident,
    [command::incident] add_log: call::AddLog,
    [command::incident] incident_briefing_pdf: call::IncidentBriefingPdf,
    [command::decision] decision_template: call::DecisionTemplate,
    [command::decision] draft_decision: call::DraftDecision,
    [command::decision] edit_draft: call::EditDraft,
    [command::decision] decision_act: call::DecisionAct,
    [command::decision] decision_view: call::DecisionView,
    [command::decision] decision_pdf: call::DecisionPdf,
    [command::decision] verify: call::Verify,
    [command::decision] inbox: call::Inbox,
    [command::import] import_preview: call::ImportPreview,
    [command::import] import_commit: call::ImportCommit,
    [command::import] import_progress: call::ImportProgress,
    [command::import] export_register: call::ExportRegister,
    [command::sync] sync_status: call::SyncStatus,
    [command::sync] sync_enrol: call::SyncEnrol,
    [command::sync] sync_now: call::SyncNow,
    [command::sync] sync_conflicts: call::SyncConflicts,
    [command::sync] sync_resolve: call::SyncResolve,
    [command::sync] sync_refused: call::SyncRefused,
    [command::basemap] basemaps: call::Basemaps,
    [command::basemap] basemap_add: call::BasemapAdd,
    [command::basemap] basemap_use: call::BasemapUse,
    [command::basemap] basemap_remove: call::BasemapRemove,
    [command::file] pick_file: call::PickFile,
    [command::overlay] overlays: call::Overlays,
    [command::overlay] overlay_add: call::OverlayAdd,
    [command::overlay] overlay_remove: call::OverlayRemove,
    [command::overlay] overlay_show: call::OverlayShow,
    [command::overlay] overlay_geojson: call::OverlayGeojson,
    [command::monitoring] monitoring: call::Monitoring,
    [command::monitoring] station_readings: call::StationReadings,
    [command::monitoring] alarm_step: call::AlarmStep,
    [command::monitoring] warnings: call::Warnings,
    [command::monitoring] issue_warning: call::IssueWarning,
    [command::monitoring] lift_warning: call::LiftWarning,
    [command::monitoring] warning_cap: call::WarningCap,
    [command::monitoring] import_cap: call::ImportCap,
}

/// The app serving `state`: the file chooser, the page-load hook, the three schemes (tiles,
/// features, glyphs) and every command. Generic over the runtime so the contract tests can
/// build exactly this on tauri's mock runtime.
pub(crate) fn build<R: Runtime>(builder: Builder<R>, state: startup::AppState) -> Builder<R> {
    let label_glyphs = Arc::new(glyphs::Glyphs::default());
    builder
        // The native file chooser, used from Rust only (`command::file`): no script permission.
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
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
        .invoke_handler(handler())
}
