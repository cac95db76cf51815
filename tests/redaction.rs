//! No secret survives: random secret access keys and session tokens, embedded in every form
//! people paste them in (a credentials file, `word=`, `AKIA…:`, a JSON document, a presigned
//! URL, URL-encoded), and wrapped by a terminal at any position, never show 16 or more
//! consecutive characters in any output: redaction itself, `explain` as text, JSON and
//! Markdown, and the app's Markdown export.

use lambda_doctor::diagnose::Diagnosis;
use lambda_doctor::i18n::Lang;
use lambda_doctor::recognize::recognize_all;
use lambda_doctor::redact::redact;
use lambda_doctor::report::{self, Style};
use lambda_doctor::tree::Tree;
use lambda_doctor::tree::walk::NoEvidence;
use lambda_doctor::tui::action::{Action, Effect};
use lambda_doctor::tui::app::{App, Options};
use proptest::prelude::*;

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// A secret access key as AWS makes them: 40 random base64 characters. (One with fewer than
/// two digits and no symbol — 3 in 1,000 — reads like a name and is redacted only after a
/// secret's name; the generator places two digits so that every form applies.)
fn secret_key() -> impl Strategy<Value = String> {
    (prop::collection::vec(0usize..64, 40), 0usize..40, 0u8..10).prop_map(|(idx, at, d)| {
        let mut k: Vec<u8> = idx.iter().map(|&i| B64[i]).collect();
        k[at] = b'0' + d;
        k[(at + 20) % 40] = b'9' - d;
        // Both cases, as random keys have.
        k[(at + 1) % 40] = b'Q';
        k[(at + 2) % 40] = b'q';
        k[(at + 3) % 40] = b'Z';
        k[(at + 4) % 40] = b'z';
        String::from_utf8(k).expect("ascii")
    })
}

/// An STS session token: a known prefix and a few hundred random base64 characters.
fn session_token() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["IQoJb3JpZ2lu", "FwoGZXIvYXdz"]),
        prop::collection::vec(0usize..64, 200..700),
    )
        .prop_map(|(p, idx)| {
            let body: String = idx.iter().map(|&i| B64[i] as char).collect();
            format!("{p}{body}")
        })
}

fn url_encode(s: &str) -> String {
    s.replace('/', "%2F")
        .replace('+', "%2B")
        .replace('=', "%3D")
}

/// The forms a key is pasted in; `{}` is the key.
const KEY_FORMS: &[&str] = &[
    "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {}\nregion = us-east-1",
    "export AWS_SECRET_ACCESS_KEY={}",
    "the key is {} (rotate it)",
    "secret={}",
    "key={}&x=1",
    "MY_APP_SECRET={}",
    "aws configure set --secret-access-key={} --profile p",
    "AKIAIOSFODNN7EXAMPLE:{}",
    "{\"AccessKeyId\": \"ASIAIOSFODNN7EXAMPLE\", \"SecretAccessKey\": \"{}\"}",
];

/// The forms a token is pasted in; `{}` is the token, `{url}` the URL-encoded token.
const TOKEN_FORMS: &[&str] = &[
    "aws_session_token = {}",
    "export AWS_SESSION_TOKEN={}",
    "\"SessionToken\": \"{}\"",
    "token {} end",
    "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Security-Token={url}&X-Amz-Signature=abc",
];

/// Wraps `text` as a terminal does: a line break after the `at`-th character of `secret`.
fn wrap_inside(text: &str, secret: &str, at: usize) -> String {
    match text.find(secret) {
        Some(i) if at > 0 && at < secret.len() => {
            format!("{}\n{}", &text[..i + at], &text[i + at..])
        }
        _ => text.to_string(),
    }
}

/// A real permission error around the secret, so every output renders a finding.
fn paste(form_filled: &str) -> String {
    format!(
        "An error occurred (AccessDeniedException) when calling the CreateFunction operation: User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/exec\nmy shell history:\n{form_filled}\n"
    )
}

