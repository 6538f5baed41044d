//! Warnings a keeper acts on: stock past or near its expiry date, and stock below the minimum
//! set for its line. Pure: the caller says what day it is in Beijing.

use crate::beijing_time::day_number;
use crate::stock::{Balance, Terms};
use serde::{Deserialize, Serialize};

/// How many days ahead an expiry counts as near: long enough to order a rotation through a
/// purchase (typically a quarter).
pub const NEAR_EXPIRY_DAYS: i64 = 90;

/// One warning on a stock line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "warning", rename_all = "snake_case")]
pub enum Warning {
    /// Past its expiry date (`days` ago; 0 = expires today).
    Expired { days: i64 },
    /// Expires within [`NEAR_EXPIRY_DAYS`].
    ExpiresSoon { days: i64 },
    /// On hand below the line's minimum, `short` of it.
    BelowMinimum { minimum: i64, short: i64 },
}

impl Warning {
    /// A short code for the interface and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Warning::Expired { .. } => "expired",
            Warning::ExpiresSoon { .. } => "expires_soon",
            Warning::BelowMinimum { .. } => "below_minimum",
        }
    }

    pub fn zh(&self) -> String {
        match self {
            Warning::Expired { days: 0 } => "今日到期".into(),
            Warning::Expired { days } => format!("已过期 {days} 天"),
            Warning::ExpiresSoon { days } => format!("{days} 天后到期"),
            Warning::BelowMinimum { minimum, short } => {
                format!("低于最低库存 {minimum}（缺 {short}）")
            }
        }
    }

    pub fn en(&self) -> String {
        match self {
            Warning::Expired { days: 0 } => "expires today".into(),
            Warning::Expired { days } => format!("expired {days} days ago"),
            Warning::ExpiresSoon { days } => format!("expires in {days} days"),
            Warning::BelowMinimum { minimum, short } => {
                format!("below the minimum of {minimum} (short {short})")
            }
        }
    }
}

/// The warnings of one line on `today` (ISO date, Beijing). A line with nothing on hand has no
/// expiry to worry about; an expiry that is not a date is ignored (imports only store dates).
pub fn warnings(terms: &Terms, balance: Balance, today: &str) -> Vec<Warning> {
    let mut found = Vec::new();
    if balance.on_hand > 0 {
        if let (Some(expiry), Some(today)) = (
            terms.expiry.as_deref().and_then(day_number),
            day_number(today),
        ) {
            let left = expiry - today;
            if left <= 0 {
                found.push(Warning::Expired { days: -left });
            } else if left <= NEAR_EXPIRY_DAYS {
                found.push(Warning::ExpiresSoon { days: left });
            }
        }
    }
    if let Some(minimum) = terms.minimum {
        if balance.on_hand < minimum {
            found.push(Warning::BelowMinimum {
                minimum,
                short: minimum - balance.on_hand,
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(expiry: Option<&str>, minimum: Option<i64>) -> Terms {
        Terms {
            expiry: expiry.map(str::to_owned),
            minimum,
        }
    }

    fn on_hand(n: i64) -> Balance {
        Balance {
            on_hand: n,
            reserved: 0,
        }
    }

    #[test]
    fn each_warning_at_its_edges() {
        let today = "2026-11-29";
        let cases: [(&str, Terms, i64, Vec<Warning>); 9] = [
            ("nothing set", terms(None, None), 10, vec![]),
            ("far expiry", terms(Some("2027-11-29"), None), 10, vec![]),
            (
                "90 days ahead is near",
                terms(Some("2027-02-27"), None),
                10,
                vec![Warning::ExpiresSoon { days: 90 }],
            ),
            (
                "91 days ahead is not",
                terms(Some("2027-02-28"), None),
                10,
                vec![],
            ),
            (
                "today",
                terms(Some("2026-11-29"), None),
                10,
                vec![Warning::Expired { days: 0 }],
            ),
            (
                "past, across a year",
                terms(Some("2025-12-31"), None),
                10,
                vec![Warning::Expired { days: 333 }],
            ),
            (
                "expired but empty",
                terms(Some("2025-12-31"), None),
                0,
                vec![],
            ),
            ("at the minimum", terms(None, Some(10)), 10, vec![]),
            (
                "below the minimum and expired",
                terms(Some("2026-11-28"), Some(50)),
                10,
                vec![
                    Warning::Expired { days: 1 },
                    Warning::BelowMinimum {
                        minimum: 50,
                        short: 40,
                    },
                ],
            ),
        ];
        for (name, t, n, want) in cases {
            assert_eq!(warnings(&t, on_hand(n), today), want, "{name}");
        }
    }

    #[test]
    fn reserved_stock_still_counts_as_on_hand() {
        // Reserved stock is in the depot: the minimum is about what is physically there.
        let b = Balance {
            on_hand: 10,
            reserved: 10,
        };
        assert!(warnings(&terms(None, Some(10)), b, "2026-11-29").is_empty());
    }
}
