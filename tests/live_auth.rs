//! The published read-only policy is enough, proven against an endpoint that enforces IAM:
//! `scripts/test.sh` starts a second moto_server with `INITIAL_NO_AUTH_ACTION_COUNT=3`, so the
//! first three calls (creating an administrator and its key) pass unchecked and every later
//! call is authenticated and authorized against the IAM users created here.
//!
//! One test function on purpose: the unchecked calls are counted per server, so the steps
//! must run in this order. Without LAMBDA_DOCTOR_TEST_AUTH_ENDPOINT the test is ignored.

use aws_config::BehaviorVersion;
use aws_sdk_iam::config::Credentials;
use lambda_doctor::aws::{Aws, READ_ONLY_POLICY, list_functions, read_function};
use lambda_doctor::checks::report::CheckReport;
use lambda_doctor::evidence::Read;
use lambda_doctor::i18n::Lang;
use lambda_doctor::tree::Tree;
use lambda_doctor::tree::vars::Facts;
use lambda_doctor::tree::walk::{Evidence, Walk};
use serde_json::{Value, json};

const NEEDS: &str = "needs LAMBDA_DOCTOR_TEST_AUTH_ENDPOINT (run scripts/test.sh)";

async fn config(key: &str, secret: &str) -> aws_config::SdkConfig {
    let endpoint = std::env::var("LAMBDA_DOCTOR_TEST_AUTH_ENDPOINT").expect(NEEDS);
    aws_config::defaults(BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(key, secret, None, None, "tests"))
        .load()
        .await
}

/// Creates a user with one inline policy and returns an SDK configuration with its keys.
async fn user(iam: &aws_sdk_iam::Client, name: &str, policy: &Value) -> aws_config::SdkConfig {
    iam.create_user()
        .user_name(name)
        .send()
        .await
        .expect("create user");
    iam.put_user_policy()
        .user_name(name)
        .policy_name("policy")
        .policy_document(policy.to_string())
        .send()
        .await
        .expect("put user policy");
    let key = iam
        .create_access_key()
        .user_name(name)
        .send()
        .await
        .expect("create access key");
    let key = key.access_key().expect("key");
    config(key.access_key_id(), key.secret_access_key()).await
}

/// The published policy without one action.
fn without(action: &str) -> Value {
    let mut p: Value = serde_json::from_str(READ_ONLY_POLICY).expect("policy JSON");
    let actions = p["Statement"][0]["Action"].as_array_mut().expect("actions");
    let before = actions.len();
    actions.retain(|a| a != action);
    assert_eq!(actions.len(), before - 1, "{action} is in the policy");
    p
}

