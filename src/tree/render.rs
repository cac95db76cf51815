//! The whole map, for people who like to see it: an indented outline, Mermaid or Graphviz.

use super::{NodeKind, Tree};
use crate::i18n::Lang;
use std::collections::HashSet;
use std::fmt::Write;

/// An indented outline from the root; a node shared by several parents is printed once and
/// referred to afterwards.
pub fn text(tree: &Tree, lang: Lang) -> String {
    let mut out = String::new();
    let mut seen = HashSet::new();
    if let Some(root) = tree.root() {
        let _ = writeln!(out, "{} — {}", root.id, root.title.get(lang));
        seen.insert(root.id.clone());
        outline(tree, &root.id, lang, "", &mut seen, &mut out);
    }
    out
}

fn outline(
    tree: &Tree,
    id: &str,
    lang: Lang,
    prefix: &str,
    seen: &mut HashSet<String>,
    out: &mut String,
) {
    let Some(node) = tree.node(id) else { return };
    let n = node.answers.len();
    for (i, a) in node.answers.iter().enumerate() {
        let last = i + 1 == n;
        let branch = if last { "└─ " } else { "├─ " };
        let Some(next) = tree.node(&a.next) else {
            continue;
        };
        let marker = if next.kind == NodeKind::Fix {
            "✔ "
        } else {
            ""
        };
        if seen.contains(&next.id) {
            let _ = writeln!(
                out,
                "{prefix}{branch}[{}] → {} ↑",
                a.label.get(lang),
                next.id
            );
            continue;
        }
        seen.insert(next.id.clone());
        let _ = writeln!(
            out,
            "{prefix}{branch}[{}] → {marker}{} — {}",
            a.label.get(lang),
            next.id,
            next.title.get(lang)
        );
        let child_prefix = format!("{prefix}{}", if last { "   " } else { "│  " });
        outline(tree, &next.id, lang, &child_prefix, seen, out);
    }
}

fn mermaid_id(id: &str) -> String {
    format!("n_{}", id.replace(['-', '.'], "_"))
}

fn mermaid_label(s: &str) -> String {
    s.replace('"', "#quot;").replace('\n', " ")
}

/// A Mermaid flowchart (paste into a Markdown file on GitHub to see it).
pub fn mermaid(tree: &Tree, lang: Lang) -> String {
    let mut out = String::from("flowchart TD\n");
    for n in tree.nodes() {
        let label = mermaid_label(n.title.get(lang));
        let _ = match n.kind {
            NodeKind::Question => writeln!(out, "  {}{{\"{label}\"}}", mermaid_id(&n.id)),
            NodeKind::Fix => writeln!(out, "  {}[[\"{label}\"]]", mermaid_id(&n.id)),
        };
    }
    for n in tree.nodes() {
        for a in &n.answers {
            let _ = writeln!(
                out,
                "  {} -->|\"{}\"| {}",
                mermaid_id(&n.id),
                mermaid_label(a.label.get(lang)),
                mermaid_id(&a.next)
            );
        }
    }
    out
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', " ")
}

/// A Graphviz digraph (`| dot -Tsvg > tree.svg`).
pub fn dot(tree: &Tree, lang: Lang) -> String {
    let mut out = String::from(
        "digraph lambda_doctor {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n",
    );
    for n in tree.nodes() {
        let shape = match n.kind {
            NodeKind::Question => "box",
            NodeKind::Fix => "note",
        };
        let _ = writeln!(
            out,
            "  \"{}\" [shape={shape}, label=\"{}\"];",
            dot_escape(&n.id),
            dot_escape(n.title.get(lang))
        );
    }
    for n in tree.nodes() {
        for a in &n.answers {
            let _ = writeln!(
                out,
                "  \"{}\" -> \"{}\" [label=\"{}\"];",
                dot_escape(&n.id),
                dot_escape(&a.next),
                dot_escape(a.label.get(lang))
            );
        }
    }
    out.push_str("}\n");
    out
}
