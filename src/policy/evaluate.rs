//! The decision procedure (see `../shared/reference/iam-evaluation.md` §3): collect matching
//! statements per layer, any Deny wins, then the grant rules, then the guardrails.

use super::PolicySet;
use super::condition::holds;
use super::matching::{action_matches, resource_matches};
use super::model::{Effect, Policy, PrincipalBlock, Statement};
use super::request::{Caller, Request, account_of, caller_kind, session_role_arn};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Decision {
    Allowed,
    ImplicitlyDenied,
    ExplicitlyDenied,
}

/// A policy layer, as `simulate` names it in `denied_by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    Identity,
    Resource,
    Scp,
    Rcp,
    Boundary,
    Session,
}

impl Layer {
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Identity => "identity",
            Layer::Resource => "resource",
            Layer::Scp => "scp",
            Layer::Rcp => "rcp",
            Layer::Boundary => "boundary",
            Layer::Session => "session",
        }
    }
}

/// A statement that matched the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchedStatement {
    /// Which policy: "identity[0]", "resource", "scp[1][0]", "boundary"...
    pub policy: String,
    pub layer: Layer,
    pub sid: Option<String>,
    pub index: usize,
    pub effect: Effect,
}

/// The decision and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub decision: Decision,
    pub denied_by: Option<Layer>,
    /// Every layer that denies (an explicit deny can come from several).
    pub denying_layers: Vec<Layer>,
    /// The statements that decided: the Denies for an explicit deny, the Allows used for an
    /// allow, the Allows that were not enough for an implicit deny.
    pub statements: Vec<MatchedStatement>,
    /// Why, in sentences (which layer lacks an Allow, which condition failed).
    pub reasons: Vec<String>,
}

/// How a resource-policy statement's principal matches the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum PrincipalMatch {
    No,
    /// The caller's account (root ARN or account id): delegates to identity policies.
    Account,
    /// A role ARN covering the caller's session, or a user covering its federated session:
    /// limited by boundary and session policy.
    Parent,
    /// The exact principal (user, session, service...).
    Direct,
    /// `"*"`.
    Wildcard,
}

fn principal_match(block: &PrincipalBlock, req: &Request) -> PrincipalMatch {
    if block.any {
        return PrincipalMatch::Wildcard;
    }
    let p = &req.principal;
    let kind = caller_kind(p);
    let mut best = PrincipalMatch::No;
    for (ptype, value) in &block.entries {
        let m = match ptype.as_str() {
            "Service" | "Federated" | "CanonicalUser" => {
                if value.eq_ignore_ascii_case(p) {
                    PrincipalMatch::Direct
                } else {
                    PrincipalMatch::No
                }
            }
            _ => aws_principal_match(value, p, kind, req),
        };
        best = best.max(m);
    }
    best
}

fn aws_principal_match(value: &str, p: &str, kind: Caller, req: &Request) -> PrincipalMatch {
    if value == "*" {
        return PrincipalMatch::Wildcard;
    }
    if value == p {
        return PrincipalMatch::Direct;
    }
    if kind == Caller::Service || kind == Caller::Anonymous {
        return PrincipalMatch::No;
    }
    let account = req.principal_account.as_deref();
    // Account: "123456789012" or "arn:aws:iam::123456789012:root".
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        return if account == Some(value) {
            PrincipalMatch::Account
        } else {
            PrincipalMatch::No
        };
    }
    if value.ends_with(":root") && value.starts_with("arn:") {
        return if account_of(value).as_deref() == account {
            if kind == Caller::Root {
                PrincipalMatch::Direct
            } else {
                PrincipalMatch::Account
            }
        } else {
            PrincipalMatch::No
        };
    }
    // A role ARN (possibly with a path) covers its sessions.
    if kind == Caller::Session
        && let Some(role) = session_role_arn(p)
        && same_role(value, &role)
    {
        return PrincipalMatch::Parent;
    }
    if kind == Caller::Role && same_role(value, p) {
        return PrincipalMatch::Direct;
    }
    // A user covering its federated session.
    if kind == Caller::Federated
        && let (Some(acct), Some(name)) = (account_of(p), p.rsplit('/').next())
        && account_of(value).as_deref() == Some(acct.as_str())
        && value.contains(":user/")
        && value.rsplit('/').next() == Some(name)
    {
        return PrincipalMatch::Parent;
    }
    PrincipalMatch::No
}

