//! The smallest change that turns an implicit deny into Allowed, in the right place, proven
//! by evaluating again. An explicit deny or a missing SCP/RCP Allow gets no Allow: it says who
//! has to change what instead.

use super::model::{Policy, parse_policy};
use super::request::{Caller, ContextValue, Request, session_role_arn};
use super::{Decision, Evaluation, Layer, PolicySet, evaluate};
use serde_json::{Value, json};

/// Where an added statement goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The caller's identity-based policy.
    Identity,
    /// The resource-based policy (function policy, bucket policy, trust policy, key policy).
    Resource,
    Boundary,
    Session,
}

/// One statement to add.
#[derive(Debug, Clone, PartialEq)]
pub struct Addition {
    pub place: Place,
    pub statement: Value,
    /// An aws CLI command that makes this change, when one exists (`aws lambda add-permission`).
    pub command: Option<String>,
}

/// The outcome of fix synthesis.
#[derive(Debug, Clone, PartialEq)]
pub enum Proposal {
    /// Already allowed.
    NothingToFix,
    /// Add these statements; the request was evaluated again with them and is Allowed.
    Add(Vec<Addition>),
    /// No Allow can fix it: who must change what.
    CannotFix { layer: Layer, who: String },
}

/// The IAM identity behind the caller: the role for a session.
fn iam_arn(req: &Request) -> String {
    match req.caller() {
        Caller::Session => {
            session_role_arn(&req.principal).unwrap_or_else(|| req.principal.clone())
        }
        _ => req.principal.clone(),
    }
}

fn statement_for(place: Place, req: &Request) -> Addition {
    let resource = req.resource.clone();
    let mut st = json!({"Sid": "LambdaDoctorFix", "Effect": "Allow", "Action": req.action, "Resource": resource});
    let mut command = None;
    if place == Place::Resource {
        let action = req.action.to_ascii_lowercase();
        let trust_or_key = action.starts_with("sts:assumerole") || action.starts_with("kms:");
        if req.caller() == Caller::Service {
            st["Principal"] = json!({"Service": req.principal});
            let mut cond = serde_json::Map::new();
            if let Some(ContextValue::One(a)) = req.get("aws:SourceArn") {
                cond.insert("ArnLike".into(), json!({"AWS:SourceArn": a}));
            }
            if let Some(ContextValue::One(a)) = req.get("aws:SourceAccount") {
                cond.insert("StringEquals".into(), json!({"AWS:SourceAccount": a}));
            }
            if !cond.is_empty() {
                st["Condition"] = Value::Object(cond);
            }
        } else {
            st["Principal"] = json!({"AWS": iam_arn(req)});
        }
        if trust_or_key {
            // Trust and key policies name no resource: the policy's own role or key is it.
            if let Some(o) = st.as_object_mut() {
                o.remove("Resource");
                if action.starts_with("kms:") {
                    o.insert("Resource".into(), json!("*"));
                }
            }
        }
        if action.starts_with("lambda:") && req.resource.contains(":function:") {
            command = Some(add_permission(req));
        }
    }
    Addition {
        place,
        statement: st,
        command,
    }
}

/// `aws lambda add-permission` for a function-policy grant.
fn add_permission(req: &Request) -> String {
    let parts: Vec<&str> = req.resource.split(':').collect();
    let name = parts.get(6).copied().unwrap_or("<FUNCTION>");
    let qualifier = parts
        .get(7)
        .map(|q| format!(" --qualifier {q}"))
        .unwrap_or_default();
    let principal = if req.caller() == Caller::Service {
        req.principal.clone()
    } else {
        iam_arn(req)
    };
    let mut cmd = format!(
        "aws lambda add-permission --function-name {name}{qualifier} --statement-id lambda-doctor-fix --action {} --principal {principal}",
        req.action
    );
    if let Some(ContextValue::One(a)) = req.get("aws:SourceArn") {
        cmd.push_str(&format!(" --source-arn {a}"));
    }
    if let Some(ContextValue::One(a)) = req.get("aws:SourceAccount") {
        cmd.push_str(&format!(" --source-account {a}"));
    }
    cmd
}

