//! What the tree knows about a finding: the *facts* that answer questions automatically, and
//! the *variables* that fill `{{placeholders}}` in texts, policies and commands with the
//! user's own ARNs.

use crate::recognize::{Caller, Category, Finding, PolicyType, PrincipalKind};
use std::collections::BTreeMap;

/// The facts a question may name, with the values an answer's `when` may hold.
pub const FACTS: &[(&str, &[&str])] = &[
    ("deny", &["explicit", "implicit"]),
    (
        "layer",
        &[
            "identity", "resource", "scp", "rcp", "boundary", "session", "vpce", "trust",
        ],
    ),
    (
        "principal_kind",
        &[
            "user",
            "role",
            "assumed_role",
            "root",
            "federated",
            "service",
            "anonymous",
        ],
    ),
    (
        "caller_service",
        &[
            "s3",
            "sns",
            "events",
            "apigateway",
            "cognito-idp",
            "config",
            "logs",
            "iot",
            "elasticloadbalancing",
            "secretsmanager",
            "other",
        ],
    ),
    ("account_relation", &["same", "cross"]),
    (
        "source_type",
        &["sqs", "kinesis", "dynamodb", "kafka", "mq", "docdb"],
    ),
    ("has_resource", &["yes", "no"]),
    (
        "message_kind",
        &["encoded", "efs", "statement_not_found", "edge", "other"],
    ),
    ("caller", &["function", "deployer", "person", "service"]),
    (
        "target_service",
        &[
            "general",
            "kms",
            "xray",
            "invoke",
            "assume_other",
            "assume_own",
        ],
    ),
    (
        "kms_error",
        &[
            "denied",
            "disabled",
            "pending_deletion",
            "not_found",
            "invalid_key",
        ],
    ),
];

/// The placeholders texts, policies and commands may use.
pub const PLACEHOLDERS: &[&str] = &[
    "function_name",
    "function_arn",
    "role_name",
    "role_arn",
    "principal_arn",
    "principal_name",
    "principal_entity",
    "action",
    "resource",
    "account_id",
    "region",
    "partition",
    "source_arn",
    "source_account",
    "service_principal",
    "policy_arn",
    "layer_arn",
    "authorization_id",
    "encoded_message",
    "operation",
    "queue_arn",
    "stream_arn",
    "kms_key_arn",
    "log_group_arn",
    "target_role_arn",
    "principal_account",
    "principal_iam_arn",
    "caller_name",
    "layer_name",
    "layer_version",
    "service",
    "event_source",
    "boundary_policy_arn",
    "policy_id",
    "queue_url",
    "inline_policy_name",
    "context_entries",
];

/// The names inside `{{...}}` in `s`, in order.
pub fn placeholders_in(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("{{") {
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else { break };
        out.push(after[..j].trim());
        rest = &after[j + 2..];
    }
    out
}

/// Facts about one finding (only those the message gives).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts(pub BTreeMap<&'static str, String>);

