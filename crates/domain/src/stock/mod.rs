//! Stock as a ledger of movements. Quantities are never a number two offline writers overwrite:
//! each movement is an entry, entries merge by union, and the balance is a fold over them.

pub mod material;
pub mod warning;

use crate::stock::material::MaterialCode;
use crate::EntityId;
use serde::{Deserialize, Serialize};

crate::labelled_enum! {
    /// A movement of stock.
    MoveKind {
        Receive => ("receive", "入库", "Receive"),
        Issue => ("issue", "出库", "Issue"),
        Reserve => ("reserve", "预留", "Reserve"),
        Release => ("release", "释放预留", "Release"),
        Recount => ("recount", "盘点调整", "Recount"),
    }
}

/// A stock line of a depot: which material it holds, in what unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StockLine {
    pub depot_id: EntityId,
    pub code: MaterialCode,
    pub name: String,
    pub unit: String,
    /// ISO date (YYYY-MM-DD) after which the material must be rotated, where it expires.
    #[serde(default)]
    pub expiry: Option<String>,
    /// The level below which the keeper must replenish (最低库存), where one is set.
    #[serde(default)]
    pub minimum: Option<i64>,
}

impl StockLine {
    pub fn terms(&self) -> Terms {
        Terms {
            expiry: self.expiry.clone(),
            minimum: self.minimum,
        }
    }
}

/// What a keeper sets on a line beside its balance. Carried by a ledger entry so that replicas
/// learn it with the stock; the newest entry's terms win.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    #[serde(default)]
    pub expiry: Option<String>,
    #[serde(default)]
    pub minimum: Option<i64>,
}

impl Terms {
    /// An expiry must be a date and a minimum not negative.
    pub fn check(&self) -> Result<(), crate::Error> {
        if let Some(expiry) = &self.expiry {
            if crate::beijing_time::day_number(expiry).is_none() {
                return Err(crate::Error::NotADate {
                    field: "expiry",
                    value: expiry.clone(),
                });
            }
        }
        match self.minimum {
            Some(m) if m < 0 => Err(crate::Error::OutOfRange {
                field: "minimum",
                value: m,
                reason: "a minimum cannot be negative",
            }),
            _ => Ok(()),
        }
    }
}

/// One movement. `quantity` is positive, except for a recount, where it is the signed
/// difference found (counted minus expected).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub id: EntityId,
    pub depot_id: EntityId,
    pub code: MaterialCode,
    pub kind: MoveKind,
    pub quantity: i64,
    pub at_ms: i64,
    #[serde(default)]
    pub note: String,
}

/// What a fold of entries gives for one (depot, code).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    /// Physically in the depot.
    pub on_hand: i64,
    /// Promised to a decision but not yet issued.
    pub reserved: i64,
}

impl Balance {
    /// What may still be promised.
    pub fn available(&self) -> i64 {
        self.on_hand - self.reserved
    }

    /// Applies one movement. Order does not matter: every movement is a sum, so replicas that
    /// hold the same set of entries hold the same balance.
    pub fn apply(mut self, kind: MoveKind, quantity: i64) -> Self {
        match kind {
            MoveKind::Receive => self.on_hand += quantity,
            MoveKind::Issue => self.on_hand -= quantity,
            MoveKind::Recount => self.on_hand += quantity,
            MoveKind::Reserve => self.reserved += quantity,
            MoveKind::Release => self.reserved -= quantity,
        }
        self
    }

