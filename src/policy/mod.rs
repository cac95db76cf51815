//! IAM policy model and evaluator: identity, resource, SCP and RCP levels, permissions
//! boundary and session policy, evaluated as AWS documents it (explicit deny first, the
//! same-account and cross-account rules, service principals, trust and key policies). Pure:
//! values in, a decision with its explanation out.

pub mod condition;
pub mod evaluate;
pub mod matching;
pub mod model;
pub mod request;
pub mod simulate;
pub mod synth;

pub use evaluate::{Decision, Evaluation, Layer, MatchedStatement, decide, evaluate};
pub use model::{Effect, ParseError, Policy, Statement, parse_policy, parse_policy_text};
pub use request::{ContextValue, Request};

/// Every policy that applies to one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicySet {
    pub identity: Vec<Policy>,
    pub resource: Option<Policy>,
    /// One entry per organization level, root first; each level's policies.
    pub scp: Option<Vec<Vec<Policy>>>,
    pub rcp: Option<Vec<Vec<Policy>>>,
    pub boundary: Option<Policy>,
    pub session: Option<Policy>,
}
