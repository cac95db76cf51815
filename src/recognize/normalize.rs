//! Undo what terminals, tables, log shippers and JSON did to a message before it reached the
//! clipboard: colour codes, JSON string escapes, Terraform's box-drawing gutter, and lines that
//! a terminal or a table column wrapped in the middle of an ARN.

/// Normalizes `text`; the result is what every detector reads.
pub fn normalize(text: &str) -> String {
    let mut s = text.to_string();
    if s.contains('\r') {
        s = s.replace("\r\n", "\n").replace('\r', "\n");
    }
    // Colour codes and every other terminal control sequence (and control character) go.
    if let std::borrow::Cow::Owned(c) = crate::sanitize::clean(&s) {
        s = c;
    }
    // CloudFormation consoles and log lines use tabs; Terraform draws a gutter of box
    // characters.
    if s.contains('\t') {
        s = s.replace('\t', " ");
    }
    if s.contains(['│', '╷', '╵', '┃']) {
        s = s
            .chars()
            .map(|c| match c {
                '│' | '╷' | '╵' | '┃' => ' ',
                c => c,
            })
            .collect();
    }
    // JSON-escaped text (a message inside a JSON string inside a log line): unescape up to
    // twice, for doubly encoded payloads.
    for _ in 0..2 {
        if s.contains("\\\"") || s.contains("\\n") || s.contains("\\u00") || s.contains("\\/") {
            s = unescape_json(&s);
        } else {
            break;
        }
    }
    // Text copied from an HTML page or an HTML-escaped log: &quot; &lt; &#39; ...
    if s.contains('&')
        && s.contains(';')
        && let std::borrow::Cow::Owned(d) = html_escape::decode_html_entities(&s)
    {
        s = d;
    }
    // Markdown code spans around ARNs and actions, and the pipes of a Markdown or console
    // table, are layout: they become spaces (a value never holds them).
    if s.contains(['`', '|']) {
        s = s
            .chars()
            .map(|c| if c == '`' || c == '|' { ' ' } else { c })
            .collect();
    }
    // Unescaping may have produced control characters (`\u001b`).
    if let std::borrow::Cow::Owned(c) = crate::sanitize::clean(&s) {
        s = c;
    }
    let s = strip_log_prefixes(&s);
    rejoin_phrases(&unwrap_lines(&s))
}

/// A log's timestamp at the start of a line (ISO 8601, or `2024/05/01 10:00:00`).
static LOG_PREFIX: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?m)^\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?[ \t]+",
    )
    .expect("regex")
});

/// When every line of a log starts with a timestamp, the timestamps go: a message wrapped
/// over several log lines then reads as one.
fn strip_log_prefixes(s: &str) -> std::borrow::Cow<'_, str> {
    let lines = s.lines().filter(|l| !l.trim().is_empty()).count();
    if lines < 2 || LOG_PREFIX.find_iter(s).count() < lines {
        return std::borrow::Cow::Borrowed(s);
    }
    LOG_PREFIX.replace_all(s, "")
}

/// The fixed phrases detectors look for, with any whitespace (a line break and an indentation
/// from a terminal, a table or a YAML block) where they have a space.
static PHRASES: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(concat!(
        r"(?i)(?:is\s+)?not\s+authorized(?:\s+to\s+perform)?",
        r"|an\s+error\s+occurred|when\s+calling\s+the\s+[A-Za-z0-9]+\s+operation",
        r"|operation\s+error|https\s+response\s+error|status\s*code:|error\s+code:",
        r"|access\s+denied|access\s+to\s+the\s+resource|encoded\s+authorization\s+failure\s+message",
        r"|explicit\s+deny|on\s+resource:",
    ))
    .expect("regex")
});

/// Each phrase of [`PHRASES`] that a line break split is put back on one line (its whitespace
/// runs become one space); nothing else moves.
fn rejoin_phrases(s: &str) -> String {
    if !s.contains('\n') {
        return s.to_string();
    }
    PHRASES
        .replace_all(s, |c: &regex::Captures| {
            let m = &c[0];
            if m.contains('\n') {
                m.split_whitespace().collect::<Vec<_>>().join(" ")
            } else {
                m.to_string()
            }
        })
        .into_owned()
}

/// Replaces JSON escapes with the characters they stand for; leaves anything else alone.
fn unescape_json(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('"') => {
                out.push('"');
                chars.next();
            }
            Some('\\') => {
                out.push('\\');
                chars.next();
            }
            Some('/') => {
                out.push('/');
                chars.next();
            }
            Some('n') => {
                out.push('\n');
                chars.next();
            }
            Some('t') => {
                out.push(' ');
                chars.next();
            }
            Some('r') => {
                chars.next();
            }
            Some('u') => {
                let mut look = chars.clone();
                look.next();
                let hex: String = look.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) if hex.len() == 4 => {
                        out.push(ch);
                        chars = look;
                    }
                    _ => out.push('\\'),
                }
            }
            _ => out.push('\\'),
        }
    }
    out
}

