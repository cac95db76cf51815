//! Every check on the bundled demo account: the exact set of findings per function, and the
//! fixes they point to.

use lambda_doctor::checks::report::CheckReport;
use lambda_doctor::evidence::Snapshot;
use lambda_doctor::i18n::Lang;
use lambda_doctor::tree::Tree;

const EXPECTED: &[(&str, &[&str])] = &[
    ("orders-api", &[]),
    ("thumbnailer", &["role.trust"]),
    ("report-builder", &["role.logs"]),
    ("vpc-sync", &["role.vpc"]),
    ("queue-worker", &["role.event_source", "role.dead_letter"]),
    (
        "public-hook",
        &[
            "resource.public",
            "resource.confused_deputy",
            "resource.url_public",
            "resource.cross_account",
        ],
    ),
    (
        "legacy-admin",
        &[
            "role.logs",
            "role.kms",
            "role.boundary",
            "policy.deprecated",
        ],
    ),
    ("ghost", &["role.missing"]),
    ("audit-trail", &[]),
];

/// The finding of check `id` in `r` (the test fails when there is none).
fn finding<'a>(r: &'a CheckReport, id: &str) -> &'a lambda_doctor::checks::report::CheckFinding {
    r.findings
        .iter()
        .find(|f| f.outcome.id.as_str() == id)
        .unwrap_or_else(|| panic!("no {id} finding"))
}

#[test]
fn demo_findings_are_exactly_the_planted_defects() {
    let demo = Snapshot::demo();
    let tree = Tree::embedded().expect("tree");
    assert_eq!(demo.functions.len(), EXPECTED.len());
    for (name, ids) in EXPECTED {
        let ev = demo.function(name, "demo").expect("in the demo");
        let r = CheckReport::new(tree, ev, "demo", Lang::En);
        let got: Vec<&str> = r.findings.iter().map(|f| f.outcome.id.as_str()).collect();
        assert_eq!(&got, ids, "{name}");
        for f in &r.findings {
            assert!(
                !f.outcome.evidence.is_empty(),
                "{name} {}: evidence",
                f.outcome.id
            );
            if f.outcome.id.as_str() != "resource.cross_account" {
                assert!(!f.fix.title.is_empty(), "{name} {}: a fix", f.outcome.id);
            }
            // Fixes name the function's own resources, never a placeholder for them.
            let text = format!("{:?} {:?}", f.fix.policy, f.fix.change);
            assert!(
                !text.contains("<FUNCTION_NAME>") && !text.contains("<ROLE_NAME>"),
                "{name}: {text}"
            );
        }
        // audit-trail's function policy could not be read: the checks that need it are
        // unanswered, never silently passed, and the function is not called healthy.
        let unanswered: Vec<&str> = r.unanswered.iter().map(|u| u.id.as_str()).collect();
        let expected_unanswered: &[&str] = if *name == "audit-trail" {
            &[
                "resource.public",
                "resource.confused_deputy",
                "resource.cross_account",
            ]
        } else {
            &[]
        };
        assert_eq!(unanswered, expected_unanswered, "{name}");
        let expected_exit = if ids.iter().any(|i| *i != "resource.cross_account")
            || !expected_unanswered.is_empty()
        {
            1
        } else {
            0
        };
        assert_eq!(r.exit_code(), expected_exit, "{name}");
    }
}

#[test]
fn a_boundary_block_points_to_the_boundary_fix() {
    use lambda_doctor::checks::Fact;
    use lambda_doctor::policy::Layer;
    let demo = Snapshot::demo();
    let tree = Tree::embedded().expect("tree");
    // The same fix in every language: it follows the facts, not the words (Japanese and
    // Chinese once got the basic-execution fix the role already had).
    for lang in Lang::ALL {
        let r = CheckReport::new(
            tree,
            demo.function("legacy-admin", "demo").expect("fn"),
            "demo",
            lang,
        );
        let logs = finding(&r, "role.logs");
        assert_eq!(logs.fix.node.as_deref(), Some("logs-boundary"), "{lang:?}");
        assert!(matches!(
            logs.outcome.evidence[0],
            Fact::Decision {
                denied_by: Some(Layer::Boundary),
                ..
            }
        ));
    }
}

#[test]
fn unreadable_documents_are_reported_not_guessed() {
    let demo = Snapshot::demo();
    let tree = Tree::embedded().expect("tree");
    let r = CheckReport::new(
        tree,
        demo.function("audit-trail", "demo").expect("fn"),
        "demo",
        Lang::En,
    );
    assert_eq!(
        r.unreadable,
        [
            "could not read the resource-based policy (needs lambda:GetPolicy)",
            "could not read the function URL (needs lambda:GetFunctionUrlConfig)"
        ]
    );
    assert!(
        !r.passed
            .contains(&lambda_doctor::checks::CheckId::ResourcePublic),
        "a check without its document does not pass"
    );
}

