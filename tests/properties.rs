//! Properties of the recognizer that must hold for any input: no panic, bounded output,
//! secrets never survive, huge inputs finish.

use lambda_doctor::recognize::{MAX_FINDINGS, recognize};
use lambda_doctor::redact::redact;
use proptest::prelude::*;

/// Fragments of real messages, to build adversarial pastes from.
const FRAGMENTS: &[&str] = &[
    "User: ",
    "arn:aws:iam::123456789012:user/",
    "arn:aws:sts::123456789012:assumed-role/r/s",
    " is not authorized to perform: ",
    "not authorized to perform",
    "lambda:InvokeFunction",
    " on resource: ",
    "\"arn:aws:s3:::b/k\"",
    " because no resource-based policy allows the x:Y action",
    " with an explicit deny in a service control policy: arn:aws:organizations::1:policy/o-1/p-1",
    "An error occurred (AccessDenied) when calling the PutObject operation: Access Denied",
    "(Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException; Request ID: x)",
    "The provided execution role does not have permissions to call",
    "Encoded authorization failure message: ",
    "authorization id: ",
    "\\\"",
    "\\n",
    "\\u00",
    "\n",
    "                              ",
    "│ ",
    "\x1b[31m",
    "{\"Records\": [",
    "`",
    "'",
    "日本語",
    "<ARN>",
];

fn fragment_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(FRAGMENTS).prop_map(str::to_string),
            "[ -~]{0,20}",
            any::<String>(),
        ],
        0..60,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_any_text(s in any::<String>()) {
        let f = recognize(&s);
        prop_assert!(f.len() <= MAX_FINDINGS);
    }

    #[test]
    fn never_panics_on_message_soup(s in fragment_soup()) {
        let found = recognize(&s);
        prop_assert!(found.len() <= MAX_FINDINGS);
        for f in &found {
            prop_assert!(f.excerpt.chars().count() <= 401);
            if let Some(a) = &f.action {
                prop_assert!(a.contains(':'), "actions carry a service prefix: {a}");
            }
        }
    }

    #[test]
    fn a_known_message_is_found_inside_noise(
        before in "[ -~\n]{0,300}",
        after in "[ -~\n]{0,300}",
        user in "[a-z][a-z0-9-]{2,20}",
    ) {
        let msg = format!(
            "User: arn:aws:iam::123456789012:user/{user} is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/exec"
        );
        let text = format!("{before}\n{msg}\n{after}");
        let found = recognize(&text);
        let principal = format!("arn:aws:iam::123456789012:user/{user}");
        prop_assert!(
            found.iter().any(|f| f.action.as_deref() == Some("iam:PassRole")
                && f.principal_arn.as_deref() == Some(principal.as_str())),
            "not found in {text:?}: {found:?}"
        );
    }

    #[test]
    fn secret_keys_are_redacted_wherever_they_are(
        before in "[ -~]{0,80}",
        secret in "[A-Za-z0-9/+]{40}",
        after in "[ -~]{0,80}",
    ) {
        let line = format!("{before} aws_secret_access_key = {secret} {after}");
        let r = redact(&line);
        prop_assert!(!r.contains(&secret), "{r}");
    }
}

#[test]
fn ten_megabyte_inputs_finish_with_bounded_output() {
    let unit = "2024-01-01T00:00:00Z\tabc\tUser: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k\n";
    let big = unit.repeat(10 * 1024 * 1024 / unit.len());
    let f = recognize(&big);
    assert_eq!(f.len(), 1, "identical lines deduplicate to one finding");

    // Many distinct messages: capped.
    let mut many = String::new();
    let mut i = 0;
    while many.len() < 10 * 1024 * 1024 {
        many.push_str(&format!(
            "User: arn:aws:iam::123456789012:user/u{i} is not authorized to perform: lambda:GetFunction\n"
        ));
        i += 1;
    }
    let r = lambda_doctor::recognize::recognize_all(&many);
    assert_eq!(r.findings.len(), MAX_FINDINGS);
    assert!(r.truncated);
    assert!(!lambda_doctor::recognize::recognize_all(&big).truncated);

    // No separators at all, and a phrase repeated without anything between.
    let arn_run = "arn:aws:iam::1:user/".repeat(10 * 1024 * 1024 / 20);
    assert!(recognize(&arn_run).is_empty());
    let phrase_run = "is not authorized to perform: ".repeat(10 * 1024 * 1024 / 30);
    assert!(recognize(&phrase_run).is_empty());
    let escapes = "\\\"\\n".repeat(10 * 1024 * 1024 / 4);
    assert!(recognize(&escapes).is_empty());
}
