//! One SL 651 frame: its header (centre, station, password, function, direction), whether it is
//! a single packet or one of several, its body, and how it ends; checked (start, length, CRC) on
//! the way in and built on the way out, in either encoding.
//!
//! HEX/BCD layout (the ASCII one in `ascii` spells the same fields in hex digits):
//!
//! ```text
//! 7E 7E | centre(1) station(5) | password(2) | function(1) | dir<<12 | len(2) | STX|SYN
//!       | [packets: total<<12 | index (3)] body … | end(1) | CRC high, low
//! ```
//!
//! - In a down frame (centre to station) the station's address comes first, then the centre's:
//!   the published replies read `7E7E 0012345678 01 1234 30 8008 …`.
//! - The length counts the bytes between the start-of-text byte and the end byte, the 3 packet
//!   bytes of a multi-packet frame included; its top nibble is 0 going up, 8 going down.
//! - The 3 packet bytes are two 12-bit numbers: the message's packet count, this packet's index
//!   (from 1).

use super::ascii;
use super::crc::crc16;
use crate::Error;

pub const HEX_START: [u8; 2] = [0x7E, 0x7E];
pub const ASCII_START: u8 = 0x01;
pub const STX: u8 = 0x02;
pub const SYN: u8 = 0x16;
/// The largest length the 12-bit field holds.
pub const MAX_LEN: usize = 0x0FFF;
/// Bytes before the body in a HEX frame: start(2) centre(1) station(5) password(2)
/// function(1) length(2) start-of-text(1).
pub const HEX_HEAD: usize = 14;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Hex,
    Ascii,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Station to centre.
    Up,
    /// Centre to station.
    Down,
}

impl Direction {
    pub(crate) fn nibble(self) -> u8 {
        match self {
            Direction::Up => 0,
            Direction::Down => 8,
        }
    }

    pub(crate) fn from_nibble(nibble: u8) -> Result<Self, Error> {
        match nibble {
            0 => Ok(Direction::Up),
            8 => Ok(Direction::Down),
            _ => Err(Error::Direction { nibble }),
        }
    }
}

/// 遥测站地址: five bytes, written as 10 hex digits (the form ASCII frames and the published
/// examples use, and the `station` of every reading).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StationAddress(pub [u8; 5]);

impl std::fmt::Display for StationAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02X}"))
    }
}

/// 功能码 (SL 651-2014 附录 B). The named ones are those whose bodies carry readings, and the
/// link's keep-alive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Function(pub u8);

impl Function {
    /// 链路维持报.
    pub const LINK: Function = Function(0x2F);
    /// 测试报.
    pub const TEST: Function = Function(0x30);
    /// 均匀时段水文信息报.
    pub const UNIFORM: Function = Function(0x31);
    /// 遥测站定时报.
    pub const TIMED: Function = Function(0x32);
    /// 遥测站加报报.
    pub const ADDED: Function = Function(0x33);
    /// 遥测站小时报.
    pub const HOURLY: Function = Function(0x34);
    /// 中心站查询遥测站实时数据 (the station's answer carries readings).
    pub const REAL_TIME: Function = Function(0x37);
    /// 中心站查询遥测站时段数据 (answered like a 均匀时段报).
    pub const PERIOD: Function = Function(0x38);
    /// 中心站查询遥测站指定要素数据.
    pub const ELEMENTS: Function = Function(0x3A);