/// Joins lines that were wrapped in the middle of a token:
/// - a line ending in an ARN fragment that ends with `/`, `:` or `-`
///   (`...:user/` + `marymajor`, textwrap's `assumed-` + `role/...`);
/// - lines hard-wrapped at a fixed terminal width (several lines of the same, usual width);
/// - continuation lines of a table cell (a long run of leading spaces, as in SAM's tables),
///   joined without a space where the cell's text filled the column.
fn unwrap_lines(s: &str) -> String {
    let lines: Vec<&str> = s.split('\n').collect();
    if lines.len() < 2 {
        return s.to_string();
    }
    let width = wrap_width(&lines);
    let cells = cell_widths(&lines);
    let mut out = Joined::with_capacity(s.len());
    let mut prev: Option<(usize, &str)> = None;
    for (i, line) in lines.iter().enumerate() {
        if let Some((pi, p)) = prev {
            let ctx = JoinContext {
                prev: p,
                line,
                last_tok: out.last_token(),
                last_tok_has_arn: out.tok_has_arn,
                width,
                cell_width: cells.get(&indent_of(line)).copied(),
                prev_is_cell: pi > 0 && indent_of(p) >= 20,
            };
            match join_kind(&ctx) {
                Join::Raw => out.push("", line),
                Join::Direct => {
                    out.trim_end();
                    out.push("", line.trim_start());
                }
                Join::Space => {
                    out.trim_end();
                    out.push(" ", line.trim_start());
                }
                Join::Newline => out.push("\n", line),
            }
        } else {
            out.push("", line);
        }
        prev = Some((i, line));
    }
    out.text
}

/// The text joined so far, and where its last token is, kept up to date as lines are added so
/// that no line costs more than its own length (searching the growing text again on every line
/// made a paste of many short pieces quadratic).
struct Joined {
    text: String,
    /// The end of the text without its trailing whitespace.
    content_end: usize,
    /// Where the last whitespace-free token of `text[..content_end]` starts.
    tok_start: usize,
    /// Whether that token contains `arn:`.
    tok_has_arn: bool,
}

impl Joined {
    fn with_capacity(n: usize) -> Joined {
        Joined {
            text: String::with_capacity(n),
            content_end: 0,
            tok_start: 0,
            tok_has_arn: false,
        }
    }

    fn last_token(&self) -> &str {
        &self.text[self.tok_start..self.content_end]
    }

    /// Drops trailing whitespace.
    fn trim_end(&mut self) {
        self.text.truncate(self.content_end);
    }

    /// Appends `sep` and `line`.
    fn push(&mut self, sep: &str, line: &str) {
        let from = self.text.len();
        self.text.push_str(sep);
        self.text.push_str(line);
        let added = &self.text[from..];
        let trimmed = added.trim_end();
        if trimmed.is_empty() {
            // Only whitespace: the last token is where it was, but no longer at the end
            // unless nothing separates them (then nothing changed).
            return;
        }
        let new_end = from + trimmed.len();
        let continues = match trimmed.rfind(char::is_whitespace) {
            Some(i) => {
                let ws = trimmed[i..].chars().next().map_or(1, char::len_utf8);
                self.tok_start = from + i + ws;
                false
            }
            // The added text continues the last token when it follows it directly.
            None if self.content_end == from => true,
            None => {
                self.tok_start = from;
                false
            }
        };
        self.content_end = new_end;
        self.tok_has_arn = if continues {
            // Only where "arn:" could newly appear: across the seam and in the added text.
            let seam =
                super::floor_boundary(&self.text, from.saturating_sub(3).max(self.tok_start));
            self.tok_has_arn || self.text[seam..new_end].contains("arn:")
        } else {
            self.last_token().contains("arn:")
        };
    }
}

enum Join {
    /// Append the line as it is (a hard wrap: its leading space is real text).
    Raw,
    /// Append without the line's indentation and without a space.
    Direct,
    /// Append after one space.
    Space,
    Newline,
}

struct JoinContext<'a> {
    prev: &'a str,
    line: &'a str,
    /// The last token joined so far (it may span several lines).
    last_tok: &'a str,
    /// Whether it contains `arn:` (kept as lines are joined: searching it again per line would
    /// be quadratic).
    last_tok_has_arn: bool,
    width: Option<usize>,
    /// The width of the table column this continuation line belongs to.
    cell_width: Option<usize>,
    prev_is_cell: bool,
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '*' | '$' | '<' | '>' | '.' | ':' | '/')
}

/// An ARN fragment that a wrap cut after a separator.
fn cut_arn(tok: &str, has_arn: bool) -> bool {
    has_arn && (tok.ends_with('/') || tok.ends_with(':') || tok.ends_with('-'))
}

