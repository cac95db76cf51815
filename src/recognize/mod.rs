//! Pasted text → findings. Pure: no I/O, no clock, no terminal.
//!
//! The pipeline: redact secrets → normalize (ANSI colours, JSON escapes, Terraform boxes,
//! lines wrapped by a terminal or a table) → run the detectors (IAM "is not authorized to
//! perform" form, Lambda's own messages, SDK/CLI wrappers with a bare AccessDenied, CloudTrail
//! records) → classify each into a DESIGN.md category → deduplicate in order of appearance.
//!
//! Every detector does a bounded amount of work per match, so the whole pass is linear in the
//! input size.

pub mod catalogue;
mod classify;
mod cloudtrail;
mod fallback;
mod generic;
pub use generic::authentication_failure;
mod iam;
mod normalize;
pub mod principal;
pub mod services;

use serde::Serialize;
use std::fmt;

pub use classify::Caller;
pub use principal::{Principal, PrincipalKind};

/// The most findings one paste yields; a log of thousands of identical denials is summarized
/// by deduplication long before this.
pub const MAX_FINDINGS: usize = 100;

/// Where a permission problem sits. The names are fixed by DESIGN.md.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    IdentityNotAuthorized,
    PassRole,
    InvokePermission,
    ExecutionRoleTrust,
    VpcEni,
    ExecutionRoleMissingPermission,
    CloudwatchLogs,
    EventSourceMapping,
    Kms,
    CrossAccountAssumeRole,
    LayerAccess,
    EcrImageAccess,
    FunctionUrlAuth,
    OtherPermission,
}

impl Category {
    /// Every category a finding can carry, in DESIGN.md order.
    pub const ALL: [Category; 14] = [
        Category::IdentityNotAuthorized,
        Category::PassRole,
        Category::InvokePermission,
        Category::ExecutionRoleTrust,
        Category::VpcEni,
        Category::ExecutionRoleMissingPermission,
        Category::CloudwatchLogs,
        Category::EventSourceMapping,
        Category::Kms,
        Category::CrossAccountAssumeRole,
        Category::LayerAccess,
        Category::EcrImageAccess,
        Category::FunctionUrlAuth,
        Category::OtherPermission,
    ];

    /// The snake_case name used in JSON and in `assets/tree/index.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::IdentityNotAuthorized => "identity_not_authorized",
            Category::PassRole => "pass_role",
            Category::InvokePermission => "invoke_permission",
            Category::ExecutionRoleTrust => "execution_role_trust",
            Category::VpcEni => "vpc_eni",
            Category::ExecutionRoleMissingPermission => "execution_role_missing_permission",
            Category::CloudwatchLogs => "cloudwatch_logs",
            Category::EventSourceMapping => "event_source_mapping",
            Category::Kms => "kms",
            Category::CrossAccountAssumeRole => "cross_account_assume_role",
            Category::LayerAccess => "layer_access",
            Category::EcrImageAccess => "ecr_image_access",
            Category::FunctionUrlAuth => "function_url_auth",
            Category::OtherPermission => "other_permission",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the request was denied, as DESIGN.md names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DenyKind {
    Implicit,
    ExplicitIdentity,
    ExplicitScp,
    ExplicitBoundary,
    ExplicitSession,
    ExplicitResource,
    ExplicitRcp,
    ExplicitVpce,
    NoResourcePolicy,
}

impl DenyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DenyKind::Implicit => "implicit",
            DenyKind::ExplicitIdentity => "explicit_identity",
            DenyKind::ExplicitScp => "explicit_scp",
            DenyKind::ExplicitBoundary => "explicit_boundary",
            DenyKind::ExplicitSession => "explicit_session",
            DenyKind::ExplicitResource => "explicit_resource",
            DenyKind::ExplicitRcp => "explicit_rcp",
            DenyKind::ExplicitVpce => "explicit_vpce",
            DenyKind::NoResourcePolicy => "no_resource_policy",
        }
    }
}

