//! The five registries of the one map (rescue teams, experts, depots, shelters, hazard points),
//! the `Resource` that holds any of them, the layers they are drawn on, and the district's towns.

pub mod depot;
pub mod expert;
pub mod hazard;
pub mod layer;
pub mod resource;
pub mod shelter;
pub mod team;
pub mod town;
