//! Reading one function, read-only, in as few round trips as the APIs allow:
//! 1. everything that needs only the function name: configuration, resource policy, event
//!    source mappings, function URL;
//! 2. everything that needs the role name or the key from the configuration: the role (trust
//!    policy, boundary ARN), its attached and inline policy lists, the KMS key policy;
//! 3. the inline documents, and each managed policy's (and the boundary's) default version id;
//! 4. the managed documents themselves (IAM gives the default version id only with GetPolicy).
//!
//! Managed documents are cached per run, so a policy seen before costs no round trip.

use super::{Aws, AwsError};
use crate::evidence::{
    EventSourceMapping, FunctionConfig, FunctionEvidence, FunctionUrl, Read, RoleEvidence,
    RolePolicy, VpcConfig,
};
use aws_sdk_lambda::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use serde_json::Value;

/// What went wrong with a read.
enum Fail {
    Denied,
    NotFound,
    Other(AwsError),
}

fn classify<E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static>(
    op: &'static str,
    e: &SdkError<E, HttpResponse>,
) -> Fail {
    // The full error, for the log; the user gets one line.
    tracing::warn!(
        operation = op,
        error = %aws_smithy_types::error::display::DisplayErrorContext(e),
        "AWS call failed"
    );
    match e {
        SdkError::DispatchFailure(d) => {
            let why = match d.as_connector_error() {
                Some(c) if c.is_timeout() => "no answer in time".to_string(),
                Some(c) if c.is_io() => {
                    // "Connection refused", "dns error", ... without the SDK's context.
                    let full = aws_smithy_types::error::display::DisplayErrorContext(c).to_string();
                    connector_reason(&full)
                }
                Some(_) | None => "the connection failed".to_string(),
            };
            return Fail::Other(AwsError::Unreachable(format!("{op}: {why}")));
        }
        SdkError::TimeoutError(_) => {
            return Fail::Other(AwsError::Unreachable(format!("{op}: no answer in time")));
        }
        SdkError::ConstructionFailure(_) => {
            return Fail::Other(AwsError::Call(
                op,
                "the request could not be built (check --endpoint-url and --region)".into(),
            ));
        }
        _ => {}
    }
    match e.code() {
        Some(
            "AccessDenied"
            | "AccessDeniedException"
            | "UnauthorizedOperation"
            | "AuthorizationError",
        ) => Fail::Denied,
        Some(
            "ResourceNotFoundException"
            | "NoSuchEntity"
            | "NoSuchEntityException"
            | "NotFoundException",
        ) => Fail::NotFound,
        // A refusal whose body the SDK could not parse (a proxy, or an endpoint answering
        // in another protocol) is still a refusal.
        None if e.raw_response().is_some_and(|r| r.status().as_u16() == 403) => Fail::Denied,
        _ => Fail::Other(AwsError::Call(op, describe(e))),
    }
}

/// What an answer that is neither a success nor a refusal said, as a person reads it: the
/// error code and message when AWS gave them, else the HTTP status, never the SDK's dump.
fn describe<E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static>(
    e: &SdkError<E, HttpResponse>,
) -> String {
    let s = match (e.code(), e.message()) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.to_string(),
        _ => match e.raw_response() {
            Some(r) => {
                let code = r.status().as_u16();
                let reason = http_reason(code);
                format!("the endpoint answered HTTP {code}{reason}")
            }
            None => match e {
                SdkError::ResponseError(_) => "the answer could not be read".to_string(),
                _ => "the call failed".to_string(),
            },
        },
    };
    crate::sanitize::line(&s, MAX_REASON)
}

/// The longest reason an error line carries (the rest is in the log).
pub(super) const MAX_REASON: usize = 160;

/// " (internal error)" for 500, ...: what an HTTP status means, for the usual ones.
fn http_reason(code: u16) -> &'static str {
    match code {
        400 => " (bad request)",
        401 => " (not authenticated)",
        404 => " (not found: is --endpoint-url right?)",
        408 => " (request timeout)",
        429 => " (too many requests: throttled)",
        500 => " (internal error)",
        502 => " (bad gateway)",
        503 => " (service unavailable)",
        504 => " (gateway timeout)",
        _ => "",
    }
}

