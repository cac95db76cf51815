//! Words for the checks' facts, in the chosen language: the only place where a [`Fact`]
//! becomes a sentence. Nothing reads these sentences back.

use super::{Fact, KeyPolicyGap, StatementRef, Subject};
use crate::i18n::{Lang, fill, ui};
use crate::policy::{Decision, Layer};

/// One evidence line for `fact`.
pub fn say(fact: &Fact, lang: Lang) -> String {
    let t = |key: &'static str, args: &[(&str, &str)]| fill(ui(key, lang), args);
    match fact {
        Fact::RoleExists { arn } => t("ev.role_exists", &[("arn", arn)]),
        Fact::RoleAbsent => t("ev.role_absent", &[]),
        Fact::Decision {
            subject,
            principal,
            action,
            resource,
            decision,
            denied_by,
            statement,
        } => {
            let what = match (principal, resource) {
                (Some(p), _) => t("ev.may", &[("principal", p), ("action", action)]),
                (None, Some(r)) => t("ev.on", &[("action", action), ("resource", r)]),
                (None, None) => action.clone(),
            };
            decision_line(
                *subject,
                &what,
                *decision,
                *denied_by,
                statement.as_ref(),
                lang,
            )
        }
        Fact::KeyAbsent { key } => t("ev.key_absent", &[("key", key)]),
        Fact::KeyPolicyAssumed(KeyPolicyGap::Unreadable { needs }) => {
            t("ev.key_policy_unreadable", &[("needs", needs)])
        }
        Fact::KeyPolicyAssumed(KeyPolicyGap::NotRead) => t("ev.key_policy_not_read", &[]),
        Fact::NoBoundary => t("ev.no_boundary", &[]),
        Fact::BoundaryAllows { boundary } => t("ev.boundary_ok", &[("name", boundary)]),
        Fact::BoundaryBlocks {
            check,
            action,
            resource,
            ..
        } => {
            let what = t("ev.on", &[("action", action), ("resource", resource)]);
            let line = decision_line(
                Subject::Role,
                &what,
                Decision::ImplicitlyDenied,
                Some(Layer::Boundary),
                None,
                lang,
            );
            format!("{check}: {line}")
        }
        Fact::NoDeprecated => t("ev.no_deprecated", &[]),
        Fact::Deprecated { arn } => t("ev.deprecated", &[("arn", arn)]),
        Fact::NoPublicStatement => t("ev.no_public", &[]),
        Fact::PublicStatement { statement } => t(
            "ev.public",
            &[("statement", &statement_name(statement, lang))],
        ),
        Fact::SourceScoped => t("ev.deputy_ok", &[]),
        Fact::SourceOpen { statement } => t(
            "ev.deputy_open",
            &[("statement", &statement_name(statement, lang))],
        ),
        Fact::NoOtherAccount => t("ev.no_other_account", &[]),
        Fact::OtherAccount {
            statement,
            account,
            principal,
        } => t(
            "ev.other_account",
            &[
                ("statement", &statement_name(statement, lang)),
                ("account", account),
                ("principal", principal),
            ],
        ),
        Fact::UrlAuth { auth_type } => t("ev.url_auth", &[("type", auth_type)]),
    }
}

/// "statement 2 (Sid)", or "policy-name statement 2 (Sid)" when the policy is named.
fn statement_name(s: &StatementRef, lang: Lang) -> String {
    let base = match &s.policy {
        Some(p) => fill(
            ui("ev.policy_statement", lang),
            &[("policy", p), ("index", &s.index.to_string())],
        ),
        None => fill(ui("ev.statement", lang), &[("index", &s.index.to_string())]),
    };
    match &s.sid {
        Some(sid) => format!("{base} ({sid})"),
        None => base,
    }
}

fn decision_line(
    subject: Subject,
    what: &str,
    decision: Decision,
    denied_by: Option<Layer>,
    statement: Option<&StatementRef>,
    lang: Lang,
) -> String {
    let f_subject = subject;
    let subject = ui(
        match subject {
            Subject::Trust => "ev.subject_trust",
            Subject::Role => "ev.subject_role",
            Subject::Key => "ev.subject_key",
        },
        lang,
    );
    match decision {
        Decision::Allowed => {
            let by = statement
                .map(|s| statement_name(s, lang))
                .unwrap_or_else(|| ui("ev.the_policies", lang).to_string());
            fill(ui("ev.allowed", lang), &[("what", what), ("by", &by)])
        }
        Decision::ExplicitlyDenied => {
            let by = statement
                .map(|s| statement_name(s, lang))
                .unwrap_or_default();
            fill(
                ui("ev.denied_explicit", lang),
                &[("what", what), ("by", &by)],
            )
        }
        Decision::ImplicitlyDenied => {
            let reason = match denied_by {
                Some(Layer::Boundary) => ui("ev.reason_boundary", lang).to_string(),
                Some(Layer::Resource) => {
                    fill(ui("ev.reason_resource", lang), &[("subject", subject)])
                }
                // For a key: neither the role's policies nor the key policy allows it.
                _ if f_subject == Subject::Key => ui("ev.reason_key", lang).to_string(),
                _ => fill(ui("ev.reason_identity", lang), &[("subject", subject)]),
            };
            fill(
                ui("ev.not_allowed", lang),
                &[("what", what), ("reason", &reason)],
            )
        }
    }
}
