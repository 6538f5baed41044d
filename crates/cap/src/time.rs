//! CAP's times: `YYYY-MM-DDThh:mm:ss±hh:mm`, to the second, with an offset. CAP 1.2 forbids
//! `Z` and its schema allows no fractional seconds; yitu writes Beijing time, `+08:00`, as the
//! national system does (GB/T 35965.1's 日期时间型 扩展格式, 北京时间).

use crate::Error;
use yitu_domain::beijing_time::{BeijingTime, OFFSET_MS};

const BEIJING_OFFSET_MIN: i32 = 8 * 60;

/// An instant as a message wrote it: the instant, and the offset it was written in, so a time
/// read from another zone's message writes back as it came (a `references` entry must).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Time {
    /// Unix milliseconds, whole seconds.
    pub unix_ms: i64,
    /// Minutes east of UTC.
    pub offset_min: i32,
}

impl Time {
    /// The instant in Beijing time, down to its second (CAP has no fractions).
    pub fn beijing(unix_ms: i64) -> Self {
        Self {
            unix_ms: unix_ms.div_euclid(1000) * 1000,
            offset_min: BEIJING_OFFSET_MIN,
        }
    }

    /// Reads a CAP time; refuses `Z`, fractions, a missing offset and impossible dates.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bad = || Error::Time(text.to_owned());
        let b = text.as_bytes();
        if b.len() != 25
            || b[4] != b'-'
            || b[7] != b'-'
            || b[10] != b'T'
            || b[13] != b':'
            || b[16] != b':'
            || !matches!(b[19], b'+' | b'-')
            || b[22] != b':'
        {
            return Err(bad());
        }
        let num = |from: usize, to: usize| -> Result<u32, Error> {
            let s = &text[from..to];
            if s.bytes().all(|c| c.is_ascii_digit()) {
                s.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
        let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
        let (off_h, off_m) = (num(20, 22)?, num(23, 25)?);
        if off_h > 14 || off_m > 59 {
            return Err(bad());
        }
        let civil = BeijingTime::civil((year as i32, month, day), (hour, minute, second))
            .ok_or_else(bad)?;
        let sign = if b[19] == b'-' { -1 } else { 1 };
        let offset_min = sign * (off_h * 60 + off_m) as i32;
        // `to_unix_ms` reads the clock as Beijing's; the civil reading here is at `offset_min`.
        let unix_ms = civil.to_unix_ms() + OFFSET_MS - i64::from(offset_min) * 60_000;
        Ok(Self {
            unix_ms,
            offset_min,
        })
    }

    /// The time as CAP writes it, in its own offset.
    pub fn to_cap(self) -> String {
        let shift = i64::from(self.offset_min) * 60_000 - OFFSET_MS;
        let t = BeijingTime::from_unix_ms(self.unix_ms + shift);
        let sign = if self.offset_min < 0 { '-' } else { '+' };
        let off = self.offset_min.unsigned_abs();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
            t.year,
            t.month,
            t.day,
            t.hour,
            t.minute,
            t.second,
            off / 60,
            off % 60
        )
    }
}

impl std::fmt::Display for Time {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_cap())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_time_is_written_with_its_offset_to_the_second() {
        // 2026-07-12T06:05:09.250Z is 14:05:09 in Beijing.
        let t = Time::beijing(1_783_836_309_250);
        assert_eq!(t.to_cap(), "2026-07-12T14:05:09+08:00");
        assert_eq!(Time::parse(&t.to_cap()), Ok(t));
        assert_eq!(t.unix_ms, 1_783_836_309_000);
    }

    #[test]
    fn other_offsets_read_as_the_same_instant_and_write_back_as_they_came() {
        let utc = Time::parse("2026-07-12T06:05:09-00:00").unwrap();
        let bj = Time::parse("2026-07-12T14:05:09+08:00").unwrap();
        assert_eq!(utc.unix_ms, bj.unix_ms);
        assert_eq!(utc.to_cap(), "2026-07-12T06:05:09+00:00");
        let west = Time::parse("2026-07-11T20:35:09-09:30").unwrap();
        assert_eq!(west.unix_ms, bj.unix_ms);
        assert_eq!(west.to_cap(), "2026-07-11T20:35:09-09:30");
    }

    #[test]
    fn z_fractions_and_impossible_times_are_refused() {
        for bad in [
            "2026-07-12T06:05:09Z",
            "2026-07-12T14:05:09.5+08:00",
            "2026-07-12T14:05:09",
            "2026-07-12 14:05:09+08:00",
            "2026-02-30T14:05:09+08:00",
            "2026-07-12T24:05:09+08:00",
            "2026-07-12T14:05:09+15:00",
            "２０26-07-12T14:05:09+08:00",
            "",
        ] {
            assert!(Time::parse(bad).is_err(), "{bad}");
        }
    }
}