impl Facts {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    pub fn from_finding(f: &Finding) -> Facts {
        let mut m = BTreeMap::new();
        if let Some(e) = f.explicit {
            m.insert("deny", if e { "explicit" } else { "implicit" }.to_string());
        }
        if let Some(t) = f.policy_type {
            m.insert("layer", t.as_str().to_string());
        }
        let principal = f.principal();
        if let Some(p) = &principal {
            let kind = match p.kind {
                PrincipalKind::Unknown => None,
                k => Some(k.as_str()),
            };
            if let Some(k) = kind {
                m.insert("principal_kind", k.to_string());
            }
        }
        let service = f.service_principal.clone().or_else(|| {
            principal
                .as_ref()
                .filter(|p| p.kind == PrincipalKind::Service)
                .map(|p| p.raw.clone())
        });
        if let Some(s) = service {
            if principal.is_none() {
                m.insert("principal_kind", "service".to_string());
            }
            let name = s.split('.').next().unwrap_or("").to_string();
            let known = FACTS
                .iter()
                .find(|(n, _)| *n == "caller_service")
                .is_some_and(|(_, v)| v.contains(&name.as_str()));
            m.insert("caller_service", if known { name } else { "other".into() });
        }
        let resource_account = f.resource.as_deref().and_then(arn_account);
        let principal_account = principal.as_ref().and_then(|p| p.account.clone());
        if let (Some(a), Some(b)) = (&resource_account, &principal_account) {
            m.insert(
                "account_relation",
                if a == b { "same" } else { "cross" }.to_string(),
            );
        }
        if let Some(st) = source_type(f) {
            m.insert("source_type", st.to_string());
        }
        let excerpt = f.excerpt.to_ascii_lowercase();
        let kind = if f.encoded_message.is_some() {
            "encoded"
        } else if excerpt.contains("efsmount") || excerpt.contains("mount the efs") {
            "efs"
        } else if excerpt.contains("is not found in resource policy") {
            "statement_not_found"
        } else if excerpt.contains("edgelambda.amazonaws.com") {
            "edge"
        } else {
            "other"
        };
        m.insert("message_kind", kind.to_string());
        let caller = match f.caller {
            Caller::Function => Some("function"),
            Caller::Deployer => Some("deployer"),
            Caller::Person => Some("person"),
            Caller::Service => Some("service"),
            Caller::Session | Caller::Unknown => None,
        };
        if let Some(c) = caller {
            m.insert("caller", c.to_string());
        }
        if f.category == Category::Kms {
            let kms = if excerpt.contains("pending deletion") || excerpt.contains("pendingdeletion")
            {
                Some("pending_deletion")
            } else if excerpt.contains("kmsdisabled") || excerpt.contains("is disabled") {
                Some("disabled")
            } else if excerpt.contains("kmsnotfound")
                || (excerpt.contains("does not exist in this region")
                    && !excerpt.contains("not allowed to access"))
            {
                Some("not_found")
            } else if excerpt.contains("invalid for creategrant")
                || excerpt.contains("key is invalid")
            {
                Some("invalid_key")
            } else if excerpt.contains("accessdenied")
                || excerpt.contains("not allowed to access")
                || excerpt.contains("access was denied")
                || f.explicit.is_some()
            {
                Some("denied")
            } else {
                None
            };
            if let Some(k) = kms {
                m.insert("kms_error", k.to_string());
            }
        }
        // What the denied call is for, from the action the message names.
        if let Some(a) = f.action.as_deref().map(str::to_ascii_lowercase) {
            let (prefix, op) = a.split_once(':').unwrap_or(("", ""));
            let target = match (prefix, op) {
                ("kms", _) => "kms",
                ("xray", _) => "xray",
                ("lambda", "invokefunction" | "invokeasync" | "invoke") => "invoke",
                ("sts", o) if o.starts_with("assumerole") => {
                    // The function's own role assumed again, or another role.
                    let own = principal
                        .as_ref()
                        .and_then(|p| p.role_arn())
                        .zip(f.resource.as_deref())
                        .is_some_and(|(r, res)| r.eq_ignore_ascii_case(res));
                    if own { "assume_own" } else { "assume_other" }
                }
                _ => "general",
            };
            m.insert("target_service", target.to_string());
        }
        m.insert(
            "has_resource",
            if f.resource.as_deref().is_some_and(|r| r != "*") {
                "yes"
            } else {
                "no"
            }
            .to_string(),
        );
        Facts(m)
    }
}

fn source_type(f: &Finding) -> Option<&'static str> {
    let from = |s: &str| -> Option<&'static str> {
        let s = s.to_ascii_lowercase();
        if s.starts_with("sqs:") || s.contains(":sqs:") {
            Some("sqs")
        } else if s.starts_with("kinesis:") || s.contains(":kinesis:") {
            Some("kinesis")
        } else if s.starts_with("dynamodb:") || s.contains(":dynamodb:") {
            Some("dynamodb")
        } else if s.starts_with("kafka") || s.contains(":kafka:") {
            Some("kafka")
        } else if s.starts_with("mq:") || s.contains(":mq:") {
            Some("mq")
        } else {
            None
        }
    };
    if f.category != Category::EventSourceMapping {
        return None;
    }
    f.action
        .as_deref()
        .and_then(from)
        .or_else(|| f.resource.as_deref().and_then(from))
}

