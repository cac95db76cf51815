//! Renderings of diagnoses: text for people at a terminal, Markdown for a ticket or a support
//! case, JSON for machines (the DESIGN.md `explain --output json` contract). Everything passes
//! through secret redaction on the way out.

pub mod wrap;

use crate::diagnose::Diagnosis;
use crate::i18n::{Lang, fill, ui};
use serde_json::{Value, json};
use std::fmt::Write;

/// An output format (`--output`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
    Markdown,
}

/// Terminal styling; all no-ops when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        // The final pass keeps only these codes (see sanitize::clean_keep_sgr).
        debug_assert!(crate::sanitize::OWN_SGR.contains(&code), "{code}");
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    pub fn red(&self, s: &str) -> String {
        self.paint("1;31", s)
    }
    pub fn yellow(&self, s: &str) -> String {
        self.paint("33", s)
    }
    pub fn green(&self, s: &str) -> String {
        self.paint("32", s)
    }
    pub fn cyan(&self, s: &str) -> String {
        self.paint("36", s)
    }
}

/// The JSON of one diagnosis: DESIGN.md's fields first, then what reports add.
pub fn finding_json(d: &Diagnosis, lang: Lang) -> Value {
    let f = &d.finding;
    let followups: Vec<Value> = d
        .followups(lang)
        .into_iter()
        .map(|x| json!({"key": x.key, "title": x.title, "items": x.items}))
        .collect();
    json!({
        "category": f.category.as_str(),
        "action": f.action,
        "principal_arn": f.principal_arn,
        "resource": f.resource,
        "deny_kind": f.deny_kind.map(|k| k.as_str()),
        "policy_arn": f.policy_arn,
        "authorization_id": f.authorization_id,
        "confidence": f.confidence,
        "entry_node": d.entry_node(),
        "summary": d.summary(lang),
        "steps": d.steps(lang),
        "fix": {
            "node": d.fix_node().id,
            "title": d.fix_title(lang),
            "explanation": d.fix_body(lang),
            "target": d.fix_target(),
            "target_text": ui(d.fix_target_key(), lang),
            "policy": d.policy(),
            "changes": d.changes(),
            "commands": d.change_commands(),
            "read_commands": d.read_commands(),
            "docs": d.docs(),
            "verified": crate::checks::report::verified_json(&d.verified(), lang),
        },
        "policy_type": f.policy_type.map(|t| t.as_str()),
        "explicit": f.explicit,
        "operation": f.operation,
        "error_code": f.error_code,
        "service_principal": f.service_principal,
        "caller": f.caller.as_str(),
        "encoded_message": f.encoded_message,
        "open_questions": d.open_questions(lang),
        "still_failing": followups,
        "excerpt": f.excerpt,
    })
}

/// `explain --output json`.
pub fn json(diagnoses: &[Diagnosis], truncated: bool, lang: Lang) -> String {
    let v = json!({
        "findings": diagnoses.iter().map(|d| finding_json(d, lang)).collect::<Vec<_>>(),
        "truncated": truncated,
    });
    let s = serde_json::to_string_pretty(&v).unwrap_or_else(|_| "{\"findings\": []}".into());
    crate::redact::redact(&s).into_owned() + "\n"
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// The "still failing?" blocks of all findings, each once.
fn shared_followups(diagnoses: &[Diagnosis], lang: Lang) -> Vec<crate::diagnose::Followup> {
    let mut seen: Vec<crate::diagnose::Followup> = Vec::new();
    for d in diagnoses {
        for f in d.followups(lang) {
            if !seen.iter().any(|s| s.key == f.key) {
                seen.push(f);
            }
        }
    }
    seen
}

fn write_command(out: &mut String, style: &Style, c: &str) {
    if let Some(comment) = c.strip_prefix("# ") {
        let _ = writeln!(out, "    {}", style.dim(&format!("# {comment}")));
    } else {
        let _ = writeln!(out, "    $ {c}");
    }
}

/// The last step of every text rendering: secrets redacted, and no terminal control sequence
/// but the tool's own colours.
pub fn finish_text(out: &str, style: Style) -> String {
    // Sanitize first: removing a control sequence can join the pieces of a secret.
    let clean = if style.color {
        crate::sanitize::clean_keep_sgr(out)
    } else {
        crate::sanitize::clean(out)
    };
    crate::redact::redact(&clean).into_owned()
}

/// The last step of every Markdown rendering: control sequences removed, secrets redacted.
pub fn finish_markdown(out: &str) -> String {
    crate::redact::redact(&crate::sanitize::clean(out)).into_owned()
}

/// `explain` when the text shows an authentication failure and no permission problem: the
/// credentials were refused (`code` as the message wrote it), which no policy change fixes.
pub fn authentication(code: &str, format: Output, lang: Lang, style: Style) -> String {
    let hint = fill(ui("auth_failure_hint", lang), &[("code", code)]);
    match format {
        Output::Json => {
            let v = json!({"findings": [], "truncated": false, "authentication_failure": code});
            crate::redact::redact(&serde_json::to_string_pretty(&v).unwrap_or_default())
                .into_owned()
                + "\n"
        }
        Output::Markdown => finish_markdown(&format!("{}\n\n{hint}\n", ui("no_finding", lang))),
        Output::Text => {
            let mut out = format!("{}\n", style.green(ui("no_finding", lang)));
            for l in wrap::wrap(&hint, style.width) {
                out.push_str(&style.yellow(&l));
                out.push('\n');
            }
            finish_text(&out, style)
        }
    }
}

/// The three renderings of `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Text,
    Markdown,
    Json,
}