    /// The entry quantity for a movement asked for by a person, checked so that no balance goes
    /// negative: `quantity` is what moves (> 0), except for a recount, where it is the count
    /// found (≥ 0) and the entry records the difference.
    pub fn movement(&self, kind: MoveKind, quantity: i64) -> Result<i64, crate::Error> {
        let refuse = |limit: i64, what: &'static str| {
            Err(crate::Error::Insufficient {
                kind: kind.code(),
                quantity,
                limit,
                what,
            })
        };
        if kind == MoveKind::Recount {
            if quantity < 0 {
                return Err(crate::Error::OutOfRange {
                    field: "quantity",
                    value: quantity,
                    reason: "a count cannot be negative",
                });
            }
            if quantity < self.reserved {
                return refuse(self.reserved, "reserved must stay covered: release first");
            }
            return Ok(quantity - self.on_hand);
        }
        if quantity <= 0 {
            return Err(crate::Error::OutOfRange {
                field: "quantity",
                value: quantity,
                reason: "a movement must be more than 0",
            });
        }
        match kind {
            MoveKind::Issue | MoveKind::Reserve if quantity > self.available() => {
                refuse(self.available(), "available (on hand less reserved)")
            }
            MoveKind::Release if quantity > self.reserved => refuse(self.reserved, "reserved"),
            _ => Ok(quantity),
        }
    }

    pub fn fold<'a>(entries: impl IntoIterator<Item = &'a LedgerEntry>) -> Self {
        entries
            .into_iter()
            .fold(Self::default(), |b, e| b.apply(e.kind, e.quantity))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u8, kind: MoveKind, quantity: i64) -> LedgerEntry {
        LedgerEntry {
            id: EntityId::v7(n as u64, [n; 10]),
            depot_id: EntityId::v7(0, [0; 10]),
            code: MaterialCode::parse("1010101").unwrap(),
            kind,
            quantity,
            at_ms: n as i64,
            note: String::new(),
        }
    }

    #[test]
    fn fold_of_each_kind() {
        let cases = [
            ("receive", vec![entry(1, MoveKind::Receive, 100)], 100, 0),
            (
                "issue",
                vec![
                    entry(1, MoveKind::Receive, 100),
                    entry(2, MoveKind::Issue, 30),
                ],
                70,
                0,
            ),
            (
                "reserve",
                vec![
                    entry(1, MoveKind::Receive, 100),
                    entry(2, MoveKind::Reserve, 40),
                ],
                100,
                40,
            ),
            (
                "release",
                vec![
                    entry(1, MoveKind::Receive, 10),
                    entry(2, MoveKind::Reserve, 4),
                    entry(3, MoveKind::Release, 4),
                ],
                10,
                0,
            ),
            (
                "recount down",
                vec![
                    entry(1, MoveKind::Receive, 10),
                    entry(2, MoveKind::Recount, -3),
                ],
                7,
                0,
            ),
        ];
        for (name, entries, on_hand, reserved) in cases {
            let b = Balance::fold(&entries);
            assert_eq!((b.on_hand, b.reserved), (on_hand, reserved), "{name}");
        }
    }

    #[test]
    fn movements_that_would_go_negative_are_refused() {
        let b = Balance {
            on_hand: 10,
            reserved: 4,
        };
        let cases = [
            (MoveKind::Receive, 5, Ok(5)),
            (MoveKind::Issue, 6, Ok(6)),
            (MoveKind::Issue, 7, Err(())),
            (MoveKind::Reserve, 7, Err(())),
            (MoveKind::Release, 4, Ok(4)),
            (MoveKind::Release, 5, Err(())),
            (MoveKind::Recount, 8, Ok(-2)),
            (MoveKind::Recount, 3, Err(())),
            (MoveKind::Recount, -1, Err(())),
            (MoveKind::Receive, 0, Err(())),
        ];
        for (kind, q, want) in cases {
            assert_eq!(b.movement(kind, q).map_err(|_| ()), want, "{kind:?} {q}");
        }
    }

    proptest::proptest! {
        /// Random checked movements: the fold equals a plain reference sum, and neither on hand
        /// nor available ever goes below zero.
        #[test]
        fn checked_movements_fold_to_the_reference_and_never_go_negative(
            moves in proptest::collection::vec((0usize..5, 0i64..200), 0..60)
        ) {
            let mut entries = Vec::new();
            let (mut on_hand, mut reserved) = (0i64, 0i64);
            for (i, (k, q)) in moves.into_iter().enumerate() {
                let kind = MoveKind::ALL[k];
                let current = Balance::fold(&entries);
                let Ok(quantity) = current.movement(kind, q) else { continue };
                match kind {
                    MoveKind::Receive | MoveKind::Recount => on_hand += quantity,
                    MoveKind::Issue => on_hand -= quantity,
                    MoveKind::Reserve => reserved += quantity,
                    MoveKind::Release => reserved -= quantity,
                }
                entries.push(entry(i as u8, kind, quantity));
                let b = Balance::fold(&entries);
                proptest::prop_assert_eq!((b.on_hand, b.reserved), (on_hand, reserved));
                proptest::prop_assert!(b.on_hand >= 0 && b.reserved >= 0 && b.available() >= 0);
            }
        }
    }

    #[test]
    fn order_does_not_change_the_balance() {
        let mut entries = vec![
            entry(1, MoveKind::Receive, 50),
            entry(2, MoveKind::Issue, 20),
            entry(3, MoveKind::Reserve, 5),
            entry(4, MoveKind::Recount, -1),
        ];
        let forward = Balance::fold(&entries);
        entries.reverse();
        assert_eq!(Balance::fold(&entries), forward);
        assert_eq!(forward.available(), 24);
    }
}
