//! Secret redaction. Pasted text often carries credentials (a `~/.aws/credentials` block, an
//! `export AWS_SESSION_TOKEN=...` line, a presigned URL, a debug dump of request headers).
//! Everything the tool prints, exports or logs goes through [`redact`] first, so a secret never
//! leaves the process.
//!
//! What is redacted:
//! - the value after a secret-bearing name (`aws_secret_access_key = …`, `"SecretAccessKey":
//!   "…"`, `--secret-access-key=…`, `AWS_SESSION_TOKEN=…`, `X-Amz-Security-Token=…` URL-encoded
//!   or not, also after a URL-encoded `=`; `X-Amz-Signature=…` and SigV4's `Signature=…`),
//!   whatever its shape;
//! - a bare secret access key (40 characters of mixed-case base64 with two digits, or a digit
//!   and a `/` or `+`), also after `word=` and right after an access key id (`AKIA…:KEY`);
//! - a bare STS session token (its recognizable prefix, or a long base64 run with `/` or `+`);
//! - any of these cut by a line wrap: the pieces on both sides of the break are redacted.
//!
//! Kept: access key IDs (`AKIA…`, they help find the key in IAM), request IDs, ARNs, hex
//! digests and base64url blobs such as an EC2 encoded authorization message (the user must be
//! able to decode it).
//!
//! The scan is hand-written rather than one regular expression because the decisions need
//! context a pattern cannot express in linear time: what a run is glued to, and whether the
//! runs on either side of a line break add up to one secret.

use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// What replaces a secret.
pub const REDACTED: &str = "[REDACTED]";

/// `name = value` / `"Name": "value"` forms whose value is a secret, whatever its shape. The
/// value may be URL-encoded (`%2F`), and so may the separator (a presigned URL inside another
/// URL: `X-Amz-Security-Token%3D…`). `Signature=` covers SigV4's `Authorization` header. Group 1
/// is the name, group 3 the value.
static KEYED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)((?:aws[_-]?)?secret[_-]?(?:access[_-]?)?key|(?:aws[_-]?)?session[_-]?token|security[_-]?token|x-amz-security-token|(?:x-amz-)?signature)(["'`]?\s*(?:[:=]|%3[Dd]|%3[Aa])\s*["'`]?)((?:[A-Za-z0-9/+=]|%[0-9A-Fa-f]{2})+)"#,
    )
    .expect("valid regex")
});

/// Prefixes of STS session tokens (base64 of their binary headers).
const TOKEN_PREFIXES: [&str; 4] = [
    "IQoJb3JpZ2lu",
    "FwoGZXIvYXdz",
    "FQoGZXIvYXdz",
    "AgoJb3JpZ2lu",
];

/// A secret access key's length.
const KEY_LEN: usize = 40;