fn join_kind(c: &JoinContext) -> Join {
    let p = c.prev.trim_end();
    let l = c.line.trim_start();
    if p.is_empty() || l.is_empty() {
        return Join::Newline;
    }
    // A terminal that hard-wrapped at a fixed width cuts wherever the width falls.
    if let Some(w) = c.width {
        // A run of trailing spaces is padding (a table), not a cut.
        if char_len(c.prev) == w && !c.prev.ends_with("  ") {
            return Join::Raw;
        }
    }
    let last_tok = c.last_tok;
    let first = l.chars().next().unwrap_or(' ');
    let first_tok = l.split(char::is_whitespace).next().unwrap_or("");
    let indent = indent_of(c.line);
    // A table cell continued on the next line, under its column.
    if indent >= 20 && c.prev.len() > indent {
        if cut_arn(last_tok, c.last_tok_has_arn) && is_token_char(first) {
            return Join::Direct;
        }
        // The previous piece filled the column: the wrap broke a word.
        let prev_piece = if c.prev_is_cell {
            p.trim_start()
        } else {
            &p[super::floor_boundary(p, indent.min(p.len()))..]
        };
        if c.cell_width
            .is_some_and(|w| prev_piece.chars().count() >= w)
            && is_token_char(first)
            && p.chars().last().is_some_and(is_token_char)
        {
            return Join::Direct;
        }
        return Join::Space;
    }
    // An ARN cut right after a separator: "arn:aws:iam::123456789012:user/" + "marymajor".
    if cut_arn(last_tok, c.last_tok_has_arn) && is_token_char(first) && !first_tok.contains("arn:")
    {
        let next_is_word =
            first_tok.chars().all(|ch| ch.is_ascii_lowercase()) && first_tok.len() <= 3;
        if !next_is_word {
            return Join::Direct;
        }
    }
    Join::Newline
}

/// For each indentation of 20+ spaces, the widest text on such lines: the width of that table
/// column.
fn cell_widths(lines: &[&str]) -> std::collections::HashMap<usize, usize> {
    let mut m = std::collections::HashMap::new();
    for l in lines {
        let ind = indent_of(l);
        if ind >= 20 && l.len() > ind {
            let w = l.trim().chars().count();
            let e = m.entry(ind).or_insert(0);
            if w > *e {
                *e = w;
            }
        }
    }
    m
}

/// Characters in a line (its byte length when it is ASCII, the common case).
fn char_len(l: &str) -> usize {
    if l.is_ascii() {
        l.len()
    } else {
        l.chars().count()
    }
}

/// Terminal widths people paste from.
const TERMINAL_WIDTHS: &[usize] = &[80, 100, 120, 132, 140, 150, 160, 180, 200, 220, 240];

/// The width a terminal wrapped the text at: the longest line length, when it is a usual
/// terminal width, at least two lines have it exactly, and some line is shorter (a log of
/// identical lines is not a wrapped paste).
fn wrap_width(lines: &[&str]) -> Option<usize> {
    let lens: Vec<usize> = lines.iter().map(|l| char_len(l)).collect();
    let max = *lens.iter().max()?;
    if !TERMINAL_WIDTHS.contains(&max) {
        return None;
    }
    let n = lens.iter().filter(|&&l| l == max).count();
    let shorter = lens.iter().any(|&l| l > 0 && l < max);
    (n >= 2 && shorter).then_some(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_arn_split_after_slash() {
        let t = "User: arn:aws:iam::123456789012:user/\nmarymajor\nis not authorized to perform: iam:PassRole";
        let n = normalize(t);
        assert!(
            n.contains("arn:aws:iam::123456789012:user/marymajor\nis not authorized"),
            "{n}"
        );
    }

    #[test]
    fn unescapes_json() {
        let t = r#"{\"ErrorMessage\":\"User: sns.amazonaws.com is not\u0020authorized\"}"#;
        assert_eq!(
            normalize(t),
            r#"{"ErrorMessage":"User: sns.amazonaws.com is not authorized"}"#
        );
    }

    #[test]
    fn strips_ansi_and_terraform_gutter() {
        let t = "\x1b[31m│\x1b[0m \x1b[1mError:\x1b[0m creating Lambda Function";
        assert_eq!(normalize(t).trim(), "Error: creating Lambda Function");
    }

    #[test]
    fn joins_fixed_width_wrap() {
        let a = "x".repeat(70);
        let t = format!(
            "{a}\n{}arn:aws:lambda:us-east-1:12345678\n9012:function:f\nnext",
            "y".repeat(40)
        );
        // Only one line has the maximal length: no fixed width is inferred.
        assert!(normalize(&t).contains("12345678\n9012"));
        let w1 = format!("{}arn:aws:lambda:us-ea", "y".repeat(60));
        let w2 = format!("st-1:123456789012:function:f{}", "q".repeat(52));
        assert_eq!(w1.chars().count(), 80);
        let t3 = format!("{w1}\n{w2}\nend");
        assert_eq!(w1.chars().count(), w2.chars().count());
        assert!(normalize(&t3).contains("arn:aws:lambda:us-east-1:123456789012:function:f"));
        // Identical log lines of one length are not a wrapped paste.
        let line = format!("{}x", "a".repeat(79));
        let log = format!("{line}\n{line}\n{line}");
        assert_eq!(normalize(&log), log);
    }

    #[test]
    fn joins_table_cells() {
        let t = "CREATE_FAILED   AWS::Lambda::Function   MyFn   User: arn:aws:iam::1:user/\n                                               bob is not authorized";
        let n = normalize(t);
        assert!(n.contains("user/bob is not authorized"), "{n}");
    }
}