/// Every output a person can get from a paste.
fn outputs(text: &str) -> Vec<(&'static str, String)> {
    let tree = Tree::embedded().expect("tree");
    let found = recognize_all(text);
    let diagnoses: Vec<Diagnosis> = found
        .findings
        .into_iter()
        .map(|f| Diagnosis::new(tree, f, &NoEvidence))
        .collect();
    let style = Style {
        color: false,
        width: 100,
    };
    let mut out = vec![
        ("redact", redact(text).into_owned()),
        ("text", report::text(&diagnoses, false, Lang::En, style)),
        ("json", report::json(&diagnoses, false, Lang::En)),
        ("markdown", report::markdown(&diagnoses, false, Lang::En)),
    ];
    // The app: paste, analyse, walk to the fix, export.
    let (mut app, _) = App::new(Options {
        lang: Lang::En,
        size: (80, 24),
        export_dir: std::env::temp_dir(),
        ..Options::default()
    });
    app.update(Action::Paste(text.to_string()));
    out.push(("app paste box", app.paste.text.clone()));
    app.update(Action::Enter);
    if app.walk.is_none() {
        app.update(Action::Enter);
    }
    let mut presses = 0;
    while app.walk.as_ref().is_some_and(|w| !w.diag.walk.at_fix()) && presses < 20 {
        app.update(Action::Enter);
        presses += 1;
    }
    for e in app.update(Action::Export) {
        if let Effect::Export { contents, .. } = e {
            out.push(("app export", contents));
        }
    }
    out
}

fn assert_no_piece(outs: &[(&str, String)], secret: &str) -> Result<(), TestCaseError> {
    for (name, o) in outs {
        for w in secret.as_bytes().windows(16) {
            let w = std::str::from_utf8(w).expect("ascii");
            prop_assert!(!o.contains(w), "{name} shows {w:?} of the secret:\n{o}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn keys_never_show(key in secret_key(), form in 0..KEY_FORMS.len(), at in 0usize..40) {
        let filled = KEY_FORMS[form].replace("{}", &key);
        let text = paste(&wrap_inside(&filled, &key, at));
        let outs = outputs(&text);
        prop_assert!(outs.iter().any(|(n, _)| *n == "app export"), "the app exported");
        assert_no_piece(&outs, &key)?;
    }

    #[test]
    fn tokens_never_show(token in session_token(), form in 0..TOKEN_FORMS.len(), at in 0usize..700) {
        let url = url_encode(&token);
        let filled = TOKEN_FORMS[form].replace("{url}", &url).replace("{}", &token);
        let shown = if TOKEN_FORMS[form].contains("{url}") { url.clone() } else { token.clone() };
        let at = at % shown.len();
        let text = paste(&wrap_inside(&filled, &shown, at));
        let outs = outputs(&text);
        assert_no_piece(&outs, &shown)?;
        // The raw token's pieces must not show either (the URL form holds them between escapes).
        assert_no_piece(&outs[..1], &token.replace(['/', '+', '='], "")[..32])?;
    }
}

#[test]
fn every_wrap_position_of_a_key_is_redacted() {
    let key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    for form in KEY_FORMS {
        let filled = form.replace("{}", key);
        for at in 0..key.len() {
            let r = redact(&wrap_inside(&filled, key, at)).into_owned();
            for w in key.as_bytes().windows(16) {
                let w = std::str::from_utf8(w).expect("ascii");
                assert!(!r.contains(w), "{form:?} wrapped at {at}: {r}");
            }
        }
    }
}

#[test]
fn signatures_are_redacted_and_credentials_ids_kept() {
    let url = "https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024&X-Amz-Date=20240101T000000Z";
    let r = redact(url);
    assert!(!r.contains("fe5f80f77d5fa3be"), "{r}");
    assert!(r.contains("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE"), "{r}");
    assert!(r.contains("X-Amz-Date=20240101T000000Z"), "{r}");
}
