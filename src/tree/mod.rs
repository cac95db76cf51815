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
use std::sync::{LazyLock, OnceLock};
use thiserror::Error;

pub use validate::Defect;

/// The embedded tree files as (name, contents), for tools that want the raw JSON.
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
    pub target: FixTarget,
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
    pub check: Option<crate::checks::CheckId>,
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
    /// Which fix node answers a failed check, as ordered rules (the first that applies).
    #[serde(default)]
    pub check_fixes: Vec<CheckFix>,
}

/// One rule of the check → fix map: for these checks (any when empty), in this situation
/// (all of `when`), the fix is `node`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckFix {
    #[serde(default)]
    pub checks: Vec<crate::checks::CheckId>,
    #[serde(default)]
    pub when: Vec<Situation>,
    pub node: String,
}

/// What a failed check's facts (and the function's configuration) show, for choosing its fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Situation {
    /// A Deny in the role's trust policy decides.
    ExplicitDenyInTrust,
    /// A Deny in the permissions boundary decides.
    ExplicitDenyInBoundary,
    /// A Deny in the KMS key policy decides.
    ExplicitDenyInKeyPolicy,
    /// Any explicit deny decides (then: in the role's own policies).
    ExplicitDeny,
    /// The permissions boundary lacks the Allow.
    BoundaryBlocks,
    /// The function logs to a custom log group.
    CustomLogGroup,
    KinesisSource,
    DynamodbSource,
    /// The dead-letter target is an SNS topic.
    SnsDeadLetter,
    /// The deprecated policy is AWSLambdaReadOnlyAccess.
    ReadOnlyPolicy,
}

impl Index {
    /// The fix node for a failed check in `situations`.
    pub fn fix_for_check(
        &self,
        check: crate::checks::CheckId,
        situations: &[Situation],
    ) -> Option<&str> {
        self.check_fixes
            .iter()
            .find(|r| {
                (r.checks.is_empty() || r.checks.contains(&check))
                    && r.when.iter().all(|w| situations.contains(w))
            })
            .map(|r| r.node.as_str())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeFile {
    nodes: Vec<Node>,
}

/// The whole tree. Nodes are parsed on first use: a walk touches a handful of the ~200.
#[derive(Debug)]
pub struct Tree {
    pub index: Index,
    ids: Vec<String>,
    /// Each node's JSON (empty when it was parsed up front).
    sources: Vec<std::borrow::Cow<'static, str>>,
    parsed: Vec<OnceLock<Option<Node>>>,
    by_id: HashMap<String, usize>,
}

mod generated {
    include!(concat!(env!("OUT_DIR"), "/tree_nodes.rs"));
}

static INDEX_JSON: &str = include_str!("../../assets/tree/index.json");

/// The embedded tree is parsed lazily, node by node. It is validated by the test suite and by
/// `tree --check`, not at every start: the files are fixed at build time.
static EMBEDDED: LazyLock<Result<Tree, TreeError>> = LazyLock::new(|| {
    let index: Index = serde_json::from_str(INDEX_JSON).map_err(|e| TreeError::Parse {
        file: "index.json".into(),
        message: format!("line {} column {}: {e}", e.line(), e.column()),
    })?;
    let mut t = Tree::empty(index);
    for (_, id, json) in generated::NODE_SOURCES {
        t.push(id.to_string(), std::borrow::Cow::Borrowed(json), None);
    }
    Ok(t)
});

impl Tree {
    /// The tree built into the binary.
    pub fn embedded() -> Result<&'static Tree, &'static TreeError> {
        EMBEDDED.as_ref()
    }

    fn empty(index: Index) -> Tree {
        Tree {
            index,
            ids: Vec::new(),
            sources: Vec::new(),
            parsed: Vec::new(),
            by_id: HashMap::new(),
        }
    }

    fn push(&mut self, id: String, source: std::borrow::Cow<'static, str>, node: Option<Node>) {
        let cell = OnceLock::new();
        if let Some(n) = node {
            let _ = cell.set(Some(n));
        }
        self.by_id.entry(id.clone()).or_insert(self.ids.len());
        self.ids.push(id);
        self.sources.push(source);
        self.parsed.push(cell);
    }

    /// Parses files given as (name, contents) up front, reporting the first syntax or shape
    /// error with its position; `index.json` must be among them.
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
        let mut t = Tree::empty(index);
        for n in nodes {
            t.push(n.id.clone(), std::borrow::Cow::Borrowed(""), Some(n));
        }
        Ok(t)
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

    fn at(&self, i: usize) -> Option<&Node> {
        self.parsed[i]
            .get_or_init(|| serde_json::from_str(&self.sources[i]).ok())
            .as_ref()
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.by_id.get(id).and_then(|&i| self.at(i))
    }

    /// Every node that parses, in file order.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        (0..self.ids.len()).filter_map(|i| self.at(i))
    }

    /// How many nodes the tree has.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Nodes whose JSON does not fit the node format, with the reason.
    pub fn parse_errors(&self) -> Vec<(String, String)> {
        (0..self.ids.len())
            .filter(|&i| self.at(i).is_none())
            .map(|i| {
                let reason = serde_json::from_str::<Node>(&self.sources[i])
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                (self.ids[i].clone(), reason)
            })
            .collect()
    }

    /// Node ids in file order, duplicates included.
    pub fn ids(&self) -> &[String] {
        &self.ids
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

/// Where a tree fix's change goes (a serde enum: an unknown target fails when the node is
/// parsed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FixTarget {
    Identity,
    Resource,
    Trust,
    Boundary,
    Session,
    Scp,
    Rcp,
    Vpce,
    KeyPolicy,
    RepositoryPolicy,
    LayerPolicy,
    BucketPolicy,
    QueuePolicy,
    None,
}

impl FixTarget {
    /// The name as the tree files write it.
    pub fn as_str(self) -> &'static str {
        match self {
            FixTarget::Identity => "identity",
            FixTarget::Resource => "resource",
            FixTarget::Trust => "trust",
            FixTarget::Boundary => "boundary",
            FixTarget::Session => "session",
            FixTarget::Scp => "scp",
            FixTarget::Rcp => "rcp",
            FixTarget::Vpce => "vpce",
            FixTarget::KeyPolicy => "key_policy",
            FixTarget::RepositoryPolicy => "repository_policy",
            FixTarget::LayerPolicy => "layer_policy",
            FixTarget::BucketPolicy => "bucket_policy",
            FixTarget::QueuePolicy => "queue_policy",
            FixTarget::None => "none",
        }
    }
}

impl std::fmt::Display for FixTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_tree_is_valid() {
        let t = Tree::embedded().expect("the embedded files parse");
        assert!(t.len() > 40, "only {} nodes", t.len());
        assert_eq!(t.parse_errors(), vec![], "every node parses");
        let eager =
            Tree::parse(FILES.iter().map(|(n, s)| (n.to_string(), s.to_string()))).expect("parses");
        assert_eq!(eager.len(), t.len(), "build.rs split every node");
        let defects: Vec<String> = t.validate().iter().map(|d| d.to_string()).collect();
        assert!(defects.is_empty(), "tree defects:\n{}", defects.join("\n"));
    }
}
