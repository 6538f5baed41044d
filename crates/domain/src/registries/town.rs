//! The district's 30 towns and streets (镇街) with their National Bureau of Statistics 2023 codes,
//! compiled in from `assets/geo/hechuan_towns_nbs2023.csv`.

use serde::{Deserialize, Serialize};

const TOWNS_CSV: &str = include_str!("../../../../assets/geo/hechuan_towns_nbs2023.csv");

/// A town or street: 9-digit statistical code and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Town {
    pub code: String,
    pub name: String,
}

impl Town {
    /// Streets (街道) are the urban units; towns (镇) are rural.
    pub fn is_street(&self) -> bool {
        self.name.ends_with("街道")
    }
}

/// The first three columns of each data row of a shipped code table (no commas inside fields).
fn rows(csv: &'static str) -> impl Iterator<Item = [String; 3]> {
    csv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let mut cols = line
                .split(',')
                .map(|c| c.trim().trim_matches('"').to_owned());
            [(); 3].map(|_| cols.next().unwrap_or_default())
        })
}

/// All towns and streets, in code order.
pub fn all() -> Vec<Town> {
    rows(TOWNS_CSV)
        .map(|[code, name, _]| Town { code, name })
        .collect()
}

/// Looks a town up by code.
pub fn by_code(code: &str) -> Option<Town> {
    all().into_iter().find(|t| t.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_towns_seven_streets_with_real_codes() {
        let towns = all();
        assert_eq!(towns.len(), 30);
        assert_eq!(towns.iter().filter(|t| t.is_street()).count(), 7);
        assert_eq!(
            towns[0],
            Town {
                code: "500117001".into(),
                name: "合阳城街道".into()
            }
        );
        assert!(towns
            .iter()
            .all(|t| t.code.len() == 9 && t.code.starts_with("500117")));
        assert!(by_code("500117002").is_some_and(|t| t.name == "钓鱼城街道"));
    }
}

const VILLAGES_CSV: &str = include_str!("../../../../assets/geo/hechuan_villages_nbs2023.csv");

/// A village or community (村/社区): 12-digit code, name, and the town it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Village {
    pub code: String,
    pub name: String,
    pub town_code: String,
}

impl Village {
    /// The name without its committee suffix: 营盘街社区居民委员会 → 营盘街社区,
    /// 三元村村民委员会 → 三元村 (every village here is named "…村" before the suffix).
    pub fn short_name(&self) -> &str {
        self.name
            .strip_suffix("居民委员会")
            .or_else(|| self.name.strip_suffix("村民委员会"))
            .unwrap_or(&self.name)
    }
}

/// All 419 villages and communities, in code order.
pub fn villages() -> Vec<Village> {
    rows(VILLAGES_CSV)
        .map(|[code, name, town_code]| Village {
            code,
            name,
            town_code,
        })
        .collect()
}

#[cfg(test)]
mod village_tests {
    use super::*;

    #[test]
    fn villages_belong_to_known_towns_and_shorten() {
        let v = villages();
        assert_eq!(v.len(), 419);
        let towns: Vec<String> = all().into_iter().map(|t| t.code).collect();
        assert!(v.iter().all(|v| towns.contains(&v.town_code)));
        let community = Village {
            code: String::new(),
            name: "营盘街社区居民委员会".into(),
            town_code: String::new(),
        };
        assert_eq!(community.short_name(), "营盘街社区");
        let village = Village {
            code: String::new(),
            name: "金龙村村民委员会".into(),
            town_code: String::new(),
        };
        assert_eq!(village.short_name(), "金龙村");
    }
}
