//! Hostile input and faults: what an on-call tool gets pasted or read can be anything. Each
//! test here failed before the defect it names was fixed (issue "Hostile input and faults"):
//! quadratic joining and matching, control sequences passed to the terminal, waits past 15 s,
//! checks that vanished on an invalid document, debug dumps in error lines, unknown profiles
//! and unbounded values in errors.
//!
//! Speed itself is measured by `cargo bench` and `scripts/bench-hostile.py`; the deadlines
//! below only catch quadratic behaviour (the inputs take milliseconds when linear and minutes
//! when not).

use assert_cmd::Command;
use lambda_doctor::policy::matching::glob_str;
use lambda_doctor::policy::{Decision, PolicySet, Request, evaluate, parse_policy};
use lambda_doctor::recognize::{MAX_FINDINGS, recognize};
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

/// Runs `f` on another thread; fails when it takes longer than `secs` (work that is linear
/// finishes in well under a second).
fn within<T: Send + 'static>(secs: u64, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(v) => v,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what}: not finished after {secs} s (quadratic?)")
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: panicked"),
    }
}

fn bin() -> Command {
    let mut c = Command::cargo_bin("lambda-doctor").expect("binary");
    let empty = std::env::temp_dir().join("lambda-doctor-no-aws-config");
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .env("AWS_CONFIG_FILE", &empty)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1");
    c
}

/// `bin()` with fake credentials and a region, for a local endpoint.
fn bin_with_credentials() -> Command {
    let mut c = bin();
    c.env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        )
        .env("AWS_REGION", "us-east-1");
    c
}

/// Runs a command that must refuse to run: exit 2 and one clean line on stderr, returned.
fn refused(cmd: &mut Command) -> String {
    let out = cmd.timeout(Duration::from_secs(60)).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert_clean("stderr", &err);
    err
}

// ── 1. Joining wrapped lines is linear ─────────────────────────────────────────────────────

#[test]
fn wrapped_line_joining_is_linear_on_pathological_pastes() {
    within(60, "joining", || {
        // An ARN cut after a slash, then a megabyte of short pieces that each look like its
        // continuation.
        let mut a = String::from("User: arn:aws:iam::123456789012:user/\n");
        a.push_str(&"ab/\n".repeat(256 * 1024));
        assert!(recognize(&a).len() <= MAX_FINDINGS);
        // Four megabytes of table-cell continuation lines (25 spaces and a letter).
        let b = "                         a\n".repeat(4 * 1024 * 1024 / 27);
        assert!(recognize(&b).is_empty());
        // The same inside a table column whose cells look like cut ARNs.
        let c = format!(
            "CREATE_FAILED   AWS::Lambda::Function   Fn   User: arn:aws:iam::1:user/\n{}",
            "                                               ab/\n".repeat(20_000)
        );
        assert!(recognize(&c).len() <= MAX_FINDINGS);
        // Whitespace-only lines after a token.
        let d = format!("arn:aws:iam::1:user/\n{}", "      \n".repeat(500_000));
        assert!(recognize(&d).is_empty());
    });
}

#[test]
fn a_wrapped_arn_is_still_joined() {
    let f = recognize(
        "User: arn:aws:iam::123456789012:user/\nmarymajor is not authorized to perform: iam:PassRole",
    );
    assert_eq!(
        f[0].principal_arn.as_deref(),
        Some("arn:aws:iam::123456789012:user/marymajor")
    );
}

// ── 2. Wildcard matching is linear ─────────────────────────────────────────────────────────

