//! yitu's pure domain model: the resources on the one map, their enumerations and validation,
//! the district outline, and the demonstration dataset. No IO, no async, no database: it builds
//! for wasm32 so the ui shares it.
//!
//! Its parts, one folder each: the five `registries`, `stock` (the ledger, material codes,
//! warnings), `command` (incidents, decisions, their workflow and signed chain), `space`
//! (positions, coordinate systems, the district, areas, roads, measures), `dispatch` (who is
//! nearest and free, filters, search, readiness), `map` (clusters and vector tiles), `import`,
//! `monitoring` (stations, readings, thresholds, alarms, warnings), `sync` (the change
//! vocabulary and its merge rules), `duty` (the duty officer's day: roster, call intake, the
//! incident's phases, the statistics' toll, suggested levels, names, reports upward and their
//! deadline clock, the plan's core indicators) and `demo` (the demonstration dataset).

pub mod beijing_time;
pub mod command;
pub mod demo;
pub mod dispatch;
pub mod duty;
pub mod error;
pub mod id;
pub mod import;
pub mod label;
pub mod map;
pub mod monitoring;
pub mod registries;
pub mod space;
pub mod stock;
pub mod sync;

pub use error::Error;
pub use id::EntityId;
pub use registries::layer::Layer;
pub use space::position::LonLat;
