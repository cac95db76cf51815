//! A finding walked through the tree: the path, the open questions, and the fix filled in with
//! the user's own ARNs. Front ends (explain, the TUI, reports) render a [`Diagnosis`]; none of
//! them decides anything.

use crate::fix::{Change, ChangeKind, Reason, Target, Verified};
use crate::i18n::{Lang, fill, ui};
use crate::policy::{ContextValue, PolicySet, Request};
use crate::recognize::{DenyKind, Finding};
use crate::tree::vars::{Facts, Vars};
use crate::tree::walk::{Evidence, How, Step, Walk};
use crate::tree::{FixTarget, Node, Tree};

/// What the tool concluded about one finding.
#[derive(Debug, Clone)]
pub struct Diagnosis<'t> {
    pub finding: Finding,
    pub facts: Facts,
    pub vars: Vars,
    pub walk: Walk<'t>,
}

/// A "still failing?" block, filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Followup {
    pub key: String,
    pub title: String,
    pub items: Vec<String>,
}

impl<'t> Diagnosis<'t> {
    /// Walks `finding` from its category's entry node to a fix, answering from the message's
    /// facts and from `evidence`, and assuming the likely answer where neither can tell.
    pub fn new(tree: &'t Tree, finding: Finding, evidence: &dyn Evidence) -> Diagnosis<'t> {
        let facts = Facts::from_finding(&finding);
        let vars = Vars::from_finding(&finding);
        let entry = Diagnosis::entry_for(tree, &finding);
        let mut walk = Walk::new(tree, &entry).expect("entry nodes exist in a validated tree");
        walk.run_to_fix(&facts, evidence);
        Diagnosis {
            finding,
            facts,
            vars,
            walk,
        }
    }

    /// A walk that starts at `start` (a symptom's node, or a category's entry) and has not
    /// moved yet: the interactive front end advances it with evidence as it arrives and asks
    /// a person where nothing can answer.
    pub fn begin(tree: &'t Tree, finding: Finding, start: &str) -> Option<Diagnosis<'t>> {
        let walk = Walk::new(tree, start).ok()?;
        Some(Diagnosis {
            facts: Facts::from_finding(&finding),
            vars: Vars::from_finding(&finding),
            finding,
            walk,
        })
    }

    /// The node a finding's walk starts at: its category's entry.
    pub fn entry_for(tree: &Tree, finding: &Finding) -> String {
        tree.entry(finding.category)
            .map(|n| n.id.clone())
            .unwrap_or_else(|| tree.index.root.clone())
    }

    pub fn entry_node(&self) -> &str {
        self.walk.start()
    }

    pub fn fix_node(&self) -> &'t Node {
        self.walk.current()
    }

    /// One sentence: who may not do what on which resource, and which policy says so.
    pub fn summary(&self, lang: Lang) -> String {
        let f = &self.finding;
        let not_given = ui("not_given", lang);
        let Some(action) = f.action.as_deref() else {
            return fill(
                ui("summary_no_action", lang),
                &[("category", ui(category_key(f), lang))],
            );
        };
        let deny = self.deny_text(lang);
        let key = match (f.principal_arn.is_some(), f.resource.is_some()) {
            (true, true) => "summary_with_principal",
            (true, false) => "summary_with_principal_no_resource",
            (false, true) => "summary_without_principal",
            (false, false) => "summary_without_principal_no_resource",
        };
        fill(
            ui(key, lang),
            &[
                ("principal", f.principal_arn.as_deref().unwrap_or(not_given)),
                ("action", action),
                ("resource", f.resource.as_deref().unwrap_or(not_given)),
                ("deny", &deny),
            ],
        )
    }

    /// How the message says it was denied, in words.
    pub fn deny_text(&self, lang: Lang) -> String {
        let f = &self.finding;
        let layer = f.policy_type.map(|t| ui(layer_key(t), lang));
        match (f.explicit, layer) {
            (Some(true), Some(l)) => fill(ui("deny_explicit", lang), &[("layer", l)]),
            (Some(false), Some(l)) => fill(ui("deny_implicit", lang), &[("layer", l)]),
            (Some(false), None) => ui("deny_implicit_plain", lang).to_string(),
            _ => ui("deny_unknown", lang).to_string(),
        }
    }

    fn step_line(&self, step: &Step, lang: Lang) -> Option<String> {
        let tree = self.walk.tree();
        let node = tree.node(&step.node)?;
        let answer = node.answer(&step.answer)?;
        let how = match &step.how {
            How::Fact { .. } => ui("from_message", lang),
            How::Check { .. } => ui("from_evidence", lang),
            How::Person => ui("answered", lang),
            How::Assumed => ui("assumed", lang),
        };
        Some(format!(
            "{} → {} ({how})",
            self.vars.fill(node.title.get(lang)),
            self.vars.fill(answer.label.get(lang))
        ))
    }

    /// The questions and answers from the entry node to the fix.
    pub fn steps(&self, lang: Lang) -> Vec<String> {
        self.walk
            .path()
            .iter()
            .filter_map(|s| self.step_line(s, lang))
            .collect()
    }

    /// The answers nobody could confirm: what the user should check to be sure the fix fits.
    pub fn open_questions(&self, lang: Lang) -> Vec<String> {
        let tree = self.walk.tree();
        self.walk
            .path()
            .iter()
            .filter(|s| s.how == How::Assumed)
            .filter_map(|s| {
                let node = tree.node(&s.node)?;
                let answer = node.answer(&s.answer)?;
                Some(format!(
                    "{} — {}",
                    self.vars.fill(node.title.get(lang)),
                    self.vars.fill(answer.label.get(lang))
                ))
            })
            .collect()
    }

    /// The evidence lines behind automatic answers from checks.
    pub fn evidence(&self) -> Vec<String> {
        self.walk
            .path()
            .iter()
            .flat_map(|s| match &s.how {
                How::Check { evidence, .. } => evidence.clone(),
                _ => vec![],
            })
            .collect()
    }

    pub fn fix_title(&self, lang: Lang) -> String {
        self.vars.fill(self.fix_node().title.get(lang))
    }

    pub fn fix_body(&self, lang: Lang) -> String {
        self.vars.fill(self.fix_node().body.get(lang))
    }

    pub fn fix_target(&self) -> &str {
        self.fix_node()
            .fix
            .as_ref()
            .map(|f| f.target.as_str())
            .unwrap_or("none")
    }

    /// The `ui.json` key naming where the change goes, in words that fit who was denied: an
    /// identity policy of the function's execution role is "the execution role's policy".
    pub fn fix_target_key(&self) -> &'static str {
        use crate::recognize::{Caller, Category::*};
        let target = self.fix_target();
        let function_side = self.finding.caller == Caller::Function
            || matches!(
                self.finding.category,
                ExecutionRoleMissingPermission | CloudwatchLogs | EventSourceMapping | VpcEni | Kms
            );
        if target == "identity" && function_side {
            "target.execution_role"
        } else {
            target_key(target)
        }
    }

