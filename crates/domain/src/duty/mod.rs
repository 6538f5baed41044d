//! The duty officer's day (值班值守), as pure values: who is on duty (`roster`), the call that
//! comes in (`intake`), the incident's life from 接报 to 结束 and its level changes (`phase`),
//! the toll as the statistics count it (`toll`), the level the national criteria suggest from
//! it (`criteria`), the incident's Chinese name (`naming`), the reports upward and their
//! deadlines (`report`), and the year's statistics and the plan's six core indicators
//! (`indicators`). Times are Unix ms passed in; nothing here reads a clock or a file.

pub mod criteria;
pub mod indicators;
pub mod intake;
pub mod naming;
pub mod phase;
pub mod report;
pub mod roster;
pub mod toll;

use crate::beijing_time::BeijingTime;

/// A Beijing clock reading for an error message (`2026-07-12 14:05:09`).
pub(crate) fn at_text(ms: i64) -> String {
    BeijingTime::from_unix_ms(ms).datetime()
}

/// An empty (or all-space) text, as a form sends an unfilled field.
pub(crate) fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// Test helper: the instant of a Beijing clock reading.
#[cfg(test)]
pub(crate) fn bj(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    BeijingTime::civil((y, mo, d), (h, mi, 0))
        .expect("a real Beijing time")
        .to_unix_ms()
}
