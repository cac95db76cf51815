//! `check` results with their fixes: each failed check is paired with the decision tree's fix
//! for it, filled in with the function's own ARNs; text, Markdown and JSON renderings.

use super::render::say;
use super::{Answer, Cause, CheckId, Fact, Outcome, Severity, Subject, Unanswered};
use crate::evidence::FunctionEvidence;
use crate::fix::{self, Change, Reason, Verified};
use crate::i18n::{Lang, fill, ui};
use crate::policy::Layer;
use crate::report::{Style, wrap};
use crate::tree::vars::Vars;
use crate::tree::{Situation, Tree};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::fmt::Write;

/// A failed check with its fix.
#[derive(Debug, Clone)]
pub struct CheckFinding {
    pub outcome: Outcome,
    pub fix: Fix,
}

/// What to change, from the tree or built here.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub node: Option<String>,
    pub title: String,
    pub explanation: String,
    pub policy: Option<Value>,
    pub read: Vec<String>,
    /// The commands, derived from `changes` when there are any.
    pub change: Vec<String>,
    /// What to change where, as data (DESIGN.md, "The `fix` object").
    pub changes: Vec<Change>,
    /// Whether `changes` were proven against the documents read.
    pub verified: Verified,
}

/// One set of changes that clears every error and warning of a function together.
#[derive(Debug, Clone)]
pub struct Combined {
    pub changes: Vec<Change>,
    pub commands: Vec<String>,
    pub verified: Verified,
}

/// The result of `check` on one function.
#[derive(Debug, Clone)]
pub struct CheckReport {
    pub function_arn: String,
    pub findings: Vec<CheckFinding>,
    pub passed: Vec<CheckId>,
    pub unreadable: Vec<String>,
    /// Checks the documents could not answer (a document unreadable or invalid).
    pub unanswered: Vec<Unanswered>,
    pub source: String,
    /// The combined fix, when anything is to be fixed.
    pub combined: Option<Combined>,
}

impl CheckReport {
    /// Runs every check on `ev`.
    pub fn new(tree: &Tree, ev: &FunctionEvidence, source: &str, lang: Lang) -> CheckReport {
        let answers = ev.docs_in(lang).answers();
        // What fails before any change: the baseline every proof compares with.
        let before = fix::plan::failing_in(&answers);
        let mut findings = Vec::new();
        let mut passed = Vec::new();
        let mut unanswered = Vec::new();
        for a in answers {
            match a {
                Answer::Outcome(o) if o.failed => {
                    let fix = fix_for(tree, &o, ev, &before, lang);
                    findings.push(CheckFinding { outcome: o, fix });
                }
                Answer::Outcome(o) => passed.push(o.id),
                Answer::Unanswered(u) => unanswered.push(u),
                Answer::NotApplicable => {}
            }
        }
        let failed: Vec<&Outcome> = findings
            .iter()
            .map(|f| &f.outcome)
            .filter(|o| o.severity != Severity::Info)
            .collect();
        let combined = (!failed.is_empty()).then(|| {
            let plan = fix::combined(ev, &failed, &before);
            let ids: Vec<CheckId> = failed.iter().map(|o| o.id).collect();
            let verified = fix::prove(ev, &before, &ids, &plan.changes, plan.stuck.as_ref(), true);
            Combined {
                commands: fix::commands::commands(&plan.changes, &ev.config.name, &ev.config.role),
                changes: plan.changes,
                verified,
            }
        });
        CheckReport {
            function_arn: ev.config.arn.clone(),
            findings,
            passed,
            unreadable: ev.unreadable_in(lang),
            unanswered,
            source: source.to_string(),
            combined,
        }
    }

    /// Exit code: 1 when any error or warning was found, or when a check could not be
    /// answered (the function is then not known to be healthy).
    pub fn exit_code(&self) -> i32 {
        let serious = self
            .findings
            .iter()
            .any(|f| matches!(f.outcome.severity, Severity::Error | Severity::Warning));
        if serious || !self.unanswered.is_empty() {
            1
        } else {
            0
        }
    }
}

