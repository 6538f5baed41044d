//! On-scene command: incidents and their logs, decisions as documents, the workflow that moves
//! them and who may take each step, the signed chain of issued decisions, the plan's
//! decision templates, and what a login checks.

pub mod act;
pub mod canonical;
pub mod chain;
pub mod decision;
pub mod desk;
pub mod draft;
pub mod fold;
pub mod inbox;
pub mod incident;
pub mod login;
pub mod role;
pub mod template;
pub mod transition;
pub mod workflow;