/// Redacts secret access keys, session tokens and request signatures from `text`.
pub fn redact(text: &str) -> Cow<'_, str> {
    if text.len() < 8 {
        return Cow::Borrowed(text);
    }
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let runs = runs(text);
    let mut marked = vec![false; runs.len()];
    // Runs that continue a keyed value across a line break: (run index, the value is an
    // access key still short of its 40 characters).
    let mut keyed_tail: Vec<(usize, bool)> = Vec::new();
    if mentions_secret_name(text) {
        for c in KEYED.captures_iter(text) {
            let (name, value) = (&c[1], c.get(3).expect("group 3"));
            if decoded_len(value.as_str()) < 8 {
                continue;
            }
            spans.push((value.start(), value.end()));
            // A value that reaches the end of its line may go on after a wrap.
            let next = runs.partition_point(|r| r.start <= value.end());
            if next < runs.len() && joined(text, value.end(), runs[next].start) {
                let key = name.to_ascii_lowercase().contains("key");
                let short = decoded_len(value.as_str()) < KEY_LEN;
                keyed_tail.push((next, key && short));
            }
        }
    }
    for (i, r) in runs.iter().enumerate() {
        if !r.glued_before && looks_secret(&text[r.start..r.end]) {
            marked[i] = true;
        }
    }
    // A secret cut by wraps: consecutive pieces across line breaks that are one secret
    // together (a key in a narrow pane may take three lines or more).
    let joins: Vec<bool> = (0..runs.len())
        .map(|k| k + 1 < runs.len() && joined(text, runs[k].end, runs[k + 1].start))
        .collect();
    let mut a = 0;
    while a < runs.len() {
        let mut b = a;
        while joins[b] {
            b += 1;
        }
        if b > a {
            wrapped_secrets(text, &runs, a, b, &mut marked);
        }
        a = b + 1;
    }
    for (i, key_short) in keyed_tail {
        if key_short || random_looking(&text[runs[i].start..runs[i].end]) {
            marked[i] = true;
        }
    }
    // A token goes on over the wrap on either side: its neighbours across the line breaks
    // are pieces of it when they look random.
    for i in 1..runs.len() {
        let (a, b) = (&runs[i - 1], &runs[i]);
        if marked[i - 1]
            && !marked[i]
            && joins[i - 1]
            && is_token_piece(&text[a.start..a.end])
            && random_looking(&text[b.start..b.end])
        {
            marked[i] = true;
        }
    }
    for i in (1..runs.len()).rev() {
        let (a, b) = (&runs[i - 1], &runs[i]);
        if marked[i]
            && !marked[i - 1]
            && joins[i - 1]
            && is_token_piece(&text[b.start..b.end])
            && random_looking(&text[a.start..a.end])
        {
            marked[i - 1] = true;
        }
    }
    spans.extend(
        runs.iter()
            .zip(&marked)
            .filter(|(_, m)| **m)
            .map(|(r, _)| (r.start, r.end)),
    );
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut i = 0;
    while i < spans.len() {
        let (s, mut e) = spans[i];
        i += 1;
        // Overlapping spans (a keyed value and the runs inside it) become one marker.
        while i < spans.len() && spans[i].0 <= e {
            e = e.max(spans[i].1);
            i += 1;
        }
        out.push_str(&text[last..s]);
        out.push_str(REDACTED);
        last = e;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// Marks the runs `first..=last` of one chain (each joined to the next by a line break) that
/// make a secret together: 40 characters (and padding) that look like a key, or the start of a
/// session token. Two pointers over prefix sums: linear in the chain's length, and pieces are
/// put together only for a candidate.
fn wrapped_secrets(text: &str, runs: &[Run], first: usize, last: usize, marked: &mut [bool]) {
    let piece = |k: usize| &text[runs[k].start..runs[k].end];
    // Prefix sums over the chain: length, upper, lower, digits.
    let mut ps = vec![[0u32; 4]; last - first + 2];
    for k in first..=last {
        let r = &runs[k];
        let p = ps[k - first];
        ps[k - first + 1] = [
            p[0] + piece(k).len() as u32,
            p[1] + r.upper,
            p[2] + r.lower,
            p[3] + r.digits,
        ];
    }
    let total = |i: usize, j: usize, f: usize| ps[j - first + 1][f] - ps[i - first][f];
    let prefix_len = TOKEN_PREFIXES[0].len() as u32;
    let (mut key_end, mut token_end) = (first, first);
    for i in first..last {
        key_end = key_end.max(i + 1);
        token_end = token_end.max(i + 1);
        if runs[i].glued_before || marked[i] {
            continue;
        }
        // The first end at which the pieces reach a key's length.
        while key_end < last && total(i, key_end, 0) < KEY_LEN as u32 {
            key_end += 1;
        }
        let mut j = key_end;
        while j <= last && total(i, j, 0) <= KEY_LEN as u32 + 2 {
            let len = total(i, j, 0);
            if len >= KEY_LEN as u32
                && total(i, j, 1) >= 2
                && total(i, j, 2) >= 2
                && total(i, j, 3) >= 1
            {
                let whole: String = (i..=j).map(piece).collect();
                if looks_secret(&whole) {
                    marked[i..=j].iter_mut().for_each(|m| *m = true);
                    break;
                }
            }
            j += 1;
        }
        // A token whose known prefix the wrap cut.
        if piece(i).len() < prefix_len as usize
            && TOKEN_PREFIXES.iter().any(|p| p.starts_with(piece(i)))
        {
            while token_end < last && total(i, token_end, 0) < prefix_len {
                token_end += 1;
            }
            if total(i, token_end, 0) >= prefix_len {
                let head: String = (i..=token_end)
                    .flat_map(|k| piece(k).chars())
                    .take(prefix_len as usize)
                    .collect();
                if TOKEN_PREFIXES.contains(&head.as_str()) {
                    marked[i..=token_end].iter_mut().for_each(|m| *m = true);
                }
            }
        }
    }
}

/// A maximal run of base64 characters (`A–Z a–z 0–9 / +`, `%XX` escapes, `=` padding).
#[derive(Debug, Clone, Copy)]
struct Run {
    start: usize,
    end: usize,
    /// Right after `-`, `_`, `.`, `@` or `:` (an ARN, a name, a host): not a credential, except
    /// after an access key id and a colon (`AKIA…:secret`).
    glued_before: bool,
    /// Upper-case letters, lower-case letters and digits in the run.
    upper: u32,
    lower: u32,
    digits: u32,
}

fn is_b64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'/' || b == b'+'
}