/// Why a check could not be answered, in `lang`.
pub fn unanswered_reason(u: &Unanswered, lang: Lang) -> String {
    let what = ui(u.why.document.key(), lang);
    match &u.why.cause {
        Cause::Denied { needs } => fill(
            ui("ev.could_not_read", lang),
            &[("what", what), ("needs", needs)],
        ),
        Cause::Invalid { error } => fill(
            ui("ev.invalid_document", lang),
            &[("what", what), ("error", error)],
        ),
    }
}

/// The function's execution-role trust policy with the fix's statements added (those it does
/// not already have), when the fix is about trusting Lambda and the role's trust policy was
/// read. `update-assume-role-policy` replaces the whole document, so a fix built from the
/// current one keeps every principal the role already trusts.
pub fn merged_trust(ev: &FunctionEvidence, fix: &Value) -> Option<Value> {
    fn statements(v: &Value) -> Vec<Value> {
        match &v["Statement"] {
            Value::Array(a) => a.clone(),
            Value::Object(_) => vec![v["Statement"].clone()],
            _ => vec![],
        }
    }
    let adds = statements(fix);
    let for_lambda = adds.iter().any(|s| {
        let svc = &s["Principal"]["Service"];
        let is = |x: &Value| {
            x.as_str()
                .is_some_and(|x| x.ends_with("lambda.amazonaws.com"))
        };
        is(svc) || svc.as_array().is_some_and(|a| a.iter().any(is))
    });
    let role = ev.role.ok()?;
    let current = &role.trust_policy;
    let mut merged = statements(current);
    if !for_lambda || merged.is_empty() {
        return None;
    }
    let key = |s: &Value| {
        (
            s["Effect"].clone(),
            s["Principal"].clone(),
            s["Action"].clone(),
        )
    };
    for a in adds {
        if !merged.iter().any(|m| key(m) == key(&a)) {
            merged.push(a);
        }
    }
    Some(json!({
        "Version": current["Version"].as_str().unwrap_or("2012-10-17"),
        "Statement": merged,
    }))
}

/// The placeholders a function's own documents fill.
pub fn vars_for(ev: &FunctionEvidence) -> Vars {
    let mut v = Vars::default();
    let c = &ev.config;
    let parts: Vec<&str> = c.arn.split(':').collect();
    v.set("function_arn", c.arn.clone());
    v.set("function_name", c.name.clone());
    if let Some(p) = parts.get(1) {
        v.set("partition", *p);
    }
    if let Some(r) = parts.get(3) {
        v.set("region", *r);
    }
    if let Some(a) = parts.get(4) {
        v.set("account_id", *a);
        v.set("source_account", *a);
        v.set("principal_account", *a);
    }
    v.set("role_arn", c.role.clone());
    // The role Lambda assumes: what a trust-policy fix edits.
    v.set("target_role_arn", c.role.clone());
    if let Some(b) = ev.role.ok().and_then(|r| r.boundary_arn.clone()) {
        v.set("boundary_policy_arn", b);
    }
    if let Some(n) = c.role.rsplit('/').next() {
        v.set("role_name", n);
        v.set("principal_name", n);
    }
    v.set("principal_entity", "role");
    v.set("principal_iam_arn", c.role.clone());
    if let Some(k) = &c.kms_key_arn {
        v.set("kms_key_arn", k.clone());
    }
    let group = c
        .log_group
        .clone()
        .unwrap_or_else(|| format!("/aws/lambda/{}", c.name));
    v.set(
        "log_group_arn",
        format!(
            "arn:{}:logs:{}:{}:log-group:{group}",
            parts.get(1).unwrap_or(&"aws"),
            parts.get(3).unwrap_or(&""),
            parts.get(4).unwrap_or(&"")
        ),
    );
    for m in ev.event_source_mappings.ok().into_iter().flatten() {
        let arn = &m.event_source_arn;
        if arn.contains(":sqs:") {
            v.set("queue_arn", arn.clone());
        } else {
            v.set("stream_arn", arn.clone());
        }
        v.set("resource", arn.clone());
    }
    if let Some(t) = &c.dead_letter_target {
        if t.contains(":sqs:") {
            v.set("queue_arn", t.clone());
        }
        v.set("resource", t.clone());
    }
    v
}