/// Role ARNs equal up to the path: `role/path/name` names the same role as `role/name`.
fn same_role(a: &str, b: &str) -> bool {
    let name = |s: &str| s.rsplit('/').next().map(str::to_string);
    a.contains(":role/")
        && b.contains(":role/")
        && account_of(a) == account_of(b)
        && name(a) == name(b)
}

/// Whether a statement's Action, Resource and Condition match (Principal is separate).
fn statement_applies(s: &Statement, req: &Request, vars: bool) -> bool {
    let action_ok = match &s.action {
        Some(m) if !m.may_cover_service(req.service()) => false,
        Some(m) => {
            let any = m.values.iter().any(|a| action_matches(a, &req.action));
            any != m.not
        }
        None => false,
    };
    if !action_ok {
        return false;
    }
    let resource_ok = match &s.resource {
        Some(m) => {
            let v = vars.then_some(req);
            let any = m
                .values
                .iter()
                .any(|r| resource_matches(r, &req.resource, v));
            any != m.not
        }
        // Trust policies and some resource policies imply the resource.
        None => true,
    };
    resource_ok && s.conditions.iter().all(|c| holds(c, req, vars))
}

struct LayerResult {
    allows: Vec<MatchedStatement>,
    denies: Vec<MatchedStatement>,
    /// For resource policies: the strongest principal match among matching Allows.
    allow_kinds: Vec<PrincipalMatch>,
}

fn scan(
    policies: &[(&Policy, Label)],
    layer: Layer,
    req: &Request,
    principal_required: bool,
    has_boundary: bool,
) -> LayerResult {
    let mut r = LayerResult {
        allows: vec![],
        denies: vec![],
        allow_kinds: vec![],
    };
    for (policy, label) in policies {
        let vars = policy.variables_enabled();
        for s in &policy.statements {
            let pm = match &s.principal {
                None if principal_required => continue,
                None => PrincipalMatch::Wildcard,
                Some(b) if b.not => {
                    // NotPrincipal: applies to everyone not listed, and only an exact entry
                    // exempts — naming the account or the role does not exempt its users or
                    // sessions (the docs list the session ARN explicitly for that).
                    // Documented quirk: a Deny with NotPrincipal always applies to a principal
                    // with a boundary.
                    let listed = matches!(
                        principal_match(
                            &PrincipalBlock {
                                not: false,
                                ..b.clone()
                            },
                            req
                        ),
                        PrincipalMatch::Direct | PrincipalMatch::Wildcard
                    );
                    if (s.effect == Effect::Deny && has_boundary) || !listed {
                        PrincipalMatch::Wildcard
                    } else {
                        continue;
                    }
                }
                Some(b) => match principal_match(b, req) {
                    PrincipalMatch::No => continue,
                    m => m,
                },
            };
            if !statement_applies(s, req, vars) {
                continue;
            }
            let m = MatchedStatement {
                policy: label.render(),
                layer,
                sid: s.sid.clone(),
                index: s.index,
                effect: s.effect,
            };
            match s.effect {
                Effect::Allow => {
                    r.allows.push(m);
                    r.allow_kinds.push(pm);
                }
                Effect::Deny => r.denies.push(m),
            }
        }
    }
    r
}

