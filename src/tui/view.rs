//! Drawing: `draw(&App, &mut Frame)` reads the state and changes nothing. Text is wrapped and
//! truncated by display width (Japanese and Chinese characters take two cells).

use super::app::{App, Focus, Link, ListState as Functions, Loaded, Message, Origin, Screen, Tab};
use super::fixdoc::{BlockKind, FixDoc};
use super::keys;
use super::text::tui;
use crate::checks::Severity;
use crate::checks::report::{severity_key, title_key};
use crate::diagnose::{Diagnosis, category_key};
use crate::evidence::{FunctionEvidence, Read};
use crate::i18n::{Lang, fill, ui};
use crate::report::wrap::{truncate, width, wrap_hard as wrap};
use crate::tree::walk::How;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph};

/// The smallest terminal the screens fit in.
pub const MIN_SIZE: (u16, u16) = (48, 15);

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

/// Styles, with or without colour.
#[derive(Clone, Copy)]
struct Theme {
    color: bool,
}

impl Theme {
    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }
    fn bold(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }
    fn title(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    fn good(self) -> Style {
        self.fg(Color::Green)
    }
    fn bad(self) -> Style {
        self.fg(Color::Red)
    }
    fn warn(self) -> Style {
        self.fg(Color::Yellow)
    }
    fn accent(self) -> Style {
        self.fg(Color::Cyan)
    }
    fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    fn bar(self) -> Style {
        if self.color {
            Style::new().bg(Color::Blue).fg(Color::White)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
}

fn theme(app: &App) -> Theme {
    Theme { color: app.color }
}

/// Draws the whole screen.
pub fn draw(app: &App, f: &mut Frame) {
    let area = f.area();
    let th = theme(app);
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let msg = fill(
            tui("msg.too_small", app.lang),
            &[
                ("w", &MIN_SIZE.0.to_string()),
                ("h", &MIN_SIZE.1.to_string()),
                ("cw", &area.width.to_string()),
                ("ch", &area.height.to_string()),
            ],
        );
        let lines: Vec<Line> = wrap(&msg, area.width.max(1) as usize)
            .into_iter()
            .map(Line::from)
            .collect();
        f.render_widget(Paragraph::new(lines), area);
        return;
    }
    let message = message_lines(app, area.width as usize, th);
    let [header, body, note, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(message.len() as u16),
        Constraint::Length(1),
    ])
    .areas(area);
    f.render_widget(Paragraph::new(message), note);
    draw_header(app, f, header, th);
    match app.base_screen() {
        Screen::Home => draw_home(app, f, body, th),
        Screen::Findings => draw_findings(app, f, body, th),
        Screen::Walk => draw_walk(app, f, body, th),
        Screen::Inspector => draw_inspector(app, f, body, th),
        Screen::CheckFix(n) => draw_check_fix(app, f, body, th, n),
        Screen::Help => {}
    }
    if app.screen() == Screen::Help {
        draw_help(app, f, body, th);
    }
    draw_footer(app, f, footer, th);
}

fn spinner(app: &App) -> &'static str {
    SPINNER[(app.tick % SPINNER.len() as u64) as usize]
}

fn screen_title(app: &App) -> String {
    let l = app.lang;
    match app.base_screen() {
        Screen::Home => tui("title.home", l).to_string(),
        Screen::Findings => fill(
            tui("title.findings", l),
            &[("n", &app.findings.len().to_string())],
        ),
        Screen::Walk => match &app.walk {
            Some(w) if w.diag.walk.at_fix() => tui("title.fix", l).to_string(),
            _ => tui("title.walk", l).to_string(),
        },
        Screen::Inspector | Screen::CheckFix(_) => fill(
            tui("title.inspector", l),
            &[(
                "function",
                app.inspector.as_ref().map_or("", |i| i.name.as_str()),
            )],
        ),
        Screen::Help => String::new(),
    }
}

/// The status: where evidence comes from, who we are, the language.
pub fn status_text(app: &App) -> String {
    let l = app.lang;
    let mut parts: Vec<String> = Vec::new();
    match &app.origin {
        Origin::Demo => parts.push(tui("origin.demo", l).to_string()),
        Origin::Snapshot(n) => parts.push(fill(tui("origin.snapshot", l), &[("name", n)])),
        Origin::Live => {}
    }
    match &app.link {
        Link::Online(c) => {
            if let Some(p) = &c.profile {
                parts.push(p.clone());
            }
            parts.push(c.region.clone());
            match &c.caller {
                Some(arn) => parts.push(short_arn(arn)),
                None => parts.push(tui("status.caller_unknown", l).to_string()),
            }
        }
        Link::Connecting => parts.push(format!("{} {}", spinner(app), tui("status.connecting", l))),
        Link::Off | Link::Failed(_) => parts.push(tui("status.offline", l).to_string()),
    }
    parts.push(app.lang.code().to_string());
    parts.join(" · ")
}

/// `arn:aws:sts::123:assumed-role/Admin/me` → `123 assumed-role/Admin/me`.
fn short_arn(arn: &str) -> String {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        [_, _, _, _, account, rest] => format!("{account} {rest}"),
        _ => arn.to_string(),
    }
}

fn draw_header(app: &App, f: &mut Frame, area: Rect, th: Theme) {
    let w = area.width as usize;
    let left = format!(" lambda-doctor › {}", screen_title(app));
    // The status gets what the title leaves, but never less than a third of the line.
    let status = status_text(app);
    let status = truncate(&status, w.saturating_sub(width(&left) + 2).max(w / 3));
    let left = truncate(&left, w.saturating_sub(width(&status) + 2));
    let pad = w.saturating_sub(width(&left) + width(&status) + 1);
    let line = Line::from(vec![
        Span::styled(left, th.bar().add_modifier(Modifier::BOLD)),
        Span::styled(" ".repeat(pad), th.bar()),
        Span::styled(format!("{status} "), th.bar()),
    ]);
    f.render_widget(Paragraph::new(line).style(th.bar()), area);
}

