//! The message catalogue (`assets/catalogue/messages.json`): AWS's permission messages that
//! are not in the IAM "is not authorized to perform" form — Lambda's own refusals and the
//! messages of services that check or use a Lambda permission — as data. Each entry has a
//! pattern with named captures, the category, how the action is found, where the wording comes
//! from, and examples a test runs. Adding a message is a JSON edit plus its example.
//!
//! A pattern's spaces match any run of whitespace (a message wrapped by a terminal, a table or
//! a YAML block still matches); a cheap substring prefilter (`triggers`, one pass with
//! Aho–Corasick) decides which patterns run.

use super::classify::{Caller, Hints, caller, classify};
use super::services::{prefix_for_event_source, prefix_for_operation, prefix_for_service_name};
use super::{Candidate, Category, Context, Finding, Principal};
use regex::{Captures, Regex};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

static JSON: &str = include_str!("../../assets/catalogue/messages.json");

/// How an entry finds the action and the category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Derive {
    /// The entry's `category` and `action` (a template over the captures) as written.
    #[default]
    Fixed,
    /// A call the execution role makes for Lambda: `op` on `service` (a service name such as
    /// "SQS", or an event source host); category from the action, the caller is the function.
    RoleCall,
    /// Someone's call denied: `op` (with `service` or `source`), `principal` when captured;
    /// category from who calls and what (as for the IAM form).
    Classify,
    /// KMS: the operation KMS refused, from "invalid for <Op>" shortly after; else Decrypt.
    KmsOperation,
}

/// What a message says about the deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DenySaid {
    Implicit,
    Explicit,
}

/// An example a test runs: the text, and what it must give.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub text: String,
    pub category: Category,
    #[serde(default)]
    pub action: Option<String>,
}

/// One message.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: String,
    /// Lower-case substrings, one of which must occur for the pattern to run.
    pub triggers: Vec<String>,
    /// A regex (spaces match any whitespace run); named captures `op`, `service`, `source`,
    /// `resource`, `principal`, `action`.
    pub pattern: String,
    #[serde(default)]
    pub derive: Derive,
    /// For `fixed`; the fallback for the others.
    pub category: Category,
    /// An action, or a template over the captures (`s3:{op}`).
    #[serde(default)]
    pub action: Option<String>,
    /// Values for captures the pattern does not have (`{"service": "EC2"}`).
    #[serde(default)]
    pub defaults: BTreeMap<String, String>,
    #[serde(default)]
    pub caller: Option<Caller>,
    #[serde(default)]
    pub service_principal: Option<String>,
    /// Lower-case words of which one must occur within 600 bytes (a signature error is a
    /// function URL's only next to URL output).
    #[serde(default)]
    pub needs_nearby: Vec<String>,
    /// Lower-case words that, within 600 bytes, show the message is not a denial this time
    /// (Lambda's KMS sentence followed by "InvalidArnException").
    #[serde(default)]
    pub unless_nearby: Vec<String>,
    /// A wrapper: gives way to a specific message nearby.
    #[serde(default)]
    pub generic: bool,
    /// What the message says about the deny: `implicit` (a missing allow: "does not have
    /// permissions to call") or `explicit`; the tree then does not ask.
    #[serde(default)]
    pub deny: Option<DenySaid>,
    /// How sure a match is (`high` unless the entry says otherwise).
    #[serde(default)]
    pub confidence: Option<super::Confidence>,
    /// Where the wording comes from (an AWS page, an API reference, a public issue).
    pub source: String,
    pub examples: Vec<Example>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    entries: Vec<Entry>,
}

struct Compiled {
    entry: Entry,
    /// Compiled the first time a trigger turns the entry on (start-up pays for none).
    re: std::sync::OnceLock<Option<Regex>>,
}

impl Compiled {
    fn re(&self) -> Option<&Regex> {
        self.re
            .get_or_init(|| Regex::new(&widen(&self.entry.pattern)).ok())
            .as_ref()
    }
}