/// A reference matcher: dynamic programming over (pattern, text) prefixes. Quadratic, and
/// obviously right.
fn reference_glob(p: &[char], t: &[char]) -> bool {
    let mut dp = vec![vec![false; t.len() + 1]; p.len() + 1];
    dp[0][0] = true;
    for i in 1..=p.len() {
        dp[i][0] = dp[i - 1][0] && p[i - 1] == '*';
        for j in 1..=t.len() {
            dp[i][j] = match p[i - 1] {
                '*' => dp[i - 1][j] || dp[i][j - 1],
                '?' => dp[i - 1][j - 1],
                c => dp[i - 1][j - 1] && c == t[j - 1],
            };
        }
    }
    dp[p.len()][t.len()]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]

    #[test]
    fn wildcards_agree_with_the_reference(p in "[ab*?]{0,12}", t in "[ab]{0,16}") {
        let pc: Vec<char> = p.chars().collect();
        let tc: Vec<char> = t.chars().collect();
        proptest::prop_assert_eq!(glob_str(&p, &t, false), reference_glob(&pc, &tc), "{} vs {}", p, t);
    }

    #[test]
    fn long_segments_agree_with_the_reference(
        pre in "[ab]{0,3}", seg in "[ab?]{33,60}", post in "[ab*]{0,3}", t in "[ab]{30,120}",
    ) {
        // Segments longer than the direct-comparison limit take KMP or shift-and.
        let p = format!("{pre}*{seg}*{post}");
        let pc: Vec<char> = p.chars().collect();
        let tc: Vec<char> = t.chars().collect();
        proptest::prop_assert_eq!(glob_str(&p, &t, false), reference_glob(&pc, &tc));
        let planted = format!("{t}{}{t}", seg.replace('?', "b"));
        let tc: Vec<char> = planted.chars().collect();
        proptest::prop_assert_eq!(glob_str(&p, &planted, false), reference_glob(&pc, &tc));
    }
}

#[test]
fn wildcards_are_linear_in_resources_actions_and_conditions() {
    within(60, "wildcards", || {
        // The longest pattern a policy may hold, against two megabytes: the backtracking
        // matcher needed pattern × text steps (6e10), this one pattern + text.
        let pattern = format!("*{}b", "a".repeat(30_000));
        let long = "a".repeat(2_000_000);
        let arn = format!("arn:aws:s3:::{long}");
        let policy = |stmt: serde_json::Value| {
            parse_policy(&json!({"Version": "2012-10-17", "Statement": [stmt]}), "$")
                .expect("valid")
        };
        let run = |stmt: serde_json::Value, action: &str, resource: &str| {
            let set = PolicySet {
                identity: vec![policy(stmt)],
                ..PolicySet::default()
            };
            let mut req = Request::new(
                "arn:aws:iam::123456789012:user/u",
                action,
                resource,
                Some("123456789012"),
                Some("123456789012"),
            );
            req.set(
                "aws:PrincipalTag/team",
                lambda_doctor::policy::ContextValue::One(long.clone()),
            );
            evaluate(&set, &req).decision
        };
        assert_eq!(
            run(
                json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{pattern}")}),
                "s3:GetObject",
                &arn
            ),
            Decision::ImplicitlyDenied
        );
        assert_eq!(
            run(
                json!({"Effect": "Allow", "Action": format!("s3:{pattern}"), "Resource": "*"}),
                &format!("s3:{long}"),
                "*"
            ),
            Decision::ImplicitlyDenied
        );
        assert_eq!(
            run(
                json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                       "Condition": {"StringLike": {"aws:PrincipalTag/team": pattern}}}),
                "s3:GetObject",
                "arn:aws:s3:::b/k"
            ),
            Decision::ImplicitlyDenied
        );
        // And a match is still a match.
        assert!(glob_str(&format!("*{}", "a".repeat(100_000)), &long, false));
        // Many unclosed variables.
        let vars = "${".repeat(16_000);
        assert_eq!(
            run(
                json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{vars}")}),
                "s3:GetObject",
                &arn
            ),
            Decision::ImplicitlyDenied
        );
    });
}

#[test]
fn policy_values_longer_than_aws_accepts_are_refused_with_their_path() {
    // A `?` segment costs O(text × pattern / 64): patterns are bounded by AWS's own limit.
    let case = json!({
        "policies": {"identity": [{"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "s3:GetObject",
            "Resource": format!("arn:aws:s3:::*{}?*", "a".repeat(40_000))}]}]},
        "request": {"principal": "arn:aws:iam::123456789012:user/u", "action": "s3:GetObject",
                    "resource": format!("arn:aws:s3:::{}", "a".repeat(80_000))}
    });
    let err = refused(
        bin()
            .args(["simulate", "-i", "-"])
            .write_stdin(case.to_string()),
    );
    assert!(
        err.contains("$.policies.identity[0].Statement[0].Resource")
            && err.contains("longer than any policy AWS accepts"),
        "{err}"
    );
}

