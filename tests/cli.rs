//! The binary, end to end: every subcommand's happy path and its bad input.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const MARY: &str =
    "User: arn:aws:iam::123456789012:user/marymajor is not authorized to perform: iam:PassRole";
const MATEO: &str = "User: arn:aws:iam::123456789012:user/mateojackson is not authorized to perform: lambda:GetFunction on resource: my-function";

fn bin() -> Command {
    let mut c = Command::cargo_bin("lambda-doctor").expect("binary builds");
    c.env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("NO_COLOR", "1")
        // Never reach for instance metadata or a real account from tests.
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/lambda-doctor-test/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/lambda-doctor-test/credentials",
        );
    for var in [
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ] {
        c.env_remove(var);
    }
    c
}

fn json_of(args: &[&str], stdin: Option<&str>) -> (i32, Value) {
    let mut c = bin();
    c.args(args).args(["--output", "json"]);
    if let Some(s) = stdin {
        c.write_stdin(s);
    }
    let out = c.output().expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    (out.status.code().unwrap_or(-1), v)
}

#[test]
fn explain_pass_role_seed_example() {
    let (code, v) = json_of(&["explain", MARY], None);
    assert_eq!(code, 1);
    let f = &v["findings"][0];
    assert_eq!(f["category"], "pass_role");
    assert_eq!(f["action"], "iam:PassRole");
    assert_eq!(
        f["principal_arn"],
        "arn:aws:iam::123456789012:user/marymajor"
    );
    assert_eq!(f["resource"], Value::Null);
    assert_eq!(f["deny_kind"], "implicit");
    assert_eq!(f["entry_node"], "pass-role");
    let fix = f["fix"].to_string();
    assert!(fix.contains("iam:PassRole"), "{fix}");
    assert!(fix.contains("marymajor"), "the fix names the user: {fix}");
}

#[test]
fn explain_get_function_seed_example() {
    let (code, v) = json_of(&["explain", MATEO], None);
    assert_eq!(code, 1);
    let f = &v["findings"][0];
    assert_eq!(f["category"], "identity_not_authorized");
    assert_eq!(f["action"], "lambda:GetFunction");
    assert_eq!(f["resource"], "my-function");
    let fix = f["fix"].to_string();
    assert!(fix.contains("lambda:GetFunction"), "{fix}");
    assert!(
        fix.contains("mateojackson"),
        "the fix names the user: {fix}"
    );
    assert!(
        fix.contains("my-function"),
        "the fix names the function: {fix}"
    );
}

#[test]
fn explain_reads_a_file_and_stdin() {
    let dir = tempdir();
    let path = dir.join("err.txt");
    std::fs::write(&path, MARY).expect("write");
    let (code, v) = json_of(&["explain", "-f", path.to_str().expect("utf8")], None);
    assert_eq!(code, 1);
    assert_eq!(v["findings"][0]["category"], "pass_role");
    let (code, v) = json_of(&["explain", "-f", "-"], Some(MATEO));
    assert_eq!(code, 1);
    assert_eq!(v["findings"][0]["action"], "lambda:GetFunction");
    // No argument and piped input: standard input is read too.
    let (code, v) = json_of(&["explain"], Some(MATEO));
    assert_eq!(code, 1);
    assert_eq!(v["findings"][0]["action"], "lambda:GetFunction");
}

#[test]
fn explain_several_findings_in_order() {
    let text = format!(
        "{MATEO}\nsomething else\n{MARY}\n{MATEO}\nAn error occurred (InvalidParameterValueException) when calling the CreateFunction operation: The role defined for the function cannot be assumed by Lambda."
    );
    let (code, v) = json_of(&["explain", &text], None);
    assert_eq!(code, 1);
    let cats: Vec<&str> = v["findings"]
        .as_array()
        .expect("array")
        .iter()
        .map(|f| f["category"].as_str().expect("category"))
        .collect();
    assert_eq!(
        cats,
        [
            "identity_not_authorized",
            "pass_role",
            "execution_role_trust"
        ]
    );
}

#[test]
fn explain_no_finding_exits_zero() {
    let (code, v) = json_of(&["explain", "Task timed out after 3.00 seconds"], None);
    assert_eq!(code, 0);
    assert_eq!(v["findings"], Value::Array(vec![]));
    bin()
        .args(["explain", "Task timed out after 3.00 seconds"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("No permission problem found"));
}

#[test]
fn explain_text_and_markdown() {
    bin()
        .args(["explain", MARY])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("iam:PassRole"))
        .stdout(predicate::str::contains("Change (run by an administrator)"));
    bin()
        .args(["explain", MARY, "--output", "markdown"])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("# lambda-doctor report"))
        .stdout(predicate::str::contains("```json"));
}

#[test]
fn explain_speaks_the_locale_and_the_flag() {
    bin()
        .env("LANG", "ja_JP.UTF-8")
        .args(["explain", MARY])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("修正方法"));
    bin()
        .env("LANG", "ja_JP.UTF-8")
        .args(["--lang", "zh-TW", "explain", MARY])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("修正方式"));
}