/// The 12-digit account of an ARN, when it has one.
pub fn arn_account(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() < 6 || parts[0] != "arn" {
        return None;
    }
    let a = parts[4];
    (a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit())).then(|| a.to_string())
}

fn arn_part(arn: &str, idx: usize) -> Option<String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() < 6 || parts[0] != "arn" {
        return None;
    }
    Some(parts[idx].to_string()).filter(|s| !s.is_empty())
}

/// An SQS queue's URL from its ARN (`arn:PARTITION:sqs:REGION:ACCOUNT:NAME`).
pub fn queue_url(arn: &str) -> Option<String> {
    let p: Vec<&str> = arn.split(':').collect();
    if p.len() != 6 || p[2] != "sqs" || p[3].is_empty() || p[4].len() != 12 || p[5].is_empty() {
        return None;
    }
    let domain = if p[1] == "aws-cn" {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    Some(format!("https://sqs.{}.{domain}/{}/{}", p[3], p[4], p[5]))
}

/// Values for placeholders. Unknown ones render as `<NAME>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vars(pub BTreeMap<&'static str, String>);

impl Vars {
    pub fn set(&mut self, k: &'static str, v: impl Into<String>) {
        let v = v.into();
        // Values that follow from this one: an organization policy's id from its ARN, a
        // queue's URL from its ARN.
        match k {
            "policy_arn" => {
                if let Some(id) = v.rsplit('/').next().filter(|id| id.starts_with("p-")) {
                    self.set("policy_id", id.to_string());
                }
            }
            "queue_arn" => {
                if let Some(url) = queue_url(&v) {
                    self.set("queue_url", url);
                }
            }
            _ => {}
        }
        if !v.trim().is_empty() {
            self.0.insert(k, v);
        }
    }

    pub fn get(&self, k: &str) -> Option<&str> {
        self.0.get(k).map(String::as_str)
    }

    /// Fills every `{{name}}` in `s`.
    pub fn fill(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(i) = rest.find("{{") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let Some(j) = after.find("}}") else {
                out.push_str(&rest[i..]);
                return out;
            };
            let name = after[..j].trim();
            match self.get(name) {
                Some(v) => out.push_str(v),
                None => {
                    out.push('<');
                    out.push_str(&name.to_ascii_uppercase());
                    out.push('>');
                }
            }
            rest = &after[j + 2..];
        }
        out.push_str(rest);
        out
    }

    /// Fills every string of a JSON document. Policies need ARNs: a resource the message
    /// names only by name ("my-function", "prod/db") becomes `<ARN of prod/db>` there.
    pub fn fill_json(&self, v: &serde_json::Value) -> serde_json::Value {
        let mut policy_vars = self.clone();
        if let Some(r) = self.get("resource")
            && r != "*"
            && !r.starts_with("arn:")
        {
            policy_vars.set("resource", format!("<ARN of {r}>"));
        }
        policy_vars.fill_json_inner(v)
    }

    fn fill_json_inner(&self, v: &serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match v {
            Value::String(s) => Value::String(self.fill(s)),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.fill_json_inner(x)).collect()),
            Value::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, x)| (self.fill(k), self.fill_json_inner(x)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// What a finding tells about the placeholders.
    pub fn from_finding(f: &Finding) -> Vars {
        let mut v = Vars::default();
        let principal = f.principal();
        let action = f.action.clone().unwrap_or_default();
        let action_lower = action.to_ascii_lowercase();
        v.set("action", action.clone());
        if let Some(op) = &f.operation {
            v.set("operation", op.clone());
        } else if let Some((_, op)) = action.split_once(':') {
            v.set("operation", op);
        }
        if let Some(r) = &f.resource {
            v.set("resource", r.clone());
        }
        if let Some(p) = &f.principal_arn {
            v.set("principal_arn", p.clone());
        }
        if let Some(x) = &f.policy_arn {
            v.set("policy_arn", x.clone());
        }
        if let Some(x) = &f.authorization_id {
            v.set("authorization_id", x.clone());
        }
        if let Some(x) = &f.encoded_message {
            v.set("encoded_message", x.clone());
        }
        if let Some(s) = &f.service_principal {
            v.set("service_principal", s.clone());
        } else if let Some(p) = principal
            .as_ref()
            .filter(|p| p.kind == PrincipalKind::Service)
        {
            v.set("service_principal", p.raw.clone());
        }

        // Account, region, partition: from the resource ARN first, then the principal.
        let res = f.resource.as_deref().unwrap_or("");
        let account =
            arn_account(res).or_else(|| principal.as_ref().and_then(|p| p.account.clone()));
        if let Some(a) = &account {
            v.set("account_id", a.clone());
            v.set("source_account", a.clone());
        }
        if let Some(r) = arn_part(res, 3) {
            v.set("region", r);
        }
        let partition = arn_part(res, 1)
            .or_else(|| principal.as_ref().and_then(|p| p.partition.clone()))
            .unwrap_or_else(|| "aws".to_string());
        v.set("partition", partition);

        // The principal's account, its IAM identity (the role behind a session: what policies
        // and the IAM simulator take) and the name CloudTrail records as the user name.
        if let Some(p) = &principal {
            if let Some(a) = &p.account {
                v.set("principal_account", a.clone());
            }
            match p.kind {
                PrincipalKind::AssumedRole => {
                    if let Some(r) = p.role_arn() {
                        v.set("principal_iam_arn", r);
                    }
                    if let Some(s) = &p.session {
                        v.set("caller_name", s.clone());
                    }
                }
                PrincipalKind::User | PrincipalKind::Role | PrincipalKind::Root => {
                    v.set("principal_iam_arn", p.raw.clone());
                    if let Some(n) = &p.name {
                        v.set("caller_name", n.clone());
                    }
                }
                _ => {}
            }
        }
        let service = action.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
        if let Some(s) = &service {
            v.set("service", s.clone());
        }
        // CloudTrail's eventSource for the denied call: PassRole is checked inside the call
        // that hands the role over (CreateFunction, ...), so it is that call's service.
        let event_service = if action_lower == "iam:passrole" {
            f.operation
                .as_deref()
                .and_then(crate::recognize::services::prefix_for_operation)
                .unwrap_or("lambda")
                .to_string()
        } else {
            service.clone().unwrap_or_default()
        };
        if !event_service.is_empty() {
            let host = match event_service.as_str() {
                "cloudwatch" => "monitoring".to_string(),
                other => other.to_string(),
            };
            v.set("event_source", format!("{host}.amazonaws.com"));
        }

        // The principal's own name and kind, for put-user-policy / put-role-policy.
        if let Some(p) = &principal {
            match p.kind {
                PrincipalKind::User => {
                    v.set("principal_entity", "user");
                    if let Some(n) = &p.name {
                        v.set("principal_name", n.clone());
                    }
                }
                PrincipalKind::Role | PrincipalKind::AssumedRole => {
                    v.set("principal_entity", "role");
                    if let Some(n) = &p.name {
                        v.set("principal_name", n.clone());
                    }
                }
                _ => {}
            }
        } else {
            // Unknown caller: the commands still have to be commands. Most callers that reach
            // Lambda are roles (pipelines, SSO sessions, functions); the name stays
            // `<PRINCIPAL_NAME>`, so the fix is still marked incomplete.
            v.set("principal_entity", "role");
        }

        // The function and its execution role.
        let is_function_arn = res.contains(":lambda:") && res.contains(":function:");
        if is_function_arn {
            let base = function_base_arn(res);
            v.set("function_arn", base.clone());
            if let Some(name) = base.rsplit(':').next() {
                v.set("function_name", name);
            }
        } else if action_lower.starts_with("lambda:")
            && !res.is_empty()
            && res != "*"
            && !res.starts_with("arn:")
        {
            // The doc's example: "on resource: my-function".
            v.set("function_name", res);
        } else if let Some(name) = wrapper_function_name(&f.excerpt) {
            // A deploy tool's wrapper names the function it was creating or updating.
            v.set("function_name", name);
        }
        let function_side = matches!(
            f.category,
            Category::ExecutionRoleMissingPermission
                | Category::CloudwatchLogs
                | Category::EventSourceMapping
                | Category::VpcEni
                | Category::Kms
                | Category::CrossAccountAssumeRole
        );
        if function_side
            && let Some(p) = principal
                .as_ref()
                .filter(|p| p.kind == PrincipalKind::AssumedRole)
        {
            if let Some(r) = p.role_arn() {
                v.set("role_arn", r);
            }
            if let Some(n) = &p.name {
                v.set("role_name", n.clone());
            }
            if v.get("function_name").is_none()
                && let Some(s) = &p.session
            {
                v.set("function_name", s.clone());
            }
        }
        if (action_lower == "iam:passrole" || f.category == Category::ExecutionRoleTrust)
            && res.contains(":role/")
        {
            v.set("role_arn", res);
            if let Some(n) = res.rsplit('/').next() {
                v.set("role_name", n);
            }
        }
        // Log group from a log-stream ARN; the function from /aws/lambda/<name>.
        if res.contains(":logs:") {
            let group = match res.find(":log-stream:") {
                Some(i) => &res[..i],
                None => res,
            };
            v.set("log_group_arn", group);
            if let Some(i) = group.find("/aws/lambda/") {
                let name = group[i + 12..].trim_end_matches(":*");
                if v.get("function_name").is_none() {
                    v.set("function_name", name);
                }
            }
        }
        if let Some(fname) = v.get("function_name").map(str::to_string)
            && v.get("function_arn").is_none()
        {
            let region = v.get("region").unwrap_or("<REGION>").to_string();
            let acct = v.get("account_id").unwrap_or("<ACCOUNT_ID>").to_string();
            let part = v.get("partition").unwrap_or("aws").to_string();
            v.set(
                "function_arn",
                format!("arn:{part}:lambda:{region}:{acct}:function:{fname}"),
            );
        }
        if action_lower == "lambda:getlayerversion" || res.contains(":layer:") {
            v.set("layer_arn", res);
            // arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION
            let parts: Vec<&str> = res.split(':').collect();
            if parts.len() >= 7 && parts[5] == "layer" {
                v.set("layer_name", parts[6]);
                if let Some(ver) = parts.get(7) {
                    v.set("layer_version", *ver);
                }
            }
        }
        if res.contains(":sqs:") {
            v.set("queue_arn", res);
        }
        if res.contains(":kinesis:") || (res.contains(":dynamodb:") && res.contains("/stream/")) {
            v.set("stream_arn", res);
        }
        if res.contains(":kms:") {
            v.set("kms_key_arn", res);
        }
        if action_lower.starts_with("sts:assumerole") && res.contains(":role/") {
            v.set("target_role_arn", res);
        }
        if matches!(f.policy_type, Some(PolicyType::Trust)) && res.contains(":role/") {
            v.set("target_role_arn", res);
        }
        v
    }
}

