//! One act on a decision as it travels between desks: what was done, by whom, in which role, on
//! which desk, having seen which earlier acts of the same decision, and, for the acts that sign
//! (issue, acknowledgement, completion, withdrawal of an issued order, supersession), the signed
//! chain event. A decision's state is the fold of these (`command::fold`), the same on every desk.

use crate::command::act::Act;
use crate::command::chain::Event;
use crate::command::role::Role;
use crate::EntityId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transition {
    /// Unique: a re-delivered transition is the same one.
    pub id: EntityId,
    pub decision: EntityId,
    pub incident: EntityId,
    pub act: Act,
    /// The person who acted, and the role they acted in.
    pub by: String,
    pub role: Role,
    /// The desk it was taken on (its short code, `command::desk`).
    pub desk: String,
    /// When the person acted, by the desk's clock (for the sheet; the fold orders by stamp).
    pub at_ms: i64,
    /// The latest acts of this decision the desk held when it acted (those no other held act
    /// followed): every act reachable from these was seen, any other was taken at once
    /// elsewhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<EntityId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
}

impl Transition {
    /// What is wrong with it on its face, if anything: checked before anything is written.
    pub fn problem(&self) -> Option<String> {
        if self.by.trim().is_empty() {
            return Some("a transition names nobody".into());
        }
        if self.desk.trim().is_empty() {
            return Some("a transition names no desk".into());
        }
        if self.after.contains(&self.id) {
            return Some("a transition cannot follow itself".into());
        }
        if let Some(e) = &self.event {
            if e.decision_id != self.decision || e.incident_id != self.incident {
                return Some("its signed event is of another decision".into());
            }
        }
        None
    }
}