/// The policy type a message names ("because no permissions boundary allows ...", "with an
/// explicit deny in a service control policy").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyType {
    Identity,
    Resource,
    Scp,
    Rcp,
    Boundary,
    Session,
    Vpce,
    Trust,
}

impl PolicyType {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity",
            PolicyType::Resource => "resource",
            PolicyType::Scp => "scp",
            PolicyType::Rcp => "rcp",
            PolicyType::Boundary => "boundary",
            PolicyType::Session => "session",
            PolicyType::Vpce => "vpce",
            PolicyType::Trust => "trust",
        }
    }

    /// The policy type named by an error message's wording ("identity-based", "permissions
    /// boundary", "sessions", "VPC endpoint", "resource control", "role trust"...).
    pub fn from_wording(w: &str) -> Option<PolicyType> {
        let w = w.to_ascii_lowercase();
        let t = if w.contains("identity") {
            PolicyType::Identity
        } else if w.contains("resource control") {
            PolicyType::Rcp
        } else if w.contains("resource") {
            PolicyType::Resource
        } else if w.contains("service control") || w.contains("scp") {
            PolicyType::Scp
        } else if w.contains("boundary") || w.contains("boundaries") {
            PolicyType::Boundary
        } else if w.contains("session") {
            PolicyType::Session
        } else if w.contains("endpoint") {
            PolicyType::Vpce
        } else if w.contains("trust") {
            PolicyType::Trust
        } else {
            return None;
        };
        Some(t)
    }
}

/// How sure a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// One permission problem found in pasted text. The first seven fields are DESIGN.md's
/// `explain --output json` contract; the rest are what the tree and the reports use.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub category: Category,
    pub action: Option<String>,
    pub principal_arn: Option<String>,
    pub resource: Option<String>,
    pub deny_kind: Option<DenyKind>,
    pub policy_arn: Option<String>,
    pub authorization_id: Option<String>,
    /// The policy type the message names, implicit or explicit.
    pub policy_type: Option<PolicyType>,
    /// `Some(true)` when the message says "explicit deny", `Some(false)` when it says no policy
    /// allows (or is the plain IAM form), `None` when it does not say.
    pub explicit: Option<bool>,
    /// The API operation from a CLI/SDK wrapper ("CreateFunction" in "when calling the
    /// CreateFunction operation"), which may differ from the denied action.
    pub operation: Option<String>,
    /// The error code from the wrapper ("AccessDeniedException").
    pub error_code: Option<String>,
    /// The service principal that was denied, or that calls the function.
    pub service_principal: Option<String>,
    /// EC2's encoded authorization failure message, to decode with STS.
    pub encoded_message: Option<String>,
    /// Who made the denied call, as far as the text tells.
    pub caller: Caller,
    /// How sure the recognition is: `high` for the IAM form or a catalogued message,
    /// `medium` for an SDK/CLI wrapper's bare AccessDenied with a known operation, `low` for a
    /// permission word with nothing more.
    pub confidence: Confidence,
    /// The recognized message, on one line, secrets redacted, at most ~400 characters.
    pub excerpt: String,
}

impl Finding {
    fn new(category: Category, excerpt: &str) -> Finding {
        Finding {
            category,
            action: None,
            principal_arn: None,
            resource: None,
            deny_kind: None,
            policy_arn: None,
            authorization_id: None,
            policy_type: None,
            explicit: None,
            operation: None,
            error_code: None,
            service_principal: None,
            encoded_message: None,
            caller: Caller::Unknown,
            confidence: Confidence::High,
            excerpt: one_line(excerpt, 400),
        }
    }

    /// A finding with nothing known but its category: the start of a walk from a symptom.
    pub fn blank(category: Category) -> Finding {
        Finding::new(category, "")
    }

    /// The parsed principal, when the message names one.
    pub fn principal(&self) -> Option<Principal> {
        self.principal_arn.as_deref().map(Principal::parse)
    }