const EMPTY_ZIP: &[u8] = &[
    0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

#[tokio::test]
#[ignore = "needs LAMBDA_DOCTOR_TEST_AUTH_ENDPOINT (run scripts/test.sh)"]
async fn the_published_policy_is_enough_and_a_missing_read_degrades() {
    // The three unchecked calls: an administrator and its access key.
    let boot = config("bootstrap", "bootstrap").await;
    let admin = user(
        &aws_sdk_iam::Client::new(&boot),
        "admin",
        &json!({"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
    )
    .await;
    let iam = aws_sdk_iam::Client::new(&admin);

    // Enforcement is on: unknown keys are refused.
    let stranger = Aws::from_sdk_config(&config("AKIAUNKNOWN", "nothing").await);
    assert!(
        stranger.caller().await.is_err(),
        "the endpoint does not enforce IAM; is INITIAL_NO_AUTH_ACTION_COUNT set?"
    );

    // A scenario with every kind of document the reader fetches: a trust policy, an inline
    // and a managed policy, a boundary, a customer managed key, a resource-based policy and
    // a function URL.
    let lambda_trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let boundary = iam
        .create_policy()
        .policy_name("auth-boundary")
        .policy_document(
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Action": ["logs:*", "kms:Decrypt"], "Resource": "*"}]})
            .to_string(),
        )
        .send()
        .await
        .expect("boundary");
    let boundary_arn = boundary.policy().and_then(|p| p.arn()).expect("arn");
    let logs = iam
        .create_policy()
        .policy_name("auth-logs")
        .policy_document(
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": "*"}]})
            .to_string(),
        )
        .send()
        .await
        .expect("managed policy");
    let role = iam
        .create_role()
        .role_name("auth-role")
        .assume_role_policy_document(lambda_trust.to_string())
        .permissions_boundary(boundary_arn)
        .send()
        .await
        .expect("role");
    iam.attach_role_policy()
        .role_name("auth-role")
        .policy_arn(logs.policy().and_then(|p| p.arn()).expect("arn"))
        .send()
        .await
        .expect("attach");
    iam.put_role_policy()
        .role_name("auth-role")
        .policy_name("decrypt")
        .policy_document(
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Action": "kms:Decrypt", "Resource": "*"}]})
            .to_string(),
        )
        .send()
        .await
        .expect("inline");
    let kms = aws_sdk_kms::Client::new(&admin);
    let key = kms.create_key().send().await.expect("key");
    let key_arn = key.key_metadata().and_then(|k| k.arn()).expect("key arn");
    let lambda = aws_sdk_lambda::Client::new(&admin);
    lambda
        .create_function()
        .function_name("auth-fn")
        .runtime(aws_sdk_lambda::types::Runtime::Python312)
        .handler("app.handler")
        .role(role.role().expect("role").arn())
        .kms_key_arn(key_arn)
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(aws_sdk_lambda::primitives::Blob::new(EMPTY_ZIP))
                .build(),
        )
        .send()
        .await
        .expect("function");
    lambda
        .add_permission()
        .function_name("auth-fn")
        .statement_id("sns")
        .action("lambda:InvokeFunction")
        .principal("sns.amazonaws.com")
        .source_arn("arn:aws:sns:us-east-1:123456789012:alerts")
        .source_account("123456789012")
        .send()
        .await
        .expect("permission");

    // With exactly the published policy: every read succeeds.
    let policy: Value = serde_json::from_str(READ_ONLY_POLICY).expect("policy JSON");
    let doctor = Aws::from_sdk_config(&user(&iam, "doctor", &policy).await);
    let (arn, _) = doctor.caller().await.expect("caller");
    assert!(arn.ends_with(":user/doctor"), "{arn}");
    // The TUI's function picker.
    let listed = list_functions(&doctor).await.expect("list");
    assert!(listed.iter().any(|f| f.name == "auth-fn"), "{listed:?}");
    let ev = read_function(&doctor, "auth-fn").await.expect("read");
    assert_eq!(ev.unreadable(), Vec::<String>::new());
    assert!(matches!(ev.resource_policy, Read::Ok { .. }));
    assert!(matches!(ev.kms_key_policy, Some(Read::Ok { .. })));
    let role_ev = ev.role.ok().expect("role read");
    assert!(matches!(role_ev.boundary, Some(Read::Ok { .. })));
    let names: Vec<&str> = role_ev
        .policies
        .ok()
        .expect("policies")
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["arn:aws:iam::123456789012:policy/auth-logs", "decrypt"]
    );
    let tree = Tree::embedded().expect("tree");
    let report = CheckReport::new(tree, &ev, "test", Lang::En);
    let ids: Vec<&str> = report
        .findings
        .iter()
        .map(|f| f.outcome.id.as_str())
        .collect();
    assert_eq!(ids, Vec::<&str>::new());
    let docs = ev.docs();
    assert_eq!(
        docs.check(lambda_doctor::checks::CheckId::ResourceConfusedDeputy)
            .map(|r| r.failed),
        Some(false)
    );

    // Without lambda:GetPolicy: the resource policy is recorded as unreadable, the checks
    // that need it give no answer, and the tree asks instead; everything else still runs.
    let partial = Aws::from_sdk_config(&user(&iam, "partial", &without("lambda:GetPolicy")).await);
    let ev = read_function(&partial, "auth-fn").await.expect("read");
    assert_eq!(
        ev.resource_policy,
        Read::Denied {
            needs: "lambda:GetPolicy".into()
        }
    );
    assert_eq!(
        ev.unreadable(),
        ["could not read the resource-based policy (needs lambda:GetPolicy)"]
    );
    let docs = ev.docs();
    assert!(
        docs.check(lambda_doctor::checks::CheckId::ResourceConfusedDeputy)
            .is_none()
    );
    assert_eq!(
        docs.check(lambda_doctor::checks::CheckId::RoleTrust)
            .map(|r| r.failed),
        Some(false)
    );
    let mut walk = Walk::new(tree, "invoke-deputy-check").expect("node");
    walk.advance(&Facts::default(), &docs);
    assert_eq!(walk.current().id, "invoke-deputy-check", "the tree asks");
    let report = CheckReport::new(tree, &ev, "test", Lang::En);
    assert_eq!(
        report.unreadable,
        ["could not read the resource-based policy (needs lambda:GetPolicy)"]
    );

    // Without kms:GetKeyPolicy: the default key policy is assumed, and the evidence says so.
    let nokms = Aws::from_sdk_config(&user(&iam, "nokms", &without("kms:GetKeyPolicy")).await);
    let ev = read_function(&nokms, "auth-fn").await.expect("read");
    let kms = ev
        .docs()
        .check(lambda_doctor::checks::CheckId::RoleKms)
        .expect("answered");
    assert!(!kms.failed, "{:?}", kms.evidence);
    assert!(
        kms.evidence
            .iter()
            .any(|l| l.starts_with("could not read the key policy (needs kms:GetKeyPolicy)")),
        "{:?}",
        kms.evidence
    );
}
