//! A 现场指挥决策 as a structured document: situation, objectives, orders to named teams or units,
//! materials drawn from named depots, people moved to named shelters, safety measures, the basis,
//! drawings on the map, and the review and approval it went through. Free text only where a
//! person must write prose; everything a store reserves or a recipient acts on has its own field.

use crate::command::workflow::DecisionState;
use crate::stock::material::MaterialCode;
use crate::{EntityId, Error};
use serde::{Deserialize, Serialize};

/// Who an order goes to: a registered team or unit by id, or by name (a town government, a
/// department, a company) when it is not in the registries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recipient {
    #[serde(default)]
    pub id: Option<EntityId>,
    pub name: String,
}

/// One order: who does what, where, by when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub recipient: Recipient,
    pub action: String,
    /// Where, in words (e.g. 龙凤村5组至K12+300).
    #[serde(default)]
    pub place: String,
    /// Where, drawn (GeoJSON geometry, WGS-84).
    #[serde(default)]
    pub geometry: Option<geojson::Geometry>,
    /// By when, as the order says it (e.g. 2026-07-12 18:00, 30分钟内).
    #[serde(default)]
    pub deadline: String,
}

/// Materials drawn from a depot: reserved in its ledger when the decision is issued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaterialDraw {
    pub depot_id: EntityId,
    /// GB/T 38565-2020 code, 7 digits (a ledger line).
    pub code: MaterialCode,
    pub quantity: i64,
    /// What it is, for the printed sheet (the store's line name when left empty).
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub depot_name: String,
    #[serde(default)]
    pub unit: String,
}

/// People to move to a shelter: its capacity is reserved when the decision is issued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Relocation {
    pub shelter_id: EntityId,
    pub people: u32,
    #[serde(default)]
    pub shelter_name: String,
    /// From where, in words.
    #[serde(default)]
    pub from: String,
}

/// Why: a clause of a plan, or an expert's advice (linked to the expert's record), or both.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Basis {
    /// e.g. 《合川区应急管理"十四五"规划》三（二）11 森林火灾防治.
    #[serde(default)]
    pub plan_clauses: Vec<String>,
    #[serde(default)]
    pub expert_id: Option<EntityId>,
    #[serde(default)]
    pub expert_advice: String,
}

crate::labelled_enum! {
    DrawingKind {
        Cordon => ("cordon", "警戒区", "Cordon"),
        Staging => ("staging", "集结区", "Staging area"),
        Route => ("route", "通行路线", "Route"),
        Hazard => ("hazard", "危险区", "Danger zone"),
        Other => ("other", "其他标绘", "Other"),
    }
}

/// Something drawn on the map for this decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drawing {
    pub kind: DrawingKind,
    #[serde(default)]
    pub label: String,
    pub geometry: geojson::Geometry,
}

crate::labelled_enum! {
    /// 技术类 or 行政类: who signs the order (总指挥负责制 with technical orders under the
    /// technical officer's hand, 三（一）2 规范现场指挥决策).
    OrderClass {
        Administrative => ("administrative", "行政类", "Administrative"),
        Technical => ("technical", "技术类", "Technical"),
    }
}

// The enum is made by `labelled_enum!`, whose variants cannot carry `#[default]`.
#[allow(clippy::derivable_impls)]
impl Default for OrderClass {
    fn default() -> Self {
        Self::Administrative
    }
}

crate::labelled_enum! {
    /// How a decision was signed when not by the ordinary path (reviewed, then 签发).
    ExceptionKind {
        Urgent => ("urgent", "紧急处置", "Urgent action"),
        Overrule => ("overrule", "否决技术异议", "Technical objection overruled"),
    }
}

/// An exception to the ordinary path, kept on the sheet with who took it and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exception {
    pub kind: ExceptionKind,
    pub by: String,
    pub at_ms: i64,
    pub reason: String,
}

/// What the person drafting writes: the document's content, without workflow facts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Content {
    /// 行政类 (signed by the commander) or 技术类 (signed by the technical officer). Always
    /// written, so that changing it back is an edit like any other.
    #[serde(default)]
    pub class: OrderClass,
    pub situation: String,
    #[serde(default)]
    pub objectives: Vec<String>,
    #[serde(default)]
    pub orders: Vec<Order>,
    #[serde(default)]
    pub materials: Vec<MaterialDraw>,
    #[serde(default)]
    pub relocations: Vec<Relocation>,
    #[serde(default)]
    pub safety: Vec<String>,
    #[serde(default)]
    pub basis: Basis,
    #[serde(default)]
    pub drawings: Vec<Drawing>,
    /// An issued decision of the same incident this one replaces once issued.
    #[serde(default)]
    pub supersedes: Option<EntityId>,
}

/// The technical officer's review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub by: String,
    pub at_ms: i64,
    pub agree: bool,
    pub advice: String,
}

