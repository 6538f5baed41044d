//! Beijing time (UTC+8, no daylight saving) as stations write it, turned into UTC milliseconds
//! and back. Done by hand rather than through `chrono::Local`, because the server's own zone must
//! not change what a station's clock meant.

use crate::Error;

/// China has kept one zone, UTC+8, without daylight saving since 1991.
pub const OFFSET_MS: i64 = 8 * 3_600_000;

/// A civil time on a Beijing clock, as SL 651 frames carry it (two-digit years mean 20YY).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BeijingTime {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl BeijingTime {
    /// Checks the fields make a real date and time; `what` names the field for the message.
    pub fn new(
        what: &'static str,
        (year, month, day): (i32, u32, u32),
        (hour, minute, second): (u32, u32, u32),
    ) -> Result<Self, Error> {
        let t = Self {
            year,
            month,
            day,
            hour,
            minute,
            second,
        };
        let ok = (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour < 24
            && minute < 60
            && second < 60;
        if ok {
            Ok(t)
        } else {
            Err(Error::BadTime {
                what,
                text: t.to_string(),
            })
        }
    }

    pub fn to_utc_ms(self) -> i64 {
        let days = days_from_civil(self.year, self.month, self.day);
        let secs = days * 86_400
            + i64::from(self.hour) * 3_600
            + i64::from(self.minute) * 60
            + i64::from(self.second);
        secs * 1_000 - OFFSET_MS
    }

    /// The Beijing clock reading at a UTC instant (milliseconds below a second are dropped).
    pub fn from_utc_ms(utc_ms: i64) -> Self {
        let local_s = (utc_ms + OFFSET_MS).div_euclid(1_000);
        let days = local_s.div_euclid(86_400);
        let in_day = local_s.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        Self {
            year,
            month,
            day,
            hour: (in_day / 3_600) as u32,
            minute: (in_day / 60 % 60) as u32,
            second: (in_day % 60) as u32,
        }
    }
}

impl std::fmt::Display for BeijingTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} (北京时间)",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year as i32, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_times_become_the_utc_instants_a_hand_count_gives() {
        // (Beijing civil time, UTC ms worked out by hand from 1970-01-01T00:00Z)
        let cases = [
            // 1970-01-01 08:00 Beijing is the epoch itself.
            ((1970, 1, 1), (8, 0, 0), 0),
            // 2000-03-01 00:00 Beijing = 2000-02-29 16:00Z; 2000-02-29 00:00Z is day 11_016.
            (
                (2000, 3, 1),
                (0, 0, 0),
                (11_016 * 86_400 + 16 * 3_600) * 1_000,
            ),
            // 2024-07-15 14:30:15 Beijing = 06:30:15Z on day 19_919.
            (
                (2024, 7, 15),
                (14, 30, 15),
                (19_919 * 86_400 + 6 * 3_600 + 30 * 60 + 15) * 1_000,
            ),
        ];
        for (date, time, utc) in cases {
            let t = BeijingTime::new("test", date, time).unwrap();
            assert_eq!(t.to_utc_ms(), utc, "{t}");
            assert_eq!(BeijingTime::from_utc_ms(utc), t);
        }
    }

    #[test]
    fn impossible_dates_are_refused() {
        for (date, time) in [
            ((2023, 2, 29), (0, 0, 0)),
            ((2024, 13, 1), (0, 0, 0)),
            ((2024, 4, 31), (0, 0, 0)),
            ((2024, 1, 1), (24, 0, 0)),
            ((2024, 1, 1), (0, 60, 0)),
            ((2024, 1, 0), (0, 0, 0)),
        ] {
            assert!(
                BeijingTime::new("test", date, time).is_err(),
                "{date:?} {time:?}"
            );
        }
        assert!(BeijingTime::new("test", (2024, 2, 29), (23, 59, 59)).is_ok());
    }
}
