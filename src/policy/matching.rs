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

/// The most a pattern may grow to once its variables are resolved (a policy value is at most
/// 32 KB; a request value the same order): 1 MiB.
const MAX_EXPANDED: usize = 1024 * 1024;

/// Splits a pattern into tokens; with `vars`, resolves `${...}` from the request. Returns
/// `None` when a variable has no value (the entry then matches nothing).
pub fn tokens(pattern: &str, vars: Option<&Request>) -> Option<Vec<Tok>> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut rest = pattern;
    // Once no `}` is left, no later `${` can close: searching again would make a pattern of
    // many unclosed `${` quadratic.
    let mut closes = true;
    while !rest.is_empty() {
        if let (Some(req), true, true) = (vars, closes, rest.starts_with("${"))
            && let Some(end) = rest.find('}').or_else(|| {
                closes = false;
                None
            })
        {
            let inner = &rest[2..end];
            rest = &rest[end + 1..];
            let value = resolve(inner, req)?;
            if out.len() + value.len() > MAX_EXPANDED {
                // Far beyond any real pattern: treated like a variable without a value.
                return None;
            }
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

/// Glob match over tokens; `fold` compares case-insensitively. Linear time: see [`wildcard`].
pub fn glob(pat: &[Tok], text: &str, fold: bool) -> bool {
    let f = |c: char| if fold { fold_char(c) } else { c };
    let t: Vec<char> = text.chars().map(f).collect();
    wildcard(
        pat,
        &t,
        |u| match u {
            Tok::Star => Unit::Star,
            Tok::Any1 => Unit::One,
            Tok::Lit(c) => Unit::Lit(f(*c)),
        },
        |c| c,
    )
}

/// A character's simple lower case (itself when the lower case is several characters).
fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(x), None) => x,
        _ => c,
    }
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
    let key = |b: u8| if fold { b.to_ascii_lowercase() } else { b };
    wildcard(
        pat,
        t,
        |&b| match b {
            b'*' => Unit::Star,
            b'?' => Unit::One,
            b => Unit::Lit(key(b)),
        },
        key,
    )
}

/// One unit of a glob pattern: a literal (already case-folded when folding), `?` or `*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit<T> {
    Lit(T),
    One,
    Star,
}

/// Segments longer than this are searched with a linear-time algorithm; shorter ones by
/// direct comparison, which is linear too (at most this many comparisons per position) and
/// allocates nothing.
const SHORT_SEGMENT: usize = 32;

/// The wildcard matcher behind every glob. The pattern is cut at its stars into segments:
/// the first must match at the start, the last at the end, and each one between is placed at
/// its leftmost occurrence after the previous one (leftmost placement leaves the most room for
/// the rest, so it never loses a match). Each search is linear: short segments by direct
/// comparison, long literal ones by Knuth–Morris–Pratt, long ones with `?` by bit-parallel
/// shift-and (O(text × segment / 64)). The greedy "back up to the last star" loop this
/// replaces is quadratic: `*aaaa…ab` against `aaaa…a` re-reads the text once per position.
///
/// `unit` reads a pattern element; `key` case-folds a text element.
fn wildcard<P, T: Copy + Eq + std::hash::Hash>(
    pat: &[P],
    text: &[T],
    unit: impl Fn(&P) -> Unit<T> + Copy,
    key: impl Fn(T) -> T + Copy,
) -> bool {
    let first_star = pat.iter().position(|p| unit(p) == Unit::Star);
    let Some(first_star) = first_star else {
        return pat.len() == text.len() && matches_at(pat, text, 0, unit, key);
    };
    let last_star = pat
        .iter()
        .rposition(|p| unit(p) == Unit::Star)
        .unwrap_or(first_star);
    let (prefix, suffix) = (&pat[..first_star], &pat[last_star + 1..]);
    if prefix.len() + suffix.len() > text.len()
        || !matches_at(prefix, text, 0, unit, key)
        || !matches_at(suffix, text, text.len() - suffix.len(), unit, key)
    {
        return false;
    }
    let end = text.len() - suffix.len();
    let mut pos = prefix.len();
    let middle = pat.get(first_star + 1..last_star).unwrap_or_default();
    for seg in middle.split(|p| unit(p) == Unit::Star) {
        if seg.is_empty() {
            continue;
        }
        match find(seg, &text[pos..end], unit, key) {
            Some(i) => pos += i + seg.len(),
            None => return false,
        }
    }
    true
}

