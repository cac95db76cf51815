//! Wrapping by display width: CJK characters take two terminal cells, and Japanese or Chinese
//! text may break between any two characters, while Latin text breaks at spaces.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display width in terminal cells.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

fn is_wide(c: char) -> bool {
    c.width().unwrap_or(0) >= 2
}

/// Characters a Japanese or Chinese line must not start with (kinsoku): small kana, the long
/// vowel mark, closing brackets and punctuation.
fn no_line_start(c: char) -> bool {
    matches!(
        c,
        'ー' | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'ヮ'
            | 'ヵ'
            | 'ヶ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | 'ぁ'
            | 'ぃ'
            | 'ぅ'
            | 'ぇ'
            | 'ぉ'
            | 'ゎ'
            | '、'
            | '。'
            | '，'
            | '．'
            | '・'
            | '：'
            | '；'
            | '？'
            | '！'
            | '々'
            | '〜'
            | '）'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '》'
            | '”'
            | '’'
            | ')'
            | ']'
            | '}'
            | ','
            | '.'
            | ':'
            | ';'
            | '!'
            | '?'
    )
}

/// Characters a line must not end with: opening brackets.
fn no_line_end(c: char) -> bool {
    matches!(
        c,
        '（' | '「' | '『' | '【' | '〔' | '〈' | '《' | '“' | '‘' | '(' | '[' | '{'
    )
}

/// Wraps `text` to lines of at most `max` cells (a single over-long token such as an ARN
/// stays whole on its own line rather than being cut).
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(10);
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut w = 0;
        // Tokens: runs of non-space Latin characters, single wide characters, and spaces.
        let mut tokens: Vec<String> = Vec::new();
        let mut cur = String::new();
        for ch in para.chars() {
            if ch == ' ' {
                if !cur.is_empty() {
                    tokens.push(std::mem::take(&mut cur));
                }
                tokens.push(" ".into());
            } else if is_wide(ch) || no_line_start(ch) {
                let glue_back = no_line_start(ch)
                    && (cur.is_empty() && tokens.last().is_some_and(|t| t != " "));
                if glue_back {
                    // Never start a line with it: stay with the character before.
                    if let Some(t) = tokens.last_mut() {
                        t.push(ch);
                    }
                } else if no_line_start(ch) && !cur.is_empty() {
                    cur.push(ch);
                    if is_wide(ch) {
                        // A line may break after wide punctuation.
                        tokens.push(std::mem::take(&mut cur));
                    }
                } else if is_wide(ch) {
                    if !cur.is_empty() {
                        tokens.push(std::mem::take(&mut cur));
                    }
                    // After an opening bracket, stay with it.
                    match tokens.last_mut() {
                        Some(t) if t.chars().last().is_some_and(no_line_end) => t.push(ch),
                        _ => tokens.push(ch.to_string()),
                    }
                } else {
                    cur.push(ch);
                }
            } else {
                cur.push(ch);
            }
        }
        if !cur.is_empty() {
            tokens.push(cur);
        }
        for tok in tokens {
            let tw = width(&tok);
            if tok == " " {
                if w > 0 && w < max {
                    line.push(' ');
                    w += 1;
                }
                continue;
            }
            if w + tw > max && w > 0 {
                lines.push(line.trim_end().to_string());
                line.clear();
                w = 0;
            }
            line.push_str(&tok);
            w += tw;
        }
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// [`wrap`], then cuts any word longer than a line (a URL, an ARN) across lines, so nothing
/// is hidden past the right edge of a screen.
pub fn wrap_hard(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut out = Vec::new();
    for line in wrap(text, max) {
        if width(&line) <= max {
            out.push(line);
            continue;
        }
        let mut cur = String::new();
        let mut w = 0;
        for ch in line.chars() {
            let cw = ch.width().unwrap_or(0);
            if w + cw > max && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
                w = 0;
            }
            cur.push(ch);
            w += cw;
        }
        out.push(cur);
    }
    out
}

/// Cuts `s` to at most `max` cells, with an ellipsis when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for ch in s.chars() {
        let cw = ch.width().unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        out.push(ch);
        w += cw;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hard_wrap_cuts_long_words_and_keeps_every_character() {
        let url = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html";
        let lines = wrap_hard(&format!("see {url}"), 30);
        assert!(lines.iter().all(|l| width(l) <= 30), "{lines:?}");
        assert_eq!(lines[0], "see");
        assert_eq!(lines[1..].concat(), url);
        let ja = wrap_hard("日本語のテキスト", 5);
        assert!(ja.iter().all(|l| width(l) <= 5), "{ja:?}");
        assert_eq!(ja.concat(), "日本語のテキスト");
    }

    #[test]
    fn wraps_latin_at_spaces() {
        assert_eq!(
            wrap("one two three four five", 10),
            vec!["one two", "three four", "five"]
        );
    }

    #[test]
    fn wraps_cjk_by_cells() {
        let lines = wrap("実行ロールにアクセス許可がありません。", 10);
        assert!(lines.iter().all(|l| width(l) <= 10), "{lines:?}");
        assert_eq!(lines.concat(), "実行ロールにアクセス許可がありません。");
    }

    #[test]
    fn kinsoku() {
        for max in 10..30 {
            for l in wrap(
                "ステートメントをセッションポリシーに追加します。「ロール」を確認してください。",
                max,
            ) {
                let first = l.chars().next().expect("non-empty");
                let last = l.chars().last().expect("non-empty");
                assert!(
                    !no_line_start(first),
                    "{max}: line starts with {first}: {l}"
                );
                assert!(!no_line_end(last), "{max}: line ends with {last}: {l}");
            }
        }
    }

    #[test]
    fn long_tokens_stay_whole() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:my-function";
        assert_eq!(
            wrap(&format!("see {arn}"), 20),
            vec!["see".to_string(), arn.to_string()]
        );
    }

    #[test]
    fn truncates_by_width() {
        assert_eq!(truncate("日本語テキスト", 7), "日本語…");
        assert_eq!(truncate("short", 10), "short");
    }
}