/// The useful part of a connector error's text: its innermost cause ("Connection refused").
fn connector_reason(full: &str) -> String {
    let inner = full
        .rsplit(": ")
        .next()
        .unwrap_or(full)
        .split(" (os error")
        .next()
        .unwrap_or(full);
    crate::sanitize::line(inner, MAX_REASON)
}

/// An error that stops the whole read.
pub(super) fn failure<E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static>(
    op: &'static str,
    e: &SdkError<E, HttpResponse>,
) -> AwsError {
    match classify(op, e) {
        Fail::Other(err) => err,
        Fail::Denied => AwsError::Call(op, format!("access denied (needs {op})")),
        Fail::NotFound => AwsError::Call(op, "not found".into()),
    }
}

/// A read that may be refused (recorded) or absent (recorded) without stopping the rest.
fn soft<T, E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static>(
    op: &'static str,
    r: Result<T, SdkError<E, HttpResponse>>,
) -> Result<Read<T>, AwsError> {
    match r {
        Ok(v) => Ok(Read::Ok { value: v }),
        Err(e) => match classify(op, &e) {
            Fail::Denied => Ok(Read::Denied {
                needs: op.to_string(),
            }),
            Fail::NotFound => Ok(Read::Absent),
            Fail::Other(err) => Err(err),
        },
    }
}

/// A policy document as IAM returns it (URL-encoded JSON) or Lambda does (a JSON string),
/// decoded to JSON; left as a string when it does not decode (the evaluator reports it).
fn document(raw: &str) -> Value {
    let text = if raw.trim_start().starts_with('{') {
        raw.to_string()
    } else {
        crate::policy::model::percent_decode(raw).unwrap_or_else(|| raw.to_string())
    };
    serde_json::from_str(&text).unwrap_or(Value::String(raw.to_string()))
}

