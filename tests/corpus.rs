//! The recognizer against real messages people pasted in public issues
//! (`../shared/corpus/errors-sample.jsonl`, mirrored in `tests/fixtures/`), and a held-out set
//! written separately (`tests/fixtures/errors-heldout.jsonl`).

use lambda_doctor::recognize::recognize;
use serde_json::Value;

fn sample() -> Vec<Value> {
    let shared = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/errors-sample.jsonl"
    );
    let local = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/errors-sample.jsonl"
    );
    let text = std::fs::read_to_string(shared)
        .or_else(|_| std::fs::read_to_string(local))
        .expect("corpus file");
    parse(&text)
}

/// 111 further real messages (`../shared/corpus/errors-more.jsonl`, mirrored).
fn more() -> Vec<Value> {
    let shared = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/errors-more.jsonl"
    );
    let local = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/errors-more.jsonl"
    );
    let text = std::fs::read_to_string(shared)
        .or_else(|_| std::fs::read_to_string(local))
        .expect("corpus file");
    parse(&text)
}

/// Messages written separately from the sample, to check that the recognizer generalizes.
fn heldout() -> Vec<Value> {
    parse(include_str!("fixtures/errors-heldout.jsonl"))
}

fn parse(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("corpus line is JSON"))
        .collect()
}

struct Score {
    positives: usize,
    category_ok: usize,
    with_action: usize,
    action_ok: usize,
    failures: Vec<String>,
}

fn score(corpus: Vec<Value>) -> Score {
    let mut s = Score {
        positives: 0,
        category_ok: 0,
        with_action: 0,
        action_ok: 0,
        failures: vec![],
    };
    for case in corpus {
        let id = case["id"].as_str().unwrap_or("?").to_string();
        let text = case["text"].as_str().expect("text");
        let exp = &case["expected"];
        let cat = exp["category"].as_str().expect("category");
        let found = recognize(text);
        if cat == "not_a_permission_problem" {
            if !found.is_empty() {
                s.failures.push(format!(
                    "{id}: expected no finding, got {:?}",
                    found[0].category
                ));
            }
            continue;
        }
        s.positives += 1;
        let first = found.first();
        if first.map(|f| f.category.as_str()) == Some(cat) {
            s.category_ok += 1;
        } else {
            s.failures.push(format!(
                "{id}: category {cat} expected, got {:?}",
                first.map(|f| f.category)
            ));
        }
        if let Some(a) = exp["action"].as_str() {
            s.with_action += 1;
            if first.and_then(|f| f.action.as_deref()) == Some(a) {
                s.action_ok += 1;
            } else {
                s.failures.push(format!(
                    "{id}: action {a} expected, got {:?}",
                    first.and_then(|f| f.action.clone())
                ));
            }
        }
    }
    s
}

#[test]
fn sample_negatives_give_no_finding_and_positives_are_classified() {
    check(score(sample()));
}

#[test]
fn heldout_negatives_give_no_finding_and_positives_are_classified() {
    check(score(heldout()));
}

fn check(s: Score) {
    for f in &s.failures {
        eprintln!("{f}");
    }
    let negatives_failed = s
        .failures
        .iter()
        .filter(|f| f.contains("expected no finding"))
        .count();
    assert_eq!(negatives_failed, 0, "every negative must give no finding");
    let cat_rate = s.category_ok as f64 / s.positives as f64;
    let act_rate = s.action_ok as f64 / s.with_action as f64;
    eprintln!(
        "category {}/{} ({:.1}%), action {}/{} ({:.1}%)",
        s.category_ok,
        s.positives,
        cat_rate * 100.0,
        s.action_ok,
        s.with_action,
        act_rate * 100.0
    );
    assert!(cat_rate >= 0.95, "category accuracy {cat_rate:.3} < 0.95");
    assert!(act_rate >= 0.95, "action accuracy {act_rate:.3} < 0.95");
}

/// The other fields, where the corpus gives them, must match exactly too.
#[test]
fn sample_principal_resource_and_deny_kind_match() {
    fields(sample());
}

#[test]
fn heldout_principal_resource_and_deny_kind_match() {
    fields(heldout());
}

