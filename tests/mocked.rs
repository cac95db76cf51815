//! What a local endpoint cannot show, with mocked SDK clients (aws-smithy-mocks): reads that
//! AWS refuses, throttling, and an endpoint that never answers. The clients carry the same
//! read-only guard as the real ones.

use aws_sdk_iam::operation::get_role::GetRoleOutput;
use aws_sdk_iam::operation::list_attached_role_policies::ListAttachedRolePoliciesOutput;
use aws_sdk_iam::operation::list_role_policies::ListRolePoliciesOutput;
use aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationOutput;
use aws_sdk_lambda::operation::list_event_source_mappings::ListEventSourceMappingsOutput;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_runtime_api::http::{Response, StatusCode};
use aws_smithy_types::body::SdkBody;
use lambda_doctor::aws::{Aws, AwsError, CallLog, read_function, read_only_guard, retry_config};
use lambda_doctor::evidence::Read;
use std::time::{Duration, Instant};

const ROLE: &str = "arn:aws:iam::123456789012:role/worker-role";
const TRUST: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22lambda.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";

/// A REST-JSON (Lambda) error response.
fn json_error(status: u16, code: &str, message: &str) -> Response {
    let mut r = Response::new(
        StatusCode::try_from(status).expect("status"),
        SdkBody::from(format!(r#"{{"Type":"User","message":"{message}"}}"#)),
    );
    r.headers_mut().insert("x-amzn-errortype", code.to_string());
    r.headers_mut()
        .insert("content-type", "application/json".to_string());
    r
}

/// An AWS query (IAM) error response.
fn xml_error(status: u16, code: &str, message: &str) -> Response {
    Response::new(
        StatusCode::try_from(status).expect("status"),
        SdkBody::from(format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>r</RequestId></ErrorResponse>"
        )),
    )
}

/// GetRole's answer for the worker role (Lambda trust), with an optional boundary.
fn role_output(boundary: Option<&str>) -> GetRoleOutput {
    let mut role = aws_sdk_iam::types::Role::builder()
        .path("/")
        .role_name("worker-role")
        .role_id("AROAEXAMPLE")
        .arn(ROLE)
        .create_date(aws_smithy_types::DateTime::from_secs(0))
        .assume_role_policy_document(TRUST);
    if let Some(arn) = boundary {
        role = role.permissions_boundary(
            aws_sdk_iam::types::AttachedPermissionsBoundary::builder()
                .permissions_boundary_arn(arn)
                .build(),
        );
    }
    GetRoleOutput::builder()
        .role(role.build().expect("role"))
        .build()
}

fn config_rule() -> Rule {
    mock!(aws_sdk_lambda::Client::get_function_configuration).then_output(|| {
        GetFunctionConfigurationOutput::builder()
            .function_name("worker")
            .function_arn("arn:aws:lambda:us-east-1:123456789012:function:worker")
            .role(ROLE)
            .build()
    })
}

/// What a function with nothing around it answers: no resource policy, no mappings, no URL,
/// no policies on the role. Tests put their own rules first; the first match wins.
fn defaults() -> (Vec<Rule>, Vec<Rule>) {
    (
        vec![
            mock!(aws_sdk_lambda::Client::get_policy)
                .then_http_response(|| json_error(404, "ResourceNotFoundException", "none")),
            mock!(aws_sdk_lambda::Client::list_event_source_mappings)
                .then_output(|| ListEventSourceMappingsOutput::builder().build()),
            mock!(aws_sdk_lambda::Client::get_function_url_config)
                .then_http_response(|| json_error(404, "ResourceNotFoundException", "none")),
        ],
        vec![
            mock!(aws_sdk_iam::Client::list_attached_role_policies)
                .then_output(|| ListAttachedRolePoliciesOutput::builder().build()),
            mock!(aws_sdk_iam::Client::list_role_policies).then_output(|| {
                ListRolePoliciesOutput::builder()
                    .set_policy_names(Some(vec![]))
                    .build()
                    .expect("output")
            }),
        ],
    )
}

/// Lambda, IAM, STS and KMS clients answering from `lambda_rules` and `iam_rules` (then the
/// defaults), each with the read-only guard and the tool's retry settings (backoff shortened
/// for the test).
fn aws(lambda_rules: &[&Rule], iam_rules: &[&Rule]) -> Aws {
    let (dl, di) = defaults();
    let lambda_rules: Vec<&Rule> = lambda_rules.iter().copied().chain(dl.iter()).collect();
    let iam_rules: Vec<&Rule> = iam_rules.iter().copied().chain(di.iter()).collect();
    let calls = CallLog::default();
    let retry = || retry_config().with_initial_backoff(Duration::from_millis(1));
    let lambda = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, &lambda_rules, |b| b
        .interceptor(read_only_guard(&calls))
        .retry_config(retry()));
    let iam = mock_client!(aws_sdk_iam, RuleMode::MatchAny, &iam_rules, |b| b
        .interceptor(read_only_guard(&calls))
        .retry_config(retry()));
    // Not used by the reader: a client that is never called.
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::Config::builder()
            .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
            .region(aws_sdk_sts::config::Region::new("us-east-1"))
            .interceptor(read_only_guard(&calls))
            .build(),
    );
    let kms = mock_client!(aws_sdk_kms, RuleMode::MatchAny, &[] as &[&Rule], |b| b
        .interceptor(read_only_guard(&calls)));
    Aws::from_clients(lambda, iam, sts, kms, "us-east-1", calls)
}

