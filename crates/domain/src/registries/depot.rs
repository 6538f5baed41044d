//! Material depots (物资储备库/点) at the four levels of the plan's reserve system.

use crate::{EntityId, LonLat};
use serde::{Deserialize, Serialize};

crate::labelled_enum! {
    /// 市级库为依托，区级库为主体，镇街库为支撑，村（社区）储备点为补充.
    DepotLevel {
        City => ("city", "市级", "City"),
        District => ("district", "区级", "District"),
        Town => ("town", "镇街", "Town"),
        Village => ("village", "村/社区", "Village"),
    }
}

/// A depot or storage point. Its stock lives in the ledger ([`crate::stock`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Depot {
    pub id: EntityId,
    pub name: String,
    pub level: DepotLevel,
    /// Empty for a depot outside the district (the city depot).
    #[serde(default)]
    pub town_code: String,
    pub location: LonLat,
    pub keeper: String,
    pub phone: String,
}
