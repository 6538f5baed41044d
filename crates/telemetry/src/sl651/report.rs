//! A report's body, the part that carries readings: 流水号, 发报时间, 遥测站地址 (F1F1) with the
//! 遥测站分类码, then groups of 观测时间 (F0F0) and elements. Read from HEX/BCD bytes here and
//! from ASCII text in `ascii`; written back for the simulator.
//!
//! Each element is an identifier guide (its code, then a data-definition byte whose high 5 bits
//! are the value's byte length and low 3 bits its decimals) and the value in BCD. Elements yitu
//! does not use are skipped by that length and listed in [`Report::skipped`]; a value the
//! station marks invalid (all FFH) is listed there too, never stored as a number.
//!
//! 均匀时段报 (31H) and the answer to a 时段数据 query (38H) carry a 时间步长码 (04H, DDHHmm) and
//! then one element followed by as many values as fill the body, the first observed at the
//! observation time and each next one a step later (this reading of 31H follows the published
//! descriptions; the standard's own clause was not available to check).

use super::ascii;
use super::bcd;
use super::element::{self, guide, Definition};
use super::frame::{Encoding, Function, Header, StationAddress};
use crate::beijing::BeijingTime;
use crate::reading::{Element, Lateness, Reading};
use crate::Error;

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub function: Function,
    /// 流水号.
    pub serial: u16,
    /// 发报时间, UTC.
    pub sent_at_ms: i64,
    /// From F1F1 when the body has it, else the frame header's.
    pub station: StationAddress,
    /// 遥测站分类码 (50H 'P' 雨量, 48H 'H' 河道, 4BH 'K' 水库 …), when the body has it.
    pub kind: Option<u8>,
    pub observations: Vec<Observation>,
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    pub element: Element,
    pub observed_at_ms: i64,
    pub value: f64,
}

/// An element the body carried that did not become a reading, kept for the station's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The identifier as the frame wrote it: "02", "FF3A", or an ASCII id such as "AI".
    pub code: String,
    pub why: SkipReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// An element of the standard (or a vendor's extension) yitu does not read.
    NotRead,
    /// The station marked its value invalid (FFH).
    NoData,
}

impl Report {
    /// Reads a (whole, reassembled) body. `header` gives the function and the station to fall
    /// back on when the body has no F1F1.
    pub fn decode(header: &Header, encoding: Encoding, body: &[u8]) -> Result<Report, Error> {
        match encoding {
            Encoding::Hex => decode_hex(header, body),
            Encoding::Ascii => ascii::decode_body(header, body),
        }
    }

    /// The body as the station would send it (one F0F0 group per distinct observation time).
    pub fn encode(&self, encoding: Encoding) -> Result<Vec<u8>, Error> {
        match encoding {
            Encoding::Hex => encode_hex(self),
            Encoding::Ascii => ascii::encode_body(self),
        }
    }

    pub fn readings(&self, received_at_ms: i64, lateness: Lateness) -> Vec<Reading> {
        self.observations
            .iter()
            .map(|o| Reading {
                station: self.station.to_string(),
                element: o.element,
                observed_at_ms: o.observed_at_ms,
                value: o.value,
                historical: lateness.is_historical(o.observed_at_ms, received_at_ms),
            })
            .collect()
    }

    /// Groups of observations sharing a time, in the order their times first appear.
    pub(crate) fn groups(&self) -> Vec<(i64, Vec<&Observation>)> {
        let mut groups: Vec<(i64, Vec<&Observation>)> = Vec::new();
        for o in &self.observations {
            match groups.iter_mut().find(|(t, _)| *t == o.observed_at_ms) {
                Some((_, g)) => g.push(o),
                None => groups.push((o.observed_at_ms, vec![o])),
            }
        }
        groups
    }
}

/// The definition an observation is encoded with, and a time the frame's minutes can carry.
pub(crate) fn encodable(o: &Observation) -> Result<&'static Definition, Error> {
    if o.observed_at_ms.rem_euclid(60_000) != 0 {
        return Err(Error::BadTime {
            what: "观测时间 (报文只到分钟)",
            text: format!(
                "{} (北京时间)",
                BeijingTime::from_unix_ms(o.observed_at_ms).datetime()
            ),
        });
    }
    element::for_element(o.element).ok_or(Error::NotSl651 {
        element: o.element.label(),
    })
}

