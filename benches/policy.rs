//! Evaluator speed: statement evaluations per second, and one role with ten ~6 KB managed
//! policies checked against 1,000 actions. Run with `cargo bench --bench policy`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lambda_doctor::policy::{PolicySet, Request, decide, evaluate, parse_policy};
use serde_json::{Value, json};
use std::hint::black_box;

const SERVICES: &[&str] = &[
    "s3", "dynamodb", "sqs", "sns", "lambda", "logs", "kms", "ec2", "iam", "events",
];
const VERBS: &[&str] = &[
    "Get", "Put", "List", "Describe", "Create", "Delete", "Update", "Tag",
];
const NOUNS: &[&str] = &[
    "Object",
    "Item",
    "Queue",
    "Topic",
    "Function",
    "LogStream",
    "Key",
    "Instance",
    "Role",
    "Rule",
];

/// A managed-policy-like document of about `bytes` bytes: statements with action lists,
/// wildcards, ARNs and conditions.
fn managed_policy(seed: usize, bytes: usize) -> Value {
    let mut statements = Vec::new();
    let mut i = seed;
    while serde_json::to_string(&statements)
        .map(|s| s.len())
        .unwrap_or(0)
        < bytes
    {
        let svc = SERVICES[i % SERVICES.len()];
        let actions: Vec<String> = (0..6)
            .map(|k| {
                format!(
                    "{svc}:{}{}",
                    VERBS[(i + k) % VERBS.len()],
                    NOUNS[(i * 7 + k) % NOUNS.len()]
                )
            })
            .collect();
        let mut st = json!({
            "Sid": format!("S{i}"),
            "Effect": if i.is_multiple_of(13) { "Deny" } else { "Allow" },
            "Action": actions,
            "Resource": [format!("arn:aws:{svc}:us-east-1:123456789012:thing-{i}/*"), format!("arn:aws:{svc}:*:*:shared-{i}*")],
        });
        if i.is_multiple_of(3) {
            st["Condition"] = json!({"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}, "Bool": {"aws:SecureTransport": "true"}});
        }
        statements.push(st);
        i += 1;
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn statements_per_second(c: &mut Criterion) {
    let doc = managed_policy(1, 6 * 1024);
    let policy = parse_policy(&doc, "$").expect("valid");
    let n = policy.statements.len() as u64;
    let set = PolicySet {
        identity: vec![policy],
        ..PolicySet::default()
    };
    let mut req = Request::new(
        "arn:aws:iam::123456789012:user/dev",
        "dynamodb:PutItem",
        "arn:aws:dynamodb:us-east-1:123456789012:table/Orders",
        None,
        None,
    );
    req.set(
        "aws:RequestedRegion",
        lambda_doctor::policy::ContextValue::One("us-east-1".into()),
    );
    let mut g = c.benchmark_group("policy");
    g.throughput(Throughput::Elements(n));
    g.bench_function(format!("evaluate_{n}_statements"), |b| {
        b.iter(|| evaluate(black_box(&set), black_box(&req)))
    });
    g.finish();
}

fn role_with_ten_policies(c: &mut Criterion) {
    let policies: Vec<_> = (0..10)
        .map(|i| parse_policy(&managed_policy(i * 31, 6 * 1024), "$").expect("valid"))
        .collect();
    let set = PolicySet {
        identity: policies,
        ..PolicySet::default()
    };
    let requests: Vec<Request> = (0..1000)
        .map(|i| {
            let svc = SERVICES[i % SERVICES.len()];
            let action = format!(
                "{svc}:{}{}",
                VERBS[(i / 3) % VERBS.len()],
                NOUNS[(i / 7) % NOUNS.len()]
            );
            let resource = format!("arn:aws:{svc}:us-east-1:123456789012:thing-{}/x", i % 40);
            Request::new(
                "arn:aws:iam::123456789012:role/app",
                &action,
                &resource,
                None,
                None,
            )
        })
        .collect();
    c.bench_function("role_10_policies_x_1000_actions", |b| {
        b.iter(|| {
            requests
                .iter()
                .filter(|r| {
                    decide(black_box(&set), r).decision == lambda_doctor::policy::Decision::Allowed
                })
                .count()
        })
    });
}

/// Wildcards that the old backtracking matcher took quadratic time on (`*a…ab` against
/// `a…a`), next to an ordinary match of the same size: linear, within 2x.
fn hostile_wildcards(c: &mut Criterion) {
    use lambda_doctor::policy::matching::glob_str;
    let mut g = c.benchmark_group("hostile_wildcards");
    g.sample_size(10);
    for kb in [256usize, 1024, 4096] {
        let k = kb * 1024 / 3;
        let hostile = format!("*{}b", "a".repeat(k));
        let ordinary = format!("{}*", "a".repeat(k));
        let text = "a".repeat(2 * k);
        g.throughput(Throughput::Bytes((3 * k) as u64));
        g.bench_with_input(
            criterion::BenchmarkId::new("ordinary_prefix_star", kb),
            &ordinary,
            |b, p| b.iter(|| glob_str(std::hint::black_box(p), &text, false)),
        );
        g.bench_with_input(
            criterion::BenchmarkId::new("star_then_long_literal", kb),
            &hostile,
            |b, p| b.iter(|| glob_str(std::hint::black_box(p), &text, false)),
        );
    }
    g.finish();
}

criterion_group!(
    benches,
    statements_per_second,
    role_with_ten_policies,
    hostile_wildcards
);
criterion_main!(benches);
