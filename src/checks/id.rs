//! Check ids (DESIGN.md, "check findings"): one enum shared by the checks, the tree's
//! check-backed questions, the fix map and every output. Data that names an unknown check
//! fails when it loads.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A DESIGN.md check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CheckId {
    #[serde(rename = "role.trust")]
    RoleTrust,
    #[serde(rename = "role.logs")]
    RoleLogs,
    #[serde(rename = "role.vpc")]
    RoleVpc,
    #[serde(rename = "role.event_source")]
    RoleEventSource,
    #[serde(rename = "role.kms")]
    RoleKms,
    #[serde(rename = "role.dead_letter")]
    RoleDeadLetter,
    #[serde(rename = "role.boundary")]
    RoleBoundary,
    #[serde(rename = "role.missing")]
    RoleMissing,
    #[serde(rename = "policy.deprecated")]
    PolicyDeprecated,
    #[serde(rename = "resource.public")]
    ResourcePublic,
    #[serde(rename = "resource.confused_deputy")]
    ResourceConfusedDeputy,
    #[serde(rename = "resource.url_public")]
    ResourceUrlPublic,
    #[serde(rename = "resource.cross_account")]
    ResourceCrossAccount,
}

impl CheckId {
    /// Every check, in DESIGN.md order.
    pub const ALL: [CheckId; 13] = [
        CheckId::RoleTrust,
        CheckId::RoleLogs,
        CheckId::RoleVpc,
        CheckId::RoleEventSource,
        CheckId::RoleKms,
        CheckId::RoleDeadLetter,
        CheckId::RoleBoundary,
        CheckId::RoleMissing,
        CheckId::PolicyDeprecated,
        CheckId::ResourcePublic,
        CheckId::ResourceConfusedDeputy,
        CheckId::ResourceUrlPublic,
        CheckId::ResourceCrossAccount,
    ];

    /// The id as DESIGN.md writes it ("role.logs").
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::RoleTrust => "role.trust",
            CheckId::RoleLogs => "role.logs",
            CheckId::RoleVpc => "role.vpc",
            CheckId::RoleEventSource => "role.event_source",
            CheckId::RoleKms => "role.kms",
            CheckId::RoleDeadLetter => "role.dead_letter",
            CheckId::RoleBoundary => "role.boundary",
            CheckId::RoleMissing => "role.missing",
            CheckId::PolicyDeprecated => "policy.deprecated",
            CheckId::ResourcePublic => "resource.public",
            CheckId::ResourceConfusedDeputy => "resource.confused_deputy",
            CheckId::ResourceUrlPublic => "resource.url_public",
            CheckId::ResourceCrossAccount => "resource.cross_account",
        }
    }

    /// The role checks whose requests a permissions boundary can block.
    pub const ROLE_PERMISSIONS: [CheckId; 5] = [
        CheckId::RoleLogs,
        CheckId::RoleVpc,
        CheckId::RoleEventSource,
        CheckId::RoleKms,
        CheckId::RoleDeadLetter,
    ];
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Not a check id (the text says which ones exist).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown check {0:?}")]
pub struct UnknownCheck(pub String);

impl FromStr for CheckId {
    type Err = UnknownCheck;
    fn from_str(s: &str) -> Result<CheckId, UnknownCheck> {
        CheckId::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownCheck(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_json() {
        for id in CheckId::ALL {
            assert_eq!(id.as_str().parse::<CheckId>(), Ok(id));
            let j = serde_json::to_string(&id).expect("json");
            assert_eq!(j, format!("\"{id}\""));
            assert_eq!(serde_json::from_str::<CheckId>(&j).expect("back"), id);
        }
        assert!("role.nope".parse::<CheckId>().is_err());
        assert!(serde_json::from_str::<CheckId>("\"role.nope\"").is_err());
    }
}