/// The message of the last action, wrapped to at most three lines above the footer.
fn message_lines(app: &App, w: usize, th: Theme) -> Vec<Line<'static>> {
    let (text, style) = match &app.message {
        Some(Message::Info(m)) => (m, th.good()),
        Some(Message::Error(m)) => (m, th.bad()),
        None => return vec![],
    };
    let mut lines = wrap(text, w.saturating_sub(2).max(1));
    if lines.len() > 3 {
        lines.truncate(3);
        lines[2] = truncate(&format!("{}…", lines[2]), w.saturating_sub(2));
    }
    lines
        .into_iter()
        .map(|l| Line::styled(format!(" {l}"), style))
        .collect()
}

fn draw_footer(app: &App, f: &mut Frame, area: Rect, th: Theme) {
    let w = area.width as usize;
    let mut spans = Vec::new();
    let mut used = 0;
    for (key, desc) in keys::footer(app.context()) {
        let d = tui(desc, app.lang);
        let piece = width(&key) + width(d) + 3;
        if used + piece > w {
            break;
        }
        spans.push(Span::styled(
            format!(" {key}"),
            th.accent().add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::raw(format!(" {d} ")));
        used += piece;
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn boxed(title: String, focused: bool, th: Theme) -> Block<'static> {
    let style = if focused { th.accent() } else { th.dim() };
    Block::default()
        .borders(Borders::ALL)
        .border_style(style)
        .title(Span::styled(
            format!(" {title} "),
            if focused { th.bold() } else { Style::new() },
        ))
}

/// Wrapped lines of `text` in `style`, each at most `w` cells.
fn para(text: &str, w: usize, style: Style) -> Vec<Line<'static>> {
    text.split('\n')
        .flat_map(|p| wrap(p, w.max(1)))
        .map(|l| Line::styled(l, style))
        .collect()
}

/// Lines with a hanging indent: the first line starts with `first`, the rest with spaces.
fn hang(first: &str, text: &str, w: usize, style: Style) -> Vec<Line<'static>> {
    let ind = width(first);
    wrap(text, w.saturating_sub(ind).max(1))
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let lead = if i == 0 {
                first.to_string()
            } else {
                " ".repeat(ind)
            };
            Line::styled(format!("{lead}{l}"), style)
        })
        .collect()
}

// ---- Home ----

fn draw_home(app: &App, f: &mut Frame, area: Rect, th: Theme) {
    let l = app.lang;
    let box_h = if area.height >= 20 { 8 } else { 5 };
    let [paste, lists] =
        Layout::vertical([Constraint::Length(box_h), Constraint::Min(3)]).areas(area);
    // The paste box.
    let focused = app.focus == Focus::Paste && app.screen() == Screen::Home;
    let lines_n = app.paste.lines();
    let title = if app.paste.text.is_empty() {
        tui("home.paste", l).to_string()
    } else {
        let key = if lines_n == 1 {
            "home.paste_lines_one"
        } else {
            "home.paste_lines"
        };
        fill(tui(key, l), &[("n", &lines_n.to_string())])
    };
    let block = boxed(title, focused, th);
    let inner = block.inner(paste);
    f.render_widget(block, paste);
    if app.paste.text.is_empty() {
        let hint = para(tui("home.paste_hint", l), inner.width as usize, th.dim());
        f.render_widget(Paragraph::new(hint), inner);
        if focused {
            f.set_cursor_position((inner.x, inner.y));
        }
    } else {
        let (rows, (cx, cy)) = app
            .paste
            .layout(inner.width as usize, inner.height as usize);
        let lines: Vec<Line> = rows.into_iter().map(Line::from).collect();
        f.render_widget(Paragraph::new(lines), inner);
        if focused {
            f.set_cursor_position((
                inner.x + cx.min(inner.width.saturating_sub(1)),
                inner.y + cy,
            ));
        }
    }
    // Symptoms and functions: side by side when there is room, else stacked.
    let [left, right] = if lists.width >= 70 {
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(lists)
    } else {
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(lists)
    };
    let symptoms: Vec<ListItem> = app
        .tree()
        .index
        .symptoms
        .iter()
        .map(|s| {
            ListItem::new(truncate(
                s.label.get(l),
                left.width.saturating_sub(4) as usize,
            ))
        })
        .collect();
    let sym_focus = app.focus == Focus::Symptoms;
    // Symptom walks take their evidence from the function last opened.
    let title = match &app.inspector {
        Some(i) => fill(tui("home.symptoms_for", l), &[("function", &i.name)]),
        None => tui("home.symptoms", l).to_string(),
    };
    let list = List::new(symptoms)
        .block(boxed(title, sym_focus, th))
        .highlight_style(if sym_focus { th.selected() } else { th.bold() })
        .highlight_symbol("› ");
    let mut state = ListState::default().with_selected(Some(app.symptom));
    f.render_stateful_widget(list, left, &mut state);
    draw_function_list(app, f, right, th);
}

