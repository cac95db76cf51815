//! Wildcards (`*`, `?`), actions, resource ARNs (segment by segment, case rules), and policy
//! variables (`${aws:username}`, defaults, `${*}` escapes).

use super::request::Request;

/// One piece of a pattern after variables are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    Lit(char),
    Star,
    Any1,
}

/// Splits a pattern into tokens; with `vars`, resolves `${...}` from the request. Returns
/// `None` when a variable has no value (the entry then matches nothing).
pub fn tokens(pattern: &str, vars: Option<&Request>) -> Option<Vec<Tok>> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut rest = pattern;
    while !rest.is_empty() {
        if let (Some(req), true) = (vars, rest.starts_with("${"))
            && let Some(end) = rest.find('}')
        {
            let inner = &rest[2..end];
            rest = &rest[end + 1..];
            let value = resolve(inner, req)?;
            out.extend(value.chars().map(Tok::Lit));
            continue;
        }
        let ch = rest.chars().next().expect("non-empty");
        rest = &rest[ch.len_utf8()..];
        out.push(match ch {
            '*' => Tok::Star,
            '?' => Tok::Any1,
            c => Tok::Lit(c),
        });
    }
    Some(out)
}

/// The value of a policy variable: `${*}`, `${?}`, `${$}` escapes; `${key}` from the request
/// context; `${key, 'default'}`.
fn resolve(inner: &str, req: &Request) -> Option<String> {
    match inner {
        "*" => return Some("*".into()),
        "?" => return Some("?".into()),
        "$" => return Some("$".into()),
        _ => {}
    }
    let (key, default) = match inner.split_once(',') {
        Some((k, d)) => {
            let d = d.trim();
            let d = d.strip_prefix('\'').and_then(|x| x.strip_suffix('\''));
            (k.trim(), d.map(str::to_string))
        }
        None => (inner.trim(), None),
    };
    match req.single(key) {
        Some(v) => Some(v.to_string()),
        None => default,
    }
}

/// Glob match over tokens; `fold` compares case-insensitively. Linear-time (greedy with
/// backtracking to the last star).
pub fn glob(pat: &[Tok], text: &str, fold: bool) -> bool {
    let t: Vec<char> = text.chars().collect();
    let (mut p, mut s) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    let eq = |a: char, b: char| {
        if fold {
            a.eq_ignore_ascii_case(&b) || a.to_lowercase().eq(b.to_lowercase())
        } else {
            a == b
        }
    };
    while s < t.len() {
        if p < pat.len() {
            match pat[p] {
                Tok::Star => {
                    star = Some(p);
                    mark = s;
                    p += 1;
                    continue;
                }
                Tok::Any1 => {
                    p += 1;
                    s += 1;
                    continue;
                }
                Tok::Lit(c) if eq(c, t[s]) => {
                    p += 1;
                    s += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some(sp) => {
                p = sp + 1;
                mark += 1;
                s = mark;
            }
            None => return false,
        }
    }
    while p < pat.len() && pat[p] == Tok::Star {
        p += 1;
    }
    p == pat.len()
}

/// A plain glob without variables. ASCII inputs (nearly all of IAM) take an allocation-free
/// byte path.
pub fn glob_str(pattern: &str, text: &str, fold: bool) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        return glob_bytes(pattern.as_bytes(), text.as_bytes(), fold);
    }
    glob(&tokens(pattern, None).unwrap_or_default(), text, fold)
}

/// `*` / `?` glob over ASCII bytes.
fn glob_bytes(pat: &[u8], t: &[u8], fold: bool) -> bool {
    let (mut p, mut s) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while s < t.len() {
        if p < pat.len() {
            let c = pat[p];
            if c == b'*' {
                star = Some(p);
                mark = s;
                p += 1;
                continue;
            }
            if c == b'?' || c == t[s] || (fold && c.eq_ignore_ascii_case(&t[s])) {
                p += 1;
                s += 1;
                continue;
            }
        }
        match star {
            Some(sp) => {
                p = sp + 1;
                mark += 1;
                s = mark;
            }
            None => return false,
        }
    }
    while p < pat.len() && pat[p] == b'*' {
        p += 1;
    }
    p == pat.len()
}

/// Whether an action pattern (`s3:Get*`, `*`) matches an action; case-insensitive.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    // Fast reject on the service prefix when the pattern's prefix has no wildcard.
    if let (Some((ps, _)), Some((s, _))) = (pattern.split_once(':'), action.split_once(':'))
        && !ps.contains(['*', '?'])
        && !ps.eq_ignore_ascii_case(s)
    {
        return false;
    }
    glob_str(pattern, action, true)
}