/// `explain` for people.
pub fn text(diagnoses: &[Diagnosis], truncated: bool, lang: Lang, style: Style) -> String {
    let mut out = String::new();
    if diagnoses.is_empty() {
        let _ = writeln!(out, "{}", style.green(ui("no_finding", lang)));
        for l in wrap::wrap(ui("no_finding_hint", lang), style.width) {
            let _ = writeln!(out, "{}", style.dim(&l));
        }
        return out;
    }
    let n = diagnoses.len();
    let w = style.width;
    if n > 1 {
        let count = fill(ui("findings_count", lang), &[("n", &n.to_string())]);
        let _ = writeln!(out, "{}", style.bold(&count));
        if truncated {
            for l in wrap::wrap(&fill(ui("truncated", lang), &[("n", &n.to_string())]), w) {
                let _ = writeln!(out, "{}", style.yellow(&l));
            }
        }
        out.push('\n');
    }
    for (i, d) in diagnoses.iter().enumerate() {
        let f = &d.finding;
        let head = if n > 1 {
            format!("[{}/{n}] {}", i + 1, d.heading(lang))
        } else {
            d.heading(lang)
        };
        let rule = "─".repeat(w.saturating_sub(wrap::width(&head) + 4).min(60));
        let _ = writeln!(
            out,
            "{} {}",
            style.red(&format!("━━ {head}")),
            style.dim(&rule)
        );
        let not_given = ui("not_given", lang);
        let mut rows: Vec<(&str, String)> = vec![
            ("excerpt", f.excerpt.clone()),
            (
                "principal",
                f.principal_arn.clone().unwrap_or_else(|| not_given.into()),
            ),
            (
                "action",
                f.action.clone().unwrap_or_else(|| not_given.into()),
            ),
            (
                "resource",
                f.resource.clone().unwrap_or_else(|| not_given.into()),
            ),
            ("deny", d.deny_text(lang)),
        ];
        if let Some(p) = &f.policy_arn {
            rows.push(("policy_arn", p.clone()));
        }
        if let Some(a) = &f.authorization_id {
            rows.push(("authorization_id", a.clone()));
        }
        let label_w = rows
            .iter()
            .map(|(k, _)| wrap::width(ui(k, lang)))
            .max()
            .unwrap_or(10)
            + 2;
        for (k, v) in rows {
            let label = ui(k, lang);
            let pad = " ".repeat(label_w.saturating_sub(wrap::width(label)));
            let lines = wrap::wrap(&v, w.saturating_sub(label_w).max(20));
            for (j, l) in lines.iter().enumerate() {
                if j == 0 {
                    let _ = writeln!(out, "{}{pad}{l}", style.bold(label));
                } else {
                    let _ = writeln!(out, "{}{l}", " ".repeat(label_w));
                }
            }
        }
        if f.authorization_id.is_some() {
            for l in wrap::wrap(ui("authorization_hint", lang), w) {
                let _ = writeln!(out, "{}", style.dim(&l));
            }
        }
        out.push('\n');
        for l in wrap::wrap(&d.summary(lang), w) {
            let _ = writeln!(out, "{l}");
        }
        if d.explicit() {
            for l in wrap::wrap(ui("explicit_wins", lang), w) {
                let _ = writeln!(out, "{}", style.yellow(&l));
            }
        }
        let steps = d.steps(lang);
        if !steps.is_empty() {
            let _ = writeln!(out, "\n{}", style.bold(ui("path", lang)));
            for s in steps {
                for (j, l) in wrap::wrap(&s, w.saturating_sub(4)).iter().enumerate() {
                    let bullet = if j == 0 { "  • " } else { "    " };
                    let _ = writeln!(out, "{bullet}{l}");
                }
            }
        }
        let fix_head = format!("{}: {}", ui("fix", lang), d.fix_title(lang));
        out.push('\n');
        for l in wrap::wrap(&fix_head, w) {
            let _ = writeln!(out, "{}", style.green(&style.bold(&l)));
        }
        for l in wrap::wrap(&d.fix_body(lang), w.saturating_sub(2)) {
            let _ = writeln!(out, "  {l}");
        }
        let target = format!(
            "{}: {}",
            ui("policy_target", lang),
            ui(d.fix_target_key(), lang)
        );
        for l in wrap::wrap(&target, w.saturating_sub(2)) {
            let _ = writeln!(out, "  {}", style.dim(&l));
        }
        if let Some(p) = d.policy() {
            let _ = writeln!(out, "\n  {}", style.bold(ui("policy_json", lang)));
            for l in pretty(&p).lines() {
                let _ = writeln!(out, "    {}", style.cyan(l));
            }
            let v = d.verified();
            let line = crate::fix::render::verdict(&v, lang);
            for l in wrap::wrap(&line, w.saturating_sub(2)) {
                let painted = if v.is_proven() {
                    style.green(&l)
                } else {
                    style.yellow(&l)
                };
                let _ = writeln!(out, "  {painted}");
            }
        }
        let read = d.read_commands();
        if !read.is_empty() {
            let _ = writeln!(out, "\n  {}", style.bold(ui("read_commands", lang)));
            if f.encoded_message.is_some() {
                for l in wrap::wrap(ui("encoded_hint", lang), w.saturating_sub(4)) {
                    let _ = writeln!(out, "    {}", style.dim(&l));
                }
            }
            for c in read {
                write_command(&mut out, &style, &c);
            }
        }
        let change = d.change_commands();
        if !change.is_empty() {
            let _ = writeln!(
                out,
                "\n  {}",
                style.yellow(&style.bold(ui("change_commands", lang)))
            );
            for l in wrap::wrap(ui("change_note", lang), w.saturating_sub(4)) {
                let _ = writeln!(out, "    {}", style.dim(&l));
            }
            if d.policy().is_some() && d.change_files().iter().any(|f| f == "policy.json") {
                let save = fill(ui("save_policy_as", lang), &[("file", "policy.json")]);
                for l in wrap::wrap(&save, w.saturating_sub(4)) {
                    let _ = writeln!(out, "    {}", style.dim(&l));
                }
            }
            for c in change {
                write_command(&mut out, &style, &c);
            }
        }
        let open = d.open_questions(lang);
        if !open.is_empty() {
            let _ = writeln!(out, "\n{}", style.bold(ui("open_questions", lang)));
            for q in open {
                for (j, l) in wrap::wrap(&q, w.saturating_sub(6)).iter().enumerate() {
                    let bullet = if j == 0 { "  [ ] " } else { "      " };
                    let _ = writeln!(out, "{bullet}{l}");
                }
            }
        }
        let docs = d.docs();
        if !docs.is_empty() {
            let _ = writeln!(out, "\n{}", style.bold(ui("docs", lang)));
            for u in docs {
                let _ = writeln!(out, "  {}", style.dim(&u));
            }
        }
        if i + 1 < n {
            out.push('\n');
        }
    }
    // "Still failing?" once, after every finding.
    let followups = shared_followups(diagnoses, lang);
    if !followups.is_empty() {
        let title = if n > 1 {
            "still_failing_all"
        } else {
            "still_failing"
        };
        let _ = writeln!(out, "\n{}", style.bold(ui(title, lang)));
        for fu in followups {
            for l in wrap::wrap(&fu.title, w.saturating_sub(2)) {
                let _ = writeln!(out, "  {}", style.bold(&l));
            }
            for item in fu.items {
                for (j, l) in wrap::wrap(&item, w.saturating_sub(6)).iter().enumerate() {
                    let bullet = if j == 0 { "    - " } else { "      " };
                    let _ = writeln!(out, "{bullet}{l}");
                }
            }
        }
    }
    finish_text(&out, style)
}