#[test]
fn secrets_never_reach_the_output() {
    let text = format!(
        "{MARY}\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nexport AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexampleexampleexample"
    );
    for fmt in ["text", "json", "markdown"] {
        bin()
            .args(["explain", &text, "--output", fmt])
            .assert()
            .code(1)
            .stdout(predicate::str::contains("wJalrXUtnFEMI").not())
            .stdout(predicate::str::contains("IQoJb3JpZ2lu").not());
    }
}

fn one_line_error(args: &[&str], stdin: Option<Vec<u8>>, needle: &str) {
    let mut c = bin();
    c.args(args);
    if let Some(s) = stdin {
        c.write_stdin(s);
    }
    let out = c.output().expect("runs");
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.contains(needle), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
}

#[test]
fn bad_input_is_one_line_and_exit_two() {
    one_line_error(&["explain", ""], None, "empty");
    one_line_error(&["explain", "-f", "/no/such/file"], None, "no such file");
    one_line_error(
        &["explain", "-f", "-"],
        Some(vec![0u8, 159, 146, 150, 0, 1]),
        "binary",
    );
    one_line_error(
        &["explain", "-f", "-"],
        Some(vec![b'a'; 11 * 1024 * 1024]),
        "larger than 10 MiB",
    );
    one_line_error(&["explain", "x", "-f", "-"], None, "not both");
    let dir = tempdir();
    one_line_error(
        &["explain", "-f", dir.to_str().expect("utf8")],
        None,
        "cannot read",
    );
}

#[test]
fn usage_errors_exit_two() {
    bin()
        .args(["--lang", "fr", "explain", "x"])
        .assert()
        .code(2);
    bin().args(["frobnicate"]).assert().code(2);
    bin()
        .args(["explain", "x", "--output", "yaml"])
        .assert()
        .code(2);
}

#[test]
fn no_arguments_off_a_terminal_prints_help() {
    bin()
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Usage: lambda-doctor"))
        .stdout(predicate::str::contains("explain"));
}