fn draw_function_list(app: &App, f: &mut Frame, area: Rect, th: Theme) {
    let l = app.lang;
    let focused = app.focus == Focus::Functions;
    let title = match &app.origin {
        Origin::Demo => fill(
            tui("home.functions_in", l),
            &[("where", tui("origin.demo", l))],
        ),
        Origin::Snapshot(n) => fill(tui("home.functions_in", l), &[("where", n)]),
        Origin::Live => match &app.link {
            Link::Online(c) => fill(tui("home.functions_in", l), &[("where", &c.region)]),
            _ => tui("home.functions", l).to_string(),
        },
    };
    let block = boxed(title, focused, th);
    let inner = block.inner(area);
    let w = inner.width as usize;
    let note = |text: String, style: Style| Paragraph::new(para(&text, w, style));
    match (&app.list, &app.link) {
        (Functions::Ready, _) if !app.functions.is_empty() => {
            let name_w = app
                .functions
                .iter()
                .map(|r| width(&r.name))
                .max()
                .unwrap_or(0)
                .min(w / 2);
            let items: Vec<ListItem> = app
                .functions
                .iter()
                .map(|r| {
                    let name = truncate(&r.name, name_w);
                    let pad = name_w.saturating_sub(width(&name));
                    let rest = truncate(&r.detail, w.saturating_sub(name_w + 4));
                    ListItem::new(Line::from(vec![
                        Span::raw(format!("{name}{}  ", " ".repeat(pad))),
                        Span::styled(rest, th.dim()),
                    ]))
                })
                .collect();
            let list = List::new(items)
                .block(block)
                .highlight_style(if focused { th.selected() } else { th.bold() })
                .highlight_symbol("› ");
            let mut state = ListState::default().with_selected(Some(app.function_sel));
            f.render_stateful_widget(list, area, &mut state);
            return;
        }
        (Functions::Ready, _) => f.render_widget(
            note(tui("home.no_functions", l).to_string(), th.dim()),
            inner,
        ),
        (Functions::Loading(_), _) => f.render_widget(
            note(
                format!("{} {}", spinner(app), tui("home.listing", l)),
                th.dim(),
            ),
            inner,
        ),
        (Functions::Failed(e), _) => f.render_widget(
            note(fill(tui("home.list_failed", l), &[("error", e)]), th.bad()),
            inner,
        ),
        (Functions::Empty, Link::Connecting) => f.render_widget(
            note(
                format!("{} {}", spinner(app), tui("status.connecting", l)),
                th.dim(),
            ),
            inner,
        ),
        (Functions::Empty, Link::Failed(e)) => f.render_widget(
            note(
                fill(tui("home.offline_reason", l), &[("error", e)]),
                th.dim(),
            ),
            inner,
        ),
        (Functions::Empty, _) => {
            f.render_widget(note(tui("home.offline", l).to_string(), th.dim()), inner)
        }
    }
    f.render_widget(block, area);
}

// ---- Findings ----

fn evidence_note(app: &App, function: Option<&str>) -> Option<(String, bool)> {
    let l = app.lang;
    let name = function?;
    Some(match app.evidence.get(name) {
        Some(Loaded::Ready(_)) => (fill(tui("evidence.ready", l), &[("function", name)]), true),
        Some(Loaded::Pending(_) | Loaded::Waiting) => (
            format!(
                "{} {}",
                spinner(app),
                fill(tui("evidence.reading", l), &[("function", name)])
            ),
            true,
        ),
        Some(Loaded::Failed(e)) => (
            fill(
                tui("evidence.failed", l),
                &[("function", name), ("error", e)],
            ),
            false,
        ),
        None => (fill(tui("evidence.none", l), &[("function", name)]), false),
    })
}

fn draw_findings(app: &App, f: &mut Frame, area: Rect, th: Theme) {
    let l = app.lang;
    let n = app.findings.len();
    let list_h = if n > 1 {
        (n as u16).min(area.height / 3).max(1) + 2
    } else {
        0
    };
    let [list_area, detail] =
        Layout::vertical([Constraint::Length(list_h), Constraint::Min(3)]).areas(area);
    let tree = app.tree();
    if n > 1 {
        let items: Vec<ListItem> = app
            .findings
            .iter()
            .enumerate()
            .map(|(i, fd)| {
                let what = fd.action.as_deref().unwrap_or("");
                let text = format!("{}. {}  {what}", i + 1, ui(category_key(fd), l));
                ListItem::new(truncate(&text, list_area.width.saturating_sub(4) as usize))
            })
            .collect();
        let title = if app.truncated {
            fill(ui("truncated", l), &[("n", &n.to_string())])
        } else {
            fill(ui("findings_count", l), &[("n", &n.to_string())])
        };
        let list = List::new(items)
            .block(boxed(title, true, th))
            .highlight_style(th.selected())
            .highlight_symbol("› ");
        let mut state = ListState::default().with_selected(Some(app.finding_sel));
        f.render_stateful_widget(list, list_area, &mut state);
    }
    let Some(fd) = app.findings.get(app.finding_sel) else {
        return;
    };
    let Some(d) = Diagnosis::begin(tree, fd.clone(), &Diagnosis::entry_for(tree, fd)) else {
        return;
    };
    let w = detail.width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    lines.push(Line::styled(d.heading(l), th.title()));
    lines.extend(para(&d.summary(l), w, Style::new()));
    lines.push(Line::raw(""));
    let not_given = ui("not_given", l);
    let label_w = ["principal", "action", "resource", "denied"]
        .iter()
        .map(|k| width(ui(k, l)))
        .max()
        .unwrap_or(10)
        + 2;
    let row = |k: &'static str, v: &str, style: Style| -> Vec<Line<'static>> {
        let label = format!("{}{}", ui(k, l), " ".repeat(label_w - width(ui(k, l))));
        hang(&label, v, w, style)
    };
    lines.extend(row(
        "principal",
        fd.principal_arn.as_deref().unwrap_or(not_given),
        th.accent(),
    ));
    lines.extend(row(
        "action",
        fd.action.as_deref().unwrap_or(not_given),
        th.accent(),
    ));
    lines.extend(row(
        "resource",
        fd.resource.as_deref().unwrap_or(not_given),
        th.accent(),
    ));
    let deny_style = if d.explicit() { th.bad() } else { th.warn() };
    lines.extend(row("denied", &d.deny_text(l), deny_style));
    if let Some(p) = &fd.policy_arn {
        lines.extend(hang(
            &format!("{}: ", ui("policy_arn", l)),
            p,
            w,
            th.accent(),
        ));
    }
    if let Some((text, ok)) = evidence_note(app, app.evidence_function(fd).as_deref()) {
        lines.push(Line::raw(""));
        lines.extend(para(&text, w, if ok { th.good() } else { th.dim() }));
    }
    lines.push(Line::raw(""));
    lines.extend(hang("> ", &fd.excerpt, w, th.dim()));
    let block = Block::default().borders(Borders::NONE);
    f.render_widget(
        Paragraph::new(lines).block(block),
        detail.inner(ratatui::layout::Margin::new(1, 0)),
    );
}