/// Whether a resource pattern matches a resource. ARNs are compared segment by segment:
/// partition, service, region and account case-insensitively, the resource part
/// case-sensitively (a `*` there also spans `:` and `/`). A request for `"*"` (a
/// wildcard-only action) is matched only by `"*"`.
pub fn resource_matches(pattern: &str, resource: &str, vars: Option<&Request>) -> bool {
    if pattern == "*" {
        return true;
    }
    if resource == "*" && !pattern.contains("${") {
        return false;
    }
    // Without variables and in ASCII: compare segments in place, without allocating.
    if !(vars.is_some() && pattern.contains("${")) && pattern.is_ascii() && resource.is_ascii() {
        if let (Some(pv), Some(rv)) = (split6(pattern), split6(resource)) {
            return (0..5).all(|i| glob_bytes(pv[i].as_bytes(), rv[i].as_bytes(), true))
                && glob_bytes(pv[5].as_bytes(), rv[5].as_bytes(), false);
        }
        return glob_bytes(pattern.as_bytes(), resource.as_bytes(), false);
    }
    let Some(toks) = tokens(pattern, vars) else {
        return false;
    };
    if toks == [Tok::Star] {
        return true;
    }
    if resource == "*" {
        return false;
    }
    let rp: Vec<&str> = resource.splitn(6, ':').collect();
    let segs = arn_segments(toks);
    if rp.len() == 6 && segs.len() == 6 {
        return (0..5).all(|i| glob(&segs[i], rp[i], true)) && glob(&segs[5], rp[5], false);
    }
    // Not a full ARN on one side: compare whole strings, case-sensitively.
    let whole: Vec<Tok> = segs.join(&Tok::Lit(':'));
    glob(&whole, resource, false)
}

/// Pattern tokens split at their first five literal colons: the parts of an ARN pattern.
fn arn_segments(toks: Vec<Tok>) -> Vec<Vec<Tok>> {
    let mut segs: Vec<Vec<Tok>> = vec![vec![]];
    for t in toks {
        if t == Tok::Lit(':') && segs.len() < 6 {
            segs.push(vec![]);
        } else {
            segs.last_mut().expect("one segment").push(t);
        }
    }
    segs
}

/// The six parts of an ARN, without allocating; `None` for anything else.
fn split6(s: &str) -> Option<[&str; 6]> {
    let mut it = s.splitn(6, ':');
    let out = [
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    ];
    Some(out)
}

/// ARN condition matching (ArnEquals/ArnLike): each of the six colon-separated parts is
/// matched on its own, so a `*` never spans a colon.
pub fn arn_condition_matches(pattern: &str, value: &str, vars: Option<&Request>) -> bool {
    let Some(toks) = tokens(pattern, vars) else {
        return false;
    };
    let vp: Vec<&str> = value.splitn(6, ':').collect();
    let segs = arn_segments(toks);
    if segs.len() != vp.len() {
        return false;
    }
    // The resource part may hold further colons; its stars stay within it but do not span
    // into the earlier parts.
    segs.iter().zip(&vp).enumerate().all(|(i, (s, v))| {
        if i == 5 {
            let no_colon_star = !v.contains(':') || !s.contains(&Tok::Star);
            glob(s, v, false) && (no_colon_star || segments_align(s, v))
        } else {
            glob(s, v, false)
        }
    })
}

/// In ArnLike's last part, a `*` must not swallow a colon-separated structure the pattern
/// does not have: the number of colons must agree.
fn segments_align(pat: &[Tok], v: &str) -> bool {
    let pat_colons = pat.iter().filter(|t| **t == Tok::Lit(':')).count();
    pat_colons == v.matches(':').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_str("a*c", "abbbc", false));
        assert!(glob_str("a?c", "abc", false));
        assert!(!glob_str("a?c", "ac", false));
        assert!(glob_str("*log*", "carlossalazar-logs/file.txt", false));
        assert!(!glob_str("ABC", "abc", false));
        assert!(glob_str("ABC", "abc", true));
        // Linear on adversarial input.
        let long = "a".repeat(10_000);
        assert!(!glob_str(&format!("{}b", "*a".repeat(50)), &long, false));
    }

    #[test]
    fn actions_ignore_case() {
        assert!(action_matches("iam:ListAccessKeys", "IAM:listaccesskeys"));
        assert!(action_matches("s3:*Object*", "s3:GetObjectAcl"));
        assert!(!action_matches("s3:Get*", "s3:PutObject"));
        assert!(!action_matches(" s3:GetObject", "s3:GetObject"));
    }

    #[test]
    fn lambda_qualifiers() {
        let f = "arn:aws:lambda:us-west-2:123456789012:function:myFunction";
        assert!(resource_matches(f, f, None));
        assert!(!resource_matches(f, &format!("{f}:1"), None));
        assert!(resource_matches(&format!("{f}:*"), &format!("{f}:1"), None));
        assert!(!resource_matches(&format!("{f}:*"), f, None));
        assert!(resource_matches(&format!("{f}*"), &format!("{f}:1"), None));
        assert!(resource_matches(&format!("{f}*"), &format!("{f}Two"), None));
    }

    #[test]
    fn resource_case_rules() {
        assert!(resource_matches(
            "arn:AWS:S3:::bucket/key",
            "arn:aws:s3:::bucket/key",
            None
        ));
        assert!(!resource_matches(
            "arn:aws:s3:::Bucket/key",
            "arn:aws:s3:::bucket/key",
            None
        ));
        assert!(!resource_matches("arn:aws:s3:::b/*", "*", None));
        assert!(resource_matches("*", "*", None));
    }

    #[test]
    fn arn_like_keeps_parts_apart() {
        let p = "arn:aws:someservice:*:111122223333:finance/*";
        let v = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
        assert!(!arn_condition_matches(p, v, None));
        assert!(glob_str(p, v, false), "StringLike spans colons");
        assert!(arn_condition_matches(
            "arn:aws:s3:::my-bucket",
            "arn:aws:s3:::my-bucket",
            None
        ));
        assert!(arn_condition_matches(
            "arn:aws:sns:*:123456789012:*",
            "arn:aws:sns:us-east-1:123456789012:topic",
            None
        ));
    }
}
