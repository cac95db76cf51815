//! The decision tree: troubleshooting knowledge as data (`assets/tree/*.json`, format in
//! `docs/TREE_FORMAT.md`), embedded at build time, validated before use, and walked by
//! [`walk::Walk`].

pub mod render;
pub mod validate;
pub mod vars;
pub mod walk;

use crate::i18n::{Text, TextList};
use crate::recognize::Category;
use indexmap::IndexMap;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::LazyLock;
use thiserror::Error;

pub use validate::Defect;

/// The embedded files, in the order they are read.
pub const FILES: &[(&str, &str)] = &[
    ("index.json", include_str!("../../assets/tree/index.json")),
    ("start.json", include_str!("../../assets/tree/start.json")),
    ("deny.json", include_str!("../../assets/tree/deny.json")),
    (
        "identity.json",
        include_str!("../../assets/tree/identity.json"),
    ),
    (
        "execution.json",
        include_str!("../../assets/tree/execution.json"),
    ),
    ("invoke.json", include_str!("../../assets/tree/invoke.json")),
];

#[derive(Debug, Error)]
pub enum TreeError {
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
    #[error("the decision tree has {} defect(s); run `lambda-doctor tree --check`", .0.len())]
    Invalid(Vec<Defect>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Question,
    Fix,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub id: String,
    pub label: Text,
    #[serde(default)]
    pub when: Vec<String>,
    pub next: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fix {
    pub target: String,
    #[serde(default)]
    pub policy: Option<serde_json::Value>,
    #[serde(default)]
    pub read: Vec<String>,
    #[serde(default)]
    pub change: Vec<String>,
    #[serde(default)]
    pub docs: Vec<String>,
    #[serde(default)]
    pub followups: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    pub id: String,
    pub kind: NodeKind,
    pub title: Text,
    pub body: Text,
    #[serde(default)]
    pub fact: Option<String>,
    #[serde(default)]
    pub check: Option<String>,
    #[serde(default)]
    pub answers: Vec<Answer>,
    #[serde(default)]
    pub likely: Option<String>,
    #[serde(default)]
    pub fix: Option<Fix>,
}

impl Node {
    pub fn answer(&self, id: &str) -> Option<&Answer> {
        self.answers.iter().find(|a| a.id == id)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Symptom {
    pub id: String,
    pub label: Text,
    pub node: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Followup {
    pub title: Text,
    pub items: TextList,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    pub root: String,
    pub entries: IndexMap<String, String>,
    #[serde(default)]
    pub symptoms: Vec<Symptom>,
    #[serde(default)]
    pub followups: IndexMap<String, Followup>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeFile {
    nodes: Vec<Node>,
}

/// The whole tree.
#[derive(Debug, Clone)]
pub struct Tree {
    pub index: Index,
    pub nodes: Vec<Node>,
    by_id: HashMap<String, usize>,
}

static EMBEDDED: LazyLock<Result<Tree, TreeError>> = LazyLock::new(|| {
    let tree = Tree::parse(FILES.iter().map(|(n, s)| (n.to_string(), s.to_string())))?;
    let defects = tree.validate();
    if defects.is_empty() {
        Ok(tree)
    } else {
        Err(TreeError::Invalid(defects))
    }
});

impl Tree {
    /// The tree built into the binary, parsed and validated once.
    pub fn embedded() -> Result<&'static Tree, &'static TreeError> {
        EMBEDDED.as_ref()
    }

    /// Parses files given as (name, contents); `index.json` must be among them.
    pub fn parse(files: impl IntoIterator<Item = (String, String)>) -> Result<Tree, TreeError> {
        let mut index = None;
        let mut nodes = Vec::new();
        for (name, text) in files {
            let perr = |e: serde_json::Error| TreeError::Parse {
                file: name.clone(),
                message: format!("line {} column {}: {e}", e.line(), e.column()),
            };
            if name.ends_with("index.json") {
                index = Some(serde_json::from_str::<Index>(&text).map_err(perr)?);
            } else {
                let f: NodeFile = serde_json::from_str(&text).map_err(perr)?;
                nodes.extend(f.nodes);
            }
        }
        let index = index.ok_or_else(|| TreeError::Parse {
            file: "index.json".into(),
            message: "missing".into(),
        })?;
        let mut by_id = HashMap::new();
        for (i, n) in nodes.iter().enumerate() {
            by_id.entry(n.id.clone()).or_insert(i);
        }
        Ok(Tree {
            index,
            nodes,
            by_id,
        })
    }

    /// Reads every `*.json` in a folder (for content authors: `tree --check --dir`).
    pub fn from_dir(dir: &std::path::Path) -> Result<Tree, TreeError> {
        let rd = std::fs::read_dir(dir).map_err(|e| TreeError::Read {
            path: dir.display().to_string(),
            message: e.to_string(),
        })?;
        let mut files = Vec::new();
        for entry in rd.flatten() {
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&p).map_err(|e| TreeError::Read {
                    path: p.display().to_string(),
                    message: e.to_string(),
                })?;
                files.push((
                    p.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned(),
                    text,
                ));
            }
        }
        files.sort();
        Tree::parse(files)
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.by_id.get(id).map(|&i| &self.nodes[i])
    }

    /// The entry node for a category.
    pub fn entry(&self, category: Category) -> Option<&Node> {
        self.index
            .entries
            .get(category.as_str())
            .and_then(|id| self.node(id))
    }

    pub fn root(&self) -> Option<&Node> {
        self.node(&self.index.root)
    }
}

/// The check ids of DESIGN.md that a question may name.
pub const CHECK_IDS: &[&str] = &[
    "role.trust",
    "role.logs",
    "role.vpc",
    "role.event_source",
    "role.kms",
    "role.dead_letter",
    "role.boundary",
    "role.missing",
    "policy.deprecated",
    "resource.public",
    "resource.confused_deputy",
    "resource.url_public",
    "resource.cross_account",
];

/// Where a fix's change goes.
pub const TARGETS: &[&str] = &[
    "identity",
    "resource",
    "trust",
    "boundary",
    "session",
    "scp",
    "rcp",
    "vpce",
    "key_policy",
    "repository_policy",
    "layer_policy",
    "bucket_policy",
    "queue_policy",
    "none",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_tree_is_valid() {
        match Tree::embedded() {
            Ok(t) => assert!(t.nodes.len() > 40, "only {} nodes", t.nodes.len()),
            Err(TreeError::Invalid(d)) => {
                let lines: Vec<String> = d.iter().map(|x| x.to_string()).collect();
                panic!("tree defects:\n{}", lines.join("\n"));
            }
            Err(e) => panic!("{e}"),
        }
    }
}
