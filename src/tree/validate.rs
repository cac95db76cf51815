//! Structural and content checks of the tree: what `lambda-doctor tree --check` reports and
//! what the test suite requires to be empty.

use super::vars::{FACTS, PLACEHOLDERS, placeholders_in};
use super::{NodeKind, Tree};
use crate::i18n::{Lang, Text, TextList};
use crate::recognize::Category;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// The values a `check` finding's fix is filled with (`checks::report::vars_for` and the
/// finding's facts): a node the check → fix map leads to may use only these in its words.
pub const CHECK_VARS: &[&str] = &[
    "function_arn",
    "function_name",
    "partition",
    "region",
    "account_id",
    "source_account",
    "principal_account",
    "role_arn",
    "target_role_arn",
    "role_name",
    "principal_name",
    "principal_entity",
    "principal_iam_arn",
    "boundary_policy_arn",
    "kms_key_arn",
    "log_group_arn",
    "queue_arn",
    "queue_url",
    "stream_arn",
    "resource",
    "action",
    "policy_arn",
    "policy_id",
    "inline_policy_name",
    "service_principal",
];

/// One thing wrong with the tree, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defect {
    pub place: String,
    pub problem: String,
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.problem)
    }
}

struct Collector(Vec<Defect>);

impl Collector {
    fn add(&mut self, place: impl Into<String>, problem: impl Into<String>) {
        self.0.push(Defect {
            place: place.into(),
            problem: problem.into(),
        });
    }

    fn text(&mut self, place: &str, t: &Text) {
        let missing = t.missing();
        if !missing.is_empty() {
            let langs: Vec<&str> = missing.iter().map(|l| l.code()).collect();
            self.add(place, format!("text missing in {}", langs.join(", ")));
        }
        for s in t.all() {
            self.placeholders(place, s);
        }
    }

    fn list(&mut self, place: &str, t: &TextList) {
        let [en, ja, zh] = t.all();
        for (l, v) in Lang::ALL.iter().zip([en, ja, zh]) {
            if v.is_empty() || v.iter().any(|s| s.trim().is_empty()) {
                self.add(place, format!("text missing in {}", l.code()));
            }
            for s in v {
                self.placeholders(place, s);
            }
        }
        if en.len() != ja.len() || en.len() != zh.len() {
            self.add(
                place,
                format!(
                    "lists differ in length: en {}, ja {}, zh-TW {}",
                    en.len(),
                    ja.len(),
                    zh.len()
                ),
            );
        }
    }

    fn placeholders(&mut self, place: &str, s: &str) {
        for p in placeholders_in(s) {
            if !PLACEHOLDERS.contains(&p) {
                self.add(place, format!("unknown placeholder {{{{{p}}}}}"));
            }
        }
    }

    fn json(&mut self, place: &str, v: &serde_json::Value) {
        match v {
            serde_json::Value::String(s) => self.placeholders(place, s),
            serde_json::Value::Array(a) => a.iter().for_each(|x| self.json(place, x)),
            serde_json::Value::Object(o) => {
                for (k, x) in o {
                    self.placeholders(place, k);
                    self.json(place, x);
                }
            }
            _ => {}
        }
    }
}

