//! What can happen to the app: actions (from keys, pastes, the clock and finished background
//! jobs) go into [`super::app::App::update`]; effects (I/O the app wants done) come out and are
//! carried out by the runner, which posts their results back as actions.

use crate::aws::FunctionSummary;
use crate::evidence::FunctionEvidence;
use std::path::PathBuf;

/// Identifies one background job, so a result that a newer request superseded is dropped.
pub type JobId = u64;

/// Everything the app reacts to.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    // Keys, after the key table routed them.
    Quit,
    Back,
    Help,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Enter,
    NextFocus,
    PrevFocus,
    NextTab,
    PrevTab,
    /// Answer number N (0-based) of the current question.
    Choose(usize),
    /// Go back one question in the walk (to override an automatic answer).
    Previous,
    Copy,
    Export,
    SwitchLang,
    LoadDemo,
    Refresh,
    FocusPaste,
    // The text box.
    Paste(String),
    Char(char),
    Newline,
    Backspace,
    Delete,
    Left,
    Right,
    LineStart,
    LineEnd,
    ClearBox,
    Submit,
    // The terminal and the clock.
    Resize(u16, u16),
    Tick,
    // Results of effects.
    Connected(Result<Connection, String>),
    Functions(JobId, Result<Vec<FunctionSummary>, String>),
    FunctionRead(JobId, String, Result<Box<FunctionEvidence>, String>),
    Exported(Result<PathBuf, String>),
    CopyFailed(String),
}

/// Who the app talks to AWS as, once connected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub region: String,
    pub profile: Option<String>,
    /// The caller's ARN (sts:GetCallerIdentity), when it answered.
    pub caller: Option<String>,
    pub account: Option<String>,
}

/// I/O the app asks the runner for. The app never does I/O itself.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Load credentials and ask who we are (read-only).
    Connect,
    /// List the region's functions for the picker.
    ListFunctions(JobId),
    /// Read one function's evidence, read-only.
    ReadFunction(JobId, String),
    /// Put text on the clipboard (OSC 52, which also works over SSH).
    Copy(String),
    /// Write a report to a file.
    Export {
        path: PathBuf,
        contents: String,
    },
    Quit,
}
