//! The evaluator against the IAM evaluation cases in `../shared/corpus/eval-sample.json`
//! (mirrored in `tests/fixtures/`).

use lambda_doctor::policy::evaluate;
use lambda_doctor::policy::simulate::parse_case;
use serde_json::Value;

fn cases() -> Vec<Value> {
    let shared = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/eval-sample.json"
    );
    let local = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/eval-sample.json"
    );
    let text = std::fs::read_to_string(shared)
        .or_else(|_| std::fs::read_to_string(local))
        .expect("eval corpus");
    serde_json::from_str::<Value>(&text)
        .expect("JSON")
        .as_array()
        .expect("array")
        .clone()
}

/// The corpus's one `doc_conflict` case: the AWS docs say a grant to the exact session ARN is
/// not limited by the session policy (Allowed); the source test says ImplicitlyDenied. We
/// follow the docs.
fn expected(case: &Value) -> String {
    let e = case["expected"].as_str().expect("expected").to_string();
    if case["id"] == "iamsim/sessionpolicies/07" {
        "Allowed".into()
    } else {
        e
    }
}

#[test]
fn sample_cases_agree() {
    agree(cases());
}

/// Cases written separately from the sample, from the documented rules.
#[test]
fn heldout_cases_agree() {
    let text = include_str!("fixtures/eval-heldout.json");
    agree(
        serde_json::from_str::<Value>(text)
            .expect("JSON")
            .as_array()
            .expect("array")
            .clone(),
    );
}

fn agree(all: Vec<Value>) {
    let mut wrong = vec![];
    for case in &all {
        let parsed = parse_case(case, "$").unwrap_or_else(|e| panic!("{}: {e}", case["id"]));
        let ev = evaluate(&parsed.policies, &parsed.request);
        let got = format!("{:?}", ev.decision);
        if got != expected(case) {
            wrong.push(format!(
                "{}: expected {}, got {got} ({:?})",
                case["id"],
                expected(case),
                ev.reasons
            ));
        }
        if let Some(b) = case["expected_blocked_by"].as_array() {
            let want: Vec<String> = b
                .iter()
                .map(|x| match x.as_str().expect("layer") {
                    "pb" => "boundary".to_string(),
                    o => o.to_string(),
                })
                .collect();
            let layer = ev.denied_by.map(|l| l.as_str().to_string());
            if !layer.as_ref().is_some_and(|l| want.contains(l)) {
                wrong.push(format!(
                    "{}: blocked by {want:?} expected, got {layer:?}",
                    case["id"]
                ));
            }
        }
    }
    for w in &wrong {
        eprintln!("{w}");
    }
    let agree = all.len() - wrong.len();
    eprintln!("agree {agree}/{}", all.len());
    assert!(wrong.is_empty(), "{} disagreements", wrong.len());
}

mod properties {
    use lambda_doctor::policy::simulate::parse_case;
    use lambda_doctor::policy::synth::{Place, Proposal, propose};
    use lambda_doctor::policy::{Decision, PolicySet, Request, evaluate, parse_policy};
    use proptest::prelude::*;
    use serde_json::{Value, json};

