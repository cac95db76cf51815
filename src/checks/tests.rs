use super::*;
use crate::policy::parse_policy;
use serde_json::{Value, json};

const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:orders";
const ROLE: &str = "arn:aws:iam::123456789012:role/orders-role";

fn pol(v: Value) -> Policy {
    parse_policy(&v, "$").expect("valid policy")
}

fn named(name: &str, v: Value) -> NamedPolicy {
    NamedPolicy {
        name: name.into(),
        policy: pol(v),
    }
}

fn lambda_trust() -> Policy {
    pol(
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
    )
}

fn basic_execution() -> NamedPolicy {
    named(
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]}),
    )
}

fn docs(policies: Vec<NamedPolicy>) -> FunctionDocs {
    FunctionDocs {
        lang: crate::i18n::Lang::En,
        function_arn: FN.into(),
        role: Known::Value(RoleDocs {
            arn: ROLE.into(),
            trust: Known::Value(lambda_trust()),
            policies: Known::Value(policies),
            attached_arns: Known::Value(vec![
                "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole".into(),
            ]),
            boundary: Known::Value(None),
        }),
        resource_policy: Known::Absent,
        vpc: false,
        kms_key_arn: None,
        kms_key_policy: None,
        dead_letter_arn: None,
        event_source_arns: vec![],
        url_auth_type: None,
        log_group: None,
    }
}

fn failed(d: &FunctionDocs) -> Vec<CheckId> {
    d.run_all()
        .into_iter()
        .filter(|o| o.failed)
        .map(|o| o.id)
        .collect()
}

#[test]
fn a_healthy_function_has_no_finding() {
    let d = docs(vec![basic_execution()]);
    assert_eq!(failed(&d), Vec::<CheckId>::new());
    let logs = d.run(CheckId::RoleLogs).expect("applies");
    let Fact::Decision {
        action,
        decision,
        statement,
        ..
    } = &logs.evidence[0]
    else {
        panic!("{:?}", logs.evidence)
    };
    assert_eq!(action, "logs:CreateLogGroup");
    assert_eq!(*decision, Decision::Allowed);
    let st = statement.as_ref().expect("the allowing statement");
    assert!(
        st.policy
            .as_deref()
            .is_some_and(|p| p.ends_with("AWSLambdaBasicExecutionRole")),
        "{st:?}"
    );
    assert_eq!(st.index, 0);
    let line = render::say(&logs.evidence[0], Lang::En);
    assert!(line.starts_with("allowed: logs:CreateLogGroup"), "{line}");
    assert!(
        line.contains("AWSLambdaBasicExecutionRole statement 0"),
        "{line}"
    );
}

#[test]
fn trust_missing_and_logs_missing() {
    let mut d = docs(vec![]);
    if let Known::Value(r) = &mut d.role {
        r.trust = Known::Value(pol(
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
        ));
    }
    assert_eq!(failed(&d), vec![CheckId::RoleTrust, CheckId::RoleLogs]);
}

#[test]
fn vpc_event_source_kms_and_dead_letter() {
    let mut d = docs(vec![basic_execution()]);
    d.vpc = true;
    d.event_source_arns = vec!["arn:aws:sqs:us-east-1:123456789012:jobs".into()];
    d.kms_key_arn = Some("arn:aws:kms:us-east-1:123456789012:key/abc".into());
    d.dead_letter_arn = Some("arn:aws:sns:us-east-1:123456789012:dlq".into());
    assert_eq!(
        failed(&d),
        vec![
            CheckId::RoleVpc,
            CheckId::RoleEventSource,
            CheckId::RoleKms,
            CheckId::RoleDeadLetter
        ]
    );
    d.role = Known::Value(RoleDocs {
        arn: ROLE.into(),
        trust: Known::Value(lambda_trust()),
        policies: Known::Value(vec![
            basic_execution(),
            named(
                "vpc",
                json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"], "Resource": "*"}]}),
            ),
            named(
                "jobs",
                json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], "Resource": "arn:aws:sqs:us-east-1:123456789012:jobs"},
                {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:us-east-1:123456789012:key/abc"},
                {"Effect": "Allow", "Action": "sns:Publish", "Resource": "arn:aws:sns:us-east-1:123456789012:dlq"}]}),
            ),
        ]),
        attached_arns: Known::Value(vec![]),
        boundary: Known::Value(None),
    });
    assert_eq!(failed(&d), Vec::<CheckId>::new());
}

