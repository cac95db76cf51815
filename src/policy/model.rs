//! Policy documents as the evaluator sees them, parsed from every form AWS hands them out in:
//! a JSON object, a JSON string inside JSON (Lambda's GetPolicy), or URL-encoded JSON (IAM's
//! GetRole / GetRolePolicy / GetPolicyVersion). Malformed documents are refused with the JSON
//! path of the defect; nothing here panics.

use serde_json::Value;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Action` / `NotAction`, `Resource` / `NotResource`: the values and whether they are negated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matcher {
    pub not: bool,
    pub values: Vec<String>,
    /// For `Action`: the lower-case service prefixes the patterns name, when none of them
    /// has a wildcard in its prefix — a statement for other services is skipped at once.
    pub services: Option<Vec<String>>,
}

impl Matcher {
    fn new(not: bool, values: Vec<String>, action: bool) -> Matcher {
        let services = (action && !not)
            .then(|| {
                values
                    .iter()
                    .map(|v| match v.split_once(':') {
                        Some((p, _)) if !p.contains(['*', '?']) => Some(p.to_ascii_lowercase()),
                        _ => None,
                    })
                    .collect::<Option<Vec<String>>>()
            })
            .flatten();
        Matcher {
            not,
            values,
            services,
        }
    }

    /// Whether the statement can concern an action of service `svc` (lower case).
    pub fn may_cover_service(&self, svc: &str) -> bool {
        match &self.services {
            Some(list) => list.iter().any(|s| s == svc),
            None => true,
        }
    }
}

/// The `Principal` / `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalBlock {
    pub not: bool,
    /// `"*"` (everyone, anonymous included).
    pub any: bool,
    /// (kind, value): kind is `AWS`, `Service`, `Federated` or `CanonicalUser`.
    pub entries: Vec<(String, String)>,
}

/// One condition: operator, key, policy values.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// As written, for explanations ("StringEquals").
    pub operator: String,
    pub op: Operator,
    pub set: SetOp,
    pub if_exists: bool,
    /// As written; looked up case-insensitively.
    pub key: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    Single,
    ForAllValues,
    ForAnyValue,
}

