//! The roles a local user acts in. What each may do to a decision is decided by
//! [`crate::command::workflow::transition`], not here.

crate::labelled_enum! {
    /// A user's role on this device. The drill controller comes with the drills and server work.
    Role {
        Commander => ("commander", "指挥长", "Commander"),
        TechnicalOfficer => ("technical_officer", "技术指挥官", "Technical command officer"),
        Staff => ("staff", "值班员/参谋", "Duty officer / staff"),
        Observer => ("observer", "观察员", "Observer"),
    }
}

impl Role {
    /// Whether someone in this role may change anything at all (an observer reads only). The
    /// store refuses their writes; the window does not offer them.
    pub fn may_write(self) -> bool {
        self != Role::Observer
    }
}