#[test]
fn the_trust_fix_keeps_what_the_role_already_trusts() {
    use lambda_doctor::checks::report::CheckReport;
    let demo = lambda_doctor::evidence::Snapshot::demo();
    let ev = demo.function("thumbnailer", "demo").expect("demo function");
    let tree = lambda_doctor::tree::Tree::embedded().expect("tree");
    let report = CheckReport::new(tree, ev, "demo", lambda_doctor::i18n::Lang::En);
    let f = finding(&report, "role.trust");
    let policy = f.fix.policy.as_ref().expect("a policy");
    let principals: Vec<String> = policy["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .map(|s| s["Principal"]["Service"].to_string())
        .collect();
    assert_eq!(
        principals,
        vec!["\"ec2.amazonaws.com\"", "\"lambda.amazonaws.com\""],
        "the current trust (EC2) is kept and Lambda added: {policy}"
    );
}

#[test]
fn fixes_name_what_the_facts_name_and_are_the_same_in_every_language() {
    let demo = Snapshot::demo();
    let tree = Tree::embedded().expect("tree");
    for f in &demo.functions {
        let mut policies: Vec<Vec<Option<serde_json::Value>>> = Vec::new();
        for lang in Lang::ALL {
            let r = CheckReport::new(tree, f, "demo", lang);
            for finding in &r.findings {
                let text = format!("{:?} {:?}", finding.fix.policy, finding.fix.change);
                for known in [
                    "<ACTION>",
                    "<RESOURCE>",
                    "<BOUNDARY_POLICY_ARN>",
                    "<QUEUE_ARN>",
                    "<STREAM_ARN>",
                ] {
                    assert!(
                        !text.contains(known),
                        "{} {} ({lang:?}): {known} although the evidence holds it: {text}",
                        f.config.name,
                        finding.outcome.id
                    );
                }
            }
            policies.push(r.findings.iter().map(|x| x.fix.policy.clone()).collect());
        }
        assert!(
            policies.windows(2).all(|w| w[0] == w[1]),
            "{}: the fix's policy differs between languages",
            f.config.name
        );
    }
    // The polled queue, not the dead-letter queue.
    let r = CheckReport::new(
        tree,
        demo.function("queue-worker", "demo").expect("fn"),
        "demo",
        Lang::Ja,
    );
    let esm = finding(&r, "role.event_source");
    let policy = esm.fix.policy.as_ref().expect("policy");
    assert_eq!(
        policy["Statement"][0]["Resource"],
        "arn:aws:sqs:us-east-1:123456789012:jobs"
    );
}

#[test]
fn an_explicit_deny_is_fixed_where_the_deny_is_never_with_an_allow() {
    // orders-api with an inline policy that denies logs:PutLogEvents next to
    // AWSLambdaBasicExecutionRole (which allows it).
    let mut v: serde_json::Value = serde_json::to_value(Snapshot::demo()).expect("demo");
    let f = v["functions"]
        .as_array_mut()
        .expect("functions")
        .iter_mut()
        .find(|f| f["config"]["name"] == "orders-api")
        .expect("orders-api");
    f["role"]["value"]["policies"]["value"]
        .as_array_mut()
        .expect("policies")
        .push(
            serde_json::json!({"name": "no-logs", "managed": false, "document": {"status": "ok",
            "value": {"Version": "2012-10-17", "Statement": [{"Sid": "NoLogs", "Effect": "Deny",
            "Action": "logs:PutLogEvents", "Resource": "*"}]}}}),
        );
    let snap = Snapshot::parse(&v.to_string(), "test").expect("snapshot");
    let tree = Tree::embedded().expect("tree");
    for lang in Lang::ALL {
        let r = CheckReport::new(
            tree,
            snap.function("orders-api", "t").expect("fn"),
            "t",
            lang,
        );
        let logs = finding(&r, "role.logs");
        assert_eq!(
            logs.fix.node.as_deref(),
            Some("deny-in-identity"),
            "{lang:?}"
        );
        let text = format!("{:?} {:?}", logs.fix.policy, logs.fix.change);
        assert!(!text.contains("\"Allow\""), "{text}");
        assert!(
            logs.fix
                .change
                .iter()
                .any(|c| c.contains("--role-name orders-api-role --policy-name no-logs")),
            "{:?}",
            logs.fix.change
        );
    }
}
