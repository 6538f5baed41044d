//! What the layer panel's filters keep: one predicate over records, so the map, the counts and
//! the tests all agree on what a filter leaves.

use crate::registries::depot::DepotLevel;
use crate::registries::expert::{Availability, ExpertField};
use crate::registries::hazard::{HazardKind, RiskLevel};
use crate::registries::resource::Resource;
use crate::registries::shelter::ShelterClass;
use crate::registries::team::{Readiness, Specialty, TeamKind};

/// The filters a user has set. The default keeps everything. The window sends them to the
/// desktop shell, which draws the map's symbols from what they keep.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Filter {
    /// Only records of this town (statistical code).
    pub town: Option<String>,
    /// Teams: only those on standby (待命).
    pub standby_only: bool,
    /// Teams: only those with this specialty.
    pub specialty: Option<Specialty>,
    /// Teams: only this kind (comprehensive, professional, social…).
    pub team_kind: Option<TeamKind>,
    /// Experts: only this field.
    pub field: Option<ExpertField>,
    /// Experts: only this availability.
    pub availability: Option<Availability>,
    /// Depots: only this level.
    pub depot_level: Option<DepotLevel>,
    /// Shelters: only this class (emergency, short, medium, long term).
    pub shelter_class: Option<ShelterClass>,
    /// Shelters: at least this many free places.
    pub min_free: u32,
    /// Hazards: only this kind.
    pub hazard_kind: Option<HazardKind>,
    /// Hazards: this level or graver (I is the gravest).
    pub gravest: Option<RiskLevel>,
    /// Depots: only those that can still promise at least so much of a material.
    pub holding: Option<Holding>,
}

/// "Holds material X with at least Q": the question, and the depots the store found that answer
/// it (the filter itself has no stock to look at).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Holding {
    /// A GB/T 38565 code at any level; every line under it counts.
    pub code: String,
    pub at_least: i64,
    pub depots: std::collections::BTreeSet<crate::EntityId>,
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
                    && self.team_kind.is_none_or(|k| t.kind == k)
            }
            Resource::Expert(e) => {
                self.field.is_none_or(|f| e.field == f)
                    && self.availability.is_none_or(|a| e.availability == a)
            }
            Resource::Depot(d) => {
                self.depot_level.is_none_or(|l| d.level == l)
                    && self
                        .holding
                        .as_ref()
                        .is_none_or(|h| h.depots.contains(&d.id))
            }
            Resource::Shelter(s) => {
                s.free_capacity() >= self.min_free
                    && self.shelter_class.is_none_or(|c| s.class == c)
            }
            Resource::Hazard(h) => {
                self.gravest.is_none_or(|g| h.level <= g)
                    && self.hazard_kind.is_none_or(|k| h.kind == k)
            }
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

    #[test]
    fn a_holding_filter_keeps_the_depots_found_and_no_other_record() {
        let data = demo::generate(demo::DEFAULT_SEED);
        let depots: Vec<crate::EntityId> = data
            .resources
            .iter()
            .filter(|r| r.layer() == Layer::Depots)
            .map(Resource::id)
            .take(3)
            .collect();
        let f = Filter {
            holding: Some(Holding {
                code: "1010301".into(),
                at_least: 100,
                depots: depots.iter().copied().collect(),
            }),
            ..Filter::default()
        };
        let kept: Vec<crate::EntityId> = data
            .resources
            .iter()
            .filter(|r| r.layer() == Layer::Depots && f.keeps(r))
            .map(Resource::id)
            .collect();
        assert_eq!(kept, depots);
        let others = |f: &Filter| {
            data.resources
                .iter()
                .filter(|r| r.layer() != Layer::Depots && f.keeps(r))
                .count()
        };
        assert_eq!(others(&f), others(&Filter::default()));
        // None found: no depot is kept.
        let none = Filter {
            holding: Some(Holding::default()),
            ..Filter::default()
        };
        assert!(!data
            .resources
            .iter()
            .any(|r| r.layer() == Layer::Depots && none.keeps(r)));
    }

    #[test]
    fn each_kind_filter_keeps_exactly_its_kind() {
        let data = demo::generate(demo::DEFAULT_SEED);
        let kept = |f: &Filter| data.resources.iter().filter(|r| f.keeps(r)).count();
        let total = data.resources.len();
        // For each choice: what it keeps of its layer is exactly the records of that choice,
        // and every other layer is untouched.
        let check = |f: Filter, layer: Layer, is: &dyn Fn(&Resource) -> bool| {
            let mine = data.resources.iter().filter(|r| r.layer() == layer).count();
            let chosen = data
                .resources
                .iter()
                .filter(|r| r.layer() == layer && is(r))
                .count();
            assert_eq!(kept(&f), total - mine + chosen, "{f:?}");
        };
        for k in TeamKind::ALL {
            check(
                Filter {
                    team_kind: Some(*k),
                    ..Filter::default()
                },
                Layer::Teams,
                &|r| matches!(r, Resource::Team(t) if t.kind == *k),
            );
        }
        for f in ExpertField::ALL {
            check(
                Filter {
                    field: Some(*f),
                    ..Filter::default()
                },
                Layer::Experts,
                &|r| matches!(r, Resource::Expert(e) if e.field == *f),
            );
        }
        for a in Availability::ALL {
            check(
                Filter {
                    availability: Some(*a),
                    ..Filter::default()
                },
                Layer::Experts,
                &|r| matches!(r, Resource::Expert(e) if e.availability == *a),
            );
        }
        for l in DepotLevel::ALL {
            check(
                Filter {
                    depot_level: Some(*l),
                    ..Filter::default()
                },
                Layer::Depots,
                &|r| matches!(r, Resource::Depot(d) if d.level == *l),
            );
        }
        for c in ShelterClass::ALL {
            check(
                Filter {
                    shelter_class: Some(*c),
                    ..Filter::default()
                },
                Layer::Shelters,
                &|r| matches!(r, Resource::Shelter(s) if s.class == *c),
            );
        }
        for k in HazardKind::ALL {
            check(
                Filter {
                    hazard_kind: Some(*k),
                    ..Filter::default()
                },
                Layer::Hazards,
                &|r| matches!(r, Resource::Hazard(h) if h.kind == *k),
            );
        }
        // The demo has more than one kind in each, so these filters do narrow something.
        let landslides = Filter {
            hazard_kind: Some(HazardKind::Landslide),
            ..Filter::default()
        };
        assert!(kept(&landslides) < total && kept(&landslides) > total - 152);
    }
}
