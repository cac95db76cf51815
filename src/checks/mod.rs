//! The automated checks of DESIGN.md, run with the policy evaluator over a function's
//! documents. Pure: the live SDK reader or a snapshot supplies [`FunctionDocs`]; this module
//! decides. [`FunctionDocs`] also answers the decision tree's check-backed questions.

pub mod report;

use crate::i18n::{Lang, fill, ui};
use crate::policy::model::Statement;
use crate::policy::request::ContextValue;
use crate::policy::{Decision, Evaluation, Layer, Policy, PolicySet, Request, decide};
use crate::tree::walk::{CheckResult, Evidence};
use serde::Serialize;

/// Something read from the account: its value, its absence, or a read that was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Known<T> {
    Value(T),
    /// It does not exist (a 404: no resource policy, no such role).
    Absent,
    /// It could not be read; `needs` names the permission that was missing.
    Unreadable {
        needs: String,
    },
    /// It was read but is not a valid policy document; `error` says where (a JSON path) and
    /// why.
    Invalid {
        error: String,
    },
}

impl<T> Known<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Known::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value (`None` when absent), or why the document cannot be used.
    fn need(&self, document: Document) -> Result<Option<&T>, Unknown> {
        match self {
            Known::Value(v) => Ok(Some(v)),
            Known::Absent => Ok(None),
            Known::Unreadable { needs } => Err(Unknown {
                document,
                cause: Cause::Denied {
                    needs: needs.clone(),
                },
            }),
            Known::Invalid { error } => Err(Unknown {
                document,
                cause: Cause::Invalid {
                    error: error.clone(),
                },
            }),
        }
    }
}

/// A document a check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Document {
    Role,
    TrustPolicy,
    RolePolicies,
    Boundary,
    ResourcePolicy,
    KeyPolicy,
}

impl Document {
    /// The ui key that names it.
    pub fn key(self) -> &'static str {
        match self {
            Document::Role => "ev.what_role",
            Document::TrustPolicy => "ev.what_trust",
            Document::RolePolicies => "ev.what_role_policies",
            Document::Boundary => "ev.what_boundary",
            Document::ResourcePolicy => "ev.what_resource_policy",
            Document::KeyPolicy => "ev.what_key_policy",
        }
    }
}

/// Why a document cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The read was refused; `needs` is the permission.
    Denied { needs: String },
    /// Not a valid policy document; `error` has the JSON path of the defect.
    Invalid { error: String },
}

/// A document a check needed and could not use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unknown {
    pub document: Document,
    pub cause: Cause,
}

/// A check that the documents could not answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unanswered {
    pub id: &'static str,
    #[serde(flatten)]
    pub why: Unknown,
}

/// What one check says about a function.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Outcome(Outcome),
    /// The check is about something this function does not have (no VPC, no key, ...).
    NotApplicable,
    Unanswered(Unanswered),
}

/// A check's result before it is named: an outcome, not applicable (`Ok(None)`), or the
/// document that stopped it.
type Checked = Result<Option<Outcome>, Unknown>;

/// A policy with the name it is known by (managed policy ARN, inline policy name).
#[derive(Debug, Clone, PartialEq)]
pub struct NamedPolicy {
    pub name: String,
    pub policy: Policy,
}

/// The execution role's documents.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleDocs {
    pub arn: String,
    pub trust: Known<Policy>,
    /// Attached managed policies (default versions) and inline policies.
    pub policies: Known<Vec<NamedPolicy>>,
    pub attached_arns: Known<Vec<String>>,
    pub boundary: Known<Option<NamedPolicy>>,
}