/// The base operator, with its negation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    StringEquals { not: bool, ignore_case: bool },
    StringLike { not: bool },
    Numeric { not: bool, cmp: Cmp },
    Date { not: bool, cmp: Cmp },
    Bool,
    BinaryEquals,
    IpAddress { not: bool },
    Arn { not: bool, like: bool },
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Operator {
    pub fn negated(self) -> bool {
        match self {
            Operator::StringEquals { not, .. }
            | Operator::StringLike { not }
            | Operator::Numeric { not, .. }
            | Operator::Date { not, .. }
            | Operator::IpAddress { not }
            | Operator::Arn { not, .. } => not,
            _ => false,
        }
    }

    /// Parses a base operator name ("StringNotEqualsIgnoreCase", "DateLessThan"...).
    pub fn parse(name: &str) -> Option<Operator> {
        use Cmp::*;
        let cmp = |rest: &str| -> Option<(bool, Cmp)> {
            Some(match rest {
                "Equals" => (false, Eq),
                "NotEquals" => (true, Eq),
                "LessThan" => (false, Lt),
                "LessThanEquals" => (false, Le),
                "GreaterThan" => (false, Gt),
                "GreaterThanEquals" => (false, Ge),
                _ => return None,
            })
        };
        let op = match name {
            "StringEquals" => Operator::StringEquals {
                not: false,
                ignore_case: false,
            },
            "StringNotEquals" => Operator::StringEquals {
                not: true,
                ignore_case: false,
            },
            "StringEqualsIgnoreCase" => Operator::StringEquals {
                not: false,
                ignore_case: true,
            },
            "StringNotEqualsIgnoreCase" => Operator::StringEquals {
                not: true,
                ignore_case: true,
            },
            "StringLike" => Operator::StringLike { not: false },
            "StringNotLike" => Operator::StringLike { not: true },
            "Bool" => Operator::Bool,
            "BinaryEquals" => Operator::BinaryEquals,
            "IpAddress" => Operator::IpAddress { not: false },
            "NotIpAddress" => Operator::IpAddress { not: true },
            "ArnEquals" => Operator::Arn {
                not: false,
                like: false,
            },
            "ArnLike" => Operator::Arn {
                not: false,
                like: true,
            },
            "ArnNotEquals" => Operator::Arn {
                not: true,
                like: false,
            },
            "ArnNotLike" => Operator::Arn {
                not: true,
                like: true,
            },
            "Null" => Operator::Null,
            n if n.starts_with("Numeric") => {
                let (not, c) = cmp(&n["Numeric".len()..])?;
                Operator::Numeric { not, cmp: c }
            }
            n if n.starts_with("Date") => {
                let (not, c) = cmp(&n["Date".len()..])?;
                Operator::Date { not, cmp: c }
            }
            _ => return None,
        };
        Some(op)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub action: Option<Matcher>,
    pub resource: Option<Matcher>,
    pub principal: Option<PrincipalBlock>,
    pub conditions: Vec<Condition>,
    /// Position in the policy, for explanations.
    pub index: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub version: Option<String>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

impl Policy {
    /// Whether `${...}` policy variables are active (they need Version 2012-10-17).
    pub fn variables_enabled(&self) -> bool {
        self.version.as_deref() == Some("2012-10-17")
    }
}

/// A defect in a document: where (JSON path) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub path: String,
    pub reason: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

impl std::error::Error for ParseError {}

fn err(path: &str, reason: impl Into<String>) -> ParseError {
    ParseError {
        path: path.to_string(),
        reason: reason.into(),
    }
}

/// Decodes `%XX` escapes (and `+` as space), as IAM returns policy documents.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'%' => return None,
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Parses a policy document given as a JSON value: an object, or a string holding JSON or
/// URL-encoded JSON.
pub fn parse_policy(v: &Value, path: &str) -> Result<Policy, ParseError> {
    match v {
        Value::Object(_) => parse_object(v, path),
        Value::String(s) => {
            let t = s.trim();
            let decoded;
            let text = if t.starts_with('%') || (t.contains("%22") && !t.starts_with('{')) {
                decoded = percent_decode(t).ok_or_else(|| err(path, "bad URL encoding"))?;
                decoded.as_str()
            } else {
                t
            };
            let inner: Value = serde_json::from_str(text)
                .map_err(|e| err(path, format!("not a JSON policy document: {e}")))?;
            parse_policy(&inner, path)
        }
        _ => Err(err(path, "a policy document must be a JSON object")),
    }
}

/// Parses a policy document from text (JSON, or URL-encoded JSON).
pub fn parse_policy_text(text: &str) -> Result<Policy, ParseError> {
    parse_policy(&Value::String(text.to_string()), "$")
}

fn parse_object(v: &Value, path: &str) -> Result<Policy, ParseError> {
    let o = v.as_object().expect("checked by the caller");
    for k in o.keys() {
        if !matches!(k.as_str(), "Version" | "Id" | "Statement") {
            return Err(err(&format!("{path}.{k}"), "unknown element"));
        }
    }
    let version = match o.get("Version") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(err(&format!("{path}.Version"), "must be a string")),
    };
    let id = o.get("Id").and_then(Value::as_str).map(str::to_string);
    let sp = format!("{path}.Statement");
    let statements = match o.get("Statement") {
        None => return Err(err(&sp, "missing")),
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, s)| parse_statement(s, &format!("{sp}[{i}]"), i))
            .collect::<Result<Vec<_>, _>>()?,
        Some(s @ Value::Object(_)) => vec![parse_statement(s, &sp, 0)?],
        Some(_) => return Err(err(&sp, "must be an object or an array of objects")),
    };
    Ok(Policy {
        version,
        id,
        statements,
    })
}

/// The longest value (an action, a resource, a principal, a condition value) a policy can
/// hold: AWS's largest policy document (a KMS key policy) is 32 KB. A longer one is refused with
/// its path, which also bounds the cost of matching a pattern with `?` (bit-parallel, in
/// O(text × pattern / 64)).
pub const MAX_POLICY_VALUE: usize = 32 * 1024;

fn bounded(s: &str, path: &str) -> Result<String, ParseError> {
    if s.len() > MAX_POLICY_VALUE {
        return Err(err(
            path,
            format!(
                "{} characters: longer than any policy AWS accepts ({MAX_POLICY_VALUE})",
                s.len()
            ),
        ));
    }
    Ok(s.to_string())
}