    /// Arbitrary JSON, biased towards policy-shaped objects.
    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            prop::sample::select(vec![
                "Allow",
                "Deny",
                "*",
                "s3:*",
                "lambda:InvokeFunction",
                "arn:aws:s3:::b/*",
                "2012-10-17",
                "${aws:username}",
                "StringEquals",
                "aws:SourceArn",
                "x",
                "",
            ])
            .prop_map(|s| json!(s)),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec(
                    (
                        prop::sample::select(vec![
                            "Version",
                            "Statement",
                            "Effect",
                            "Action",
                            "NotAction",
                            "Resource",
                            "NotResource",
                            "Principal",
                            "NotPrincipal",
                            "Condition",
                            "AWS",
                            "Service",
                            "StringLike",
                            "ForAnyValue:StringEquals",
                            "Null",
                            "aws:TagKeys",
                            "Sid",
                        ]),
                        inner
                    ),
                    0..5
                )
                .prop_map(|kv| Value::Object(
                    kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
                )),
            ]
        })
    }

    fn principal() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "arn:aws:iam::123456789012:user/alice",
            "arn:aws:sts::123456789012:assumed-role/app/session",
            "arn:aws:iam::123456789012:role/app",
            "arn:aws:sts::999999999999:assumed-role/partner/s",
        ])
        .prop_map(str::to_string)
    }

    fn action() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "lambda:InvokeFunction",
            "lambda:GetFunction",
            "s3:GetObject",
            "logs:PutLogEvents",
            "sqs:ReceiveMessage",
            "iam:PassRole",
            "ec2:CreateNetworkInterface",
        ])
        .prop_map(str::to_string)
    }

    fn resource() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "arn:aws:lambda:us-east-1:123456789012:function:f",
            "arn:aws:lambda:us-east-1:123456789012:function:f:live",
            "arn:aws:s3:::bucket/key",
            "arn:aws:iam::123456789012:role/exec",
            "*",
        ])
        .prop_map(str::to_string)
    }

    /// A policy set built from arbitrary statements that parse.
    fn policy_set() -> impl Strategy<Value = PolicySet> {
        let stmt = (
            prop::sample::select(vec!["Allow", "Deny"]),
            prop::sample::select(vec![
                "*",
                "lambda:*",
                "s3:Get*",
                "iam:PassRole",
                "lambda:GetFunction",
            ]),
            prop::sample::select(vec![
                "*",
                "arn:aws:lambda:*:*:function:f",
                "arn:aws:s3:::bucket/*",
            ]),
        )
            .prop_map(|(e, a, r)| json!({"Effect": e, "Action": a, "Resource": r}));
        let doc = prop::collection::vec(stmt, 0..3).prop_map(|s| {
            parse_policy(&json!({"Version": "2012-10-17", "Statement": s}), "$").expect("valid")
        });
        (
            prop::collection::vec(doc.clone(), 0..3),
            prop::option::of(doc.clone()),
            prop::option::of(doc),
        )
            .prop_map(|(identity, boundary, session)| PolicySet {
                identity,
                boundary,
                session,
                ..PolicySet::default()
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_policy_json_never_panics(v in json_value(), p in principal(), a in action(), r in resource()) {
            if let Ok(pol) = parse_policy(&v, "$") {
                let set = PolicySet { identity: vec![pol.clone()], resource: Some(pol), ..PolicySet::default() };
                let _ = evaluate(&set, &Request::new(&p, &a, &r, None, None));
            }
            let case = json!({"policies": {"identity": [v.clone()], "resource": v}, "request": {"principal": p, "action": a, "resource": r}});
            let _ = parse_case(&case, "$");
        }

        #[test]
        fn a_proposed_fix_always_allows(set in policy_set(), p in principal(), a in action(), r in resource()) {
            let req = Request::new(&p, &a, &r, None, None);
            if evaluate(&set, &req).decision == Decision::ImplicitlyDenied
                && let Proposal::Add(adds) = propose(&set, &req) {
                    // Apply the additions independently of the synthesizer and evaluate again.
                    let mut fixed = set.clone();
                    for add in adds {
                        let doc = parse_policy(&json!({"Version": "2012-10-17", "Statement": [add.statement]}), "$").expect("fix parses");
                        match add.place {
                            Place::Identity => fixed.identity.push(doc),
                            Place::Resource => match &mut fixed.resource {
                                Some(rp) => rp.statements.extend(doc.statements),
                                None => fixed.resource = Some(doc),
                            },
                            Place::Boundary => match &mut fixed.boundary {
                                Some(b) => b.statements.extend(doc.statements),
                                None => fixed.boundary = Some(doc),
                            },
                            Place::Session => match &mut fixed.session {
                                Some(s) => s.statements.extend(doc.statements),
                                None => fixed.session = Some(doc),
                            },
                        }
                    }
                    prop_assert_eq!(evaluate(&fixed, &req).decision, Decision::Allowed);
                }
        }

        #[test]
        fn a_matching_deny_in_any_layer_denies_explicitly(
            set in policy_set(), p in principal(), a in action(), r in resource(), layer in 0usize..6,
        ) {
            let req = Request::new(&p, &a, &r, None, None);
            let deny = |principal: bool| {
                let mut s = json!({"Effect": "Deny", "Action": a.clone(), "Resource": "*"});
                if principal { s["Principal"] = json!("*"); }
                parse_policy(&json!({"Version": "2012-10-17", "Statement": [s]}), "$").expect("deny parses")
            };
            let mut s = set.clone();
            match layer {
                0 => s.identity.push(deny(false)),
                1 => s.resource = Some(deny(true)),
                2 => s.boundary = Some(deny(false)),
                3 => s.session = Some(deny(false)),
                4 => s.scp = Some(vec![vec![deny(false)]]),
                _ => s.rcp = Some(vec![vec![deny(true)]]),
            }
            prop_assert_eq!(evaluate(&s, &req).decision, Decision::ExplicitlyDenied);
        }
    }
}