/// What the checks need to know about one function.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDocs {
    pub function_arn: String,
    pub role: Known<RoleDocs>,
    /// The function's resource-based policy (`Absent` when it has none).
    pub resource_policy: Known<Policy>,
    pub vpc: bool,
    pub kms_key_arn: Option<String>,
    /// The key's policy: read, refused (then the default key policy, which delegates to the
    /// account's IAM policies, is assumed and the evidence says so), absent (the key does not
    /// exist), or `None` when it was not read at all.
    pub kms_key_policy: Option<Known<Policy>>,
    pub dead_letter_arn: Option<String>,
    pub event_source_arns: Vec<String>,
    pub url_auth_type: Option<String>,
    /// A custom log group from the logging config; `/aws/lambda/NAME` otherwise.
    pub log_group: Option<String>,
    /// The language of evidence lines.
    pub lang: Lang,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub id: &'static str,
    /// True when the check found the problem.
    pub failed: bool,
    pub severity: Severity,
    pub evidence: Vec<String>,
}

/// Every check id, in DESIGN.md order.
pub const IDS: &[&str] = crate::tree::CHECK_IDS;

impl FunctionDocs {
    fn arn_part(&self, i: usize) -> &str {
        self.function_arn.split(':').nth(i).unwrap_or("")
    }
    /// An evidence line in the docs' language.
    fn say(&self, key: &'static str, args: &[(&str, &str)]) -> String {
        fill(ui(key, self.lang), args)
    }

    fn partition(&self) -> &str {
        self.arn_part(1)
    }
    fn region(&self) -> &str {
        self.arn_part(3)
    }
    fn account(&self) -> &str {
        self.arn_part(4)
    }
    fn function_name(&self) -> &str {
        self.arn_part(6)
    }

    /// The session the function's code and Lambda's own calls run as.
    fn session(&self, role: &RoleDocs) -> String {
        let name = role.arn.rsplit('/').next().unwrap_or("role");
        format!(
            "arn:{}:sts::{}:assumed-role/{name}/{}",
            self.partition(),
            self.account(),
            self.function_name()
        )
    }

    fn log_group_arn(&self) -> String {
        let group = self
            .log_group
            .clone()
            .unwrap_or_else(|| format!("/aws/lambda/{}", self.function_name()));
        format!(
            "arn:{}:logs:{}:{}:log-group:{group}",
            self.partition(),
            self.region(),
            self.account()
        )
    }

    /// Runs one check; `None` when the documents cannot tell (a read was refused, a document
    /// is invalid, or the check does not apply to this function).
    pub fn run(&self, id: &str) -> Option<Outcome> {
        match self.answer(id) {
            Answer::Outcome(o) => Some(o),
            _ => None,
        }
    }

    /// Runs one check and says why when it cannot.
    pub fn answer(&self, id: &str) -> Answer {
        match self.checked(id) {
            Ok(Some(o)) => Answer::Outcome(o),
            Ok(None) => Answer::NotApplicable,
            Err(why) => match IDS.iter().find(|k| **k == id) {
                Some(id) => Answer::Unanswered(Unanswered { id, why }),
                None => Answer::NotApplicable,
            },
        }
    }