    /// Takes the details `other` has and this one lacks, when both describe the same problem
    /// (same category, nothing that contradicts). Returns whether it merged.
    fn merge(&mut self, other: &Finding) -> bool {
        fn clash(a: &Option<String>, b: &Option<String>) -> bool {
            matches!((a, b), (Some(x), Some(y)) if !x.eq_ignore_ascii_case(y))
        }
        if self.category != other.category
            || clash(&self.action, &other.action)
            || clash(&self.principal_arn, &other.principal_arn)
            || clash(&self.resource, &other.resource)
        {
            return false;
        }
        macro_rules! fill {
            ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = other.$f.clone(); } )* };
        }
        if self.caller == Caller::Unknown {
            self.caller = other.caller;
        }
        self.confidence = self.confidence.max(other.confidence);
        fill!(
            action,
            principal_arn,
            resource,
            deny_kind,
            policy_arn,
            authorization_id,
            policy_type,
            explicit,
            operation,
            error_code,
            service_principal,
            encoded_message
        );
        true
    }

    /// Every text field on one line and without terminal control sequences (CloudTrail
    /// records bypass the normalizer, and JSON escapes can hide an ESC or a line break).
    fn cleaned(mut self) -> Finding {
        macro_rules! clean {
            ($($f:ident),*) => { $( if let Some(v) = &self.$f {
                // One line: a field with a line break could forge lines of a report.
                let one = crate::sanitize::line(v, usize::MAX);
                if one != *v { self.$f = Some(one); }
            } )* };
        }
        clean!(
            action,
            principal_arn,
            resource,
            policy_arn,
            authorization_id,
            operation,
            error_code,
            service_principal,
            encoded_message
        );
        self
    }

    fn dedup_key(&self) -> (Category, Option<String>, Option<String>, Option<String>) {
        (
            self.category,
            self.action.as_ref().map(|a| a.to_ascii_lowercase()),
            self.principal_arn.clone(),
            self.resource.clone(),
        )
    }
}

/// A finding with its position in the normalized text.
#[derive(Debug, Clone)]
struct Candidate {
    start: usize,
    end: usize,
    finding: Finding,
    /// Specific detectors win over generic "AccessDenied" wrappers near them.
    generic: bool,
}

/// Text around a position, for classification hints.
struct Context<'a> {
    text: &'a str,
    lower: &'a str,
    hints: classify::HintMap,
}

impl<'a> Context<'a> {
    fn new(text: &'a str, lower: &'a str) -> Context<'a> {
        Context {
            text,
            lower,
            hints: classify::HintMap::build(lower),
        }
    }

    /// Classification hints near `start..end`.
    fn hints(&self, start: usize, end: usize) -> classify::Hints {
        self.hints.around(start, end, 1500)
    }

    /// At most `radius` bytes either side of `start..end`, on char boundaries.
    fn window(&self, start: usize, end: usize, radius: usize) -> &'a str {
        let a = floor_boundary(self.lower, start.saturating_sub(radius));
        let b = ceil_boundary(self.lower, (end + radius).min(self.lower.len()));
        &self.lower[a..b]
    }
}

/// What one paste holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognized {
    pub findings: Vec<Finding>,
    /// More than [`MAX_FINDINGS`] distinct problems: only the first are kept.
    pub truncated: bool,
    /// With no finding: the authentication failure the text shows (credentials refused, which
    /// no policy change fixes), as written.
    pub authentication: Option<String>,
}

/// Recognizes every permission problem in `text`, in order of appearance, deduplicated.
pub fn recognize(text: &str) -> Vec<Finding> {
    recognize_all(text).findings
}

