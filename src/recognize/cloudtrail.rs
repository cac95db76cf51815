//! CloudTrail records pasted as JSON: one event, a `{"Records": [...]}` file, or the output
//! of `aws cloudtrail lookup-events` (whose events hold the record as a JSON string).

use super::classify::{Hints, caller, classify};
use super::services::{action_for_operation, prefix_for_event_source};
use super::{Candidate, Context, Finding};
use serde_json::Value;

const DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "Client.UnauthorizedOperation",
    "UnauthorizedOperation",
    "AuthorizationError",
];

/// `Some(findings)` when the text is CloudTrail JSON (possibly with no denied record);
/// `None` when it is not, so the text detectors run instead.
pub fn detect(text: &str) -> Option<Vec<Candidate>> {
    let t = text.trim();
    if !(t.starts_with('{') || t.starts_with('[')) || !t.contains("eventSource") {
        return None;
    }
    let value: Value = serde_json::from_str(t).ok()?;
    let mut records = Vec::new();
    collect(&value, &mut records, 0);
    if records.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for (i, r) in records.iter().enumerate() {
        if let Some(f) = finding(r) {
            out.push(Candidate {
                start: i,
                end: i,
                finding: f,
                generic: false,
            });
        }
    }
    Some(out)
}

fn collect(v: &Value, out: &mut Vec<Value>, depth: usize) {
    if depth > 6 || out.len() > 10_000 {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| collect(x, out, depth + 1)),
        Value::Object(o) => {
            if o.contains_key("eventSource") && o.contains_key("eventName") {
                out.push(v.clone());
                return;
            }
            if let Some(Value::String(s)) = o.get("CloudTrailEvent") {
                if let Ok(inner) = serde_json::from_str::<Value>(s) {
                    collect(&inner, out, depth + 1);
                }
                return;
            }
            o.values().for_each(|x| collect(x, out, depth + 1));
        }
        _ => {}
    }
}

fn s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str()
}

fn finding(r: &Value) -> Option<Finding> {
    let code = s(r, &["errorCode"])?;
    if !DENIED.contains(&code) {
        return None;
    }
    let source = s(r, &["eventSource"])?;
    let name = s(r, &["eventName"])?;
    let message = s(r, &["errorMessage"]).unwrap_or("");
    let prefix = prefix_for_event_source(source);
    let action = prefix.as_deref().map(|p| action_for_operation(p, name));
    let principal = s(r, &["userIdentity", "arn"])
        .map(str::to_string)
        .or_else(|| s(r, &["userIdentity", "invokedBy"]).map(str::to_string));

    // The message itself often is the full IAM form: reuse its details.
    let redacted = crate::redact::redact(message);
    let lower = redacted.to_ascii_lowercase();
    let ctx = Context::new(&redacted, &lower);
    let mut inner = Vec::new();
    super::iam::detect(&ctx, &mut inner);
    let mut f = match inner.into_iter().next() {
        Some(c) => c.finding,
        None => Finding::new(super::Category::OtherPermission, &redacted),
    };
    if f.action.is_none() {
        f.action = action;
    }
    if f.principal_arn.is_none() {
        f.principal_arn = principal;
    }
    if f.resource.is_none() {
        f.resource = r
            .get("resources")
            .and_then(|x| x.get(0))
            .and_then(|x| x.get("ARN"))
            .and_then(Value::as_str)
            .map(str::to_string);
    }
    f.operation = Some(name.to_string());
    f.error_code = Some(code.to_string());
    let hints = Hints::from_lower(&lower);
    let p = f.principal();
    f.category = classify(f.action.as_deref(), p.as_ref(), hints);
    f.caller = caller(p.as_ref(), hints);
    if f.excerpt.is_empty() {
        f.excerpt = super::one_line(&format!("{code}: {source} {name}"), 400);
    }
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::super::{Category, recognize};

    #[test]
    fn records_file() {
        let t = r#"{"Records": [
          {"eventSource": "lambda.amazonaws.com", "eventName": "GetFunction20150331v2",
           "errorCode": "AccessDeniedException",
           "errorMessage": "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: lambda:GetFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:f because no identity-based policy allows the lambda:GetFunction action",
           "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/dev"}},
          {"eventSource": "s3.amazonaws.com", "eventName": "GetObject", "userIdentity": {"arn": "x"}},
          {"eventSource": "ec2.amazonaws.com", "eventName": "CreateNetworkInterface",
           "errorCode": "Client.UnauthorizedOperation", "errorMessage": "You are not authorized to perform this operation.",
           "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::123456789012:assumed-role/fn-role/fn"}}
        ]}"#;
        let f = recognize(t);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].category, Category::IdentityNotAuthorized);
        assert_eq!(f[0].action.as_deref(), Some("lambda:GetFunction"));
        assert_eq!(f[1].category, Category::VpcEni);
        assert_eq!(f[1].action.as_deref(), Some("ec2:CreateNetworkInterface"));
        assert_eq!(
            f[1].principal_arn.as_deref(),
            Some("arn:aws:sts::123456789012:assumed-role/fn-role/fn")
        );
    }

    #[test]
    fn lookup_events_output() {
        let event = serde_json::json!({
            "eventSource": "lambda.amazonaws.com", "eventName": "AddPermission20150331v2",
            "errorCode": "AccessDenied",
            "errorMessage": "User: arn:aws:sts::123456789012:assumed-role/deployer/ci is not authorized to perform: lambda:AddPermission on resource: arn:aws:lambda:us-east-1:123456789012:function:f",
            "userIdentity": {"arn": "arn:aws:sts::123456789012:assumed-role/deployer/ci"}
        });
        let out =
            serde_json::json!({"Events": [{"EventId": "1", "CloudTrailEvent": event.to_string()}]});
        let f = recognize(&serde_json::to_string_pretty(&out).expect("json"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].action.as_deref(), Some("lambda:AddPermission"));
        assert_eq!(f[0].category, Category::IdentityNotAuthorized);
        assert_eq!(f[0].operation.as_deref(), Some("AddPermission20150331v2"));
    }

    #[test]
    fn records_without_denials_give_nothing() {
        let t = r#"{"Records": [{"eventSource": "s3.amazonaws.com", "eventName": "GetObject"}]}"#;
        assert!(recognize(t).is_empty());
    }
}