#[tokio::test]
async fn refused_reads_are_recorded_with_the_permission_they_need() {
    let config = config_rule();
    let policy = mock!(aws_sdk_lambda::Client::get_policy).then_http_response(|| {
        json_error(
            403,
            "AccessDeniedException",
            "User: arn:aws:sts::123456789012:assumed-role/oncall/me is not authorized to perform: lambda:GetPolicy",
        )
    });
    let mappings = mock!(aws_sdk_lambda::Client::list_event_source_mappings)
        .then_output(|| ListEventSourceMappingsOutput::builder().build());
    let url = mock!(aws_sdk_lambda::Client::get_function_url_config).then_http_response(|| {
        json_error(
            404,
            "ResourceNotFoundException",
            "The resource you requested does not exist.",
        )
    });
    let role = mock!(aws_sdk_iam::Client::get_role).then_output(|| role_output(None));
    let attached =
        mock!(aws_sdk_iam::Client::list_attached_role_policies).then_http_response(|| {
            xml_error(
                403,
                "AccessDenied",
                "not authorized to perform: iam:ListAttachedRolePolicies",
            )
        });
    let inline = mock!(aws_sdk_iam::Client::list_role_policies).then_output(|| {
        ListRolePoliciesOutput::builder()
            .set_policy_names(Some(vec![]))
            .build()
            .expect("output")
    });
    let aws = aws(
        &[&config, &policy, &mappings, &url],
        &[&role, &attached, &inline],
    );
    let ev = read_function(&aws, "worker").await.expect("read");
    assert_eq!(
        ev.resource_policy,
        Read::Denied {
            needs: "lambda:GetPolicy".into()
        }
    );
    assert_eq!(ev.url, Read::Absent, "a 404 means no function URL");
    assert_eq!(ev.event_source_mappings, Read::Ok { value: vec![] });
    let role = ev.role.ok().expect("role read");
    assert_eq!(
        role.trust_policy["Statement"][0]["Action"],
        "sts:AssumeRole"
    );
    assert_eq!(
        ev.unreadable(),
        [
            "could not read the resource-based policy (needs lambda:GetPolicy)",
            "could not read the execution role's policies (needs iam:ListAttachedRolePolicies)",
        ]
    );
    // The checks that needed the refused documents give no answer; the trust check does.
    let docs = ev.docs();
    use lambda_doctor::tree::walk::Evidence;
    assert!(
        docs.check(lambda_doctor::checks::CheckId::ResourceConfusedDeputy)
            .is_none()
    );
    assert!(
        docs.check(lambda_doctor::checks::CheckId::RoleLogs)
            .is_none()
    );
    assert_eq!(
        docs.check(lambda_doctor::checks::CheckId::RoleTrust)
            .map(|r| r.failed),
        Some(false)
    );
    assert_eq!(
        aws.calls.calls(),
        [
            "Lambda:GetFunctionConfiguration",
            "Lambda:GetPolicy",
            "Lambda:ListEventSourceMappings",
            "Lambda:GetFunctionUrlConfig",
            "IAM:GetRole",
            "IAM:ListAttachedRolePolicies",
            "IAM:ListRolePolicies",
        ]
    );
}

