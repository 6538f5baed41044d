//! yitu's window: the one map of Hechuan and its panels, in Leptos (client-side rendered).

mod analysis;
mod app;
mod basemap;
mod briefing;
mod create;
mod decision;
mod details;
mod editor;
mod i18n;
mod import;
mod incident;
mod login;
mod map;
mod overlay;
mod search;
mod sketch;
mod stock;
mod symbols;
mod sync;
mod table;
mod tauri;
mod timing;
mod warnings;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