struct Catalogue {
    entries: Vec<Compiled>,
    triggers: aho_corasick::AhoCorasick,
    /// The entries each trigger turns on.
    owner: Vec<Vec<usize>>,
}

/// A pattern as written → the regex that runs: spaces match any whitespace run.
/// An optional space (`" ?"`, `" *"`) matches no whitespace or any run of it.
pub(super) fn widen(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut escaped = false;
    // Inside a character class a space stays a space.
    let mut in_class = false;
    let mut chars = pattern.chars().peekable();
    while let Some(ch) = chars.next() {
        if !escaped && ch == '[' {
            in_class = true;
        } else if !escaped && ch == ']' {
            in_class = false;
        }
        if ch == ' ' && !escaped && !in_class {
            if matches!(chars.peek(), Some('?' | '*')) {
                chars.next();
                out.push_str(r"\s*");
            } else if chars.peek() == Some(&'+') {
                chars.next();
                out.push_str(r"\s+");
            } else if !out.ends_with(r"\s+") {
                // Collapse runs of spaces into one `\s+`.
                out.push_str(r"\s+");
            }
            continue;
        }
        escaped = ch == '\\' && !escaped;
        out.push(ch);
    }
    out
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let file: File = serde_json::from_str(JSON).unwrap_or(File { entries: vec![] });
    let entries: Vec<Compiled> = file
        .entries
        .into_iter()
        .map(|e| Compiled {
            entry: e,
            re: std::sync::OnceLock::new(),
        })
        .collect();
    // One automaton word per distinct trigger, with every entry it turns on.
    let mut words: Vec<String> = Vec::new();
    let mut owner: Vec<Vec<usize>> = Vec::new();
    for (i, c) in entries.iter().enumerate() {
        for t in &c.entry.triggers {
            match words.iter().position(|w| w == t) {
                Some(k) => owner[k].push(i),
                None => {
                    words.push(t.clone());
                    owner.push(vec![i]);
                }
            }
        }
    }
    let triggers = aho_corasick::AhoCorasick::new(&words).expect("plain substrings build");
    Catalogue {
        entries,
        triggers,
        owner,
    }
});

/// The catalogue's entries (for validation and documentation).
pub fn entries() -> Vec<&'static Entry> {
    CATALOGUE.entries.iter().map(|c| &c.entry).collect()
}

/// What is wrong with the catalogue: a file that does not load, a pattern that does not
/// compile, a missing source or example, a trigger that is not lower case or does not occur
/// in an example, an example that does not give its category and action, a duplicate id.
pub fn defects() -> Vec<String> {
    let mut out = Vec::new();
    if let Err(e) = serde_json::from_str::<File>(JSON) {
        out.push(format!("assets/catalogue/messages.json: {e}"));
        return out;
    }
    let mut seen = std::collections::HashSet::new();
    for c in &CATALOGUE.entries {
        let e = &c.entry;
        if let Err(err) = Regex::new(&widen(&e.pattern)) {
            out.push(format!("{}: pattern does not compile: {err}", e.id));
            continue;
        }
        let Some(re) = c.re() else { continue };
        if !seen.insert(e.id.as_str()) {
            out.push(format!("{}: duplicate id", e.id));
        }
        if !e.source.starts_with("https://") {
            out.push(format!("{}: the source is not an https URL", e.id));
        }
        if e.examples.is_empty() {
            out.push(format!("{}: no example", e.id));
        }
        if e.triggers.is_empty() {
            out.push(format!("{}: no trigger", e.id));
        }
        for t in &e.triggers {
            if t.to_ascii_lowercase() != *t || t.trim().is_empty() {
                out.push(format!("{}: trigger {t:?} is not lower case", e.id));
            }
        }
        for x in &e.examples {
            let lower = collapse_whitespace(&x.text.to_ascii_lowercase()).into_owned();
            if !e.triggers.iter().any(|t| lower.contains(t.as_str())) {
                out.push(format!(
                    "{}: no trigger occurs in the example {:?}",
                    e.id, x.text
                ));
            }
            if !re.is_match(&x.text) {
                out.push(format!(
                    "{}: the pattern does not match the example {:?}",
                    e.id, x.text
                ));
            }
            let found = super::recognize(&x.text);
            match found.first() {
                None => out.push(format!(
                    "{}: the example gives no finding: {:?}",
                    e.id, x.text
                )),
                Some(f) => {
                    if f.category != x.category {
                        out.push(format!(
                            "{}: the example gives {} (expected {}): {:?}",
                            e.id, f.category, x.category, x.text
                        ));
                    }
                    if f.action != x.action {
                        out.push(format!(
                            "{}: the example gives action {:?} (expected {:?}): {:?}",
                            e.id, f.action, x.action, x.text
                        ));
                    }
                }
            }
        }
    }
    out
}