#[tokio::test]
async fn a_refusal_without_a_readable_body_still_counts_as_refused() {
    let config = config_rule();
    let policy = mock!(aws_sdk_lambda::Client::get_policy).then_http_response(|| {
        Response::new(
            StatusCode::try_from(403).expect("status"),
            SdkBody::from("<html>Forbidden</html>"),
        )
    });
    let mappings = mock!(aws_sdk_lambda::Client::list_event_source_mappings)
        .then_output(|| ListEventSourceMappingsOutput::builder().build());
    let url = mock!(aws_sdk_lambda::Client::get_function_url_config)
        .then_http_response(|| json_error(404, "ResourceNotFoundException", "none"));
    let role = mock!(aws_sdk_iam::Client::get_role)
        .then_http_response(|| xml_error(404, "NoSuchEntity", "role not found"));
    let aws = aws(&[&config, &policy, &mappings, &url], &[&role]);
    let ev = read_function(&aws, "worker").await.expect("read");
    assert_eq!(
        ev.resource_policy,
        Read::Denied {
            needs: "lambda:GetPolicy".into()
        }
    );
    assert_eq!(
        ev.role,
        Read::Absent,
        "a deleted role is absent, not an error"
    );
}

#[tokio::test]
async fn throttling_is_retried_with_the_standard_retry() {
    let config = mock!(aws_sdk_lambda::Client::get_function_configuration)
        .sequence()
        .http_response(|| json_error(429, "TooManyRequestsException", "Rate exceeded"))
        .times(2)
        .output(|| {
            GetFunctionConfigurationOutput::builder()
                .function_name("worker")
                .function_arn("arn:aws:lambda:us-east-1:123456789012:function:worker")
                .role(ROLE)
                .build()
        })
        .build();
    let rest = mock!(aws_sdk_lambda::Client::get_policy)
        .then_http_response(|| json_error(404, "ResourceNotFoundException", "none"));
    let mappings = mock!(aws_sdk_lambda::Client::list_event_source_mappings)
        .then_output(|| ListEventSourceMappingsOutput::builder().build());
    let url = mock!(aws_sdk_lambda::Client::get_function_url_config)
        .then_http_response(|| json_error(404, "ResourceNotFoundException", "none"));
    let role = mock!(aws_sdk_iam::Client::get_role)
        .then_http_response(|| xml_error(404, "NoSuchEntity", "none"));
    let attached = mock!(aws_sdk_iam::Client::list_attached_role_policies)
        .then_output(|| ListAttachedRolePoliciesOutput::builder().build());
    let aws = aws(&[&config, &rest, &mappings, &url], &[&role, &attached]);
    let ev = read_function(&aws, "worker")
        .await
        .expect("read after retries");
    assert_eq!(ev.config.role, ROLE);
    assert_eq!(
        config.num_calls(),
        3,
        "two throttled attempts, then success"
    );
    // One operation, however many attempts.
    assert_eq!(aws.calls.calls()[0..1], ["Lambda:GetFunctionConfiguration"]);
}