    fn checked(&self, id: &str) -> Checked {
        match id {
            "role.missing" => self.role_missing(),
            "role.trust" => self.role_trust(),
            "role.logs" => {
                let group = self.log_group_arn();
                let stream = format!("{group}:log-stream:2024/01/01/[$LATEST]0123456789abcdef");
                self.role_allows(
                    "role.logs",
                    Severity::Warning,
                    &[
                        ("logs:CreateLogGroup", group.as_str()),
                        ("logs:CreateLogStream", stream.as_str()),
                        ("logs:PutLogEvents", stream.as_str()),
                    ],
                )
            }
            "role.vpc" => {
                if !self.vpc {
                    return Ok(None);
                }
                self.role_allows(
                    "role.vpc",
                    Severity::Error,
                    &[
                        ("ec2:CreateNetworkInterface", "*"),
                        ("ec2:DescribeNetworkInterfaces", "*"),
                        ("ec2:DeleteNetworkInterface", "*"),
                    ],
                )
            }
            "role.event_source" => {
                let mut needed: Vec<(String, String)> = Vec::new();
                for arn in &self.event_source_arns {
                    let Some(actions) = poll_actions(arn) else {
                        return Ok(None);
                    };
                    for a in actions {
                        needed.push((a.to_string(), arn.clone()));
                    }
                }
                if needed.is_empty() {
                    return Ok(None);
                }
                let refs: Vec<(&str, &str)> = needed
                    .iter()
                    .map(|(a, r)| (a.as_str(), r.as_str()))
                    .collect();
                self.role_allows("role.event_source", Severity::Error, &refs)
            }
            "role.kms" => self.role_kms(),
            "role.dead_letter" => {
                let Some(target) = self.dead_letter_arn.clone() else {
                    return Ok(None);
                };
                let action = if target.contains(":sns:") {
                    "sns:Publish"
                } else {
                    "sqs:SendMessage"
                };
                self.role_allows(
                    "role.dead_letter",
                    Severity::Warning,
                    &[(action, target.as_str())],
                )
            }
            "role.boundary" => self.role_boundary(),
            "policy.deprecated" => self.deprecated(),
            "resource.public" => self.resource_public(),
            "resource.confused_deputy" => self.confused_deputy(),
            "resource.url_public" => {
                let Some(t) = self.url_auth_type.as_deref() else {
                    return Ok(None);
                };
                Ok(Some(Outcome {
                    id: "resource.url_public",
                    failed: t.eq_ignore_ascii_case("NONE"),
                    severity: Severity::Warning,
                    evidence: vec![self.say("ev.url_auth", &[("type", t)])],
                }))
            }
            "resource.cross_account" => self.cross_account(),
            _ => Ok(None),
        }
    }

    /// Every check that can tell something.
    pub fn run_all(&self) -> Vec<Outcome> {
        IDS.iter().filter_map(|id| self.run(id)).collect()
    }

    /// Every check's answer, in [`IDS`] order (not-applicable ones left out).
    pub fn answers(&self) -> Vec<Answer> {
        IDS.iter()
            .map(|id| self.answer(id))
            .filter(|a| *a != Answer::NotApplicable)
            .collect()
    }

    fn role_missing(&self) -> Checked {
        // Unknown is not missing: the question stays open, with the read that was refused.
        let (failed, line) = match self.role.need(Document::Role)? {
            Some(r) => (false, self.say("ev.role_exists", &[("arn", &r.arn)])),
            None => (true, self.say("ev.role_absent", &[])),
        };
        Ok(Some(Outcome {
            id: "role.missing",
            failed,
            severity: Severity::Error,
            evidence: vec![line],
        }))
    }

    fn role_trust(&self) -> Checked {
        let Some(role) = self.role.need(Document::Role)? else {
            return Ok(None);
        };
        let Some(trust) = role.trust.need(Document::TrustPolicy)?.cloned() else {
            return Ok(None);
        };
        let set = PolicySet {
            resource: Some(trust),
            ..PolicySet::default()
        };
        let mut req = Request::new(
            "lambda.amazonaws.com",
            "sts:AssumeRole",
            &role.arn,
            None,
            Some(self.account()),
        );
        req.set(
            "aws:SourceAccount",
            ContextValue::One(self.account().to_string()),
        );
        req.set(
            "aws:SourceArn",
            ContextValue::One(self.function_arn.clone()),
        );
        let ev = decide(&set, &req);
        Ok(Some(Outcome {
            id: "role.trust",
            failed: ev.decision != Decision::Allowed,
            severity: Severity::Error,
            evidence: vec![explain(
                &ev,
                "ev.subject_trust",
                &self.say(
                    "ev.may",
                    &[
                        ("principal", "lambda.amazonaws.com"),
                        ("action", "sts:AssumeRole"),
                    ],
                ),
                &[],
                self.lang,
            )],
        }))
    }

