//! Planning a fix from a check's facts. The planner edits a copy of the function's evidence
//! one step at a time — grant where a layer lacks an Allow, narrow the Deny where one denies,
//! remove or scope an open statement — running the check again after each step, until it
//! passes. Checks that passed before and fail after the edit are repaired the same way. The
//! edited copy is then compared with the original: each document that differs becomes one
//! [`Change`]. Nothing here reads words: facts in, documents out.

use super::{Change, ChangeKind, Reason, Setting, Target, new_document, statements_mut};
use crate::checks::{Answer, CheckId, Fact, KeyPolicyGap, Outcome, Severity, Subject};
use crate::evidence::{FunctionEvidence, Read};
use crate::policy::{Decision, Layer};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The most edits one plan makes before it gives up (each edit clears at least one request,
/// so a real plan needs far fewer).
const MAX_STEPS: usize = 64;

/// A planned fix: the changes, and the evidence with them applied.
#[derive(Debug, Clone)]
pub struct Plan {
    pub changes: Vec<Change>,
    /// Why the plan stops short, when it does.
    pub stuck: Option<Reason>,
}

/// The changes that fix one failed check of `ev`.
/// `before`: the checks that fail on `ev` (see [`failing_in`]).
pub fn for_finding(ev: &FunctionEvidence, o: &Outcome, before: &BTreeSet<CheckId>) -> Plan {
    if o.severity == Severity::Info {
        return Plan {
            changes: vec![],
            stuck: Some(Reason::Information),
        };
    }
    let mut p = Planner::new(ev, &inline_name(o.id), before);
    let stuck = p.repair(o.id).and_then(|()| p.keep_passing()).err();
    Plan {
        changes: diff(ev, &p.work),
        stuck,
    }
}

/// One set of changes that fixes every error and warning of `ev` at once.
pub fn combined(ev: &FunctionEvidence, failed: &[&Outcome], before: &BTreeSet<CheckId>) -> Plan {
    let mut p = Planner::new(ev, "lambda-doctor-fixes", before);
    let mut stuck = None;
    for o in failed.iter().filter(|o| o.severity != Severity::Info) {
        if let Err(r) = p.repair(o.id) {
            stuck.get_or_insert(r);
        }
    }
    if let Err(r) = p.keep_passing() {
        stuck.get_or_insert(r);
    }
    Plan {
        changes: diff(ev, &p.work),
        stuck,
    }
}

/// The inline policy a check's grants go to.
fn inline_name(id: CheckId) -> String {
    let id = id.as_str();
    let short = id.split('.').nth(1).unwrap_or(id).replace('_', "-");
    format!("lambda-doctor-{short}")
}

struct Planner {
    work: FunctionEvidence,
    /// The inline policy grants go to (a name the role does not use yet).
    inline: String,
    failed_before: BTreeSet<CheckId>,
}

impl Planner {
    fn new(before: &FunctionEvidence, inline: &str, failed_before: &BTreeSet<CheckId>) -> Planner {
        let taken: Vec<String> = before
            .role
            .ok()
            .and_then(|r| r.policies.ok())
            .map(|ps| ps.iter().map(|p| p.name.clone()).collect())
            .unwrap_or_default();
        let mut name = inline.to_string();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{inline}-{n}");
            n += 1;
        }
        Planner {
            work: before.clone(),
            inline: name,
            failed_before: failed_before.clone(),
        }
    }

    /// Edits until check `id` passes (or does not apply).
    fn repair(&mut self, id: CheckId) -> Result<(), Reason> {
        for _ in 0..MAX_STEPS {
            let o = match self.work.docs().answer(id) {
                Answer::Outcome(o) if o.failed => o,
                _ => return Ok(()),
            };
            self.step(&o)?;
        }
        Err(Reason::StillFails { check: id })
    }

    /// Repairs the checks the edits so far made fail (detaching a deprecated policy can take
    /// the logs permission with it).
    fn keep_passing(&mut self) -> Result<(), Reason> {
        for _ in 0..8 {
            let now = failing(&self.work);
            let broken: Vec<CheckId> = now.difference(&self.failed_before).copied().collect();
            if broken.is_empty() {
                return Ok(());
            }
            for id in broken {
                self.repair(id)?;
            }
        }
        Ok(())
    }

    /// One edit towards making `o` pass.
    fn step(&mut self, o: &Outcome) -> Result<(), Reason> {
        match o.id {
            CheckId::RoleMissing => Err(Reason::RoleMissing),
            CheckId::RoleBoundary => {
                let check = o.evidence.iter().find_map(|f| match f {
                    Fact::BoundaryBlocks { check, .. } => Some(*check),
                    _ => None,
                });
                match check {
                    Some(c) => self.repair(c),
                    None => Err(Reason::StillFails { check: o.id }),
                }
            }
            CheckId::PolicyDeprecated => {
                let old: Vec<&str> = o
                    .evidence
                    .iter()
                    .filter_map(|f| match f {
                        Fact::Deprecated { arn } => Some(arn.as_str()),
                        _ => None,
                    })
                    .collect();
                let policies = self.policies()?;
                policies.retain(|p| !(p.managed && old.contains(&p.name.as_str())));
                Ok(())
            }
            CheckId::ResourcePublic | CheckId::ResourceConfusedDeputy => self.scope_statements(o),
            CheckId::ResourceUrlPublic => match &mut self.work.url {
                Read::Ok { value } => {
                    value.auth_type = "AWS_IAM".into();
                    Ok(())
                }
                _ => Err(Reason::NotHeld {
                    target: Target::None,
                }),
            },
            _ => {
                if let Some(key) = o.evidence.iter().find_map(|f| match f {
                    Fact::KeyAbsent { key } => Some(key.clone()),
                    _ => None,
                }) {
                    return Err(Reason::KeyAbsent { key });
                }
                let denied = o.evidence.iter().find(|f| {
                    matches!(f, Fact::Decision { decision, .. } if *decision != Decision::Allowed)
                });
                match denied {
                    Some(f) => self.grant(o.id, f),
                    None => Err(Reason::StillFails { check: o.id }),
                }
            }
        }
    }

    /// Removes public statements; adds a source-account condition to open service statements.
    fn scope_statements(&mut self, o: &Outcome) -> Result<(), Reason> {
        let account = self
            .work
            .config
            .arn
            .split(':')
            .nth(4)
            .unwrap_or("")
            .to_string();
        let Read::Ok { value: doc } = &mut self.work.resource_policy else {
            return Err(Reason::NotHeld {
                target: Target::Resource,
            });
        };
        let stmts = statements_mut(doc);
        for f in &o.evidence {
            match f {
                Fact::PublicStatement { statement } => {
                    if statement.sid.is_none() {
                        return Err(Reason::NoStatementId);
                    }
                    if statement.index < stmts.len() {
                        stmts.remove(statement.index);
                    }
                    // Indexes after it moved: the check runs again for the rest.
                    return Ok(());
                }
                Fact::SourceOpen { statement } => {
                    if statement.sid.is_none() {
                        return Err(Reason::NoStatementId);
                    }
                    let Some(s) = stmts.get_mut(statement.index) else {
                        return Err(Reason::StillFails { check: o.id });
                    };
                    let cond = &mut s["Condition"];
                    if !cond.is_object() {
                        *cond = json!({});
                    }
                    let eq = &mut cond["StringEquals"];
                    if !eq.is_object() {
                        *eq = json!({});
                    }
                    eq["AWS:SourceAccount"] = Value::String(account.clone());
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Grants (or un-denies) the request of one decision fact, in the layer that decides it.
    fn grant(&mut self, id: CheckId, f: &Fact) -> Result<(), Reason> {
        let Fact::Decision {
            subject,
            action,
            resource,
            decision,
            denied_by,
            statement,
            ..
        } = f
        else {
            return Err(Reason::StillFails { check: id });
        };
        let resource = resource.clone().unwrap_or_else(|| "*".into());
        let sid = sid_for(id);
        match (subject, decision) {
            (_, Decision::ExplicitlyDenied) => {
                let Some(st) = statement else {
                    return Err(Reason::DenyNotLocated);
                };
                let policy = st.policy.as_deref().unwrap_or("");
                let doc = match (subject, policy) {
                    (Subject::Trust, _) => self.trust()?,
                    (_, "boundary") => self.boundary()?,
                    (Subject::Key, "resource") => self.key()?,
                    (_, name) if name.contains(":iam::aws:policy/") => {
                        return Err(Reason::AwsManagedDeny {
                            policy: name.into(),
                        });
                    }
                    (_, name) => {
                        let p = self
                            .policies()?
                            .iter_mut()
                            .find(|p| p.name == name)
                            .ok_or(Reason::DenyNotLocated)?;
                        match &mut p.document {
                            Read::Ok { value } => value,
                            _ => {
                                return Err(Reason::NotHeld {
                                    target: Target::Identity,
                                });
                            }
                        }
                    }
                };
                narrow_deny(doc, st.index, action)
            }
            (Subject::Trust, _) => {
                let stmts = statements_mut(self.trust()?);
                let sid = unique_sid(stmts, "LambdaDoctorTrustLambda");
                stmts.push(json!({
                    "Sid": sid,
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }));
                Ok(())
            }
            (_, _) => match denied_by {
                Some(Layer::Boundary) => {
                    add_allow(self.boundary()?, &sid, action, &grant_resource(&resource));
                    Ok(())
                }
                Some(Layer::Resource) if *subject == Subject::Key => {
                    let role = self.work.config.role.clone();
                    let stmts = statements_mut(self.key()?);
                    let sid = unique_sid(stmts, "LambdaDoctorRoleDecrypt");
                    stmts.push(json!({
                        "Sid": sid,
                        "Effect": "Allow",
                        "Principal": {"AWS": role},
                        "Action": action,
                        "Resource": "*",
                    }));
                    Ok(())
                }
                Some(Layer::Identity) | None => {
                    let name = self.inline.clone();
                    let policies = self.policies()?;
                    let at = match policies.iter().position(|p| !p.managed && p.name == name) {
                        Some(i) => i,
                        None => {
                            policies.push(crate::evidence::RolePolicy {
                                name: name.clone(),
                                managed: false,
                                document: Read::Ok {
                                    value: new_document(),
                                },
                            });
                            policies.len() - 1
                        }
                    };
                    let Read::Ok { value } = &mut policies[at].document else {
                        unreachable!("created as read above");
                    };
                    add_allow(value, &sid, action, &grant_resource(&resource));
                    Ok(())
                }
                Some(other) => Err(Reason::NotHeld {
                    target: layer_target(*other),
                }),
            },
        }
    }

    fn role(&mut self) -> Result<&mut crate::evidence::RoleEvidence, Reason> {
        match &mut self.work.role {
            Read::Ok { value } => Ok(value),
            _ => Err(Reason::RoleMissing),
        }
    }

    fn policies(&mut self) -> Result<&mut Vec<crate::evidence::RolePolicy>, Reason> {
        match &mut self.role()?.policies {
            Read::Ok { value } => Ok(value),
            _ => Err(Reason::NotHeld {
                target: Target::Identity,
            }),
        }
    }

    fn trust(&mut self) -> Result<&mut Value, Reason> {
        Ok(&mut self.role()?.trust_policy)
    }

    fn boundary(&mut self) -> Result<&mut Value, Reason> {
        let role = self.role()?;
        if let Some(arn) = role
            .boundary_arn
            .as_deref()
            .filter(|a| a.contains(":iam::aws:policy/"))
        {
            // An AWS managed boundary cannot get a new version: another boundary is needed.
            return Err(Reason::AwsManagedBoundary { policy: arn.into() });
        }
        match &mut role.boundary {
            Some(Read::Ok { value }) => Ok(value),
            _ => Err(Reason::NotHeld {
                target: Target::Boundary,
            }),
        }
    }

    fn key(&mut self) -> Result<&mut Value, Reason> {
        match &mut self.work.kms_key_policy {
            Some(Read::Ok { value }) => Ok(value),
            _ => Err(Reason::KeyPolicyNotRead),
        }
    }
}

/// The error and warning checks that fail (or cannot be answered) on `ev`.
pub fn failing(ev: &FunctionEvidence) -> BTreeSet<CheckId> {
    failing_in(&ev.docs().answers())
}

/// The error and warning checks that fail (or cannot be answered) among `answers`.
pub fn failing_in(answers: &[Answer]) -> BTreeSet<CheckId> {
    answers
        .iter()
        .filter_map(|a| match a {
            Answer::Outcome(o) if o.failed && o.severity != Severity::Info => Some(o.id),
            Answer::Unanswered(u) => Some(u.id),
            _ => None,
        })
        .collect()
}

/// Whether the key policy behind a role.kms answer was assumed rather than read.
pub(crate) fn key_policy_assumed(ev: &FunctionEvidence) -> bool {
    match ev.docs().answer(CheckId::RoleKms) {
        Answer::Outcome(o) => o.evidence.iter().any(|f| {
            matches!(
                f,
                Fact::KeyPolicyAssumed(KeyPolicyGap::NotRead | KeyPolicyGap::Unreadable { .. })
            )
        }),
        _ => false,
    }
}

fn layer_target(l: Layer) -> Target {
    match l {
        Layer::Identity => Target::Identity,
        Layer::Resource => Target::Resource,
        Layer::Scp => Target::Scp,
        Layer::Rcp => Target::Rcp,
        Layer::Boundary => Target::Boundary,
        Layer::Session => Target::Session,
    }
}

/// The Sid a check's added statements use (letters and digits only, as IAM requires).
fn sid_for(id: CheckId) -> String {
    let mut s = String::from("LambdaDoctor");
    for part in id.as_str().split(['.', '_']) {
        let mut c = part.chars();
        if let Some(f) = c.next() {
            s.push(f.to_ascii_uppercase());
            s.extend(c);
        }
    }
    s
}

/// What to grant for a request's resource: a log stream's whole log group (streams are
/// created per invocation), otherwise the resource itself.
fn grant_resource(resource: &str) -> String {
    match resource.find(":log-stream:") {
        Some(i) => format!("{}:*", &resource[..i]),
        None => resource.to_string(),
    }
}

/// Adds `action` on `resource` to the statement with Sid `sid…` for that resource, or a new
/// statement.
fn add_allow(doc: &mut Value, sid: &str, action: &str, resource: &str) {
    let stmts = statements_mut(doc);
    let same = stmts.iter_mut().find(|s| {
        s["Sid"].as_str().is_some_and(|x| x.starts_with(sid))
            && s["Effect"] == "Allow"
            && s["Resource"] == resource
    });
    match same {
        Some(s) => {
            let list = match s["Action"].take() {
                Value::Array(a) => a,
                Value::String(one) => vec![Value::String(one)],
                _ => vec![],
            };
            let mut list = list;
            if !list.iter().any(|a| a == action) {
                list.push(Value::String(action.into()));
            }
            s["Action"] = Value::Array(list);
        }
        None => {
            let sid = unique_sid(stmts, sid);
            stmts.push(json!({
                "Sid": sid,
                "Effect": "Allow",
                "Action": [action],
                "Resource": resource,
            }));
        }
    }
}

/// `base`, or `base2`, `base3`... — the first Sid no statement of `stmts` uses.
fn unique_sid(stmts: &[Value], base: &str) -> String {
    let taken = |sid: &str| stmts.iter().any(|s| s["Sid"].as_str() == Some(sid));
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|s| !taken(s))
        .expect("an unused Sid exists")
}

/// Narrows the Deny at `index` so it no longer covers `action`: the action, named exactly
/// (case-insensitively), is taken out of its list (the statement goes when nothing is left);
/// a `NotAction` Deny gets the action added to its exceptions. A Deny that covers the action
/// through a wildcard, or only under a condition, guards more than this request: narrowing it
/// is its owner's decision (`Err(WideDeny)`). `Err(DenyNotLocated)` when there is no such
/// Deny.
fn narrow_deny(doc: &mut Value, index: usize, action: &str) -> Result<(), Reason> {
    // Look before editing: a failed narrowing leaves the document exactly as it was.
    {
        let all = super::statements(doc);
        let s = all.get(index).ok_or(Reason::DenyNotLocated)?;
        if s["Effect"] != "Deny" {
            return Err(Reason::DenyNotLocated);
        }
        let wide = s
            .get("Condition")
            .is_some_and(|c| c.as_object().is_some_and(|o| !o.is_empty()))
            || match s.get("Action") {
                Some(a) => {
                    let list: Vec<&Value> = match a {
                        Value::Array(v) => v.iter().collect(),
                        one => vec![one],
                    };
                    !list
                        .iter()
                        .any(|p| p.as_str().is_some_and(|p| p.eq_ignore_ascii_case(action)))
                }
                None => s.get("NotAction").is_none(),
            };
        if wide {
            return Err(Reason::WideDeny {
                sid: s["Sid"].as_str().map(str::to_string),
            });
        }
    }
    let stmts = statements_mut(doc);
    let s = &mut stmts[index];
    if let Some(a) = s.get_mut("Action") {
        let list: Vec<Value> = match a.take() {
            Value::Array(v) => v,
            one => vec![one],
        };
        let keep: Vec<Value> = list
            .into_iter()
            .filter(|p| !p.as_str().is_some_and(|p| p.eq_ignore_ascii_case(action)))
            .collect();
        if keep.is_empty() {
            stmts.remove(index);
        } else {
            s["Action"] = Value::Array(keep);
        }
    } else if let Some(na) = s.get_mut("NotAction") {
        let mut list: Vec<Value> = match na.take() {
            Value::Array(v) => v,
            one => vec![one],
        };
        list.push(Value::String(action.into()));
        *na = Value::Array(list);
    }
    Ok(())
}

/// The changes that turn `before` into `after`, one per document (resource policies: one
/// removal and one addition, as Lambda edits its function policy statement by statement).
pub fn diff(before: &FunctionEvidence, after: &FunctionEvidence) -> Vec<Change> {
    let mut out = diff_documents(before, after);
    // Each document its own file, even when two policies share a name.
    let mut used: Vec<String> = Vec::new();
    for c in &mut out {
        if let Some(f) = c.file.take() {
            let stem = f.trim_end_matches(".json").to_string();
            let mut name = f;
            let mut n = 2;
            while used.contains(&name) {
                name = format!("{stem}-{n}.json");
                n += 1;
            }
            used.push(name.clone());
            c.file = Some(name);
        }
    }
    out
}

fn diff_documents(before: &FunctionEvidence, after: &FunctionEvidence) -> Vec<Change> {
    let mut out = Vec::new();
    if let (Read::Ok { value: b }, Read::Ok { value: a }) = (&before.role, &after.role) {
        let role_arn = Some(b.arn.clone());
        if let (Read::Ok { value: bp }, Read::Ok { value: ap }) = (&b.policies, &a.policies) {
            for p in ap {
                let old = bp
                    .iter()
                    .find(|o| o.name == p.name && o.managed == p.managed);
                let doc = p.document.ok().cloned();
                match old {
                    None => {
                        let mut c =
                            Change::new(Target::Identity, role_arn.clone(), ChangeKind::Add);
                        c.policy_name = Some(p.name.clone());
                        c.file = Some(format!("{}.json", p.name));
                        c.policy = doc;
                        out.push(c);
                    }
                    // A policy left with no statement is detached (managed) or deleted
                    // (inline): IAM does not store an empty policy.
                    Some(o)
                        if o.document != p.document
                            && doc
                                .as_ref()
                                .is_some_and(|d| super::statements(d).is_empty()) =>
                    {
                        let mut c = if p.managed {
                            Change::new(Target::Identity, Some(p.name.clone()), ChangeKind::Remove)
                        } else {
                            Change::new(Target::Identity, role_arn.clone(), ChangeKind::Remove)
                        };
                        if !p.managed {
                            c.policy_name = Some(p.name.clone());
                        }
                        out.push(c);
                    }
                    Some(o) if o.document != p.document => {
                        let mut c = if p.managed {
                            Change::new(Target::Identity, Some(p.name.clone()), ChangeKind::Replace)
                        } else {
                            let mut c = Change::new(
                                Target::Identity,
                                role_arn.clone(),
                                ChangeKind::Replace,
                            );
                            c.policy_name = Some(p.name.clone());
                            c
                        };
                        let short = p.name.rsplit('/').next().unwrap_or(&p.name);
                        c.file = Some(format!("{short}.json"));
                        c.policy = doc;
                        out.push(c);
                    }
                    _ => {}
                }
            }
            for o in bp {
                if !ap
                    .iter()
                    .any(|p| p.name == o.name && p.managed == o.managed)
                {
                    let c = if o.managed {
                        Change::new(Target::Identity, Some(o.name.clone()), ChangeKind::Remove)
                    } else {
                        let mut c =
                            Change::new(Target::Identity, role_arn.clone(), ChangeKind::Remove);
                        c.policy_name = Some(o.name.clone());
                        c
                    };
                    out.push(c);
                }
            }
        }
        if b.boundary != a.boundary
            && let Some(Read::Ok { value }) = &a.boundary
        {
            let mut c = Change::new(
                Target::Boundary,
                b.boundary_arn.clone(),
                ChangeKind::Replace,
            );
            c.policy = Some(value.clone());
            c.file = Some("boundary-policy.json".into());
            out.push(c);
        }
        if b.trust_policy != a.trust_policy {
            let mut c = Change::new(Target::Trust, role_arn, ChangeKind::Replace);
            c.policy = Some(a.trust_policy.clone());
            c.file = Some("trust-policy.json".into());
            out.push(c);
        }
    }
    if before.resource_policy != after.resource_policy {
        let b = before.resource_policy.ok().cloned().unwrap_or(Value::Null);
        let a = after.resource_policy.ok().cloned().unwrap_or(Value::Null);
        let (bs, as_) = (super::statements(&b), super::statements(&a));
        let removed: Vec<String> = bs
            .iter()
            .filter(|s| !as_.contains(s))
            .filter_map(|s| s["Sid"].as_str().map(str::to_string))
            .collect();
        let added: Vec<Value> = as_
            .iter()
            .filter(|s| !bs.contains(s))
            .map(|s| (*s).clone())
            .collect();
        let function = Some(before.config.arn.clone());
        if !removed.is_empty() {
            let mut c = Change::new(Target::Resource, function.clone(), ChangeKind::Remove);
            c.remove_sids = removed;
            out.push(c);
        }
        if !added.is_empty() {
            let mut c = Change::new(Target::Resource, function, ChangeKind::Add);
            c.policy = Some(json!({"Version": "2012-10-17", "Statement": added}));
            out.push(c);
        }
    }
    if before.kms_key_policy != after.kms_key_policy
        && let Some(Read::Ok { value }) = &after.kms_key_policy
    {
        let mut c = Change::new(
            Target::Key,
            before.config.kms_key_arn.clone(),
            ChangeKind::Replace,
        );
        c.policy = Some(value.clone());
        c.file = Some("key-policy.json".into());
        out.push(c);
    }
    if let (Read::Ok { value: b }, Read::Ok { value: a }) = (&before.url, &after.url)
        && b.auth_type != a.auth_type
    {
        let mut c = Change::new(
            Target::None,
            Some(before.config.arn.clone()),
            ChangeKind::Replace,
        );
        c.setting = Some(Setting {
            url_auth_type: a.auth_type.clone(),
        });
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrowing_takes_out_only_the_matching_actions() {
        let mut doc = json!({"Statement": [{"Effect": "Deny",
            "Action": ["logs:PutLogEvents", "s3:DeleteBucket"], "Resource": "*"}]});
        narrow_deny(&mut doc, 0, "logs:PutLogEvents").expect("a deny");
        assert_eq!(doc["Statement"][0]["Action"], json!(["s3:DeleteBucket"]));
        narrow_deny(&mut doc, 0, "s3:DeleteBucket").expect("a deny");
        assert_eq!(doc["Statement"], json!([]));
        let mut not =
            json!({"Statement": {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}});
        narrow_deny(&mut not, 0, "logs:PutLogEvents").expect("a deny");
        assert_eq!(
            not["Statement"][0]["NotAction"],
            json!(["s3:*", "logs:PutLogEvents"])
        );
        let mut allow = json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
        assert_eq!(
            narrow_deny(&mut allow, 0, "x:Y"),
            Err(Reason::DenyNotLocated)
        );
        // A wildcard or conditional Deny guards more than the request: left to its owner,
        // and the document is untouched.
        for wide in [
            json!({"Statement": {"Sid": "NoLogs", "Effect": "Deny", "Action": "logs:*", "Resource": "*"}}),
            json!({"Statement": {"Sid": "NoLogs", "Effect": "Deny", "Action": "logs:PutLogEvents",
                "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}}}),
        ] {
            let mut doc = wide.clone();
            assert_eq!(
                narrow_deny(&mut doc, 0, "logs:PutLogEvents"),
                Err(Reason::WideDeny {
                    sid: Some("NoLogs".into())
                })
            );
            assert_eq!(doc, wide);
        }
    }

    #[test]
    fn grants_group_actions_per_resource_and_whole_log_groups() {
        let mut doc = new_document();
        let g = "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f";
        add_allow(
            &mut doc,
            "LambdaDoctorRoleLogs",
            "logs:CreateLogGroup",
            &grant_resource(g),
        );
        let s = format!("{g}:log-stream:2024/01/01/[$LATEST]abc");
        add_allow(
            &mut doc,
            "LambdaDoctorRoleLogs",
            "logs:CreateLogStream",
            &grant_resource(&s),
        );
        add_allow(
            &mut doc,
            "LambdaDoctorRoleLogs",
            "logs:PutLogEvents",
            &grant_resource(&s),
        );
        assert_eq!(
            doc["Statement"],
            json!([
                {"Sid": "LambdaDoctorRoleLogs", "Effect": "Allow",
                 "Action": ["logs:CreateLogGroup"], "Resource": g},
                {"Sid": "LambdaDoctorRoleLogs2", "Effect": "Allow",
                 "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": format!("{g}:*")},
            ])
        );
        assert_eq!(
            sid_for(CheckId::RoleDeadLetter),
            "LambdaDoctorRoleDeadLetter"
        );
        assert_eq!(
            inline_name(CheckId::RoleEventSource),
            "lambda-doctor-event-source"
        );
    }
}

#[cfg(test)]
mod proof_tests {
    use crate::checks::CheckId;
    use crate::checks::report::CheckReport;
    use crate::evidence::{Read, Snapshot};
    use crate::fix::{Reason, Status};
    use crate::i18n::Lang;
    use crate::tree::Tree;
    use serde_json::json;

    fn report(ev: &crate::evidence::FunctionEvidence) -> CheckReport {
        CheckReport::new(Tree::embedded().expect("tree"), ev, "test", Lang::En)
    }

    /// A demo function, to edit, with its role's evidence.
    fn demo_with_role(
        name: &str,
        edit: impl FnOnce(&mut crate::evidence::RoleEvidence),
    ) -> crate::evidence::FunctionEvidence {
        let mut ev = Snapshot::demo().function(name, "demo").expect("fn").clone();
        let Read::Ok { value: role } = &mut ev.role else {
            panic!("role")
        };
        edit(role);
        ev
    }

    fn logs_finding(r: &CheckReport) -> &crate::checks::report::CheckFinding {
        r.findings
            .iter()
            .find(|f| f.outcome.id == CheckId::RoleLogs)
            .expect("a role.logs finding")
    }

    #[test]
    fn a_deny_in_an_aws_managed_policy_is_not_proven_and_gets_no_allow() {
        let ev = demo_with_role("orders-api", |role| {
            let Read::Ok { value: policies } = &mut role.policies else {
                panic!("policies")
            };
            policies.push(crate::evidence::RolePolicy {
                name: "arn:aws:iam::aws:policy/AWSDenyAll".into(),
                managed: true,
                document: Read::Ok {
                    value: json!({"Version": "2012-10-17",
                        "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}),
                },
            });
        });
        let r = report(&ev);
        let logs = logs_finding(&r);
        assert_eq!(logs.fix.verified.status, Status::NotProven);
        assert_eq!(
            logs.fix.verified.reason,
            Reason::AwsManagedDeny {
                policy: "arn:aws:iam::aws:policy/AWSDenyAll".into()
            }
        );
        assert!(
            logs.fix.changes.is_empty(),
            "no Allow against a Deny: {:?}",
            logs.fix.changes
        );
    }

    #[test]
    fn changes_that_do_not_clear_the_check_are_not_proven() {
        let demo = Snapshot::demo();
        let ev = demo.function("queue-worker", "demo").expect("fn");
        let r = report(ev);
        let f = &r.findings[0];
        assert_eq!(f.outcome.id, CheckId::RoleEventSource);
        // The dead-letter queue's grant (the old, wrong fix) does not clear the poll check.
        let mut wrong = f.fix.changes.clone();
        let doc = wrong[0].policy.as_mut().expect("policy");
        doc["Statement"][0]["Resource"] =
            json!("arn:aws:sqs:us-east-1:123456789012:queue-worker-dlq");
        let before = crate::fix::plan::failing(ev);
        let v = crate::fix::prove(
            ev,
            &before,
            &[CheckId::RoleEventSource],
            &wrong,
            None,
            false,
        );
        assert_eq!(
            v.reason,
            Reason::StillFails {
                check: CheckId::RoleEventSource
            }
        );
        let v = crate::fix::prove(
            ev,
            &before,
            &[CheckId::RoleEventSource],
            &f.fix.changes,
            None,
            false,
        );
        assert_eq!(v.status, Status::Proven);
    }

    #[test]
    fn an_aws_managed_boundary_is_not_edited() {
        let ev = demo_with_role("legacy-admin", |role| {
            role.boundary_arn = Some("arn:aws:iam::aws:policy/PowerUserAccess".into());
        });
        let r = report(&ev);
        let logs = logs_finding(&r);
        assert_eq!(
            logs.fix.verified.reason,
            Reason::AwsManagedBoundary {
                policy: "arn:aws:iam::aws:policy/PowerUserAccess".into()
            }
        );
        assert!(
            !logs
                .fix
                .changes
                .iter()
                .any(|c| c.target == crate::fix::Target::Boundary),
            "{:?}",
            logs.fix.changes
        );
    }
}