impl Tree {
    /// Every defect, in a stable order; empty when the tree is sound.
    pub fn validate(&self) -> Vec<Defect> {
        let mut c = Collector(Vec::new());
        let mut seen = HashSet::new();
        for id in self.ids() {
            if !seen.insert(id.as_str()) {
                c.add(id, "duplicate node id");
            }
        }
        for (id, reason) in self.parse_errors() {
            c.add(id, format!("does not fit the node format: {reason}"));
        }
        for n in self.nodes() {
            let place = n.id.as_str();
            c.text(&format!("{place}.title"), &n.title);
            c.text(&format!("{place}.body"), &n.body);
            match n.kind {
                NodeKind::Question => {
                    if n.fix.is_some() {
                        c.add(place, "a question carries a fix");
                    }
                    if n.answers.len() < 2 {
                        c.add(
                            place,
                            "a question needs at least two answers (a leaf without a conclusion)",
                        );
                    }
                    let mut ids = HashSet::new();
                    for a in &n.answers {
                        if !ids.insert(a.id.as_str()) {
                            c.add(place, format!("duplicate answer id {}", a.id));
                        }
                        c.text(&format!("{place}.answers.{}.label", a.id), &a.label);
                        if self.node(&a.next).is_none() {
                            c.add(
                                place,
                                format!("answer {} leads to missing node {}", a.id, a.next),
                            );
                        }
                        for w in &a.when {
                            let fact_ok = n.fact.as_deref().is_some_and(|f| {
                                FACTS
                                    .iter()
                                    .any(|(name, vals)| *name == f && vals.contains(&w.as_str()))
                            });
                            let check_ok = n.check.is_some() && (w == "pass" || w == "fail");
                            if !fact_ok && !check_ok {
                                c.add(place, format!("answer {}: `when` value {w} fits neither the fact nor the check", a.id));
                            }
                        }
                    }
                    match &n.likely {
                        Some(l) if n.answer(l).is_some() => {}
                        Some(l) => c.add(place, format!("likely answer {l} is not an answer")),
                        None => c.add(place, "a question needs a likely answer"),
                    }
                    if let Some(f) = &n.fact
                        && !FACTS.iter().any(|(name, _)| name == f)
                    {
                        c.add(place, format!("unknown fact {f}"));
                    }
                }
                NodeKind::Fix => {
                    if !n.answers.is_empty() {
                        c.add(place, "a fix leaf has answers");
                    }
                    match &n.fix {
                        None => c.add(place, "a fix leaf without a conclusion (no fix object)"),
                        Some(f) => {
                            if let Some(p) = &f.policy {
                                c.json(&format!("{place}.policy"), p);
                            }
                            for cmd in f.read.iter().chain(&f.change) {
                                c.placeholders(&format!("{place}.commands"), cmd);
                            }
                            for k in &f.followups {
                                if !self.index.followups.contains_key(k) {
                                    c.add(place, format!("unknown followup {k}"));
                                }
                            }
                            if f.policy.is_none()
                                && f.read.is_empty()
                                && f.change.is_empty()
                                && n.body.en.trim().is_empty()
                            {
                                c.add(place, "a fix leaf without a conclusion");
                            }
                        }
                    }
                }
            }
        }
        // Index: root, entries, symptoms, followups.
        if self.node(&self.index.root).is_none() {
            c.add("index.root", format!("missing node {}", self.index.root));
        }
        for cat in Category::ALL {
            match self.index.entries.get(cat.as_str()) {
                None => c.add("index.entries", format!("no entry node for category {cat}")),
                Some(id) if self.node(id).is_none() => {
                    c.add("index.entries", format!("{cat} leads to missing node {id}"))
                }
                _ => {}
            }
        }
        for k in self.index.entries.keys() {
            if Category::parse(k).is_none() {
                c.add("index.entries", format!("unknown category {k}"));
            }
        }
        for s in &self.index.symptoms {
            c.text(&format!("symptom {}", s.id), &s.label);
            if self.node(&s.node).is_none() {
                c.add(
                    format!("symptom {}", s.id),
                    format!("leads to missing node {}", s.node),
                );
            }
        }
        for (k, f) in &self.index.followups {
            c.text(&format!("followup {k}.title"), &f.title);
            c.list(&format!("followup {k}.items"), &f.items);
        }
        self.check_fix_defects(&mut c);
        self.graph_defects(&mut c);
        c.0
    }

    /// The check → fix map: each rule leads to a fix node whose words (title, body, read
    /// commands) use only values a check's evidence fills; every check with a fix has a rule
    /// that applies in any situation; an explicit deny's rule never leads to an Allow.
    fn check_fix_defects(&self, c: &mut Collector) {
        for (i, r) in self.index.check_fixes.iter().enumerate() {
            let place = format!("index.check_fixes[{i}]");
            let Some(n) = self.node(&r.node) else {
                c.add(place, format!("leads to missing node {}", r.node));
                continue;
            };
            if n.kind != NodeKind::Fix {
                c.add(&place, format!("{} is not a fix node", r.node));
            }
            let mut words: Vec<String> = Vec::new();
            for l in Lang::ALL {
                words.push(n.title.get(l).to_string());
                words.push(n.body.get(l).to_string());
            }
            words.extend(n.fix.iter().flat_map(|f| f.read.iter().cloned()));
            for w in &words {
                for p in placeholders_in(w) {
                    if !CHECK_VARS.contains(&p) {
                        c.add(
                            &place,
                            format!(
                                "{} uses {{{{{p}}}}}, which no check's evidence fills",
                                r.node
                            ),
                        );
                    }
                }
            }
            if r.when.contains(&super::Situation::ExplicitDeny)
                && n.fix
                    .as_ref()
                    .and_then(|f| f.policy.as_ref())
                    .is_some_and(has_allow)
            {
                c.add(
                    &place,
                    format!("an explicit deny leads to an Allow in {}", r.node),
                );
            }
        }
        for id in crate::checks::CheckId::ALL {
            let words_only = matches!(
                id,
                crate::checks::CheckId::ResourcePublic
                    | crate::checks::CheckId::ResourceUrlPublic
                    | crate::checks::CheckId::ResourceCrossAccount
            );
            if !words_only && self.index.fix_for_check(id, &[]).is_none() {
                c.add(
                    "index.check_fixes",
                    format!("no rule for {id} in every situation"),
                );
            }
        }
    }

