//! Cutting frames out of a TCP byte stream. A station's connection carries frames back to back
//! with no delimiter, so the end of a frame is found from its own length field: in HEX the 12
//! low bits of bytes 11–12 plus 17 (head 14, end byte, CRC 2); in ASCII the 3 low hex digits of
//! characters 19–22 plus 29. Garbage before a start is dropped; a frame that fails its CRC is
//! reported and the search resumes one byte after its start, so one bad frame costs one frame.

use super::ascii;
use super::frame::{self, Frame, ASCII_START, HEX_HEAD};
use crate::Error;

/// Bytes received and not yet cut into frames.
#[derive(Debug, Clone, Default)]
pub struct FrameBuffer {
    buf: Vec<u8>,
}

/// The most a buffer holds waiting for one frame: a full 4095-byte ASCII body and its framing.
pub const MAX_FRAME: usize = 4095 + 29;

impl FrameBuffer {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn extend(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes held: the server closes a connection whose buffer stays above [`MAX_FRAME`].
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The next whole frame, an error for a bad one (the stream goes on after it), or `None`
    /// until more bytes arrive.
    pub fn next_frame(&mut self) -> Option<Result<Frame, Error>> {
        loop {
            let start = self.buf.windows(2).position(|w| w == frame::HEX_START);
            let soh = self.buf.iter().position(|&b| b == ASCII_START);
            let at = match (start, soh) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => a.or(b)?,
            };
            self.buf.drain(..at);
            let len = if self.buf[0] == ASCII_START {
                if self.buf.len() < ascii::HEAD {
                    return None;
                }
                match ascii::total_len(&self.buf) {
                    Ok(n) => n,
                    Err(_) => {
                        // A stray 01 byte, not an ASCII header: look further on.
                        self.buf.drain(..1);
                        continue;
                    }
                }
            } else {
                if self.buf.len() < HEX_HEAD {
                    return None;
                }
                frame::hex_total_len(&self.buf)
            };
            if self.buf.len() < len {
                return None;
            }
            let result = Frame::decode(&self.buf[..len]);
            let used = if result.is_ok() { len } else { 1 };
            self.buf.drain(..used);
            return Some(result);
        }
    }
}
