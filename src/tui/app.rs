//! The app's state and `update`: every change happens here, from an [`Action`], and every
//! I/O the app needs leaves as an [`Effect`]. Nothing here draws, awaits or touches the
//! terminal, so a test drives the whole app with actions.

use super::action::{Action, Connection, Effect, JobId};
use super::fixdoc::{FixDoc, support_facts};
use super::keys::Context;
use super::text::{TextBox, clean, tui};
use crate::checks::report::{CheckReport, vars_for};
use crate::diagnose::Diagnosis;
use crate::evidence::{FunctionEvidence, Snapshot};
use crate::i18n::{Lang, fill, ui};
use crate::recognize::{Category, Finding, recognize_all};
use crate::tree::walk::{Evidence, NoEvidence};
use crate::tree::{NodeKind, Tree};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Where the function list and offline evidence come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// The live account (once connected).
    Live,
    /// The bundled demo account.
    Demo,
    /// A snapshot file, by name.
    Snapshot(String),
}

/// How the app starts.
#[derive(Debug, Clone)]
pub struct Options {
    pub lang: Lang,
    /// `None`: connect to the live account in the background.
    pub snapshot: Option<(Snapshot, Origin)>,
    /// Open the inspector on this function.
    pub function: Option<String>,
    pub profile: Option<String>,
    /// Where exported reports go.
    pub export_dir: PathBuf,
    pub size: (u16, u16),
    pub color: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            lang: Lang::En,
            snapshot: None,
            function: None,
            profile: None,
            export_dir: PathBuf::from("."),
            size: (80, 24),
            color: true,
        }
    }
}

/// The AWS connection.
#[derive(Debug, Clone, PartialEq)]
pub enum Link {
    /// Not connecting (a snapshot or the demo was asked for).
    Off,
    Connecting,
    Online(Connection),
    /// Connecting failed; the reason.
    Failed(String),
}

/// A screen on the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Home,
    Findings,
    /// The walk: a question, or its fix once it reaches one.
    Walk,
    Inspector,
    /// The fix of the inspector's check finding N.
    CheckFix(usize),
    Help,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Paste,
    Symptoms,
    Functions,
}

/// One row of the function picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionRow {
    pub name: String,
    pub detail: String,
}

/// The function list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListState {
    /// Nothing to list (offline, no snapshot).
    Empty,
    Loading(JobId),
    Ready,
    Failed(String),
}

/// One function's evidence.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    /// Wanted, but not connected yet.
    Waiting,
    Pending(JobId),
    Ready(Box<FunctionEvidence>),
    Failed(String),
}

/// A message in the footer until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Info(String),
    Error(String),
}

/// The walk in progress.
#[derive(Debug, Clone)]
pub struct WalkState {
    pub diag: Diagnosis<'static>,
    /// The symptom's id when the walk started from one.
    pub symptom: Option<String>,
    /// The function whose evidence answers checks.
    pub function: Option<String>,
    /// The highlighted answer.
    pub selected: usize,
    /// The highlighted block on the fix.
    pub block: usize,
    /// After going back: the answer the question had, and how (message, account, person),
    /// shown next to it so the person sees what they override.
    pub previous: Option<(String, crate::tree::walk::How)>,
    pub scroll: u16,
}

/// Inspector tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Config,
    Role,
    Policies,
    Resource,
    Triggers,
    Checks,
}

impl Tab {
    pub const ALL: [Tab; 6] = [
        Tab::Config,
        Tab::Role,
        Tab::Policies,
        Tab::Resource,
        Tab::Triggers,
        Tab::Checks,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Tab::Config => "tab.config",
            Tab::Role => "tab.role",
            Tab::Policies => "tab.policies",
            Tab::Resource => "tab.resource",
            Tab::Triggers => "tab.triggers",
            Tab::Checks => "tab.checks",
        }
    }
}

#[derive(Debug, Clone)]
pub struct InspectorState {
    pub name: String,
    pub tab: Tab,
    pub scroll: u16,
    /// The highlighted check finding.
    pub selected: usize,
    /// `check` on the function, once its evidence is here.
    pub report: Option<CheckReport>,
    /// Highlighted block and scroll of an opened check fix.
    pub block: usize,
    pub fix_scroll: u16,
}

/// The whole app.
#[derive(Debug)]
pub struct App {
    pub lang: Lang,
    pub color: bool,
    pub size: (u16, u16),
    pub screens: Vec<Screen>,
    pub focus: Focus,
    pub paste: TextBox,
    pub symptom: usize,
    pub link: Link,
    pub profile: Option<String>,
    pub origin: Origin,
    pub functions: Vec<FunctionRow>,
    pub list: ListState,
    pub function_sel: usize,
    /// Evidence by function name.
    pub evidence: BTreeMap<String, Loaded>,
    /// Where evidence of the snapshot/demo came from, for reports.
    pub snapshot_source: Option<String>,
    pub findings: Vec<Finding>,
    pub truncated: bool,
    pub finding_sel: usize,
    pub walk: Option<WalkState>,
    pub inspector: Option<InspectorState>,
    pub help_scroll: u16,
    pub message: Option<Message>,
    pub tick: u64,
    pub export_dir: PathBuf,
    pub quit: bool,
    next_job: JobId,
    tree: &'static Tree,
}