    /// The heading of this finding: the category, or the explicit deny that decides it.
    pub fn heading(&self, lang: Lang) -> String {
        if self.explicit() {
            match self.finding.policy_type {
                Some(t) => fill(
                    ui("explicit_head", lang),
                    &[("layer", ui(layer_key(t), lang))],
                ),
                None => ui("explicit_head_unknown", lang).to_string(),
            }
        } else {
            ui(category_key(&self.finding), lang).to_string()
        }
    }

    /// Files the change commands read (`file://NAME`), in order.
    pub fn change_files(&self) -> Vec<String> {
        files_in(&self.change_commands())
    }

    pub fn policy(&self) -> Option<serde_json::Value> {
        let p = self.fix_node().fix.as_ref()?.policy.as_ref()?;
        Some(self.vars.fill_json(p))
    }

    /// The fix as changes (DESIGN.md, "The `fix` object"): the node's statements, added to
    /// the document its target names. Empty when the fix changes no policy.
    pub fn changes(&self) -> Vec<Change> {
        let Some(f) = self.fix_node().fix.as_ref() else {
            return vec![];
        };
        // An explicit deny is fixed by narrowing the Deny where it is, in a document the message
        // does not hold: the node's policy is an example, not a change to apply.
        if self.explicit() {
            return vec![];
        }
        let Some(policy) = self.policy() else {
            return vec![];
        };
        let Some((target, arn)) = self.target_of(f.target) else {
            return vec![];
        };
        let commands = self.change_commands();
        let mut c = Change::new(target, arn, ChangeKind::Add);
        if target == Target::Identity {
            c.policy_name = commands.iter().find_map(|cmd| {
                let mut words = cmd.split_whitespace();
                words.find(|w| *w == "--policy-name")?;
                words.next().map(str::to_string)
            });
        }
        c.file = files_in(&commands).into_iter().next();
        c.policy = Some(policy);
        vec![c]
    }