fn fields(corpus: Vec<Value>) {
    let mut checked = 0;
    let mut wrong = vec![];
    for case in corpus {
        let exp = &case["expected"];
        if exp["category"] == "not_a_permission_problem" {
            continue;
        }
        let found = recognize(case["text"].as_str().expect("text"));
        let Some(f) = found.first() else { continue };
        let got = serde_json::to_value(f).expect("finding serializes");
        for field in ["principal_arn", "resource", "deny_kind"] {
            checked += 1;
            if got[field] != exp[field] {
                wrong.push(format!(
                    "{} {field}: expected {} got {}",
                    case["id"], exp[field], got[field]
                ));
            }
        }
    }
    for w in &wrong {
        eprintln!("{w}");
    }
    let rate = 1.0 - wrong.len() as f64 / checked as f64;
    eprintln!("fields right: {:.1}% of {checked}", rate * 100.0);
    assert!(rate >= 0.95, "field accuracy {rate:.3}");
}

/// Both real sets together (the sample and errors-more), scored as issue 12 measures them:
/// detection, category and action over the positives, and no finding for any negative. The
/// floors are issue 12's goals, which today's results meet (detection 98.7 %, category
/// 96.0 %, action 100 %).
#[test]
fn both_real_sets_are_detected_and_classified() {
    let mut all = sample();
    all.extend(more());
    let mut detected = 0;
    let mut positives = 0;
    for case in &all {
        if case["expected"]["category"] != "not_a_permission_problem" {
            positives += 1;
            if !recognize(case["text"].as_str().expect("text")).is_empty() {
                detected += 1;
            }
        }
    }
    let s = score(all);
    for f in &s.failures {
        eprintln!("{f}");
    }
    let det = detected as f64 / positives as f64;
    let cat = s.category_ok as f64 / s.positives as f64;
    let act = s.action_ok as f64 / s.with_action as f64;
    eprintln!(
        "detection {detected}/{positives} ({:.1}%), category {}/{} ({:.1}%), action {}/{} ({:.1}%)",
        det * 100.0,
        s.category_ok,
        s.positives,
        cat * 100.0,
        s.action_ok,
        s.with_action,
        act * 100.0
    );
    assert!(
        !s.failures.iter().any(|f| f.contains("expected no finding")),
        "a negative gave a finding"
    );
    assert!(det >= 0.98, "detection {det:.3}");
    assert!(cat >= 0.95, "category {cat:.3}");
    assert!(act >= 0.97, "action {act:.3}");
}

/// Messages that mention a token, a key, a permission or a role but are not a missing
/// permission (authentication failures, file permissions, KMS ARN mistakes, EFS timeouts),
/// each from a public source (`tests/fixtures/catalogue-negatives.jsonl`): no finding.
#[test]
fn sourced_negatives_give_no_finding() {
    let cases = parse(include_str!("fixtures/catalogue-negatives.jsonl"));
    assert!(cases.len() >= 40, "{}", cases.len());
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let f = recognize(c["text"].as_str().expect("text"));
            (!f.is_empty()).then(|| format!("{}: {:?}", c["id"], f[0].category))
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// An authentication failure is not a finding, and `explain` says what it is instead.
#[test]
fn authentication_failures_are_named_not_diagnosed() {
    for (text, code) in [
        (
            "An error occurred (ExpiredTokenException) when calling the ListFunctions operation: The security token included in the request is expired",
            "ExpiredTokenException",
        ),
        (
            "operation error Lambda: GetFunction, https response error StatusCode: 403, RequestID: 1, api error UnrecognizedClientException: The security token included in the request is invalid.",
            "UnrecognizedClientException",
        ),
        (
            "SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. (Service: AmazonS3; Status Code: 403)",
            "SignatureDoesNotMatch",
        ),
    ] {
        let r = lambda_doctor::recognize::recognize_all(text);
        assert!(r.findings.is_empty(), "{text}: {:?}", r.findings);
        assert_eq!(r.authentication.as_deref(), Some(code), "{text}");
    }
    // A denial next to a token word is still a denial.
    let r = lambda_doctor::recognize::recognize_all(
        "An error occurred (AccessDenied) when calling the GetObject operation: Access Denied (session token expired earlier)",
    );
    assert_eq!(r.findings.len(), 1);
}
