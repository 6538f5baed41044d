//! Sync between replicas and the district server, as plain values and functions: hybrid logical
//! clock stamps, the changes a device pushes, the merge rules every replica and the server apply,
//! who may push what, and the protocol's messages. IO (HTTP, SQL) lives in the server and the
//! replica; both carry out what is decided here, so the rules are property-tested once.

pub mod change;
pub mod fit;
pub mod merge;
pub mod policy;
pub mod restamp;
pub mod snapshot;
pub mod stamp;
pub mod upcast;
pub mod wire;

pub use change::{Change, Collection, FieldWrite, Op};
pub use merge::{resolve, FieldOp, Resolved, State, View};
pub use stamp::Stamp;