/// The first explicit deny among a check's facts: which policy was evaluated and which one
/// holds the Deny (a policy name or ARN, or the evaluator's `boundary` / `resource`).
fn explicit_deny(o: &Outcome) -> Option<(Subject, &str)> {
    o.evidence.iter().find_map(|f| match f {
        Fact::Decision {
            subject,
            decision: crate::policy::Decision::ExplicitlyDenied,
            statement,
            ..
        } => Some((
            *subject,
            statement
                .as_ref()
                .and_then(|s| s.policy.as_deref())
                .unwrap_or(""),
        )),
        _ => None,
    })
}

/// What a failed check's facts and the function's configuration show, for the tree's
/// check → fix map (`check_fixes` in `assets/tree/index.json`). Facts, not words: the same
/// in every language.
pub fn situations(o: &Outcome, ev: &FunctionEvidence) -> Vec<Situation> {
    let mut out = Vec::new();
    // An explicit deny is never answered with an Allow: the fix is where the Deny is.
    if let Some((subject, policy)) = explicit_deny(o) {
        out.push(Situation::ExplicitDeny);
        match (subject, policy) {
            (Subject::Trust, _) => out.push(Situation::ExplicitDenyInTrust),
            (_, "boundary") => out.push(Situation::ExplicitDenyInBoundary),
            (Subject::Key, "resource") => out.push(Situation::ExplicitDenyInKeyPolicy),
            _ => {}
        }
    }
    if o.evidence.iter().any(|f| {
        matches!(
            f,
            Fact::Decision {
                denied_by: Some(Layer::Boundary),
                ..
            }
        )
    }) {
        out.push(Situation::BoundaryBlocks);
    }
    if ev.config.log_group.is_some() {
        out.push(Situation::CustomLogGroup);
    }
    let first_source = ev
        .event_source_mappings
        .ok()
        .and_then(|m| m.first())
        .map(|m| m.event_source_arn.as_str())
        .unwrap_or("");
    if first_source.contains(":kinesis:") {
        out.push(Situation::KinesisSource);
    }
    if first_source.contains(":dynamodb:") {
        out.push(Situation::DynamodbSource);
    }
    if ev
        .config
        .dead_letter_target
        .as_deref()
        .is_some_and(|t| t.contains(":sns:"))
    {
        out.push(Situation::SnsDeadLetter);
    }
    if o.evidence
        .iter()
        .any(|f| matches!(f, Fact::Deprecated { arn } if arn.ends_with("/AWSLambdaReadOnlyAccess")))
    {
        out.push(Situation::ReadOnlyPolicy);
    }
    out
}

/// The fix of one failed check: the tree's words, the planner's changes, the proof.
fn fix_for(
    tree: &Tree,
    o: &Outcome,
    ev: &FunctionEvidence,
    before: &BTreeSet<CheckId>,
    lang: Lang,
) -> Fix {
    let mut f = prose_for(tree, o, ev, lang);
    let plan = fix::for_finding(ev, o, before);
    f.verified = if o.severity == Severity::Info {
        Verified::not_applicable(Reason::Information)
    } else {
        fix::prove(
            ev,
            before,
            &[o.id],
            &plan.changes,
            plan.stuck.as_ref(),
            false,
        )
    };
    if !plan.changes.is_empty() {
        f.policy = plan.changes.iter().find_map(|c| c.policy.clone());
        f.change = fix::commands::commands(&plan.changes, &ev.config.name, &ev.config.role);
    }
    f.changes = plan.changes;
    f
}

