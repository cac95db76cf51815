//! The interactive terminal app. The loop: terminal events and finished background jobs arrive
//! on one channel; each becomes an [`action::Action`]; [`app::App::update`] changes the state
//! and returns [`action::Effect`]s, which this module carries out (AWS reads on a tokio
//! runtime, clipboard, files); after draining every queued event the screen is drawn once.
//! Nothing on the draw path waits for the network.

pub mod action;
pub mod app;
pub mod fixdoc;
pub mod keys;
pub mod text;
pub mod view;

use crate::aws::{Aws, AwsOptions, list_functions, read_function};
use action::{Action, Connection, Effect};
use app::{App, Options};
use crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
use std::io::Write;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How the TUI starts.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub app: Options,
    pub aws: AwsOptions,
}

/// What the loop receives.
enum Msg {
    Term(Event),
    TermError(String),
    Action(Action),
}

/// Puts the terminal back however the app ends: quit, error or panic.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

fn restore_terminal() {
    let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
}

/// Runs the TUI until the person quits. Returns the exit code.
pub fn run(opts: RunOptions) -> Result<i32, String> {
    let started = Instant::now();
    // A fixed viewport, resized by hand to the clamped size: ratatui's automatic resize would
    // allocate whatever size the terminal reports (65535×65535 is 206 GB).
    let start = clamp_size(crossterm::terminal::size().unwrap_or((80, 24)));
    let mut terminal = ratatui::try_init_with_options(ratatui::TerminalOptions {
        viewport: ratatui::Viewport::Fixed(area_of(start)),
    })
    .map_err(|e| format!("cannot open the terminal: {e}"))?;
    let _guard = TerminalGuard;
    // try_init_with_options turns raw mode on but (unlike try_init) leaves the screen as it is:
    // switch to the alternate screen and start from a clear one.
    // (Terminal::clear would ask the terminal for the cursor position; a plain clear does not.)
    crossterm::execute!(
        std::io::stdout(),
        crossterm::terminal::EnterAlternateScreen,
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    )
    .map_err(|e| format!("cannot open the terminal: {e}"))?;
    // ratatui::init's hook restores raw mode and the screen; bracketed paste is ours to undo.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
        previous(info);
    }));
    let _ = crossterm::execute!(std::io::stdout(), EnableBracketedPaste);

    let size = start;
    let mut app_opts = opts.app.clone();
    app_opts.size = size;
    let (mut app, effects) = App::new(app_opts);
    terminal
        .draw(|f| view::draw(&app, f))
        .map_err(|e| format!("cannot draw: {e}"))?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        width = size.0,
        height = size.1,
        lang = app.lang.code(),
        "first frame"
    );

    let (tx, rx) = mpsc::channel::<Msg>();
    spawn_terminal_reader(tx.clone());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let runner = Runner {
        runtime: &runtime,
        tx: tx.clone(),
        aws: Arc::new(Mutex::new(None)),
        options: opts.aws.clone(),
    };
    runner.carry_out(effects);

    let result = event_loop(&mut app, &mut terminal, &rx, &runner);
    drop(runner);
    // Reads still running are abandoned; nothing they do changes the account.
    runtime.shutdown_background();
    result
}

fn spawn_terminal_reader(tx: Sender<Msg>) {
    std::thread::spawn(move || {
        loop {
            match event::read() {
                Ok(ev) => {
                    if tx.send(Msg::Term(ev)).is_err() {
                        return;
                    }
                }
                Err(e) => {
                    let _ = tx.send(Msg::TermError(e.to_string()));
                    return;
                }
            }
        }
    });
}

/// The largest area the app draws: far beyond any real screen, small enough that a terminal
/// reporting an absurd size (65535×65535) costs a few megabytes, not an abort.
pub const MAX_SIZE: (u16, u16) = (1000, 500);

/// A reported terminal size within [`MAX_SIZE`].
pub fn clamp_size((w, h): (u16, u16)) -> (u16, u16) {
    (w.min(MAX_SIZE.0), h.min(MAX_SIZE.1))
}

fn area_of((w, h): (u16, u16)) -> ratatui::layout::Rect {
    ratatui::layout::Rect::new(0, 0, w, h)
}

/// Turns a terminal event into an action, by the key table of the current screen.
pub fn action_for(app: &App, ev: Event) -> Option<Action> {
    match ev {
        Event::Key(k) => keys::route(app.context(), &k),
        Event::Paste(s) => Some(Action::Paste(s)),
        Event::Resize(w, h) => {
            let (w, h) = clamp_size((w, h));
            Some(Action::Resize(w, h))
        }
        _ => None,
    }
}

fn event_loop(
    app: &mut App,
    terminal: &mut ratatui::DefaultTerminal,
    rx: &Receiver<Msg>,
    runner: &Runner,
) -> Result<i32, String> {
    loop {
        let wait = if app.busy() {
            Duration::from_millis(100)
        } else {
            Duration::from_secs(3600)
        };
        let first = match rx.recv_timeout(wait) {
            Ok(m) => Some(m),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return Ok(0),
        };
        // Drain, then draw once.
        let mut msgs: Vec<Msg> = first.into_iter().collect();
        msgs.extend(rx.try_iter());
        let mut actions = Vec::new();
        if msgs.is_empty() {
            actions.push(Action::Tick);
        }
        for m in msgs {
            match m {
                Msg::Term(Event::Resize(w, h)) => {
                    let size = clamp_size((w, h));
                    terminal
                        .resize(area_of(size))
                        .map_err(|e| format!("cannot resize: {e}"))?;
                    actions.push(Action::Resize(size.0, size.1));
                }
                Msg::Term(ev) => actions.extend(action_for(app, ev)),
                Msg::Action(a) => actions.push(a),
                Msg::TermError(e) => return Err(format!("cannot read the terminal: {e}")),
            }
        }
        if app.busy() && !actions.contains(&Action::Tick) {
            actions.push(Action::Tick);
        }
        for a in actions {
            let effects = app.update(a);
            runner.carry_out(effects);
            if app.quit {
                return Ok(0);
            }
        }
        terminal
            .draw(|f| view::draw(app, f))
            .map_err(|e| format!("cannot draw: {e}"))?;
    }
}