#[test]
fn tui_refuses_bad_input_in_one_line_before_opening_the_terminal() {
    let one_line = |stderr: &[u8]| {
        let s = String::from_utf8_lossy(stderr).to_string();
        assert_eq!(s.lines().count(), 1, "{s}");
        s
    };
    // Off a terminal the app cannot run: a clear line, exit 2.
    let out = bin()
        .args(["tui", "--demo"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(one_line(&out.stderr).contains("needs a terminal"));
    // An unknown function, a missing or malformed snapshot: said before anything is drawn.
    let out = bin()
        .args(["tui", "--demo", "--function", "nope"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let e = one_line(&out.stderr);
    assert!(
        e.contains("function nope is not in the demo account"),
        "{e}"
    );
    let out = bin()
        .args(["tui", "--snapshot", "/nonexistent/snap.json"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(one_line(&out.stderr).contains("cannot read /nonexistent/snap.json: no such file"));
    let dir = std::env::temp_dir().join(format!("ld-tui-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{not json").expect("write");
    let out = bin()
        .args(["tui", "--snapshot"])
        .arg(&bad)
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(one_line(&out.stderr).contains("not a lambda-doctor snapshot"));
    bin()
        .args(["tui", "--demo", "--snapshot", "x"])
        .assert()
        .code(2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn tree_check_and_formats() {
    bin()
        .args(["tree", "--check"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("tree OK:"));
    bin()
        .args(["tree", "--format", "mermaid"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("flowchart TD"))
        .stdout(predicate::str::contains("n_pass_role"));
    bin()
        .args(["tree", "--format", "dot"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("digraph lambda_doctor"));
    bin()
        .args(["tree"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("start — "));
}

#[test]
fn tree_check_reports_defects_with_exit_one() {
    let dir = tempdir();
    let t = r#"{"en": "x", "ja": "x", "zh-TW": ""}"#;
    std::fs::write(
        dir.join("index.json"),
        r#"{"root": "start", "entries": {}}"#,
    )
    .expect("write");
    std::fs::write(
        dir.join("n.json"),
        format!(r#"{{"nodes": [{{"id": "start", "kind": "question", "title": {t}, "body": {t}, "likely": "a", "answers": [{{"id": "a", "label": {t}, "next": "gone"}}]}}]}}"#),
    )
    .expect("write");
    bin()
        .args(["tree", "--check", "--dir", dir.to_str().expect("utf8")])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "start.title: text missing in zh-TW",
        ))
        .stdout(predicate::str::contains("leads to missing node gone"))
        .stdout(predicate::str::contains(
            "no entry node for category pass_role",
        ));
    std::fs::write(dir.join("n.json"), "{ not json").expect("write");
    bin()
        .args(["tree", "--check", "--dir", dir.to_str().expect("utf8")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("n.json: line 1"));
}

/// A fresh folder under the target directory (no extra crate needed).
fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "lambda-doctor-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

#[test]
fn simulate_one_case_and_an_array() {
    let dir = tempdir();
    let allow = r#"{"policies": {"identity": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:GetFunction", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f"}]}]},
      "request": {"principal": "arn:aws:iam::123456789012:user/dev", "action": "lambda:GetFunction", "resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "context": {}, "principal_account": "123456789012", "resource_account": "123456789012"}}"#;
    let path = dir.join("allow.json");
    std::fs::write(&path, allow).expect("write");
    let p = path.to_str().expect("utf8");
    let (code, v) = json_of(&["simulate", "--input", p], None);
    assert_eq!(code, 0);
    assert_eq!(v["decision"], "Allowed");
    assert_eq!(v["denied_by"], Value::Null);
    assert_eq!(v["statements"][0]["policy"], "identity[0]");
    assert_eq!(v["statements"][0]["effect"], "Allow");

    let deny = allow.replace("function:f\", \"context\"", "function:f:1\", \"context\"");
    let arr = format!("[{allow}, {deny}]");
    let (code, v) = json_of(&["simulate", "--input", "-"], Some(&arr));
    assert_eq!(code, 1, "one of the cases is denied");
    assert_eq!(v[0]["decision"], "Allowed");
    assert_eq!(v[1]["decision"], "ImplicitlyDenied");
    assert_eq!(v[1]["denied_by"], "identity");
    assert_eq!(v[1]["fix"]["kind"], "add");
    assert_eq!(
        v[1]["fix"]["changes"][0]["statement"]["Resource"],
        "arn:aws:lambda:us-east-1:123456789012:function:f:1"
    );
}

#[test]
fn simulate_reports_the_json_path_of_a_defect() {
    let bad = r#"{"policies": {"identity": [{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, {"Effect": "Alow", "Action": "x:y"}]}]}, "request": {"principal": "p", "action": "s3:GetObject", "resource": "*"}}"#;
    let mut c = bin();
    c.args(["simulate", "--input", "-"]).write_stdin(bad);
    let out = c.output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("$.policies.identity[0].Statement[1].Effect"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1);
    one_line_error(
        &["simulate", "--input", "-"],
        Some(b"{not json".to_vec()),
        "not JSON",
    );
    one_line_error(&["simulate", "--input", "/no/such"], None, "no such file");
}

#[test]
fn check_on_the_demo_account() {
    let (code, v) = json_of(&["check", "thumbnailer", "--demo"], None);
    assert_eq!(code, 1);
    assert_eq!(
        v["function"],
        "arn:aws:lambda:us-east-1:123456789012:function:thumbnailer"
    );
    assert_eq!(v["findings"][0]["id"], "role.trust");
    assert_eq!(v["findings"][0]["severity"], "error");
    assert!(
        v["findings"][0]["fix"]["commands"][0]
            .as_str()
            .expect("command")
            .contains("update-assume-role-policy --role-name thumbnailer-role")
    );
    bin()
        .args([
            "check",
            "arn:aws:lambda:us-east-1:123456789012:function:orders-api:live",
            "--demo",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "No problem found by the automated checks",
        ));
    one_line_error(&["check", "nope", "--demo"], None, "orders-api");
    one_line_error(&["check", "orders-api"], None, "no region");
}

#[test]
fn live_reads_fail_in_one_line() {
    let mut c = bin();
    c.args(["check", "f", "--region", "us-east-1"]);
    let out = c.output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no AWS credentials"));
    let mut c = bin();
    c.args([
        "snapshot",
        "f",
        "-o",
        "-",
        "--region",
        "us-east-1",
        "--endpoint-url",
        "http://127.0.0.1:9",
    ])
    .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE")
    .env("AWS_SECRET_ACCESS_KEY", "not-a-real-secret");
    let out = c.output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot reach AWS"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn check_reads_a_snapshot_file() {
    let dir = tempdir();
    let demo = lambda_doctor::evidence::Snapshot::demo();
    let mut one = demo.clone();
    one.functions.retain(|f| f.config.name == "vpc-sync");
    let path = dir.join("snap.json");
    std::fs::write(&path, serde_json::to_string(&one).expect("json")).expect("write");
    let p = path.to_str().expect("utf8");
    let (code, v) = json_of(&["check", "vpc-sync", "--snapshot", p], None);
    assert_eq!(code, 1);
    assert_eq!(v["findings"][0]["id"], "role.vpc");
    std::fs::write(&path, "{\"format\": \"other\"}").expect("write");
    one_line_error(
        &["check", "vpc-sync", "--snapshot", p],
        None,
        "not a lambda-doctor snapshot",
    );
}

#[test]
fn readme_publishes_the_read_only_policy_the_reader_uses() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let section = &readme[readme.find("## AWS permissions").expect("section")..];
    let block = &section[section.find("```json").expect("json block") + 7..];
    let block = &block[..block.find("```").expect("end of block")];
    let published: serde_json::Value = serde_json::from_str(block).expect("README policy JSON");
    let asset: serde_json::Value =
        serde_json::from_str(lambda_doctor::aws::READ_ONLY_POLICY).expect("asset JSON");
    assert_eq!(published, asset);
    let actions = asset["Statement"][0]["Action"].as_array().expect("actions");
    assert_eq!(actions.len(), 13);
    for a in actions {
        let op = a.as_str().expect("string").split(':').nth(1).expect("op");
        assert!(lambda_doctor::aws::is_read_only(op), "{a} is not a read");
    }
}
