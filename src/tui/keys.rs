//! The key table: one list per context routes keys to actions, and the same list writes the
//! help screen and the footer, so what the screen says is what the keys do.

use super::action::Action;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Where the keys go: the screen, and on Home which part has the focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Typing in the paste box.
    Typing,
    /// Home, with a list (symptoms or functions) focused.
    HomeList,
    Findings,
    /// The walk at a question.
    Question,
    /// The walk at its fix.
    Fix,
    /// The fix of one `check` finding, opened from the inspector.
    CheckFix,
    Inspector,
    Help,
}

impl Context {
    pub const ALL: [Context; 8] = [
        Context::Typing,
        Context::HomeList,
        Context::Findings,
        Context::Question,
        Context::Fix,
        Context::CheckFix,
        Context::Inspector,
        Context::Help,
    ];
}

/// A key with modifiers, as the table writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn k(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}
const fn c(ch: char) -> Key {
    k(KeyCode::Char(ch))
}
const fn ctrl(ch: char) -> Key {
    Key {
        code: KeyCode::Char(ch),
        mods: KeyModifiers::CONTROL,
    }
}
const fn alt(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::ALT,
    }
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Binding {
    pub keys: Vec<Key>,
    pub action: Action,
    /// The `tui.json` key describing what it does.
    pub desc: &'static str,
    /// Shown in the footer (the few keys that matter now).
    pub footer: bool,
}

fn b(keys: &[Key], action: Action, desc: &'static str, footer: bool) -> Binding {
    Binding {
        keys: keys.to_vec(),
        action,
        desc,
        footer,
    }
}

const UP: &[Key] = &[c('k'), k(KeyCode::Up)];
const DOWN: &[Key] = &[c('j'), k(KeyCode::Down)];
const PGUP: &[Key] = &[k(KeyCode::PageUp), ctrl('b')];
const PGDN: &[Key] = &[k(KeyCode::PageDown), ctrl('f'), c(' ')];
const QUIT: &[Key] = &[c('q')];
const CTRL_C: &[Key] = &[ctrl('c')];
const HELP: &[Key] = &[c('?'), k(KeyCode::F(1))];
const LANG: &[Key] = &[c('L')];
const ESC: &[Key] = &[k(KeyCode::Esc)];
const ENTER: &[Key] = &[k(KeyCode::Enter)];

/// Keys every non-typing screen shares, after its own.
fn common(out: &mut Vec<Binding>) {
    out.push(b(HELP, Action::Help, "key.help", true));
    out.push(b(LANG, Action::SwitchLang, "key.lang", false));
    out.push(b(QUIT, Action::Quit, "key.quit", true));
    out.push(b(CTRL_C, Action::Quit, "key.quit_always", false));
}