// ---- The walk ----

fn step_lines(d: &Diagnosis, l: Lang, w: usize, th: Theme) -> Vec<Line<'static>> {
    let tree = d.walk.tree();
    let mut out = Vec::new();
    for s in d.walk.path() {
        let Some(node) = tree.node(&s.node) else {
            continue;
        };
        let Some(a) = node.answer(&s.answer) else {
            continue;
        };
        let how = match &s.how {
            How::Fact { .. } => ui("from_message", l),
            How::Check { .. } => ui("from_evidence", l),
            How::Person => ui("answered", l),
            How::Assumed => ui("assumed", l),
        };
        let text = format!(
            "{} → {} ({how})",
            d.vars.fill(node.title.get(l)),
            d.vars.fill(a.label.get(l))
        );
        out.extend(hang("✓ ", &text, w, th.dim()));
        if let How::Check { evidence, .. } = &s.how {
            // One line each, at most three: the whole evidence is on the fix and the report.
            for e in evidence.iter().take(3) {
                out.push(Line::styled(
                    truncate(&format!("    · {e}"), w),
                    th.accent(),
                ));
            }
            if evidence.len() > 3 {
                let more = fill(
                    tui("walk.more", l),
                    &[("n", &(evidence.len() - 3).to_string())],
                );
                out.push(Line::styled(format!("    {more}"), th.dim()));
            }
        }
    }
    out
}

fn draw_walk(app: &App, f: &mut Frame, area: Rect, th: Theme) {
    let Some(ws) = &app.walk else { return };
    let d = &ws.diag;
    if d.walk.at_fix() {
        let doc = app.walk_fix(ws);
        draw_fix(app, f, area, th, &doc, ws.block, ws.scroll);
        return;
    }
    let l = app.lang;
    let inner = area.inner(ratatui::layout::Margin::new(1, 0));
    let w = inner.width as usize;
    let node = d.walk.current();
    // Answers first: they must always be visible.
    let mut answers: Vec<Line> = Vec::new();
    for (i, a) in node.answers.iter().enumerate() {
        let mut marks: Vec<String> = Vec::new();
        if let Some((prev, how)) = &ws.previous
            && *prev == a.id
        {
            let said = match how {
                How::Fact { .. } => ui("from_message", l),
                How::Check { .. } => ui("from_evidence", l),
                How::Person => ui("answered", l),
                How::Assumed => ui("assumed", l),
            };
            marks.push(fill(tui("walk.before", l), &[("how", said)]));
        }
        if node.likely.as_deref() == Some(a.id.as_str()) {
            marks.push(tui("walk.likely", l).to_string());
        }
        let likely = if marks.is_empty() {
            String::new()
        } else {
            format!("  ({})", marks.join(", "))
        };
        let text = format!("{}{likely}", d.vars.fill(a.label.get(l)));
        let mark = if i == ws.selected { "› " } else { "  " };
        let style = if i == ws.selected {
            th.selected()
        } else {
            Style::new()
        };
        answers.extend(hang(&format!("{mark}{}. ", i + 1), &text, w, style));
    }
    let mut head: Vec<Line> = Vec::new();
    let heading = ws
        .symptom
        .as_deref()
        .and_then(|id| app.symptom_label(id))
        .unwrap_or_else(|| d.heading(l));
    head.extend(para(&heading, w, th.bold()));
    let steps = step_lines(d, l, w, th);
    let mut question: Vec<Line> = Vec::new();
    question.push(Line::raw(""));
    question.extend(para(&d.vars.fill(node.title.get(l)), w, th.title()));
    question.extend(para(&d.vars.fill(node.body.get(l)), w, Style::new()));
    if app.walk_waiting() {
        question.push(Line::styled(
            format!(
                "{} {}",
                spinner(app),
                fill(
                    tui("walk.checking", l),
                    &[("function", ws.function.as_deref().unwrap_or(""))]
                )
            ),
            th.accent(),
        ));
    } else if let Some((_, How::Check { evidence, .. })) = &ws.previous {
        question.extend(para(tui("walk.evidence_before", l), w, th.dim()));
        for e in evidence.iter().take(3) {
            question.push(Line::styled(truncate(&format!("  · {e}"), w), th.accent()));
        }
    } else if node.check.is_some() {
        let why = match ws.function.as_deref() {
            Some(fname) => match app.evidence.get(fname) {
                Some(Loaded::Failed(e)) => fill(tui("walk.no_evidence_failed", l), &[("error", e)]),
                _ => tui("walk.no_evidence", l).to_string(),
            },
            None => tui("walk.no_function", l).to_string(),
        };
        question.extend(para(&why, w, th.dim()));
    }
    question.push(Line::raw(""));
    let total = inner.height as usize;
    // Room: answers, then the question, then the heading, then as many recent steps as fit.
    let mut budget = total.saturating_sub(answers.len());
    if question.len() > budget {
        question.truncate(budget.saturating_sub(1));
        question.push(Line::styled("…", th.dim()));
    }
    budget = budget.saturating_sub(question.len());
    head.truncate(budget);
    budget = budget.saturating_sub(head.len());
    let skip = steps.len().saturating_sub(budget);
    let mut lines = head;
    lines.extend(steps.into_iter().skip(skip));
    lines.extend(question);
    lines.extend(answers);
    f.render_widget(Paragraph::new(lines), inner);
}