/// Reads everything about one function (name, ARN, partial ARN or `name:qualifier`).
pub async fn read_function(aws: &Aws, function: &str) -> Result<FunctionEvidence, AwsError> {
    let (name, qualifier) = split_qualifier(function);
    let mut req = aws.lambda.get_function_configuration().function_name(&name);
    let mut policy_req = aws.lambda.get_policy().function_name(&name);
    let mut url_req = aws.lambda.get_function_url_config().function_name(&name);
    if let Some(q) = &qualifier {
        req = req.qualifier(q);
        policy_req = policy_req.qualifier(q);
        url_req = url_req.qualifier(q);
    }
    // Round trip 1: everything that needs only the function's name.
    let (cfg, policy, mappings, url) = tokio::join!(
        req.send(),
        policy_req.send(),
        aws.lambda
            .list_event_source_mappings()
            .function_name(&name)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
        url_req.send(),
    );
    let cfg = match cfg {
        Ok(c) => c,
        Err(e) => {
            return Err(match classify("lambda:GetFunctionConfiguration", &e) {
                Fail::NotFound => {
                    AwsError::NoFunction(crate::sanitize::quoted(function), aws.region.clone())
                }
                Fail::Denied => AwsError::FunctionDenied(crate::sanitize::quoted(function)),
                Fail::Other(err) => err,
            });
        }
    };
    let mut env_names: Vec<String> = cfg
        .environment()
        .and_then(|e| e.variables())
        .map(|v| v.keys().cloned().collect())
        .unwrap_or_default();
    env_names.sort();
    let config = FunctionConfig {
        name: cfg.function_name().unwrap_or(&name).to_string(),
        arn: cfg.function_arn().unwrap_or_default().to_string(),
        role: cfg.role().unwrap_or_default().to_string(),
        runtime: cfg.runtime().map(|r| r.as_str().to_string()),
        package_type: cfg.package_type().map(|p| p.as_str().to_string()),
        image_uri: None,
        vpc: cfg
            .vpc_config()
            .filter(|v| !v.subnet_ids().is_empty())
            .map(|v| VpcConfig {
                subnet_ids: v.subnet_ids().to_vec(),
                security_group_ids: v.security_group_ids().to_vec(),
            }),
        kms_key_arn: cfg.kms_key_arn().map(str::to_string),
        dead_letter_target: cfg
            .dead_letter_config()
            .and_then(|d| d.target_arn())
            .map(str::to_string),
        layers: cfg
            .layers()
            .iter()
            .filter_map(|l| l.arn().map(str::to_string))
            .collect(),
        environment_variable_names: env_names,
        log_group: cfg
            .logging_config()
            .and_then(|l| l.log_group())
            .filter(|g| *g != format!("/aws/lambda/{name}"))
            .map(str::to_string),
    };
    let role_name = config
        .role
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();

    // Round trip 2: everything that needs the role's name or the key.
    let (role, attached, inline, kms_key_policy) = tokio::join!(
        aws.iam.get_role().role_name(&role_name).send(),
        aws.iam
            .list_attached_role_policies()
            .role_name(&role_name)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
        aws.iam
            .list_role_policies()
            .role_name(&role_name)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
        key_policy(aws, config.kms_key_arn.as_deref()),
    );
    let resource_policy = match soft("lambda:GetPolicy", policy)? {
        Read::Ok { value } => match value.policy() {
            Some(p) => Read::Ok { value: document(p) },
            None => Read::Absent,
        },
        Read::Absent => Read::Absent,
        Read::Denied { needs } => Read::Denied { needs },
    };
    let event_source_mappings = match soft("lambda:ListEventSourceMappings", mappings)? {
        Read::Ok { value } => Read::Ok {
            value: value
                .iter()
                .map(|m| EventSourceMapping {
                    uuid: m.uuid().unwrap_or_default().to_string(),
                    event_source_arn: m.event_source_arn().unwrap_or_default().to_string(),
                    state: m.state().map(str::to_string),
                })
                .collect(),
        },
        Read::Absent => Read::Ok { value: vec![] },
        Read::Denied { needs } => Read::Denied { needs },
    };
    let url = match soft("lambda:GetFunctionUrlConfig", url)? {
        Read::Ok { value } => Read::Ok {
            value: FunctionUrl {
                auth_type: value.auth_type().as_str().to_string(),
                url: Some(value.function_url().to_string()),
            },
        },
        Read::Absent => Read::Absent,
        Read::Denied { needs } => Read::Denied { needs },
    };
    let role = match soft("iam:GetRole", role)? {
        Read::Ok { value } => match value.role() {
            Some(r) => Read::Ok {
                value: read_role(aws, r, attached, inline).await?,
            },
            None => Read::Absent,
        },
        Read::Absent => Read::Absent,
        Read::Denied { needs } => Read::Denied { needs },
    };
    Ok(FunctionEvidence {
        config,
        resource_policy,
        event_source_mappings,
        url,
        role,
        kms_key_policy: kms_key_policy?,
    })
}

