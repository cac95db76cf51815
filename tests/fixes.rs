//! Every fix proven: each error/warning finding of every demo function has its published
//! `changes` applied (by an applier written from DESIGN.md, in `common`) and `check` run
//! again, in English, Japanese and Traditional Chinese.

mod common;

use lambda_doctor::evidence::Snapshot;
use lambda_doctor::i18n::Lang;
use serde_json::json;

#[test]
fn every_demo_fix_clears_its_finding_in_every_language() {
    let demo = Snapshot::demo();
    let (mut findings, mut cleared) = (0, 0);
    let mut not_proven = Vec::new();
    let mut problems = Vec::new();
    for f in &demo.functions {
        let r = common::reapply(f);
        findings += r.findings;
        cleared += r.cleared;
        not_proven.extend(r.not_proven);
        problems.extend(r.problems);
    }
    assert!(problems.is_empty(), "{problems:#?}");
    // The only fix that cannot be proven: ghost's role does not exist (it has to be created).
    assert_eq!(not_proven, ["ghost role.missing: not_proven role_missing"]);
    assert_eq!(cleared, findings - 1, "{cleared} of {findings} cleared");
    assert!(findings >= 13, "{findings}");
}

#[test]
fn the_demo_check_json_says_proven_with_a_reason_in_words() {
    let demo = Snapshot::demo();
    let qw = demo.function("queue-worker", "demo").expect("queue-worker");
    let evj = serde_json::to_value(qw).expect("json");
    for lang in Lang::ALL {
        let r = common::check(&evj, lang);
        let f = &r["findings"][0];
        assert_eq!(f["id"], "role.event_source");
        let fix = &f["fix"];
        assert_eq!(fix["verified"]["status"], "proven", "{lang}");
        assert_eq!(fix["verified"]["reason"], "check_passes", "{lang}");
        assert!(
            !fix["verified"]["detail"].as_str().unwrap_or("").is_empty(),
            "{lang}"
        );
        // The polled queue, not the dead-letter queue; one inline policy on the role.
        assert_eq!(
            fix["changes"],
            json!([{
                "target": "identity",
                "target_arn": "arn:aws:iam::123456789012:role/queue-worker-role",
                "change": "add",
                "policy_name": "lambda-doctor-event-source",
                "file": "lambda-doctor-event-source.json",
                "policy": {"Version": "2012-10-17", "Statement": [{
                    "Sid": "LambdaDoctorRoleEventSource",
                    "Effect": "Allow",
                    "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                    "Resource": "arn:aws:sqs:us-east-1:123456789012:jobs"}]},
            }]),
            "{lang}"
        );
        assert_eq!(
            fix["commands"],
            json!([
                "aws iam put-role-policy --role-name queue-worker-role --policy-name lambda-doctor-event-source --policy-document file://lambda-doctor-event-source.json"
            ])
        );
    }
}

#[test]
fn a_boundary_block_gets_the_boundary_and_the_identity_change() {
    let demo = Snapshot::demo();
    let la = demo.function("legacy-admin", "demo").expect("legacy-admin");
    let evj = serde_json::to_value(la).expect("json");
    for lang in Lang::ALL {
        let r = common::check(&evj, lang);
        let kms = r["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["id"] == "role.kms")
            .expect("role.kms");
        let targets: Vec<&str> = kms["fix"]["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .map(|c| c["target"].as_str().expect("target"))
            .collect();
        assert!(targets.contains(&"boundary"), "{lang}: {targets:?}");
        assert_eq!(kms["fix"]["verified"]["status"], "proven", "{lang}");
        let boundary = kms["fix"]["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .find(|c| c["target"] == "boundary")
            .expect("boundary change");
        assert_eq!(
            boundary["target_arn"],
            "arn:aws:iam::123456789012:policy/DeveloperBoundary"
        );
        assert_eq!(boundary["change"], "replace");
        // The whole boundary, its own statements kept.
        let before = &la.role.ok().expect("role").boundary;
        let kept = serde_json::to_value(before).expect("json")["value"]["Statement"].clone();
        for s in kept.as_array().expect("statements") {
            assert!(
                boundary["policy"]["Statement"]
                    .as_array()
                    .expect("statements")
                    .contains(s),
                "{s} dropped"
            );
        }
    }
}
