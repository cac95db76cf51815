//! Speed of the offline core: the recognizer on single messages and on a large log, loading
//! and validating the decision tree, and a whole diagnosis. Run with `cargo bench`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lambda_doctor::diagnose::Diagnosis;
use lambda_doctor::recognize::recognize;
use lambda_doctor::tree::walk::NoEvidence;
use lambda_doctor::tree::{FILES, Tree};
use std::hint::black_box;

const PASS_ROLE: &str =
    "User: arn:aws:iam::123456789012:user/marymajor is not authorized to perform: iam:PassRole";
const CFN: &str = "2024-03-21 10:04:55 UTC+0100\tMyFunction\tCREATE_FAILED\nResource handler returned message: \"User: arn:aws:sts::123456789012:assumed-role/cdk-hnb659fds-cfn-exec-role-123456789012-us-east-1/AWSCloudFormation is not authorized to perform: lambda:GetLayerVersion on resource: arn:aws:lambda:us-east-1:999999999999:layer:shared:3 because no resource-based policy allows the lambda:GetLayerVersion action (Service: Lambda, Status Code: 403, Request ID: 1c9d0ec9-c8aa-4cc8-9ada-7caba888186d)\" (RequestToken: de00c22f, HandlerErrorCode: AccessDenied)";

/// A CloudWatch Logs export: mostly noise, a denial now and then.
fn big_log(bytes: usize) -> String {
    let noise = "2024-01-01T00:00:00.000Z\t3f1e2d4c-1111-2222-3333-444455556666\tINFO\tprocessed record 42 in 12 ms\n";
    let denial = "2024-01-01T00:00:01.000Z\t3f1e2d4c-1111-2222-3333-444455556666\tERROR\tAccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/orders-role/orders is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/Orders\n";
    let mut s = String::with_capacity(bytes + 1024);
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(if i % 50 == 49 { denial } else { noise });
        i += 1;
    }
    s
}

fn recognizer(c: &mut Criterion) {
    let mut g = c.benchmark_group("recognize");
    g.bench_function("pass_role_message", |b| {
        b.iter(|| recognize(black_box(PASS_ROLE)))
    });
    g.bench_function("cloudformation_event", |b| {
        b.iter(|| recognize(black_box(CFN)))
    });
    for mb in [1usize, 10] {
        let log = big_log(mb * 1024 * 1024);
        g.throughput(Throughput::Bytes(log.len() as u64));
        g.sample_size(10);
        g.bench_with_input(BenchmarkId::new("log_mb", mb), &log, |b, log| {
            b.iter(|| recognize(black_box(log)))
        });
    }
    g.finish();
}

fn tree(c: &mut Criterion) {
    let files: Vec<(String, String)> = FILES
        .iter()
        .map(|(n, s)| (n.to_string(), s.to_string()))
        .collect();
    c.bench_function("tree_parse", |b| {
        b.iter(|| Tree::parse(black_box(files.clone())).expect("parses"))
    });
    let t = Tree::parse(files.clone()).expect("parses");
    c.bench_function("tree_validate", |b| b.iter(|| black_box(&t).validate()));
}

fn diagnosis(c: &mut Criterion) {
    let t = Tree::embedded().expect("valid");
    let f = recognize(PASS_ROLE).remove(0);
    c.bench_function("diagnose_and_render_json", |b| {
        b.iter(|| {
            let d = Diagnosis::new(t, black_box(f.clone()), &NoEvidence);
            lambda_doctor::report::json(&[d], false, lambda_doctor::i18n::Lang::En)
        })
    });
}

/// Pathological pastes next to an ordinary log of the same size: each must stay within 2x
/// (linear time; `scripts/bench-hostile.py` measures the whole process).
fn hostile(c: &mut Criterion) {
    let mut g = c.benchmark_group("hostile");
    g.sample_size(10);
    for kb in [256usize, 1024, 4096] {
        let n = kb * 1024;
        let cut_arn = format!(
            "User: arn:aws:iam::123456789012:user/\n{}",
            "ab/\n".repeat(n / 4)
        );
        let spaces = "                         a\n".repeat(n / 27);
        let cells = format!(
            "CREATE_FAILED   AWS::Lambda::Function   Fn   User: arn:aws:iam::1:user/\n{}",
            format!("{}ab/\n", " ".repeat(47)).repeat(n / 51)
        );
        let log = big_log(n);
        g.throughput(Throughput::Bytes(n as u64));
        for (name, text) in [
            ("ordinary_log", &log),
            ("cut_arn_lines", &cut_arn),
            ("space_letter_lines", &spaces),
            ("table_cells", &cells),
        ] {
            g.bench_with_input(BenchmarkId::new(name, kb), text, |b, t| {
                b.iter(|| recognize(black_box(t)))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, recognizer, tree, diagnosis, hostile);
criterion_main!(benches);
