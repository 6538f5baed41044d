//! Stock as the window shows and moves it: a depot's lines with their balances and warnings,
//! the lines that warn anywhere, what a depot can promise, and a line opened by a receipt.

use serde::{Deserialize, Serialize};
use yitu_domain::stock::warning::Warning;
use yitu_domain::stock::Balance;

/// One stock line of a depot with its balance and what it warns of on the day asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StockRow {
    pub code: String,
    /// The GB/T 38565 category's Chinese name.
    pub category: String,
    pub name: String,
    pub unit: String,
    pub expiry: Option<String>,
    pub minimum: Option<i64>,
    pub balance: Balance,
    pub warnings: Vec<Warning>,
}

/// A line that warns, with its depot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineWarning {
    pub depot_id: String,
    pub depot: String,
    pub town_code: String,
    pub line: StockRow,
}

/// What a depot can still promise of one material (on hand less reserved), for dispatch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holding {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub available: i64,
}

/// A material received into a depot for the first time: the line the receipt opens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewLine {
    pub name: String,
    pub unit: String,
    pub expiry: Option<String>,
    pub minimum: Option<i64>,
}
