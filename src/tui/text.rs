//! The TUI's own strings (`assets/i18n/tui.json`, three languages) and the paste box: text
//! with a cursor, laid out by display width.

use crate::i18n::{Lang, Text};
use std::collections::BTreeMap;
use std::sync::LazyLock;
use unicode_width::UnicodeWidthChar;

static TUI_JSON: &str = include_str!("../../assets/i18n/tui.json");

static TUI: LazyLock<BTreeMap<String, Text>> =
    LazyLock::new(|| serde_json::from_str(TUI_JSON).unwrap_or_default());

/// A TUI string by key. A missing key shows the key itself; a test makes sure every key the
/// code uses exists in all three languages.
pub fn tui(key: &str, lang: Lang) -> &'static str {
    match TUI.get(key) {
        Some(t) => t.get(lang),
        None => {
            // Keys are string literals in this crate; leaking the rare missing one keeps the
            // signature simple and never happens once the test passes.
            Box::leak(key.to_string().into_boxed_str())
        }
    }
}

/// The raw table, for the test that checks every language is present.
pub fn tui_table() -> &'static BTreeMap<String, Text> {
    &TUI
}

/// Most text the paste box holds: the same limit as `explain`.
pub const MAX_BOX: usize = crate::cli::MAX_INPUT;

/// The paste box: text and a cursor (a byte offset on a char boundary).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextBox {
    pub text: String,
    pub cursor: usize,
}

/// Pasted text as the box keeps it: line ends as `\n`, tabs as spaces, terminal control
/// sequences and other control characters removed (see [`crate::sanitize`]).
pub fn clean(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    crate::sanitize::clean(&s).replace('\t', " ")
}

impl TextBox {
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// Inserts at the cursor. Returns false (and inserts nothing) when the box would exceed
    /// [`MAX_BOX`].
    pub fn insert(&mut self, s: &str) -> bool {
        if self.text.len() + s.len() > MAX_BOX {
            return false;
        }
        self.text.insert_str(self.cursor, s);
        self.cursor += s.len();
        true
    }

