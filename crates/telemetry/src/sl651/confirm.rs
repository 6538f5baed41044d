//! The centre's confirmation (down) frame: the station's header turned round (direction down, the
//! station's address first in HEX), the same function, and a body of the 流水号 being answered
//! and the centre's clock as 发报时间, ended by EOT (leave the link), ESC (stay online for
//! commands), ACK (go on) or NAK (send again). A station that hears none resends, so the
//! server answers every frame it accepted, including duplicates.

use super::frame::{Direction, End, Frame, Header, Packet};
use super::report::Report;
use crate::Error;

/// The reply to the frame with `header` and 流水号 `serial`, stamped with the centre's time.
pub fn confirmation(
    header: &Header,
    encoding: super::Encoding,
    serial: u16,
    centre_time_ms: i64,
    end: End,
) -> Result<Frame, Error> {
    let down = Header {
        direction: Direction::Down,
        ..*header
    };
    let link = Report {
        function: super::Function::LINK,
        serial,
        sent_at_ms: centre_time_ms,
        station: header.station,
        kind: None,
        observations: Vec::new(),
        skipped: Vec::new(),
    };
    // A link body is exactly 流水号 + 发报时间, which is what a confirmation carries.
    let body = link.encode(encoding)?;
    Ok(Frame {
        encoding,
        header: down,
        packet: Packet::Single,
        body,
        end,
    })
}
