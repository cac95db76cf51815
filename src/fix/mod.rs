//! Fixes as data (DESIGN.md, "The `fix` object"): what to change, where, as [`Change`]s that
//! can be applied to the documents the tool holds ([`apply`]), planned from a check's facts
//! ([`plan`]), turned into the commands an administrator runs ([`commands`]) and proven by
//! applying them and running the checks again ([`prove`]). Words live in `render`.

pub mod apply;
pub mod commands;
pub mod plan;
pub mod prove;
pub mod render;

use crate::checks::CheckId;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use apply::{ApplyError, apply};
pub use plan::{Plan, combined, for_finding};
pub use prove::prove;

/// Which document a change edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// The principal's identity-based policies (for a function: its execution role's).
    Identity,
    /// The role's permissions boundary (a managed policy).
    Boundary,
    /// A role's trust policy.
    Trust,
    /// The function policy, or another resource's policy when `target_arn` names it.
    Resource,
    /// A KMS key policy.
    Key,
    Session,
    Vpce,
    Scp,
    Rcp,
    /// Nothing to change in a policy (a function setting, a missing role).
    None,
}

/// How a change edits its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The statements of `policy` are added (for `identity`: as the inline policy
    /// `policy_name`).
    Add,
    /// `policy` is the whole new document.
    Replace,
    /// The statements whose Sid is in `remove_sids` are removed; with no `remove_sids`, the
    /// whole policy (an attached managed policy is detached, an inline one deleted).
    Remove,
}

/// A function setting that is not a policy (target `none`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setting {
    /// The function URL's auth type (`AWS_IAM` or `NONE`).
    pub url_auth_type: String,
}

/// One change to one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub target: Target,
    /// The role, policy, function or key that holds the document.
    #[serde(default)]
    pub target_arn: Option<String>,
    pub change: ChangeKind,
    /// The inline policy's name (`identity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_sids: Vec<String>,
    /// The statements to add, or the whole new document.
    #[serde(default)]
    pub policy: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<Setting>,
    /// The file name the commands read `policy` from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl Change {
    pub fn new(target: Target, target_arn: Option<String>, change: ChangeKind) -> Change {
        Change {
            target,
            target_arn,
            change,
            policy_name: None,
            remove_sids: vec![],
            policy: None,
            setting: None,
            file: None,
        }
    }
}

/// Whether a fix was proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Proven,
    NotProven,
    NotApplicable,
}

/// Why a fix is (not) proven, as data; `render::detail` words it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// With the changes the check passes and no other check newly fails.
    CheckPasses,
    /// With the changes every error and warning is cleared and nothing newly fails.
    AllClear,
    /// The proposed statements allow the request the message describes.
    RequestAllowed,
    /// The function's role does not exist: it has to be created, not edited.
    RoleMissing,
    /// The function's KMS key does not exist.
    KeyAbsent { key: String },
    /// The key policy was not read (the default one was assumed).
    KeyPolicyNotRead,
    /// The Deny is in an AWS managed policy, which cannot be edited.
    AwsManagedDeny { policy: String },
    /// The boundary is an AWS managed policy, which cannot get a new version.
    AwsManagedBoundary { policy: String },
    /// The Deny guards more than this request (a wildcard action, a condition): narrowing it
    /// is its owner's decision.
    WideDeny { sid: Option<String> },
    /// A function-policy statement that `add-permission` cannot express.
    NotExpressible { sid: Option<String> },
    /// A change does not fit the documents held (another target, an unknown policy).
    Inapplicable { error: String },
    /// A document the change edits is not held.
    NotHeld { target: Target },
    /// A statement to remove or scope has no Sid, so no command can name it.
    NoStatementId,
    /// The changes did not make the check pass.
    StillFails { check: CheckId },
    /// With the changes these checks fail that passed before.
    Breaks { checks: Vec<CheckId> },
    /// The proposed statements do not allow the request the message describes.
    RequestDenied,
    /// Values the fix needs are not known (the placeholders stay).
    Unknown { placeholders: Vec<String> },
    /// Only information: nothing to fix.
    Information,
    /// The fix is a decision for a person (no document the tool holds decides it).
    NeedsDecision,
    /// An explicit deny is only fixed where the Deny is; that policy was not named.
    DenyNotLocated,
}

/// A fix's proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    pub status: Status,
    #[serde(flatten)]
    pub reason: Reason,
}

impl Verified {
    pub fn proven(reason: Reason) -> Verified {
        Verified {
            status: Status::Proven,
            reason,
        }
    }
    pub fn not_proven(reason: Reason) -> Verified {
        Verified {
            status: Status::NotProven,
            reason,
        }
    }
    pub fn not_applicable(reason: Reason) -> Verified {
        Verified {
            status: Status::NotApplicable,
            reason,
        }
    }
    pub fn is_proven(&self) -> bool {
        self.status == Status::Proven
    }
}

/// A policy document's statements as a list (a single statement object becomes a list of
/// one), created when missing.
pub(crate) fn statements_mut(doc: &mut Value) -> &mut Vec<Value> {
    if !doc.is_object() {
        *doc = serde_json::json!({"Version": "2012-10-17", "Statement": []});
    }
    let st = &mut doc["Statement"];
    match st {
        Value::Array(_) => {}
        Value::Object(_) => *st = Value::Array(vec![st.take()]),
        _ => *st = Value::Array(vec![]),
    }
    match st {
        Value::Array(a) => a,
        _ => unreachable!("made an array above"),
    }
}

/// A document's statements, read-only.
pub(crate) fn statements(doc: &Value) -> Vec<&Value> {
    match &doc["Statement"] {
        Value::Array(a) => a.iter().collect(),
        v @ Value::Object(_) => vec![v],
        _ => vec![],
    }
}

/// An empty policy document.
pub(crate) fn new_document() -> Value {
    serde_json::json!({"Version": "2012-10-17", "Statement": []})
}

/// The `<PLACEHOLDER>`s a filled text still holds (a value neither the message nor the
/// evidence gave), each once, in order.
pub fn unfilled(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        let tail = &rest[i + 1..];
        match tail.find('>') {
            Some(j)
                if j > 1
                    && tail[..j]
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b == b'_' || b.is_ascii_digit()) =>
            {
                let name = tail[..j].to_string();
                if !out.contains(&name) {
                    out.push(name);
                }
                rest = &tail[j + 1..];
            }
            _ => rest = tail,
        }
    }
    out
}