    /// The role's identity side (policies and boundary) evaluated for each (action, resource).
    fn role_allows(
        &self,
        id: &'static str,
        severity: Severity,
        needed: &[(&str, &str)],
    ) -> Checked {
        let Some(role) = self.role.need(Document::Role)? else {
            return Ok(None);
        };
        let set = self.role_set(role)?;
        let names = self.names(role);
        let session = self.session(role);
        let mut failed = false;
        let mut evidence = Vec::new();
        for (action, resource) in needed {
            let req = Request::new(
                &session,
                action,
                resource,
                Some(self.account()),
                Some(self.account()),
            );
            let ev = decide(&set, &req);
            if ev.decision != Decision::Allowed {
                failed = true;
            }
            evidence.push(explain(
                &ev,
                "ev.subject_role",
                &self.say("ev.on", &[("action", action), ("resource", resource)]),
                &names,
                self.lang,
            ));
        }
        Ok(Some(Outcome {
            id,
            failed,
            severity,
            evidence,
        }))
    }

    fn role_kms(&self) -> Checked {
        let Some(key) = self.kms_key_arn.clone() else {
            return Ok(None);
        };
        let Some(role) = self.role.need(Document::Role)? else {
            return Ok(None);
        };
        let mut set = self.role_set(role)?;
        let assumed = match &self.kms_key_policy {
            Some(Known::Value(p)) => {
                set.resource = Some(p.clone());
                None
            }
            Some(Known::Absent) => {
                return Ok(Some(Outcome {
                    id: "role.kms",
                    failed: true,
                    severity: Severity::Error,
                    evidence: vec![self.say("ev.key_absent", &[("key", &key)])],
                }));
            }
            Some(invalid @ Known::Invalid { .. }) => {
                invalid.need(Document::KeyPolicy)?;
                None
            }
            Some(Known::Unreadable { needs }) => {
                Some(self.say("ev.key_policy_unreadable", &[("needs", needs)]))
            }
            None => Some(self.say("ev.key_policy_not_read", &[])),
        };
        if assumed.is_some() {
            set.resource = Some(
                crate::policy::parse_policy(
                    &serde_json::json!({"Version": "2012-10-17", "Statement": [{
                        "Sid": "Enable IAM User Permissions", "Effect": "Allow",
                        "Principal": {"AWS": format!("arn:{}:iam::{}:root", self.partition(), self.account())},
                        "Action": "kms:*", "Resource": "*"}]}),
                    "$",
                )
                .expect("the default key policy is valid"),
            );
        }
        let req = Request::new(
            &self.session(role),
            "kms:Decrypt",
            &key,
            Some(self.account()),
            key.split(':').nth(4),
        );
        let ev = decide(&set, &req);
        let mut evidence = vec![explain(
            &ev,
            "ev.subject_key",
            &self.say("ev.on", &[("action", "kms:Decrypt"), ("resource", &key)]),
            &self.names(role),
            self.lang,
        )];
        evidence.extend(assumed);
        Ok(Some(Outcome {
            id: "role.kms",
            failed: ev.decision != Decision::Allowed,
            severity: Severity::Error,
            evidence,
        }))
    }

    fn role_set(&self, role: &RoleDocs) -> Result<PolicySet, Unknown> {
        let policies = role
            .policies
            .need(Document::RolePolicies)?
            .map(Vec::as_slice)
            .unwrap_or_default();
        let boundary = role
            .boundary
            .need(Document::Boundary)?
            .and_then(|b| b.as_ref().map(|n| n.policy.clone()));
        Ok(PolicySet {
            identity: policies.iter().map(|p| p.policy.clone()).collect(),
            boundary,
            ..PolicySet::default()
        })
    }

    /// Policy names by identity index, for evidence lines.
    fn names(&self, role: &RoleDocs) -> Vec<String> {
        role.policies
            .value()
            .map(|ps| ps.iter().map(|p| p.name.clone()).collect())
            .unwrap_or_default()
    }

