//! A fix as the Fix screen shows it, whether it came from a walk through the tree or from a
//! `check` finding: the explanation, the evidence, and the blocks a person copies.

use crate::checks::report::{CheckFinding, CheckReport, Combined};
use crate::diagnose::{Diagnosis, Followup};
use crate::i18n::{Lang, ui};
use crate::tree::Tree;
use std::fmt::Write;

use super::text::tui;

/// What a copyable block holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Policy,
    Change,
    Read,
    Docs,
}

/// A block a person copies with `y`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    pub kind: BlockKind,
    /// The heading shown above the block.
    pub label: String,
    /// A short name for messages ("Policy").
    pub name: String,
    pub text: String,
}

/// Everything the Fix screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixDoc {
    pub title: String,
    /// Where the change goes, in words ("the execution role's policy").
    pub target: String,
    pub explanation: String,
    pub evidence: Vec<String>,
    /// Answers nobody confirmed (taken as likely).
    pub open_questions: Vec<String>,
    pub blocks: Vec<CodeBlock>,
    pub followups: Vec<Followup>,
    /// The questions and answers that led here (walks only).
    pub steps: Vec<String>,
    /// Files the change commands read (`file://NAME`): the policy block saved under that name.
    pub files: Vec<String>,
    /// Whether the fix was proven, in words, and whether it was.
    pub verified: Option<(bool, String)>,
}

/// One policy block per change, each labelled with what it changes and the file it is read
/// from; then the commands, the reads and the links.
fn change_blocks(
    changes: &[crate::fix::Change],
    commands: &[String],
    read: &[String],
    docs: &[String],
    lang: Lang,
) -> Vec<CodeBlock> {
    let mut out: Vec<CodeBlock> = changes
        .iter()
        .filter_map(|c| {
            c.policy.as_ref().map(|p| CodeBlock {
                kind: BlockKind::Policy,
                label: crate::fix::render::heading(c, lang),
                name: c
                    .file
                    .clone()
                    .unwrap_or_else(|| tui("block.policy", lang).to_string()),
                text: serde_json::to_string_pretty(p).unwrap_or_default(),
            })
        })
        .collect();
    out.extend(blocks(None, commands, read, docs, lang));
    out
}

fn blocks(
    policy: Option<&serde_json::Value>,
    change: &[String],
    read: &[String],
    docs: &[String],
    lang: Lang,
) -> Vec<CodeBlock> {
    let mut out = Vec::new();
    if let Some(p) = policy {
        out.push(CodeBlock {
            kind: BlockKind::Policy,
            label: ui("policy_json", lang).to_string(),
            name: tui("block.policy", lang).to_string(),
            text: serde_json::to_string_pretty(p).unwrap_or_default(),
        });
    }
    if !change.is_empty() {
        out.push(CodeBlock {
            kind: BlockKind::Change,
            label: format!(
                "{} — {}",
                ui("change_commands", lang),
                ui("change_note", lang)
            ),
            name: tui("block.change", lang).to_string(),
            text: change.join("\n"),
        });
    }
    if !read.is_empty() {
        out.push(CodeBlock {
            kind: BlockKind::Read,
            label: ui("read_commands", lang).to_string(),
            name: tui("block.read", lang).to_string(),
            text: read.join("\n"),
        });
    }
    if !docs.is_empty() {
        out.push(CodeBlock {
            kind: BlockKind::Docs,
            label: ui("docs", lang).to_string(),
            name: tui("block.docs", lang).to_string(),
            text: docs.join("\n"),
        });
    }
    out
}

impl FixDoc {
    /// The fix a walk reached (the walk must be at a fix node).
    /// With `ev`, the function whose documents answered the walk: a trust-policy fix then
    /// starts from the role's current trust policy.
    pub fn from_diagnosis(
        d: &Diagnosis,
        lang: Lang,
        ev: Option<&crate::evidence::FunctionEvidence>,
    ) -> FixDoc {
        let mut policy = d.policy();
        let mut merged = false;
        if d.fix_target() == "trust"
            && let (Some(ev), Some(p)) = (ev, &policy)
            && let Some(m) = crate::checks::report::merged_trust(ev, p)
        {
            policy = Some(m);
            merged = true;
        }
        let mut blocks = blocks(
            policy.as_ref(),
            &d.change_commands(),
            &d.read_commands(),
            &d.docs(),
            lang,
        );
        if merged && let Some(b) = blocks.iter_mut().find(|b| b.kind == BlockKind::Policy) {
            b.label = tui("fix.merged_trust", lang).to_string();
        }
        FixDoc {
            title: d.fix_title(lang),
            target: ui(d.fix_target_key(), lang).to_string(),
            explanation: d.fix_body(lang),
            evidence: d.evidence(),
            open_questions: d.open_questions(lang),
            blocks,
            followups: d.followups(lang),
            steps: d.steps(lang),
            files: d.change_files(),
            verified: d.policy().map(|_| {
                let v = d.verified();
                (v.is_proven(), crate::fix::render::verdict(&v, lang))
            }),
        }
    }

