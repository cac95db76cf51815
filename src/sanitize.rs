//! Terminal safety for untrusted text. Pasted messages, snapshot files and answers from an
//! endpoint can carry control sequences that a terminal would obey: change the window title,
//! clear the screen, switch the character set, hide text, or move the cursor back with `\r`
//! so that a printed line says something other than what it holds. Everything lambda-doctor
//! renders for a terminal or as Markdown goes through [`clean`] (or [`clean_keep_sgr`] for
//! coloured text, whose own colour codes must survive) and every one-line error through
//! [`line`]. JSON needs none of this: serde escapes control characters.
//!
//! Removed: ANSI escape sequences of every kind (CSI, OSC ended by BEL or `ESC \`, DCS, SOS,
//! PM, APC, character-set designations such as `ESC ( 0`, and two-character escapes), C1
//! control characters (U+0080–U+009F, among them the 8-bit CSI), and Unicode bidirectional
//! overrides (which can reorder what a reader sees). Replaced by a space: other C0 control
//! characters, `\r` among them. Kept: `\n` and `\t`.
//!
//! Hand-written: the crates that strip ANSI codes (`strip-ansi-escapes`, `console`) target
//! colour codes in program output and keep C1 controls, bidi overrides and lone `\r`; this
//! scan is one linear pass over all of them.

use std::borrow::Cow;

const ESC: char = '\x1b';

/// Whether `c` needs attention (fast path: most text has none).
fn special(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi(c)
}

/// Unicode bidirectional embedding, override and isolate controls.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// `s` without control sequences (see the module documentation).
pub fn clean(s: &str) -> Cow<'_, str> {
    scrub(s, false)
}

/// [`clean`], but the tool's own colour codes ([`OWN_SGR`]) are kept: for text output the tool
/// coloured itself. Untrusted values are cleaned before they are coloured.
pub fn clean_keep_sgr(s: &str) -> Cow<'_, str> {
    scrub(s, true)
}

fn scrub(s: &str, keep_sgr: bool) -> Cow<'_, str> {
    if !s.chars().any(special) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if !special(c) {
            out.push(c);
            continue;
        }
        if c == ESC {
            let end = escape_end(s, i);
            if keep_sgr && is_sgr(&s[i..end]) {
                out.push_str(&s[i..end]);
            }
            while it.peek().is_some_and(|&(j, _)| j < end) {
                it.next();
            }
            continue;
        }
        if c == '\u{9b}' {
            // The 8-bit CSI: its parameters and final byte go with it.
            let end = csi_end(s, i + c.len_utf8());
            while it.peek().is_some_and(|&(j, _)| j < end) {
                it.next();
            }
            continue;
        }
        if matches!(c, '\u{90}' | '\u{9d}' | '\u{98}' | '\u{9e}' | '\u{9f}') {
            // 8-bit DCS, OSC, SOS, PM, APC: a string up to ST (8-bit or `ESC \`) or BEL.
            let end = string_end(s, i + c.len_utf8());
            while it.peek().is_some_and(|&(j, _)| j < end) {
                it.next();
            }
            continue;
        }
        if is_bidi(c) || ('\u{80}'..='\u{9f}').contains(&c) {
            continue;
        }
        // A Windows line end is a line end.
        if c == '\r' && it.peek().is_some_and(|&(_, n)| n == '\n') {
            continue;
        }
        // Other C0 controls (\r, BEL, backspace, ...).
        out.push(' ');
    }
    Cow::Owned(out)
}

/// Where the escape sequence starting at `i` (an ESC) ends (exclusive).
fn escape_end(s: &str, i: usize) -> usize {
    let b = s.as_bytes();
    let j = i + 1;
    match b.get(j) {
        None => j,
        Some(b'[') => csi_end(s, j + 1),
        // OSC, DCS, SOS, PM, APC: strings ended by ST or BEL.
        Some(b']' | b'P' | b'X' | b'^' | b'_') => string_end(s, j + 1),
        // Character-set designation and similar: ESC, intermediates (0x20–0x2F), one final.
        Some(c) if (0x20..=0x2f).contains(c) => {
            let mut k = j;
            while k < b.len() && (0x20..=0x2f).contains(&b[k]) {
                k += 1;
            }
            next_boundary(s, k)
        }
        // Any other two-character escape (ESC 7, ESC c, ESC M, ...).
        Some(_) => next_boundary(s, j),
    }
}

/// One character past `k` (at a character boundary), or the end.
fn next_boundary(s: &str, k: usize) -> usize {
    match s[k.min(s.len())..].chars().next() {
        Some(c) => k + c.len_utf8(),
        None => s.len(),
    }
}

/// The end of a CSI whose parameters start at `j`: parameter and intermediate bytes
/// (0x20–0x3F), then one final byte (0x40–0x7E). A malformed one ends where it breaks.
fn csi_end(s: &str, j: usize) -> usize {
    let b = s.as_bytes();
    let mut k = j;
    while k < b.len() && (0x20..=0x3f).contains(&b[k]) {
        k += 1;
    }
    if k < b.len() && (0x40..=0x7e).contains(&b[k]) {
        k + 1
    } else {
        k
    }
}