// ── 4. No terminal control sequence is passed through ──────────────────────────────────────

/// Control sequences of every kind an attacker (or a noisy log) can put in a paste.
const NASTY: &[&str] = &[
    "\x1b]0;pwned\x1b\\",
    "\x1bPq#0;2;0;0;0\x1b\\",
    "\x1b(0",
    "\x1b]0;title\x07",
    "\x1b[2J",
    "\r",
    "\u{9b}31m",
    "\u{202E}",
];

fn assert_clean(what: &str, s: &str) {
    for bad in ['\x1b', '\r', '\u{9b}', '\u{202E}', '\x07'] {
        assert!(
            !s.contains(bad),
            "{what} holds {bad:?}:\n{}",
            s.escape_debug()
        );
    }
}

#[test]
fn pasted_control_sequences_never_reach_the_terminal() {
    let seqs = NASTY.concat();
    let msg = format!(
        "User: arn:aws:iam::123456789012:user/mal{seqs}lory is not authorized to perform: lambda:GetFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:f{seqs}x"
    );
    for fmt in ["text", "markdown", "json"] {
        let out = bin()
            .args(["explain", "--output", fmt, &msg])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1), "{fmt}");
        assert_clean(fmt, &String::from_utf8_lossy(&out.stdout));
    }
}

/// The demo snapshot with one function's strings full of control sequences.
fn hostile_snapshot(dir: &std::path::Path) -> std::path::PathBuf {
    let mut v: serde_json::Value =
        serde_json::to_value(lambda_doctor::evidence::Snapshot::demo()).expect("demo");
    v["source"] = json!("fake\x1b]0;owned\x07 source\r\nsecond line");
    v["taken_at"] = json!("2026-01-01\x1b[2J");
    let f = &mut v["functions"][0]["config"];
    f["name"] = json!("evil\n\x1b]0;title\x07name");
    f["arn"] = json!("arn:aws:lambda:us-east-1:123456789012:function:evil\x1b(0\x1bPq\x1b\\");
    let path = dir.join("hostile-snapshot.json");
    std::fs::write(&path, serde_json::to_string(&v).expect("json")).expect("write");
    path
}

#[test]
fn snapshot_strings_and_error_lines_are_sanitized() {
    let dir = tempdir("snap");
    let path = hostile_snapshot(&dir);
    for fmt in ["text", "markdown"] {
        let out = bin()
            .args([
                "check",
                "arn:aws:lambda:us-east-1:123456789012:function:evil",
                "--snapshot",
            ])
            .arg(&path)
            .args(["--output", fmt])
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("evil"), "{fmt}: {stdout}");
        assert_clean(fmt, &stdout);
    }
    // A function that is not there: one error line naming what was asked for, clean.
    let err = refused(
        bin()
            .args(["check", "no\n\x1b]0;x\x07such", "--snapshot"])
            .arg(&path),
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert_clean("stderr", &err);
}

// ── 5, 7. Endpoints that do not answer, or answer badly ────────────────────────────────────