/// A string or an array of strings.
fn strings(v: &Value, path: &str) -> Result<Vec<String>, ParseError> {
    match v {
        Value::String(s) => Ok(vec![bounded(s, path)?]),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, x)| match x {
                Value::String(s) => bounded(s, &format!("{path}[{i}]")),
                _ => Err(err(&format!("{path}[{i}]"), "must be a string")),
            })
            .collect(),
        _ => Err(err(path, "must be a string or an array of strings")),
    }
}

/// Condition values may be strings, numbers or booleans, alone or in an array.
fn condition_values(v: &Value, path: &str) -> Result<Vec<String>, ParseError> {
    let one = |x: &Value, p: &str| -> Result<String, ParseError> {
        match x {
            Value::String(s) => bounded(s, p),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            _ => Err(err(
                p,
                "a condition value must be a string, number or boolean",
            )),
        }
    };
    match v {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, x)| one(x, &format!("{path}[{i}]")))
            .collect(),
        x => Ok(vec![one(x, path)?]),
    }
}

fn pair(
    o: &serde_json::Map<String, Value>,
    path: &str,
    yes: &str,
    no: &str,
) -> Result<Option<Matcher>, ParseError> {
    match (o.get(yes), o.get(no)) {
        (Some(_), Some(_)) => Err(err(path, format!("has both {yes} and {no}"))),
        (Some(v), None) => Ok(Some(Matcher::new(
            false,
            strings(v, &format!("{path}.{yes}"))?,
            yes == "Action",
        ))),
        (None, Some(v)) => Ok(Some(Matcher::new(
            true,
            strings(v, &format!("{path}.{no}"))?,
            yes == "Action",
        ))),
        (None, None) => Ok(None),
    }
}

fn parse_principal(v: &Value, not: bool, path: &str) -> Result<PrincipalBlock, ParseError> {
    let mut b = PrincipalBlock {
        not,
        any: false,
        entries: vec![],
    };
    match v {
        Value::String(s) if s == "*" => b.any = true,
        // Only "*" may be a bare string in AWS; an ARN written bare is read as {"AWS": ARN}.
        Value::String(s) => b.entries.push(("AWS".into(), s.clone())),
        Value::Object(o) => {
            for (kind, vals) in o {
                if !matches!(
                    kind.as_str(),
                    "AWS" | "Service" | "Federated" | "CanonicalUser"
                ) {
                    return Err(err(&format!("{path}.{kind}"), "unknown principal type"));
                }
                for s in strings(vals, &format!("{path}.{kind}"))? {
                    if kind == "AWS" && s == "*" {
                        b.any = true;
                    }
                    b.entries.push((kind.clone(), s));
                }
            }
        }
        _ => return Err(err(path, "must be \"*\" or an object")),
    }
    Ok(b)
}

