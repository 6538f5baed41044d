//! yitu's window: the one map of Hechuan and its panels, in Leptos (client-side rendered).

mod about;
mod alarms;
mod analyses;
mod analysis;
mod app;
mod area_warnings;
mod basemap;
mod briefing;
mod chart;
mod context;
mod create;
mod decision;
mod details;
mod editor;
mod filters;
mod i18n;
mod import;
mod inbox;
mod incident;
mod layers;
mod legend;
mod loading;
mod login;
mod map;
mod mapview;
mod monitoring;
mod overlay;
mod pointer;
mod search;
mod shapes;
mod side;
mod station;
mod stock;
mod symbols;
mod sync;
mod table;
mod tauri;
mod timing;
mod tools;
mod topbar;
mod warnings;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