// ---- The fix ----

/// Highlights one line of pretty-printed JSON.
fn json_line(line: &str, th: Theme) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut rest = line;
    let indent = rest.len() - rest.trim_start().len();
    spans.push(Span::raw(rest[..indent].to_string()));
    rest = &rest[indent..];
    while !rest.is_empty() {
        if let Some(s) = rest.strip_prefix('"') {
            // A string: up to the next unescaped quote.
            let mut end = None;
            let mut esc = false;
            for (i, c) in s.char_indices() {
                match c {
                    '\\' if !esc => esc = true,
                    '"' if !esc => {
                        end = Some(i);
                        break;
                    }
                    _ => esc = false,
                }
            }
            let e = end.map_or(s.len(), |e| e + 1);
            let text = format!("\"{}", &s[..e]);
            let after = &s[e..];
            let is_key = after.trim_start().starts_with(':');
            spans.push(Span::styled(
                text,
                if is_key { th.accent() } else { th.good() },
            ));
            rest = after;
        } else {
            let e = rest.find('"').unwrap_or(rest.len());
            let chunk = &rest[..e];
            let style = if chunk
                .trim_matches(|c: char| ",:[]{} ".contains(c))
                .is_empty()
            {
                Style::new()
            } else {
                th.warn()
            };
            spans.push(Span::styled(chunk.to_string(), style));
            rest = &rest[e..];
        }
    }
    spans
}

/// The fix as lines, and the line each copyable block starts at.
pub fn fix_lines(
    doc: &FixDoc,
    w: usize,
    lang: Lang,
    selected: usize,
    color: bool,
) -> (Vec<Line<'static>>, Vec<usize>) {
    let th = Theme { color };
    let l = lang;
    let mut out: Vec<Line<'static>> = Vec::new();
    out.extend(para(&doc.title, w, th.good().add_modifier(Modifier::BOLD)));
    out.extend(hang(
        &format!("{}: ", ui("policy_target", l)),
        &doc.target,
        w,
        th.accent(),
    ));
    out.push(Line::raw(""));
    out.extend(para(&doc.explanation, w, Style::new()));
    if !doc.evidence.is_empty() {
        out.push(Line::raw(""));
        out.push(Line::styled(tui("fix.evidence", l).to_string(), th.bold()));
        for e in &doc.evidence {
            out.extend(hang("  · ", e, w, th.accent()));
        }
    }
    if !doc.open_questions.is_empty() {
        out.push(Line::raw(""));
        out.push(Line::styled(ui("open_questions", l).to_string(), th.warn()));
        for q in &doc.open_questions {
            out.extend(hang("  ? ", q, w, th.warn()));
        }
    }
    let mut starts = Vec::new();
    let n = doc.blocks.len();
    for (i, b) in doc.blocks.iter().enumerate() {
        out.push(Line::raw(""));
        starts.push(out.len());
        let head = format!("[{}/{n}] {}", i + 1, b.label);
        if i == selected {
            let hint = format!("  ({})", tui("fix.copy_hint", l));
            out.extend(hang("› ", &format!("{head}{hint}"), w, th.selected()));
        } else {
            out.extend(hang("  ", &head, w, th.bold()));
        }
        if b.kind == BlockKind::Change
            && !doc.files.is_empty()
            && doc.blocks.iter().any(|x| x.kind == BlockKind::Policy)
        {
            let hint = fill(tui("fix.save_as", l), &[("file", &doc.files.join(", "))]);
            out.extend(hang("    ", &hint, w, th.dim()));
        }
        for line in b.text.lines() {
            match b.kind {
                BlockKind::Policy => out.extend(json_out(line, "    ", w, th)),
                BlockKind::Change | BlockKind::Read => {
                    if let Some(c) = line.strip_prefix("# ") {
                        out.extend(hang("    # ", c, w, th.dim()));
                    } else {
                        out.extend(hang("    $ ", line, w, th.warn()));
                    }
                }
                // Links stay whole on one line (a terminal only opens an unbroken URL);
                // `y` copies them all.
                BlockKind::Docs => out.push(Line::styled(format!("  {line}"), th.accent())),
            }
        }
        // The proof right under the documents it is about (or first, when there are none).
        let last_policy = doc.blocks.iter().rposition(|x| x.kind == BlockKind::Policy);
        if (last_policy == Some(i) || (last_policy.is_none() && i == 0))
            && let Some((proven, line)) = &doc.verified
        {
            let style = if *proven { th.good() } else { th.warn() };
            out.extend(hang("  ", line, w, style));
        }
    }
    for fu in &doc.followups {
        out.push(Line::raw(""));
        out.extend(para(&fu.title, w, th.bold()));
        for item in &fu.items {
            out.extend(hang("  - ", item, w, Style::new()));
        }
    }
    if !doc.steps.is_empty() {
        out.push(Line::raw(""));
        out.push(Line::styled(ui("path", l).to_string(), th.bold()));
        for (i, s) in doc.steps.iter().enumerate() {
            out.extend(hang(&format!("  {}. ", i + 1), s, w, th.dim()));
        }
    }
    (out, starts)
}

/// The fix body's size for a terminal of `size`: everything between header and footer, one
/// column of margin each side.
fn fix_body(size: (u16, u16)) -> (usize, usize) {
    (
        size.0.saturating_sub(2) as usize,
        size.1.saturating_sub(2) as usize,
    )
}

/// How far the fix can scroll.
pub fn fix_max_scroll(doc: &FixDoc, size: (u16, u16), lang: Lang) -> u16 {
    let (w, h) = fix_body(size);
    let (lines, _) = fix_lines(doc, w, lang, 0, false);
    lines.len().saturating_sub(h) as u16
}

