//! The roles a user acts in, on a desktop and on the district server: the one closed set every
//! crate parses through. What each may do to a decision is decided by
//! [`crate::command::workflow::transition`], what each may push by
//! [`crate::sync::policy::admit`], not here.

crate::labelled_enum! {
    /// A user's role. The drill controller (演练导调员) runs exercises: incidents and their logs,
    /// never the registries, the stock or a decision.
    Role {
        Commander => ("commander", "指挥长", "Commander"),
        TechnicalOfficer => ("technical_officer", "技术指挥官", "Technical command officer"),
        Staff => ("staff", "值班员/参谋", "Duty officer / staff"),
        Observer => ("observer", "观察员", "Observer"),
        DrillController => ("drill_controller", "演练导调员", "Drill controller"),
    }
}

impl Role {
    /// Whether someone in this role may change anything at all (an observer reads only; a drill
    /// controller records incidents and their logs). The store refuses an observer's writes;
    /// the window does not offer them.
    pub fn may_write(self) -> bool {
        self != Role::Observer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes are what the server's and the desktop's databases hold and the wire carries:
    /// written out here by hand, so renaming one fails a test before it strands stored rows.
    #[test]
    fn five_roles_by_code_and_by_either_label() {
        let codes: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(
            codes,
            [
                "commander",
                "technical_officer",
                "staff",
                "observer",
                "drill_controller"
            ]
        );
        for (text, role) in [
            ("drill_controller", Role::DrillController),
            ("演练导调员", Role::DrillController),
            ("Drill controller", Role::DrillController),
            ("值班员/参谋", Role::Staff),
            (" technical_officer ", Role::TechnicalOfficer),
        ] {
            assert_eq!(Role::from_code(text).unwrap(), role, "{text}");
        }
        let err = Role::from_code("admin").unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown Role \"admin\"; expected one of: commander (指挥长), technical_officer (技术指挥官), \
             staff (值班员/参谋), observer (观察员), drill_controller (演练导调员)"
        );
    }

    #[test]
    fn only_the_observer_writes_nothing() {
        let writers: Vec<Role> = Role::ALL
            .iter()
            .copied()
            .filter(|r| r.may_write())
            .collect();
        assert_eq!(
            writers,
            [
                Role::Commander,
                Role::TechnicalOfficer,
                Role::Staff,
                Role::DrillController
            ]
        );
    }
}