    /// Reachability from the root, cycles, and the explicit-deny rule.
    fn graph_defects(&self, c: &mut Collector) {
        let reachable = self.reachable_from(&self.index.root);
        for n in self.nodes() {
            if !reachable.contains(n.id.as_str()) {
                c.add(&n.id, "unreachable from the root");
            }
        }
        // Cycles: depth-first search with colours.
        let mut colour: HashMap<&str, u8> = HashMap::new();
        for n in self.nodes() {
            if !colour.contains_key(n.id.as_str()) {
                self.dfs(&n.id, &mut colour, c);
            }
        }
        // A fix reached only through explicit-deny answers must not propose an Allow.
        let only_explicit = self.only_after_explicit();
        for n in self.nodes() {
            if !only_explicit.contains(n.id.as_str()) {
                continue;
            }
            if let Some(p) = n.fix.as_ref().and_then(|f| f.policy.as_ref())
                && has_allow(p)
            {
                c.add(
                    &n.id,
                    "reached only through an explicit deny, yet proposes an Allow",
                );
            }
        }
    }

    fn dfs<'a>(&'a self, id: &'a str, colour: &mut HashMap<&'a str, u8>, c: &mut Collector) {
        colour.insert(id, 1);
        if let Some(n) = self.node(id) {
            for a in &n.answers {
                match colour.get(a.next.as_str()) {
                    Some(1) => c.add(
                        id,
                        format!("cycle: answer {} leads back to {}", a.id, a.next),
                    ),
                    Some(_) => {}
                    None => self.dfs(&a.next, colour, c),
                }
            }
        }
        colour.insert(id, 2);
    }

    /// Node ids reachable from `start`.
    pub fn reachable_from(&self, start: &str) -> HashSet<&str> {
        let mut seen = HashSet::new();
        let mut stack = vec![start];
        while let Some(id) = stack.pop() {
            let Some(n) = self.node(id) else { continue };
            if !seen.insert(n.id.as_str()) {
                continue;
            }
            stack.extend(n.answers.iter().map(|a| a.next.as_str()));
        }
        seen
    }

    /// Nodes that every path from the root reaches through an answer for an explicit deny
    /// (`when: ["explicit"]`, or the shared `explicit-deny` node).
    fn only_after_explicit(&self) -> HashSet<&str> {
        // Reachable from the root without passing an explicit edge or the explicit-deny node.
        let mut free = HashSet::new();
        let mut stack = vec![self.index.root.as_str()];
        while let Some(id) = stack.pop() {
            let Some(n) = self.node(id) else { continue };
            if n.id == "explicit-deny" || !free.insert(n.id.as_str()) {
                continue;
            }
            for a in &n.answers {
                if !a.when.iter().any(|w| w == "explicit") {
                    stack.push(a.next.as_str());
                }
            }
        }
        self.reachable_from(&self.index.root)
            .into_iter()
            .filter(|id| !free.contains(id))
            .collect()
    }
}