/// The line block `i` starts at (a line above it, for air).
pub fn block_line(doc: &FixDoc, i: usize, size: (u16, u16), lang: Lang) -> u16 {
    let (w, _) = fix_body(size);
    let (_, starts) = fix_lines(doc, w, lang, i, false);
    starts.get(i).map_or(0, |s| s.saturating_sub(1) as u16)
}

fn draw_fix(
    app: &App,
    f: &mut Frame,
    area: Rect,
    th: Theme,
    doc: &FixDoc,
    block: usize,
    scroll: u16,
) {
    let inner = area.inner(ratatui::layout::Margin::new(1, 0));
    let (lines, _) = fix_lines(doc, inner.width as usize, app.lang, block, th.color);
    let max = lines.len().saturating_sub(inner.height as usize) as u16;
    let scroll = scroll.min(max);
    f.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
    if max > 0 {
        // Where we are, in the top-right corner.
        let pct = format!(" {}% ", (scroll as usize * 100) / max as usize);
        let x = area.x + area.width.saturating_sub(width(&pct) as u16);
        f.render_widget(
            Paragraph::new(Span::styled(pct.clone(), th.dim())),
            Rect::new(x, area.y, width(&pct) as u16, 1),
        );
    }
}

fn draw_check_fix(app: &App, f: &mut Frame, area: Rect, th: Theme, n: usize) {
    let Some(i) = &app.inspector else { return };
    let Some(cf) = i.report.as_ref().and_then(|r| r.findings.get(n)) else {
        return draw_combined_fix(app, f, area, th);
    };
    let doc = FixDoc::from_check(app.tree(), cf, app.lang);
    draw_fix(app, f, area, th, &doc, i.block, i.fix_scroll);
}

fn draw_combined_fix(app: &App, f: &mut Frame, area: Rect, th: Theme) {
    let Some(i) = &app.inspector else { return };
    let Some((r, c)) = i
        .report
        .as_ref()
        .and_then(|r| r.combined.as_ref().map(|c| (r, c)))
    else {
        return;
    };
    let doc = FixDoc::from_combined(r, c, app.lang);
    draw_fix(app, f, area, th, &doc, i.block, i.fix_scroll);
}

// ---- The inspector ----

fn read_lines<T>(
    r: &Read<T>,
    w: usize,
    l: Lang,
    th: Theme,
    absent: &str,
    ok: impl FnOnce(&T) -> Vec<Line<'static>>,
) -> Vec<Line<'static>> {
    match r {
        Read::Ok { value } => ok(value),
        Read::Absent => para(absent, w, th.dim()),
        Read::Denied { needs } => para(
            &fill(tui("insp.denied", l), &[("needs", needs)]),
            w,
            th.warn(),
        ),
    }
}

fn json_block(v: &serde_json::Value, w: usize, th: Theme) -> Vec<Line<'static>> {
    serde_json::to_string_pretty(v)
        .unwrap_or_default()
        .lines()
        .flat_map(|line| json_out(line, "  ", w, th))
        .collect()
}

/// One line of pretty JSON, highlighted; wrapped (continuations indented under it) when it is
/// wider than the screen, so no ARN is cut off at the edge.
fn json_out(line: &str, indent: &str, w: usize, th: Theme) -> Vec<Line<'static>> {
    if width(indent) + width(line) <= w {
        let mut spans = vec![Span::raw(indent.to_string())];
        spans.extend(json_line(line, th));
        return vec![Line::from(spans)];
    }
    let inner = line.len() - line.trim_start().len();
    let lead = format!("{indent}{}", &line[..inner]);
    hang(&lead, line.trim_start(), w, th.good())
}

fn kv(label: &str, value: &str, w: usize, th: Theme) -> Vec<Line<'static>> {
    hang(&format!("{label}: "), value, w, th.accent())
}

