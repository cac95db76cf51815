//! Applying [`Change`]s to a function's evidence: the same edits an administrator's commands
//! make, done to the documents the tool holds, so that the checks can run again on the result.
//! This is the definition of what a change means; `commands` derives the AWS CLI calls from
//! the same data.

use super::{Change, ChangeKind, Target, new_document, statements_mut};
use crate::evidence::{FunctionEvidence, Read, RolePolicy};
use serde_json::Value;
use thiserror::Error;

/// Why a change cannot be applied to the documents held.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApplyError {
    #[error("the {0:?} document is not held")]
    NotHeld(Target),
    #[error("the role has no policy {0}")]
    NoPolicy(String),
    #[error("the change has no policy document")]
    NoDocument,
    #[error("{0} is not this function's")]
    OtherTarget(String),
    #[error("the change does not say which policy")]
    Unnamed,
}

/// `ev` with `changes` applied, in order.
pub fn apply(ev: &FunctionEvidence, changes: &[Change]) -> Result<FunctionEvidence, ApplyError> {
    let mut out = ev.clone();
    for c in changes {
        apply_one(&mut out, c)?;
    }
    Ok(out)
}

fn apply_one(ev: &mut FunctionEvidence, c: &Change) -> Result<(), ApplyError> {
    match c.target {
        Target::Identity => identity(ev, c),
        Target::Boundary => {
            let role = role_mut(ev, c.target)?;
            if let (Some(want), Some(have)) = (&c.target_arn, &role.boundary_arn)
                && want != have
            {
                return Err(ApplyError::OtherTarget(want.clone()));
            }
            match &mut role.boundary {
                Some(Read::Ok { value }) => edit(value, c),
                _ => Err(ApplyError::NotHeld(Target::Boundary)),
            }
        }
        Target::Trust => {
            let role = role_mut(ev, c.target)?;
            edit(&mut role.trust_policy, c)
        }
        Target::Resource => {
            if let Some(arn) = &c.target_arn
                && !same_function(arn, &ev.config.arn)
            {
                return Err(ApplyError::OtherTarget(arn.clone()));
            }
            match &mut ev.resource_policy {
                Read::Ok { value } => edit(value, c),
                r @ Read::Absent if c.change != ChangeKind::Remove => {
                    let mut doc = new_document();
                    edit(&mut doc, c)?;
                    *r = Read::Ok { value: doc };
                    Ok(())
                }
                _ => Err(ApplyError::NotHeld(Target::Resource)),
            }
        }
        Target::Key => {
            if let (Some(want), Some(have)) = (&c.target_arn, &ev.config.kms_key_arn)
                && want != have
            {
                return Err(ApplyError::OtherTarget(want.clone()));
            }
            match &mut ev.kms_key_policy {
                Some(Read::Ok { value }) => edit(value, c),
                _ => Err(ApplyError::NotHeld(Target::Key)),
            }
        }
        Target::None => {
            if let Some(s) = &c.setting {
                match &mut ev.url {
                    Read::Ok { value } => value.auth_type = s.url_auth_type.clone(),
                    _ => return Err(ApplyError::NotHeld(Target::None)),
                }
            }
            Ok(())
        }
        t @ (Target::Session | Target::Vpce | Target::Scp | Target::Rcp) => {
            Err(ApplyError::NotHeld(t))
        }
    }
}

/// A function ARN, with or without a qualifier.
fn same_function(arn: &str, function: &str) -> bool {
    arn == function
        || arn
            .strip_prefix(function)
            .is_some_and(|rest| rest.starts_with(':'))
}

fn role_mut(
    ev: &mut FunctionEvidence,
    t: Target,
) -> Result<&mut crate::evidence::RoleEvidence, ApplyError> {
    match &mut ev.role {
        Read::Ok { value } => Ok(value),
        _ => Err(ApplyError::NotHeld(t)),
    }
}

fn identity(ev: &mut FunctionEvidence, c: &Change) -> Result<(), ApplyError> {
    let role = role_mut(ev, Target::Identity)?;
    let Read::Ok { value: policies } = &mut role.policies else {
        return Err(ApplyError::NotHeld(Target::Identity));
    };
    let find = |p: &RolePolicy| match (&c.policy_name, &c.target_arn) {
        (Some(n), _) => !p.managed && &p.name == n,
        (None, Some(a)) => p.managed && &p.name == a,
        (None, None) => false,
    };
    let at = policies.iter().position(find);
    match (c.change, at) {
        // put-role-policy: a new inline policy, or the one of that name replaced.
        (ChangeKind::Add, _) => {
            let name = c.policy_name.clone().ok_or(ApplyError::Unnamed)?;
            let doc = c.policy.clone().ok_or(ApplyError::NoDocument)?;
            let p = RolePolicy {
                name,
                managed: false,
                document: Read::Ok { value: doc },
            };
            match at {
                Some(i) => policies[i] = p,
                None => policies.push(p),
            }
            Ok(())
        }
        (ChangeKind::Remove, Some(i)) if c.remove_sids.is_empty() => {
            policies.remove(i);
            Ok(())
        }
        (_, Some(i)) => match &mut policies[i].document {
            Read::Ok { value } => edit(value, c),
            _ => Err(ApplyError::NotHeld(Target::Identity)),
        },
        (_, None) => Err(ApplyError::NoPolicy(
            c.policy_name
                .clone()
                .or_else(|| c.target_arn.clone())
                .unwrap_or_default(),
        )),
    }
}

/// One document edited by a change.
fn edit(doc: &mut Value, c: &Change) -> Result<(), ApplyError> {
    match c.change {
        ChangeKind::Replace => {
            *doc = c.policy.clone().ok_or(ApplyError::NoDocument)?;
        }
        ChangeKind::Add => {
            let add = c.policy.as_ref().ok_or(ApplyError::NoDocument)?;
            let new: Vec<Value> = super::statements(add).into_iter().cloned().collect();
            statements_mut(doc).extend(new);
        }
        ChangeKind::Remove => {
            statements_mut(doc).retain(|s| {
                !s["Sid"]
                    .as_str()
                    .is_some_and(|sid| c.remove_sids.iter().any(|r| r == sid))
            });
        }
    }
    Ok(())
}