/// [`recognize`], saying whether findings were left out.
pub fn recognize_all(text: &str) -> Recognized {
    let redacted = crate::redact::redact(text);
    // A CloudTrail file is JSON: read it before normalization unescapes its strings. Its
    // records are the whole story.
    if let Some(records) = cloudtrail::detect(&redacted) {
        return finish(records);
    }
    // Normalizing can bring a secret's pieces together (an escape sequence or a JSON escape
    // between them): redact again.
    let normalized = normalize::normalize(&redacted);
    let normalized = match crate::redact::redact(&normalized) {
        std::borrow::Cow::Owned(r) => r,
        std::borrow::Cow::Borrowed(_) => normalized,
    };
    let lower = normalized.to_ascii_lowercase();
    let ctx = Context::new(&normalized, &lower);

    let mut cands: Vec<Candidate> = Vec::new();
    {
        iam::detect(&ctx, &mut cands);
        catalogue::detect(&ctx, &mut cands);
        generic::detect(&ctx, &mut cands);
        if cands.is_empty() {
            fallback::detect(&ctx, &mut cands);
        }
    }
    let mut r = finish(cands);
    if r.findings.is_empty() {
        r.authentication = generic::authentication_failure(&normalized)
            .map(|code| crate::sanitize::line(&code, 80));
    }
    r
}

fn finish(mut cands: Vec<Candidate>) -> Recognized {
    cands.sort_by_key(|c| (c.start, c.generic));
    // A generic candidate near a specific one is its wrapper ("(Service: ...; Error Code:
    // AccessDenied)" around an IAM message).
    let specific: Vec<(usize, usize)> = cands
        .iter()
        .filter(|c| !c.generic)
        .map(|c| (c.start, c.end))
        .collect();
    // The wrapper around a specific message often names the operation the message does not
    // ("operation error Lambda: Invoke, ... Cross-account log access is not allowed"): the
    // specific finding takes the wrapper's action, operation and error code when it has none.
    type Wrapper = (usize, usize, Option<String>, Option<String>, Option<String>);
    let wrappers: Vec<Wrapper> = cands
        .iter()
        .filter(|c| c.generic && c.finding.action.is_some())
        .map(|c| {
            (
                c.start,
                c.end,
                c.finding.action.clone(),
                c.finding.operation.clone(),
                c.finding.error_code.clone(),
            )
        })
        .collect();
    for c in cands
        .iter_mut()
        .filter(|c| !c.generic && c.finding.action.is_none())
    {
        if let Some((_, _, action, op, code)) = wrappers
            .iter()
            .find(|&&(s, e, ..)| c.start < e + 600 && s < c.end + 600)
        {
            c.finding.action = action.clone();
            if c.finding.operation.is_none() {
                c.finding.operation = op.clone();
            }
            if c.finding.error_code.is_none() {
                c.finding.error_code = code.clone();
            }
        }
    }
    let mut out: Vec<Finding> = Vec::new();
    // The last finding kept and where its message ends, for merging.
    let mut last: Option<(usize, usize)> = None;
    for c in cands {
        if c.generic {
            let near = specific
                .iter()
                .any(|&(s, e)| c.start < e + 600 && s < c.end + 600);
            if near {
                continue;
            }
        } else if let Some((idx, end)) = last {
            // The same message seen by two detectors (Lambda's KMS sentence and the IAM form
            // it quotes): one finding, with the details of both.
            if c.start < end + 500 && out[idx].merge(&c.finding) {
                last = Some((idx, end.max(c.end)));
                continue;
            }
            if c.start < end {
                continue;
            }
        }
        let key = c.finding.dedup_key();
        if let Some(i) = out.iter().position(|f| f.dedup_key() == key) {
            last = Some((i, c.end));
            continue;
        }
        if out.len() >= MAX_FINDINGS {
            return Recognized {
                findings: out.into_iter().map(Finding::cleaned).collect(),
                truncated: true,
                authentication: None,
            };
        }
        out.push(c.finding);
        last = Some((out.len() - 1, c.end));
    }
    Recognized {
        findings: out.into_iter().map(Finding::cleaned).collect(),
        truncated: false,
        authentication: None,
    }
}

/// Collapses whitespace and cuts at `max` characters (with an ellipsis when cut).
pub(crate) fn one_line(s: &str, max: usize) -> String {
    crate::sanitize::line(s, max + 1)
}

pub(crate) fn floor_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(crate) fn ceil_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}