fn add_to(set: &mut PolicySet, a: &Addition) {
    let doc = json!({"Version": "2012-10-17", "Statement": [a.statement.clone()]});
    let Ok(p) = parse_policy(&doc, "$") else {
        return;
    };
    let stmt = p.statements[0].clone();
    let push = |target: &mut Option<Policy>| match target {
        Some(pol) => {
            let mut s = stmt.clone();
            s.index = pol.statements.len();
            pol.statements.push(s);
        }
        None => *target = Some(p.clone()),
    };
    match a.place {
        Place::Identity => set.identity.push(p.clone()),
        Place::Resource => push(&mut set.resource),
        Place::Boundary => push(&mut set.boundary),
        Place::Session => push(&mut set.session),
    }
}

/// Proposes the smallest fix for `req` under `set`, verified by evaluating again.
pub fn propose(set: &PolicySet, req: &Request) -> Proposal {
    let mut current = set.clone();
    let mut additions: Vec<Addition> = Vec::new();
    // Each round closes one gate; a request needs at most identity, resource, boundary and
    // session — four rounds — plus one to confirm.
    for _ in 0..5 {
        let ev = evaluate(&current, req);
        match ev.decision {
            Decision::Allowed => {
                return if additions.is_empty() {
                    Proposal::NothingToFix
                } else {
                    Proposal::Add(additions)
                };
            }
            Decision::ExplicitlyDenied => return cannot(&ev),
            Decision::ImplicitlyDenied => {}
        }
        let place = match ev.denied_by {
            Some(Layer::Scp) | Some(Layer::Rcp) => return cannot(&ev),
            Some(Layer::Boundary) => Place::Boundary,
            Some(Layer::Session) => Place::Session,
            Some(Layer::Resource) => Place::Resource,
            Some(Layer::Identity) | None => {
                if req.caller() == Caller::Service {
                    Place::Resource
                } else {
                    Place::Identity
                }
            }
        };
        // Cross-account needs both sides; trust and key policies need the resource side.
        let a = statement_for(place, req);
        if additions.iter().any(|x| x.place == a.place) {
            // Adding the same kind twice did not help: something else blocks.
            return cannot(&ev);
        }
        add_to(&mut current, &a);
        additions.push(a);
    }
    cannot(&evaluate(&current, req))
}

