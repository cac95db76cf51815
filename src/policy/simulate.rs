//! The `simulate` input format (DESIGN.md; the same schema as the evaluation corpus): policies
//! and a request, one case or an array of cases. Every defect is reported with its JSON path.

use super::model::{ParseError, Policy, parse_policy};
use super::request::{ContextValue, Request};
use super::{Evaluation, PolicySet};
use serde_json::{Value, json};

/// One case to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub policies: PolicySet,
    pub request: Request,
}

fn err(path: &str, reason: &str) -> ParseError {
    ParseError {
        path: path.to_string(),
        reason: reason.to_string(),
    }
}

/// Parses one case or an array of cases. Returns whether the input was an array.
pub fn parse_cases(v: &Value) -> Result<(Vec<Case>, bool), ParseError> {
    match v {
        Value::Array(a) => {
            let cases = a
                .iter()
                .enumerate()
                .map(|(i, c)| parse_case(c, &format!("$[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((cases, true))
        }
        Value::Object(_) => Ok((vec![parse_case(v, "$")?], false)),
        _ => Err(err("$", "expected a case object or an array of cases")),
    }
}

fn opt_policy(v: Option<&Value>, path: &str) -> Result<Option<Policy>, ParseError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(p) => parse_policy(p, path).map(Some),
    }
}

fn levels(v: Option<&Value>, path: &str) -> Result<Option<Vec<Vec<Policy>>>, ParseError> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let a = v.as_array().ok_or_else(|| {
        err(
            path,
            "expected an array of levels: [{\"target\": ..., \"policies\": [...]}]",
        )
    })?;
    let mut out = Vec::new();
    for (i, level) in a.iter().enumerate() {
        let lp = format!("{path}[{i}]");
        let pols = match level {
            Value::Object(o) => o
                .get("policies")
                .ok_or_else(|| err(&format!("{lp}.policies"), "missing"))?,
            // A bare list of policies per level is accepted too.
            Value::Array(_) => level,
            _ => return Err(err(&lp, "expected an object with \"policies\"")),
        };
        let pa = pols.as_array().ok_or_else(|| {
            err(
                &format!("{lp}.policies"),
                "expected an array of policy documents",
            )
        })?;
        out.push(
            pa.iter()
                .enumerate()
                .map(|(j, p)| parse_policy(p, &format!("{lp}.policies[{j}]")))
                .collect::<Result<Vec<_>, _>>()?,
        );
    }
    Ok(Some(out))
}

fn req_str<'a>(
    o: &'a serde_json::Map<String, Value>,
    k: &str,
    path: &str,
) -> Result<&'a str, ParseError> {
    match o.get(k) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(_) => Err(err(&format!("{path}.{k}"), "expected a non-empty string")),
        None => Err(err(&format!("{path}.{k}"), "missing")),
    }
}

fn opt_str<'a>(
    o: &'a serde_json::Map<String, Value>,
    k: &str,
    path: &str,
) -> Result<Option<&'a str>, ParseError> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(err(&format!("{path}.{k}"), "expected a string or null")),
    }
}

pub fn parse_case(v: &Value, path: &str) -> Result<Case, ParseError> {
    let o = v
        .as_object()
        .ok_or_else(|| err(path, "expected an object"))?;
    let pp = format!("{path}.policies");
    let p = o
        .get("policies")
        .ok_or_else(|| err(&pp, "missing"))?
        .as_object()
        .ok_or_else(|| err(&pp, "expected an object"))?;
    let identity = match p.get("identity") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, d)| parse_policy(d, &format!("{pp}.identity[{i}]")))
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => {
            return Err(err(
                &format!("{pp}.identity"),
                "expected an array of policy documents",
            ));
        }
    };
    let policies = PolicySet {
        identity,
        resource: opt_policy(p.get("resource"), &format!("{pp}.resource"))?,
        scp: levels(p.get("scp"), &format!("{pp}.scp"))?,
        rcp: levels(p.get("rcp"), &format!("{pp}.rcp"))?,
        boundary: opt_policy(p.get("boundary"), &format!("{pp}.boundary"))?,
        session: opt_policy(p.get("session"), &format!("{pp}.session"))?,
    };
    let rp = format!("{path}.request");
    let r = o
        .get("request")
        .ok_or_else(|| err(&rp, "missing"))?
        .as_object()
        .ok_or_else(|| err(&rp, "expected an object"))?;
    let action = req_str(r, "action", &rp)?;
    if !action.contains(':') && action != "*" {
        return Err(err(&format!("{rp}.action"), "expected service:Action"));
    }
    let mut request = Request::new(
        req_str(r, "principal", &rp)?,
        action,
        req_str(r, "resource", &rp)?,
        opt_str(r, "principal_account", &rp)?,
        opt_str(r, "resource_account", &rp)?,
    );
    match r.get("context") {
        None | Some(Value::Null) => {}
        Some(Value::Object(ctx)) => {
            for (k, v) in ctx {
                let cp = format!("{rp}.context.{k}");
                let value = match v {
                    Value::String(s) => ContextValue::One(s.clone()),
                    Value::Number(n) => ContextValue::One(n.to_string()),
                    Value::Bool(b) => ContextValue::One(b.to_string()),
                    Value::Array(a) => ContextValue::Many(
                        a.iter()
                            .enumerate()
                            .map(|(i, x)| match x {
                                Value::String(s) => Ok(s.clone()),
                                Value::Number(n) => Ok(n.to_string()),
                                Value::Bool(b) => Ok(b.to_string()),
                                _ => Err(err(
                                    &format!("{cp}[{i}]"),
                                    "expected a string, number or boolean",
                                )),
                            })
                            .collect::<Result<Vec<_>, _>>()?,
                    ),
                    _ => return Err(err(&cp, "expected a string, number, boolean or array")),
                };
                request.set(k, value);
            }
        }
        Some(_) => return Err(err(&format!("{rp}.context"), "expected an object")),
    }
    Ok(Case { policies, request })
}

/// The proposed fix as JSON: the statements to add (verified) or who must change what.
pub fn proposal_json(p: &super::synth::Proposal) -> Value {
    use super::synth::{Place, Proposal};
    match p {
        Proposal::NothingToFix => Value::Null,
        Proposal::Add(adds) => json!({
            "kind": "add",
            "changes": adds.iter().map(|a| json!({
                "place": match a.place {
                    Place::Identity => "identity",
                    Place::Resource => "resource",
                    Place::Boundary => "boundary",
                    Place::Session => "session",
                },
                "statement": a.statement,
                "command": a.command,
            })).collect::<Vec<_>>(),
        }),
        Proposal::CannotFix { layer, who } => {
            json!({"kind": "cannot", "layer": layer.as_str(), "who": who})
        }
    }
}

/// The DESIGN.md JSON of one evaluation, with the proposed fix.
pub fn case_json(c: &Case, e: &Evaluation) -> Value {
    let mut v = result_json(e);
    v["fix"] = proposal_json(&super::synth::propose(&c.policies, &c.request));
    v
}

/// The DESIGN.md JSON of one evaluation.
pub fn result_json(e: &Evaluation) -> Value {
    json!({
        "decision": e.decision,
        "denied_by": e.denied_by.map(|l| l.as_str()),
        "statements": e.statements.iter().map(|s| json!({
            "policy": s.policy,
            "sid": s.sid,
            "effect": s.effect,
            "index": s.index,
        })).collect::<Vec<_>>(),
        "reasons": e.reasons,
    })
}