/// Every base64 run, in order (a short one matters too: it may be the start of a key that a
/// wrap cut after one character).
fn runs(text: &str) -> Vec<Run> {
    let t = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let at_escape = |j: usize| {
            t[j] == b'%'
                && j + 2 < t.len()
                && t[j + 1].is_ascii_hexdigit()
                && t[j + 2].is_ascii_hexdigit()
        };
        if !is_b64(t[i]) && !at_escape(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < t.len() {
            if is_b64(t[i]) {
                i += 1;
            } else if at_escape(i) {
                i += 3;
            } else if t[i] == b'%' {
                // An escape that a line wrap cut (`%` or `%2` at the end of a line) belongs to
                // the run: its rest starts the next line.
                let mut k = i + 1;
                if k < t.len() && t[k].is_ascii_hexdigit() {
                    k += 1;
                }
                if t[k..].starts_with(b"\n") || t[k..].starts_with(b"\r\n") {
                    i = k;
                }
                break;
            } else {
                break;
            }
        }
        // Base64 padding.
        let mut pad = 0;
        while i < t.len() && t[i] == b'=' && pad < 2 {
            i += 1;
            pad += 1;
        }
        let glued_before = start > 0
            && matches!(t[start - 1], b'-' | b'_' | b'.' | b'@' | b':')
            && !(t[start - 1] == b':' && after_access_key_id(&text[..start - 1]));
        let count = |f: fn(&u8) -> bool| t[start..i].iter().filter(|b| f(b)).count() as u32;
        out.push(Run {
            start,
            end: i,
            glued_before,
            upper: count(u8::is_ascii_uppercase),
            lower: count(u8::is_ascii_lowercase),
            digits: count(u8::is_ascii_digit),
        });
    }
    out
}

/// Whether `before` ends with an access key id (`AKIA`/`ASIA` and 16 more characters).
fn after_access_key_id(before: &str) -> bool {
    let b = before.as_bytes();
    b.len() >= 20 && {
        let id = &b[b.len() - 20..];
        (id.starts_with(b"AKIA") || id.starts_with(b"ASIA"))
            && id[4..]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    }
}

/// Whether only a line break (and perhaps the start of a `%XX` escape it cut) separates `end`
/// (the end of one run) from `start` (the next): the text a terminal wrapped.
fn joined(text: &str, end: usize, start: usize) -> bool {
    let gap = &text[end..start];
    // A wrap may cut a `%XX` escape: `%2` + break + `F…`.
    let gap = match gap.strip_prefix('%') {
        Some(rest) => rest.trim_start_matches(|c: char| c.is_ascii_hexdigit()),
        None => gap,
    };
    gap == "\n" || gap == "\r\n"
}