    /// The fix of one `check` finding.
    pub fn from_check(tree: &Tree, f: &CheckFinding, lang: Lang) -> FixDoc {
        let node = f.fix.node.as_deref().and_then(|id| tree.node(id));
        let docs = node
            .and_then(|n| n.fix.as_ref())
            .map(|x| x.docs.clone())
            .unwrap_or_default();
        let target = node
            .and_then(|n| n.fix.as_ref())
            .map(|x| match x.target.as_str() {
                "identity" => "target.execution_role",
                t => crate::diagnose::target_key(t),
            })
            .unwrap_or("target.none");
        let mut blocks = if f.fix.changes.is_empty() {
            blocks(
                f.fix.policy.as_ref(),
                &f.fix.change,
                &f.fix.read,
                &docs,
                lang,
            )
        } else {
            change_blocks(&f.fix.changes, &f.fix.change, &f.fix.read, &docs, lang)
        };
        if f.fix.changes.is_empty()
            && target == "target.trust"
            && let Some(b) = blocks.iter_mut().find(|b| b.kind == BlockKind::Policy)
            && f.fix
                .policy
                .as_ref()
                .is_some_and(|p| p["Statement"].as_array().is_some_and(|a| a.len() > 1))
        {
            b.label = tui("fix.merged_trust", lang).to_string();
        }
        // Where the change goes: the documents the changes edit, when there are changes.
        let mut targets: Vec<&str> = Vec::new();
        for c in &f.fix.changes {
            let t = crate::fix::render::target_name(c.target, lang);
            if !targets.contains(&t) {
                targets.push(t);
            }
        }
        let target = if targets.is_empty() {
            ui(target, lang).to_string()
        } else {
            targets.join(", ")
        };
        FixDoc {
            title: f.fix.title.clone(),
            target,
            explanation: f.fix.explanation.clone(),
            evidence: f
                .outcome
                .evidence
                .iter()
                .map(|e| crate::checks::render::say(e, lang))
                .collect(),
            open_questions: Vec::new(),
            blocks,
            followups: Vec::new(),
            steps: Vec::new(),
            files: crate::diagnose::files_in(&f.fix.change),
            verified: Some((
                f.fix.verified.is_proven(),
                crate::fix::render::verdict(&f.fix.verified, lang),
            )),
        }
    }

    /// The combined fix of a `check` report ("fix everything").
    pub fn from_combined(r: &CheckReport, c: &Combined, lang: Lang) -> FixDoc {
        let mut targets: Vec<&str> = Vec::new();
        for ch in &c.changes {
            let t = crate::fix::render::target_name(ch.target, lang);
            if !targets.contains(&t) {
                targets.push(t);
            }
        }
        FixDoc {
            title: ui("check.combined", lang).to_string(),
            target: targets.join(", "),
            explanation: ui("check.combined_body", lang).to_string(),
            evidence: r
                .findings
                .iter()
                .filter(|f| f.outcome.severity != crate::checks::Severity::Info)
                .map(|f| {
                    format!(
                        "{} — {}",
                        f.outcome.id,
                        ui(crate::checks::report::title_key(f.outcome.id), lang)
                    )
                })
                .collect(),
            open_questions: Vec::new(),
            blocks: change_blocks(&c.changes, &c.commands, &[], &[], lang),
            followups: Vec::new(),
            steps: Vec::new(),
            files: crate::diagnose::files_in(&c.commands),
            verified: Some((
                c.verified.is_proven(),
                crate::fix::render::verdict(&c.verified, lang),
            )),
        }
    }
}

/// Facts AWS Support asks for, as a Markdown section: who, what, where, when, and which
/// request.
pub fn support_facts(d: &Diagnosis, source: Option<&str>, now: &str, lang: Lang) -> String {
    let f = &d.finding;
    let mut rows: Vec<(&str, String)> = Vec::new();
    let mut put = |k: &'static str, v: Option<&str>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            rows.push((k, format!("`{v}`")));
        }
    };
    put("principal", f.principal_arn.as_deref());
    put("action", f.action.as_deref());
    put("resource", f.resource.as_deref());
    put("support.operation", f.operation.as_deref());
    put("support.error_code", f.error_code.as_deref());
    put("policy_arn", f.policy_arn.as_deref());
    put("authorization_id", f.authorization_id.as_deref());
    put("support.function", d.vars.get("function_arn"));
    put("support.region", d.vars.get("region"));
    put("support.account", d.vars.get("account_id"));
    let mut out = String::new();
    let _ = writeln!(out, "## {}\n", tui("support.title", lang));
    let _ = writeln!(out, "| | |\n|---|---|");
    for (k, v) in rows {
        let label = if k.starts_with("support.") {
            tui(k, lang)
        } else {
            ui(k, lang)
        };
        let _ = writeln!(out, "| {label} | {} |", v.replace('|', "\\|"));
    }
    let _ = writeln!(
        out,
        "| {} | {} |",
        tui("support.deny", lang),
        d.deny_text(lang)
    );
    if let Some(s) = source {
        let _ = writeln!(out, "| {} | {} |", tui("support.evidence", lang), s);
    }
    let _ = writeln!(
        out,
        "| {} | lambda-doctor {} |",
        tui("support.tool", lang),
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(out, "| {} | {now} |", tui("support.time", lang));
    let _ = writeln!(out, "\n{}\n", tui("support.note", lang));
    out
}