/// The end of a control string starting at `j`: after BEL, `ESC \` or the 8-bit ST; the whole
/// rest when it is never ended (a terminal would swallow it too).
fn string_end(s: &str, j: usize) -> usize {
    let rest = &s[j.min(s.len())..];
    for (k, c) in rest.char_indices() {
        match c {
            '\x07' | '\u{9c}' => return j + k + c.len_utf8(),
            ESC => {
                return if rest[k + 1..].starts_with('\\') {
                    j + k + 2
                } else {
                    // Another escape ends the string; it is scanned on its own.
                    j + k
                };
            }
            _ => {}
        }
    }
    s.len()
}

/// The colour codes the tool itself writes (`report::Style`): bold, dim, red, yellow, green,
/// cyan and reset. Any other SGR (conceal, invisible, blink...) is not the tool's.
pub const OWN_SGR: &[&str] = &["0", "1", "2", "1;31", "33", "32", "36"];

/// One of the tool's own select-graphic-rendition sequences.
fn is_sgr(seq: &str) -> bool {
    seq.strip_prefix("\x1b[")
        .and_then(|r| r.strip_suffix('m'))
        .is_some_and(|p| OWN_SGR.contains(&p))
}

/// One line for an error message or a single-line field: cleaned, every run of whitespace
/// (line breaks included) made one space, and cut at `max` characters with an ellipsis.
pub fn line(s: &str, max: usize) -> String {
    let cleaned = clean(s);
    let mut out = String::with_capacity(cleaned.len().min(max.saturating_mul(4)));
    let mut count = 0;
    let mut space = false;
    for c in cleaned.trim().chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space {
            if count + 1 >= max {
                out.push('…');
                return out;
            }
            out.push(' ');
            count += 1;
            space = false;
        }
        if count + 1 >= max {
            out.push('…');
            return out;
        }
        out.push(c);
        count += 1;
    }
    out
}

/// The longest untrusted value (a function name, a path, an answer from an endpoint) quoted
/// in an error line.
pub const MAX_QUOTED: usize = 120;

/// An untrusted value quoted in an error line: one line, at most [`MAX_QUOTED`] characters.
pub fn quoted(s: &str) -> String {
    line(s, MAX_QUOTED)
}

/// Cleans every string (keys and values) of a JSON document in place: for snapshot files,
/// whose values end up on the terminal. Returns whether anything changed.
pub fn clean_json(v: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match v {
        Value::String(s) => {
            if let Cow::Owned(c) = clean(s) {
                *s = c;
                return true;
            }
            false
        }
        Value::Array(a) => a.iter_mut().fold(false, |ch, x| clean_json(x) | ch),
        Value::Object(o) => {
            if o.keys().any(|k| k.chars().any(special)) {
                let old = std::mem::take(o);
                for (k, mut val) in old {
                    clean_json(&mut val);
                    o.insert(clean(&k).into_owned(), val);
                }
                true
            } else {
                o.values_mut().fold(false, |ch, x| clean_json(x) | ch)
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_every_kind_of_sequence() {
        let cases = [
            ("a\x1b[2Jb", "ab"),
            ("a\x1b]0;title\x07b", "ab"),
            ("a\x1b]0;title\x1b\\b", "ab"),
            ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),
            ("a\x1b(0lqk\x1b(Bb", "alqkb"),
            ("a\x1b_apc\x1b\\b", "ab"),
            ("a\u{9b}31mb", "ab"),
            ("a\u{9d}0;t\u{9c}b", "ab"),
            ("a\rb\x08c\x07d", "a b c d"),
            ("crlf\r\nline", "crlf\nline"),
            ("a\u{202E}b\u{2066}c", "abc"),
            ("keep\nlines\tand tabs", "keep\nlines\tand tabs"),
            ("日本語\x1b[31m赤", "日本語赤"),
            ("trailing\x1b", "trailing"),
            ("trailing\x1b]0;never ended", "trailing"),
        ];
        for (input, want) in cases {
            assert_eq!(clean(input), want, "{input:?}");
        }
    }

    #[test]
    fn keeps_colour_when_asked_and_only_colour() {
        let s = "\x1b[1;31mred\x1b[0m \x1b]0;x\x07\x1b[2J\x1b[8mhidden";
        assert_eq!(clean_keep_sgr(s), "\x1b[1;31mred\x1b[0m hidden");
        assert_eq!(clean(s), "red hidden");
    }

    #[test]
    fn one_line_and_truncated() {
        assert_eq!(line("a\n\nb\r\n c", 100), "a b c");
        let long = "x".repeat(5_000_000);
        let l = line(&long, 120);
        assert_eq!(l.chars().count(), 120);
        assert!(l.ends_with('…'));
    }

    #[test]
    fn cleans_json_strings_and_keys() {
        let mut v = serde_json::json!({"name\x1b[2J": ["f\x1b]0;t\x07", {"x": "ok"}]});
        assert!(clean_json(&mut v));
        assert!(!clean_json(&mut v));
        assert_eq!(v, serde_json::json!({"name": ["f", {"x": "ok"}]}));
    }
}