    pub fn name(self) -> &'static str {
        match self.0 {
            0x2F => "链路维持报",
            0x30 => "测试报",
            0x31 => "均匀时段水文信息报",
            0x32 => "定时报",
            0x33 => "加报报",
            0x34 => "小时报",
            0x35 => "人工置数报",
            0x36 => "图片报",
            0x37 => "实时数据",
            0x38 => "时段数据",
            0x3A => "指定要素数据",
            _ => "其他功能码",
        }
    }

    /// Bodies of values at equal steps after a 时间步长码.
    pub(crate) fn is_uniform(self) -> bool {
        matches!(self, Function::UNIFORM | Function::PERIOD)
    }

    /// Bodies laid out as 流水号, 发报时间, station, observation time, elements.
    pub(crate) fn carries_readings(self) -> bool {
        matches!(
            self,
            Function::TEST
                | Function::UNIFORM
                | Function::TIMED
                | Function::ADDED
                | Function::HOURLY
                | Function::REAL_TIME
                | Function::PERIOD
                | Function::ELEMENTS
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// 中心站地址.
    pub centre: u8,
    pub station: StationAddress,
    /// 密码.
    pub password: u16,
    pub function: Function,
    pub direction: Direction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packet {
    /// Started by STX.
    Single,
    /// Started by SYN: packet `index` (from 1) of `total`.
    Multi { total: u16, index: u16 },
}

impl Packet {
    pub(crate) fn from_bits(bits: u32) -> Result<Self, Error> {
        let total = (bits >> 12) as u16;
        let index = (bits & 0x0FFF) as u16;
        if index == 0 || index > total {
            return Err(Error::PacketOutOfRange { index, total });
        }
        Ok(Packet::Multi { total, index })
    }

    pub(crate) fn bits(self) -> Option<u32> {
        match self {
            Packet::Single => None,
            Packet::Multi { total, index } => {
                Some((u32::from(total & 0x0FFF) << 12) | u32::from(index & 0x0FFF))
            }
        }
    }
}

/// How a frame's text ends, which says what comes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// ETX 03: the message is complete.
    Etx,
    /// ETB 17: more packets follow.
    Etb,
    /// ENQ 05: a down query or command.
    Enq,
    /// EOT 04: confirmed, leave the link.
    Eot,
    /// ACK 06: confirmed, go on sending.
    Ack,
    /// NAK 15: refused, send again.
    Nak,
    /// ESC 1B: confirmed, stay online for the centre's commands.
    Esc,
}

impl End {
    pub fn byte(self) -> u8 {
        match self {
            End::Etx => 0x03,
            End::Etb => 0x17,
            End::Enq => 0x05,
            End::Eot => 0x04,
            End::Ack => 0x06,
            End::Nak => 0x15,
            End::Esc => 0x1B,
        }
    }

    pub fn from_byte(found: u8) -> Result<Self, Error> {
        Ok(match found {
            0x03 => End::Etx,
            0x17 => End::Etb,
            0x05 => End::Enq,
            0x04 => End::Eot,
            0x06 => End::Ack,
            0x15 => End::Nak,
            0x1B => End::Esc,
            _ => return Err(Error::EndOfText { found }),
        })
    }
}

/// A checked frame. `body` excludes the packet bytes; in an ASCII frame it is the body's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub encoding: Encoding,
    pub header: Header,
    pub packet: Packet,
    pub body: Vec<u8>,
    pub end: End,
}

impl Frame {
    /// Exactly one frame: trailing bytes are an error (use [`super::stream::FrameBuffer`] to cut
    /// a stream).
    pub fn decode(bytes: &[u8]) -> Result<Frame, Error> {
        match bytes {
            [0x7E, 0x7E, ..] => decode_hex(bytes),
            [ASCII_START, ..] => ascii::decode_frame(bytes),
            _ => Err(Error::NotAFrame {
                found: preview(bytes),
            }),
        }
    }

    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        match self.encoding {
            Encoding::Hex => encode_hex(self),
            Encoding::Ascii => ascii::encode_frame(self),
        }
    }

    /// The readings a single-packet frame carries; a multi-packet one goes through
    /// [`super::Reassembly`] first.
    pub fn report(&self) -> Result<super::Report, Error> {
        if self.packet != Packet::Single {
            return Err(Error::Missing {
                what: "其余分包 (多包报文须先拼包)",
            });
        }
        super::Report::decode(&self.header, self.encoding, &self.body)
    }
}