fn parse_statement(v: &Value, path: &str, index: usize) -> Result<Statement, ParseError> {
    let o = v
        .as_object()
        .ok_or_else(|| err(path, "a statement must be an object"))?;
    for k in o.keys() {
        if !matches!(
            k.as_str(),
            "Sid"
                | "Effect"
                | "Action"
                | "NotAction"
                | "Resource"
                | "NotResource"
                | "Principal"
                | "NotPrincipal"
                | "Condition"
        ) {
            return Err(err(&format!("{path}.{k}"), "unknown element"));
        }
    }
    let effect = match o.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        Some(other) => {
            return Err(err(
                &format!("{path}.Effect"),
                format!("must be \"Allow\" or \"Deny\", not {other:?}"),
            ));
        }
        None => return Err(err(&format!("{path}.Effect"), "missing")),
    };
    let sid = match o.get("Sid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(err(&format!("{path}.Sid"), "must be a string")),
    };
    let action = pair(o, path, "Action", "NotAction")?;
    if action.is_none() {
        return Err(err(
            &format!("{path}.Action"),
            "missing (Action or NotAction)",
        ));
    }
    let resource = pair(o, path, "Resource", "NotResource")?;
    let principal = match (o.get("Principal"), o.get("NotPrincipal")) {
        (Some(_), Some(_)) => return Err(err(path, "has both Principal and NotPrincipal")),
        (Some(p), None) => Some(parse_principal(p, false, &format!("{path}.Principal"))?),
        (None, Some(p)) => Some(parse_principal(p, true, &format!("{path}.NotPrincipal"))?),
        (None, None) => None,
    };
    let mut conditions = Vec::new();
    if let Some(c) = o.get("Condition") {
        let cp = format!("{path}.Condition");
        let co = c
            .as_object()
            .ok_or_else(|| err(&cp, "must be an object of operators"))?;
        for (operator, block) in co {
            let op_path = format!("{cp}.{operator}");
            let (set, rest) = if let Some(r) = operator.strip_prefix("ForAllValues:") {
                (SetOp::ForAllValues, r)
            } else if let Some(r) = operator.strip_prefix("ForAnyValue:") {
                (SetOp::ForAnyValue, r)
            } else {
                (SetOp::Single, operator.as_str())
            };
            let (base, if_exists) = match rest.strip_suffix("IfExists") {
                Some(b) if b != "Null" => (b, true),
                _ => (rest, false),
            };
            let op =
                Operator::parse(base).ok_or_else(|| err(&op_path, "unknown condition operator"))?;
            let bo = block
                .as_object()
                .ok_or_else(|| err(&op_path, "must be an object of condition keys"))?;
            for (key, vals) in bo {
                conditions.push(Condition {
                    operator: operator.clone(),
                    op,
                    set,
                    if_exists,
                    key: key.clone(),
                    values: condition_values(vals, &format!("{op_path}.{key}"))?,
                });
            }
        }
    }
    Ok(Statement {
        sid,
        effect,
        action,
        resource,
        principal,
        conditions,
        index,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_every_form() {
        let doc = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b/*"]}});
        let p = parse_policy(&doc, "$").expect("object");
        assert_eq!(p.statements.len(), 1);
        let as_string = Value::String(doc.to_string());
        assert_eq!(parse_policy(&as_string, "$").expect("string"), p);
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22lambda.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
        let t = parse_policy_text(encoded).expect("url-encoded");
        assert_eq!(
            t.statements[0]
                .principal
                .as_ref()
                .expect("principal")
                .entries,
            vec![("Service".to_string(), "lambda.amazonaws.com".to_string())]
        );
    }

    #[test]
    fn defects_have_a_path() {
        let cases = [
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, {"Effect": "Maybe", "Action": "x:y"}]}),
                "$.Statement[1].Effect",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Resource": "*"}]}),
                "$.Statement[0].Action",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": 3}]}),
                "$.Statement[0].Action",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "x:y", "Condition": {"StringEqualz": {"a": "b"}}}]}),
                "$.Statement[0].Condition.StringEqualz",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "x:y", "Condition": {"StringEquals": {"a": {"b": 1}}}}]}),
                "$.Statement[0].Condition.StringEquals.a",
            ),
            (json!({"Version": "2012-10-17"}), "$.Statement"),
            (json!([1, 2]), "$"),
        ];
        for (doc, path) in cases {
            let e = parse_policy(&doc, "$").expect_err("malformed");
            assert_eq!(e.path, path, "{e}");
        }
    }

    #[test]
    fn operators() {
        assert_eq!(
            Operator::parse("NumericLessThanEquals"),
            Some(Operator::Numeric {
                not: false,
                cmp: Cmp::Le
            })
        );
        assert_eq!(
            Operator::parse("DateNotEquals"),
            Some(Operator::Date {
                not: true,
                cmp: Cmp::Eq
            })
        );
        assert_eq!(Operator::parse("StringEqualz"), None);
        let doc = json!({"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"ForAnyValue:StringNotEqualsIfExists": {"aws:TagKeys": ["a", "b"]}, "Null": {"aws:MultiFactorAuthAge": true}}}});
        let p = parse_policy(&doc, "$").expect("parses");
        let c = &p.statements[0].conditions;
        assert_eq!(c[0].set, SetOp::ForAnyValue);
        assert!(c[0].if_exists && c[0].op.negated());
        assert_eq!(c[1].op, Operator::Null);
        assert_eq!(c[1].values, vec!["true"]);
    }
}
