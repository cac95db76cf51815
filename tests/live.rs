//! Against a real AWS-compatible endpoint (moto_server, started by `scripts/test.sh`): seed a
//! scenario through the SDK, read it back with lambda-doctor's read-only reader, and assert
//! the exact findings. Without LAMBDA_DOCTOR_TEST_ENDPOINT these tests are ignored; with it
//! set but the endpoint down, they fail.

use aws_config::BehaviorVersion;
use aws_sdk_iam::config::Credentials;
use lambda_doctor::aws::{Aws, read_function};
use lambda_doctor::checks::report::CheckReport;
use lambda_doctor::i18n::Lang;
use lambda_doctor::tree::Tree;

const NEEDS: &str = "needs LAMBDA_DOCTOR_TEST_ENDPOINT (run scripts/test.sh)";

async fn config() -> aws_config::SdkConfig {
    let endpoint = std::env::var("LAMBDA_DOCTOR_TEST_ENDPOINT").expect(NEEDS);
    aws_config::defaults(BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
        .load()
        .await
}

const LAMBDA_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const EC2_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const LOGS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#;

/// An empty zip archive: enough for CreateFunction on the test endpoint.
const EMPTY_ZIP: &[u8] = &[
    0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

/// Seeds a role and a function; returns the function name.
async fn seed(
    cfg: &aws_config::SdkConfig,
    name: &str,
    trust: &str,
    inline: Option<&str>,
    vpc: bool,
) -> String {
    let iam = aws_sdk_iam::Client::new(cfg);
    let lambda = aws_sdk_lambda::Client::new(cfg);
    let role = iam
        .create_role()
        .role_name(format!("{name}-role"))
        .assume_role_policy_document(trust)
        .send()
        .await
        .expect("create role");
    if let Some(doc) = inline {
        iam.put_role_policy()
            .role_name(format!("{name}-role"))
            .policy_name("inline")
            .policy_document(doc)
            .send()
            .await
            .expect("put role policy");
    }
    let mut create = lambda
        .create_function()
        .function_name(name)
        .runtime(aws_sdk_lambda::types::Runtime::Python312)
        .handler("app.handler")
        .role(role.role().expect("role").arn())
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(aws_sdk_lambda::primitives::Blob::new(EMPTY_ZIP))
                .build(),
        );
    if vpc {
        create = create.vpc_config(
            aws_sdk_lambda::types::VpcConfig::builder()
                .subnet_ids("subnet-0a1b2c3d")
                .security_group_ids("sg-0123abcd")
                .build(),
        );
    }
    create.send().await.expect("create function");
    name.to_string()
}

/// The operations lambda-doctor may send.
const READS: &[&str] = &[
    "Lambda:GetFunctionConfiguration",
    "Lambda:GetPolicy",
    "Lambda:ListEventSourceMappings",
    "Lambda:GetFunctionUrlConfig",
    "IAM:GetRole",
    "IAM:ListAttachedRolePolicies",
    "IAM:ListRolePolicies",
    "IAM:GetRolePolicy",
    "IAM:GetPolicy",
    "IAM:GetPolicyVersion",
    "STS:GetCallerIdentity",
];

async fn findings(cfg: &aws_config::SdkConfig, name: &str) -> Vec<&'static str> {
    let aws = Aws::from_sdk_config(cfg);
    let ev = read_function(&aws, name).await.expect("read");
    let calls = aws.calls.calls();
    assert!(calls.len() >= 5, "{calls:?}");
    for c in &calls {
        assert!(
            READS.iter().any(|r| r.eq_ignore_ascii_case(c)),
            "{c} is not one of the read-only operations: {calls:?}"
        );
    }
    let r = CheckReport::new(Tree::embedded().expect("tree"), &ev, "test", Lang::En);
    r.findings.iter().map(|f| f.outcome.id).collect()
}

#[tokio::test]
#[ignore = "needs LAMBDA_DOCTOR_TEST_ENDPOINT (run scripts/test.sh)"]
async fn healthy_function_has_no_finding() {
    let cfg = config().await;
    let name = seed(&cfg, "live-healthy", LAMBDA_TRUST, Some(LOGS), false).await;
    assert_eq!(findings(&cfg, &name).await, Vec::<&str>::new());
}

#[tokio::test]
#[ignore = "needs LAMBDA_DOCTOR_TEST_ENDPOINT (run scripts/test.sh)"]
async fn role_without_lambda_trust_and_logs() {
    let cfg = config().await;
    let name = seed(&cfg, "live-untrusted", EC2_TRUST, None, false).await;
    assert_eq!(findings(&cfg, &name).await, ["role.trust", "role.logs"]);
}

#[tokio::test]
#[ignore = "needs LAMBDA_DOCTOR_TEST_ENDPOINT (run scripts/test.sh)"]
async fn vpc_function_without_eni_permissions() {
    let cfg = config().await;
    let name = seed(&cfg, "live-vpc", LAMBDA_TRUST, Some(LOGS), true).await;
    assert_eq!(findings(&cfg, &name).await, ["role.vpc"]);
}

#[tokio::test]
#[ignore = "needs LAMBDA_DOCTOR_TEST_ENDPOINT (run scripts/test.sh)"]
async fn public_and_confused_deputy_resource_policy() {
    let cfg = config().await;
    let name = seed(&cfg, "live-public", LAMBDA_TRUST, Some(LOGS), false).await;
    let lambda = aws_sdk_lambda::Client::new(&cfg);
    lambda
        .add_permission()
        .function_name(&name)
        .statement_id("anyone")
        .action("lambda:InvokeFunction")
        .principal("*")
        .send()
        .await
        .expect("add permission");
    lambda
        .add_permission()
        .function_name(&name)
        .statement_id("sns")
        .action("lambda:InvokeFunction")
        .principal("sns.amazonaws.com")
        .send()
        .await
        .expect("add permission");
    assert_eq!(
        findings(&cfg, &name).await,
        ["resource.public", "resource.confused_deputy"]
    );
}

#[tokio::test]
#[ignore = "needs LAMBDA_DOCTOR_TEST_ENDPOINT (run scripts/test.sh)"]
async fn a_write_is_refused_before_it_is_sent() {
    let cfg = config().await;
    let aws = Aws::from_sdk_config(&cfg);
    let e = aws
        .lambda
        .delete_function()
        .function_name("anything")
        .send()
        .await
        .expect_err("refused");
    let msg = format!("{:?}", e);
    assert!(msg.contains("lambda-doctor only reads"), "{msg}");
    assert_eq!(aws.calls.calls().len(), 1);
}

#[tokio::test]
#[ignore = "needs LAMBDA_DOCTOR_TEST_ENDPOINT (run scripts/test.sh)"]
async fn unknown_function_is_a_clear_error() {
    let cfg = config().await;
    let aws = Aws::from_sdk_config(&cfg);
    let e = read_function(&aws, "does-not-exist")
        .await
        .expect_err("missing");
    assert_eq!(
        e.to_string(),
        "function does-not-exist not found in us-east-1"
    );
}