/// Whether a policy document (or any part of one) has an `"Effect": "Allow"` statement.
pub fn has_allow(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Object(o) => {
            o.get("Effect").and_then(|e| e.as_str()) == Some("Allow") || o.values().any(has_allow)
        }
        serde_json::Value::Array(a) => a.iter().any(has_allow),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::Tree;

    fn tree(nodes: &str) -> Tree {
        let index = r#"{"root": "start", "entries": {}, "followups": {}}"#;
        Tree::parse([
            ("index.json".to_string(), index.to_string()),
            ("n.json".to_string(), format!(r#"{{"nodes": [{nodes}]}}"#)),
        ])
        .expect("parses")
    }

    const T: &str = r#"{"en": "x", "ja": "x", "zh-TW": "x"}"#;

    fn q(id: &str, a: &str, b: &str) -> String {
        format!(
            r#"{{"id": "{id}", "kind": "question", "title": {T}, "body": {T}, "likely": "a",
               "answers": [{{"id": "a", "label": {T}, "next": "{a}"}}, {{"id": "b", "label": {T}, "next": "{b}"}}]}}"#
        )
    }

    fn fix(id: &str, extra: &str) -> String {
        format!(
            r#"{{"id": "{id}", "kind": "fix", "title": {T}, "body": {T}, "fix": {{"target": "identity"{extra}}}}}"#
        )
    }

    fn problems(t: &Tree) -> Vec<String> {
        t.validate().into_iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn finds_dangling_unreachable_and_cycles() {
        let t = tree(
            &[
                q("start", "f1", "missing"),
                fix("f1", ""),
                q("island", "loop", "f1"),
                q("loop", "island", "f1"),
            ]
            .join(","),
        );
        let p = problems(&t);
        assert!(
            p.iter()
                .any(|s| s.contains("leads to missing node missing")),
            "{p:?}"
        );
        assert!(
            p.iter().any(|s| s.starts_with("island: unreachable")),
            "{p:?}"
        );
        assert!(p.iter().any(|s| s.contains("cycle")), "{p:?}");
        assert!(
            p.iter()
                .any(|s| s.contains("no entry node for category pass_role")),
            "{p:?}"
        );
    }

    #[test]
    fn finds_missing_language_and_unknown_placeholder() {
        let bad = r#"{"id": "f2", "kind": "fix", "title": {"en": "x", "ja": "", "zh-TW": "x"}, "body": {"en": "{{nonsense}}", "ja": "x", "zh-TW": "x"}, "fix": {"target": "identity"}}"#;
        let t = tree(&[q("start", "f1", "f2"), fix("f1", ""), bad.to_string()].join(","));
        let p = problems(&t);
        assert!(
            p.iter().any(|s| s == "f2.title: text missing in ja"),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|s| s.contains("unknown placeholder {{nonsense}}")),
            "{p:?}"
        );
    }

    #[test]
    fn explicit_deny_never_proposes_allow() {
        let start = format!(
            r#"{{"id": "start", "kind": "question", "title": {T}, "body": {T}, "fact": "deny", "likely": "i",
               "answers": [{{"id": "e", "label": {T}, "when": ["explicit"], "next": "bad"}},
                           {{"id": "i", "label": {T}, "when": ["implicit"], "next": "ok"}}]}}"#
        );
        let allow = r#", "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "x:Y", "Resource": "*"}]}"#;
        let t = tree(&[start, fix("bad", allow), fix("ok", allow)].join(","));
        let p = problems(&t);
        assert!(
            p.iter()
                .any(|s| s.starts_with("bad: reached only through an explicit deny")),
            "{p:?}"
        );
        assert!(!p.iter().any(|s| s.starts_with("ok:")), "{p:?}");
    }

    #[test]
    fn likely_and_when_must_fit() {
        let n = format!(
            r#"{{"id": "start", "kind": "question", "title": {T}, "body": {T}, "fact": "deny", "likely": "zz",
               "answers": [{{"id": "e", "label": {T}, "when": ["purple"], "next": "f1"}},
                           {{"id": "i", "label": {T}, "next": "f1"}}]}}"#
        );
        let t = tree(&[n, fix("f1", "")].join(","));
        let p = problems(&t);
        assert!(p.iter().any(|s| s.contains("likely answer zz")), "{p:?}");
        assert!(p.iter().any(|s| s.contains("`when` value purple")), "{p:?}");
    }

    fn with_index(extra: &str, nodes: &str) -> Result<Tree, super::super::TreeError> {
        let index = format!(r#"{{"root": "start", "entries": {{}}, "followups": {{}}{extra}}}"#);
        Tree::parse([
            ("index.json".to_string(), index),
            ("n.json".to_string(), format!(r#"{{"nodes": [{nodes}]}}"#)),
        ])
    }

    #[test]
    fn the_check_fix_map_is_validated() {
        let nodes = [
            q("start", "good", "odd"),
            fix("good", ""),
            r#"{"id": "odd", "kind": "fix", "title": {"en": "{{source_arn}}", "ja": "x", "zh-TW": "x"}, "body": {"en": "x", "ja": "x", "zh-TW": "x"}, "fix": {"target": "identity"}}"#.to_string(),
        ]
        .join(",");
        let t = with_index(
            r#", "check_fixes": [{"checks": ["role.logs"], "node": "good"},
                {"checks": ["role.vpc"], "node": "odd"},
                {"checks": ["role.kms"], "when": ["boundary_blocks"], "node": "gone"}]"#,
            &nodes,
        )
        .expect("parses");
        let p = problems(&t);
        assert!(
            p.iter().any(|s| s.contains("leads to missing node gone")),
            "{p:?}"
        );
        assert!(
            p.iter().any(|s| s.contains("odd uses {{source_arn}}")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|s| s.contains("no rule for role.kms in every situation")),
            "{p:?}"
        );
        assert!(!p.iter().any(|s| s.contains("role.logs in every")), "{p:?}");
        assert_eq!(
            t.index.fix_for_check(crate::checks::CheckId::RoleLogs, &[]),
            Some("good")
        );
        // An unknown check id or situation does not load at all.
        for bad in [
            r#", "check_fixes": [{"checks": ["role.nope"], "node": "good"}]"#,
            r#", "check_fixes": [{"when": ["sometimes"], "node": "good"}]"#,
        ] {
            assert!(with_index(bad, &nodes).is_err(), "{bad}");
        }
    }
}
