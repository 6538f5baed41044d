//! yitu's warnings as Common Alerting Protocol messages: CAP 1.2 (OASIS), the form GB/T 35965.1
//! 《应急信息交互协议 第1部分：预警信息》 and the national release system (国家突发事件预警信息
//! 发布系统) exchange. `write` turns a `yitu_domain` warning into a message the district sends;
//! `read` takes one in (the meteorological bureau's, say) as an [`Alert`] that
//! [`Alert::to_warning`] makes a warning of; `check` holds a message to the rules its schema
//! cannot say. Pure: text in, text out, no clock, no IO.
//!
//! Its parts: `alert` (the message as values), `time` (CAP's times, Beijing time out),
//! `identifier` (the national identifier and the sender's unit code), `warning` (warning ↔
//! alert), `write`, `read`, `check`, `error`.

pub mod alert;
pub mod check;
pub mod error;
pub mod identifier;
pub mod read;
pub mod time;
pub mod warning;
pub mod write;

pub use alert::{
    Alert, Area, Category, Certainty, Circle, Info, MsgType, Pair, Reference, ResponseType, Scope,
    Severity, Status, Urgency,
};
pub use check::check;
pub use error::Error;
pub use identifier::{Identifier, UnitCode};
pub use read::read;
pub use time::Time;
pub use write::{write, Context};

/// The CAP 1.2 namespace; a message in another (CAP 1.1's, say) is not read.
pub const NAMESPACE: &str = "urn:oasis:names:tc:emergency:cap:1.2";
