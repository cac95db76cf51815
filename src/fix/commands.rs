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

/// The first function-policy statement to add that `add-permission` cannot write exactly as
/// planned (`Some(its Sid)`), or `None` when every one can: one action, one principal, the
/// function itself as the resource, and only the conditions add-permission has flags for.
pub fn inexpressible(changes: &[Change], function_arn: &str) -> Option<Option<String>> {
    let single = |v: &Value| match v {
        Value::String(_) => true,
        Value::Array(a) => a.len() == 1 && a[0].is_string(),
        _ => false,
    };
    for c in changes {
        if c.target != Target::Resource || c.change == ChangeKind::Remove {
            continue;
        }
        for s in c.policy.iter().flat_map(super::statements) {
            let sid = s["Sid"].as_str().map(str::to_string);
            let principal_ok = match &s["Principal"] {
                Value::String(p) => p == "*",
                Value::Object(o) => o.len() == 1 && o.values().all(single),
                _ => false,
            };
            let resource_ok = match &s["Resource"] {
                Value::Null => true,
                Value::String(r) => r == function_arn,
                _ => false,
            };
            let conditions_ok = match &s["Condition"] {
                Value::Null => true,
                Value::Object(ops) => ops.values().all(|block| {
                    block.as_object().is_some_and(|keys| {
                        keys.iter().all(|(k, v)| {
                            single(v)
                                && matches!(
                                    k.to_ascii_lowercase().as_str(),
                                    "aws:sourcearn"
                                        | "aws:sourceaccount"
                                        | "aws:principalorgid"
                                        | "lambda:functionurlauthtype"
                                        | "lambda:eventsourcetoken"
                                )
                        })
                    })
                }),
                _ => false,
            };
            let ok = sid.is_some()
                && s["Effect"] == "Allow"
                && single(&s["Action"])
                && principal_ok
                && resource_ok
                && conditions_ok
                && ["NotPrincipal", "NotAction", "NotResource"]
                    .iter()
                    .all(|k| s.get(*k).is_none());
            if !ok {
                return Some(sid);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const F: &str = "arn:aws:lambda:us-east-1:123456789012:function:f";

    fn add(statement: Value) -> Vec<Change> {
        let mut c = Change::new(Target::Resource, Some(F.into()), ChangeKind::Add);
        c.policy = Some(json!({"Version": "2012-10-17", "Statement": [statement]}));
        vec![c]
    }

    #[test]
    fn add_permission_writes_only_what_it_has_flags_for() {
        let ok = json!({"Sid": "sns", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "lambda:InvokeFunction", "Resource": F,
            "Condition": {"StringEquals": {"AWS:SourceAccount": "123456789012"},
                          "ArnLike": {"AWS:SourceArn": "arn:aws:sns:us-east-1:123456789012:t"}}});
        assert_eq!(inexpressible(&add(ok.clone()), F), None);
        assert_eq!(
            commands(&add(ok), "f", "arn:aws:iam::123456789012:role/r"),
            [
                "aws lambda add-permission --function-name f --statement-id sns --action lambda:InvokeFunction --principal sns.amazonaws.com --source-account 123456789012 --source-arn arn:aws:sns:us-east-1:123456789012:t"
            ]
        );
        for bad in [
            json!({"Sid": "two", "Effect": "Allow", "Principal": "*",
                   "Action": ["lambda:InvokeFunction", "lambda:GetFunction"], "Resource": F}),
            json!({"Sid": "cond", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction",
                   "Resource": F, "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}),
            json!({"Sid": "both", "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": F,
                   "Principal": {"AWS": "arn:aws:iam::1:root", "Service": "s3.amazonaws.com"}}),
            json!({"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction"}),
        ] {
            assert!(inexpressible(&add(bad.clone()), F).is_some(), "{bad}");
        }
    }
}
