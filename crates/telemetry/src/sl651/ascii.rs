//! SL 651's ASCII encoding: SOH (01), the header's fields as hex digits (centre 2, station 10,
//! password 4, function 2, direction and length 4), STX or SYN (then the packet bytes as 6 hex
//! digits), the body as text, the end byte, and the CRC as 4 hex characters computed over SOH
//! through the end byte (checked against the published frame `…2F0010␂0005170718110035␃E593`).
//!
//! The body is text: 流水号 (4 hex) and 发报时间 (12 digits) run together, then space-separated
//! fields: `ST <address> <分类码 letter> TT <YYMMDDHHmm>` and `<identifier> <value>` pairs,
//! each followed by a space, e.g. `PJ 0.5 PT 0.5 Z 0.301 VT 10.91 `.

use super::crc::crc16;
use super::element::{self, guide};
use super::frame::{
    Direction, Encoding, End, Frame, Function, Header, Packet, StationAddress, ASCII_START,
    MAX_LEN, STX, SYN,
};
use super::report::{self, Observation, Report, SkipReason, Skipped};
use crate::beijing::{self, BeijingTime};
use crate::Error;

/// SOH + 22 header characters + start of text.
pub(crate) const HEAD: usize = 24;

fn hex(text: &[u8], what: &'static str) -> Result<u32, Error> {
    let s = std::str::from_utf8(text)
        .ok()
        .filter(|s| s.bytes().all(|b| b.is_ascii_hexdigit()));
    s.and_then(|s| u32::from_str_radix(s, 16).ok())
        .ok_or_else(|| Error::Hex {
            what,
            text: String::from_utf8_lossy(text).into_owned(),
        })
}

/// The whole length of the ASCII frame whose first 23 bytes are given.
pub(crate) fn total_len(head: &[u8]) -> Result<usize, Error> {
    let len = hex(&head[19..23], "长度")? as usize & 0x0FFF;
    Ok(HEAD + len + 5)
}

pub(crate) fn decode_frame(bytes: &[u8]) -> Result<Frame, Error> {
    if bytes.len() < HEAD {
        return Err(Error::Truncated {
            what: "帧头",
            needed: HEAD,
            had: bytes.len(),
        });
    }
    let total = total_len(bytes)?;
    if bytes.len() < total {
        return Err(Error::Truncated {
            what: "整帧",
            needed: total,
            had: bytes.len(),
        });
    }
    let computed = crc16(&bytes[..total - 4]);
    let found = hex(&bytes[total - 4..total], "校验码")? as u16;
    if computed != found {
        return Err(Error::Crc { computed, found });
    }
    if bytes.len() > total {
        return Err(Error::Length {
            declared: total - HEAD - 5,
            actual: bytes.len() - HEAD - 5,
        });
    }
    let length = hex(&bytes[19..23], "长度")?;
    let direction = Direction::from_nibble((length >> 12) as u8)?;
    let (centre, station) = match direction {
        Direction::Up => (&bytes[1..3], &bytes[3..13]),
        Direction::Down => (&bytes[11..13], &bytes[1..11]),
    };
    let mut address = [0u8; 5];
    for (i, b) in address.iter_mut().enumerate() {
        *b = hex(&station[2 * i..2 * i + 2], "遥测站地址")? as u8;
    }
    let header = Header {
        centre: hex(centre, "中心站地址")? as u8,
        station: StationAddress(address),
        password: hex(&bytes[13..17], "密码")? as u16,
        function: Function(hex(&bytes[17..19], "功能码")? as u8),
        direction,
    };
    let text = &bytes[HEAD..total - 5];
    let (packet, body) = match bytes[23] {
        STX => (Packet::Single, text),
        SYN => {
            if text.len() < 6 {
                return Err(Error::Truncated {
                    what: "包总数及序号",
                    needed: 6,
                    had: text.len(),
                });
            }
            (
                Packet::from_bits(hex(&text[..6], "包总数及序号")?)?,
                &text[6..],
            )
        }
        found => return Err(Error::StartOfText { found }),
    };
    Ok(Frame {
        encoding: Encoding::Ascii,
        header,
        packet,
        body: body.to_vec(),
        end: End::from_byte(bytes[total - 5])?,
    })
}

