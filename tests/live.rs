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
use serde_json::json;

mod common;

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

/// Whether an operation the guard logged ("Lambda:GetPolicy") is an action of the published
/// read-only policy ("lambda:GetPolicy").
fn in_published_policy(call: &str) -> bool {
    let policy: serde_json::Value =
        serde_json::from_str(lambda_doctor::aws::READ_ONLY_POLICY).expect("policy JSON");
    policy["Statement"][0]["Action"]
        .as_array()
        .expect("actions")
        .iter()
        .any(|a| a.as_str().is_some_and(|a| a.eq_ignore_ascii_case(call)))
}

async fn findings(cfg: &aws_config::SdkConfig, name: &str) -> Vec<&'static str> {
    let aws = Aws::from_sdk_config(cfg);
    let ev = read_function(&aws, name).await.expect("read");
    let calls = aws.calls.calls();
    assert!(calls.len() >= 5, "{calls:?}");
    for c in &calls {
        assert!(
            in_published_policy(c),
            "{c} is not in the published read-only policy: {calls:?}"
        );
    }
    // Every fix, re-applied to what was read, clears its finding in every language.
    let again = common::reapply(&ev);
    assert!(again.problems.is_empty(), "{name}: {:#?}", again.problems);
    assert_eq!(
        again.cleared, again.findings,
        "{name}: not cleared: {:?}",
        again.not_proven
    );
    assert!(
        again.not_proven.is_empty(),
        "{name}: {:?}",
        again.not_proven
    );
    let r = CheckReport::new(Tree::embedded().expect("tree"), &ev, "test", Lang::En);
    r.findings.iter().map(|f| f.outcome.id.as_str()).collect()
}

#[tokio::test]
#[ignore = "needs LAMBDA_DOCTOR_TEST_ENDPOINT (run scripts/test.sh)"]
async fn healthy_function_has_no_finding() {
    let cfg = config().await;
    let name = Scenario::new("live-healthy").seed(&cfg).await;
    assert_eq!(findings(&cfg, &name).await, Vec::<&str>::new());
}

#[tokio::test]
#[ignore = "needs LAMBDA_DOCTOR_TEST_ENDPOINT (run scripts/test.sh)"]
async fn role_without_lambda_trust_and_logs() {
    let cfg = config().await;
    let mut s = Scenario::new("live-untrusted");
    s.trust = EC2_TRUST;
    s.inline.clear();
    let name = s.seed(&cfg).await;
    assert_eq!(findings(&cfg, &name).await, ["role.trust", "role.logs"]);
}

#[tokio::test]
#[ignore = "needs LAMBDA_DOCTOR_TEST_ENDPOINT (run scripts/test.sh)"]
async fn vpc_function_without_eni_permissions() {
    let cfg = config().await;
    let mut s = Scenario::new("live-vpc");
    s.vpc = true;
    let name = s.seed(&cfg).await;
    assert_eq!(findings(&cfg, &name).await, ["role.vpc"]);
}

#[tokio::test]
#[ignore = "needs LAMBDA_DOCTOR_TEST_ENDPOINT (run scripts/test.sh)"]
async fn public_and_confused_deputy_resource_policy() {
    let cfg = config().await;
    let name = Scenario::new("live-public").seed(&cfg).await;
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

/// A role (trust policy, inline and managed policies, optional boundary) and a function using
/// it (optional KMS key and VPC); `seed` creates both and returns the function name.
struct Scenario<'a> {
    name: &'a str,
    trust: &'a str,
    inline: Vec<serde_json::Value>,
    managed: Vec<&'a str>,
    boundary: Option<serde_json::Value>,
    kms_key: Option<String>,
    vpc: bool,
}

impl<'a> Scenario<'a> {
    fn new(name: &'a str) -> Self {
        Scenario {
            name,
            trust: LAMBDA_TRUST,
            inline: vec![serde_json::from_str(LOGS).expect("json")],
            managed: vec![],
            boundary: None,
            kms_key: None,
            vpc: false,
        }
    }

