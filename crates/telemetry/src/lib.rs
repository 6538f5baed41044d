//! Readings from the district's monitoring stations, decoded: SL 651-2014 hydrological frames
//! (`sl651`) and geohazard devices' MQTT payloads (`device`) both become the one [`Reading`];
//! `simulate` makes realistic frames and payloads from a seed for tests and drills.
//!
//! Pure: no sockets, no clock, no store. The server owns the connections and hands the bytes in
//! with the time they arrived; the store keeps readings by [`ReadingKey`].

pub mod beijing;
pub mod device;
mod error;
pub mod simulate;
pub mod sl651;

pub use error::Error;
/// The reading is the domain's (`yitu_domain::monitoring`), so thresholds and the store share it.
pub use yitu_domain::monitoring::reading;
pub use yitu_domain::monitoring::{Element, Lateness, Reading, ReadingKey};