/// Characters a `%XX`-escaped value stands for.
fn decoded_len(s: &str) -> usize {
    s.len() - 2 * s.bytes().filter(|&b| b == b'%').count()
}

/// Whether the text names a secret-bearing key (any case), in one pass.
fn mentions_secret_name(text: &str) -> bool {
    static NAMES: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([
                "secret",
                "session_token",
                "session-token",
                "sessiontoken",
                "security_token",
                "security-token",
                "securitytoken",
                "signature",
            ])
            .expect("patterns build")
    });
    NAMES.is_match(text)
}

/// A run that is (the start or a piece of) a session token rather than an access key.
fn is_token_piece(s: &str) -> bool {
    TOKEN_PREFIXES.iter().any(|p| s.starts_with(p)) || decoded_len(s) > KEY_LEN + 2
}

/// Random base64 rather than a word: at least 8 characters from two or more of upper case,
/// lower case, digits and symbols.
fn random_looking(s: &str) -> bool {
    if s.len() < 8 {
        return false;
    }
    let classes = [
        s.bytes().any(|b| b.is_ascii_uppercase()),
        s.bytes().any(|b| b.is_ascii_lowercase()),
        s.bytes().any(|b| b.is_ascii_digit()),
        s.bytes().any(|b| matches!(b, b'/' | b'+' | b'%')),
    ];
    classes.iter().filter(|&&c| c).count() >= 2
}