    pub fn set(&mut self, s: String) {
        self.cursor = s.len();
        self.text = s;
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    fn prev_boundary(&self) -> Option<usize> {
        self.text[..self.cursor]
            .char_indices()
            .last()
            .map(|(i, _)| i)
    }

    fn next_boundary(&self) -> Option<usize> {
        self.text[self.cursor..]
            .chars()
            .next()
            .map(|c| self.cursor + c.len_utf8())
    }

    pub fn backspace(&mut self) {
        if let Some(p) = self.prev_boundary() {
            self.text.replace_range(p..self.cursor, "");
            self.cursor = p;
        }
    }

    pub fn delete(&mut self) {
        if let Some(n) = self.next_boundary() {
            self.text.replace_range(self.cursor..n, "");
        }
    }

    pub fn left(&mut self) {
        if let Some(p) = self.prev_boundary() {
            self.cursor = p;
        }
    }

    pub fn right(&mut self) {
        if let Some(n) = self.next_boundary() {
            self.cursor = n;
        }
    }

    pub fn line_start(&mut self) {
        self.cursor = self.text[..self.cursor].rfind('\n').map_or(0, |i| i + 1);
    }

    pub fn line_end(&mut self) {
        self.cursor = self.text[self.cursor..]
            .find('\n')
            .map_or(self.text.len(), |i| self.cursor + i);
    }

    /// Number of lines.
    pub fn lines(&self) -> usize {
        self.text.lines().count().max(1)
    }

    /// The rows to show in a `width` × `height` box, hard-wrapped by display width, scrolled so
    /// the cursor is visible; and the cursor's (column, row) in that window.
    pub fn layout(&self, width: usize, height: usize) -> (Vec<String>, (u16, u16)) {
        let width = width.max(2);
        let height = height.max(1);
        // Only the lines around the cursor: a 10 MB paste must not be laid out every frame.
        let mut start = self.text[..self.cursor].rfind('\n').map_or(0, |i| i + 1);
        for _ in 0..height {
            if start == 0 {
                break;
            }
            start = self.text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        }
        // …and at most 64 KiB of one line before the cursor.
        let floor = self.cursor.saturating_sub(64 * 1024);
        while start < floor || !self.text.is_char_boundary(start) {
            start += 1;
        }
        let mut end = self.cursor;
        let mut after = 0;
        while end < self.text.len() && after < height {
            match self.text[end..].find('\n') {
                Some(i) => {
                    end += i + 1;
                    after += 1;
                }
                None => end = self.text.len(),
            }
        }
        end = end.min(self.cursor + 64 * 1024).min(self.text.len());
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let visible = &self.text[start..end];
        let at = self.cursor - start;
        let mut rows: Vec<String> = vec![String::new()];
        let mut col = 0usize;
        let mut cursor = (0usize, 0usize);
        for (i, ch) in visible.char_indices() {
            if i == at {
                cursor = (col, rows.len() - 1);
            }
            if ch == '\n' {
                rows.push(String::new());
                col = 0;
                continue;
            }
            let w = ch.width().unwrap_or(0);
            if col + w > width {
                rows.push(String::new());
                col = 0;
            }
            rows.last_mut().expect("never empty").push(ch);
            col += w;
        }
        if at >= visible.len() {
            if col >= width {
                rows.push(String::new());
                col = 0;
            }
            cursor = (col, rows.len() - 1);
        }
        let first = (cursor.1 + 1).saturating_sub(height);
        let shown: Vec<String> = rows.into_iter().skip(first).take(height).collect();
        (shown, (cursor.0 as u16, (cursor.1 - first) as u16))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editing_moves_by_characters() {
        let mut b = TextBox::default();
        assert!(b.insert("aé日"));
        b.left();
        b.backspace();
        assert_eq!(b.text, "a日");
        b.line_start();
        b.delete();
        assert_eq!((b.text.as_str(), b.cursor), ("日", 0));
        b.line_end();
        assert_eq!(b.cursor, 3);
        assert!(!b.insert(&"x".repeat(MAX_BOX)), "over the limit");
        assert_eq!(b.text, "日");
    }

    #[test]
    fn layout_wraps_wide_characters_and_follows_the_cursor() {
        let mut b = TextBox::default();
        b.insert("日本語のテキスト\nline two\nthree");
        let (rows, cur) = b.layout(6, 3);
        // 6 cells hold three wide characters; the last rows end at the cursor.
        assert_eq!(rows, vec!["line t", "wo", "three"]);
        assert_eq!(cur, (5, 2));
        b.cursor = 0;
        let (rows, cur) = b.layout(6, 2);
        assert_eq!(rows, vec!["日本語", "のテキ"]);
        assert_eq!(cur, (0, 0));
    }

    #[test]
    fn every_tui_string_is_used_and_in_every_language() {
        let sources = [
            include_str!("mod.rs"),
            include_str!("app.rs"),
            include_str!("view.rs"),
            include_str!("keys.rs"),
            include_str!("fixdoc.rs"),
        ];
        let re = regex::Regex::new(
            r#""((?:key|home|title|status|origin|msg|walk|fix|insp|tab|help|evidence|support|block)\.[a-z_]+)""#,
        )
        .expect("regex");
        let used: std::collections::BTreeSet<&str> = sources
            .iter()
            .flat_map(|s| {
                re.captures_iter(s)
                    .map(|c| c.get(1).expect("group").as_str())
            })
            .collect();
        assert!(used.len() > 100, "{}", used.len());
        let table = tui_table();
        for k in &used {
            let t = table
                .get(*k)
                .unwrap_or_else(|| panic!("tui.json lacks {k}"));
            assert!(t.missing().is_empty(), "{k} lacks {:?}", t.missing());
        }
        for k in table.keys() {
            assert!(used.contains(k.as_str()), "tui.json has unused key {k}");
        }
    }

    #[test]
    fn clean_keeps_newlines_and_drops_controls() {
        // Whole escape sequences go, not just their ESC.
        assert_eq!(clean("a\r\nb\rc\td\u{1b}[0m"), "a\nb\nc d");
        assert_eq!(clean("x\u{1b}]0;title\u{1b}\\y\u{1b}(0z"), "xyz");
    }
}
