//! The window's shared state, made once by `App` and given to every component below it with
//! `provide_context`, instead of being passed down as props: the language, the side panel and
//! the map tool (`yitu-ui-state`), the map and how far it has loaded, the loaded records, the
//! filters and what they keep, who is logged in, the incidents and their drawings, and the
//! monitoring network's state (stations and alarms).

use crate::analysis::Roads;
use crate::i18n::Lang;
use crate::layers::Stats;
use crate::login::Actor;
use crate::map::{BaseMap, Map};
use leptos::prelude::*;
use std::collections::BTreeMap;
use yitu_domain::command::decision::Drawing;
use yitu_domain::command::incident::Incident;
use yitu_domain::dispatch::filter::Filter;
use yitu_domain::registries::resource::Resource;
use yitu_domain::Layer;
use yitu_ipc::monitoring::{Monitoring, WarningState};
use yitu_ui_state::{MapTool, Side, Window};

/// The state of the map, also written on the map element (`data-state`) for tests.
#[derive(Debug, Clone, PartialEq)]
pub enum MapState {
    Loading,
    Ready,
    Failed(String),
}

/// What many parts of the window read and write. Every field is a handle (`Copy`), so the
/// whole is copied into closures freely.
#[derive(Clone, Copy)]
pub struct Shared {
    /// The interface language.
    pub lang: RwSignal<Lang>,
    /// What the side panel shows; changed through [`Shared::act`].
    pub side: RwSignal<Side>,
    /// What a click on the map means; changed through [`Shared::act`].
    pub tool: RwSignal<MapTool>,
    /// The position a form asked the map for (`MapTool::Locate`), once clicked; the form
    /// takes it (and sets it back to `None`).
    pub located: RwSignal<Option<(f64, f64)>>,
    /// The map, once MapLibre made it.
    pub map: StoredValue<Option<Map>, LocalStorage>,
    pub map_state: RwSignal<MapState>,
    /// What the base map was drawn from; its features URLs redraw whole layers later.
    pub base_map: StoredValue<Option<BaseMap>>,
    /// Every live record by layer, as loaded after first paint (`records_loaded` says when),
    /// for filters, counts, lists and panels. The map draws from the store, not from these.
    pub records: StoredValue<BTreeMap<Layer, Vec<Resource>>>,
    pub records_loaded: RwSignal<bool>,
    /// The filters set; a change (or `filter.update(|_| {})` after the records changed)
    /// redraws the map and recounts `shown`.
    pub filter: RwSignal<Filter>,
    /// How many records each layer shows after the filters.
    pub shown: RwSignal<BTreeMap<Layer, usize>>,
    /// The store's counts and dates per layer.
    pub stats: RwSignal<Stats>,
    /// Who is logged in.
    pub user: RwSignal<Option<Actor>>,
    pub incidents: RwSignal<Vec<Incident>>,
    /// The drawings of the open incident's decisions in force (and of the one being drafted).
    pub drawings: RwSignal<Vec<Drawing>>,
    /// The loaded road network (travel times change with it).
    pub roads: RwSignal<Option<Roads>>,
    /// Bumped when the store changed under the window (a sync, an import): what the window
    /// loaded is read again.
    pub changed: RwSignal<u64>,
    /// Bumped after this window acted on a decision: the 待办 count asks again (a whole
    /// `changed` would read every layer again for one act).
    pub acted: RwSignal<u64>,
    /// A decision to open in its incident's panel (a 待办 item): (incident, decision), taken by
    /// that incident's panel.
    pub open_decision: RwSignal<Option<(String, String)>>,
    /// The table view over the map.
    pub table: RwSignal<bool>,
    /// The monitoring stations and the alarm board as the shell last answered (`monitoring`):
    /// read after first paint, after a change, every minute, and after each alarm step.
    pub monitoring: RwSignal<Option<Monitoring>>,
    /// The station an alarm on the board brought into view: ringed while the board is open.
    pub station_focus: RwSignal<Option<String>>,
    /// The warnings (预警) as the shell last answered (`warnings`), newest first: read with the
    /// stations (same triggers) and after each warning sent, lifted or taken in.
    pub warnings: RwSignal<Option<Vec<WarningState>>>,
}

impl Shared {
    pub fn new() -> Self {
        Self {
            lang: RwSignal::new(Lang::Zh),
            side: RwSignal::new(Side::Empty),
            tool: RwSignal::new(MapTool::Select),
            located: RwSignal::new(None),
            map: StoredValue::new_local(None),
            map_state: RwSignal::new(MapState::Loading),
            base_map: StoredValue::new(None),
            records: StoredValue::new(BTreeMap::new()),
            records_loaded: RwSignal::new(false),
            filter: RwSignal::new(Filter::default()),
            shown: RwSignal::new(BTreeMap::new()),
            stats: RwSignal::new(Stats::default()),
            user: RwSignal::new(None),
            incidents: RwSignal::new(Vec::new()),
            drawings: RwSignal::new(Vec::new()),
            roads: RwSignal::new(None),
            changed: RwSignal::new(0),
            acted: RwSignal::new(0),
            open_decision: RwSignal::new(None),
            table: RwSignal::new(false),
            monitoring: RwSignal::new(None),
            station_focus: RwSignal::new(None),
            warnings: RwSignal::new(None),
        }
    }

    /// Runs a transition of the side panel and the map tool together (`yitu_ui_state::Window`)
    /// and writes back only what it changed, so what follows one does not run for the other.
    pub fn act<R>(&self, f: impl FnOnce(&mut Window) -> R) -> R {
        let mut w = Window {
            side: self.side.get_untracked(),
            tool: self.tool.get_untracked(),
        };
        let r = f(&mut w);
        if self.side.with_untracked(|s| *s != w.side) {
            self.side.set(w.side);
        }
        if self.tool.with_untracked(|t| *t != w.tool) {
            self.tool.set(w.tool);
        }
        r
    }

    /// Whether a form's position request is on (tracked).
    pub fn locating(&self) -> bool {
        self.tool.with(MapTool::locating)
    }

    /// A form asks for a position, or no longer does.
    pub fn toggle_locate(&self) {
        self.act(|w| w.tool.toggle(MapTool::Locate));
    }

    /// A form ends its position request (saved, cancelled, closed).
    pub fn end_locate(&self) {
        self.act(|w| w.tool.end_locate());
    }

    /// Runs `f` with the map, if it has been made.
    pub fn with_map(&self, f: impl FnOnce(&Map)) {
        self.map.with_value(|m| {
            if let Some(m) = m {
                f(m)
            }
        });
    }

    /// Reads the store's counts and dates again (after a write the window made).
    pub fn refresh_stats(&self) {
        crate::layers::read_stats(self.stats);
    }

    /// Whether the map is ready to be drawn on (tracked).
    pub fn ready(&self) -> bool {
        self.map_state.with(|s| *s == MapState::Ready)
    }
}

impl Default for Shared {
    fn default() -> Self {
        Self::new()
    }
}

/// The shared state, from any component under `App`.
pub fn shared() -> Shared {
    expect_context::<Shared>()
}

/// The interface language, from any component under `App`.
pub fn lang() -> ReadSignal<Lang> {
    shared().lang.read_only()
}
