//! Languages and the interface's own strings (labels, headings, descriptions of categories
//! and deny kinds). The troubleshooting content itself lives in the tree; these are the words
//! around it. Both come from `assets/`, in English, Japanese and Traditional Chinese.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;

/// A language the tool speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Ja,
    ZhTw,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Ja, Lang::ZhTw];

    /// The code used in `--lang` and in the asset files.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
            Lang::ZhTw => "zh-TW",
        }
    }

    /// Parses `en`, `ja`, `zh-TW` (and the locale spellings `ja_JP.UTF-8`, `zh_TW`, `zh-Hant`).
    pub fn parse(s: &str) -> Option<Lang> {
        let l = s.trim().to_ascii_lowercase().replace('_', "-");
        if l.is_empty() {
            return None;
        }
        if l == "c" || l == "posix" || l.starts_with("en") {
            return Some(Lang::En);
        }
        if l.starts_with("ja") {
            return Some(Lang::Ja);
        }
        if l.starts_with("zh") {
            // Traditional Chinese is the Chinese we ship; a Simplified locale reads it better
            // than English.
            return Some(Lang::ZhTw);
        }
        None
    }

    /// The language from the locale variables, in POSIX precedence (LC_ALL, LC_MESSAGES,
    /// LANG); English when none names a language we speak.
    pub fn from_env_vars(get: impl Fn(&str) -> Option<String>) -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Some(v) = get(var).filter(|v| !v.trim().is_empty()) {
                // The first set variable decides, as POSIX says, even if we do not speak it.
                return Lang::parse(&v).unwrap_or(Lang::En);
            }
        }
        Lang::En
    }

    pub fn from_env() -> Lang {
        Lang::from_env_vars(|k| std::env::var(k).ok())
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A text in every language, as the asset files write it: `{"en": .., "ja": .., "zh-TW": ..}`.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Text {
    #[serde(default)]
    pub en: String,
    #[serde(default)]
    pub ja: String,
    #[serde(default, rename = "zh-TW")]
    pub zh_tw: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        let s = match lang {
            Lang::En => &self.en,
            Lang::Ja => &self.ja,
            Lang::ZhTw => &self.zh_tw,
        };
        if s.is_empty() { &self.en } else { s }
    }

    /// The languages whose text is missing or blank.
    pub fn missing(&self) -> Vec<Lang> {
        Lang::ALL
            .into_iter()
            .filter(|&l| {
                let s = match l {
                    Lang::En => &self.en,
                    Lang::Ja => &self.ja,
                    Lang::ZhTw => &self.zh_tw,
                };
                s.trim().is_empty()
            })
            .collect()
    }

    /// Every language's text, for checks that look at all of them.
    pub fn all(&self) -> [&str; 3] {
        [&self.en, &self.ja, &self.zh_tw]
    }
}

/// A list of texts in every language (same length in each).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TextList {
    #[serde(default)]
    pub en: Vec<String>,
    #[serde(default)]
    pub ja: Vec<String>,
    #[serde(default, rename = "zh-TW")]
    pub zh_tw: Vec<String>,
}

impl TextList {
    pub fn get(&self, lang: Lang) -> &[String] {
        let v = match lang {
            Lang::En => &self.en,
            Lang::Ja => &self.ja,
            Lang::ZhTw => &self.zh_tw,
        };
        if v.is_empty() { &self.en } else { v }
    }

    pub fn all(&self) -> [&Vec<String>; 3] {
        [&self.en, &self.ja, &self.zh_tw]
    }
}

static UI_JSON: &str = include_str!("../assets/i18n/ui.json");

static UI: LazyLock<BTreeMap<String, Text>> =
    LazyLock::new(|| serde_json::from_str(UI_JSON).unwrap_or_default());

