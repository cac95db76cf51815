//! Walking the tree. A question is answered, in this order, by a fact from the pasted message,
//! by a check that live evidence (or a snapshot) can answer, or by a person; when nobody can,
//! the walk stops and asks — or, for a non-interactive report, assumes the likely answer and
//! records it as an open question.

use super::vars::Facts;
use super::{Node, NodeKind, Tree};
use crate::checks::CheckId;
use std::collections::HashSet;
use thiserror::Error;

/// The result of a DESIGN.md check as an evidence source reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    /// True when the check found the problem (the check "fires").
    pub failed: bool,
    /// What the evidence shows, one line each (the statement that allows or denies, or why
    /// nothing does).
    pub evidence: Vec<String>,
}

/// Something that can answer a check: the live account, a snapshot, or a test double.
pub trait Evidence {
    /// The result of check `id`, or `None` when this source cannot tell (no data, or the read
    /// was denied).
    fn check(&self, id: CheckId) -> Option<CheckResult>;
}

/// No evidence at all: every check-backed question is asked (or assumed).
pub struct NoEvidence;

impl Evidence for NoEvidence {
    fn check(&self, _id: CheckId) -> Option<CheckResult> {
        None
    }
}

/// Evidence given as a fixed list of check results: for tests, and for answers a person
/// already knows ("the role exists").
#[derive(Debug, Clone, Default)]
pub struct FixedEvidence(pub Vec<(CheckId, CheckResult)>);

impl FixedEvidence {
    /// Results with one evidence line each: `"<id>: fails"` or `"<id>: passes"`.
    pub fn of(results: &[(CheckId, bool)]) -> FixedEvidence {
        FixedEvidence(
            results
                .iter()
                .map(|(id, failed)| {
                    let word = if *failed { "fails" } else { "passes" };
                    (
                        *id,
                        CheckResult {
                            failed: *failed,
                            evidence: vec![format!("{id}: {word}")],
                        },
                    )
                })
                .collect(),
        )
    }
}

impl Evidence for FixedEvidence {
    fn check(&self, id: CheckId) -> Option<CheckResult> {
        self.0
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, r)| r.clone())
    }
}

/// How a question was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum How {
    /// From a fact of the pasted message.
    Fact { name: String, value: String },
    /// From a check over evidence.
    Check { id: CheckId, evidence: Vec<String> },
    /// A person chose it.
    Person,
    /// Nobody could tell; the likely answer was taken.
    Assumed,
}

/// One answered question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub node: String,
    pub answer: String,
    pub how: How,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum WalkError {
    #[error("unknown node {0}")]
    UnknownNode(String),
    #[error("node {node} has no answer {answer}")]
    UnknownAnswer { node: String, answer: String },
    #[error("the walk is at a fix; there is nothing to answer")]
    AtFix,
}

/// A walk through the tree from one start node.
#[derive(Debug, Clone)]
pub struct Walk<'t> {
    tree: &'t Tree,
    start: String,
    current: String,
    path: Vec<Step>,
    /// Questions the person wants to answer themselves even though a fact or check could.
    ask: HashSet<String>,
}

impl<'t> Walk<'t> {
    pub fn new(tree: &'t Tree, start: &str) -> Result<Walk<'t>, WalkError> {
        tree.node(start)
            .ok_or_else(|| WalkError::UnknownNode(start.to_string()))?;
        Ok(Walk {
            tree,
            start: start.to_string(),
            current: start.to_string(),
            path: Vec::new(),
            ask: HashSet::new(),
        })
    }

    pub fn tree(&self) -> &'t Tree {
        self.tree
    }

    pub fn start(&self) -> &str {
        &self.start
    }