pub(crate) fn encode_frame(frame: &Frame) -> Result<Vec<u8>, Error> {
    let h = &frame.header;
    let mut text = String::new();
    if let Some(bits) = frame.packet.bits() {
        text.push_str(&format!("{bits:06X}"));
    }
    let body = std::str::from_utf8(&frame.body).map_err(|_| Error::Hex {
        what: "ASCII 正文",
        text: String::from_utf8_lossy(&frame.body).into_owned(),
    })?;
    text.push_str(body);
    if text.len() > MAX_LEN {
        return Err(Error::BodyTooLong { len: text.len() });
    }
    let (first, second) = match h.direction {
        Direction::Up => (format!("{:02X}", h.centre), h.station.to_string()),
        Direction::Down => (h.station.to_string(), format!("{:02X}", h.centre)),
    };
    let len = text.len() as u16 | (u16::from(h.direction.nibble()) << 12);
    let mut out = vec![ASCII_START];
    out.extend(
        format!(
            "{first}{second}{:04X}{:02X}{len:04X}",
            h.password, h.function.0
        )
        .bytes(),
    );
    out.push(if frame.packet == Packet::Single {
        STX
    } else {
        SYN
    });
    out.extend(text.bytes());
    out.push(frame.end.byte());
    let crc = crc16(&out);
    out.extend(format!("{crc:04X}").bytes());
    Ok(out)
}

fn digits_time(text: &str, what: &'static str) -> Result<BeijingTime, Error> {
    if !(text.len() == 10 || text.len() == 12) || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::BadTime {
            what,
            text: text.into(),
        });
    }
    let f = |i: usize| text[i..i + 2].parse::<u32>().unwrap_or(99);
    let second = if text.len() == 12 { f(10) } else { 0 };
    beijing::read(what, (2000 + f(0) as i32, f(2), f(4)), (f(6), f(8), second))
}

/// A decimal number as the ASCII encoding writes it: optional minus, digits, optional fraction.
fn number(text: &str) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    let ok = !int.is_empty()
        && !frac.is_empty()
        && (int.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit());
    ok.then(|| text.parse().ok()).flatten()
}

