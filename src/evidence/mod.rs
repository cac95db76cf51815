//! Everything known about one function, from the live account or from a snapshot file, in one
//! serializable type. The AWS layer fills it with read-only calls; `--snapshot FILE` and the
//! bundled demo account (`assets/demo/account.json`) load it from JSON. Reads that were refused
//! are recorded with the permission that was missing, so checks and the tree can say so and
//! ask instead.

use crate::checks::{FunctionDocs, Known, NamedPolicy, RoleDocs};
use crate::policy::parse_policy;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

/// The snapshot format's name and version.
pub const FORMAT: &str = "lambda-doctor-snapshot";
pub const VERSION: u32 = 1;

/// The outcome of one read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Read<T> {
    Ok {
        value: T,
    },
    /// It does not exist (404: no resource policy, no function URL).
    Absent,
    /// The read was refused; `needs` names the permission.
    Denied {
        needs: String,
    },
}

impl<T> Read<T> {
    pub fn ok(&self) -> Option<&T> {
        match self {
            Read::Ok { value } => Some(value),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VpcConfig {
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
}

/// GetFunctionConfiguration, reduced to what diagnosis needs. Environment variable *names*
/// only: values never enter a snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionConfig {
    pub name: String,
    pub arn: String,
    pub role: String,
    #[serde(default)]
    pub runtime: Option<String>,
    #[serde(default)]
    pub package_type: Option<String>,
    #[serde(default)]
    pub image_uri: Option<String>,
    #[serde(default)]
    pub vpc: Option<VpcConfig>,
    #[serde(default)]
    pub kms_key_arn: Option<String>,
    #[serde(default)]
    pub dead_letter_target: Option<String>,
    #[serde(default)]
    pub layers: Vec<String>,
    #[serde(default)]
    pub environment_variable_names: Vec<String>,
    #[serde(default)]
    pub log_group: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventSourceMapping {
    pub uuid: String,
    pub event_source_arn: String,
    #[serde(default)]
    pub state: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionUrl {
    pub auth_type: String,
    #[serde(default)]
    pub url: Option<String>,
}

/// A policy attached to the role: managed (by ARN, default version's document) or inline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RolePolicy {
    /// The managed policy's ARN, or the inline policy's name.
    pub name: String,
    pub managed: bool,
    pub document: Read<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleEvidence {
    pub arn: String,
    pub trust_policy: Value,
    #[serde(default)]
    pub boundary_arn: Option<String>,
    #[serde(default)]
    pub boundary: Option<Read<Value>>,
    pub policies: Read<Vec<RolePolicy>>,
}

/// What was read about one function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionEvidence {
    pub config: FunctionConfig,
    pub resource_policy: Read<Value>,
    pub event_source_mappings: Read<Vec<EventSourceMapping>>,
    pub url: Read<FunctionUrl>,
    pub role: Read<RoleEvidence>,
    #[serde(default)]
    pub kms_key_policy: Option<Read<Value>>,
}

/// A snapshot file: one function, or several (the demo account).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub format: String,
    pub version: u32,
    #[serde(default)]
    pub taken_at: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    pub functions: Vec<FunctionEvidence>,
}

#[derive(Debug, Error)]
pub enum SnapshotError {
    #[error("{0}: not a lambda-doctor snapshot ({1})")]
    Format(String, String),
    #[error("{0}: snapshot version {1} is newer than this lambda-doctor understands ({VERSION})")]
    Version(String, u32),
    #[error("function {0} is not in {1} (it has: {2})")]
    NoFunction(String, String, String),
}

static DEMO: &str = include_str!("../../assets/demo/account.json");

impl Snapshot {
    /// Parses a snapshot; `name` is for messages.
    pub fn parse(text: &str, name: &str) -> Result<Snapshot, SnapshotError> {
        let s: Snapshot = serde_json::from_str(text).map_err(|e| {
            SnapshotError::Format(
                name.into(),
                format!("line {} column {}: {e}", e.line(), e.column()),
            )
        })?;
        if s.format != FORMAT {
            return Err(SnapshotError::Format(
                name.into(),
                format!("format is {:?}", s.format),
            ));
        }
        if s.version > VERSION {
            return Err(SnapshotError::Version(name.into(), s.version));
        }
        // Names, ARNs and notes end up on the terminal: no control sequence survives loading.
        // JSON cannot hold a raw C0 control, so only an escape (`\u001b`) or a non-ASCII
        // character (C1 controls, bidi overrides) can bring one: plain ASCII skips this pass.
        if text.contains(['\\', '\x7f']) || !text.is_ascii() {
            let mut v: serde_json::Value = serde_json::from_str(text)
                .map_err(|e| SnapshotError::Format(name.into(), e.to_string()))?;
            if crate::sanitize::clean_json(&mut v) {
                return serde_json::from_value(v)
                    .map_err(|e| SnapshotError::Format(name.into(), e.to_string()));
            }
        }
        Ok(s)
    }

    /// The bundled demo account.
    pub fn demo() -> Snapshot {
        Snapshot::parse(DEMO, "the demo account").expect("the demo snapshot is valid (tested)")
    }

    /// A function by name, ARN, partial ARN or `name:qualifier`.
    pub fn function(&self, wanted: &str, name: &str) -> Result<&FunctionEvidence, SnapshotError> {
        let base = wanted.trim();
        // "name", "name:qualifier", "ACCOUNT:function:name", or a full ARN with a qualifier.
        let after = match base.find("function:") {
            Some(i) => &base[i + "function:".len()..],
            None => base,
        };
        let short = after.split(':').next().unwrap_or(after);
        self.functions
            .iter()
            .find(|f| f.config.name == short || f.config.arn == base || f.config.name == base)
            .ok_or_else(|| {
                let names: Vec<&str> = self
                    .functions
                    .iter()
                    .map(|f| f.config.name.as_str())
                    .collect();
                SnapshotError::NoFunction(
                    crate::sanitize::quoted(wanted),
                    crate::sanitize::quoted(name),
                    crate::sanitize::quoted(&names.join(", ")),
                )
            })
    }
}

fn known_policy(r: &Read<Value>) -> Known<crate::policy::Policy> {
    match r {
        Read::Ok { value } => match parse_policy(value, "$") {
            Ok(p) => Known::Value(p),
            Err(e) => Known::Invalid {
                error: e.to_string(),
            },
        },
        Read::Absent => Known::Absent,
        Read::Denied { needs } => Known::Unreadable {
            needs: needs.clone(),
        },
    }
}

impl FunctionEvidence {
    /// The same evidence with every string free of terminal control sequences (for what an
    /// endpoint answered; snapshots are cleaned when they are parsed).
    /// Fails (closed) when the evidence cannot be cleaned.
    pub fn cleaned(self) -> Result<FunctionEvidence, String> {
        let fail = |e: serde_json::Error| format!("the answer could not be read safely ({e})");
        let mut v = serde_json::to_value(&self).map_err(fail)?;
        if !crate::sanitize::clean_json(&mut v) {
            return Ok(self);
        }
        serde_json::from_value(v).map_err(fail)
    }

    /// The documents the checks evaluate (evidence lines in English).
    pub fn docs(&self) -> FunctionDocs {
        self.docs_in(crate::i18n::Lang::En)
    }

    /// The documents the checks evaluate, with evidence lines in `lang`.
    pub fn docs_in(&self, lang: crate::i18n::Lang) -> FunctionDocs {
        let role = match &self.role {
            Read::Ok { value: r } => {
                let policies = match &r.policies {
                    Read::Ok { value } => {
                        let mut out = Vec::new();
                        let mut bad = None;
                        for p in value {
                            match known_policy(&p.document) {
                                Known::Value(policy) => out.push(NamedPolicy {
                                    name: p.name.clone(),
                                    policy,
                                }),
                                Known::Unreadable { needs } => {
                                    bad = bad.or(Some(Known::Unreadable { needs }))
                                }
                                // Which policy is invalid, and where.
                                Known::Invalid { error } => {
                                    bad = bad.or(Some(Known::Invalid {
                                        error: format!("{}: {error}", p.name),
                                    }))
                                }
                                Known::Absent => {}
                            }
                        }
                        bad.unwrap_or(Known::Value(out))
                    }
                    Read::Absent => Known::Value(vec![]),
                    Read::Denied { needs } => Known::Unreadable {
                        needs: needs.clone(),
                    },
                };
                let attached = match &r.policies {
                    Read::Ok { value } => Known::Value(
                        value
                            .iter()
                            .filter(|p| p.managed)
                            .map(|p| p.name.clone())
                            .collect(),
                    ),
                    Read::Absent => Known::Value(vec![]),
                    Read::Denied { needs } => Known::Unreadable {
                        needs: needs.clone(),
                    },
                };
                let boundary = match (&r.boundary_arn, &r.boundary) {
                    (None, _) => Known::Value(None),
                    (Some(arn), Some(doc)) => match known_policy(doc) {
                        Known::Value(p) => Known::Value(Some(NamedPolicy {
                            name: arn.clone(),
                            policy: p,
                        })),
                        Known::Absent => Known::Value(None),
                        Known::Unreadable { needs } => Known::Unreadable { needs },
                        Known::Invalid { error } => Known::Invalid { error },
                    },
                    (Some(_), None) => Known::Unreadable {
                        needs: "iam:GetPolicy and iam:GetPolicyVersion".into(),
                    },
                };
                Known::Value(RoleDocs {
                    arn: r.arn.clone(),
                    trust: known_policy(&Read::Ok {
                        value: r.trust_policy.clone(),
                    }),
                    policies,
                    attached_arns: attached,
                    boundary,
                })
            }
            Read::Absent => Known::Absent,
            Read::Denied { needs } => Known::Unreadable {
                needs: needs.clone(),
            },
        };
        FunctionDocs {
            function_arn: self.config.arn.clone(),
            role,
            resource_policy: known_policy(&self.resource_policy),
            vpc: self
                .config
                .vpc
                .as_ref()
                .is_some_and(|v| !v.subnet_ids.is_empty()),
            kms_key_arn: self.config.kms_key_arn.clone(),
            kms_key_policy: self.kms_key_policy.as_ref().map(known_policy),
            dead_letter_arn: self.config.dead_letter_target.clone(),
            event_source_arns: self
                .event_source_mappings
                .ok()
                .map(|m| m.iter().map(|e| e.event_source_arn.clone()).collect())
                .unwrap_or_default(),
            url_auth_type: self.url.ok().map(|u| u.auth_type.clone()),
            log_group: self.config.log_group.clone(),
            lang,
        }
    }

    /// What could not be read, as "could not read X (needs Y)" lines, in English.
    pub fn unreadable(&self) -> Vec<String> {
        self.unreadable_in(crate::i18n::Lang::En)
    }

    /// What could not be read, in `lang`.
    pub fn unreadable_in(&self, lang: crate::i18n::Lang) -> Vec<String> {
        use crate::i18n::{fill, ui};
        let mut out = Vec::new();
        let mut note = |what: &'static str, needs: &str| {
            out.push(fill(
                ui("ev.could_not_read", lang),
                &[("what", ui(what, lang)), ("needs", needs)],
            ))
        };
        if let Read::Denied { needs } = &self.resource_policy {
            note("ev.what_resource_policy", needs);
        }
        if let Read::Denied { needs } = &self.event_source_mappings {
            note("ev.what_esm", needs);
        }
        if let Read::Denied { needs } = &self.url {
            note("ev.what_url", needs);
        }
        match &self.role {
            Read::Denied { needs } => note("ev.what_role", needs),
            Read::Ok { value } => {
                if let Read::Denied { needs } = &value.policies {
                    note("ev.what_role_policies", needs);
                }
                if let Some(Read::Denied { needs }) = &value.boundary {
                    note("ev.what_boundary", needs);
                }
            }
            Read::Absent => {}
        }
        if let Some(Read::Denied { needs }) = &self.kms_key_policy {
            note("ev.what_key_policy", needs);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_account_loads_and_round_trips() {
        let s = Snapshot::demo();
        assert!(s.functions.len() >= 6, "{} functions", s.functions.len());
        let text = serde_json::to_string(&s).expect("serializes");
        assert_eq!(Snapshot::parse(&text, "x").expect("parses"), s);
        for f in &s.functions {
            // Every document in the demo is a valid policy.
            let d = f.docs();
            if let Known::Value(r) = &d.role {
                assert!(matches!(r.trust, Known::Value(_)), "{}", f.config.name);
                assert!(matches!(r.policies, Known::Value(_)), "{}", f.config.name);
            }
        }
    }

    #[test]
    fn finds_functions_by_name_arn_and_qualifier() {
        let s = Snapshot::demo();
        let first = &s.functions[0].config;
        assert_eq!(
            s.function(&first.name, "demo").expect("by name").config.arn,
            first.arn
        );
        assert_eq!(
            s.function(&first.arn, "demo").expect("by ARN").config.name,
            first.name
        );
        assert_eq!(
            s.function(&format!("{}:live", first.arn), "demo")
                .expect("qualified ARN")
                .config
                .name,
            first.name
        );
        let e = s.function("nope", "demo").expect_err("unknown");
        assert!(e.to_string().contains(&first.name), "{e}");
    }

    #[test]
    fn rejects_other_files() {
        assert!(matches!(
            Snapshot::parse("{}", "f"),
            Err(SnapshotError::Format(..))
        ));
        let newer = r#"{"format": "lambda-doctor-snapshot", "version": 99, "functions": []}"#;
        assert!(matches!(
            Snapshot::parse(newer, "f"),
            Err(SnapshotError::Version(_, 99))
        ));
    }
}
