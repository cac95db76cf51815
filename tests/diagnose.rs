//! Findings walked through the real tree: every category reaches a fix that names the user's
//! own ARNs, explicit denies never get an Allow, and evidence answers check-backed questions.

use lambda_doctor::checks::CheckId;
use lambda_doctor::diagnose::Diagnosis;
use lambda_doctor::i18n::Lang;
use lambda_doctor::recognize::{Category, recognize};
use lambda_doctor::tree::validate::has_allow;
use lambda_doctor::tree::vars::Facts;
use lambda_doctor::tree::walk::{FixedEvidence, How, NoEvidence, Walk};
use lambda_doctor::tree::{NodeKind, Tree};

fn tree() -> &'static Tree {
    Tree::embedded().expect("the embedded tree is valid")
}

fn diagnose(text: &str) -> Diagnosis<'static> {
    let f = recognize(text).into_iter().next().expect("a finding");
    Diagnosis::new(tree(), f, &NoEvidence)
}

/// One message per category, with what the fix must mention.
const CASES: &[(&str, Category, &[&str])] = &[
    (
        "User: arn:aws:iam::123456789012:user/mateojackson is not authorized to perform: lambda:GetFunction on resource: my-function",
        Category::IdentityNotAuthorized,
        &["lambda:GetFunction", "mateojackson"],
    ),
    (
        "User: arn:aws:iam::123456789012:user/marymajor is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/app-exec",
        Category::PassRole,
        &[
            "iam:PassRole",
            "arn:aws:iam::123456789012:role/app-exec",
            "marymajor",
        ],
    ),
    (
        "User: s3.amazonaws.com is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:thumbs because no resource-based policy allows the lambda:InvokeFunction action",
        Category::InvokePermission,
        &["lambda:InvokeFunction", "thumbs", "s3.amazonaws.com"],
    ),
    (
        "An error occurred (InvalidParameterValueException) when calling the CreateFunction operation: The role defined for the function cannot be assumed by Lambda.",
        Category::ExecutionRoleTrust,
        &["lambda.amazonaws.com", "sts:AssumeRole"],
    ),
    (
        "The provided execution role does not have permissions to call CreateNetworkInterface on EC2",
        Category::VpcEni,
        &["ec2:CreateNetworkInterface"],
    ),
    (
        "User: arn:aws:sts::123456789012:assumed-role/orders-role-ab12cd34/orders is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:eu-west-1:123456789012:table/Orders because no identity-based policy allows the dynamodb:PutItem action",
        Category::ExecutionRoleMissingPermission,
        &[
            "dynamodb:PutItem",
            "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders",
            "orders-role-ab12cd34",
        ],
    ),
    (
        "User: arn:aws:sts::123456789012:assumed-role/reports-role-x1y2z3w4/reports is not authorized to perform: logs:CreateLogStream on resource: arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/reports:log-stream:2024/01/01/[$LATEST]abc",
        Category::CloudwatchLogs,
        &["logs:CreateLogStream", "reports"],
    ),
    (
        "The provided execution role does not have permissions to call ReceiveMessage on SQS (Service: AWSLambda; Status Code: 400; Error Code: InvalidParameterValueException)",
        Category::EventSourceMapping,
        &["sqs:ReceiveMessage"],
    ),
    (
        "Lambda was unable to decrypt the environment variables because KMS access was denied. Please check the function's KMS key settings.",
        Category::Kms,
        &["kms:Decrypt"],
    ),
    (
        "An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:sts::111111111111:assumed-role/etl-role/etl is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/reader",
        Category::CrossAccountAssumeRole,
        &["sts:AssumeRole", "arn:aws:iam::222222222222:role/reader"],
    ),
    (
        "User: arn:aws:iam::111111111111:user/dev is not authorized to perform: lambda:GetLayerVersion on resource: arn:aws:lambda:us-east-1:222222222222:layer:shared:3 because no resource-based policy allows the lambda:GetLayerVersion action",
        Category::LayerAccess,
        &["lambda:GetLayerVersion", "add-layer-version-permission"],
    ),
    (
        "Resource handler returned message: \"Lambda does not have permission to access the ECR image. Check the ECR permissions.\"",
        Category::EcrImageAccess,
        &["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
    ),
    (
        "{\"Message\": \"Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html\"}",
        Category::FunctionUrlAuth,
        &["lambda:InvokeFunctionUrl"],
    ),
    (
        "AccessDenied: User: arn:aws:iam::123456789012:user/yyy is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/image-executor",
        Category::IdentityNotAuthorized,
        &["iam:CreateRole"],
    ),
    (
        "An error occurred (ValidationException) when calling the PutRule operation: Provided role 'arn:aws:iam::123456789012:role/events-invoke' cannot be assumed by principal 'events.amazonaws.com'",
        Category::OtherPermission,
        &[],
    ),
];

#[test]
fn every_category_walks_to_a_fix_with_the_users_values() {
    for (text, cat, must) in CASES {
        let d = diagnose(text);
        assert_eq!(d.finding.category, *cat, "{text}");
        assert_eq!(d.fix_node().kind, NodeKind::Fix, "{cat}");
        assert_eq!(
            tree().entry(*cat).map(|n| n.id.as_str()),
            Some(d.entry_node()),
            "{cat}"
        );
        let json = serde_json::to_string(&lambda_doctor::report::finding_json(&d, Lang::En))
            .expect("json");
        for m in *must {
            assert!(json.contains(m), "{cat}: fix should mention {m}: {json}");
        }
        for lang in Lang::ALL {
            assert!(!d.fix_title(lang).is_empty());
            assert!(!d.summary(lang).is_empty());
        }
    }
}

#[test]
fn explicit_denies_are_never_answered_with_an_allow() {
    let clauses = [
        (
            "with an explicit deny in a service control policy",
            "deny-in-scp",
        ),
        (
            "with an explicit deny in an identity-based policy",
            "deny-in-identity",
        ),
        (
            "with an explicit deny in a permissions boundary",
            "deny-in-boundary",
        ),
        (
            "with an explicit deny in a sessions policy",
            "deny-in-session",
        ),
        (
            "with an explicit deny in a resource-based policy",
            "deny-in-resource",
        ),
        (
            "with an explicit deny in a resource control policy",
            "deny-in-rcp",
        ),
        (
            "with an explicit deny in a VPC endpoint policy",
            "deny-in-vpce",
        ),
        ("with an explicit deny", "deny-find-layer"),
    ];
    let messages = [
        "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: lambda:GetFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:f",
        "User: arn:aws:sts::123456789012:assumed-role/f-role-ab12cd34/f is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k",
        "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/r",
        "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:f",
    ];
    for m in messages {
        for (clause, fix) in clauses {
            let d = diagnose(&format!("{m} {clause}"));
            assert_eq!(d.fix_node().id, fix, "{m} {clause}");
            if let Some(p) = d.policy() {
                assert!(!has_allow(&p), "{clause}: proposes an Allow: {p}");
            }
            assert!(d.explicit());
        }
    }
}

#[test]
fn evidence_answers_check_backed_questions() {
    let f = recognize("The role defined for the function cannot be assumed by Lambda.").remove(0);
    let facts = Facts::from_finding(&f);
    // Lambda's message does not say whether a Deny is involved: a person answers that.
    let mut w = Walk::new(tree(), "execution-role-trust").expect("entry");
    w.advance(&facts, &NoEvidence);
    assert_eq!(w.current().id, "execution-role-trust");
    w.answer("implicit").expect("an answer");
    // Without evidence: the walk stops at the question a check could answer.
    w.advance(&facts, &NoEvidence);
    assert_eq!(w.current().check, Some(CheckId::RoleMissing));
    // With evidence: role exists, trust policy is wrong → the trust policy fix, no question.
    let ev = FixedEvidence::of(&[(CheckId::RoleMissing, false), (CheckId::RoleTrust, true)]);
    let mut w = Walk::new(tree(), "execution-role-trust").expect("entry");
    w.answer("implicit").expect("an answer");
    w.advance(&facts, &ev);
    assert_eq!(w.current().id, "trust-policy-fix");
    let checks: Vec<&str> = w
        .path()
        .iter()
        .filter_map(|s| match &s.how {
            How::Check { id, .. } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(checks, ["role.missing", "role.trust"]);
    // The diagnosis shows the evidence lines; only the deny question stays open.
    let d = Diagnosis::new(tree(), f, &ev);
    assert_eq!(d.fix_node().id, "trust-policy-fix");
    assert_eq!(d.evidence(), ["role.missing: passes", "role.trust: fails"]);
    assert_eq!(d.open_questions(Lang::En).len(), 1);
}

#[test]
fn service_callers_reach_their_own_fix() {
    let cases = [
        ("sns.amazonaws.com", "invoke-sns"),
        ("events.amazonaws.com", "invoke-eventbridge"),
        ("apigateway.amazonaws.com", "invoke-apigateway"),
        ("s3.amazonaws.com", "invoke-s3"),
    ];
    for (svc, fix) in cases {
        let d = diagnose(&format!(
            "User: {svc} is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:f because no resource-based policy allows the lambda:InvokeFunction action"
        ));
        assert_eq!(d.fix_node().id, fix, "{svc}");
        let cmds = d.change_commands().join("\n");
        assert!(cmds.contains("add-permission"), "{svc}: {cmds}");
        assert!(cmds.contains(svc), "{svc}: {cmds}");
    }
}

#[test]
fn an_scp_fix_names_the_policy_id_from_the_message() {
    let tree = lambda_doctor::tree::Tree::embedded().expect("tree");
    let f = lambda_doctor::recognize::recognize("User: arn:aws:iam::123456789012:user/dev is not authorized to perform: lambda:CreateFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:f with an explicit deny in a service control policy: arn:aws:organizations::111122223333:policy/o-exampleorgid/service_control_policy/p-examplepolicyid111").remove(0);
    let d =
        lambda_doctor::diagnose::Diagnosis::new(tree, f, &lambda_doctor::tree::walk::NoEvidence);
    let cmds = [d.read_commands(), d.change_commands()].concat().join("\n");
    assert!(cmds.contains("--policy-id p-examplepolicyid111"), "{cmds}");
    assert!(!cmds.contains("<POLICY_ID>"), "{cmds}");
}

#[test]
fn a_pass_role_fix_is_proven_and_its_test_command_passes_the_context_it_needs() {
    let d = diagnose(
        "User: arn:aws:iam::123456789012:user/marymajor is not authorized to perform: \
         iam:PassRole on resource: arn:aws:iam::123456789012:role/lambda-exec",
    );
    assert_eq!(d.finding.category, Category::PassRole);
    let changes = d.changes();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].target, lambda_doctor::fix::Target::Identity);
    assert_eq!(
        changes[0].target_arn.as_deref(),
        Some("arn:aws:iam::123456789012:user/marymajor")
    );
    assert!(changes[0].policy_name.is_some(), "{changes:?}");
    let v = d.verified();
    assert_eq!(v.status, lambda_doctor::fix::Status::Proven, "{v:?}");
    // The fix's own condition (iam:PassedToService) is passed to the simulator.
    let items: Vec<String> = d
        .followups(Lang::En)
        .into_iter()
        .flat_map(|f| f.items)
        .collect();
    let sim = items
        .iter()
        .find(|i| i.contains("simulate-principal-policy"))
        .expect("a test-the-change command");
    assert!(
        sim.contains("--context-entries ContextKeyName=iam:PassedToService,ContextKeyValues=lambda.amazonaws.com,ContextKeyType=string"),
        "{sim}"
    );
    // A policy with a value the message does not give is not proven.
    let d = diagnose(
        "User: arn:aws:iam::123456789012:user/mateojackson is not authorized to perform: \
         lambda:GetFunction on resource: my-function",
    );
    let v = d.verified();
    assert_eq!(v.status, lambda_doctor::fix::Status::NotProven, "{v:?}");
}