    async fn seed(self, cfg: &aws_config::SdkConfig) -> String {
        let iam = aws_sdk_iam::Client::new(cfg);
        let role_name = format!("{}-role", self.name);
        let mut create = iam
            .create_role()
            .role_name(&role_name)
            .assume_role_policy_document(self.trust);
        if let Some(b) = &self.boundary {
            let p = iam
                .create_policy()
                .policy_name(format!("{}-boundary", self.name))
                .policy_document(b.to_string())
                .send()
                .await
                .expect("boundary policy");
            create = create.permissions_boundary(p.policy().and_then(|p| p.arn()).expect("arn"));
        }
        let role = create.send().await.expect("create role");
        for (i, doc) in self.inline.iter().enumerate() {
            iam.put_role_policy()
                .role_name(&role_name)
                .policy_name(format!("inline-{i}"))
                .policy_document(doc.to_string())
                .send()
                .await
                .expect("put role policy");
        }
        for arn in &self.managed {
            iam.attach_role_policy()
                .role_name(&role_name)
                .policy_arn(*arn)
                .send()
                .await
                .expect("attach role policy");
        }
        let mut f = aws_sdk_lambda::Client::new(cfg)
            .create_function()
            .function_name(self.name)
            .runtime(aws_sdk_lambda::types::Runtime::Python312)
            .handler("app.handler")
            .role(role.role().expect("role").arn())
            .code(
                aws_sdk_lambda::types::FunctionCode::builder()
                    .zip_file(aws_sdk_lambda::primitives::Blob::new(EMPTY_ZIP))
                    .build(),
            );
        if let Some(k) = &self.kms_key {
            f = f.kms_key_arn(k);
        }
        if self.vpc {
            f = f.vpc_config(
                aws_sdk_lambda::types::VpcConfig::builder()
                    .subnet_ids("subnet-0a1b2c3d")
                    .security_group_ids("sg-0123abcd")
                    .build(),
            );
        }
        f.send().await.expect("create function");
        self.name.to_string()
    }
}

#[tokio::test]
#[ignore = "needs LAMBDA_DOCTOR_TEST_ENDPOINT (run scripts/test.sh)"]
async fn an_explicit_deny_beats_the_allow() {
    let cfg = config().await;
    let mut s = Scenario::new("live-denied-logs");
    s.inline.push(
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "NoLogs",
        "Effect": "Deny", "Action": "logs:PutLogEvents", "Resource": "*"}]}),
    );
    let name = s.seed(&cfg).await;
    assert_eq!(findings(&cfg, &name).await, ["role.logs"]);
    let aws = Aws::from_sdk_config(&cfg);
    let ev = read_function(&aws, &name).await.expect("read");
    let logs = ev
        .docs()
        .run(lambda_doctor::checks::CheckId::RoleLogs)
        .expect("answered");
    assert!(
        logs.evidence.iter().any(|f| matches!(
            f,
            lambda_doctor::checks::Fact::Decision {
                decision: lambda_doctor::policy::Decision::ExplicitlyDenied,
                statement: Some(st),
                ..
            } if st.sid.as_deref() == Some("NoLogs")
        )),
        "{:?}",
        logs.evidence
    );
}

#[tokio::test]
#[ignore = "needs LAMBDA_DOCTOR_TEST_ENDPOINT (run scripts/test.sh)"]
async fn vpc_function_with_the_managed_vpc_policy_is_healthy() {
    let cfg = config().await;
    let mut s = Scenario::new("live-vpc-ok");
    s.vpc = true;
    s.managed
        .push("arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole");
    let name = s.seed(&cfg).await;
    assert_eq!(findings(&cfg, &name).await, Vec::<&str>::new());
}

/// Creates a queue and maps it to the function.
async fn map_queue(cfg: &aws_config::SdkConfig, function: &str) -> String {
    let sqs = aws_sdk_sqs::Client::new(cfg);
    let url = sqs
        .create_queue()
        .queue_name(format!("{function}-queue"))
        .send()
        .await
        .expect("queue");
    let attrs = sqs
        .get_queue_attributes()
        .queue_url(url.queue_url().expect("url"))
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("queue attributes");
    let arn = attrs
        .attributes()
        .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn))
        .expect("queue arn")
        .clone();
    aws_sdk_lambda::Client::new(cfg)
        .create_event_source_mapping()
        .function_name(function)
        .event_source_arn(&arn)
        .send()
        .await
        .expect("event source mapping");
    arn
}

#[tokio::test]
#[ignore = "needs LAMBDA_DOCTOR_TEST_ENDPOINT (run scripts/test.sh)"]
async fn sqs_mapping_without_and_with_poll_permissions() {
    let cfg = config().await;
    let name = Scenario::new("live-sqs-nopoll").seed(&cfg).await;
    let queue = map_queue(&cfg, &name).await;
    assert_eq!(findings(&cfg, &name).await, ["role.event_source"]);

    let mut s = Scenario::new("live-sqs-poll");
    s.inline.push(
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
        "Resource": queue.replace("live-sqs-nopoll", "live-sqs-poll")}]}),
    );
    let name = s.seed(&cfg).await;
    map_queue(&cfg, &name).await;
    assert_eq!(findings(&cfg, &name).await, Vec::<&str>::new());
}

