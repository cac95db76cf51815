//! Secret redaction. Pasted text often carries credentials (a `~/.aws/credentials` block, an
//! `export AWS_SESSION_TOKEN=...` line, a debug dump of request headers). Everything the tool
//! prints or logs goes through [`redact`] first, so a secret never leaves the process.

use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// What replaces a secret.
pub const REDACTED: &str = "[REDACTED]";

/// `key = value` / `"Key": "value"` forms whose value is a secret, whatever its shape.
static KEYED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)((?:aws_)?secret_?access_?key|secret[_-]?key|aws_session_token|session_?token|security_?token|x-amz-security-token)(["'`]?\s*[:=]\s*["'`]?)([A-Za-z0-9/+=]{8,})"#,
    )
    .expect("valid regex")
});

/// Standalone secret access keys (40 base64 characters) and STS session tokens (long base64
/// strings with a recognizable prefix).
static BARE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz|AgoJb3JpZ2lu)[A-Za-z0-9/+=]{40,}|[A-Za-z0-9/+=]{40,}",
    )
    .expect("valid regex")
});

/// Redacts secret access keys and session tokens from `text`.
///
/// Access key IDs (`AKIA...`) are identifiers, not secrets, and are kept: they help find the
/// key in IAM. Request IDs, ARNs, hex digests and base64url blobs (such as an EC2 encoded
/// authorization message, which the user must be able to decode) are kept too.
pub fn redact(text: &str) -> Cow<'_, str> {
    if text.len() < 8 {
        return Cow::Borrowed(text);
    }
    // Cheap prefilters keep the common case (no secret) from compiling the patterns.
    let keyed = if mentions_secret_key(text) {
        KEYED.replace_all(text, |c: &regex::Captures| {
            format!("{}{}{}", &c[1], &c[2], REDACTED)
        })
    } else {
        Cow::Borrowed(text)
    };
    if !has_long_base64_run(&keyed) {
        return keyed;
    }
    let mut out = String::new();
    let mut last = 0;
    for m in BARE.find_iter(&keyed) {
        // A run glued to an identifier ("assumed-role/...", "key:...") is part of an ARN or
        // a name, not a credential.
        let glued = keyed[..m.start()]
            .chars()
            .next_back()
            .is_some_and(|c| matches!(c, '-' | '_' | ':' | '.' | '@'));
        if glued || !looks_secret(m.as_str()) {
            continue;
        }
        out.push_str(&keyed[last..m.start()]);
        out.push_str(REDACTED);
        last = m.end();
    }
    if last == 0 {
        return keyed;
    }
    out.push_str(&keyed[last..]);
    Cow::Owned(out)
}

/// Whether the text names a secret-bearing key (any case), in one pass.
fn mentions_secret_key(text: &str) -> bool {
    static KEYS: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([
                "access_key",
                "accesskey",
                "secret_key",
                "secret-key",
                "secretkey",
                "_token",
                "sessiontoken",
                "securitytoken",
                "security-token",
            ])
            .expect("patterns build")
    });
    KEYS.is_match(text)
}

/// Whether the text has 40 base64 characters in a row.
fn has_long_base64_run(text: &str) -> bool {
    let mut run = 0;
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b == b'/' || b == b'+' || b == b'=' {
            run += 1;
            if run >= 40 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// Whether a run of base64 characters is a credential rather than an identifier.
fn looks_secret(s: &str) -> bool {
    let session_prefix = [
        "IQoJb3JpZ2lu",
        "FwoGZXIvYXdz",
        "FQoGZXIvYXdz",
        "AgoJb3JpZ2lu",
    ]
    .iter()
    .any(|p| s.starts_with(p));
    if session_prefix {
        return true;
    }
    // A secret access key is exactly 40 characters of mixed-case base64.
    let core = s.trim_end_matches('=');
    if core.len() != 40 {
        // Long standard-base64 runs with '/' or '+' are tokens or signatures; base64url blobs
        // (no '/' or '+') such as encoded authorization messages are kept.
        return core.len() > 100 && (core.contains('/') || core.contains('+'));
    }
    let count = |f: fn(&u8) -> bool| core.bytes().filter(&f).count();
    let upper = count(u8::is_ascii_uppercase);
    let lower = count(u8::is_ascii_lowercase);
    let digits = count(u8::is_ascii_digit);
    let symbols = core.bytes().any(|b| b == b'/' || b == b'+');
    // Random base64 has both cases and digits; a long CamelCase name or a path does not.
    upper >= 3 && lower >= 3 && digits >= 1 && (symbols || digits >= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_credentials_file() {
        let t = "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
        let r = redact(t);
        assert!(!r.contains("wJalrXUtnFEMI"), "{r}");
        assert!(r.contains("aws_secret_access_key = [REDACTED]"));
        assert!(r.contains("AKIAIOSFODNN7EXAMPLE"), "key ids are kept");
    }

    #[test]
    fn redacts_bare_secret_and_session_token() {
        let token = format!("IQoJb3JpZ2luX2VjEJr{}", "a1B2c3D4".repeat(30));
        let t = format!("key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY and token {token} end");
        let r = redact(&t);
        assert_eq!(r, "key [REDACTED] and token [REDACTED] end");
    }

    #[test]
    fn redacts_export_and_json_forms() {
        let t = r#"export AWS_SESSION_TOKEN=FwoGZXIvYXdzEBYaDHhFakeTokenValue1234 {"SecretAccessKey": "abcdEFGH1234abcdEFGH1234abcdEFGH1234abcd"}"#;
        let r = redact(t);
        assert!(!r.contains("FakeTokenValue"), "{r}");
        assert!(!r.contains("abcdEFGH1234"), "{r}");
    }

    #[test]
    fn keeps_identifiers() {
        let t = "Request ID: 8a953b98-4508-4852-b4b8-98fd540dbaf8 sha 0123456789abcdef0123456789abcdef01234567 arn:aws:lambda:us-east-1:123456789012:function:my-function";
        assert_eq!(redact(t), t);
        let encoded = format!(
            "Encoded authorization failure message: {}",
            "Ab_c-D".repeat(60)
        );
        assert_eq!(redact(&encoded), encoded);
    }
}