    /// The document a tree fix target names, with the ARN the message gives for it.
    fn target_of(&self, t: FixTarget) -> Option<(Target, Option<String>)> {
        let v = |k: &str| self.vars.get(k).map(str::to_string);
        Some(match t {
            FixTarget::Identity => (
                Target::Identity,
                v("principal_iam_arn").or_else(|| v("role_arn")),
            ),
            FixTarget::Boundary => (Target::Boundary, v("boundary_policy_arn")),
            FixTarget::Trust => (
                Target::Trust,
                v("target_role_arn").or_else(|| v("role_arn")),
            ),
            FixTarget::Resource => (
                Target::Resource,
                v("function_arn").or_else(|| self.finding.resource.clone()),
            ),
            FixTarget::KeyPolicy => (Target::Key, v("kms_key_arn")),
            FixTarget::RepositoryPolicy
            | FixTarget::LayerPolicy
            | FixTarget::BucketPolicy
            | FixTarget::QueuePolicy => (Target::Resource, self.finding.resource.clone()),
            FixTarget::Session => (Target::Session, None),
            FixTarget::Scp => (Target::Scp, self.finding.policy_arn.clone()),
            FixTarget::Rcp => (Target::Rcp, self.finding.policy_arn.clone()),
            FixTarget::Vpce => (Target::Vpce, None),
            FixTarget::None => return None,
        })
    }

    /// The request the message describes, with the context keys such a request carries
    /// (the service a role is passed to, the source account and ARN of a service call).
    pub fn request(&self) -> Option<Request> {
        let f = &self.finding;
        let action = f.action.as_deref()?;
        let principal = f
            .principal_arn
            .as_deref()
            .or(f.service_principal.as_deref())
            .or(self.vars.get("principal_iam_arn"))?;
        let resource = f.resource.as_deref().unwrap_or("*");
        let account = self.vars.get("account_id");
        let mut req = Request::new(principal, action, resource, account, account);
        for (key, value) in self.context() {
            req.set(&key, ContextValue::One(value));
        }
        Some(req)
    }