/// Whether star-free `seg` matches `text` at `at` (the caller checked the length fits).
fn matches_at<P, T: Copy + Eq>(
    seg: &[P],
    text: &[T],
    at: usize,
    unit: impl Fn(&P) -> Unit<T>,
    key: impl Fn(T) -> T,
) -> bool {
    seg.iter().zip(&text[at..]).all(|(p, &c)| match unit(p) {
        Unit::Lit(l) => l == key(c),
        Unit::One => true,
        Unit::Star => false,
    })
}

/// The leftmost position where star-free `seg` matches in `hay`.
fn find<P, T: Copy + Eq + std::hash::Hash>(
    seg: &[P],
    hay: &[T],
    unit: impl Fn(&P) -> Unit<T> + Copy,
    key: impl Fn(T) -> T + Copy,
) -> Option<usize> {
    let m = seg.len();
    if m > hay.len() {
        return None;
    }
    if m <= SHORT_SEGMENT {
        return (0..=hay.len() - m).find(|&i| matches_at(seg, hay, i, unit, key));
    }
    let units: Vec<Unit<T>> = seg.iter().map(unit).collect();
    if units.contains(&Unit::One) {
        shift_and(&units, hay, key)
    } else {
        let lits: Vec<T> = units
            .iter()
            .map(|u| match u {
                Unit::Lit(l) => *l,
                _ => unreachable!("a literal segment"),
            })
            .collect();
        kmp(&lits, hay, key)
    }
}

/// Knuth–Morris–Pratt: the leftmost occurrence of `needle` in `hay`, in O(|hay| + |needle|).
fn kmp<T: Copy + Eq>(needle: &[T], hay: &[T], key: impl Fn(T) -> T) -> Option<usize> {
    let m = needle.len();
    let mut fail = vec![0usize; m];
    let mut k = 0;
    for i in 1..m {
        while k > 0 && needle[i] != needle[k] {
            k = fail[k - 1];
        }
        if needle[i] == needle[k] {
            k += 1;
        }
        fail[i] = k;
    }
    let mut k = 0;
    for (i, &c) in hay.iter().enumerate() {
        let c = key(c);
        while k > 0 && c != needle[k] {
            k = fail[k - 1];
        }
        if c == needle[k] {
            k += 1;
            if k == m {
                return Some(i + 1 - m);
            }
        }
    }
    None
}

/// Shift-and over as many 64-bit words as the segment needs: the leftmost match of a segment
/// with `?` wildcards, in O(|hay| × ⌈|segment| / 64⌉).
fn shift_and<T: Copy + Eq + std::hash::Hash>(
    units: &[Unit<T>],
    hay: &[T],
    key: impl Fn(T) -> T,
) -> Option<usize> {
    let m = units.len();
    let words = m.div_ceil(64);
    let mut any = vec![0u64; words];
    for (i, u) in units.iter().enumerate() {
        if *u == Unit::One {
            any[i / 64] |= 1 << (i % 64);
        }
    }
    let mut masks: std::collections::HashMap<T, Vec<u64>> = std::collections::HashMap::new();
    for (i, u) in units.iter().enumerate() {
        if let Unit::Lit(l) = u {
            masks.entry(*l).or_insert_with(|| any.clone())[i / 64] |= 1 << (i % 64);
        }
    }
    let last = (m - 1) / 64;
    let last_bit = 1u64 << ((m - 1) % 64);
    let mut state = vec![0u64; words];
    for (i, &c) in hay.iter().enumerate() {
        let mask = masks.get(&key(c)).unwrap_or(&any);
        let mut carry = 1u64;
        for (s, mk) in state.iter_mut().zip(mask) {
            let next_carry = *s >> 63;
            *s = ((*s << 1) | carry) & mk;
            carry = next_carry;
        }
        if state[last] & last_bit != 0 {
            return Some(i + 1 - m);
        }
    }
    None
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