/// A local endpoint that accepts connections and answers each request with `response`
/// (`None`: never answers). Runs until the test process ends.
fn fake_endpoint(response: Option<&'static str>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
                let mut buf = [0u8; 65536];
                let mut seen = Vec::new();
                loop {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                    if seen.windows(4).any(|w| w == b"\r\n\r\n") {
                        match response {
                            Some(r) => {
                                let _ = stream.write_all(r.as_bytes());
                                seen.clear();
                            }
                            // Hold the connection open and say nothing.
                            None => std::thread::sleep(Duration::from_secs(60)),
                        }
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

fn http(status: &str, headers: &str, body: &str) -> &'static str {
    Box::leak(
        format!(
            "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_boxed_str(),
    )
}

#[test]
fn an_endpoint_that_never_answers_is_given_up_within_fifteen_seconds() {
    let url = fake_endpoint(None);
    let started = Instant::now();
    let out = bin_with_credentials()
        .args(["check", "my-function", "--endpoint-url", &url])
        .timeout(Duration::from_secs(60))
        .output()
        .expect("run");
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(took < Duration::from_secs(17), "waited {took:?}: {err}");
    assert!(
        err.contains("no answer in time") || err.contains("did not answer"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn the_app_connection_fails_with_the_reason_within_the_budget() {
    let url = fake_endpoint(None);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    // SAFETY: this test binary's tests only read these variables through the SDK.
    unsafe {
        std::env::set_var("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "test");
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    }
    let started = Instant::now();
    let r = rt.block_on(lambda_doctor::aws::Aws::connect_and_identify(
        &lambda_doctor::aws::AwsOptions {
            profile: None,
            region: Some("us-east-1".into()),
            endpoint_url: Some(url),
        },
    ));
    assert!(started.elapsed() < Duration::from_secs(17));
    let e = r.expect_err("an endpoint that never answers is an error");
    assert!(e.no_answer(), "{e}");
}

#[test]
fn error_answers_become_one_short_line_without_dumps() {
    let cases = [
        (
            http("500 Internal Server Error", "", ""),
            "HTTP 500 (internal error)",
        ),
        (
            http(
                "400 Bad Request",
                "Content-Type: text/xml\r\n",
                &format!(
                    "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>{}</RequestId></ErrorResponse>",
                    "x".repeat(600)
                ),
            ),
            "",
        ),
        (
            http(
                "400 Bad Request",
                "Content-Type: application/json\r\nx-amzn-ErrorType: ServiceException\r\n",
                r#"{"message":"\u001b]0;pwned\u0007\u001b[2J\rnot really an error"}"#,
            ),
            "ServiceException",
        ),
    ];
    for (response, want) in cases {
        let url = fake_endpoint(Some(response));
        let err = refused(
            bin_with_credentials()
                .args(["check", "my-function", "--endpoint-url", &url])
                .timeout(Duration::from_secs(60)),
        );
        let line = err.trim_end();
        assert_eq!(line.lines().count(), 1, "{err}");
        assert!(
            line.chars().count() <= 220,
            "{} characters: {line}",
            line.len()
        );
        for dump in ["ServiceError {", "Response {", "SdkBody", "Unhandled("] {
            assert!(!line.contains(dump), "{line}");
        }
        assert!(line.contains(want), "{want:?} in {line}");
        assert_clean("stderr", &err);
    }
}

#[test]
fn a_bad_endpoint_url_and_an_unknown_profile_are_one_line_errors() {
    let err = refused(bin_with_credentials().args(["check", "f", "--endpoint-url", "not a url"]));
    assert!(err.contains("--endpoint-url: not a URL"), "{err}");
    assert!(!err.contains("Request {"), "{err}");

    // Credentials in the environment must not stand in for a profile that does not exist.
    let err = refused(
        bin_with_credentials()
            .args(["check", "f", "--profile", "nonexistent"])
            .timeout(Duration::from_secs(30)),
    );
    assert!(err.contains("profile nonexistent is not in"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

// ── 6. A check that cannot be answered says so ─────────────────────────────────────────────

fn tempdir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "lambda-doctor-hostile-{tag}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&d).expect("dir");
    d
}

/// A snapshot of the demo's orders-api (which passes every check) with `edit` applied.
fn edited_demo(tag: &str, edit: impl FnOnce(&mut serde_json::Value)) -> std::path::PathBuf {
    let mut v: serde_json::Value =
        serde_json::to_value(lambda_doctor::evidence::Snapshot::demo()).expect("demo");
    let fns = v["functions"].as_array_mut().expect("functions");
    fns.retain(|f| f["config"]["name"] == "orders-api");
    edit(&mut fns[0]);
    let path = tempdir(tag).join("snapshot.json");
    std::fs::write(&path, serde_json::to_string(&v).expect("json")).expect("write");
    path
}

fn check_json(path: &std::path::Path) -> (Option<i32>, serde_json::Value) {
    let out = bin()
        .args(["check", "orders-api", "--output", "json", "--snapshot"])
        .arg(path)
        .output()
        .expect("run");
    let v = serde_json::from_slice(&out.stdout).expect("json output");
    (out.status.code(), v)
}

#[test]
fn an_invalid_trust_policy_leaves_role_trust_unanswered_with_the_path() {
    let path = edited_demo("trust", |f| {
        f["role"]["value"]["trust_policy"] = json!({"Statement": [{"Effect": "Maybe"}]});
    });
    let (code, v) = check_json(&path);
    assert_eq!(code, Some(1), "not known to be healthy: {v}");
    let un = v["unanswered"].as_array().expect("unanswered");
    let trust = un
        .iter()
        .find(|u| u["id"] == "role.trust")
        .unwrap_or_else(|| panic!("role.trust unanswered: {v}"));
    let reason = trust["reason"].as_str().expect("reason");
    assert!(reason.contains("$.Statement[0].Effect"), "{reason}");
    assert!(
        !v["passed"]
            .as_array()
            .expect("passed")
            .contains(&json!("role.trust"))
    );
    // And the text says so.
    let out = bin()
        .args(["check", "orders-api", "--snapshot"])
        .arg(&path)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Could not answer"), "{text}");
    assert!(
        !text.contains("No problem found by the automated checks"),
        "{text}"
    );
}

#[test]
fn a_non_json_inline_policy_leaves_the_role_checks_unanswered() {
    let path = edited_demo("inline", |f| {
        let pols = f["role"]["value"]["policies"]["value"]
            .as_array_mut()
            .expect("policies");
        pols.push(json!({"name": "broken", "managed": false,
                         "document": {"status": "ok", "value": "{not json"}}));
    });
    let (code, v) = check_json(&path);
    assert_eq!(code, Some(1), "{v}");
    let ids: Vec<&str> = v["unanswered"]
        .as_array()
        .expect("unanswered")
        .iter()
        .filter_map(|u| u["id"].as_str())
        .collect();
    assert!(ids.contains(&"role.logs"), "{v}");
    let reason = v["unanswered"][0]["reason"].as_str().expect("reason");
    assert!(reason.contains("broken"), "{reason}");
}

// ── 9. Untrusted values in errors are bounded ──────────────────────────────────────────────

#[test]
fn huge_values_in_errors_are_truncated() {
    let long = "f".repeat(100_000);
    let err = refused(bin().args(["check", &long, "--demo"]));
    assert!(err.len() < 600, "{} bytes", err.len());

    // A snapshot whose function name is 5 MB: the "it has: ..." list stays short.
    let path = edited_demo("bigname", |f| {
        f["config"]["name"] = json!("n".repeat(5 * 1024 * 1024));
    });
    let err = refused(bin().args(["check", "other", "--snapshot"]).arg(&path));
    assert!(err.len() < 600, "{} bytes", err.len());
    assert_eq!(err.trim_end().lines().count(), 1);
}

#[test]
fn a_pathological_paste_in_the_app_stays_responsive() {
    use lambda_doctor::i18n::Lang;
    use lambda_doctor::tui::action::Action;
    use lambda_doctor::tui::app::{App, Options};
    within(60, "the app", || {
        let (mut app, _) = App::new(Options {
            lang: Lang::En,
            size: (80, 24),
            ..Options::default()
        });
        let mut paste = String::from("User: arn:aws:iam::123456789012:user/\n");
        paste.push_str(&"ab/\n".repeat(64 * 1024));
        app.update(Action::Paste(paste));
        app.update(Action::Enter);
        let mut t =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).expect("terminal");
        for _ in 0..5 {
            t.draw(|f| lambda_doctor::tui::view::draw(&app, f))
                .expect("draw");
            app.update(Action::Down);
        }
    });
}
