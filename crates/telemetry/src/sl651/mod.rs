//! SL 651-2014 《水文监测数据通信规约》: the frames a hydrological station (雨量站, 河道站, 水库站)
//! sends the centre, in both of its encodings (HEX/BCD starting 7E 7E, ASCII starting SOH), their
//! report bodies turned into readings, multi-packet messages put back together, the centre's
//! confirmation, and an encoder for all of it so the simulator and tests can make frames.
//!
//! Layers, each usable alone: [`stream::FrameBuffer`] cuts frames out of a TCP byte stream;
//! [`Frame`] checks one frame's start, length and CRC and splits header from body;
//! [`Reassembly`] joins a multi-packet message's bodies; [`Report`] reads a body's elements.
//!
//! Sources: the standard's own text could not be read here (see `element` for what was checked
//! against what); the frame layout and the CRC byte order were checked by recomputing the CRC of
//! published worked frames.

mod ascii;
mod bcd;
pub mod confirm;
pub mod crc;
pub mod element;
pub mod frame;
pub mod reassembly;
pub mod report;
pub mod stream;

pub use confirm::confirmation;
pub use frame::{Direction, Encoding, End, Frame, Function, Header, Packet, StationAddress};
pub use reassembly::{Assembled, Progress, Reassembly};
pub use report::{Observation, Report, SkipReason, Skipped};

#[cfg(test)]
mod tests;
