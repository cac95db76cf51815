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
    let all = cases();
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
