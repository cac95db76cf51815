//! The automated checks of DESIGN.md, run with the policy evaluator over a function's
//! documents. Pure: the live SDK reader or a snapshot supplies [`FunctionDocs`]; this module
//! decides. [`FunctionDocs`] also answers the decision tree's check-backed questions.

pub mod id;
pub mod render;
pub mod report;

pub use id::CheckId;

use crate::i18n::Lang;
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
    pub id: CheckId,
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
    pub id: CheckId,
    /// True when the check found the problem.
    pub failed: bool,
    pub severity: Severity,
    /// What the documents show, as data; [`render::say`] words it.
    pub evidence: Vec<Fact>,
}

/// Which policy a request was evaluated against (for wording only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// The execution role's trust policy.
    Trust,
    /// The execution role's policies and boundary.
    Role,
    /// The role's policies and the KMS key policy.
    Key,
}

/// A statement of a policy: the policy's name when known (a managed policy ARN, an inline
/// policy name), its index and Sid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementRef {
    pub policy: Option<String>,
    pub index: usize,
    pub sid: Option<String>,
}

/// Why the KMS key policy was assumed rather than read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum KeyPolicyGap {
    Unreadable { needs: String },
    NotRead,
}

/// One thing a check found in the documents. Checks return these; only rendering
/// ([`render::say`]) turns them into words, and nothing searches the words.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "fact", rename_all = "snake_case")]
pub enum Fact {
    RoleExists {
        arn: String,
    },
    RoleAbsent,
    /// What the policies decided for one request.
    Decision {
        subject: Subject,
        /// The principal asking (for trust: the service principal).
        principal: Option<String>,
        action: String,
        resource: Option<String>,
        decision: Decision,
        /// For an implicit deny: the layer that lacked an allow.
        denied_by: Option<Layer>,
        /// The statement that allowed, or the Deny that denied.
        statement: Option<StatementRef>,
    },
    KeyAbsent {
        key: String,
    },
    /// The default key policy was assumed.
    KeyPolicyAssumed(KeyPolicyGap),
    NoBoundary,
    BoundaryAllows {
        boundary: String,
    },
    /// The permissions boundary blocks what `check` needs.
    BoundaryBlocks {
        check: CheckId,
        action: String,
        resource: String,
        boundary: String,
    },
    NoDeprecated,
    Deprecated {
        arn: String,
    },
    NoPublicStatement,
    PublicStatement {
        statement: StatementRef,
    },
    SourceScoped,
    SourceOpen {
        statement: StatementRef,
    },
    NoOtherAccount,
    OtherAccount {
        statement: StatementRef,
        account: String,
        principal: String,
    },
    UrlAuth {
        auth_type: String,
    },
}

/// Every check id, in DESIGN.md order.
pub const IDS: [CheckId; 13] = CheckId::ALL;