/// The words of a fix (and, without changes, the tree's own commands).
fn prose_for(tree: &Tree, o: &Outcome, ev: &FunctionEvidence, lang: Lang) -> Fix {
    let mut vars = vars_for(ev);
    // What the finding is about, from its facts: the request that was not allowed (the queue
    // actually polled, not the dead-letter queue; the action the boundary blocks).
    let denied = o.evidence.iter().find_map(|f| match f {
        Fact::Decision {
            action,
            resource: Some(resource),
            decision,
            ..
        } if *decision != crate::policy::Decision::Allowed => Some((action, resource)),
        Fact::BoundaryBlocks {
            action, resource, ..
        } => Some((action, resource)),
        _ => None,
    });
    if let Some((_, policy)) = explicit_deny(o) {
        match policy {
            "boundary" => {
                if let Some(b) = ev.role.ok().and_then(|r| r.boundary_arn.clone()) {
                    vars.set("policy_arn", b);
                }
            }
            "resource" | "" => {}
            p if p.starts_with("arn:") => vars.set("policy_arn", p.to_string()),
            p => vars.set("inline_policy_name", p.to_string()),
        }
    }
    if let Some((action, resource)) = denied {
        vars.set("action", action.clone());
        vars.set("resource", resource.clone());
        match o.id {
            CheckId::RoleEventSource | CheckId::RoleDeadLetter if resource.contains(":sqs:") => {
                vars.set("queue_arn", resource.clone())
            }
            CheckId::RoleEventSource => vars.set("stream_arn", resource.clone()),
            _ => {}
        }
    }
    if o.id == CheckId::ResourceConfusedDeputy
        && let Some(p) = ev.resource_policy.ok()
    {
        // The first service principal without a source condition.
        if let Some(svc) = p["Statement"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|s| s["Principal"]["Service"].as_str())
        {
            vars.set("service_principal", svc);
        }
    }
    if let Some(node) = tree
        .index
        .fix_for_check(o.id, &situations(o, ev))
        .and_then(|id| tree.node(id))
    {
        let f = node.fix.as_ref();
        let policy = f.and_then(|f| f.policy.as_ref()).map(|p| vars.fill_json(p));
        // A trust policy is replaced whole: start from the one the role has.
        let policy = match (f.map(|f| f.target.as_str()), policy) {
            (Some("trust"), Some(p)) => Some(merged_trust(ev, &p).unwrap_or(p)),
            (_, p) => p,
        };
        return Fix {
            node: Some(node.id.clone()),
            title: vars.fill(node.title.get(lang)),
            explanation: vars.fill(node.body.get(lang)),
            policy,
            read: f
                .map(|f| f.read.iter().map(|c| vars.fill(c)).collect())
                .unwrap_or_default(),
            change: f
                .map(|f| f.change.iter().map(|c| vars.fill(c)).collect())
                .unwrap_or_default(),
            changes: vec![],
            verified: Verified::not_applicable(Reason::NeedsDecision),
        };
    }
    let name = &ev.config.name;
    match o.id {
        CheckId::ResourcePublic => {
            let sids: Vec<String> = ev
                .resource_policy
                .ok()
                .and_then(|p| p["Statement"].as_array().cloned())
                .unwrap_or_default()
                .iter()
                .filter(|s| {
                    (s["Principal"] == "*" || s["Principal"]["AWS"] == "*")
                        && s.get("Condition").is_none()
                })
                .filter_map(|s| s["Sid"].as_str().map(str::to_string))
                .collect();
            Fix {
                node: None,
                title: ui("check.fix.remove_statement", lang).into(),
                explanation: ui("check.fix.remove_statement_body", lang).into(),
                policy: None,
                read: vec![format!(
                    "aws lambda get-policy --function-name {name} --query Policy --output text"
                )],
                change: sids
                    .iter()
                    .map(|s| {
                        format!(
                            "aws lambda remove-permission --function-name {name} --statement-id {s}"
                        )
                    })
                    .collect(),
                changes: vec![],
                verified: Verified::not_applicable(Reason::NeedsDecision),
            }
        }
        CheckId::ResourceUrlPublic => Fix {
            node: None,
            title: ui("check.fix.url_iam", lang).into(),
            explanation: ui("check.fix.url_iam_body", lang).into(),
            policy: None,
            read: vec![format!(
                "aws lambda get-function-url-config --function-name {name}"
            )],
            change: vec![format!(
                "aws lambda update-function-url-config --function-name {name} --auth-type AWS_IAM"
            )],
            changes: vec![],
            verified: Verified::not_applicable(Reason::NeedsDecision),
        },
        _ => Fix {
            node: None,
            title: String::new(),
            explanation: String::new(),
            policy: None,
            read: vec![format!(
                "aws lambda get-policy --function-name {name} --query Policy --output text"
            )],
            change: vec![],
            changes: vec![],
            verified: Verified::not_applicable(Reason::Information),
        },
    }
}

