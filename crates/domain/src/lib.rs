//! yitu's pure domain model: the resources on the one map, their enumerations and validation,
//! the district outline, and the demonstration dataset. No IO, no async, no database: it builds
//! for wasm32 so the ui shares it.

pub mod area;
pub mod beijing_time;
pub mod canonical;
pub mod chain;
pub mod crs;
pub mod decision;
pub mod demo;
pub mod depot;
pub mod dispatch;
pub mod district;
pub mod error;
pub mod expert;
pub mod filter;
pub mod hazard;
pub mod id;
pub mod import;
pub mod incident;
pub mod label;
pub mod layer;
pub mod map_cluster;
pub mod map_feature;
pub mod material;
pub mod measure;
pub mod position;
pub mod protobuf;
pub mod readiness;
pub mod resource;
pub mod rng;
pub mod road;
pub mod role;
pub mod search;
pub mod shelter;
pub mod stock;
pub mod stock_warning;
pub mod sync;
pub mod team;
pub mod template;
pub mod town;
pub mod vector_tile;
pub mod workflow;

pub use error::Error;
pub use id::EntityId;
pub use layer::Layer;
pub use position::LonLat;
