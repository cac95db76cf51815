//! lambda-doctor: diagnose AWS Lambda permission errors and show the exact policy change that
//! fixes them. The library holds every piece of logic; the binary only wires the command line.
//!
//! - [`recognize`]: pasted text → findings (pure).
//! - [`tree`]: the decision tree (data under `assets/tree/`), its validation and the walk.
//! - [`diagnose`]: a finding walked through the tree → a diagnosis with the fix.
//! - [`fix`]: fixes as data: changes planned from facts, applied to held documents, proven.
//! - [`report`]: text, Markdown and JSON renderings.
//! - [`i18n`]: languages and the interface's own strings.
//! - [`redact`]: secret redaction applied to everything printed.
//! - [`sanitize`]: terminal control sequences removed from untrusted text before it is shown.
//! - [`cli`]: the command-line front end.
//! - [`tui`]: the interactive terminal app (actions → update → effects; a pure view).

pub mod aws;
pub mod checks;
pub mod cli;
pub mod diagnose;
pub mod evidence;
pub mod fix;
pub mod i18n;
pub mod policy;
pub mod recognize;
pub mod redact;
pub mod report;
pub mod sanitize;
pub mod tree;
pub mod tui;
