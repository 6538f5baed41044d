//! Beijing time (UTC+8) as stations and devices write it, read with the domain's calendar
//! (`yitu_domain::beijing_time`), never through `chrono::Local`: the server's own zone must not
//! change what a station's clock meant. A reading that is not a real time is refused by field.

use crate::Error;
pub use yitu_domain::beijing_time::BeijingTime;

/// The clock reading, or [`Error::BadTime`] naming the field `what` and what it said.
pub fn read(
    what: &'static str,
    date: (i32, u32, u32),
    time: (u32, u32, u32),
) -> Result<BeijingTime, Error> {
    BeijingTime::civil(date, time).ok_or_else(|| Error::BadTime {
        what,
        text: format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} (北京时间)",
            date.0, date.1, date.2, time.0, time.1, time.2
        ),
    })
}