fn tree() -> &'static Tree {
    // The embedded tree is validated by the test suite; a broken build is a bug, not input.
    Tree::embedded().expect("the embedded decision tree is valid")
}

impl App {
    /// A new app, and the effects to start it (connecting, opening a function).
    pub fn new(opts: Options) -> (App, Vec<Effect>) {
        let mut app = App {
            lang: opts.lang,
            color: opts.color,
            size: opts.size,
            screens: vec![Screen::Home],
            focus: Focus::Paste,
            paste: TextBox::default(),
            symptom: 0,
            link: Link::Off,
            profile: opts.profile.clone(),
            origin: Origin::Live,
            functions: Vec::new(),
            list: ListState::Empty,
            function_sel: 0,
            evidence: BTreeMap::new(),
            snapshot_source: None,
            findings: Vec::new(),
            truncated: false,
            finding_sel: 0,
            walk: None,
            inspector: None,
            help_scroll: 0,
            message: None,
            tick: 0,
            export_dir: opts.export_dir,
            quit: false,
            next_job: 0,
            tree: tree(),
        };
        let mut effects = Vec::new();
        match opts.snapshot {
            Some((snap, origin)) => app.load_snapshot(snap, origin),
            None => {
                app.link = Link::Connecting;
                effects.push(Effect::Connect);
            }
        }
        if let Some(f) = opts.function {
            effects.extend(app.open_inspector(&f));
        }
        (app, effects)
    }