pub(crate) fn decode_body(header: &Header, body: &[u8]) -> Result<Report, Error> {
    let text = std::str::from_utf8(body).map_err(|_| Error::Hex {
        what: "ASCII 正文",
        text: String::from_utf8_lossy(body).into_owned(),
    })?;
    if text.len() < 16 || !text.is_char_boundary(16) {
        return Err(Error::Truncated {
            what: "流水号与发报时间",
            needed: 16,
            had: text.len(),
        });
    }
    let serial = hex(&text.as_bytes()[..4], "流水号")? as u16;
    let sent_at_ms = digits_time(&text[4..16], "发报时间")?.to_unix_ms();
    let mut report = report::opened(header, serial, sent_at_ms)?;
    if header.function == Function::LINK {
        return Ok(report);
    }
    let mut tokens = text[16..].split_ascii_whitespace().peekable();
    let mut next = |what: &'static str| tokens.next().ok_or(Error::Missing { what });
    let mut observed_at: Option<i64> = None;
    let mut step: Option<i64> = None;
    while let Ok(id) = next("要素标识符") {
        match id {
            "ST" => {
                let address = next("遥测站地址")?;
                if address.len() != 10 {
                    return Err(Error::Hex {
                        what: "遥测站地址",
                        text: address.into(),
                    });
                }
                let mut a = [0u8; 5];
                for (i, b) in a.iter_mut().enumerate() {
                    *b = hex(&address.as_bytes()[2 * i..2 * i + 2], "遥测站地址")? as u8;
                }
                report.station = StationAddress(a);
                let kind = next("遥测站分类码")?;
                report.kind = kind.bytes().next();
            }
            "TT" => observed_at = Some(digits_time(next("观测时间")?, "观测时间")?.to_unix_ms()),
            guide::FIVE_MINUTE_RAIN_ASCII => {
                let values = next("5 分钟时段雨量")?;
                if !values.len().is_multiple_of(2) {
                    return Err(Error::Hex {
                        what: "5 分钟时段雨量",
                        text: values.into(),
                    });
                }
                let mut data = Vec::new();
                for pair in values.as_bytes().chunks(2) {
                    data.push(hex(pair, "5 分钟时段雨量")? as u8);
                }
                let at = observed_at.ok_or(Error::NoObservationTime { code: id.into() })?;
                report::five_minute_rain(&mut report, at, &data);
            }
            _ if id.len() == 5 && id.starts_with("DR") => {
                let n: u64 = id[3..]
                    .parse()
                    .map_err(|_| Error::TimeStep { text: id.into() })?;
                let (d, h, m) = match &id[2..3] {
                    "D" => (n, 0, 0),
                    "H" => (0, n, 0),
                    "N" => (0, 0, n),
                    _ => return Err(Error::TimeStep { text: id.into() }),
                };
                step = Some(report::step_ms(d, h, m, id.into())?);
            }
            _ => {
                let value = next("要素值")?;
                let Some(d) = element::by_ascii(id) else {
                    // An identifier yitu does not read is skippable only when a number follows it.
                    if number(value).is_none() && value != "FF" {
                        return Err(Error::UnknownElement { code: id.into() });
                    }
                    report.skipped.push(Skipped {
                        code: id.into(),
                        why: SkipReason::NotRead,
                    });
                    continue;
                };
                let at = observed_at.ok_or(Error::NoObservationTime { code: id.into() })?;
                let mut values = vec![value];
                if step.is_some() && header.function.is_uniform() {
                    while let Ok(v) = next("要素值") {
                        values.push(v);
                    }
                }
                for (i, v) in values.into_iter().enumerate() {
                    let observed_at_ms = at + i as i64 * step.unwrap_or(0);
                    if v == "FF" {
                        report.skipped.push(Skipped {
                            code: id.into(),
                            why: SkipReason::NoData,
                        });
                        continue;
                    }
                    let value = number(v).ok_or(Error::BadValue {
                        code: id.into(),
                        text: v.into(),
                    })?;
                    report.observations.push(Observation {
                        element: d.element,
                        observed_at_ms,
                        value,
                    });
                }
            }
        }
    }
    Ok(report)
}

pub(crate) fn encode_body(r: &Report) -> Result<Vec<u8>, Error> {
    let stamp = |ms: i64, seconds: bool| {
        let t = BeijingTime::from_unix_ms(ms);
        let mut s = format!(
            "{:02}{:02}{:02}{:02}{:02}",
            t.year.rem_euclid(100),
            t.month,
            t.day,
            t.hour,
            t.minute
        );
        if seconds {
            s.push_str(&format!("{:02}", t.second));
        }
        s
    };
    let mut out = format!("{:04X}{}", r.serial, stamp(r.sent_at_ms, true));
    if r.function == Function::LINK {
        return Ok(out.into_bytes());
    }
    out.push_str(&format!(
        "ST {} {} ",
        r.station,
        char::from(r.kind.unwrap_or(b'P'))
    ));
    for (at, group) in r.groups() {
        out.push_str(&format!("TT {} ", stamp(at, false)));
        for o in group {
            let d = report::encodable(o)?;
            let (negative, n) = report::scaled(o, d)?;
            let scale = 10u64.pow(u32::from(d.decimals));
            let sign = if negative { "-" } else { "" };
            let value = if d.decimals == 0 {
                format!("{sign}{n}")
            } else {
                format!(
                    "{sign}{}.{:0w$}",
                    n / scale,
                    n % scale,
                    w = usize::from(d.decimals)
                )
            };
            out.push_str(&format!("{} {value} ", d.ascii));
        }
    }
    Ok(out.into_bytes())
}