    /// Context keys (name, value) the described request carries that the fix's conditions may
    /// test: known from the message and the function, never from the fix itself.
    pub fn context(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let f = &self.finding;
        if f.action
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case("iam:PassRole"))
        {
            let svc = f
                .service_principal
                .clone()
                .unwrap_or_else(|| "lambda.amazonaws.com".into());
            out.push(("iam:PassedToService".into(), svc));
        }
        if let Some(a) = self.vars.get("function_arn") {
            out.push(("lambda:SourceFunctionArn".into(), a.to_string()));
        }
        if let Some(a) = self.vars.get("source_account") {
            out.push(("aws:SourceAccount".into(), a.to_string()));
        }
        if let Some(a) = self.vars.get("source_arn") {
            out.push(("aws:SourceArn".into(), a.to_string()));
        }
        out
    }

    /// Whether the fix's statements allow the request the message describes.
    pub fn verified(&self) -> Verified {
        if self.explicit() {
            // The Deny is fixed where it is; the message alone does not hold that policy.
            let target = self
                .fix_node()
                .fix
                .as_ref()
                .and_then(|f| self.target_of(f.target))
                .map_or(Target::None, |(t, _)| t);
            return Verified::not_proven(Reason::NotHeld { target });
        }
        let changes = self.changes();
        let Some(c) = changes.first() else {
            return Verified::not_applicable(Reason::NeedsDecision);
        };
        let mut policy = c.policy.clone().unwrap_or_default();
        let holes = crate::fix::unfilled(&serde_json::to_string(&changes).unwrap_or_default());
        if !holes.is_empty() {
            return Verified::not_proven(Reason::Unknown {
                placeholders: holes,
            });
        }
        let Some(mut req) = self.request() else {
            return Verified::not_proven(Reason::Unknown {
                placeholders: vec!["ACTION".into()],
            });
        };
        match c.target {
            // A principal's own policies are judged by themselves: the request as if within
            // one account (whether another account's resource policy also has to allow it is
            // a separate change, on a document the message does not hold).
            Target::Identity | Target::Boundary | Target::Session | Target::Scp | Target::Rcp => {
                let acct = req
                    .principal_account
                    .clone()
                    .unwrap_or_else(|| "000000000000".into());
                req.principal_account = Some(acct.clone());
                req.resource_account = Some(acct);
            }
            // A resource policy for a service: the service asks, for the resource itself
            // (repository and key policies may leave Resource out).
            Target::Resource | Target::Key | Target::Trust => {
                let svc = crate::fix::statements(&policy).into_iter().find_map(|st| {
                    match &st["Principal"]["Service"] {
                        serde_json::Value::String(s) => Some(s.clone()),
                        serde_json::Value::Array(a) => {
                            a.first().and_then(|x| x.as_str()).map(str::to_string)
                        }
                        _ => None,
                    }
                });
                if let Some(svc) = svc {
                    req.principal = svc;
                }
                let resource = req.resource.clone();
                for st in crate::fix::statements_mut(&mut policy) {
                    if st.get("Resource").is_none() && st.get("NotResource").is_none() {
                        st["Resource"] = serde_json::Value::String(resource.clone());
                    }
                }
            }
            Target::Vpce | Target::None => {}
        }
        let Ok(p) = crate::policy::parse_policy(&policy, "$") else {
            return Verified::not_proven(Reason::RequestDenied);
        };
        let everything = crate::policy::parse_policy(
            &serde_json::json!({"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
            "$",
        )
        .expect("a valid policy");
        // The proposed document in its layer; the other layers out of the way.
        let set = match c.target {
            Target::Identity => PolicySet {
                identity: vec![p],
                ..PolicySet::default()
            },
            Target::Resource | Target::Key | Target::Trust => PolicySet {
                resource: Some(p),
                ..PolicySet::default()
            },
            Target::Boundary => PolicySet {
                identity: vec![everything],
                boundary: Some(p),
                ..PolicySet::default()
            },
            Target::Session => PolicySet {
                identity: vec![everything],
                session: Some(p),
                ..PolicySet::default()
            },
            Target::Scp => PolicySet {
                identity: vec![everything],
                scp: Some(vec![vec![p]]),
                ..PolicySet::default()
            },
            Target::Rcp => PolicySet {
                identity: vec![everything],
                rcp: Some(vec![vec![p]]),
                ..PolicySet::default()
            },
            Target::Vpce | Target::None => {
                return Verified::not_proven(Reason::NotHeld { target: c.target });
            }
        };
        let ev = crate::policy::decide(&set, &req);
        if ev.decision == crate::policy::Decision::Allowed {
            Verified::proven(Reason::RequestAllowed)
        } else if c.target == Target::Identity
            && ev.denied_by == Some(crate::policy::Layer::Resource)
        {
            // The resource's own policy must allow too (a KMS key policy always must): that
            // document was not read.
            Verified::not_proven(Reason::NotHeld {
                target: if req.service() == "kms" {
                    Target::Key
                } else {
                    Target::Resource
                },
            })
        } else {
            Verified::not_proven(Reason::RequestDenied)
        }
    }

    pub fn read_commands(&self) -> Vec<String> {
        let mut cmds: Vec<String> = self
            .fix_node()
            .fix
            .iter()
            .flat_map(|f| f.read.iter().map(|c| self.vars.fill(c)))
            .collect();
        if let Some(m) = &self.finding.encoded_message {
            cmds.insert(
                0,
                format!(
                    "aws sts decode-authorization-message --encoded-message '{m}' --query DecodedMessage --output text"
                ),
            );
        }
        cmds
    }

    pub fn change_commands(&self) -> Vec<String> {
        self.fix_node()
            .fix
            .iter()
            .flat_map(|f| f.change.iter().map(|c| self.vars.fill(c)))
            .collect()
    }

    pub fn docs(&self) -> Vec<String> {
        self.fix_node()
            .fix
            .as_ref()
            .map(|f| f.docs.clone())
            .unwrap_or_default()
    }

    /// ` --context-entries ...` for the condition keys the fix's own statements test, with the
    /// values the described request carries (empty when they test none), so that
    /// simulate-principal-policy judges a correct fix as allowed.
    pub fn context_entries(&self) -> String {
        let Some(policy) = self.policy() else {
            return String::new();
        };
        let text = policy.to_string().to_ascii_lowercase();
        let entries: Vec<String> = self
            .context()
            .into_iter()
            .filter(|(k, _)| text.contains(&format!("\"{}\"", k.to_ascii_lowercase())))
            .map(|(k, v)| format!("ContextKeyName={k},ContextKeyValues={v},ContextKeyType=string"))
            .collect();
        if entries.is_empty() {
            String::new()
        } else {
            format!(" --context-entries {}", entries.join(" "))
        }
    }

    pub fn followups(&self, lang: Lang) -> Vec<Followup> {
        // `{{context_entries}}` may be empty (the fix tests no context key), which a variable
        // cannot hold: it is put in place before the others are filled.
        let ctx = self.context_entries();
        let vars = &self.vars;
        let fill = |s: &str| vars.fill(&s.replace("{{context_entries}}", &ctx));
        let tree = self.walk.tree();
        let keys = self
            .fix_node()
            .fix
            .as_ref()
            .map(|f| f.followups.clone())
            .unwrap_or_default();
        keys.iter()
            .filter_map(|k| {
                let f = tree.index.followups.get(k)?;
                Some(Followup {
                    key: k.clone(),
                    title: fill(f.title.get(lang)),
                    items: f.items.get(lang).iter().map(|i| fill(i)).collect(),
                })
            })
            .collect()
    }

    /// Whether the message says an explicit Deny decided.
    pub fn explicit(&self) -> bool {
        self.finding.explicit == Some(true)
            || matches!(
                self.finding.deny_kind,
                Some(
                    DenyKind::ExplicitIdentity
                        | DenyKind::ExplicitScp
                        | DenyKind::ExplicitBoundary
                        | DenyKind::ExplicitSession
                        | DenyKind::ExplicitResource
                        | DenyKind::ExplicitRcp
                        | DenyKind::ExplicitVpce
                )
            )
    }
}

/// The `file://NAME` arguments of commands, in order, once each.
pub fn files_in(commands: &[String]) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    // A file a command writes (`... > scp-current.json`) holds the account's current document,
    // not a block the person saves: it is not one of the files to save.
    let written: Vec<&str> = commands
        .iter()
        .filter_map(|c| c.rsplit_once(" > ").map(|(_, f)| f.trim()))
        .collect();
    for c in commands {
        for part in c.split("file://").skip(1) {
            let name: String = part
                .chars()
                .take_while(|ch| !ch.is_whitespace() && *ch != '\'' && *ch != '"')
                .collect();
            if !name.is_empty() && !files.contains(&name) && !written.contains(&name.as_str()) {
                files.push(name);
            }
        }
    }
    files
}