/// Whether a run of base64 characters is a credential rather than an identifier.
fn looks_secret(s: &str) -> bool {
    if TOKEN_PREFIXES.iter().any(|p| s.starts_with(p)) && s.len() >= 40 {
        return true;
    }
    let core = s.trim_end_matches('=');
    if core.contains('%') {
        return false;
    }
    if core.len() != KEY_LEN {
        // Long standard-base64 runs with '/' or '+' are tokens or signatures; base64url blobs
        // (no '/' or '+') such as encoded authorization messages are kept.
        return core.len() > 100 && (core.contains('/') || core.contains('+'));
    }
    let count = |f: fn(&u8) -> bool| core.bytes().filter(&f).count();
    let upper = count(u8::is_ascii_uppercase);
    let lower = count(u8::is_ascii_lowercase);
    let digits = count(u8::is_ascii_digit);
    let symbols = core.bytes().any(|b| b == b'/' || b == b'+');
    // Random base64 has both cases, digits, and usually a symbol; a long CamelCase name, a hex
    // digest or a path of words (`/Users/JaneDoe/Projects/OrderApi/handler`) does not. A key
    // with fewer than two digits and no symbol (3 in 1,000) is redacted only after its name.
    upper >= 2 && lower >= 2 && digits >= 1 && (symbols || digits >= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    /// No 16 consecutive characters of `secret` in `r` (wrapped at `at`).
    fn assert_no_piece(r: &str, secret: &str, at: usize) {
        for w in secret.as_bytes().windows(16) {
            let w = std::str::from_utf8(w).expect("ascii");
            assert!(!r.contains(w), "wrapped at {at}: {r}");
        }
    }

    #[test]
    fn redacts_credentials_file() {
        let t = format!(
            "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {KEY}\n"
        );
        let r = redact(&t);
        assert!(!r.contains("wJalrXUtnFEMI"), "{r}");
        assert!(r.contains("aws_secret_access_key = [REDACTED]"));
        assert!(r.contains("AKIAIOSFODNN7EXAMPLE"), "key ids are kept");
    }

    #[test]
    fn redacts_bare_secret_and_session_token() {
        let token = format!("IQoJb3JpZ2luX2VjEJr{}", "a1B2c3D4".repeat(30));
        let t = format!("key {KEY} and token {token} end");
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
    fn redacts_after_a_word_and_equals_and_after_a_key_id() {
        for pre in [
            "secret=",
            "key=",
            "MY_APP_SECRET=",
            "--secret-access-key=",
            "AKIAIOSFODNN7EXAMPLE:",
        ] {
            let t = format!("run with {pre}{KEY} now");
            let r = redact(&t);
            assert!(!r.contains("wJalrXUtnFEMI"), "{pre}: {r}");
            assert!(r.contains("now"), "{r}");
        }
        assert!(
            redact(&format!("AKIAIOSFODNN7EXAMPLE:{KEY}")).starts_with("AKIAIOSFODNN7EXAMPLE:")
        );
    }

    #[test]
    fn redacts_url_encoded_tokens_and_signatures() {
        let t = "https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr%2F%2F%2F%2FwEaCXVzLWVhc3QtMSJHMEUCIQD6abcdefghijk%2Bl%3D%3D&X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef&x=1";
        let r = redact(t);
        assert!(!r.contains("wEaCXVzLWVhc3Qt"), "{r}");
        assert!(!r.contains("0123456789abcdef0123"), "{r}");
        assert!(r.contains("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE"), "{r}");
        assert!(r.ends_with("&x=1"), "{r}");
    }

    #[test]
    fn redacts_sigv4_signatures_and_double_encoded_tokens() {
        let h = "Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024";
        let r = redact(h);
        assert!(!r.contains("fe5f80f77d5fa3be"), "{r}");
        assert!(r.contains("Credential=AKIAIOSFODNN7EXAMPLE"), "{r}");
        let t = "next=https%3A%2F%2Fb.s3.amazonaws.com%2Fk%3FX-Amz-Security-Token%3DIQoJb3JpZ2luX2VjEJr%252F%252FwEaCXVzLWVhc3QtMSJHMEUCIQD6abcdefghijk%26X-Amz-Date%3D1";
        let r = redact(t);
        assert!(!r.contains("wEaCXVzLWVhc3Qt"), "{r}");
    }

    #[test]
    fn redacts_a_url_encoded_token_wrapped_anywhere() {
        let token = "IQoJb3JpZ2luX2VjEJr%2F%2F%2F%2FwEaCXVzLWVhc3QtMSJHMEUCIQD6abcdefghijk%2Bl0Rc%2BFMu%2Bj4TpyHQ%2BfIWhnB4%2BmnTvt7p2nzWf7r8ZTz7iPQXzHsZ%3D";
        for at in 1..token.len() {
            let t = format!(
                "https://b/k?X-Amz-Security-Token={}\n{}&X-Amz-Date=1",
                &token[..at],
                &token[at..]
            );
            let r = redact(&t);
            assert_no_piece(&r, token, at);
            assert!(r.ends_with("&X-Amz-Date=1"), "{r}");
        }
    }

    #[test]
    fn redacts_a_key_wrapped_over_three_lines() {
        let t = format!("key {}\n{}\n{} end", &KEY[..12], &KEY[12..25], &KEY[25..]);
        let r = redact(&t);
        assert!(!r.contains(&KEY[12..25]), "{r}");
        assert!(!r.contains(&KEY[..12]) && !r.contains(&KEY[25..]), "{r}");
    }

    #[test]
    fn redacts_a_key_cut_by_a_wrap() {
        for at in 1..KEY.len() {
            let (a, b) = KEY.split_at(at);
            for t in [
                format!("the key {a}\n{b} was used"),
                format!("aws_secret_access_key = {a}\n{b}\nregion = us-east-1"),
            ] {
                let r = redact(&t);
                assert_no_piece(&r, KEY, at);
                assert!(
                    r.contains("region = us-east-1") || r.contains("was used"),
                    "{r}"
                );
            }
        }
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
        let names = "stack ThisIsAVeryLongGeneratedResourceNameXY\nregion us-east-1";
        assert_eq!(redact(names), names);
        let path = "at /Users/JaneDoe/Projects/OrderApi/handler (line 3)";
        assert_eq!(redact(path), path);
    }
}