/// Carries out effects: AWS reads on the runtime, the clipboard and files here.
struct Runner<'r> {
    runtime: &'r tokio::runtime::Runtime,
    tx: Sender<Msg>,
    aws: Arc<Mutex<Option<Arc<Aws>>>>,
    options: AwsOptions,
}

impl Runner<'_> {
    fn carry_out(&self, effects: Vec<Effect>) {
        for e in effects {
            self.one(e);
        }
    }

    fn aws(&self) -> Option<Arc<Aws>> {
        self.aws.lock().ok().and_then(|g| g.clone())
    }

    fn one(&self, effect: Effect) {
        let tx = self.tx.clone();
        match effect {
            Effect::Quit => {}
            Effect::Connect => {
                let slot = self.aws.clone();
                let opts = self.options.clone();
                self.runtime.spawn(async move {
                    let t = Instant::now();
                    let result = match Aws::connect_and_identify(&opts).await {
                        Ok((aws, caller)) => {
                            let c = Connection {
                                region: aws.region.clone(),
                                profile: opts.profile.clone(),
                                caller: caller
                                    .as_ref()
                                    .map(|(arn, _)| crate::sanitize::line(arn, 300)),
                                account: caller.map(|(_, acct)| crate::sanitize::quoted(&acct)),
                            };
                            if let Ok(mut g) = slot.lock() {
                                *g = Some(Arc::new(aws));
                            }
                            Ok(c)
                        }
                        Err(e) => Err(e.to_string()),
                    };
                    tracing::info!(
                        ok = result.is_ok(),
                        elapsed_ms = t.elapsed().as_millis() as u64,
                        "connect"
                    );
                    let _ = tx.send(Msg::Action(Action::Connected(result)));
                });
            }
            Effect::ListFunctions(job) => {
                let Some(aws) = self.aws() else {
                    let _ = tx.send(Msg::Action(Action::Functions(
                        job,
                        Err("not connected".into()),
                    )));
                    return;
                };
                self.runtime.spawn(async move {
                    let t = Instant::now();
                    // Each page is bounded by the per-call timeouts; a long list of pages is
                    // AWS answering, not failing to.
                    let r = list_functions(&aws).await.map_err(|e| e.to_string());
                    tracing::info!(
                        job,
                        ok = r.is_ok(),
                        elapsed_ms = t.elapsed().as_millis() as u64,
                        "list functions"
                    );
                    let _ = tx.send(Msg::Action(Action::Functions(job, r)));
                });
            }
            Effect::ReadFunction(job, name) => {
                let Some(aws) = self.aws() else {
                    let _ = tx.send(Msg::Action(Action::FunctionRead(
                        job,
                        name,
                        Err("not connected".into()),
                    )));
                    return;
                };
                self.runtime.spawn(async move {
                    let t = Instant::now();
                    let r = crate::aws::within_budget(&aws.who(), read_function(&aws, &name))
                        .await
                        .map_err(|e| e.to_string())
                        .and_then(|ev| ev.cleaned().map(Box::new));
                    tracing::info!(
                        job,
                        function = %name,
                        ok = r.is_ok(),
                        elapsed_ms = t.elapsed().as_millis() as u64,
                        "read function"
                    );
                    let _ = tx.send(Msg::Action(Action::FunctionRead(job, name, r)));
                });
            }
            Effect::Copy(text) => {
                let mut out = std::io::stdout();
                let r = crossterm::execute!(
                    out,
                    crossterm::clipboard::CopyToClipboard::to_clipboard_from(text.as_bytes())
                )
                .and_then(|_| out.flush());
                tracing::info!(bytes = text.len(), ok = r.is_ok(), "copy (OSC 52)");
                if let Err(e) = r {
                    let _ = tx.send(Msg::Action(Action::CopyFailed(e.to_string())));
                }
            }
            Effect::Export { path, contents } => {
                let r = std::fs::write(&path, contents)
                    .map(|_| path.clone())
                    .map_err(|e| format!("{}: {e}", path.display()));
                tracing::info!(path = %path.display(), ok = r.is_ok(), "export");
                let _ = tx.send(Msg::Action(Action::Exported(r)));
            }
        }
    }
}

/// Sends the TUI's log to a file (never to the screen): `LAMBDA_DOCTOR_LOG`, else
/// `$XDG_STATE_HOME/lambda-doctor/tui.log`, else `~/.local/state/lambda-doctor/tui.log`.
/// Returns the guard that flushes it, or `None` when no file can be opened (then nothing is
/// logged).
pub fn init_logging() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let path = log_path()?;
    let dir = path.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let subscriber = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    tracing::subscriber::set_global_default(subscriber).ok()?;
    Some(guard)
}

fn log_path() -> Option<std::path::PathBuf> {
    use std::path::PathBuf;
    if let Some(p) = std::env::var_os("LAMBDA_DOCTOR_LOG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(state.join("lambda-doctor").join("tui.log"))
}