/// The `ui.json` key naming a finding's category.
pub fn category_key(f: &Finding) -> &'static str {
    use crate::recognize::Category::*;
    match f.category {
        IdentityNotAuthorized => "cat.identity_not_authorized",
        PassRole => "cat.pass_role",
        InvokePermission => "cat.invoke_permission",
        ExecutionRoleTrust => "cat.execution_role_trust",
        VpcEni => "cat.vpc_eni",
        ExecutionRoleMissingPermission => "cat.execution_role_missing_permission",
        CloudwatchLogs => "cat.cloudwatch_logs",
        EventSourceMapping => "cat.event_source_mapping",
        Kms => "cat.kms",
        CrossAccountAssumeRole => "cat.cross_account_assume_role",
        LayerAccess => "cat.layer_access",
        EcrImageAccess => "cat.ecr_image_access",
        FunctionUrlAuth => "cat.function_url_auth",
        OtherPermission => "cat.other_permission",
    }
}

/// The `ui.json` key naming a policy type.
pub fn layer_key(t: crate::recognize::PolicyType) -> &'static str {
    use crate::recognize::PolicyType::*;
    match t {
        Identity => "layer.identity",
        Resource => "layer.resource",
        Scp => "layer.scp",
        Rcp => "layer.rcp",
        Boundary => "layer.boundary",
        Session => "layer.session",
        Vpce => "layer.vpce",
        Trust => "layer.trust",
    }
}

/// The `ui.json` key naming a fix target.
pub fn target_key(target: &str) -> &'static str {
    match target {
        "identity" => "target.identity",
        "resource" => "target.resource",
        "trust" => "target.trust",
        "boundary" => "target.boundary",
        "session" => "target.session",
        "scp" => "target.scp",
        "rcp" => "target.rcp",
        "vpce" => "target.vpce",
        "key_policy" => "target.key_policy",
        "repository_policy" => "target.repository_policy",
        "layer_policy" => "target.layer_policy",
        "bucket_policy" => "target.bucket_policy",
        "queue_policy" => "target.queue_policy",
        _ => "target.none",
    }
}