/// A function ARN without its qualifier (version or alias).
fn function_base_arn(arn: &str) -> String {
    let parts: Vec<&str> = arn.split(':').collect();
    if parts.len() > 7 {
        parts[..7].join(":")
    } else {
        arn.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognize::recognize;

    #[test]
    fn derived_values_fill_themselves() {
        let mut v = Vars::default();
        v.set(
            "policy_arn",
            "arn:aws:organizations::111122223333:policy/o-exampleorgid/service_control_policy/p-examplepolicyid111",
        );
        v.set("queue_arn", "arn:aws:sqs:us-east-1:123456789012:jobs");
        assert_eq!(v.get("policy_id"), Some("p-examplepolicyid111"));
        assert_eq!(
            v.get("queue_url"),
            Some("https://sqs.us-east-1.amazonaws.com/123456789012/jobs")
        );
        assert_eq!(
            queue_url("arn:aws-cn:sqs:cn-north-1:123456789012:q").as_deref(),
            Some("https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q")
        );
        assert_eq!(queue_url("arn:aws:sqs:us-east-1:xxx:q"), None);
        let f = recognize("User: arn:aws:iam::123456789012:user/dev is not authorized to perform: lambda:CreateFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:f with an explicit deny in a service control policy: arn:aws:organizations::111122223333:policy/o-exampleorgid/service_control_policy/p-examplepolicyid111").remove(0);
        assert_eq!(
            Vars::from_finding(&f).get("policy_id"),
            Some("p-examplepolicyid111")
        );
        assert_eq!(
            v.fill("--policy-id {{policy_id}} --queue-url {{queue_url}} {{layer_arn}}"),
            "--policy-id p-examplepolicyid111 --queue-url https://sqs.us-east-1.amazonaws.com/123456789012/jobs <LAYER_ARN>"
        );
    }

    #[test]
    fn fills_known_and_marks_unknown() {
        let mut v = Vars::default();
        v.set("function_name", "f");
        assert_eq!(
            v.fill("fn {{function_name}} role {{ role_arn }}"),
            "fn f role <ROLE_ARN>"
        );
        assert_eq!(placeholders_in("a {{x}} b {{ y }}"), vec!["x", "y"]);
    }

    #[test]
    fn vars_for_an_execution_role_call() {
        let f = &recognize(
            "User: arn:aws:sts::123456789012:assumed-role/orders-role-ab12cd34/orders is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:eu-west-1:123456789012:table/Orders",
        )[0];
        let v = Vars::from_finding(f);
        assert_eq!(v.get("role_name"), Some("orders-role-ab12cd34"));
        assert_eq!(
            v.get("role_arn"),
            Some("arn:aws:iam::123456789012:role/orders-role-ab12cd34")
        );
        assert_eq!(v.get("function_name"), Some("orders"));
        assert_eq!(v.get("region"), Some("eu-west-1"));
        assert_eq!(v.get("account_id"), Some("123456789012"));
        assert_eq!(
            v.get("function_arn"),
            Some("arn:aws:lambda:eu-west-1:123456789012:function:orders")
        );
        let facts = Facts::from_finding(f);
        assert_eq!(facts.get("deny"), Some("implicit"));
        assert_eq!(facts.get("principal_kind"), Some("assumed_role"));
        assert_eq!(facts.get("account_relation"), Some("same"));
    }

    #[test]
    fn facts_for_a_service_caller() {
        let f = &recognize(
            "User: sns.amazonaws.com is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:notify:live because no resource-based policy allows the lambda:InvokeFunction action",
        )[0];
        let facts = Facts::from_finding(f);
        assert_eq!(facts.get("caller_service"), Some("sns"));
        assert_eq!(facts.get("principal_kind"), Some("service"));
        assert_eq!(facts.get("layer"), Some("resource"));
        let v = Vars::from_finding(f);
        assert_eq!(
            v.get("function_arn"),
            Some("arn:aws:lambda:us-east-1:123456789012:function:notify")
        );
        assert_eq!(v.get("function_name"), Some("notify"));
    }
}

/// The function a deploy tool's wrapper names: Terraform's `creating Lambda Function (NAME)`
/// (also updating/reading/deleting), or an echoed `--function-name NAME`.
pub fn wrapper_function_name(text: &str) -> Option<String> {
    static WRAPPER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?:(?i:creating|updating|reading|deleting|waiting for) Lambda Function \(|--function-name[ =])([A-Za-z0-9_-]{1,64})\b",
        )
        .expect("a valid pattern")
    });
    WRAPPER
        .captures(text)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
}

#[cfg(test)]
mod wrapper_tests {
    #[test]
    fn names_the_function_a_wrapper_was_working_on() {
        let tf =
            "Error: creating Lambda Function (orders-api): operation error Lambda: CreateFunction";
        assert_eq!(
            super::wrapper_function_name(tf).as_deref(),
            Some("orders-api")
        );
        assert_eq!(
            super::wrapper_function_name("aws lambda invoke --function-name my_fn out.json")
                .as_deref(),
            Some("my_fn")
        );
        assert_eq!(super::wrapper_function_name("creating IAM Role (x)"), None);
    }
}