/// The lines of an inspector tab.
fn tab_lines(
    app: &App,
    ev: &FunctionEvidence,
    tab: Tab,
    w: usize,
    th: Theme,
) -> Vec<Line<'static>> {
    let l = app.lang;
    let t = |k: &str| tui(k, l);
    let none = t("insp.none");
    let mut out: Vec<Line<'static>> = Vec::new();
    match tab {
        Tab::Config => {
            let c = &ev.config;
            out.extend(kv(t("insp.name"), &c.name, w, th));
            out.extend(kv("ARN", &c.arn, w, th));
            out.extend(kv(
                t("insp.runtime"),
                c.runtime.as_deref().unwrap_or(none),
                w,
                th,
            ));
            out.extend(kv(
                t("insp.package"),
                c.package_type.as_deref().unwrap_or("Zip"),
                w,
                th,
            ));
            if let Some(i) = &c.image_uri {
                out.extend(kv(t("insp.image"), i, w, th));
            }
            out.extend(kv(t("insp.role"), &c.role, w, th));
            match &c.vpc {
                Some(v) => {
                    out.extend(kv(t("insp.subnets"), &v.subnet_ids.join(", "), w, th));
                    out.extend(kv(
                        t("insp.security_groups"),
                        &v.security_group_ids.join(", "),
                        w,
                        th,
                    ));
                }
                None => out.extend(kv("VPC", none, w, th)),
            }
            out.extend(kv(
                t("insp.kms"),
                c.kms_key_arn.as_deref().unwrap_or(t("insp.aws_key")),
                w,
                th,
            ));
            out.extend(kv(
                t("insp.dlq"),
                c.dead_letter_target.as_deref().unwrap_or(none),
                w,
                th,
            ));
            let layers = if c.layers.is_empty() {
                none.to_string()
            } else {
                c.layers.join(", ")
            };
            out.extend(kv(t("insp.layers"), &layers, w, th));
            let env = if c.environment_variable_names.is_empty() {
                none.to_string()
            } else {
                c.environment_variable_names.join(", ")
            };
            out.extend(kv(t("insp.env"), &env, w, th));
            let group = c
                .log_group
                .clone()
                .unwrap_or_else(|| format!("/aws/lambda/{}", c.name));
            out.extend(kv(t("insp.log_group"), &group, w, th));
        }
        Tab::Role => {
            out.extend(kv(t("insp.role"), &ev.config.role, w, th));
            out.extend(read_lines(
                &ev.role,
                w,
                l,
                th,
                t("insp.role_missing"),
                |r| {
                    let mut v = Vec::new();
                    v.push(Line::raw(""));
                    v.push(Line::styled(t("insp.trust").to_string(), th.bold()));
                    v.extend(json_block(&r.trust_policy, w, th));
                    v.push(Line::raw(""));
                    match (&r.boundary_arn, &r.boundary) {
                        (Some(arn), Some(doc)) => {
                            v.extend(kv(t("insp.boundary"), arn, w, th));
                            v.extend(read_lines(doc, w, l, th, none, |d| json_block(d, w, th)));
                        }
                        (Some(arn), None) => v.extend(kv(t("insp.boundary"), arn, w, th)),
                        (None, _) => v.extend(kv(t("insp.boundary"), none, w, th)),
                    }
                    v
                },
            ));
        }
        Tab::Policies => {
            out.extend(read_lines(
                &ev.role,
                w,
                l,
                th,
                t("insp.role_missing"),
                |r| {
                    read_lines(&r.policies, w, l, th, none, |ps| {
                        let mut v = Vec::new();
                        if ps.is_empty() {
                            v.extend(para(t("insp.no_policies"), w, th.dim()));
                        }
                        for p in ps {
                            let kind = if p.managed {
                                t("insp.managed")
                            } else {
                                t("insp.inline")
                            };
                            v.extend(hang(&format!("{kind}: "), &p.name, w, th.bold()));
                            v.extend(read_lines(&p.document, w, l, th, none, |d| {
                                json_block(d, w, th)
                            }));
                            v.push(Line::raw(""));
                        }
                        v
                    })
                },
            ));
        }
        Tab::Resource => {
            out.extend(read_lines(
                &ev.resource_policy,
                w,
                l,
                th,
                t("insp.no_resource_policy"),
                |p| json_block(p, w, th),
            ));
        }
        Tab::Triggers => {
            out.push(Line::styled(t("insp.esm").to_string(), th.bold()));
            out.extend(read_lines(
                &ev.event_source_mappings,
                w,
                l,
                th,
                none,
                |ms| {
                    let mut v = Vec::new();
                    if ms.is_empty() {
                        v.extend(para(none, w, th.dim()));
                    }
                    for m in ms {
                        let state = m.state.as_deref().unwrap_or("?");
                        v.extend(hang(
                            "  · ",
                            &format!("{} ({state})", m.event_source_arn),
                            w,
                            Style::new(),
                        ));
                    }
                    v
                },
            ));
            out.push(Line::raw(""));
            out.push(Line::styled(t("insp.url").to_string(), th.bold()));
            out.extend(read_lines(&ev.url, w, l, th, none, |u| {
                let mut v = kv(t("insp.auth_type"), &u.auth_type, w, th);
                if let Some(url) = &u.url {
                    v.extend(kv("URL", url, w, th));
                }
                v
            }));
        }
        Tab::Checks => {
            let Some(r) = app.inspector.as_ref().and_then(|i| i.report.as_ref()) else {
                return out;
            };
            let sel = app.inspector.as_ref().map_or(0, |i| i.selected);
            out.extend(para(
                &format!("{}: {}", ui("check.source", l), r.source),
                w,
                th.dim(),
            ));
            out.push(Line::raw(""));
            if r.findings.is_empty() && r.unanswered.is_empty() {
                out.extend(para(ui("check.none", l), w, th.good()));
            } else if r.findings.is_empty() {
                out.extend(para(ui("check.none_partial", l), w, th.warn()));
            }
            for (i, cf) in r.findings.iter().enumerate() {
                let sev = ui(severity_key(cf.outcome.severity), l);
                let style = match cf.outcome.severity {
                    Severity::Error => th.bad(),
                    Severity::Warning => th.warn(),
                    Severity::Info => th.accent(),
                };
                let text = format!(
                    "[{sev}] {} — {}",
                    cf.outcome.id,
                    ui(title_key(cf.outcome.id), l)
                );
                let (mark, style) = if i == sel {
                    ("› ", style.add_modifier(Modifier::REVERSED))
                } else {
                    ("  ", style)
                };
                out.extend(hang(mark, &text, w, style));
                if i == sel {
                    for e in &cf.outcome.evidence {
                        let line = crate::checks::render::say(e, l);
                        out.extend(hang("    · ", &line, w, th.dim()));
                    }
                    out.extend(hang(
                        &format!("    {}: ", ui("fix", l)),
                        &cf.fix.title,
                        w,
                        th.good(),
                    ));
                }
            }
            if r.combined.is_some() {
                let text = format!("[+] {}", ui("check.combined", l));
                let (mark, style) = if sel == r.findings.len() {
                    ("› ", th.good().add_modifier(Modifier::REVERSED))
                } else {
                    ("  ", th.good())
                };
                out.push(Line::raw(""));
                out.extend(hang(mark, &text, w, style));
                if sel == r.findings.len() {
                    out.extend(hang("    ", ui("check.combined_body", l), w, th.dim()));
                }
            }
            if !r.passed.is_empty() {
                out.push(Line::raw(""));
                out.extend(hang(
                    &format!("{}: ", ui("check.passed", l)),
                    &r.passed
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    w,
                    th.good(),
                ));
            }
            if !r.unanswered.is_empty() {
                out.push(Line::raw(""));
                out.extend(para(
                    &format!("{}:", ui("check.unanswered", l)),
                    w,
                    th.warn(),
                ));
                for u in &r.unanswered {
                    let reason = crate::checks::report::unanswered_reason(u, l);
                    out.extend(hang("  - ", &format!("{}: {reason}", u.id), w, th.warn()));
                }
            }
            if !r.unreadable.is_empty() {
                out.push(Line::raw(""));
                out.push(Line::styled(
                    format!("{}:", ui("check.unreadable", l)),
                    th.warn(),
                ));
                for u in &r.unreadable {
                    out.extend(hang("  - ", u, w, th.warn()));
                }
            }
        }
    }
    out
}