#[test]
fn a_boundary_that_blocks_is_named() {
    let mut d = docs(vec![basic_execution()]);
    if let Known::Value(r) = &mut d.role {
        r.boundary = Known::Value(Some(named(
            "arn:aws:iam::123456789012:policy/boundary",
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
        )));
    }
    assert_eq!(failed(&d), vec![CheckId::RoleLogs, CheckId::RoleBoundary]);
    // The same fact whatever the language: the boundary is what lacks the allow.
    for lang in Lang::ALL {
        d.lang = lang;
        let logs = d.run(CheckId::RoleLogs).expect("applies");
        assert!(
            matches!(
                logs.evidence[0],
                Fact::Decision {
                    denied_by: Some(Layer::Boundary),
                    ..
                }
            ),
            "{:?}",
            logs.evidence
        );
        let boundary = d.run(CheckId::RoleBoundary).expect("applies");
        assert!(
            boundary.evidence.iter().all(|f| matches!(
                f,
                Fact::BoundaryBlocks { check: CheckId::RoleLogs, boundary, .. }
                    if boundary == "arn:aws:iam::123456789012:policy/boundary"
            )),
            "{:?}",
            boundary.evidence
        );
    }
    let logs = d.run(CheckId::RoleLogs).expect("applies");
    assert!(
        render::say(&logs.evidence[0], Lang::En).contains("permissions boundary does not allow")
    );
}

#[test]
fn resource_policy_checks() {
    let mut d = docs(vec![basic_execution()]);
    d.resource_policy = Known::Value(pol(json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "s3", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction", "Resource": FN},
        {"Sid": "anyone", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": FN},
        {"Sid": "partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "lambda:InvokeFunction", "Resource": FN}]})));
    d.url_auth_type = Some("NONE".into());
    assert_eq!(
        failed(&d),
        vec![
            CheckId::ResourcePublic,
            CheckId::ResourceConfusedDeputy,
            CheckId::ResourceUrlPublic,
            CheckId::ResourceCrossAccount
        ]
    );
    let deputy = d.run(CheckId::ResourceConfusedDeputy).expect("applies");
    assert_eq!(
        deputy.evidence,
        vec![Fact::SourceOpen {
            statement: StatementRef {
                policy: None,
                index: 0,
                sid: Some("s3".into())
            }
        }]
    );
    assert_eq!(
        render::say(&deputy.evidence[0], Lang::En),
        "statement 0 (s3) lets a service invoke without aws:SourceArn / aws:SourceAccount"
    );
}

#[test]
fn unreadable_documents_leave_questions_open() {
    let mut d = docs(vec![basic_execution()]);
    d.resource_policy = Known::Unreadable {
        needs: "lambda:GetPolicy".into(),
    };
    assert_eq!(d.run(CheckId::ResourcePublic), None);
    d.role = Known::Unreadable {
        needs: "iam:GetRole".into(),
    };
    assert_eq!(d.run(CheckId::RoleTrust), None);
    assert_eq!(
        d.run(CheckId::RoleMissing),
        None,
        "unreadable is not missing"
    );
    d.role = Known::Absent;
    assert!(d.run(CheckId::RoleMissing).expect("applies").failed);
}

#[test]
fn deprecated_policies_and_tree_walk() {
    let mut d = docs(vec![basic_execution()]);
    if let Known::Value(r) = &mut d.role {
        r.attached_arns = Known::Value(vec!["arn:aws:iam::aws:policy/AWSLambdaFullAccess".into()]);
        r.trust = Known::Value(pol(
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
        ));
    }
    assert!(d.run(CheckId::PolicyDeprecated).expect("applies").failed);
    // The documents answer the tree's questions: the trust walk ends at the trust fix.
    let tree = crate::tree::Tree::embedded().expect("tree");
    let mut w = crate::tree::walk::Walk::new(tree, "execution-role-trust").expect("entry");
    w.answer("implicit").expect("answer");
    let mut facts = crate::tree::vars::Facts::default();
    facts.0.insert("message_kind", "other".into());
    w.advance(&facts, &d);
    assert_eq!(w.current().id, "trust-policy-fix");
}
