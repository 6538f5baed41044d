//! Dates and times as Hechuan reads them: Beijing time (UTC+8, no daylight saving), computed
//! from Unix milliseconds without a calendar library so the domain stays small.

/// China has kept one zone, UTC+8, without daylight saving since 1991.
pub const OFFSET_MS: i64 = 8 * 3_600_000;

/// A civil date and time in Beijing.
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
    /// A Beijing clock reading as written (a station's frame, a device's message), or `None`
    /// when it is not a real date and time (29 February of a common year, 24:00, 60 minutes).
    pub fn civil(
        (year, month, day): (i32, u32, u32),
        (hour, minute, second): (u32, u32, u32),
    ) -> Option<Self> {
        let t = Self {
            year,
            month,
            day,
            hour,
            minute,
            second,
        };
        let real = (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour < 24
            && minute < 60
            && second < 60;
        real.then_some(t)
    }

    /// The instant this Beijing reading names, Unix ms: the inverse of [`Self::from_unix_ms`].
    pub fn to_unix_ms(self) -> i64 {
        let days = days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let secs = days * 86_400
            + i64::from(self.hour) * 3_600
            + i64::from(self.minute) * 60
            + i64::from(self.second);
        secs * 1_000 - OFFSET_MS
    }

    pub fn from_unix_ms(ms: i64) -> Self {
        let secs = (ms + OFFSET_MS).div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        // Days since 1970-01-01 to a proleptic Gregorian date, counting in 400-year eras
        // (146,097 days each) that start on 1 March, so the leap day falls at an era's end.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Self {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as u32,
        }
    }

    /// e.g. 2026-07-12 14:05:09, for messages that name a time.
    pub fn datetime(&self) -> String {
        format!(
            "{} {:02}:{:02}:{:02}",
            self.date(),
            self.hour,
            self.minute,
            self.second
        )
    }

    /// The date as ISO text, e.g. 2026-07-12.
    pub fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// e.g. 2026年7月12日 14:05.
    pub fn zh(&self) -> String {
        format!(
            "{}年{}月{}日 {:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute
        )
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days from 1970-01-01 to an ISO date (YYYY-MM-DD), or `None` when it is not one. The inverse
/// of the era arithmetic in [`BeijingTime::from_unix_ms`], so dates can be subtracted.
pub fn day_number(iso: &str) -> Option<i64> {
    let mut parts = iso.splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// Days from 1970-01-01 to a proleptic Gregorian date, by the eras of
/// [`BeijingTime::from_unix_ms`] run backwards.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        let cases = [
            (0, (1970, 1, 1, 8, 0)),
            // 2024-02-29T15:59:00Z is 23:59 in Beijing, still the leap day.
            (1_709_222_340_000, (2024, 2, 29, 23, 59)),
            // 2026-12-31T16:00:00Z is already New Year in Beijing.
            (1_798_732_800_000, (2027, 1, 1, 0, 0)),
            (-1, (1970, 1, 1, 7, 59)),
        ];
        for (ms, (y, mo, d, h, mi)) in cases {
            let t = BeijingTime::from_unix_ms(ms);
            assert_eq!(
                (t.year, t.month, t.day, t.hour, t.minute),
                (y, mo, d, h, mi),
                "{ms}"
            );
        }
        assert_eq!(BeijingTime::from_unix_ms(0).zh(), "1970年1月1日 08:00");
    }

    #[test]
    fn beijing_readings_become_the_instants_a_hand_count_gives() {
        // (Beijing civil time, Unix ms worked out by hand from 1970-01-01T00:00Z)
        let cases = [
            // 1970-01-01 08:00 Beijing is the epoch itself.
            ((1970, 1, 1), (8, 0, 0), 0),
            // 2000-03-01 00:00 Beijing = 2000-02-29 16:00Z; 2000-02-29 00:00Z is day 11,016.
            (
                (2000, 3, 1),
                (0, 0, 0),
                (11_016 * 86_400 + 16 * 3_600) * 1_000,
            ),
            // 2024-07-15 14:30:15 Beijing = 06:30:15Z on day 19,919.
            (
                (2024, 7, 15),
                (14, 30, 15),
                (19_919 * 86_400 + 6 * 3_600 + 30 * 60 + 15) * 1_000,
            ),
        ];
        for (date, time, ms) in cases {
            let t = BeijingTime::civil(date, time).unwrap();
            assert_eq!(t.to_unix_ms(), ms, "{}", t.datetime());
            assert_eq!(BeijingTime::from_unix_ms(ms), t);
        }
        assert_eq!(
            BeijingTime::from_unix_ms(1_721_025_015_000).datetime(),
            "2024-07-15 14:30:15"
        );
    }

    #[test]
    fn impossible_clock_readings_are_refused() {
        for (date, time) in [
            ((2023, 2, 29), (0, 0, 0)),
            ((2100, 2, 29), (0, 0, 0)),
            ((2024, 13, 1), (0, 0, 0)),
            ((2024, 4, 31), (0, 0, 0)),
            ((2024, 1, 1), (24, 0, 0)),
            ((2024, 1, 1), (0, 60, 0)),
            ((2024, 1, 1), (0, 0, 60)),
            ((2024, 1, 0), (0, 0, 0)),
        ] {
            assert_eq!(BeijingTime::civil(date, time), None, "{date:?} {time:?}");
        }
        assert!(BeijingTime::civil((2024, 2, 29), (23, 59, 59)).is_some());
        assert!(BeijingTime::civil((2000, 2, 29), (0, 0, 0)).is_some());
    }

    #[test]
    fn day_numbers_invert_the_calendar() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2024-03-01"), Some(19_783));
        assert_eq!(
            day_number("2024-02-29").map(|d| d + 1),
            day_number("2024-03-01")
        );
        for ms in [0, 1_709_222_340_000, 1_798_732_800_000, 4_102_444_800_000] {
            let t = BeijingTime::from_unix_ms(ms);
            let days = (ms + 8 * 3_600_000).div_euclid(86_400_000);
            assert_eq!(day_number(&t.date()), Some(days), "{}", t.date());
        }
        for bad in ["", "2024", "2024-13-01", "2024-01-x", "明年"] {
            assert_eq!(day_number(bad), None, "{bad}");
        }
    }
}
