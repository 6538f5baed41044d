//! What the layer panel's filters keep: one predicate over records, so the map, the counts and
//! the tests all agree on what a filter leaves.

use crate::hazard::RiskLevel;
use crate::resource::Resource;
use crate::team::{Readiness, Specialty};

/// The filters a user has set. The default keeps everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Only records of this town (statistical code).
    pub town: Option<String>,
    /// Teams: only those on standby (待命).
    pub standby_only: bool,
    /// Teams: only those with this specialty.
    pub specialty: Option<Specialty>,
    /// Shelters: at least this many free places.
    pub min_free: u32,
    /// Hazards: this level or graver (I is the gravest).
    pub gravest: Option<RiskLevel>,
}

impl Filter {
    pub fn keeps(&self, r: &Resource) -> bool {
        if self.town.as_deref().is_some_and(|t| t != r.town_code()) {
            return false;
        }
        match r {
            Resource::Team(t) => {
                (!self.standby_only || t.status == Readiness::Standby)
                    && self.specialty.is_none_or(|s| t.specialties.contains(&s))
            }
            Resource::Shelter(s) => s.free_capacity() >= self.min_free,
            Resource::Hazard(h) => self.gravest.is_none_or(|g| h.level <= g),
            Resource::Expert(_) | Resource::Depot(_) => true,
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;
    use crate::Layer;

    #[test]
    fn each_filter_by_case() {
        let data = demo::generate(demo::DEFAULT_SEED);
        let count = |f: &Filter, layer: Layer| {
            data.resources
                .iter()
                .filter(|r| r.layer() == layer && f.keeps(r))
                .count()
        };
        let all = Filter::default();
        assert!(all.is_empty());
        assert_eq!(count(&all, Layer::Shelters), 165);

        let town = Filter {
            town: Some("500117120".into()),
            ..Filter::default()
        }; // 钱塘镇
        assert_eq!(
            count(&town, Layer::Teams),
            data.resources
                .iter()
                .filter(|r| r.layer() == Layer::Teams && r.town_code() == "500117120")
                .count()
        );
        assert!(count(&town, Layer::Teams) >= 1, "its town team at least");

        let standby = Filter {
            standby_only: true,
            ..Filter::default()
        };
        let n = count(&standby, Layer::Teams);
        assert!(n > 0 && n < count(&all, Layer::Teams));

        let water = Filter {
            specialty: Some(Specialty::Water),
            standby_only: true,
            ..Filter::default()
        };
        assert!(count(&water, Layer::Teams) < n);

        let roomy = Filter {
            min_free: 2_000,
            ..Filter::default()
        };
        for r in data.resources.iter().filter(|r| roomy.keeps(r)) {
            if let Resource::Shelter(s) = r {
                assert!(s.free_capacity() >= 2_000);
            }
        }
        assert!(count(&roomy, Layer::Shelters) < 165);

        let grave = Filter {
            gravest: Some(RiskLevel::II),
            ..Filter::default()
        };
        for r in data
            .resources
            .iter()
            .filter(|r| r.layer() == Layer::Hazards && grave.keeps(r))
        {
            if let Resource::Hazard(h) = r {
                assert!(matches!(h.level, RiskLevel::I | RiskLevel::II));
            }
        }
        // Filters of one layer leave the others alone.
        assert_eq!(count(&grave, Layer::Experts), count(&all, Layer::Experts));
    }
}