    fn role_boundary(&self) -> Checked {
        let Some(role) = self.role.need(Document::Role)? else {
            return Ok(None);
        };
        let Some(Some(b)) = role.boundary.need(Document::Boundary)? else {
            return Ok(Some(Outcome {
                id: "role.boundary",
                failed: false,
                severity: Severity::Error,
                evidence: vec![self.say("ev.no_boundary", &[])],
            }));
        };
        let mut blocked = Vec::new();
        for id in [
            "role.logs",
            "role.vpc",
            "role.event_source",
            "role.kms",
            "role.dead_letter",
        ] {
            if let Some(o) = self.run(id) {
                let reason = ui("ev.reason_boundary", self.lang);
                for line in o.evidence.iter().filter(|l| l.contains(reason)) {
                    blocked.push(format!("{id}: {line}"));
                }
            }
        }
        let failed = !blocked.is_empty();
        if !failed {
            blocked.push(self.say("ev.boundary_ok", &[("name", &b.name)]));
        }
        Ok(Some(Outcome {
            id: "role.boundary",
            failed,
            severity: Severity::Error,
            evidence: blocked,
        }))
    }

    fn deprecated(&self) -> Checked {
        let Some(role) = self.role.need(Document::Role)? else {
            return Ok(None);
        };
        let Some(arns) = role.attached_arns.need(Document::RolePolicies)? else {
            return Ok(None);
        };
        let old: Vec<&String> = arns
            .iter()
            .filter(|a| {
                a.ends_with("policy/AWSLambdaFullAccess")
                    || a.ends_with("policy/AWSLambdaReadOnlyAccess")
            })
            .collect();
        Ok(Some(Outcome {
            id: "policy.deprecated",
            failed: !old.is_empty(),
            severity: Severity::Warning,
            evidence: if old.is_empty() {
                vec![self.say("ev.no_deprecated", &[])]
            } else {
                old.iter()
                    .map(|a| self.say("ev.deprecated", &[("arn", a)]))
                    .collect()
            },
        }))
    }

    fn allow_statements(&self) -> Result<Vec<&Statement>, Unknown> {
        Ok(self
            .resource_policy
            .need(Document::ResourcePolicy)?
            .map(|p| {
                p.statements
                    .iter()
                    .filter(|s| s.effect == crate::policy::Effect::Allow)
                    .collect()
            })
            .unwrap_or_default())
    }

    fn resource_public(&self) -> Checked {
        let stmts = self.allow_statements()?;
        let public: Vec<String> = stmts
            .iter()
            .filter(|s| {
                s.principal.as_ref().is_some_and(|p| p.any && !p.not) && s.conditions.is_empty()
            })
            .map(|s| describe(s, self.lang))
            .collect();
        Ok(Some(Outcome {
            id: "resource.public",
            failed: !public.is_empty(),
            severity: Severity::Error,
            evidence: if public.is_empty() {
                vec![self.say("ev.no_public", &[])]
            } else {
                public
                    .iter()
                    .map(|d| self.say("ev.public", &[("statement", d)]))
                    .collect()
            },
        }))
    }

    fn confused_deputy(&self) -> Checked {
        let stmts = self.allow_statements()?;
        let open: Vec<String> = stmts
            .iter()
            .filter(|s| {
                let service = s
                    .principal
                    .as_ref()
                    .is_some_and(|p| !p.not && p.entries.iter().any(|(k, _)| k == "Service"));
                let scoped = s.conditions.iter().any(|c| {
                    let k = c.key.to_ascii_lowercase();
                    k == "aws:sourcearn" || k == "aws:sourceaccount" || k == "aws:sourceorgid"
                });
                service && !scoped
            })
            .map(|s| describe(s, self.lang))
            .collect();
        Ok(Some(Outcome {
            id: "resource.confused_deputy",
            failed: !open.is_empty(),
            severity: Severity::Warning,
            evidence: if open.is_empty() {
                vec![self.say("ev.deputy_ok", &[])]
            } else {
                open.iter()
                    .map(|d| self.say("ev.deputy_open", &[("statement", d)]))
                    .collect()
            },
        }))
    }