/// Fills `{name}` in a template from the captures (or the entry's defaults). `None` when a
/// named value is missing.
fn template(t: &str, get: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let j = after.find('}')?;
        out.push_str(&get(&after[..j])?);
        rest = &after[j + 1..];
    }
    out.push_str(rest);
    Some(out)
}

fn trim_value(s: &str) -> String {
    s.trim()
        .trim_matches(['`', '\'', '"'])
        .trim_end_matches(['.', ',', ';', '"', '\'', ')', '`'])
        .to_string()
}

/// `s` with every run of whitespace as one space (borrowed when there is nothing to do).
fn collapse_whitespace(s: &str) -> std::borrow::Cow<'_, str> {
    let needs = s
        .as_bytes()
        .windows(2)
        .any(|w| w[0].is_ascii_whitespace() && w[1].is_ascii_whitespace())
        || s.bytes().any(|b| b.is_ascii_whitespace() && b != b' ');
    if !needs {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut in_space = false;
    for ch in s.chars() {
        if ch.is_ascii_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(ch);
            in_space = false;
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Finds every catalogued message.
pub(super) fn detect(ctx: &Context, out: &mut Vec<Candidate>) {
    let cat = &*CATALOGUE;
    // Triggers are matched with whitespace runs collapsed, so a wrapped phrase still turns
    // its pattern on.
    let collapsed = collapse_whitespace(ctx.lower);
    let mut on = vec![false; cat.entries.len()];
    // Overlapping: a trigger inside another still counts.
    for m in cat.triggers.find_overlapping_iter(collapsed.as_ref()) {
        for &i in &cat.owner[m.pattern().as_usize()] {
            on[i] = true;
        }
    }
    for (c, _) in cat.entries.iter().zip(&on).filter(|(_, on)| **on) {
        let Some(re) = c.re() else { continue };
        for caps in re.captures_iter(ctx.text).take(super::MAX_FINDINGS * 4) {
            let m = caps.get(0).expect("whole match");
            if !c.entry.needs_nearby.is_empty() {
                let w = ctx.window(m.start(), m.end(), 600);
                if !c.entry.needs_nearby.iter().any(|x| w.contains(x.as_str())) {
                    continue;
                }
            }
            if !c.entry.unless_nearby.is_empty() {
                let w = ctx.window(m.start(), m.end(), 600);
                if c.entry.unless_nearby.iter().any(|x| w.contains(x.as_str())) {
                    continue;
                }
            }
            let f = build(&c.entry, &caps, ctx, m.start(), m.end());
            out.push(Candidate {
                start: m.start(),
                end: m.end(),
                finding: f,
                generic: c.entry.generic,
            });
        }
    }
}

fn build(e: &Entry, caps: &Captures, ctx: &Context, start: usize, end: usize) -> Finding {
    let get = |name: &str| -> Option<String> {
        caps.name(name)
            .map(|m| trim_value(m.as_str()))
            .filter(|s| !s.is_empty())
            .or_else(|| e.defaults.get(name).cloned())
    };
    let hints = ctx.hints(start, end);
    let principal = get("principal").filter(|p| p.starts_with("arn:"));
    let parsed = principal.as_deref().map(Principal::parse);
    // The service prefix: a named service ("SQS"), an event source host, or the operation's
    // usual service.
    let prefix = |op: Option<&str>| -> Option<String> {
        get("service")
            .and_then(|s| prefix_for_service_name(&s).map(str::to_string))
            .or_else(|| get("source").and_then(|s| prefix_for_event_source(&s)))
            .or_else(|| op.and_then(prefix_for_operation).map(str::to_string))
    };
    let (category, action, who) = match e.derive {
        Derive::Fixed => (
            e.category,
            e.action.as_deref().and_then(|t| template(t, &get)),
            e.caller.unwrap_or(Caller::Unknown),
        ),
        Derive::RoleCall => {
            let op = get("op");
            let action = match (prefix(op.as_deref()), &op) {
                (Some(p), Some(op)) => Some(format!("{p}:{op}")),
                _ => get("action"),
            };
            let hints = Hints {
                runtime: true,
                deploy: false,
            };
            (
                classify(action.as_deref(), None, hints),
                action,
                Caller::Function,
            )
        }
        Derive::Classify => {
            let op = get("op");
            let action = get("action").or_else(|| match (prefix(op.as_deref()), &op) {
                (Some(p), Some(op)) => Some(format!("{p}:{op}")),
                _ => None,
            });
            let who = e.caller.unwrap_or_else(|| caller(parsed.as_ref(), hints));
            let category = if action.is_some() || parsed.is_some() {
                classify(action.as_deref(), parsed.as_ref(), hints)
            } else {
                e.category
            };
            (category, action, who)
        }
        Derive::KmsOperation => {
            static OP: LazyLock<Regex> = LazyLock::new(|| {
                Regex::new(r"(?is)^.{0,200}?\binvalid\s+for\s+([A-Za-z]+)").expect("regex")
            });
            let rest = &ctx.text[end..super::ceil_boundary(ctx.text, end + 240)];
            let op = OP
                .captures(rest)
                .map(|m| format!("kms:{}", &m[1]))
                .unwrap_or_else(|| "kms:Decrypt".to_string());
            (Category::Kms, Some(op), e.caller.unwrap_or(Caller::Unknown))
        }
    };
    let mut f = Finding::new(category, &ctx.text[sentence(ctx, start, end)]);
    f.action = action;
    f.resource = get("resource");
    f.principal_arn = principal;
    f.service_principal = e.service_principal.clone().or_else(|| {
        get("principal").filter(|p| !p.starts_with("arn:") && p.ends_with(".amazonaws.com"))
    });
    f.caller = who;
    if let Some(c) = e.confidence {
        f.confidence = c;
    }
    // The tree's "explicit or implicit?" is answered; `deny_kind` stays what AWS's own
    // wording names (null here), as DESIGN.md defines it.
    f.explicit = e.deny.map(|d| d == DenySaid::Explicit);
    f
}

/// The sentence or line around a match, for the excerpt.
fn sentence(ctx: &Context, start: usize, end: usize) -> std::ops::Range<usize> {
    let t = ctx.text;
    let line_start = t[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let a = if start - line_start <= 300 {
        line_start
    } else {
        // A long line: start at a word boundary some way before the match.
        let from = super::floor_boundary(t, start - 200);
        t[from..start]
            .find(' ')
            .map(|i| from + i + 1)
            .unwrap_or(from)
    };
    let b = t[end..].find('\n').map(|i| end + i).unwrap_or(t.len());
    let b = b.min(super::ceil_boundary(t, end + 300));
    a..b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_loads_and_every_example_gives_its_finding() {
        let d = defects();
        assert!(d.is_empty(), "{d:#?}");
        assert!(entries().len() >= 20, "{}", entries().len());
    }

    #[test]
    fn spaces_in_patterns_match_any_whitespace() {
        assert_eq!(widen("a b  c"), r"a\s+b\s+c");
        assert_eq!(widen(r"a\ b"), r"a\ b");
        assert_eq!(widen("pre ?sign"), r"pre\s*sign");
        assert_eq!(widen("[a ]+ b"), r"[a ]+\s+b");
        let re = Regex::new(&widen("execution role does not")).expect("regex");
        assert!(re.is_match("execution\n      role does\tnot"));
    }
}