/// Round trips 3 and 4: the role's attached (default versions) and inline policy documents,
/// and its boundary, concurrently.
async fn read_role(
    aws: &Aws,
    role: &aws_sdk_iam::types::Role,
    attached: Result<
        Vec<aws_sdk_iam::types::AttachedPolicy>,
        SdkError<
            aws_sdk_iam::operation::list_attached_role_policies::ListAttachedRolePoliciesError,
            HttpResponse,
        >,
    >,
    inline: Result<
        Vec<String>,
        SdkError<aws_sdk_iam::operation::list_role_policies::ListRolePoliciesError, HttpResponse>,
    >,
) -> Result<RoleEvidence, AwsError> {
    let name = role.role_name();
    let boundary_arn = role
        .permissions_boundary()
        .and_then(|b| b.permissions_boundary_arn())
        .map(str::to_string);
    let boundary = async {
        match &boundary_arn {
            Some(arn) => Some(managed_document(aws, arn).await),
            None => None,
        }
    };
    let managed = async {
        match soft("iam:ListAttachedRolePolicies", attached)? {
            Read::Ok { value } => {
                let docs =
                    futures_join(value.iter().filter_map(|p| p.policy_arn()).map(
                        |arn| async move { (arn.to_string(), managed_document(aws, arn).await) },
                    ))
                    .await;
                let mut out = Vec::new();
                for (arn, doc) in docs {
                    out.push(RolePolicy {
                        name: arn,
                        managed: true,
                        document: doc?,
                    });
                }
                Ok(Read::Ok { value: out })
            }
            Read::Denied { needs } => Ok(Read::Denied { needs }),
            Read::Absent => Ok(Read::Ok { value: vec![] }),
        }
    };
    let inline = async {
        match soft("iam:ListRolePolicies", inline)? {
            Read::Ok { value } => {
                let docs = futures_join(value.iter().map(|p| async move {
                    let r = aws
                        .iam
                        .get_role_policy()
                        .role_name(name)
                        .policy_name(p)
                        .send()
                        .await;
                    (p.clone(), soft("iam:GetRolePolicy", r))
                }))
                .await;
                let mut out = Vec::new();
                for (p, doc) in docs {
                    let document = match doc? {
                        Read::Ok { value } => Read::Ok {
                            value: document(value.policy_document()),
                        },
                        Read::Absent => Read::Absent,
                        Read::Denied { needs } => Read::Denied { needs },
                    };
                    out.push(RolePolicy {
                        name: p,
                        managed: false,
                        document,
                    });
                }
                Ok::<_, AwsError>(Read::Ok { value: out })
            }
            Read::Denied { needs } => Ok(Read::Denied { needs }),
            Read::Absent => Ok(Read::Ok { value: vec![] }),
        }
    };
    let (managed, inline, boundary) = tokio::join!(managed, inline, boundary);
    let policies = match (managed?, inline?) {
        (Read::Ok { value: mut m }, Read::Ok { value: i }) => {
            m.extend(i);
            Read::Ok { value: m }
        }
        (Read::Denied { needs }, _) | (_, Read::Denied { needs }) => Read::Denied { needs },
        (Read::Absent, _) | (_, Read::Absent) => Read::Absent,
    };
    Ok(RoleEvidence {
        arn: role.arn().to_string(),
        trust_policy: role
            .assume_role_policy_document()
            .map(document)
            .unwrap_or(Value::Null),
        boundary_arn,
        boundary: match boundary {
            Some(r) => Some(r?),
            None => None,
        },
        policies,
    })
}

/// A managed policy's default-version document (GetPolicy then GetPolicyVersion), read once
/// per run.
async fn managed_document(aws: &Aws, arn: &str) -> Result<Read<Value>, AwsError> {
    let cell = aws.managed.cell(arn);
    cell.get_or_try_init(|| read_managed_document(aws, arn))
        .await
        .cloned()
}

async fn read_managed_document(aws: &Aws, arn: &str) -> Result<Read<Value>, AwsError> {
    let version = match soft(
        "iam:GetPolicy",
        aws.iam.get_policy().policy_arn(arn).send().await,
    )? {
        Read::Ok { value } => match value.policy().and_then(|p| p.default_version_id()) {
            Some(v) => v.to_string(),
            None => return Ok(Read::Absent),
        },
        Read::Absent => return Ok(Read::Absent),
        Read::Denied { needs } => return Ok(Read::Denied { needs }),
    };
    let out = aws
        .iam
        .get_policy_version()
        .policy_arn(arn)
        .version_id(version)
        .send()
        .await;
    Ok(match soft("iam:GetPolicyVersion", out)? {
        Read::Ok { value } => match value.policy_version().and_then(|v| v.document()) {
            Some(d) => Read::Ok { value: document(d) },
            None => Read::Absent,
        },
        Read::Absent => Read::Absent,
        Read::Denied { needs } => Read::Denied { needs },
    })
}

