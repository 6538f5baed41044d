//! Local users: who acts on this device and in which role, and who is logged in on the window.

use serde::{Deserialize, Serialize};
use yitu_domain::command::role::Role;
use yitu_domain::command::workflow::Refusal;

/// Someone acting on this device, in a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub name: String,
    pub role: Role,
}

impl Actor {
    /// Anyone but an observer may record incidents and their logs and draft decisions.
    pub fn may_write(&self) -> Result<(), Refusal> {
        if !self.role.may_write() {
            return Err(Refusal {
                zh: "观察员只能查看，不能修改".into(),
                en: "an observer can read but not change anything".into(),
            });
        }
        Ok(())
    }
}

/// The device's users and who is logged in on this window (`users`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Users {
    pub users: Vec<Actor>,
    pub current: Option<Actor>,
}