/// The scaled integer an observation's value is sent as, checked against N(x,y).
pub(crate) fn scaled(o: &Observation, d: &Definition) -> Result<(bool, u64), Error> {
    let scaled = (o.value * 10f64.powi(i32::from(d.decimals))).round();
    let limit = 10f64.powi(i32::from(d.digits));
    if !scaled.is_finite() || scaled.abs() >= limit {
        return Err(Error::ValueOutOfRange {
            code: d.ascii.into(),
            value: o.value,
            digits: d.digits,
        });
    }
    Ok((scaled < 0.0, scaled.abs() as u64))
}

/// The time step of a 均匀时段报, from its DD HH mm.
pub(crate) fn step_ms(days: u64, hours: u64, minutes: u64, text: String) -> Result<i64, Error> {
    let ms = ((days * 24 + hours) * 60 + minutes) as i64 * 60_000;
    if ms == 0 || hours > 23 || minutes > 59 {
        return Err(Error::TimeStep { text });
    }
    Ok(ms)
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], Error> {
        let rest = &self.bytes[self.at..];
        if rest.len() < n {
            return Err(Error::Truncated {
                what,
                needed: n,
                had: rest.len(),
            });
        }
        self.at += n;
        Ok(&rest[..n])
    }

    fn byte(&mut self, what: &'static str) -> Result<u8, Error> {
        Ok(self.take(1, what)?[0])
    }

    fn rest(&mut self) -> &'a [u8] {
        let rest = &self.bytes[self.at..];
        self.at = self.bytes.len();
        rest
    }

    fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }
}

/// A report's opening fields, checked against its function: a link-keeping message (`LINK`)
/// is whole with none; any other function that carries no readings is not a report. HEX and
/// ASCII bodies open alike.
pub(crate) fn opened(header: &Header, serial: u16, sent_at_ms: i64) -> Result<Report, Error> {
    if header.function != Function::LINK && !header.function.carries_readings() {
        return Err(Error::NotAReport {
            function: header.function.0,
        });
    }
    Ok(Report {
        function: header.function,
        serial,
        sent_at_ms,
        station: header.station,
        kind: None,
        observations: Vec::new(),
        skipped: Vec::new(),
    })
}

fn decode_hex(header: &Header, body: &[u8]) -> Result<Report, Error> {
    let mut c = Cursor { bytes: body, at: 0 };
    let serial = u16::from_be_bytes(c.take(2, "流水号")?.try_into().unwrap_or_default());
    let sent_at_ms = bcd::time(c.take(6, "发报时间")?, "发报时间")?.to_unix_ms();
    let mut report = opened(header, serial, sent_at_ms)?;
    if header.function == Function::LINK {
        return Ok(report);
    }
    let mut observed_at: Option<i64> = None;
    let mut step: Option<i64> = None;
    while !c.done() {
        let code = c.byte("要素标识符")?;
        match code {
            guide::OBSERVED_AT | guide::STATION => {
                let again = c.byte("标识符引导符")?;
                if again != code {
                    return Err(Error::UnknownElement {
                        code: format!("{code:02X}{again:02X}"),
                    });
                }
                if code == guide::OBSERVED_AT {
                    observed_at = Some(bcd::time(c.take(5, "观测时间")?, "观测时间")?.to_unix_ms());
                } else {
                    let mut address = [0u8; 5];
                    address.copy_from_slice(c.take(5, "遥测站地址")?);
                    report.station = StationAddress(address);
                    report.kind = Some(c.byte("遥测站分类码")?);
                }
            }
            guide::MANUAL | guide::PICTURE => {
                // Free text or picture bytes to the end: nothing after them is an element.
                c.rest();
                report.skipped.push(Skipped {
                    code: format!("{code:02X}"),
                    why: SkipReason::NotRead,
                });
            }
            guide::EXTENDED => {
                let second = c.byte("扩展要素标识符")?;
                let definition = c.byte("数据定义")?;
                let code = format!("FF{second:02X}");
                c.take(length(&code, definition)?, "扩展要素数据")?;
                report.skipped.push(Skipped {
                    code,
                    why: SkipReason::NotRead,
                });
            }
            guide::TIME_STEP => {
                let definition = c.byte("数据定义")?;
                let data = c.take(length("04", definition)?, "时间步长码")?;
                let text = format!("{data:02X?}");
                let [d, h, m] = data else {
                    return Err(Error::TimeStep { text });
                };
                let n = |b: u8| bcd::number(&[b], "时间步长码");
                step = Some(step_ms(n(*d)?, n(*h)?, n(*m)?, text)?);
            }
            guide::FIVE_MINUTE_RAIN => {
                let definition = c.byte("数据定义")?;
                let data = c.take(length("F4", definition)?, "5 分钟时段雨量")?;
                let at = observed_at.ok_or(Error::NoObservationTime { code: "F4".into() })?;
                five_minute_rain(&mut report, at, data);
            }
            _ => {
                let name = format!("{code:02X}");
                let definition = c.byte("数据定义")?;
                let len = length(&name, definition)?;
                let decimals = definition & 0x07;
                let Some(d) = element::by_code(code) else {
                    c.take(len, "要素数据")?;
                    report.skipped.push(Skipped {
                        code: name,
                        why: SkipReason::NotRead,
                    });
                    continue;
                };
                let at = observed_at.ok_or(Error::NoObservationTime { code: name.clone() })?;
                // In a uniform report the element's values fill the rest of the body.
                let values: Vec<&[u8]> = match step {
                    Some(_) if header.function.is_uniform() => {
                        let rest = c.rest();
                        if !rest.len().is_multiple_of(len) {
                            return Err(Error::Length {
                                declared: rest.len() / len * len,
                                actual: rest.len(),
                            });
                        }
                        rest.chunks(len).collect()
                    }
                    _ => vec![c.take(len, "要素数据")?],
                };
                for (i, bytes) in values.into_iter().enumerate() {
                    let observed_at_ms = at + i as i64 * step.unwrap_or(0);
                    match bcd::value(bytes, decimals)? {
                        Some(value) => report.observations.push(Observation {
                            element: d.element,
                            observed_at_ms,
                            value,
                        }),
                        None => report.skipped.push(Skipped {
                            code: name.clone(),
                            why: SkipReason::NoData,
                        }),
                    }
                }
            }
        }
    }
    Ok(report)
}

