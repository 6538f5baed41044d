//! The desk's users: who acts on this device and in which role, whether they log in with a
//! password, and who is logged in on the window.

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

/// Where a desk's user comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Added on this desk (`yitu user add`, the login box): a desk that was never online.
    Local,
    /// One of the district's users, synced down from the server with their role and password.
    Server,
}

/// A user of this desk as the login lists them: whether they have a password (none: they log
/// in without one, "未设置密码") and where they come from. The hash itself never crosses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub name: String,
    pub role: Role,
    pub has_password: bool,
    pub origin: Origin,
}

/// The device's users and who is logged in on this window (`users`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Users {
    pub users: Vec<Account>,
    pub current: Option<Actor>,
}
