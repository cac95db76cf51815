//! Proof: a fix's changes applied to the documents the tool holds, and every check run again.
//! Proven only when the fixed checks pass and no check that passed before now fails.

use super::plan::{failing, key_policy_assumed};
use super::{Change, Reason, Verified, apply};
use crate::checks::{Answer, CheckId, Severity};
use crate::evidence::FunctionEvidence;
use std::collections::BTreeSet;

/// Proves that `changes` fix the checks `ids` of `ev`. `stuck` is the planner's reason when it
/// could not finish; `all` names the reason a combined fix gives when it is proven.
pub fn prove(
    ev: &FunctionEvidence,
    before: &BTreeSet<CheckId>,
    ids: &[CheckId],
    changes: &[Change],
    stuck: Option<&Reason>,
    all: bool,
) -> Verified {
    if let Some(r) = stuck {
        return Verified::not_proven(r.clone());
    }
    // The commands must make the change that is proven.
    if let Some(sid) = super::commands::inexpressible(changes, &ev.config.arn) {
        return Verified::not_proven(Reason::NotExpressible { sid });
    }
    let after = match apply(ev, changes) {
        Ok(a) => a,
        Err(e) => {
            return Verified::not_proven(match e {
                super::ApplyError::NotHeld(t) => Reason::NotHeld { target: t },
                other => Reason::Inapplicable {
                    error: other.to_string(),
                },
            });
        }
    };
    let docs = after.docs();
    for id in ids {
        match docs.answer(*id) {
            Answer::Outcome(o) if o.failed && o.severity != Severity::Info => {
                return Verified::not_proven(Reason::StillFails { check: *id });
            }
            Answer::Unanswered(_) => {
                return Verified::not_proven(Reason::StillFails { check: *id });
            }
            _ => {}
        }
    }
    let broke: Vec<CheckId> = failing(&after).difference(before).copied().collect();
    if !broke.is_empty() {
        return Verified::not_proven(Reason::Breaks { checks: broke });
    }
    // A pass that rests on an assumed key policy is not a proof.
    if ids
        .iter()
        .any(|id| *id == CheckId::RoleKms || *id == CheckId::RoleBoundary)
        && key_policy_assumed(&after)
        && touches_kms(ev, &after)
    {
        return Verified::not_proven(Reason::KeyPolicyNotRead);
    }
    Verified::proven(if all {
        Reason::AllClear
    } else {
        Reason::CheckPasses
    })
}

/// Whether role.kms failed before and passes after (so its pass is part of this proof).
fn touches_kms(before: &FunctionEvidence, after: &FunctionEvidence) -> bool {
    let failed = |ev: &FunctionEvidence| matches!(ev.docs().answer(CheckId::RoleKms), Answer::Outcome(o) if o.failed);
    failed(before) && !failed(after)
}