/// A signature line: who did it and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signoff {
    pub by: String,
    pub at_ms: i64,
    /// The desk it was done on (its short code), where known: the drafting desk travels with
    /// the draft; signatures name theirs in the history and the number.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub desk: String,
}

/// The whole decision as stored and, from issue on, as signed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub id: EntityId,
    pub incident_id: EntityId,
    /// e.g. 合川现指〔2026〕3号.
    pub number: String,
    pub state: DecisionState,
    pub content: Content,
    pub drafted: Signoff,
    /// Every review, in order (an objection and a later agreement are both kept).
    #[serde(default)]
    pub reviews: Vec<Review>,
    #[serde(default)]
    pub approved: Option<Signoff>,
    #[serde(default)]
    pub issued: Option<Signoff>,
    /// 紧急处置 or an overruled objection: how it was signed, if not the ordinary way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<Exception>,
}

impl Decision {
    /// A new draft: unnumbered, unreviewed, unsigned.
    pub fn draft(id: EntityId, incident_id: EntityId, content: Content, drafted: Signoff) -> Self {
        Self {
            id,
            incident_id,
            number: String::new(),
            state: DecisionState::Draft,
            content,
            drafted,
            reviews: vec![],
            approved: None,
            issued: None,
            exception: None,
        }
    }

    /// The decision number: per year, counted over the whole store.
    pub fn number_for(year: i32, n: u32) -> String {
        format!("合川现指〔{year}〕{n}号")
    }

    /// Who must acknowledge: each distinct recipient name, in order of first order.
    pub fn recipients(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for o in &self.content.orders {
            if !names.contains(&o.recipient.name) {
                names.push(o.recipient.name.clone());
            }
        }
        names
    }
}

impl Content {
    /// What must hold before a draft is stored at all: something to do, and every quantity sane.
    pub fn check(&self) -> Result<(), Error> {
        if self.situation.trim().is_empty() {
            return Err(Error::Empty {
                field: "situation (情况)",
            });
        }
        if self.orders.is_empty() {
            return Err(Error::Empty {
                field: "orders (指令)",
            });
        }
        for o in &self.orders {
            if o.recipient.name.trim().is_empty() {
                return Err(Error::Empty {
                    field: "order recipient (接收单位)",
                });
            }
            if o.action.trim().is_empty() {
                return Err(Error::Empty {
                    field: "order action (任务)",
                });
            }
        }
        for m in &self.materials {
            if m.code.as_str().len() != 7 {
                return Err(Error::MaterialCode(m.code.as_str().to_owned()));
            }
            if m.quantity <= 0 {
                return Err(Error::OutOfRange {
                    field: "material quantity",
                    value: m.quantity,
                    reason: "a draw must be more than 0",
                });
            }
        }
        for r in &self.relocations {
            if r.people == 0 {
                return Err(Error::OutOfRange {
                    field: "people to move",
                    value: 0,
                    reason: "must be more than 0",
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(name: &str) -> Order {
        Order {
            recipient: Recipient {
                id: None,
                name: name.into(),
            },
            action: "封控".into(),
            place: String::new(),
            geometry: None,
            deadline: String::new(),
        }
    }

    #[test]
    fn a_draft_needs_a_situation_and_an_order_and_sane_quantities() {
        let mut c = Content::default();
        assert!(c.check().is_err());
        c.situation = "山火".into();
        assert!(c.check().is_err());
        c.orders.push(order("区综合应急救援队"));
        assert!(c.check().is_ok());
        c.materials.push(MaterialDraw {
            depot_id: EntityId::v7(0, [0; 10]),
            code: MaterialCode::parse("1010101").unwrap(),
            quantity: 0,
            name: String::new(),
            depot_name: String::new(),
            unit: String::new(),
        });
        assert!(c.check().is_err());
        c.materials[0].quantity = 3;
        assert!(c.check().is_ok());
        c.materials[0].code = MaterialCode::parse("101").unwrap();
        assert!(c.check().is_err());
    }

    #[test]
    fn recipients_are_distinct_in_order() {
        let d = Decision {
            id: EntityId::v7(1, [1; 10]),
            incident_id: EntityId::v7(1, [2; 10]),
            number: Decision::number_for(2026, 1),
            state: DecisionState::Draft,
            content: Content {
                situation: "x".into(),
                orders: vec![order("甲"), order("乙"), order("甲")],
                ..Content::default()
            },
            drafted: Signoff {
                by: "a".into(),
                at_ms: 0,
                desk: String::new(),
            },
            reviews: vec![],
            approved: None,
            issued: None,
            exception: None,
        };
        assert_eq!(d.recipients(), vec!["甲", "乙"]);
        assert_eq!(d.number, "合川现指〔2026〕1号");
    }
}