/// The customer managed key's policy (the key in the function's configuration).
async fn key_policy(aws: &Aws, key: Option<&str>) -> Result<Option<Read<Value>>, AwsError> {
    let Some(key) = key else { return Ok(None) };
    let out = aws
        .kms
        .get_key_policy()
        .key_id(key)
        .policy_name("default")
        .send()
        .await;
    Ok(Some(match soft("kms:GetKeyPolicy", out)? {
        Read::Ok { value } => match value.policy() {
            Some(p) => Read::Ok { value: document(p) },
            None => Read::Absent,
        },
        Read::Absent => Read::Absent,
        Read::Denied { needs } => Read::Denied { needs },
    }))
}

/// Runs futures concurrently (bounded by the SDK's connection pool) and keeps their order.
async fn futures_join<F: std::future::Future>(futs: impl Iterator<Item = F>) -> Vec<F::Output> {
    join_all(futs.map(Box::pin).collect()).await
}

async fn join_all<F: std::future::Future + Unpin>(mut futs: Vec<F>) -> Vec<F::Output> {
    use std::pin::Pin;
    use std::task::Poll;
    let mut results: Vec<Option<F::Output>> = futs.iter().map(|_| None).collect();
    std::future::poll_fn(move |cx| {
        let mut pending = false;
        for (i, f) in futs.iter_mut().enumerate() {
            if results[i].is_none() {
                match std::future::Future::poll(Pin::new(f), cx) {
                    Poll::Ready(v) => results[i] = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(
                results
                    .iter_mut()
                    .map(|r| r.take().expect("ready"))
                    .collect(),
            )
        }
    })
    .await
}

/// One function of the account, for the TUI's picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionSummary {
    pub name: String,
    pub arn: String,
    pub runtime: Option<String>,
    pub role: String,
}

/// Every function in the region (ListFunctions, paginated), sorted by name.
pub async fn list_functions(aws: &Aws) -> Result<Vec<FunctionSummary>, AwsError> {
    let all = aws
        .lambda
        .list_functions()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| failure("lambda:ListFunctions", &e))?;
    let mut out: Vec<FunctionSummary> = all
        .iter()
        .map(|f| FunctionSummary {
            name: f.function_name().unwrap_or_default().to_string(),
            arn: f.function_arn().unwrap_or_default().to_string(),
            runtime: f.runtime().map(|r| r.as_str().to_string()),
            role: f.role().unwrap_or_default().to_string(),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// "name:qualifier", an ARN with a qualifier, or a plain name/ARN.
fn split_qualifier(function: &str) -> (String, Option<String>) {
    let f = function.trim();
    if f.starts_with("arn:") {
        let parts: Vec<&str> = f.split(':').collect();
        if parts.len() == 8 {
            return (parts[..7].join(":"), Some(parts[7].to_string()));
        }
        return (f.to_string(), None);
    }
    // "123456789012:function:name[:q]" or "name[:q]"
    let after = f.find("function:").map(|i| &f[i + 9..]).unwrap_or(f);
    match after.split_once(':') {
        Some((n, q)) if f.find("function:").is_none() => (n.to_string(), Some(q.to_string())),
        Some((_, q)) => (f[..f.len() - q.len() - 1].to_string(), Some(q.to_string())),
        None => (f.to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifiers() {
        assert_eq!(split_qualifier("f"), ("f".into(), None));
        assert_eq!(split_qualifier("f:live"), ("f".into(), Some("live".into())));
        assert_eq!(
            split_qualifier("arn:aws:lambda:us-east-1:123456789012:function:f:3"),
            (
                "arn:aws:lambda:us-east-1:123456789012:function:f".into(),
                Some("3".into())
            )
        );
        assert_eq!(
            split_qualifier("123456789012:function:f:live"),
            ("123456789012:function:f".into(), Some("live".into()))
        );
        assert_eq!(
            split_qualifier("123456789012:function:f"),
            ("123456789012:function:f".into(), None)
        );
    }

    #[test]
    fn documents_decode() {
        let v = document("%7B%22Version%22%3A%222012-10-17%22%7D");
        assert_eq!(v["Version"], "2012-10-17");
        assert_eq!(document("{\"a\": 1}")["a"], 1);
        assert_eq!(document("%zz"), Value::String("%zz".into()));
    }
}