fn cannot(ev: &Evaluation) -> Proposal {
    let layer = ev.denied_by.unwrap_or(Layer::Identity);
    let who = match (ev.decision, layer) {
        (Decision::ExplicitlyDenied, Layer::Scp) => "an explicit Deny in a service control policy: only the organization's administrators can narrow it".to_string(),
        (Decision::ExplicitlyDenied, Layer::Rcp) => "an explicit Deny in a resource control policy: only the organization's administrators can narrow it".to_string(),
        (Decision::ExplicitlyDenied, l) => format!(
            "an explicit Deny in the {} policy wins over any Allow: whoever owns it must remove or narrow that statement, or the request must stop matching its condition",
            l.as_str()
        ),
        (_, Layer::Scp) => "a service control policy level has no Allow for this action: the organization's administrators must add one".into(),
        (_, Layer::Rcp) => "a resource control policy level has no Allow for this action: the organization's administrators must add one".into(),
        (_, l) => format!("a condition in the {} policy still blocks the request", l.as_str()),
    };
    Proposal::CannotFix { layer, who }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::simulate::parse_case;

    fn case(
        policies: Value,
        principal: &str,
        action: &str,
        resource: &str,
        ctx: Value,
    ) -> (PolicySet, Request) {
        let c = parse_case(
            &json!({"policies": policies, "request": {"principal": principal, "action": action, "resource": resource, "context": ctx}}),
            "$",
        )
        .expect("case");
        (c.policies, c.request)
    }

    #[test]
    fn identity_gap_gets_an_identity_statement() {
        let (set, req) = case(
            json!({"identity": []}),
            "arn:aws:iam::123456789012:user/mary",
            "iam:PassRole",
            "arn:aws:iam::123456789012:role/exec",
            json!({}),
        );
        let Proposal::Add(a) = propose(&set, &req) else {
            panic!("a fix")
        };
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].place, Place::Identity);
        assert_eq!(
            a[0].statement["Resource"],
            "arn:aws:iam::123456789012:role/exec"
        );
    }

    #[test]
    fn service_invoke_gets_add_permission_with_source() {
        let (set, req) = case(
            json!({"resource": null}),
            "s3.amazonaws.com",
            "lambda:InvokeFunction",
            "arn:aws:lambda:us-east-1:123456789012:function:thumbs",
            json!({"aws:SourceArn": "arn:aws:s3:::photos", "aws:SourceAccount": "123456789012"}),
        );
        let Proposal::Add(a) = propose(&set, &req) else {
            panic!("a fix")
        };
        assert_eq!(a[0].place, Place::Resource);
        assert_eq!(
            a[0].command.as_deref(),
            Some(
                "aws lambda add-permission --function-name thumbs --statement-id lambda-doctor-fix --action lambda:InvokeFunction --principal s3.amazonaws.com --source-arn arn:aws:s3:::photos --source-account 123456789012"
            )
        );
    }

    #[test]
    fn cross_account_needs_both_sides() {
        let (set, req) = case(
            json!({}),
            "arn:aws:sts::111111111111:assumed-role/app/s",
            "lambda:InvokeFunction",
            "arn:aws:lambda:us-east-1:222222222222:function:f:live",
            json!({}),
        );
        let Proposal::Add(a) = propose(&set, &req) else {
            panic!("a fix")
        };
        let places: Vec<Place> = a.iter().map(|x| x.place).collect();
        assert_eq!(places, [Place::Identity, Place::Resource]);
        assert_eq!(
            a[1].statement["Principal"]["AWS"],
            "arn:aws:iam::111111111111:role/app"
        );
        assert!(
            a[1].command
                .as_deref()
                .is_some_and(|c| c.contains("--qualifier live"))
        );
    }

    #[test]
    fn boundary_gap_goes_to_the_boundary() {
        let (set, req) = case(
            json!({"identity": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}],
                   "boundary": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}),
            "arn:aws:iam::123456789012:role/r",
            "logs:PutLogEvents",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*",
            json!({}),
        );
        let Proposal::Add(a) = propose(&set, &req) else {
            panic!("a fix")
        };
        assert_eq!(
            a.iter().map(|x| x.place).collect::<Vec<_>>(),
            [Place::Boundary]
        );
    }

    #[test]
    fn explicit_deny_and_scp_are_not_fixed_with_an_allow() {
        let (set, req) = case(
            json!({"identity": [{"Statement": [{"Effect": "Deny", "Action": "lambda:*", "Resource": "*"}]}]}),
            "arn:aws:iam::123456789012:user/u",
            "lambda:GetFunction",
            "arn:aws:lambda:us-east-1:123456789012:function:f",
            json!({}),
        );
        assert!(matches!(
            propose(&set, &req),
            Proposal::CannotFix {
                layer: Layer::Identity,
                ..
            }
        ));
        let (set, req) = case(
            json!({"identity": [{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}],
                   "scp": [{"target": "r-root", "policies": [{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}]}]}),
            "arn:aws:iam::123456789012:user/u",
            "lambda:GetFunction",
            "arn:aws:lambda:us-east-1:123456789012:function:f",
            json!({}),
        );
        assert!(matches!(
            propose(&set, &req),
            Proposal::CannotFix {
                layer: Layer::Scp,
                ..
            }
        ));
    }

    #[test]
    fn trust_policy_gap_names_the_role() {
        let (set, req) = case(
            json!({"resource": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}),
            "lambda.amazonaws.com",
            "sts:AssumeRole",
            "arn:aws:iam::123456789012:role/exec",
            json!({}),
        );
        let Proposal::Add(a) = propose(&set, &req) else {
            panic!("a fix")
        };
        assert_eq!(
            a[0].statement["Principal"]["Service"],
            "lambda.amazonaws.com"
        );
        assert!(a[0].statement.get("Resource").is_none());
    }
}