/// The bindings of a context, in the order help lists them.
pub fn bindings(ctx: Context) -> Vec<Binding> {
    let mut v = Vec::new();
    match ctx {
        Context::Typing => {
            v.push(b(ENTER, Action::Submit, "key.submit", true));
            v.push(b(
                &[alt(KeyCode::Enter), ctrl('j')],
                Action::Newline,
                "key.newline",
                false,
            ));
            v.push(b(
                &[k(KeyCode::Tab), k(KeyCode::Esc)],
                Action::NextFocus,
                "key.to_lists",
                true,
            ));
            v.push(b(&[k(KeyCode::F(1))], Action::Help, "key.help", true));
            v.push(b(&[ctrl('d')], Action::LoadDemo, "key.demo", true));
            v.push(b(&[ctrl('u')], Action::ClearBox, "key.clear", false));
            v.push(b(
                &[k(KeyCode::Backspace)],
                Action::Backspace,
                "key.backspace",
                false,
            ));
            v.push(b(
                &[k(KeyCode::Delete)],
                Action::Delete,
                "key.delete",
                false,
            ));
            v.push(b(&[k(KeyCode::Left)], Action::Left, "key.left", false));
            v.push(b(&[k(KeyCode::Right)], Action::Right, "key.right", false));
            v.push(b(
                &[k(KeyCode::Home), ctrl('a')],
                Action::LineStart,
                "key.line_start",
                false,
            ));
            v.push(b(
                &[k(KeyCode::End), ctrl('e')],
                Action::LineEnd,
                "key.line_end",
                false,
            ));
            v.push(b(
                &[k(KeyCode::F(2))],
                Action::SwitchLang,
                "key.lang",
                false,
            ));
            v.push(b(CTRL_C, Action::Quit, "key.quit_always", true));
        }
        Context::HomeList => {
            v.push(b(DOWN, Action::Down, "key.down", false));
            v.push(b(UP, Action::Up, "key.up", false));
            v.push(b(ENTER, Action::Enter, "key.open", true));
            v.push(b(
                &[k(KeyCode::Tab)],
                Action::NextFocus,
                "key.next_focus",
                true,
            ));
            v.push(b(
                &[k(KeyCode::BackTab)],
                Action::PrevFocus,
                "key.prev_focus",
                false,
            ));
            v.push(b(
                &[c('i'), c('/')],
                Action::FocusPaste,
                "key.focus_paste",
                true,
            ));
            v.push(b(&[c('d'), ctrl('d')], Action::LoadDemo, "key.demo", true));
            v.push(b(&[c('r')], Action::Refresh, "key.refresh", false));
            common(&mut v);
        }
        Context::Findings => {
            v.push(b(DOWN, Action::Down, "key.down", false));
            v.push(b(UP, Action::Up, "key.up", false));
            v.push(b(ENTER, Action::Enter, "key.walk", true));
            v.push(b(&[c('e')], Action::Export, "key.export_all", true));
            v.push(b(ESC, Action::Back, "key.back", true));
            common(&mut v);
        }
        Context::Question => {
            v.push(b(DOWN, Action::Down, "key.down", false));
            v.push(b(UP, Action::Up, "key.up", false));
            v.push(b(ENTER, Action::Enter, "key.answer", true));
            v.push(b(
                &[
                    c('1'),
                    c('2'),
                    c('3'),
                    c('4'),
                    c('5'),
                    c('6'),
                    c('7'),
                    c('8'),
                    c('9'),
                ],
                Action::Choose(0),
                "key.choose",
                false,
            ));
            v.push(b(
                &[c('b'), k(KeyCode::Backspace)],
                Action::Previous,
                "key.previous",
                true,
            ));
            v.push(b(ESC, Action::Back, "key.back", true));
            common(&mut v);
        }
        Context::Fix | Context::CheckFix => {
            v.push(b(
                &[k(KeyCode::Tab), c('n')],
                Action::NextFocus,
                "key.next_block",
                true,
            ));
            v.push(b(
                &[k(KeyCode::BackTab), c('N')],
                Action::PrevFocus,
                "key.prev_block",
                false,
            ));
            v.push(b(&[c('y')], Action::Copy, "key.copy", true));
            v.push(b(ESC, Action::Back, "key.back", true));
            v.push(b(&[c('e')], Action::Export, "key.export", true));
            v.push(b(DOWN, Action::Down, "key.scroll_down", false));
            v.push(b(UP, Action::Up, "key.scroll_up", false));
            v.push(b(PGDN, Action::PageDown, "key.page_down", false));
            v.push(b(PGUP, Action::PageUp, "key.page_up", false));
            v.push(b(
                &[c('g'), k(KeyCode::Home)],
                Action::Top,
                "key.top",
                false,
            ));
            v.push(b(
                &[c('G'), k(KeyCode::End)],
                Action::Bottom,
                "key.bottom",
                false,
            ));
            if ctx == Context::Fix {
                v.push(b(
                    &[c('b'), k(KeyCode::Backspace)],
                    Action::Previous,
                    "key.previous",
                    true,
                ));
            }
            common(&mut v);
        }
        Context::Inspector => {
            v.push(b(
                &[k(KeyCode::Tab), c('l'), k(KeyCode::Right)],
                Action::NextTab,
                "key.next_tab",
                true,
            ));
            v.push(b(
                &[k(KeyCode::BackTab), c('h'), k(KeyCode::Left)],
                Action::PrevTab,
                "key.prev_tab",
                false,
            ));
            v.push(b(DOWN, Action::Down, "key.down_or_scroll", false));
            v.push(b(UP, Action::Up, "key.up_or_scroll", false));
            v.push(b(PGDN, Action::PageDown, "key.page_down", false));
            v.push(b(PGUP, Action::PageUp, "key.page_up", false));
            v.push(b(ENTER, Action::Enter, "key.open_fix", true));
            v.push(b(&[c('y')], Action::Copy, "key.copy_tab", true));
            v.push(b(&[c('e')], Action::Export, "key.export_checks", false));
            v.push(b(&[c('r')], Action::Refresh, "key.reread", false));
            v.push(b(ESC, Action::Back, "key.back", true));
            common(&mut v);
        }
        Context::Help => {
            v.push(b(
                &[k(KeyCode::Esc), c('?'), c('q'), k(KeyCode::Enter)],
                Action::Back,
                "key.close_help",
                true,
            ));
            v.push(b(DOWN, Action::Down, "key.scroll_down", false));
            v.push(b(UP, Action::Up, "key.scroll_up", false));
            v.push(b(CTRL_C, Action::Quit, "key.quit_always", false));
        }
    }
    v
}