pub fn severity_key(s: Severity) -> &'static str {
    match s {
        Severity::Error => "severity.error",
        Severity::Warning => "severity.warning",
        Severity::Info => "severity.info",
    }
}

pub fn title_key(id: CheckId) -> &'static str {
    crate::i18n::KEYS
        .iter()
        .find(|k| k.strip_prefix("check.") == Some(id.as_str()))
        .copied()
        .unwrap_or("check.none")
}

fn passed_list(ids: &[CheckId]) -> String {
    ids.iter()
        .map(|i| i.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A proof as JSON: status, reason (with its values) and the reason in words.
pub fn verified_json(v: &Verified, lang: Lang) -> Value {
    let mut j = serde_json::to_value(v).unwrap_or(Value::Null);
    j["detail"] = Value::String(fix::render::detail(&v.reason, lang));
    j
}

/// The changes of a fix for people: a heading per change and its document.
fn changes_text(out: &mut String, changes: &[Change], style: Style, lang: Lang) {
    for c in changes {
        let _ = writeln!(out, "    {}", style.bold(&fix::render::heading(c, lang)));
        if let Some(p) = &c.policy {
            for l in serde_json::to_string_pretty(p).unwrap_or_default().lines() {
                let _ = writeln!(out, "      {}", style.cyan(l));
            }
        }
    }
}

fn commands_text(out: &mut String, commands: &[String], style: Style, lang: Lang) {
    if commands.is_empty() {
        return;
    }
    let _ = writeln!(out, "    {}", style.yellow(ui("change_commands", lang)));
    for c in commands {
        match c.strip_prefix("# ") {
            Some(comment) => {
                let _ = writeln!(out, "      {}", style.dim(&format!("# {comment}")));
            }
            None => {
                let _ = writeln!(out, "      $ {c}");
            }
        }
    }
}

fn verdict_text(out: &mut String, v: &Verified, style: Style, lang: Lang) {
    let line = fix::render::verdict(v, lang);
    let painted = if v.is_proven() {
        style.green(&line)
    } else {
        style.yellow(&line)
    };
    let _ = writeln!(out, "    {painted}");
}

/// The changes, commands and proof of a fix as Markdown.
fn changes_markdown(
    out: &mut String,
    changes: &[Change],
    commands: &[String],
    v: &Verified,
    lang: Lang,
) {
    for c in changes {
        let _ = writeln!(out, "*{}*\n", fix::render::heading(c, lang));
        if let Some(p) = &c.policy {
            let _ = writeln!(
                out,
                "```json\n{}\n```\n",
                serde_json::to_string_pretty(p).unwrap_or_default()
            );
        }
    }
    if !commands.is_empty() {
        let _ = writeln!(out, "```sh\n{}\n```\n", commands.join("\n"));
    }
    let _ = writeln!(
        out,
        "**{}:** {}\n",
        fix::render::status(v.status, lang),
        fix::render::detail(&v.reason, lang)
    );
}

/// `check --output json` (DESIGN.md).
pub fn json(r: &CheckReport, lang: Lang) -> String {
    let v = json!({
        "function": r.function_arn,
        "findings": r.findings.iter().map(|f| json!({
            "id": f.outcome.id,
            "severity": f.outcome.severity,
            "title": ui(title_key(f.outcome.id), lang),
            "evidence": f.outcome.evidence.iter().map(|e| say(e, lang)).collect::<Vec<_>>(),
            "facts": f.outcome.evidence,
            "fix": {
                "node": f.fix.node,
                "title": f.fix.title,
                "explanation": f.fix.explanation,
                "policy": f.fix.policy,
                "changes": f.fix.changes,
                "commands": f.fix.change,
                "read_commands": f.fix.read,
                "verified": verified_json(&f.fix.verified, lang),
            },
        })).collect::<Vec<_>>(),
        "passed": r.passed,
        "unreadable": r.unreadable,
        "unanswered": r.unanswered.iter().map(|u| json!({
            "id": u.id,
            "reason": unanswered_reason(u, lang),
            "document": u.why.document,
            "cause": u.why.cause,
        })).collect::<Vec<_>>(),
        "source": r.source,
        "combined_fix": r.combined.as_ref().map(|c| json!({
            "title": ui("check.combined", lang),
            "changes": c.changes,
            "policy": c.changes.iter().find_map(|c| c.policy.clone()),
            "commands": c.commands,
            "verified": verified_json(&c.verified, lang),
        })),
    });
    crate::redact::redact(&serde_json::to_string_pretty(&v).unwrap_or_default()).into_owned() + "\n"
}

/// `check` for people.
pub fn text(r: &CheckReport, lang: Lang, style: Style) -> String {
    let w = style.width;
    let mut out = String::new();
    let head = fill(ui("check.heading", lang), &[("function", &r.function_arn)]);
    let _ = writeln!(out, "{}", style.bold(&head));
    let _ = writeln!(
        out,
        "{}",
        style.dim(&format!("{}: {}", ui("check.source", lang), r.source))
    );
    if r.findings.is_empty() && r.unanswered.is_empty() {
        let _ = writeln!(out, "\n{}", style.green(ui("check.none", lang)));
    } else if r.findings.is_empty() {
        let _ = writeln!(out, "\n{}", style.yellow(ui("check.none_partial", lang)));
    }
    for f in &r.findings {
        let sev = ui(severity_key(f.outcome.severity), lang);
        let line = format!(
            "[{sev}] {} — {}",
            f.outcome.id,
            ui(title_key(f.outcome.id), lang)
        );
        let painted = match f.outcome.severity {
            Severity::Error => style.red(&line),
            Severity::Warning => style.yellow(&line),
            Severity::Info => style.cyan(&line),
        };
        let _ = writeln!(out, "\n{painted}");
        for e in f.outcome.evidence.iter().map(|e| say(e, lang)) {
            for (j, l) in wrap::wrap(&e, w.saturating_sub(6)).iter().enumerate() {
                let bullet = if j == 0 { "    - " } else { "      " };
                let _ = writeln!(out, "{bullet}{l}");
            }
        }
        if !f.fix.title.is_empty() {
            let _ = writeln!(
                out,
                "  {} {}",
                style.green(&format!("{}:", ui("fix", lang))),
                style.bold(&f.fix.title)
            );
            for l in wrap::wrap(&f.fix.explanation, w.saturating_sub(4)) {
                let _ = writeln!(out, "    {l}");
            }
        }
        if f.fix.changes.is_empty() {
            if let Some(p) = &f.fix.policy {
                let _ = writeln!(out, "    {}", style.bold(ui("policy_json", lang)));
                for l in serde_json::to_string_pretty(p).unwrap_or_default().lines() {
                    let _ = writeln!(out, "      {}", style.cyan(l));
                }
            }
        } else {
            changes_text(&mut out, &f.fix.changes, style, lang);
        }
        commands_text(&mut out, &f.fix.change, style, lang);
        verdict_text(&mut out, &f.fix.verified, style, lang);
    }
    if let Some(c) = &r.combined
        && r.findings.len() > 1
    {
        let _ = writeln!(out, "\n{}", style.bold(ui("check.combined", lang)));
        for l in wrap::wrap(ui("check.combined_body", lang), w.saturating_sub(4)) {
            let _ = writeln!(out, "    {l}");
        }
        changes_text(&mut out, &c.changes, style, lang);
        commands_text(&mut out, &c.commands, style, lang);
        verdict_text(&mut out, &c.verified, style, lang);
    }
    if !r.passed.is_empty() {
        let _ = writeln!(
            out,
            "\n{}: {}",
            ui("check.passed", lang),
            passed_list(&r.passed)
        );
    }
    if !r.unanswered.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            style.yellow(&format!("{}:", ui("check.unanswered", lang)))
        );
        for u in &r.unanswered {
            let line = format!("{}: {}", u.id, unanswered_reason(u, lang));
            for (j, l) in wrap::wrap(&line, w.saturating_sub(4)).iter().enumerate() {
                let bullet = if j == 0 { "  - " } else { "    " };
                let _ = writeln!(out, "{bullet}{l}");
            }
        }
    }
    if !r.unreadable.is_empty() {
        let _ = writeln!(out, "{}:", ui("check.unreadable", lang));
        for u in &r.unreadable {
            let _ = writeln!(out, "  - {u}");
        }
    }
    crate::report::finish_text(&out, style)
}

