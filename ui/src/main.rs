//! yitu's window: the one map of Hechuan and its panels, in Leptos (client-side rendered).

mod analysis;
mod app;
mod briefing;
mod details;
mod editor;
mod i18n;
mod map;
mod search;
mod symbols;
mod table;
mod tauri;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