impl FunctionDocs {
    fn arn_part(&self, i: usize) -> &str {
        self.function_arn.split(':').nth(i).unwrap_or("")
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
    pub fn run(&self, id: CheckId) -> Option<Outcome> {
        match self.answer(id) {
            Answer::Outcome(o) => Some(o),
            _ => None,
        }
    }

    /// Runs one check and says why when it cannot.
    pub fn answer(&self, id: CheckId) -> Answer {
        match self.checked(id) {
            Ok(Some(o)) => Answer::Outcome(o),
            Ok(None) => Answer::NotApplicable,
            Err(why) => Answer::Unanswered(Unanswered { id, why }),
        }
    }

    fn checked(&self, id: CheckId) -> Checked {
        match id {
            CheckId::RoleMissing => self.role_missing(),
            CheckId::RoleTrust => self.role_trust(),
            CheckId::RoleLogs => {
                let group = self.log_group_arn();
                let stream = format!("{group}:log-stream:2024/01/01/[$LATEST]0123456789abcdef");
                self.role_allows(
                    CheckId::RoleLogs,
                    Severity::Warning,
                    &[
                        ("logs:CreateLogGroup", group.as_str()),
                        ("logs:CreateLogStream", stream.as_str()),
                        ("logs:PutLogEvents", stream.as_str()),
                    ],
                )
            }
            CheckId::RoleVpc => {
                if !self.vpc {
                    return Ok(None);
                }
                self.role_allows(
                    CheckId::RoleVpc,
                    Severity::Error,
                    &[
                        ("ec2:CreateNetworkInterface", "*"),
                        ("ec2:DescribeNetworkInterfaces", "*"),
                        ("ec2:DeleteNetworkInterface", "*"),
                    ],
                )
            }
            CheckId::RoleEventSource => {
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
                self.role_allows(CheckId::RoleEventSource, Severity::Error, &refs)
            }
            CheckId::RoleKms => self.role_kms(),
            CheckId::RoleDeadLetter => {
                let Some(target) = self.dead_letter_arn.clone() else {
                    return Ok(None);
                };
                let action = if target.contains(":sns:") {
                    "sns:Publish"
                } else {
                    "sqs:SendMessage"
                };
                self.role_allows(
                    CheckId::RoleDeadLetter,
                    Severity::Warning,
                    &[(action, target.as_str())],
                )
            }
            CheckId::RoleBoundary => self.role_boundary(),
            CheckId::PolicyDeprecated => self.deprecated(),
            CheckId::ResourcePublic => self.resource_public(),
            CheckId::ResourceConfusedDeputy => self.confused_deputy(),
            CheckId::ResourceUrlPublic => {
                let Some(t) = self.url_auth_type.as_deref() else {
                    return Ok(None);
                };
                Ok(Some(Outcome {
                    id: CheckId::ResourceUrlPublic,
                    failed: t.eq_ignore_ascii_case("NONE"),
                    severity: Severity::Warning,
                    evidence: vec![Fact::UrlAuth {
                        auth_type: t.to_string(),
                    }],
                }))
            }
            CheckId::ResourceCrossAccount => self.cross_account(),
        }
    }

    /// Every check that can tell something.
    pub fn run_all(&self) -> Vec<Outcome> {
        IDS.iter().filter_map(|id| self.run(*id)).collect()
    }

    /// Every check's answer, in [`IDS`] order (not-applicable ones left out).
    pub fn answers(&self) -> Vec<Answer> {
        IDS.iter()
            .map(|id| self.answer(*id))
            .filter(|a| *a != Answer::NotApplicable)
            .collect()
    }

    fn role_missing(&self) -> Checked {
        // Unknown is not missing: the question stays open, with the read that was refused.
        let (failed, line) = match self.role.need(Document::Role)? {
            Some(r) => (false, Fact::RoleExists { arn: r.arn.clone() }),
            None => (true, Fact::RoleAbsent),
        };
        Ok(Some(Outcome {
            id: CheckId::RoleMissing,
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
            id: CheckId::RoleTrust,
            failed: ev.decision != Decision::Allowed,
            severity: Severity::Error,
            evidence: vec![decision_fact(
                &ev,
                Subject::Trust,
                Some("lambda.amazonaws.com"),
                "sts:AssumeRole",
                None,
                &[],
            )],
        }))
    }

    /// The role's identity side (policies and boundary) evaluated for each (action, resource).
    fn role_allows(&self, id: CheckId, severity: Severity, needed: &[(&str, &str)]) -> Checked {
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
            evidence.push(decision_fact(
                &ev,
                Subject::Role,
                None,
                action,
                Some(resource),
                &names,
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
                    id: CheckId::RoleKms,
                    failed: true,
                    severity: Severity::Error,
                    evidence: vec![Fact::KeyAbsent { key: key.clone() }],
                }));
            }
            Some(invalid @ Known::Invalid { .. }) => {
                invalid.need(Document::KeyPolicy)?;
                None
            }
            Some(Known::Unreadable { needs }) => {
                Some(Fact::KeyPolicyAssumed(KeyPolicyGap::Unreadable {
                    needs: needs.clone(),
                }))
            }
            None => Some(Fact::KeyPolicyAssumed(KeyPolicyGap::NotRead)),
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
        let mut evidence = vec![decision_fact(
            &ev,
            Subject::Key,
            None,
            "kms:Decrypt",
            Some(&key),
            &self.names(role),
        )];
        evidence.extend(assumed);
        Ok(Some(Outcome {
            id: CheckId::RoleKms,
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
                id: CheckId::RoleBoundary,
                failed: false,
                severity: Severity::Error,
                evidence: vec![Fact::NoBoundary],
            }));
        };
        let mut blocked = Vec::new();
        for id in CheckId::ROLE_PERMISSIONS {
            let Some(o) = self.run(id) else { continue };
            for f in &o.evidence {
                if let Fact::Decision {
                    action,
                    resource: Some(resource),
                    denied_by: Some(Layer::Boundary),
                    ..
                } = f
                {
                    blocked.push(Fact::BoundaryBlocks {
                        check: o.id,
                        action: action.clone(),
                        resource: resource.clone(),
                        boundary: b.name.clone(),
                    });
                }
            }
        }
        let failed = !blocked.is_empty();
        if !failed {
            blocked.push(Fact::BoundaryAllows {
                boundary: b.name.clone(),
            });
        }
        Ok(Some(Outcome {
            id: CheckId::RoleBoundary,
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
            id: CheckId::PolicyDeprecated,
            failed: !old.is_empty(),
            severity: Severity::Warning,
            evidence: if old.is_empty() {
                vec![Fact::NoDeprecated]
            } else {
                old.iter()
                    .map(|a| Fact::Deprecated { arn: a.to_string() })
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
        let public: Vec<StatementRef> = stmts
            .iter()
            .filter(|s| {
                s.principal.as_ref().is_some_and(|p| p.any && !p.not) && s.conditions.is_empty()
            })
            .map(|s| statement_ref(s))
            .collect();
        Ok(Some(Outcome {
            id: CheckId::ResourcePublic,
            failed: !public.is_empty(),
            severity: Severity::Error,
            evidence: if public.is_empty() {
                vec![Fact::NoPublicStatement]
            } else {
                public
                    .iter()
                    .map(|st| Fact::PublicStatement {
                        statement: st.clone(),
                    })
                    .collect()
            },
        }))
    }

    fn confused_deputy(&self) -> Checked {
        let stmts = self.allow_statements()?;
        let open: Vec<StatementRef> = stmts
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
            .map(|s| statement_ref(s))
            .collect();
        Ok(Some(Outcome {
            id: CheckId::ResourceConfusedDeputy,
            failed: !open.is_empty(),
            severity: Severity::Warning,
            evidence: if open.is_empty() {
                vec![Fact::SourceScoped]
            } else {
                open.iter()
                    .map(|st| Fact::SourceOpen {
                        statement: st.clone(),
                    })
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
                    others.push(Fact::OtherAccount {
                        statement: statement_ref(s),
                        account: acct,
                        principal: v.clone(),
                    });
                }
            }
        }
        Ok(Some(Outcome {
            id: CheckId::ResourceCrossAccount,
            failed: !others.is_empty(),
            severity: Severity::Info,
            evidence: if others.is_empty() {
                vec![Fact::NoOtherAccount]
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

fn statement_ref(s: &Statement) -> StatementRef {
    StatementRef {
        policy: None,
        index: s.index,
        sid: s.sid.clone(),
    }
}

/// What the evaluator decided for one request, as a fact. `names` maps `identity[i]` to the
/// policy's own name.
fn decision_fact(
    ev: &Evaluation,
    subject: Subject,
    principal: Option<&str>,
    action: &str,
    resource: Option<&str>,
    names: &[String],
) -> Fact {
    let name = |policy: &str| -> String {
        policy
            .strip_prefix("identity[")
            .and_then(|r| r.strip_suffix(']'))
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| names.get(i).cloned())
            .unwrap_or_else(|| policy.to_string())
    };
    let statement = match ev.decision {
        Decision::ImplicitlyDenied => None,
        _ => ev.statements.first().map(|s| StatementRef {
            policy: Some(name(&s.policy)),
            index: s.index,
            sid: s.sid.clone(),
        }),
    };
    Fact::Decision {
        subject,
        principal: principal.map(str::to_string),
        action: action.to_string(),
        resource: resource.map(str::to_string),
        decision: ev.decision,
        denied_by: match ev.decision {
            Decision::ImplicitlyDenied => Some(ev.denied_by.unwrap_or(Layer::Identity)),
            _ => None,
        },
        statement,
    }
}

impl Evidence for FunctionDocs {
    fn check(&self, id: CheckId) -> Option<CheckResult> {
        self.run(id).map(|o| CheckResult {
            failed: o.failed,
            evidence: o
                .evidence
                .iter()
                .map(|f| render::say(f, self.lang))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests;