fn length(code: &str, definition: u8) -> Result<usize, Error> {
    match usize::from(definition >> 3) {
        0 => Err(Error::ZeroLength {
            code: code.into(),
            definition,
        }),
        n => Ok(n),
    }
}

/// 1 小时内每 5 分钟时段雨量: value i covers the 5 minutes ending 5·(n−1−i) minutes before the
/// observation time (the last value ends at it), 0.1 mm a unit, FFH for none.
pub(crate) fn five_minute_rain(report: &mut Report, observed_at_ms: i64, data: &[u8]) {
    let n = data.len() as i64;
    for (i, &b) in data.iter().enumerate() {
        if b == 0xFF {
            report.skipped.push(Skipped {
                code: "F4".into(),
                why: SkipReason::NoData,
            });
            continue;
        }
        report.observations.push(Observation {
            element: Element::PeriodRain { minutes: 5 },
            observed_at_ms: observed_at_ms - (n - 1 - i as i64) * 300_000,
            value: f64::from(b) / 10.0,
        });
    }
}

fn encode_hex(report: &Report) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    out.extend_from_slice(&report.serial.to_be_bytes());
    out.extend(bcd::encode_time(
        BeijingTime::from_unix_ms(report.sent_at_ms),
        true,
    ));
    if report.function == Function::LINK {
        return Ok(out);
    }
    out.extend_from_slice(&[guide::STATION, guide::STATION]);
    out.extend_from_slice(&report.station.0);
    out.push(report.kind.unwrap_or(b'P'));
    for (at, group) in report.groups() {
        out.extend_from_slice(&[guide::OBSERVED_AT, guide::OBSERVED_AT]);
        out.extend(bcd::encode_time(BeijingTime::from_unix_ms(at), false));
        for o in group {
            let d = encodable(o)?;
            let (negative, n) = scaled(o, d)?;
            let digits = bcd::encode(n, d.bytes()).ok_or(Error::ValueOutOfRange {
                code: d.ascii.into(),
                value: o.value,
                digits: d.digits,
            })?;
            let len = digits.len() + usize::from(negative);
            out.push(d.code);
            out.push(((len as u8) << 3) | d.decimals);
            if negative {
                out.push(0xFF);
            }
            out.extend(digits);
        }
    }
    Ok(out)
}