    pub fn tree(&self) -> &'static Tree {
        self.tree
    }

    pub fn screen(&self) -> Screen {
        *self.screens.last().unwrap_or(&Screen::Home)
    }

    /// The screen under the help overlay.
    pub fn base_screen(&self) -> Screen {
        self.screens
            .iter()
            .rev()
            .find(|s| **s != Screen::Help)
            .copied()
            .unwrap_or(Screen::Home)
    }

    /// Which key table applies now.
    pub fn context(&self) -> Context {
        self.context_of(self.screen())
    }

    pub fn context_of(&self, screen: Screen) -> Context {
        match screen {
            Screen::Home if self.focus == Focus::Paste => Context::Typing,
            Screen::Home => Context::HomeList,
            Screen::Findings => Context::Findings,
            Screen::Walk => match &self.walk {
                Some(w) if w.diag.walk.at_fix() => Context::Fix,
                _ => Context::Question,
            },
            Screen::Inspector => Context::Inspector,
            Screen::CheckFix(_) => Context::CheckFix,
            Screen::Help => Context::Help,
        }
    }

    /// Whether something runs in the background (the spinner turns).
    pub fn busy(&self) -> bool {
        self.link == Link::Connecting
            || matches!(self.list, ListState::Loading(_))
            || self
                .evidence
                .values()
                .any(|l| matches!(l, Loaded::Pending(_) | Loaded::Waiting))
    }

    fn job(&mut self) -> JobId {
        self.next_job += 1;
        self.next_job
    }

    fn info(&mut self, s: String) {
        self.message = Some(Message::Info(s));
    }

    fn error(&mut self, s: String) {
        self.message = Some(Message::Error(s));
    }

    fn t(&self, key: &str) -> &'static str {
        tui(key, self.lang)
    }

    fn load_snapshot(&mut self, snap: Snapshot, origin: Origin) {
        self.evidence.clear();
        self.functions = snap
            .functions
            .iter()
            .map(|f| FunctionRow {
                name: f.config.name.clone(),
                detail: row_detail(f.config.runtime.as_deref(), &f.config.role),
            })
            .collect();
        for f in snap.functions {
            self.evidence
                .insert(f.config.name.clone(), Loaded::Ready(Box::new(f)));
        }
        // The demo's own source line says it is the demo; a file is named.
        let label = match &origin {
            Origin::Snapshot(n) => format!("{n}: "),
            _ => String::new(),
        };
        self.snapshot_source = Some(match (&snap.source, &snap.taken_at) {
            (Some(s), Some(t)) => format!("{label}{s}, {t}"),
            (Some(s), None) => format!("{label}{s}"),
            _ => label.trim_end_matches(": ").to_string(),
        });
        self.origin = origin;
        self.list = ListState::Ready;
        self.function_sel = 0;
    }

    /// Applies one action; returns the I/O to carry out.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        let key_action = !matches!(
            action,
            Action::Tick
                | Action::Resize(..)
                | Action::Connected(_)
                | Action::Functions(..)
                | Action::FunctionRead(..)
                | Action::Exported(_)
                | Action::CopyFailed(_)
        );
        if key_action {
            self.message = None;
        }
        let (min_w, min_h) = super::view::MIN_SIZE;
        if key_action && (self.size.0 < min_w || self.size.1 < min_h) && action != Action::Quit {
            return vec![]; // nothing on screen to act on
        }
        match action {
            Action::Quit => {
                self.quit = true;
                return vec![Effect::Quit];
            }
            Action::Tick => {
                self.tick = self.tick.wrapping_add(1);
                return vec![];
            }
            Action::Resize(w, h) => {
                self.size = super::clamp_size((w, h));
                self.clamp_scrolls();
                return vec![];
            }
            Action::SwitchLang => {
                self.lang = match self.lang {
                    Lang::En => Lang::Ja,
                    Lang::Ja => Lang::ZhTw,
                    Lang::ZhTw => Lang::En,
                };
                self.refresh_report();
                self.info(fill(self.t("msg.lang"), &[("lang", self.lang.code())]));
                return vec![];
            }
            Action::Help if self.screen() != Screen::Help => {
                self.help_scroll = 0;
                self.screens.push(Screen::Help);
                return vec![];
            }
            Action::Connected(r) => return self.connected(r),
            Action::Functions(job, r) => {
                self.functions_listed(job, r);
                return vec![];
            }
            Action::FunctionRead(job, name, r) => {
                self.function_read(job, name, r);
                return vec![];
            }
            Action::Exported(r) => {
                match r {
                    Ok(p) => self.info(fill(
                        self.t("msg.exported"),
                        &[("path", &p.display().to_string())],
                    )),
                    Err(e) => self.error(fill(self.t("msg.export_failed"), &[("error", &e)])),
                }
                return vec![];
            }
            Action::CopyFailed(e) => {
                self.error(fill(self.t("msg.copy_failed"), &[("error", &e)]));
                return vec![];
            }
            Action::Paste(s) if self.screen() != Screen::Home => {
                // A paste anywhere starts over from Home with the new text.
                self.screens.truncate(1);
                return self.home(Action::Paste(s));
            }
            _ => {}
        }
        match self.screen() {
            Screen::Home => self.home(action),
            Screen::Findings => self.findings_screen(action),
            Screen::Walk => self.walk_screen(action),
            Screen::Inspector => self.inspector_screen(action),
            Screen::CheckFix(i) => self.check_fix_screen(i, action),
            Screen::Help => {
                match action {
                    Action::Back | Action::Help => {
                        self.screens.pop();
                    }
                    Action::Down => self.help_scroll = self.help_scroll.saturating_add(1),
                    Action::Up => self.help_scroll = self.help_scroll.saturating_sub(1),
                    _ => {}
                }
                vec![]
            }
        }
    }

    // ---- Home ----

    fn home(&mut self, action: Action) -> Vec<Effect> {
        let symptoms = self.tree.index.symptoms.len();
        match action {
            Action::Paste(s) => {
                // A paste is a whole message: it replaces what the box held, so two pastes
                // never run together into one wrong ARN.
                self.focus = Focus::Paste;
                let cleaned = clean(&s);
                if cleaned.len() > super::text::MAX_BOX {
                    self.error(fill(
                        self.t("msg.too_large"),
                        &[("mib", &(super::text::MAX_BOX / 1024 / 1024).to_string())],
                    ));
                    return vec![];
                }
                self.paste.set(cleaned);
                return self.analyze();
            }
            Action::Char(c) => {
                self.paste.insert(c.encode_utf8(&mut [0; 4]));
            }
            Action::Newline => {
                self.paste.insert("\n");
            }
            Action::Backspace => self.paste.backspace(),
            Action::Delete => self.paste.delete(),
            Action::Left => self.paste.left(),
            Action::Right => self.paste.right(),
            Action::LineStart => self.paste.line_start(),
            Action::LineEnd => self.paste.line_end(),
            Action::ClearBox => self.paste.clear(),
            Action::Submit => return self.analyze(),
            Action::NextFocus => {
                self.focus = match self.focus {
                    Focus::Paste => Focus::Symptoms,
                    Focus::Symptoms => Focus::Functions,
                    Focus::Functions => Focus::Paste,
                }
            }
            Action::PrevFocus => {
                self.focus = match self.focus {
                    Focus::Paste => Focus::Functions,
                    Focus::Symptoms => Focus::Paste,
                    Focus::Functions => Focus::Symptoms,
                }
            }
            Action::FocusPaste => self.focus = Focus::Paste,
            Action::Down => match self.focus {
                Focus::Symptoms => self.symptom = (self.symptom + 1).min(symptoms.max(1) - 1),
                Focus::Functions => {
                    self.function_sel = (self.function_sel + 1).min(self.functions.len().max(1) - 1)
                }
                Focus::Paste => {}
            },
            Action::Up => match self.focus {
                Focus::Symptoms => self.symptom = self.symptom.saturating_sub(1),
                Focus::Functions => self.function_sel = self.function_sel.saturating_sub(1),
                Focus::Paste => {}
            },
            Action::Enter => match self.focus {
                Focus::Symptoms => return self.start_symptom(self.symptom),
                Focus::Functions => match self.functions.get(self.function_sel) {
                    Some(row) => {
                        let name = row.name.clone();
                        return self.open_inspector(&name);
                    }
                    None => self.info(self.t("msg.no_functions").to_string()),
                },
                Focus::Paste => return self.analyze(),
            },
            Action::LoadDemo => {
                self.load_snapshot(Snapshot::demo(), Origin::Demo);
                self.focus = Focus::Functions;
                self.info(fill(
                    self.t("msg.demo_loaded"),
                    &[("n", &self.functions.len().to_string())],
                ));
            }
            Action::Refresh => return self.refresh_functions(),
            _ => {}
        }
        vec![]
    }

    fn refresh_functions(&mut self) -> Vec<Effect> {
        match &self.link {
            Link::Online(_) => {
                if self.origin != Origin::Live {
                    self.evidence.clear();
                    self.snapshot_source = None;
                }
                self.origin = Origin::Live;
                let job = self.job();
                self.list = ListState::Loading(job);
                vec![Effect::ListFunctions(job)]
            }
            Link::Connecting => vec![],
            Link::Off | Link::Failed(_) => {
                self.link = Link::Connecting;
                vec![Effect::Connect]
            }
        }
    }

    /// Reads the paste box and opens the findings.
    fn analyze(&mut self) -> Vec<Effect> {
        if self.paste.is_empty() {
            self.info(self.t("msg.empty").to_string());
            return vec![];
        }
        // What stays on screen is redacted, like everything else the tool shows.
        let redacted = crate::redact::redact(&self.paste.text).into_owned();
        if redacted != self.paste.text {
            self.paste.set(redacted);
        }
        let found = recognize_all(&self.paste.text);
        if found.findings.is_empty() {
            let hint = match &found.authentication {
                Some(code) => {
                    crate::i18n::fill(ui("auth_failure_hint", self.lang), &[("code", code)])
                }
                None => ui("no_finding_hint", self.lang).to_string(),
            };
            self.error(format!("{} {hint}", ui("no_finding", self.lang)));
            return vec![];
        }
        self.findings = found.findings;
        self.truncated = found.truncated;
        self.finding_sel = 0;
        self.screens.truncate(1);
        self.screens.push(Screen::Findings);
        // Evidence for the functions the findings name, read ahead while the person reads.
        let names: Vec<String> = self
            .findings
            .iter()
            .filter_map(|f| {
                crate::tree::vars::Vars::from_finding(f)
                    .get("function_name")
                    .map(str::to_string)
            })
            .collect();
        let mut effects = Vec::new();
        for n in names {
            effects.extend(self.want_evidence(&n));
        }
        effects
    }

    // ---- Evidence ----

    /// Asks for a function's evidence when the live account can give it.
    fn want_evidence(&mut self, name: &str) -> Vec<Effect> {
        if self.origin != Origin::Live || self.evidence.contains_key(name) {
            return vec![];
        }
        match self.link {
            Link::Online(_) => {
                let job = self.job();
                self.evidence.insert(name.to_string(), Loaded::Pending(job));
                vec![Effect::ReadFunction(job, name.to_string())]
            }
            Link::Connecting => {
                self.evidence.insert(name.to_string(), Loaded::Waiting);
                vec![]
            }
            Link::Off | Link::Failed(_) => vec![],
        }
    }

    /// The function whose evidence answers a finding's checks: the one the message names, else
    /// the one open in the inspector.
    pub fn evidence_function(&self, f: &Finding) -> Option<String> {
        crate::tree::vars::Vars::from_finding(f)
            .get("function_name")
            .map(str::to_string)
            .or_else(|| self.inspector.as_ref().map(|i| i.name.clone()))
    }

    pub fn evidence_of(&self, name: &str) -> Option<&FunctionEvidence> {
        match self.evidence.get(name) {
            Some(Loaded::Ready(ev)) => Some(ev),
            _ => None,
        }
    }

    /// Whether the evidence of `name` is on its way.
    pub fn loading(&self, name: &str) -> bool {
        matches!(
            self.evidence.get(name),
            Some(Loaded::Pending(_) | Loaded::Waiting)
        )
    }

    fn connected(&mut self, r: Result<Connection, String>) -> Vec<Effect> {
        let mut effects = Vec::new();
        match r {
            Ok(c) => {
                self.link = Link::Online(c);
                if self.origin == Origin::Live {
                    let job = self.job();
                    self.list = ListState::Loading(job);
                    effects.push(Effect::ListFunctions(job));
                    let waiting: Vec<String> = self
                        .evidence
                        .iter()
                        .filter(|(_, l)| **l == Loaded::Waiting)
                        .map(|(n, _)| n.clone())
                        .collect();
                    for n in waiting {
                        let job = self.job();
                        self.evidence.insert(n.clone(), Loaded::Pending(job));
                        effects.push(Effect::ReadFunction(job, n));
                    }
                }
            }
            Err(e) => {
                self.error(fill(self.t("msg.offline"), &[("error", &e)]));
                self.link = Link::Failed(e.clone());
                for l in self.evidence.values_mut() {
                    if *l == Loaded::Waiting {
                        *l = Loaded::Failed(e.clone());
                    }
                }
                self.evidence_changed();
            }
        }
        effects
    }

    fn functions_listed(
        &mut self,
        job: JobId,
        r: Result<Vec<crate::aws::FunctionSummary>, String>,
    ) {
        if self.list != ListState::Loading(job) {
            return; // superseded
        }
        match r {
            Ok(list) => {
                self.functions = list
                    .into_iter()
                    .map(|f| FunctionRow {
                        detail: row_detail(f.runtime.as_deref(), &f.role),
                        name: f.name,
                    })
                    .collect();
                self.function_sel = self.function_sel.min(self.functions.len().max(1) - 1);
                self.list = ListState::Ready;
            }
            Err(e) => {
                self.error(fill(self.t("msg.list_failed"), &[("error", &e)]));
                self.list = ListState::Failed(e);
            }
        }
    }

    fn function_read(
        &mut self,
        job: JobId,
        name: String,
        r: Result<Box<FunctionEvidence>, String>,
    ) {
        if self.evidence.get(&name) != Some(&Loaded::Pending(job)) {
            return; // superseded or no longer wanted
        }
        match r {
            Ok(ev) => {
                self.evidence.insert(name, Loaded::Ready(ev));
            }
            Err(e) => {
                self.error(fill(
                    self.t("msg.read_failed"),
                    &[("function", &name), ("error", &e)],
                ));
                self.evidence.insert(name, Loaded::Failed(e));
            }
        }
        self.evidence_changed();
    }

    /// New evidence (or its failure): the walk goes on, the inspector re-runs its checks.
    fn evidence_changed(&mut self) {
        if self.walk.is_some() {
            self.advance_walk();
        }
        self.refresh_report();
    }

    fn refresh_report(&mut self) {
        let lang = self.lang;
        let tree = self.tree;
        let Some(name) = self.inspector.as_ref().map(|i| i.name.clone()) else {
            return;
        };
        let source = self.evidence_source();
        let report = self
            .evidence_of(&name)
            .map(|ev| CheckReport::new(tree, ev, &source, lang));
        if let Some(i) = self.inspector.as_mut() {
            if let Some(r) = &report {
                i.selected = i.selected.min(r.findings.len().max(1) - 1);
            }
            i.report = report;
        }
    }

    /// Where evidence comes from, in words, for reports.
    pub fn evidence_source(&self) -> String {
        match (&self.origin, &self.link) {
            (Origin::Live, Link::Online(c)) => {
                let who = c
                    .caller
                    .as_deref()
                    .map(|a| format!(" as {a}"))
                    .unwrap_or_default();
                format!("live account, region {}{who}", c.region)
            }
            _ => self.snapshot_source.clone().unwrap_or_default(),
        }
    }

    // ---- Findings ----

    fn findings_screen(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Down => {
                self.finding_sel = (self.finding_sel + 1).min(self.findings.len().max(1) - 1)
            }
            Action::Up => self.finding_sel = self.finding_sel.saturating_sub(1),
            Action::Enter => {
                if let Some(f) = self.findings.get(self.finding_sel).cloned() {
                    let current = self.inspector.as_ref().map(|i| i.name.clone());
                    return self.start_walk(f, None, current);
                }
            }
            Action::Export => {
                let tree = self.tree;
                let diags: Vec<Diagnosis> = self
                    .findings
                    .iter()
                    .map(|f| {
                        let name = crate::tree::vars::Vars::from_finding(f)
                            .get("function_name")
                            .map(str::to_string);
                        let docs = name
                            .and_then(|n| self.evidence_of(&n))
                            .map(|e| e.docs_in(self.lang));
                        match &docs {
                            Some(d) => Diagnosis::new(tree, f.clone(), d),
                            None => Diagnosis::new(tree, f.clone(), &NoEvidence),
                        }
                    })
                    .collect();
                let md = crate::report::markdown(&diags, self.truncated, self.lang);
                return vec![self.export("findings", md)];
            }
            Action::Back => {
                self.screens.pop();
                // Back on Home with a list focused: the next key is a command, not text that
                // would silently edit the analysed message.
                self.focus = Focus::Symptoms;
            }
            _ => {}
        }
        vec![]
    }

    fn export(&self, slug: &str, contents: String) -> Effect {
        let stamp: String = crate::cli::now_utc()
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == 'T')
            .map(|c| if c == 'T' { '-' } else { c })
            .collect();
        let slug: String = slug
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        Effect::Export {
            path: self
                .export_dir
                .join(format!("lambda-doctor-{slug}-{stamp}.md")),
            contents: crate::report::finish_markdown(&contents),
        }
    }

    // ---- The walk ----

    fn start_symptom(&mut self, i: usize) -> Vec<Effect> {
        let Some(s) = self.tree.index.symptoms.get(i) else {
            return vec![];
        };
        let category = self
            .tree
            .index
            .entries
            .iter()
            .find(|(_, node)| **node == s.node)
            .and_then(|(c, _)| Category::parse(c))
            .unwrap_or(Category::OtherPermission);
        let label = s.id.clone();
        let node = s.node.clone();
        let function = self.inspector.as_ref().map(|i| i.name.clone());
        self.start_walk(Finding::blank(category), Some((label, node)), function)
    }

    fn start_walk(
        &mut self,
        finding: Finding,
        symptom: Option<(String, String)>,
        function: Option<String>,
    ) -> Vec<Effect> {
        let tree = self.tree;
        let start = match &symptom {
            Some((_, node)) => node.clone(),
            None => Diagnosis::entry_for(tree, &finding),
        };
        let Some(mut diag) = Diagnosis::begin(tree, finding, &start) else {
            return vec![];
        };
        if symptom.is_some() {
            // No message: nothing may be answered "from the message".
            diag.facts = Default::default();
        }
        let function = diag
            .vars
            .get("function_name")
            .map(str::to_string)
            .or(function);
        self.walk = Some(WalkState {
            diag,
            symptom: symptom.map(|(l, _)| l),
            function: function.clone(),
            selected: 0,
            block: 0,
            scroll: 0,
            previous: None,
        });
        if self.screen() != Screen::Walk {
            self.screens.push(Screen::Walk);
        }
        let effects = match &function {
            Some(f) => self.want_evidence(f),
            None => vec![],
        };
        self.advance_walk();
        effects
    }

    /// Answers what facts and evidence can answer; highlights the likely answer of the next
    /// question.
    fn advance_walk(&mut self) {
        let ev = self
            .walk
            .as_ref()
            .and_then(|w| w.function.as_deref())
            .and_then(|f| self.evidence_of(f))
            .cloned();
        let Some(w) = self.walk.as_mut() else {
            return;
        };
        let docs = ev.as_ref().map(|e| e.docs_in(self.lang));
        if let Some(e) = &ev {
            // The function's own ARNs fill what the message did not say.
            for (k, v) in vars_for(e).0 {
                w.diag.vars.0.entry(k).or_insert(v);
            }
        }
        let evidence: &dyn Evidence = match &docs {
            Some(d) => d,
            None => &NoEvidence,
        };
        w.diag.walk.advance(&w.diag.facts, evidence);
        let node = w.diag.walk.current();
        w.selected = node
            .likely
            .as_deref()
            .and_then(|l| node.answers.iter().position(|a| a.id == l))
            .unwrap_or(0);
        w.block = 0;
        w.scroll = 0;
        w.previous = None;
    }

    /// A symptom's label in the current language.
    pub fn symptom_label(&self, id: &str) -> Option<String> {
        self.tree
            .index
            .symptoms
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.label.get(self.lang).to_string())
    }

    /// Whether the walk waits for evidence at a check-backed question.
    pub fn walk_waiting(&self) -> bool {
        let Some(w) = &self.walk else { return false };
        let node = w.diag.walk.current();
        node.kind == NodeKind::Question
            && node.check.is_some()
            && w.function.as_deref().is_some_and(|f| self.loading(f))
    }

    fn walk_screen(&mut self, action: Action) -> Vec<Effect> {
        let lang = self.lang;
        let at_fix = self.walk.as_ref().is_some_and(|w| w.diag.walk.at_fix());
        if matches!(action, Action::Back) {
            self.screens.pop();
            return vec![];
        }
        if matches!(action, Action::Previous) {
            if let Some(w) = self.walk.as_mut() {
                let last = w.diag.walk.path().last().cloned();
                if w.diag.walk.back() {
                    let node = w.diag.walk.current();
                    w.selected = last
                        .as_ref()
                        .and_then(|s| node.answers.iter().position(|x| x.id == s.answer))
                        .unwrap_or(0);
                    w.previous = last.map(|s| (s.answer, s.how));
                    w.block = 0;
                    w.scroll = 0;
                } else {
                    self.info(tui("msg.first_question", lang).to_string());
                }
            }
            return vec![];
        }
        if at_fix {
            let (doc, slug, md) = {
                let Some(w) = self.walk.as_ref() else {
                    return vec![];
                };
                let doc = self.walk_fix(w);
                let slug = w
                    .function
                    .clone()
                    .unwrap_or_else(|| w.diag.finding.category.as_str().replace('_', "-"));
                (doc, slug, self.walk_markdown(w))
            };
            let size = self.size;
            let Some(w) = self.walk.as_mut() else {
                return vec![];
            };
            let mut pos = (w.block, w.scroll);
            let out = fix_keys(&doc, &mut pos, size, lang, action, || (slug, md));
            (w.block, w.scroll) = pos;
            return self.fix_outcome(out);
        }
        let Some(w) = self.walk.as_mut() else {
            return vec![];
        };
        let n = w.diag.walk.current().answers.len();
        let chosen = match action {
            Action::Down => {
                w.selected = (w.selected + 1).min(n.max(1) - 1);
                None
            }
            Action::Up => {
                w.selected = w.selected.saturating_sub(1);
                None
            }
            Action::Enter => Some(w.selected),
            Action::Choose(i) if i < n => Some(i),
            _ => None,
        };
        if let Some(i) = chosen {
            let id = w.diag.walk.current().answers[i].id.clone();
            if w.diag.walk.answer(&id).is_ok() {
                self.advance_walk();
            }
        }
        vec![]
    }

    /// The Markdown report of a walk: the finding, the path, the evidence, the fix, and the
    /// facts a support case needs.
    fn walk_markdown(&self, w: &WalkState) -> String {
        let lang = self.lang;
        let mut md = crate::report::markdown(std::slice::from_ref(&w.diag), false, lang);
        if let Some(s) = w.symptom.as_deref().and_then(|id| self.symptom_label(id)) {
            md = md.replacen(
                '\n',
                &format!("\n\n> {}: {s}\n", self.t("home.symptoms")),
                1,
            );
        }
        let source = w
            .function
            .as_deref()
            .filter(|f| self.evidence_of(f).is_some())
            .map(|f| format!("{f} — {}", self.evidence_source()));
        md.push('\n');
        md.push_str(&support_facts(
            &w.diag,
            source.as_deref(),
            &crate::cli::now_utc(),
            lang,
        ));
        md
    }

    fn fix_outcome(&mut self, out: FixOutcome) -> Vec<Effect> {
        match out {
            FixOutcome::None => vec![],
            FixOutcome::Copied(label, text) => {
                let lines = text.lines().count();
                let key = if lines == 1 {
                    "msg.copied_one"
                } else {
                    "msg.copied"
                };
                let mut msg = fill(self.t(key), &[("what", &label), ("n", &lines.to_string())]);
                let holes = placeholders(&text);
                if !holes.is_empty() {
                    msg = format!(
                        "{msg} {}",
                        fill(self.t("msg.placeholders"), &[("names", &holes.join(", "))])
                    );
                    self.error(msg);
                } else {
                    self.info(msg);
                }
                vec![Effect::Copy(text)]
            }
            FixOutcome::NothingToCopy => {
                self.info(self.t("msg.nothing_to_copy").to_string());
                vec![]
            }
            FixOutcome::Export(slug, md) => vec![self.export(&slug, md)],
        }
    }

    // ---- The inspector ----

    fn open_inspector(&mut self, name: &str) -> Vec<Effect> {
        self.inspector = Some(InspectorState {
            name: name.to_string(),
            tab: Tab::Checks,
            scroll: 0,
            selected: 0,
            report: None,
            block: 0,
            fix_scroll: 0,
        });
        self.screens.truncate(1);
        self.screens.push(Screen::Inspector);
        if self.origin != Origin::Live && self.evidence_of(name).is_none() {
            self.error(fill(self.t("msg.not_in_snapshot"), &[("function", name)]));
        }
        let effects = self.want_evidence(name);
        self.refresh_report();
        effects
    }

    fn inspector_screen(&mut self, action: Action) -> Vec<Effect> {
        let tree = self.tree;
        let lang = self.lang;
        let Some(i) = self.inspector.as_mut() else {
            self.screens.pop();
            return vec![];
        };
        let idx = Tab::ALL.iter().position(|t| *t == i.tab).unwrap_or(0);
        // The findings, then "fix everything" when there is a combined fix.
        let findings = i
            .report
            .as_ref()
            .map_or(0, |r| r.findings.len() + usize::from(r.combined.is_some()));
        match action {
            Action::NextTab => {
                i.tab = Tab::ALL[(idx + 1) % Tab::ALL.len()];
                i.scroll = 0;
            }
            Action::PrevTab => {
                i.tab = Tab::ALL[(idx + Tab::ALL.len() - 1) % Tab::ALL.len()];
                i.scroll = 0;
            }
            Action::Down if i.tab == Tab::Checks && findings > 0 => {
                i.selected = (i.selected + 1).min(findings - 1)
            }
            Action::Up if i.tab == Tab::Checks && findings > 0 => {
                i.selected = i.selected.saturating_sub(1)
            }
            Action::Down => i.scroll = i.scroll.saturating_add(1),
            Action::Up => i.scroll = i.scroll.saturating_sub(1),
            Action::PageDown => i.scroll = i.scroll.saturating_add(10),
            Action::PageUp => i.scroll = i.scroll.saturating_sub(10),
            Action::Enter => {
                if i.tab == Tab::Checks && findings > 0 {
                    i.block = 0;
                    i.fix_scroll = 0;
                    let n = i.selected;
                    self.screens.push(Screen::CheckFix(n));
                } else if i.tab != Tab::Checks {
                    i.tab = Tab::Checks;
                    i.scroll = 0;
                }
            }
            Action::Copy => {
                let text = if i.tab == Tab::Checks {
                    i.report
                        .as_ref()
                        .and_then(|r| match r.findings.get(i.selected) {
                            Some(f) => Some(FixDoc::from_check(tree, f, lang)),
                            None => r
                                .combined
                                .as_ref()
                                .map(|c| FixDoc::from_combined(r, c, lang)),
                        })
                        .and_then(|d| d.blocks.into_iter().next())
                        .map(|b| (b.name, b.text))
                } else {
                    let name = i.name.clone();
                    let tab = i.tab;
                    self.evidence_of(&name)
                        .map(|ev| (tui(tab.key(), lang).to_string(), tab_json(ev, tab)))
                };
                return match text {
                    Some((label, text)) => self.fix_outcome(FixOutcome::Copied(label, text)),
                    None => self.fix_outcome(FixOutcome::NothingToCopy),
                };
            }
            Action::Export => {
                if let Some(r) = &i.report {
                    let md = crate::checks::report::markdown(r, lang);
                    let slug = format!("{}-check", i.name);
                    return vec![self.export(&slug, md)];
                }
            }
            Action::Refresh => {
                let name = i.name.clone();
                if self.origin != Origin::Live {
                    self.info(tui("msg.offline_source", lang).to_string());
                    return vec![];
                }
                if self.origin == Origin::Live {
                    i.report = None;
                    self.evidence.remove(&name);
                    if matches!(self.link, Link::Failed(_) | Link::Off) {
                        // Try the connection again (credentials may have been fixed meanwhile).
                        self.link = Link::Connecting;
                        self.evidence.insert(name, Loaded::Waiting);
                        return vec![Effect::Connect];
                    }
                    return self.want_evidence(&name);
                }
            }
            Action::Back => {
                self.screens.pop();
            }
            _ => {}
        }
        vec![]
    }

    fn check_fix_screen(&mut self, n: usize, action: Action) -> Vec<Effect> {
        let lang = self.lang;
        let tree = self.tree;
        if action == Action::Back {
            self.screens.pop();
            return vec![];
        }
        let size = self.size;
        let Some(i) = self.inspector.as_mut() else {
            return vec![];
        };
        let Some(r) = i.report.as_ref() else {
            self.screens.pop();
            return vec![];
        };
        let (doc, md, slug) = match (r.findings.get(n), &r.combined) {
            (Some(f), _) => {
                let mut one = r.clone();
                one.findings = vec![f.clone()];
                one.combined = None;
                (
                    FixDoc::from_check(tree, f, lang),
                    crate::checks::report::markdown(&one, lang),
                    format!("{}-{}", i.name, f.outcome.id.as_str().replace('.', "-")),
                )
            }
            (None, Some(c)) => (
                FixDoc::from_combined(r, c, lang),
                crate::checks::report::markdown(r, lang),
                format!("{}-fix-everything", i.name),
            ),
            (None, None) => {
                self.screens.pop();
                return vec![];
            }
        };
        let mut pos = (i.block, i.fix_scroll);
        let out = fix_keys(&doc, &mut pos, size, lang, action, || (slug, md));
        (i.block, i.fix_scroll) = pos;
        self.fix_outcome(out)
    }

    fn clamp_scrolls(&mut self) {
        let (size, lang) = (self.size, self.lang);
        let doc = match &self.walk {
            Some(w) if w.diag.walk.at_fix() => self.walk_fix(w),
            _ => return,
        };
        let max = super::view::fix_max_scroll(&doc, size, lang);
        if let Some(w) = self.walk.as_mut() {
            w.scroll = w.scroll.min(max);
        }
    }

    /// The fix a walk reached, with the evidence of its function (a trust-policy fix then
    /// starts from the role's current trust policy).
    pub fn walk_fix(&self, w: &WalkState) -> FixDoc {
        let ev = w.function.as_deref().and_then(|f| self.evidence_of(f));
        FixDoc::from_diagnosis(&w.diag, self.lang, ev)
    }
}