/// Which policy a statement came from; rendered only for statements that match.
#[derive(Debug, Clone, Copy)]
enum Label {
    Identity(usize),
    Resource,
    Boundary,
    Session,
    Level(&'static str, usize, usize),
}

impl Label {
    fn render(self) -> String {
        match self {
            Label::Identity(i) => format!("identity[{i}]"),
            Label::Resource => "resource".into(),
            Label::Boundary => "boundary".into(),
            Label::Session => "session".into(),
            Label::Level(name, l, p) => format!("{name}[{l}][{p}]"),
        }
    }
}

/// IAM actions that change a role or policy (anything but reading it).
fn iam_write(action: &str) -> bool {
    let op = action.split_once(':').map(|(_, o)| o).unwrap_or("");
    let op = op.to_ascii_lowercase();
    !(op.starts_with("get")
        || op.starts_with("list")
        || op.starts_with("generate")
        || op.starts_with("simulate"))
}

/// Evaluates `req` against `set`, explaining an implicit deny down to the statements that
/// almost applied (which Resource or condition key failed).
pub fn evaluate(set: &PolicySet, req: &Request) -> Evaluation {
    evaluate_with(set, req, true)
}

/// Evaluates without the near-miss explanations: for bulk checks that need the decision only.
pub fn decide(set: &PolicySet, req: &Request) -> Evaluation {
    evaluate_with(set, req, false)
}

fn evaluate_with(set: &PolicySet, req: &Request, explain: bool) -> Evaluation {
    let caller = req.caller();
    let action = req.action.to_ascii_lowercase();
    let mut reasons = Vec::new();

    // sts:GetCallerIdentity answers for any authenticated caller, whatever the policies say.
    if action == "sts:getcalleridentity" && caller != Caller::Anonymous {
        return Evaluation {
            decision: Decision::Allowed,
            denied_by: None,
            denying_layers: vec![],
            statements: vec![],
            reasons: vec![
                "sts:GetCallerIdentity is always allowed for an authenticated caller".into(),
            ],
        };
    }

    let has_boundary = set.boundary.is_some();
    let identity_pols: Vec<(&Policy, Label)> = set
        .identity
        .iter()
        .enumerate()
        .map(|(i, p)| (p, Label::Identity(i)))
        .collect();
    let identity = scan(&identity_pols, Layer::Identity, req, false, has_boundary);
    let resource = set.resource.as_ref().map(|p| {
        scan(
            &[(p, Label::Resource)],
            Layer::Resource,
            req,
            true,
            has_boundary,
        )
    });
    let boundary = set.boundary.as_ref().map(|p| {
        scan(
            &[(p, Label::Boundary)],
            Layer::Boundary,
            req,
            false,
            has_boundary,
        )
    });
    let session = set.session.as_ref().map(|p| {
        scan(
            &[(p, Label::Session)],
            Layer::Session,
            req,
            false,
            has_boundary,
        )
    });

    // Guardrails: SCPs do not apply to service principals or service-linked roles; RCPs not
    // to service principals.
    let service_linked = req.principal.contains(":role/aws-service-role/")
        || req.principal.contains("AWSServiceRoleFor");
    let scp_applies = caller != Caller::Service && !service_linked;
    let levels = |levels: &Option<Vec<Vec<Policy>>>,
                  name: &'static str,
                  layer: Layer|
     -> Option<Vec<LayerResult>> {
        levels.as_ref().map(|ls| {
            ls.iter()
                .enumerate()
                .map(|(li, pols)| {
                    let labelled: Vec<(&Policy, Label)> = pols
                        .iter()
                        .enumerate()
                        .map(|(pi, p)| (p, Label::Level(name, li, pi)))
                        .collect();
                    scan(&labelled, layer, req, false, has_boundary)
                })
                .collect()
        })
    };
    let scp = if scp_applies {
        levels(&set.scp, "scp", Layer::Scp)
    } else {
        None
    };
    let rcp = if caller != Caller::Service {
        levels(&set.rcp, "rcp", Layer::Rcp)
    } else {
        None
    };

    // 1. Any Deny wins.
    let mut denies: Vec<MatchedStatement> = Vec::new();
    let mut denying_layers = Vec::new();
    let mut note = |layer: Layer, ds: &[MatchedStatement], denies: &mut Vec<MatchedStatement>| {
        if !ds.is_empty() {
            if !denying_layers.contains(&layer) {
                denying_layers.push(layer);
            }
            denies.extend_from_slice(ds);
        }
    };
    for l in scp.iter().flatten() {
        note(Layer::Scp, &l.denies, &mut denies);
    }
    for l in rcp.iter().flatten() {
        note(Layer::Rcp, &l.denies, &mut denies);
    }
    note(Layer::Identity, &identity.denies, &mut denies);
    if let Some(r) = &resource {
        note(Layer::Resource, &r.denies, &mut denies);
    }
    if let Some(b) = &boundary {
        note(Layer::Boundary, &b.denies, &mut denies);
    }
    if let Some(s) = &session {
        note(Layer::Session, &s.denies, &mut denies);
    }
    if !denies.is_empty() {
        for d in &denies {
            reasons.push(format!(
                "explicit Deny in {} (statement {}{})",
                d.policy,
                d.index,
                d.sid
                    .as_deref()
                    .map(|s| format!(", Sid {s}"))
                    .unwrap_or_default()
            ));
        }
        return Evaluation {
            decision: Decision::ExplicitlyDenied,
            denied_by: denying_layers.first().copied(),
            denying_layers,
            statements: denies,
            reasons,
        };
    }

    // 2. Grant rules.
    let identity_allows = !identity.allows.is_empty();
    let boundary_ok = boundary.as_ref().is_none_or(|b| !b.allows.is_empty());
    let session_ok = session.as_ref().is_none_or(|s| !s.allows.is_empty());
    let id_ok = identity_allows && boundary_ok && session_ok;
    let kinds: &[PrincipalMatch] = resource
        .as_ref()
        .map(|r| r.allow_kinds.as_slice())
        .unwrap_or(&[]);
    let unbounded_direct = kinds.iter().any(|k| match k {
        PrincipalMatch::Wildcard => true,
        PrincipalMatch::Direct => caller != Caller::Role || (boundary_ok && session_ok),
        _ => false,
    });
    let bounded = kinds.contains(&PrincipalMatch::Parent) && boundary_ok && session_ok;
    let rp_direct_ok = unbounded_direct || bounded;
    let rp_any = kinds.iter().any(|k| *k != PrincipalMatch::No);
    let rp_account = kinds.contains(&PrincipalMatch::Account);

    let trust_or_key = (action.starts_with("sts:assumerole") && set.resource.is_some())
        || (action.starts_with("kms:") && req.resource.contains(":key/"));
    let (core, blocked) = if caller == Caller::Service {
        let ok = kinds
            .iter()
            .any(|k| matches!(k, PrincipalMatch::Direct | PrincipalMatch::Wildcard));
        if !ok {
            reasons.push("a service principal is granted only by the resource-based policy, and it does not allow this".into());
        }
        (ok, Layer::Resource)
    } else if req.same_account() {
        if trust_or_key {
            let ok = rp_direct_ok || (rp_account && id_ok);
            if !ok {
                reasons.push(if rp_account {
                    "the trust/key policy delegates to the account, but the identity side does not allow".into()
                } else {
                    "a role trust policy or KMS key policy must allow this principal (or its account), and it does not".into()
                });
            }
            let blocked = if rp_account {
                identity_gap(identity_allows, boundary_ok, session_ok)
            } else {
                Layer::Resource
            };
            (ok, blocked)
        } else {
            let ok = id_ok || rp_direct_ok;
            if !ok {
                reasons.push(match identity_gap(identity_allows, boundary_ok, session_ok) {
                    Layer::Boundary => "the permissions boundary does not allow this action".into(),
                    Layer::Session => "the session policy does not allow this action".into(),
                    _ => "no identity-based policy allows this action, and no resource-based policy grants it to this principal".into(),
                });
            }
            // A resource-policy grant to the role was there, and the boundary or session
            // policy is what limited it.
            let bounded_grant = kinds.iter().any(|k| {
                *k == PrincipalMatch::Parent
                    || (*k == PrincipalMatch::Direct && caller == Caller::Role)
            });
            let blocked = if bounded_grant && !boundary_ok {
                Layer::Boundary
            } else if bounded_grant && !session_ok {
                Layer::Session
            } else {
                identity_gap(identity_allows, boundary_ok, session_ok)
            };
            (ok, blocked)
        }
    } else {
        let ok = id_ok && rp_any;
        if !ok {
            reasons.push(if !id_ok {
                "cross-account: the caller's identity side does not allow this action".into()
            } else {
                "cross-account: the resource-based policy does not allow this principal or its account".into()
            });
        }
        let blocked = if !id_ok {
            identity_gap(identity_allows, boundary_ok, session_ok)
        } else {
            Layer::Resource
        };
        (ok, blocked)
    };
    let mut used: Vec<MatchedStatement> = identity.allows.clone();
    if let Some(r) = &resource {
        used.extend(r.allows.iter().cloned());
    }
    if !core {
        let misses = match blocked {
            _ if !explain => vec![],
            Layer::Identity => near_misses(&identity_pols, req, false),
            Layer::Resource => set
                .resource
                .as_ref()
                .map(|p| near_misses(&[(p, Label::Resource)], req, true))
                .unwrap_or_default(),
            Layer::Boundary => set
                .boundary
                .as_ref()
                .map(|p| near_misses(&[(p, Label::Boundary)], req, false))
                .unwrap_or_default(),
            Layer::Session => set
                .session
                .as_ref()
                .map(|p| near_misses(&[(p, Label::Session)], req, false))
                .unwrap_or_default(),
            _ => vec![],
        };
        reasons.extend(misses);
        return implicit(blocked, used, reasons);
    }

    // 3. Guardrails: every SCP and RCP level needs an Allow.
    for (layer, ls) in [(Layer::Scp, &scp), (Layer::Rcp, &rcp)] {
        if let Some(ls) = ls {
            for (i, l) in ls.iter().enumerate() {
                if l.allows.is_empty() {
                    reasons.push(format!(
                        "no {} at level {i} allows this action",
                        layer.as_str()
                    ));
                    return implicit(layer, used, reasons);
                }
                used.extend(l.allows.iter().cloned());
            }
        }
    }
    if let Some(b) = &boundary {
        used.extend(b.allows.iter().cloned());
    }
    if let Some(s) = &session {
        used.extend(s.allows.iter().cloned());
    }

    // 4. Service rules: AWS-managed policies and /aws-reserved/ roles cannot be changed.
    let r = &req.resource;
    if action.starts_with("iam:")
        && ((r.contains(":iam::aws:policy/") && iam_write(&action))
            || (r.contains(":role/aws-reserved/")
                && (iam_write(&action) || action == "iam:passrole")))
    {
        reasons.push(
            "AWS-managed policies and /aws-reserved/ roles cannot be changed or passed".into(),
        );
        return implicit(Layer::Resource, used, reasons);
    }

    Evaluation {
        decision: Decision::Allowed,
        denied_by: None,
        denying_layers: vec![],
        statements: used,
        reasons,
    }
}

/// Statements of `policies` whose Action matches but that still do not apply, with why: the
/// Resource that does not match, the principal that is not named, or the condition key and
/// value that failed.
fn near_misses(
    policies: &[(&Policy, Label)],
    req: &Request,
    principal_required: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    for (policy, label) in policies {
        let vars = policy.variables_enabled();
        for s in &policy.statements {
            if s.effect != Effect::Allow {
                continue;
            }
            let action_ok = s.action.as_ref().is_some_and(|m| {
                m.may_cover_service(req.service())
                    && m.values.iter().any(|a| action_matches(a, &req.action)) != m.not
            });
            if !action_ok {
                continue;
            }
            let at = format!(
                "{} statement {}{}",
                label.render(),
                s.index,
                s.sid
                    .as_deref()
                    .map(|x| format!(" ({x})"))
                    .unwrap_or_default()
            );
            if principal_required {
                match &s.principal {
                    None => {
                        out.push(format!("{at}: has no Principal"));
                        continue;
                    }
                    Some(b) if !b.not && principal_match(b, req) == PrincipalMatch::No => {
                        out.push(format!(
                            "{at}: its Principal does not name {}",
                            req.principal
                        ));
                        continue;
                    }
                    _ => {}
                }
            }
            if let Some(m) = &s.resource {
                let v = vars.then_some(req);
                if m.values
                    .iter()
                    .any(|r| resource_matches(r, &req.resource, v))
                    == m.not
                {
                    let what = if m.not { "NotResource" } else { "Resource" };
                    out.push(format!(
                        "{at}: {what} {} does not cover {}",
                        m.values.join(", "),
                        req.resource
                    ));
                    continue;
                }
            }
            if let Some(c) = s.conditions.iter().find(|c| !holds(c, req, vars)) {
                let have = match req.get(&c.key) {
                    None => "the request has no such key".to_string(),
                    Some(super::request::ContextValue::One(v)) => format!("the request has {v:?}"),
                    Some(super::request::ContextValue::Many(v)) => format!("the request has {v:?}"),
                };
                out.push(format!(
                    "{at}: condition {} {} {:?} is false ({have})",
                    c.operator, c.key, c.values
                ));
            }
        }
    }
    out
}

fn identity_gap(identity_allows: bool, boundary_ok: bool, session_ok: bool) -> Layer {
    if !identity_allows {
        Layer::Identity
    } else if !boundary_ok {
        Layer::Boundary
    } else if !session_ok {
        Layer::Session
    } else {
        Layer::Identity
    }
}

fn implicit(layer: Layer, statements: Vec<MatchedStatement>, reasons: Vec<String>) -> Evaluation {
    Evaluation {
        decision: Decision::ImplicitlyDenied,
        denied_by: Some(layer),
        denying_layers: vec![layer],
        statements,
        reasons,
    }
}