/// `explain --output markdown`: a section per finding, ready for a ticket.
pub fn markdown(diagnoses: &[Diagnosis], truncated: bool, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", ui("report_title", lang));
    if truncated {
        let _ = writeln!(
            out,
            "> {}\n",
            fill(
                ui("truncated", lang),
                &[("n", &diagnoses.len().to_string())]
            )
        );
    }
    if diagnoses.is_empty() {
        let _ = writeln!(
            out,
            "{}\n\n{}",
            ui("no_finding", lang),
            ui("no_finding_hint", lang)
        );
        return out;
    }
    for (i, d) in diagnoses.iter().enumerate() {
        let f = &d.finding;
        let _ = writeln!(out, "## {}. {}\n", i + 1, d.heading(lang));
        let _ = writeln!(out, "> {}\n", f.excerpt.replace('\n', " "));
        let not_given = ui("not_given", lang);
        let _ = writeln!(out, "| | |\n|---|---|");
        let cell = |s: &str| s.replace('|', "\\|");
        let rows: Vec<(&str, String)> = vec![
            ("category", format!("`{}`", f.category)),
            (
                "principal",
                f.principal_arn
                    .as_deref()
                    .map(|p| format!("`{p}`"))
                    .unwrap_or_else(|| not_given.into()),
            ),
            (
                "action",
                f.action
                    .as_deref()
                    .map(|p| format!("`{p}`"))
                    .unwrap_or_else(|| not_given.into()),
            ),
            (
                "resource",
                f.resource
                    .as_deref()
                    .map(|p| format!("`{p}`"))
                    .unwrap_or_else(|| not_given.into()),
            ),
            ("deny", d.deny_text(lang)),
        ];
        for (k, v) in rows {
            let _ = writeln!(out, "| {} | {} |", ui(k, lang), cell(&v));
        }
        if let Some(p) = &f.policy_arn {
            let _ = writeln!(out, "| {} | `{p}` |", ui("policy_arn", lang));
        }
        if let Some(a) = &f.authorization_id {
            let _ = writeln!(out, "| {} | `{a}` |", ui("authorization_id", lang));
        }
        let _ = writeln!(out, "\n{}\n", d.summary(lang));
        if d.explicit() {
            let _ = writeln!(out, "**{}**\n", ui("explicit_wins", lang));
        }
        let steps = d.steps(lang);
        if !steps.is_empty() {
            let _ = writeln!(out, "### {}\n", ui("path", lang));
            for s in steps {
                let _ = writeln!(out, "1. {s}");
            }
            out.push('\n');
        }
        let evidence = d.evidence();
        if !evidence.is_empty() {
            let _ = writeln!(out, "### {}\n", ui("evidence_heading", lang));
            for e in evidence {
                let _ = writeln!(out, "- {e}");
            }
            out.push('\n');
        }
        let _ = writeln!(out, "### {}: {}\n", ui("fix", lang), d.fix_title(lang));
        let _ = writeln!(out, "{}\n", d.fix_body(lang));
        let _ = writeln!(
            out,
            "*{}:* {}\n",
            ui("policy_target", lang),
            ui(d.fix_target_key(), lang)
        );
        if let Some(p) = d.policy() {
            let _ = writeln!(out, "```json\n{}\n```\n", pretty(&p));
            let v = d.verified();
            let _ = writeln!(
                out,
                "**{}:** {}\n",
                crate::fix::render::status(v.status, lang),
                crate::fix::render::detail(&v.reason, lang)
            );
        }
        let read = d.read_commands();
        if !read.is_empty() {
            let _ = writeln!(
                out,
                "**{}**\n\n```sh\n{}\n```\n",
                ui("read_commands", lang),
                read.join("\n")
            );
        }
        let change = d.change_commands();
        if !change.is_empty() {
            let _ = writeln!(
                out,
                "**{}** — {}\n\n```sh\n{}\n```\n",
                ui("change_commands", lang),
                ui("change_note", lang),
                change.join("\n")
            );
        }
        let open = d.open_questions(lang);
        if !open.is_empty() {
            let _ = writeln!(out, "### {}\n", ui("open_questions", lang));
            for q in open {
                let _ = writeln!(out, "- [ ] {q}");
            }
            out.push('\n');
        }
        let docs = d.docs();
        if !docs.is_empty() {
            let _ = writeln!(out, "### {}\n", ui("docs", lang));
            for u in docs {
                let _ = writeln!(out, "- <{u}>");
            }
            out.push('\n');
        }
    }
    let title = if diagnoses.len() > 1 {
        "still_failing_all"
    } else {
        "still_failing"
    };
    markdown_followups(
        &mut out,
        &shared_followups(diagnoses, lang),
        ui(title, lang),
    );
    finish_markdown(&out)
}

fn markdown_followups(out: &mut String, followups: &[crate::diagnose::Followup], title: &str) {
    if followups.is_empty() {
        return;
    }
    let _ = writeln!(out, "### {title}\n");
    for fu in followups {
        let _ = writeln!(out, "**{}**\n", fu.title);
        for item in &fu.items {
            let _ = writeln!(out, "- {item}");
        }
        out.push('\n');
    }
}