    fn cross_account(&self) -> Checked {
        let stmts = self.allow_statements()?;
        let me = self.account().to_string();
        let mut others = Vec::new();
        for s in stmts {
            for (kind, v) in s.principal.iter().flat_map(|p| p.entries.iter()) {
                if kind != "AWS" || v == "*" {
                    continue;
                }
                let acct = if v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()) {
                    v.clone()
                } else {
                    v.split(':').nth(4).unwrap_or("").to_string()
                };
                if !acct.is_empty() && acct != me {
                    others.push(self.say(
                        "ev.other_account",
                        &[
                            ("statement", &describe(s, self.lang)),
                            ("account", &acct),
                            ("principal", v),
                        ],
                    ));
                }
            }
        }
        Ok(Some(Outcome {
            id: "resource.cross_account",
            failed: !others.is_empty(),
            severity: Severity::Info,
            evidence: if others.is_empty() {
                vec![self.say("ev.no_other_account", &[])]
            } else {
                others
            },
        }))
    }
}

/// The source-type poll actions Lambda needs for an event source ARN; `None` for a source
/// type this module does not model.
pub fn poll_actions(arn: &str) -> Option<&'static [&'static str]> {
    if arn.contains(":sqs:") {
        Some(&[
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
        ])
    } else if arn.contains(":kinesis:") {
        Some(&[
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:DescribeStream",
            "kinesis:ListShards",
        ])
    } else if arn.contains(":dynamodb:") && arn.contains("/stream/") {
        Some(&[
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:DescribeStream",
            "dynamodb:ListStreams",
        ])
    } else {
        None
    }
}

fn describe(s: &Statement, lang: Lang) -> String {
    let base = fill(ui("ev.statement", lang), &[("index", &s.index.to_string())]);
    match &s.sid {
        Some(sid) => format!("{base} ({sid})"),
        None => base,
    }
}

/// One evidence line: which statement allows, or why nothing does. `subject` is the ui key
/// naming the policy the request was checked against.
fn explain(
    ev: &Evaluation,
    subject: &'static str,
    what: &str,
    names: &[String],
    lang: Lang,
) -> String {
    let name = |policy: &str| -> String {
        // "identity[2]" → the policy's own name.
        policy
            .strip_prefix("identity[")
            .and_then(|r| r.strip_suffix(']'))
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| names.get(i).cloned())
            .unwrap_or_else(|| policy.to_string())
    };
    let stmt = |s: &crate::policy::MatchedStatement| -> String {
        let sid = s
            .sid
            .as_deref()
            .map(|x| format!(" ({x})"))
            .unwrap_or_default();
        let base = fill(
            ui("ev.policy_statement", lang),
            &[
                ("policy", &name(&s.policy)),
                ("index", &s.index.to_string()),
            ],
        );
        format!("{base}{sid}")
    };
    let subject = ui(subject, lang);
    match ev.decision {
        Decision::Allowed => {
            let by = ev
                .statements
                .first()
                .map(stmt)
                .unwrap_or_else(|| ui("ev.the_policies", lang).to_string());
            fill(ui("ev.allowed", lang), &[("what", what), ("by", &by)])
        }
        Decision::ExplicitlyDenied => {
            let by = ev.statements.first().map(stmt).unwrap_or_default();
            fill(
                ui("ev.denied_explicit", lang),
                &[("what", what), ("by", &by)],
            )
        }
        Decision::ImplicitlyDenied => {
            let reason = match ev.denied_by {
                Some(Layer::Boundary) => ui("ev.reason_boundary", lang).to_string(),
                Some(Layer::Resource) => {
                    fill(ui("ev.reason_resource", lang), &[("subject", subject)])
                }
                _ => fill(ui("ev.reason_identity", lang), &[("subject", subject)]),
            };
            fill(
                ui("ev.not_allowed", lang),
                &[("what", what), ("reason", &reason)],
            )
        }
    }
}

impl Evidence for FunctionDocs {
    fn check(&self, id: &str) -> Option<CheckResult> {
        self.run(id).map(|o| CheckResult {
            failed: o.failed,
            evidence: o.evidence,
        })
    }
}

#[cfg(test)]
mod tests;