#[tokio::test]
#[ignore = "needs LAMBDA_DOCTOR_TEST_ENDPOINT (run scripts/test.sh)"]
async fn kms_key_the_role_cannot_decrypt_with() {
    let cfg = config().await;
    let kms = aws_sdk_kms::Client::new(&cfg);
    let key = kms.create_key().send().await.expect("key");
    let key_arn = key
        .key_metadata()
        .and_then(|k| k.arn())
        .expect("arn")
        .to_string();
    let mut s = Scenario::new("live-kms-nodecrypt");
    s.kms_key = Some(key_arn.clone());
    let name = s.seed(&cfg).await;
    assert_eq!(findings(&cfg, &name).await, ["role.kms"]);

    let mut s = Scenario::new("live-kms-ok");
    s.kms_key = Some(key_arn.clone());
    s.inline.push(
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "kms:Decrypt", "Resource": key_arn}]}),
    );
    let name = s.seed(&cfg).await;
    assert_eq!(findings(&cfg, &name).await, Vec::<&str>::new());
}

#[tokio::test]
#[ignore = "needs LAMBDA_DOCTOR_TEST_ENDPOINT (run scripts/test.sh)"]
async fn a_boundary_that_blocks_the_logs() {
    let cfg = config().await;
    let mut s = Scenario::new("live-boundary");
    s.boundary = Some(
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "s3:GetObject", "Resource": "*"}]}),
    );
    let name = s.seed(&cfg).await;
    assert_eq!(findings(&cfg, &name).await, ["role.logs", "role.boundary"]);
}

#[tokio::test]
#[ignore = "needs LAMBDA_DOCTOR_TEST_ENDPOINT (run scripts/test.sh)"]
async fn a_boundary_that_blocks_the_network_interfaces() {
    // The role has the managed VPC policy; the boundary allows only the logs actions. The
    // fixes (re-applied inside `findings`) must add the ENI actions to the boundary.
    let cfg = config().await;
    let mut s = Scenario::new("live-vpc-boundary");
    s.vpc = true;
    s.managed
        .push("arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole");
    s.boundary = Some(serde_json::from_str(LOGS).expect("json"));
    let name = s.seed(&cfg).await;
    assert_eq!(findings(&cfg, &name).await, ["role.vpc", "role.boundary"]);
}

#[tokio::test]
#[ignore = "needs LAMBDA_DOCTOR_TEST_ENDPOINT (run scripts/test.sh)"]
async fn function_url_without_auth() {
    let cfg = config().await;
    let name = Scenario::new("live-url-none").seed(&cfg).await;
    aws_sdk_lambda::Client::new(&cfg)
        .create_function_url_config()
        .function_name(&name)
        .auth_type(aws_sdk_lambda::types::FunctionUrlAuthType::None)
        .send()
        .await
        .expect("url config");
    assert_eq!(findings(&cfg, &name).await, ["resource.url_public"]);

    let name = Scenario::new("live-url-iam").seed(&cfg).await;
    aws_sdk_lambda::Client::new(&cfg)
        .create_function_url_config()
        .function_name(&name)
        .auth_type(aws_sdk_lambda::types::FunctionUrlAuthType::AwsIam)
        .send()
        .await
        .expect("url config");
    assert_eq!(findings(&cfg, &name).await, Vec::<&str>::new());
}

#[tokio::test]
#[ignore = "needs LAMBDA_DOCTOR_TEST_ENDPOINT (run scripts/test.sh)"]
async fn functions_are_listed_sorted() {
    let cfg = config().await;
    // Created in reverse order; listed by name.
    let lambda = aws_sdk_lambda::Client::new(&cfg);
    let iam = aws_sdk_iam::Client::new(&cfg);
    let role = iam
        .create_role()
        .role_name("live-list-role")
        .assume_role_policy_document(LAMBDA_TRUST)
        .send()
        .await
        .expect("role");
    let role_arn = role.role().expect("role").arn().to_string();
    for i in (0..12).rev() {
        lambda
            .create_function()
            .function_name(format!("live-list-{i:02}"))
            .runtime(aws_sdk_lambda::types::Runtime::Python312)
            .handler("app.handler")
            .role(&role_arn)
            .code(
                aws_sdk_lambda::types::FunctionCode::builder()
                    .zip_file(aws_sdk_lambda::primitives::Blob::new(EMPTY_ZIP))
                    .build(),
            )
            .send()
            .await
            .expect("create function");
    }
    let aws = Aws::from_sdk_config(&cfg);
    let listed = lambda_doctor::aws::list_functions(&aws)
        .await
        .expect("list");
    let ours: Vec<&str> = listed
        .iter()
        .map(|f| f.name.as_str())
        .filter(|n| n.starts_with("live-list-"))
        .collect();
    let expected: Vec<String> = (0..12).map(|i| format!("live-list-{i:02}")).collect();
    assert_eq!(ours, expected);
    let first = listed
        .iter()
        .find(|f| f.name == "live-list-00")
        .expect("listed");
    assert_eq!(first.role, role_arn);
    assert_eq!(first.runtime.as_deref(), Some("python3.12"));
    assert!(!aws.calls.calls().is_empty());
    assert!(
        aws.calls
            .calls()
            .iter()
            .all(|c| c == "Lambda:ListFunctions")
    );
}