    pub fn current(&self) -> &'t Node {
        self.tree
            .node(&self.current)
            .expect("the walk only moves to nodes that exist")
    }

    pub fn path(&self) -> &[Step] {
        &self.path
    }

    pub fn at_fix(&self) -> bool {
        self.current().kind == NodeKind::Fix
    }

    /// The answer a fact or check gives for the current question, if any.
    pub fn automatic(&self, facts: &Facts, evidence: &dyn Evidence) -> Option<(String, How)> {
        let node = self.current();
        if node.kind != NodeKind::Question || self.ask.contains(&node.id) {
            return None;
        }
        if let Some(name) = &node.fact
            && let Some(value) = facts.get(name)
            && let Some(a) = node
                .answers
                .iter()
                .find(|a| a.when.iter().any(|w| w == value))
        {
            return Some((
                a.id.clone(),
                How::Fact {
                    name: name.clone(),
                    value: value.to_string(),
                },
            ));
        }
        if let Some(id) = node.check
            && let Some(r) = evidence.check(id)
        {
            let want = if r.failed { "fail" } else { "pass" };
            if let Some(a) = node
                .answers
                .iter()
                .find(|a| a.when.iter().any(|w| w == want))
            {
                return Some((
                    a.id.clone(),
                    How::Check {
                        id,
                        evidence: r.evidence,
                    },
                ));
            }
        }
        None
    }

    /// Answers every question a fact or check can answer; stops at a question that needs a
    /// person, or at a fix.
    pub fn advance(&mut self, facts: &Facts, evidence: &dyn Evidence) {
        // The tree is acyclic (validated), so this ends; the bound guards a broken tree.
        for _ in 0..self.tree.len() + 1 {
            match self.automatic(facts, evidence) {
                Some((answer, how)) => self.take(answer, how),
                None => return,
            }
        }
    }

    /// A person answers the current question.
    pub fn answer(&mut self, answer: &str) -> Result<(), WalkError> {
        let node = self.current();
        if node.kind == NodeKind::Fix {
            return Err(WalkError::AtFix);
        }
        if node.answer(answer).is_none() {
            return Err(WalkError::UnknownAnswer {
                node: node.id.clone(),
                answer: answer.to_string(),
            });
        }
        self.take(answer.to_string(), How::Person);
        Ok(())
    }

    /// Takes the likely answer of the current question.
    pub fn assume(&mut self) -> Result<(), WalkError> {
        let node = self.current();
        if node.kind == NodeKind::Fix {
            return Err(WalkError::AtFix);
        }
        let likely = node
            .likely
            .clone()
            .or_else(|| node.answers.first().map(|a| a.id.clone()))
            .ok_or_else(|| WalkError::UnknownAnswer {
                node: node.id.clone(),
                answer: "(likely)".into(),
            })?;
        self.take(likely, How::Assumed);
        Ok(())
    }

    /// Goes back one question. The question will be asked, not answered automatically, so a
    /// person can override what a fact or check said. Returns false at the start.
    pub fn back(&mut self) -> bool {
        match self.path.pop() {
            Some(step) => {
                self.ask.insert(step.node.clone());
                self.current = step.node;
                true
            }
            None => false,
        }
    }

    /// Walks to a fix without a person: facts and checks first, the likely answer where
    /// nobody can tell.
    pub fn run_to_fix(&mut self, facts: &Facts, evidence: &dyn Evidence) {
        for _ in 0..self.tree.len() + 1 {
            self.advance(facts, evidence);
            if self.at_fix() || self.assume().is_err() {
                return;
            }
        }
    }

    fn take(&mut self, answer: String, how: How) {
        let node = self.current();
        let next = node
            .answer(&answer)
            .map(|a| a.next.clone())
            .expect("answers were checked");
        self.path.push(Step {
            node: node.id.clone(),
            answer,
            how,
        });
        self.current = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Tree;

    const T: &str = r#"{"en": "x", "ja": "x", "zh-TW": "x"}"#;

    fn tree() -> Tree {
        let nodes = format!(
            r#"{{"nodes": [
            {{"id": "start", "kind": "question", "title": {T}, "body": {T}, "fact": "deny", "likely": "implicit",
              "answers": [{{"id": "explicit", "label": {T}, "when": ["explicit"], "next": "deny-fix"}},
                          {{"id": "implicit", "label": {T}, "when": ["implicit"], "next": "trust"}}]}},
            {{"id": "trust", "kind": "question", "title": {T}, "body": {T}, "check": "role.trust", "likely": "bad",
              "answers": [{{"id": "bad", "label": {T}, "when": ["fail"], "next": "trust-fix"}},
                          {{"id": "good", "label": {T}, "when": ["pass"], "next": "other-fix"}}]}},
            {{"id": "deny-fix", "kind": "fix", "title": {T}, "body": {T}, "fix": {{"target": "none"}}}},
            {{"id": "trust-fix", "kind": "fix", "title": {T}, "body": {T}, "fix": {{"target": "trust"}}}},
            {{"id": "other-fix", "kind": "fix", "title": {T}, "body": {T}, "fix": {{"target": "identity"}}}}
        ]}}"#
        );
        Tree::parse([
            (
                "index.json".to_string(),
                r#"{"root": "start", "entries": {}}"#.to_string(),
            ),
            ("n.json".to_string(), nodes),
        ])
        .expect("parses")
    }

    fn facts(deny: &str) -> Facts {
        let mut f = Facts::default();
        f.0.insert("deny", deny.to_string());
        f
    }

    #[test]
    fn facts_and_evidence_answer_without_asking() {
        let t = tree();
        let mut w = Walk::new(&t, "start").expect("start");
        w.advance(
            &facts("implicit"),
            &FixedEvidence::of(&[(CheckId::RoleTrust, false)]),
        );
        assert!(w.at_fix());
        assert_eq!(w.current().id, "other-fix");
        assert_eq!(
            w.path()[1].how,
            How::Check {
                id: CheckId::RoleTrust,
                evidence: vec!["role.trust: passes".into()]
            }
        );
    }

    #[test]
    fn without_evidence_the_question_is_asked() {
        let t = tree();
        let mut w = Walk::new(&t, "start").expect("start");
        w.advance(&facts("implicit"), &NoEvidence);
        assert_eq!(
            w.current().id,
            "trust",
            "stops at the check-backed question"
        );
        w.answer("good").expect("valid answer");
        assert_eq!(w.current().id, "other-fix");
        assert_eq!(w.path()[1].how, How::Person);
    }

    #[test]
    fn run_to_fix_assumes_likely_answers() {
        let t = tree();
        let mut w = Walk::new(&t, "start").expect("start");
        w.run_to_fix(&Facts::default(), &NoEvidence);
        assert_eq!(w.current().id, "trust-fix");
        assert!(w.path().iter().all(|s| s.how == How::Assumed));
    }

    #[test]
    fn back_lets_a_person_override_an_automatic_answer() {
        let t = tree();
        let mut w = Walk::new(&t, "start").expect("start");
        w.advance(&facts("explicit"), &NoEvidence);
        assert_eq!(w.current().id, "deny-fix");
        assert!(w.back());
        w.advance(&facts("explicit"), &NoEvidence);
        assert_eq!(w.current().id, "start", "not answered again automatically");
        w.answer("implicit").expect("valid");
        assert_eq!(w.current().id, "trust");
        assert_eq!(
            w.answer("nope"),
            Err(WalkError::UnknownAnswer {
                node: "trust".into(),
                answer: "nope".into()
            })
        );
        assert!(w.back());
        assert_eq!(w.current().id, "start");
        assert!(!w.back(), "nothing before the start");
    }
}