fn matches(key: &Key, ev: &KeyEvent) -> bool {
    if key.code != ev.code {
        return false;
    }
    // Shifted letters arrive as the capital with SHIFT set (and BackTab likewise); compare
    // the other modifiers only.
    let mods = ev.modifiers - KeyModifiers::SHIFT;
    mods == key.mods
}

/// The action a key press means in `ctx`, or `None` when the key does nothing there.
pub fn route(ctx: Context, ev: &KeyEvent) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    for binding in bindings(ctx) {
        if let Some(key) = binding.keys.iter().find(|k| matches(k, ev)) {
            return Some(match (&binding.action, key.code) {
                (Action::Choose(_), KeyCode::Char(d)) => {
                    Action::Choose(d.to_digit(10).map(|n| n as usize - 1).unwrap_or(0))
                }
                (a, _) => a.clone(),
            });
        }
    }
    if ctx == Context::Typing
        && let KeyCode::Char(ch) = ev.code
        && !ev
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return Some(Action::Char(ch));
    }
    None
}

/// How a key is written in help and the footer.
pub fn key_name(key: &Key) -> String {
    let base = match key.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(ch) => ch.to_string(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::Delete => "Del".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    if key.mods.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{base}")
    } else if key.mods.contains(KeyModifiers::ALT) {
        format!("Alt-{base}")
    } else {
        base
    }
}

/// All keys of a binding, as help writes them ("j ↓", "1…9").
pub fn keys_label(binding: &Binding) -> String {
    if matches!(binding.action, Action::Choose(_)) {
        return "1…9".into();
    }
    binding
        .keys
        .iter()
        .map(key_name)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The footer's key hints: the first key of each footer binding.
pub fn footer(ctx: Context) -> Vec<(String, &'static str)> {
    bindings(ctx)
        .into_iter()
        .filter(|b| b.footer)
        .map(|b| {
            let label = if matches!(b.action, Action::Choose(_)) {
                "1…9".into()
            } else {
                key_name(&b.keys[0])
            };
            (label, b.desc)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn q_quits_except_while_typing_and_ctrl_c_always_quits() {
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(route(Context::Typing, &q), Some(Action::Char('q')));
        for ctx in Context::ALL {
            if ctx != Context::Typing && ctx != Context::Help {
                assert_eq!(route(ctx, &q), Some(Action::Quit), "{ctx:?}");
            }
        }
        let cc = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for ctx in Context::ALL {
            assert_eq!(route(ctx, &cc), Some(Action::Quit), "{ctx:?}");
        }
    }

    #[test]
    fn digits_choose_answers_and_shifted_letters_match() {
        let three = press(KeyCode::Char('3'), KeyModifiers::NONE);
        assert_eq!(route(Context::Question, &three), Some(Action::Choose(2)));
        let big_l = press(KeyCode::Char('L'), KeyModifiers::SHIFT);
        assert_eq!(route(Context::Fix, &big_l), Some(Action::SwitchLang));
        let typed = press(KeyCode::Char('L'), KeyModifiers::SHIFT);
        assert_eq!(route(Context::Typing, &typed), Some(Action::Char('L')));
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for ctx in Context::ALL {
            let mut seen: Vec<Key> = Vec::new();
            for b in bindings(ctx) {
                for k in &b.keys {
                    assert!(!seen.contains(k), "{ctx:?}: {} bound twice", key_name(k));
                    seen.push(*k);
                }
            }
        }
    }

    #[test]
    fn the_footer_comes_from_the_table() {
        let f = footer(Context::Fix);
        assert!(f.contains(&("y".to_string(), "key.copy")), "{f:?}");
        assert!(f.contains(&("Esc".to_string(), "key.back")), "{f:?}");
        assert!(!f.iter().any(|(_, d)| *d == "key.scroll_down"));
    }
}