/// The tab names, as many as fit around the current one, with ‹ › where some are hidden.
fn tab_bar(app: &App, current: Tab, w: usize, th: Theme) -> Line<'static> {
    let l = app.lang;
    let names: Vec<String> = Tab::ALL
        .iter()
        .map(|t| {
            let name = tui(t.key(), l).to_string();
            match (t, app.inspector.as_ref().and_then(|i| i.report.as_ref())) {
                (Tab::Checks, Some(r)) => format!("{name} ({})", r.findings.len()),
                _ => name,
            }
        })
        .collect();
    let cur = Tab::ALL.iter().position(|t| *t == current).unwrap_or(0);
    let cost = |i: usize| width(&names[i]) + 3;
    let (mut lo, mut hi) = (cur, cur);
    let mut used = cost(cur) + 4; // room for the arrows
    loop {
        let mut grew = false;
        if hi + 1 < names.len() && used + cost(hi + 1) <= w {
            hi += 1;
            used += cost(hi);
            grew = true;
        }
        if lo > 0 && used + cost(lo - 1) <= w {
            lo -= 1;
            used += cost(lo);
            grew = true;
        }
        if !grew {
            break;
        }
    }
    let mut spans = vec![Span::styled(if lo > 0 { "‹" } else { " " }, th.dim())];
    for (i, name) in names.iter().enumerate().take(hi + 1).skip(lo) {
        let style = if i == cur {
            th.selected().add_modifier(Modifier::BOLD)
        } else {
            th.dim()
        };
        spans.push(Span::styled(format!(" {name} "), style));
        spans.push(Span::raw(" "));
    }
    if hi + 1 < names.len() {
        spans.push(Span::styled("›", th.dim()));
    }
    Line::from(spans)
}

fn draw_inspector(app: &App, f: &mut Frame, area: Rect, th: Theme) {
    let Some(i) = &app.inspector else { return };
    let l = app.lang;
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    f.render_widget(
        Paragraph::new(tab_bar(app, i.tab, tabs.width as usize, th)),
        tabs,
    );
    let inner = body.inner(ratatui::layout::Margin::new(1, 0));
    let w = inner.width as usize;
    let lines = match app.evidence.get(&i.name) {
        Some(Loaded::Ready(ev)) => tab_lines(app, ev, i.tab, w, th),
        Some(Loaded::Pending(_) | Loaded::Waiting) => vec![Line::styled(
            format!(
                "{} {}",
                spinner(app),
                fill(tui("evidence.reading", l), &[("function", &i.name)])
            ),
            th.accent(),
        )],
        Some(Loaded::Failed(e)) => para(
            &fill(
                tui("insp.read_failed", l),
                &[("function", &i.name), ("error", e)],
            ),
            w,
            th.bad(),
        ),
        None => para(
            &fill(tui("insp.not_loaded", l), &[("function", &i.name)]),
            w,
            th.dim(),
        ),
    };
    // On the checks tab, keep the highlighted finding in view.
    let mut scroll = i.scroll as usize;
    if i.tab == Tab::Checks
        && let Some(pos) = lines.iter().position(|line| {
            line.spans
                .first()
                .is_some_and(|s| s.content.starts_with("› "))
        })
    {
        let h = inner.height as usize;
        scroll = pos
            .saturating_sub(h.saturating_sub(h / 3))
            .max(pos.saturating_sub(h - 1).min(scroll));
        if pos < scroll {
            scroll = pos;
        }
    }
    let max = lines.len().saturating_sub(inner.height as usize);
    f.render_widget(
        Paragraph::new(lines).scroll((scroll.min(max) as u16, 0)),
        inner,
    );
}

// ---- Help ----

fn draw_help(app: &App, f: &mut Frame, area: Rect, th: Theme) {
    let l = app.lang;
    let ctx = app.context_of(app.base_screen());
    let bindings = keys::bindings(ctx);
    let key_w = bindings
        .iter()
        .map(|b| width(&keys::keys_label(b)))
        .max()
        .unwrap_or(8)
        .min(24);
    let popup = area.inner(ratatui::layout::Margin::new(
        if area.width > 70 { 6 } else { 1 },
        if area.height > 18 { 1 } else { 0 },
    ));
    let block = boxed(tui("help.title", l).to_string(), true, th);
    let inner = block.inner(popup);
    let w = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    for b in &bindings {
        let k = keys::keys_label(b);
        let k = truncate(&k, key_w);
        let pad = key_w.saturating_sub(width(&k));
        let desc = tui(b.desc, l);
        for (i, d) in wrap(desc, w.saturating_sub(key_w + 2).max(1))
            .into_iter()
            .enumerate()
        {
            if i == 0 {
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("{k}{}  ", " ".repeat(pad)),
                        th.accent().add_modifier(Modifier::BOLD),
                    ),
                    Span::raw(d),
                ]));
            } else {
                lines.push(Line::raw(format!("{}  {d}", " ".repeat(key_w))));
            }
        }
    }
    lines.push(Line::raw(""));
    lines.extend(para(tui("help.about", l), w, th.dim()));
    let max = lines.len().saturating_sub(inner.height as usize) as u16;
    f.render_widget(ratatui::widgets::Clear, popup);
    f.render_widget(block, popup);
    f.render_widget(
        Paragraph::new(lines).scroll((app.help_scroll.min(max), 0)),
        inner,
    );
}
