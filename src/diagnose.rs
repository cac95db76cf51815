//! A finding walked through the tree: the path, the open questions, and the fix filled in with
//! the user's own ARNs. Front ends (explain, the TUI, reports) render a [`Diagnosis`]; none of
//! them decides anything.

use crate::i18n::{Lang, fill, ui};
use crate::recognize::{DenyKind, Finding};
use crate::tree::vars::{Facts, Vars};
use crate::tree::walk::{Evidence, How, Step, Walk};
use crate::tree::{Node, Tree};

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

    pub fn followups(&self, lang: Lang) -> Vec<Followup> {
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
                    title: self.vars.fill(f.title.get(lang)),
                    items: f
                        .items
                        .get(lang)
                        .iter()
                        .map(|i| self.vars.fill(i))
                        .collect(),
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
    for c in commands {
        for part in c.split("file://").skip(1) {
            let name: String = part
                .chars()
                .take_while(|ch| !ch.is_whitespace() && *ch != '\'' && *ch != '"')
                .collect();
            if !name.is_empty() && !files.contains(&name) {
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
