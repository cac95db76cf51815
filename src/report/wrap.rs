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
            } else if is_wide(ch) {
                if !cur.is_empty() {
                    tokens.push(std::mem::take(&mut cur));
                }
                tokens.push(ch.to_string());
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
            // Closing punctuation stays with the character before it.
            let sticky = matches!(tok.as_str(), "、" | "。" | "」" | "）" | "，" | "：" | "；");
            if w + tw > max && w > 0 && !sticky {
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
