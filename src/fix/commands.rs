//! The AWS CLI commands that make [`Change`]s, derived from the changes alone (the same data
//! `apply` gives its meaning). A document is read from the change's `file`; the renderers
//! show each document under its file name.

use super::{Change, ChangeKind, Target};
use serde_json::Value;

/// The commands for `changes`, in order, for the function named `function` whose execution
/// role is `role` (an ARN).
pub fn commands(changes: &[Change], function: &str, role: &str) -> Vec<String> {
    changes
        .iter()
        .flat_map(|c| one(c, function, name_of(role)))
        .collect()
}

fn name_of(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

fn file(c: &Change) -> String {
    format!("file://{}", c.file.as_deref().unwrap_or("policy.json"))
}

fn one(c: &Change, function: &str, role: &str) -> Vec<String> {
    let arn = c.target_arn.as_deref().unwrap_or("");
    match (c.target, c.change) {
        (Target::Identity, ChangeKind::Add) => vec![format!(
            "aws iam put-role-policy --role-name {role} --policy-name {} --policy-document {}",
            c.policy_name.as_deref().unwrap_or(""),
            file(c)
        )],
        (Target::Identity, ChangeKind::Replace) => match &c.policy_name {
            Some(n) => vec![format!(
                "aws iam put-role-policy --role-name {role} --policy-name {n} --policy-document {}",
                file(c)
            )],
            None => managed_version(arn, c),
        },
        (Target::Identity, ChangeKind::Remove) => match (&c.policy_name, c.remove_sids.is_empty()) {
            (Some(n), true) => vec![format!(
                "aws iam delete-role-policy --role-name {role} --policy-name {n}"
            )],
            (None, true) => vec![format!(
                "aws iam detach-role-policy --role-name {role} --policy-arn {arn}"
            )],
            _ => vec![],
        },
        (Target::Boundary, _) => managed_version(arn, c),
        (Target::Trust, _) => vec![format!(
            "aws iam update-assume-role-policy --role-name {} --policy-document {}",
            name_of(if arn.is_empty() { role } else { arn }),
            file(c)
        )],
        (Target::Resource, ChangeKind::Remove) => c
            .remove_sids
            .iter()
            .map(|s| {
                format!("aws lambda remove-permission --function-name {function} --statement-id {s}")
            })
            .collect(),
        (Target::Resource, _) => c
            .policy
            .as_ref()
            .map(|p| {
                super::statements(p)
                    .into_iter()
                    .map(|s| add_permission(s, function))
                    .collect()
            })
            .unwrap_or_default(),
        (Target::Key, _) => vec![format!(
            "aws kms put-key-policy --key-id {arn} --policy-name default --policy {}",
            file(c)
        )],
        (Target::None, _) => c
            .setting
            .iter()
            .map(|s| {
                format!(
                    "aws lambda update-function-url-config --function-name {function} --auth-type {}",
                    s.url_auth_type
                )
            })
            .collect(),
        // Organization, session and endpoint policies are changed by their owners; the
        // document is the change.
        _ => vec![],
    }
}

/// A customer managed policy (or boundary) gets a new default version holding the whole
/// document.
fn managed_version(arn: &str, c: &Change) -> Vec<String> {
    vec![format!(
        "aws iam create-policy-version --policy-arn {arn} --policy-document {} --set-as-default",
        file(c)
    )]
}

/// `add-permission` for one function-policy statement.
fn add_permission(s: &Value, function: &str) -> String {
    let first = |v: &Value| match v {
        Value::Array(a) => a.first().and_then(Value::as_str).map(str::to_string),
        Value::String(x) => Some(x.clone()),
        _ => None,
    };
    let principal = match &s["Principal"] {
        Value::String(x) => Some(x.clone()),
        p => first(&p["Service"]).or_else(|| first(&p["AWS"])),
    }
    .unwrap_or_else(|| "*".into());
    let mut cmd = format!(
        "aws lambda add-permission --function-name {function} --statement-id {} --action {} --principal {principal}",
        s["Sid"].as_str().unwrap_or("lambda-doctor"),
        first(&s["Action"]).unwrap_or_else(|| "lambda:InvokeFunction".into()),
    );
    if let Some(conds) = s["Condition"].as_object() {
        for block in conds.values() {
            for (k, v) in block.as_object().into_iter().flatten() {
                let Some(v) = first(v) else { continue };
                let flag = match k.to_ascii_lowercase().as_str() {
                    "aws:sourcearn" => "--source-arn",
                    "aws:sourceaccount" => "--source-account",
                    "aws:principalorgid" => "--principal-org-id",
                    "lambda:functionurlauthtype" => "--function-url-auth-type",
                    "lambda:eventsourcetoken" => "--event-source-token",
                    _ => continue,
                };
                cmd.push_str(&format!(" {flag} {v}"));
            }
        }
    }
    cmd
}
