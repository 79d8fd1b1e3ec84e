//! Roles of operators and API keys.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a principal may do: `admin` ⊇ `operator` ⊇ `viewer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads only.
    Viewer,
    /// Reads and operates (commands, acknowledgements, ...).
    Operator,
    /// Everything, including credentials and configuration.
    Admin,
}

impl Role {
    /// True when this role includes everything `required` may do.
    pub fn allows(self, required: Role) -> bool {
        self >= required
    }

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "operator" => Ok(Role::Operator),
            "viewer" => Ok(Role::Viewer),
            other => Err(format!("unknown role '{other}': expected admin, operator or viewer")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_roles_when_compared_then_admin_includes_all() {
        assert!(Role::Admin.allows(Role::Operator));
        assert!(Role::Operator.allows(Role::Viewer));
        assert!(!Role::Viewer.allows(Role::Operator));
        assert!(!Role::Operator.allows(Role::Admin));
    }

    #[test]
    fn given_names_when_parsed_then_round_trip_and_reject_unknown() {
        for r in [Role::Admin, Role::Operator, Role::Viewer] {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("root".parse::<Role>().unwrap_err().contains("root"));
    }
}