/// An interface string by key. A missing key shows the key itself (the test suite makes sure
/// none is missing).
pub fn ui(key: &'static str, lang: Lang) -> &'static str {
    UI.get(key).map(|t| t.get(lang)).unwrap_or(key)
}

/// Every key the code asks for. The test suite checks that each has all three languages.
pub const KEYS: &[&str] = &[
    "ev.what_trust",
    "ev.invalid_document",
    "check.unanswered",
    "check.none_partial",
    "ev.url_auth",
    "ev.role_exists",
    "ev.role_absent",
    "ev.key_absent",
    "ev.key_policy_unreadable",
    "ev.key_policy_not_read",
    "ev.no_boundary",
    "ev.boundary_ok",
    "ev.no_deprecated",
    "ev.deprecated",
    "ev.no_public",
    "ev.public",
    "ev.deputy_ok",
    "ev.deputy_open",
    "ev.other_account",
    "ev.no_other_account",
    "ev.statement",
    "ev.policy_statement",
    "ev.allowed",
    "ev.the_policies",
    "ev.denied_explicit",
    "ev.not_allowed",
    "ev.reason_boundary",
    "ev.reason_resource",
    "ev.reason_identity",
    "ev.reason_key",
    "ev.subject_trust",
    "ev.subject_role",
    "ev.subject_key",
    "ev.may",
    "ev.on",
    "ev.could_not_read",
    "ev.what_resource_policy",
    "ev.what_esm",
    "ev.what_url",
    "ev.what_role",
    "ev.what_role_policies",
    "ev.what_boundary",
    "ev.what_key_policy",
    "evidence_heading",
    "no_finding",
    "no_finding_hint",
    "auth_failure_hint",
    "finding",
    "findings_count",
    "denied",
    "principal",
    "action",
    "resource",
    "operation",
    "policy_type",
    "deny",
    "deny_explicit",
    "deny_implicit",
    "deny_unknown",
    "deny_implicit_plain",
    "policy_arn",
    "authorization_id",
    "authorization_hint",
    "encoded_hint",
    "category",
    "path",
    "from_message",
    "from_evidence",
    "assumed",
    "answered",
    "fix",
    "policy_json",
    "policy_target",
    "read_commands",
    "change_commands",
    "change_note",
    "open_questions",
    "still_failing",
    "docs",
    "excerpt",
    "summary_with_principal",
    "summary_without_principal",
    "summary_with_principal_no_resource",
    "summary_without_principal_no_resource",
    "summary_no_action",
    "not_given",
    "report_title",
    "explicit_wins",
    "target.identity",
    "target.resource",
    "target.trust",
    "target.boundary",
    "target.session",
    "target.scp",
    "target.rcp",
    "target.vpce",
    "target.key_policy",
    "target.repository_policy",
    "target.layer_policy",
    "target.bucket_policy",
    "target.queue_policy",
    "target.none",
    "target.execution_role",
    "explicit_head",
    "explicit_head_unknown",
    "save_policy_as",
    "truncated",
    "still_failing_all",
    "cat.identity_not_authorized",
    "cat.pass_role",
    "cat.invoke_permission",
    "cat.execution_role_trust",
    "cat.vpc_eni",
    "cat.execution_role_missing_permission",
    "cat.cloudwatch_logs",
    "cat.event_source_mapping",
    "cat.kms",
    "cat.cross_account_assume_role",
    "cat.layer_access",
    "cat.ecr_image_access",
    "cat.function_url_auth",
    "cat.other_permission",
    "layer.identity",
    "layer.resource",
    "layer.scp",
    "layer.rcp",
    "layer.boundary",
    "layer.session",
    "layer.vpce",
    "layer.trust",
    "check.role.trust",
    "check.role.logs",
    "check.role.vpc",
    "check.role.event_source",
    "check.role.kms",
    "check.role.dead_letter",
    "check.role.boundary",
    "check.role.missing",
    "check.policy.deprecated",
    "check.resource.public",
    "check.resource.confused_deputy",
    "check.resource.url_public",
    "check.resource.cross_account",
    "check.heading",
    "check.source",
    "check.none",
    "check.passed",
    "check.unreadable",
    "check.evidence",
    "severity.error",
    "severity.warning",
    "severity.info",
    "check.fix.remove_statement",
    "check.fix.remove_statement_body",
    "check.fix.url_iam",
    "check.fix.url_iam_body",
    "fix.proven",
    "fix.not_proven",
    "fix.not_applicable",
    "fix.verified",
    "fix.changes",
    "fix.reason.check_passes",
    "fix.reason.all_clear",
    "fix.reason.request_allowed",
    "fix.reason.role_missing",
    "fix.reason.key_absent",
    "fix.reason.key_policy_not_read",
    "fix.reason.aws_managed_deny",
    "fix.reason.not_held",
    "fix.reason.no_statement_id",
    "fix.reason.still_fails",
    "fix.reason.breaks",
    "fix.reason.request_denied",
    "fix.reason.aws_managed_boundary",
    "fix.reason.wide_deny",
    "fix.reason.not_expressible",
    "fix.reason.inapplicable",
    "fix.reason.unknown",
    "fix.reason.information",
    "fix.reason.needs_decision",
    "fix.reason.deny_not_located",
    "fix.target.identity",
    "fix.target.boundary",
    "fix.target.trust",
    "fix.target.resource",
    "fix.target.key",
    "fix.target.session",
    "fix.target.vpce",
    "fix.target.scp",
    "fix.target.rcp",
    "fix.target.none",
    "fix.change.add",
    "fix.change.replace",
    "fix.change.remove",
    "fix.save_as",
    "check.combined",
    "check.combined_body",
];

/// Fills `{name}` slots in an interface string.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in args {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_precedence() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            Lang::from_env_vars(env(&[("LANG", "ja_JP.UTF-8")])),
            Lang::Ja
        );
        assert_eq!(
            Lang::from_env_vars(env(&[("LC_ALL", "zh_TW.UTF-8"), ("LANG", "ja_JP.UTF-8")])),
            Lang::ZhTw
        );
        assert_eq!(
            Lang::from_env_vars(env(&[("LC_MESSAGES", "C"), ("LANG", "ja_JP.UTF-8")])),
            Lang::En
        );
        assert_eq!(Lang::from_env_vars(env(&[])), Lang::En);
        assert_eq!(
            Lang::from_env_vars(env(&[("LANG", "de_DE.UTF-8")])),
            Lang::En
        );
    }

    #[test]
    fn every_ui_key_in_every_language() {
        let map: BTreeMap<String, Text> = serde_json::from_str(UI_JSON).expect("ui.json parses");
        for k in KEYS {
            let t = map.get(*k).unwrap_or_else(|| panic!("ui.json lacks {k}"));
            assert!(t.missing().is_empty(), "{k} lacks {:?}", t.missing());
        }
        for k in map.keys() {
            assert!(KEYS.contains(&k.as_str()), "ui.json has unused key {k}");
        }
    }
}
