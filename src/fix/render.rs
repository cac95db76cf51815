//! Words for fixes: a proof's status and reason, a change's heading. Only renderers call
//! these; nothing reads the words back.

use super::{Change, ChangeKind, Reason, Status, Target, Verified};
use crate::i18n::{Lang, fill, ui};

/// "Proven" / "Not proven" / "Not applicable".
pub fn status(s: Status, lang: Lang) -> &'static str {
    ui(
        match s {
            Status::Proven => "fix.proven",
            Status::NotProven => "fix.not_proven",
            Status::NotApplicable => "fix.not_applicable",
        },
        lang,
    )
}

/// Why, in a sentence.
pub fn detail(r: &Reason, lang: Lang) -> String {
    match r {
        Reason::CheckPasses => ui("fix.reason.check_passes", lang).into(),
        Reason::AllClear => ui("fix.reason.all_clear", lang).into(),
        Reason::RequestAllowed => ui("fix.reason.request_allowed", lang).into(),
        Reason::RoleMissing => ui("fix.reason.role_missing", lang).into(),
        Reason::KeyAbsent { key } => fill(ui("fix.reason.key_absent", lang), &[("key", key)]),
        Reason::KeyPolicyNotRead => ui("fix.reason.key_policy_not_read", lang).into(),
        Reason::AwsManagedDeny { policy } => fill(
            ui("fix.reason.aws_managed_deny", lang),
            &[("policy", policy)],
        ),
        Reason::NotHeld { target } => fill(
            ui("fix.reason.not_held", lang),
            &[("what", target_name(*target, lang))],
        ),
        Reason::AwsManagedBoundary { policy } => fill(
            ui("fix.reason.aws_managed_boundary", lang),
            &[("policy", policy)],
        ),
        Reason::WideDeny { sid } => fill(
            ui("fix.reason.wide_deny", lang),
            &[("sid", sid.as_deref().unwrap_or("-"))],
        ),
        Reason::NotExpressible { sid } => fill(
            ui("fix.reason.not_expressible", lang),
            &[("sid", sid.as_deref().unwrap_or("-"))],
        ),
        Reason::Inapplicable { error } => {
            fill(ui("fix.reason.inapplicable", lang), &[("error", error)])
        }
        Reason::NoStatementId => ui("fix.reason.no_statement_id", lang).into(),
        Reason::StillFails { check } => fill(
            ui("fix.reason.still_fails", lang),
            &[("check", check.as_str())],
        ),
        Reason::Breaks { checks } => {
            let names: Vec<&str> = checks.iter().map(|c| c.as_str()).collect();
            fill(
                ui("fix.reason.breaks", lang),
                &[("checks", &names.join(", "))],
            )
        }
        Reason::RequestDenied => ui("fix.reason.request_denied", lang).into(),
        Reason::Unknown { placeholders } => fill(
            ui("fix.reason.unknown", lang),
            &[("placeholders", &placeholders.join(", "))],
        ),
        Reason::Information => ui("fix.reason.information", lang).into(),
        Reason::NeedsDecision => ui("fix.reason.needs_decision", lang).into(),
        Reason::DenyNotLocated => ui("fix.reason.deny_not_located", lang).into(),
    }
}

/// "Proven: with these changes …".
pub fn verdict(v: &Verified, lang: Lang) -> String {
    format!("{}: {}", status(v.status, lang), detail(&v.reason, lang))
}

/// The document a target names.
pub fn target_name(t: Target, lang: Lang) -> &'static str {
    ui(
        match t {
            Target::Identity => "fix.target.identity",
            Target::Boundary => "fix.target.boundary",
            Target::Trust => "fix.target.trust",
            Target::Resource => "fix.target.resource",
            Target::Key => "fix.target.key",
            Target::Session => "fix.target.session",
            Target::Vpce => "fix.target.vpce",
            Target::Scp => "fix.target.scp",
            Target::Rcp => "fix.target.rcp",
            Target::None => "fix.target.none",
        },
        lang,
    )
}

/// One line saying what a change does: "Add to the role's identity policies (inline policy
/// lambda-doctor-logs) — save the document as lambda-doctor-logs.json".
pub fn heading(c: &Change, lang: Lang) -> String {
    let kind = ui(
        match c.change {
            ChangeKind::Add => "fix.change.add",
            ChangeKind::Replace => "fix.change.replace",
            ChangeKind::Remove => "fix.change.remove",
        },
        lang,
    );
    let mut what = target_name(c.target, lang).to_string();
    if let Some(n) = c.policy_name.as_deref().or(c.target_arn.as_deref()) {
        what.push_str(&format!(" ({n})"));
    }
    if !c.remove_sids.is_empty() {
        what.push_str(&format!(" — Sid {}", c.remove_sids.join(", ")));
    }
    if let Some(s) = &c.setting {
        what.push_str(&format!(" — AuthType {}", s.url_auth_type));
    }
    let mut line = fill(kind, &[("what", &what)]);
    if let (Some(f), Some(_)) = (&c.file, &c.policy) {
        line.push_str(&format!(
            " — {}",
            fill(ui("fix.save_as", lang), &[("file", f)])
        ));
    }
    line
}