/// `<REGION>`-style placeholders left in a block: values the message did not give.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let Some(j) = rest.find('>') else { break };
        let name = &rest[..j];
        if !name.is_empty()
            && name.len() <= 40
            && name
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b == b'_' || b.is_ascii_digit())
        {
            let p = format!("<{name}>");
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

fn row_detail(runtime: Option<&str>, role: &str) -> String {
    let role = role.rsplit('/').next().unwrap_or(role);
    match runtime {
        Some(r) => format!("{r} · {role}"),
        None => role.to_string(),
    }
}

/// The JSON of an inspector tab, for copying.
pub fn tab_json(ev: &FunctionEvidence, tab: Tab) -> String {
    let v = match tab {
        Tab::Config => serde_json::to_value(&ev.config).unwrap_or_default(),
        Tab::Role => match ev.role.ok() {
            Some(r) => serde_json::json!({
                "RoleArn": r.arn,
                "AssumeRolePolicyDocument": r.trust_policy,
                "PermissionsBoundary": r.boundary_arn,
            }),
            None => serde_json::to_value(&ev.role).unwrap_or_default(),
        },
        Tab::Policies => match ev.role.ok() {
            Some(r) => serde_json::to_value(&r.policies).unwrap_or_default(),
            None => serde_json::Value::Null,
        },
        Tab::Resource => serde_json::to_value(&ev.resource_policy).unwrap_or_default(),
        Tab::Triggers => serde_json::json!({
            "EventSourceMappings": ev.event_source_mappings,
            "FunctionUrl": ev.url,
        }),
        Tab::Checks => serde_json::Value::Null,
    };
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

/// What a key on a fix did.
pub enum FixOutcome {
    None,
    Copied(String, String),
    NothingToCopy,
    Export(String, String),
}

/// The keys of a fix (walk or check): block selection, scrolling, copy, export.
fn fix_keys(
    doc: &FixDoc,
    pos: &mut (usize, u16),
    size: (u16, u16),
    lang: Lang,
    action: Action,
    export: impl FnOnce() -> (String, String),
) -> FixOutcome {
    let (block, scroll) = pos;
    let n = doc.blocks.len();
    let max = super::view::fix_max_scroll(doc, size, lang);
    let page = size.1.saturating_sub(4).max(1);
    match action {
        Action::NextFocus | Action::PrevFocus if n > 0 => {
            *block = if action == Action::NextFocus {
                (*block + 1) % n
            } else {
                (*block + n - 1) % n
            };
            *scroll = super::view::block_line(doc, *block, size, lang).min(max);
        }
        Action::Down => *scroll = (*scroll + 1).min(max),
        Action::Up => *scroll = scroll.saturating_sub(1),
        Action::PageDown => *scroll = (*scroll + page).min(max),
        Action::PageUp => *scroll = scroll.saturating_sub(page),
        Action::Top => *scroll = 0,
        Action::Bottom => *scroll = max,
        Action::Copy => {
            return match doc.blocks.get(*block) {
                Some(b) => FixOutcome::Copied(b.name.clone(), b.text.clone()),
                None => FixOutcome::NothingToCopy,
            };
        }
        Action::Export => {
            let (slug, md) = export();
            return FixOutcome::Export(slug, md);
        }
        _ => {}
    }
    FixOutcome::None
}
