//! The typed contract between yitu's window and its desktop shell: one type per command (its
//! arguments, its name, its reply), the replies themselves, and the closed set of error codes a
//! command fails with. Both sides use these types, so a renamed field or command fails to
//! compile instead of failing in a user's window.
//!
//! On the wire a command's arguments are its type serialized as the invoke arguments object
//! (fields in camelCase, as Tauri names a command's parameters); its reply is `Reply` serialized,
//! or, for [`Command::BYTES`] commands, the same JSON as one byte buffer; a failure is a
//! [`Failure`] (`{code, message}`).

pub mod app;
pub mod basemap;
pub mod call;
pub mod decision;
pub mod dispatch;
mod failure;
pub mod import;
pub mod incident;
pub mod monitoring;
pub mod overlay;
pub mod registry;
pub mod stock;
pub mod sync;
pub mod user;

pub use failure::{ErrorCode, Failure};

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A command the window can call: its arguments are `Self`, it answers with `Reply` or a
/// [`Failure`].
pub trait Command: Serialize + DeserializeOwned {
    /// The name the shell registers it under (its `#[tauri::command]` function's name).
    const NAME: &'static str;
    /// What it answers with.
    type Reply: Serialize + DeserializeOwned;
    /// The reply crosses as JSON bytes (`tauri::ipc::Response`) the window decodes itself,
    /// rather than as a value the webview parses into script objects first: for replies of
    /// tens of thousands of records (seconds saved on the map benchmark's 50,000).
    const BYTES: bool = false;
}