/// `check --output markdown`.
pub fn markdown(r: &CheckReport, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}\n",
        fill(ui("check.heading", lang), &[("function", &r.function_arn)])
    );
    let _ = writeln!(out, "*{}: {}*\n", ui("check.source", lang), r.source);
    if r.findings.is_empty() && r.unanswered.is_empty() {
        let _ = writeln!(out, "{}\n", ui("check.none", lang));
    } else if r.findings.is_empty() {
        let _ = writeln!(out, "{}\n", ui("check.none_partial", lang));
    }
    for f in &r.findings {
        let _ = writeln!(
            out,
            "## `{}` — {} ({})\n",
            f.outcome.id,
            ui(title_key(f.outcome.id), lang),
            ui(severity_key(f.outcome.severity), lang)
        );
        for e in f.outcome.evidence.iter().map(|e| say(e, lang)) {
            let _ = writeln!(out, "- {e}");
        }
        if !f.fix.title.is_empty() {
            let _ = writeln!(
                out,
                "\n**{}: {}**\n\n{}\n",
                ui("fix", lang),
                f.fix.title,
                f.fix.explanation
            );
        }
        if f.fix.changes.is_empty()
            && let Some(p) = &f.fix.policy
        {
            let _ = writeln!(
                out,
                "```json\n{}\n```\n",
                serde_json::to_string_pretty(p).unwrap_or_default()
            );
        }
        changes_markdown(
            &mut out,
            &f.fix.changes,
            &f.fix.change,
            &f.fix.verified,
            lang,
        );
    }
    if !r.passed.is_empty() {
        let _ = writeln!(
            out,
            "**{}:** {}\n",
            ui("check.passed", lang),
            passed_list(&r.passed)
        );
    }
    if !r.unanswered.is_empty() {
        let _ = writeln!(out, "**{}:**\n", ui("check.unanswered", lang));
        for u in &r.unanswered {
            let _ = writeln!(out, "- `{}`: {}", u.id, unanswered_reason(u, lang));
        }
        out.push('\n');
    }
    if !r.unreadable.is_empty() {
        let _ = writeln!(out, "**{}:**\n", ui("check.unreadable", lang));
        for u in &r.unreadable {
            let _ = writeln!(out, "- {u}");
        }
        out.push('\n');
    }
    if let Some(c) = &r.combined {
        let _ = writeln!(
            out,
            "## {}\n\n{}\n",
            ui("check.combined", lang),
            ui("check.combined_body", lang)
        );
        changes_markdown(&mut out, &c.changes, &c.commands, &c.verified, lang);
    }
    crate::report::finish_markdown(&out)
}