pub(crate) fn preview(bytes: &[u8]) -> String {
    let shown: Vec<String> = bytes.iter().take(8).map(|b| format!("{b:02X}")).collect();
    if bytes.is_empty() {
        "空报文".into()
    } else {
        shown.join(" ")
    }
}

/// The whole length of the HEX frame whose first 13 bytes are given.
pub(crate) fn hex_total_len(head: &[u8]) -> usize {
    let len = (usize::from(head[11] & 0x0F) << 8) | usize::from(head[12]);
    HEX_HEAD + len + 3
}

fn decode_hex(bytes: &[u8]) -> Result<Frame, Error> {
    if bytes.len() < HEX_HEAD {
        return Err(Error::Truncated {
            what: "帧头",
            needed: HEX_HEAD,
            had: bytes.len(),
        });
    }
    let total = hex_total_len(bytes);
    if bytes.len() < total {
        return Err(Error::Truncated {
            what: "整帧",
            needed: total,
            had: bytes.len(),
        });
    }
    let computed = crc16(&bytes[..total - 2]);
    let found = u16::from_be_bytes([bytes[total - 2], bytes[total - 1]]);
    if computed != found {
        return Err(Error::Crc { computed, found });
    }
    if bytes.len() > total {
        return Err(Error::Length {
            declared: total - HEX_HEAD - 3,
            actual: bytes.len() - HEX_HEAD - 3,
        });
    }
    let direction = Direction::from_nibble(bytes[11] >> 4)?;
    let mut station = [0u8; 5];
    let centre = match direction {
        Direction::Up => {
            station.copy_from_slice(&bytes[3..8]);
            bytes[2]
        }
        Direction::Down => {
            station.copy_from_slice(&bytes[2..7]);
            bytes[7]
        }
    };
    let header = Header {
        centre,
        station: StationAddress(station),
        password: u16::from_be_bytes([bytes[8], bytes[9]]),
        function: Function(bytes[10]),
        direction,
    };
    let text = &bytes[HEX_HEAD..total - 3];
    let (packet, body) = match bytes[13] {
        STX => (Packet::Single, text),
        SYN => {
            if text.len() < 3 {
                return Err(Error::Truncated {
                    what: "包总数及序号",
                    needed: 3,
                    had: text.len(),
                });
            }
            let bits = u32::from_be_bytes([0, text[0], text[1], text[2]]);
            (Packet::from_bits(bits)?, &text[3..])
        }
        found => return Err(Error::StartOfText { found }),
    };
    Ok(Frame {
        encoding: Encoding::Hex,
        header,
        packet,
        body: body.to_vec(),
        end: End::from_byte(bytes[total - 3])?,
    })
}

fn encode_hex(frame: &Frame) -> Result<Vec<u8>, Error> {
    let h = &frame.header;
    let mut text = Vec::with_capacity(frame.body.len() + 3);
    if let Some(bits) = frame.packet.bits() {
        text.extend_from_slice(&bits.to_be_bytes()[1..]);
    }
    text.extend_from_slice(&frame.body);
    if text.len() > MAX_LEN {
        return Err(Error::BodyTooLong { len: text.len() });
    }
    let mut out = Vec::with_capacity(HEX_HEAD + text.len() + 3);
    out.extend_from_slice(&HEX_START);
    match h.direction {
        Direction::Up => {
            out.push(h.centre);
            out.extend_from_slice(&h.station.0);
        }
        Direction::Down => {
            out.extend_from_slice(&h.station.0);
            out.push(h.centre);
        }
    }
    out.extend_from_slice(&h.password.to_be_bytes());
    out.push(h.function.0);
    let len = text.len() as u16 | (u16::from(h.direction.nibble()) << 12);
    out.extend_from_slice(&len.to_be_bytes());
    out.push(if frame.packet == Packet::Single {
        STX
    } else {
        SYN
    });
    out.extend_from_slice(&text);
    out.push(frame.end.byte());
    let crc = crc16(&out);
    out.extend_from_slice(&crc.to_be_bytes());
    Ok(out)
}