#[tokio::test]
async fn throttling_that_outlasts_the_retries_fails_in_one_line() {
    let config = mock!(aws_sdk_lambda::Client::get_function_configuration)
        .sequence()
        .http_response(|| json_error(429, "TooManyRequestsException", "Rate exceeded"))
        .times(5)
        .build();
    let aws = aws(&[&config], &[]);
    let e = read_function(&aws, "worker").await.expect_err("throttled");
    assert_eq!(
        e.to_string(),
        "AWS call lambda:GetFunctionConfiguration failed: TooManyRequestsException: Rate exceeded"
    );
    assert_eq!(config.num_calls(), 3, "three attempts in all");
}

/// A server that accepts connections and never answers.
fn silent_endpoint() -> (String, std::net::TcpListener) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    (format!("http://{}", l.local_addr().expect("addr")), l)
}

#[tokio::test]
async fn an_endpoint_that_never_answers_fails_in_bounded_time() {
    let (endpoint, _listener) = silent_endpoint();
    let cfg = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_iam::config::Credentials::new(
            "k", "s", None, None, "tests",
        ))
        .retry_config(retry_config().with_initial_backoff(Duration::from_millis(1)))
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .operation_attempt_timeout(Duration::from_millis(300))
                .operation_timeout(Duration::from_secs(2))
                .build(),
        )
        .load()
        .await;
    let aws = Aws::from_sdk_config(&cfg);
    let started = Instant::now();
    let e = read_function(&aws, "worker").await.expect_err("no answer");
    let took = started.elapsed();
    assert!(
        matches!(&e, AwsError::Unreachable(m) if m == "lambda:GetFunctionConfiguration: no answer in time"),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "cannot reach AWS (lambda:GetFunctionConfiguration: no answer in time)"
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[tokio::test]
async fn a_managed_policy_is_read_once_per_run() {
    use aws_sdk_iam::operation::get_policy::GetPolicyOutput;
    use aws_sdk_iam::operation::get_policy_version::GetPolicyVersionOutput;
    const SHARED: &str = "arn:aws:iam::123456789012:policy/shared";
    let config = config_rule();
    // The role has the same managed policy attached and as its boundary.
    let role = mock!(aws_sdk_iam::Client::get_role).then_output(|| role_output(Some(SHARED)));
    let attached = mock!(aws_sdk_iam::Client::list_attached_role_policies).then_output(|| {
        ListAttachedRolePoliciesOutput::builder()
            .attached_policies(
                aws_sdk_iam::types::AttachedPolicy::builder()
                    .policy_name("shared")
                    .policy_arn(SHARED)
                    .build(),
            )
            .build()
    });
    let get_policy = mock!(aws_sdk_iam::Client::get_policy).then_output(|| {
        GetPolicyOutput::builder()
            .policy(
                aws_sdk_iam::types::Policy::builder()
                    .arn(SHARED)
                    .default_version_id("v3")
                    .build(),
            )
            .build()
    });
    let version = mock!(aws_sdk_iam::Client::get_policy_version)
        .match_requests(|r| r.version_id() == Some("v3"))
        .then_output(|| {
            GetPolicyVersionOutput::builder()
                .policy_version(
                    aws_sdk_iam::types::PolicyVersion::builder()
                        .document(
                            "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D",
                        )
                        .build(),
                )
                .build()
        });
    let aws = aws(&[&config], &[&role, &attached, &get_policy, &version]);
    let ev = read_function(&aws, "worker").await.expect("read");
    let role = ev.role.ok().expect("role");
    assert_eq!(role.boundary_arn.as_deref(), Some(SHARED));
    assert!(matches!(&role.boundary, Some(Read::Ok { value }) if value["Version"] == "2012-10-17"));
    assert_eq!(role.policies.ok().map(|p| p.len()), Some(1));
    assert_eq!(get_policy.num_calls(), 1, "read once, used twice");
    assert_eq!(version.num_calls(), 1);
    // A second function in the same run with the same policy: no new call.
    let _ = read_function(&aws, "worker").await.expect("read again");
    assert_eq!(get_policy.num_calls(), 1);
}
