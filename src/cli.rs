//! The command line: parse arguments, read input, call the library, print, and return the exit
//! code (0 = no problem found, 1 = problem found, 2 = could not run).

use crate::diagnose::Diagnosis;
use crate::i18n::Lang;
use crate::recognize::recognize_all;
use crate::report::{self, Format, Style};
use crate::tree::walk::NoEvidence;
use crate::tree::{Tree, render};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use thiserror::Error;

/// The most text `explain` reads: far more than any real paste, small enough to stay fast.
pub const MAX_INPUT: usize = 10 * 1024 * 1024;

#[derive(Debug, Parser)]
#[command(
    name = "lambda-doctor",
    version,
    about = "Diagnose AWS Lambda permission errors and show the exact policy change that fixes them.",
    long_about = "Diagnose AWS Lambda permission errors and show the exact policy change that fixes them.\n\n\
Paste an AccessDenied message (from the CLI, an SDK, Terraform, CloudFormation, SAM, CDK, \
Serverless or CloudWatch Logs) and lambda-doctor tells you what is denied, by which policy layer, \
and the policy and commands that fix it. It never changes your account.",
    after_help = "Examples:\n  lambda-doctor explain 'User: arn:aws:iam::123456789012:user/marymajor is not authorized to perform: iam:PassRole'\n  terraform apply 2>&1 | lambda-doctor explain -f -\n  lambda-doctor explain -f cloudformation-events.txt --output markdown > ticket.md\n  lambda-doctor tree --format mermaid"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct Global {
    /// AWS profile (as the aws CLI; default from AWS_PROFILE).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS Region (default from AWS_REGION or the profile).
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// Send AWS calls to this endpoint (default from AWS_ENDPOINT_URL).
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub output: Format,
    /// Language: en, ja or zh-TW (default: from LC_ALL, LC_MESSAGES or LANG).
    #[arg(long, global = true, value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// No colours (NO_COLOR is honoured too).
    #[arg(long, global = true)]
    pub no_color: bool,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    match s {
        "en" | "ja" | "zh-TW" | "zh-tw" => Lang::parse(s).ok_or_else(|| "unreachable".into()),
        _ => Err(format!("unsupported language {s:?}: use en, ja or zh-TW")),
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Classify pasted text and print the diagnosis and the fix.
    Explain(ExplainArgs),
    /// Run every automated check on one function (live and read-only, or from a snapshot).
    Check(CheckArgs),
    /// Save the read-only evidence of one function as JSON, for offline use or a support case.
    Snapshot(SnapshotArgs),
    /// Evaluate a request against given policies (identity, resource, SCP, RCP, boundary,
    /// session), as AWS would.
    Simulate(SimulateArgs),
    /// Print the decision tree, or validate it with --check.
    Tree(TreeArgs),
    /// The interactive app (what `lambda-doctor` alone opens in a terminal).
    Tui(TuiArgs),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("evidence").args(["snapshot", "demo"])))]
pub struct TuiArgs {
    /// Open the inspector on this function.
    #[arg(long, value_name = "NAME")]
    pub function: Option<String>,
    /// Use a snapshot file as the account (offline).
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// Use the bundled demo account (offline, no credentials).
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// The function: name, ARN, partial ARN, or name:qualifier.
    pub function: String,
    /// Where to write the snapshot (`-` for standard output).
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("evidence").args(["snapshot", "demo"])))]
pub struct CheckArgs {
    /// The function: name, ARN, partial ARN, or name:qualifier.
    pub function: String,
    /// Read the function's documents from a snapshot file instead of the account.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// Use the bundled demo account (offline, no credentials).
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The case (or an array of cases) as JSON: {"policies": {...}, "request": {...}}; `-` reads
    /// standard input.
    #[arg(long, short = 'i', value_name = "FILE")]
    pub input: PathBuf,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The error text (quote it). Without it, use -f.
    pub text: Option<String>,
    /// Read the text from FILE, or from standard input with `-f -`.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum TreeFormat {
    #[default]
    Text,
    Mermaid,
    Dot,
}

#[derive(Debug, Args)]
pub struct TreeArgs {
    /// How to draw it.
    #[arg(long, value_enum, default_value_t = TreeFormat::Text)]
    pub format: TreeFormat,
    /// Validate the tree; exit 1 on any defect.
    #[arg(long)]
    pub check: bool,
    /// Read the tree from a folder of JSON files instead of the built-in one (for authors).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Why a command could not run. Each message is one line a person can act on.
#[derive(Debug, Error)]
pub enum CliError {
    #[error("nothing to explain: pass the error text, -f FILE, or -f - to read standard input")]
    NoInput,
    #[error("give the error text or -f FILE, not both")]
    TwoInputs,
    #[error("the input is empty")]
    Empty,
    #[error("cannot read {}: {reason}", crate::sanitize::quoted(path))]
    Read { path: String, reason: String },
    #[error("the input is larger than {} MiB; paste only the error messages", MAX_INPUT / 1024 / 1024)]
    TooLarge,
    #[error("the input is binary data, not text")]
    Binary,
    #[error("{0}")]
    Tree(String),
    #[error("{0}")]
    Input(String),
    #[error("{0}")]
    Aws(String),
}

/// Runs the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) if e.exit_code() == 0 => {
            // --help, --version
            let _ = e.print();
            return 0;
        }
        Err(e) => {
            eprintln!(
                "lambda-doctor: {}",
                crate::sanitize::line(&usage_error_line(&e.to_string()), MAX_ERROR_LINE)
            );
            return 2;
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("lambda-doctor: {}", error_line(&e));
            2
        }
    }
}

/// The longest error line: enough for the reason and a quoted value, never a dump.
pub const MAX_ERROR_LINE: usize = 300;

/// An error as the one line a person reads: no control sequences, no line breaks, bounded.
pub fn error_line(e: &CliError) -> String {
    crate::sanitize::line(&e.to_string(), MAX_ERROR_LINE)
}

/// clap's multi-line usage error as one line: the reason, the accepted values if it lists
/// them, and where to look.
pub fn usage_error_line(rendered: &str) -> String {
    let mut lines = rendered.lines();
    let mut first = lines
        .next()
        .unwrap_or("invalid arguments")
        .trim()
        .trim_start_matches("error: ")
        .to_string();
    // "the following required arguments were not provided:" + indented names.
    if first.ends_with(':') {
        for l in lines.take_while(|l| l.starts_with(' ') && !l.trim().is_empty()) {
            first.push(' ');
            first.push_str(l.trim());
        }
    }
    let values = rendered
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("[possible values:"))
        .map(|l| format!(" {l}"))
        .unwrap_or_default();
    format!("{first}{values} (see lambda-doctor --help)")
}

fn style(global: &Global) -> Style {
    let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let tty = std::io::stdout().is_terminal();
    // The terminal's width when printing to one; COLUMNS when set; else 100.
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .or_else(|| {
            tty.then(crossterm::terminal::size)
                .and_then(Result::ok)
                .map(|(w, _)| w as usize)
        })
        .unwrap_or(100)
        .clamp(40, 120);
    Style {
        color: tty && !global.no_color && !no_color_env,
        width,
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<i32, CliError> {
    let lang = cli.global.lang.unwrap_or_else(Lang::from_env);
    match cli.command {
        None if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() => tui(
            &TuiArgs {
                function: None,
                snapshot: None,
                demo: false,
            },
            &cli.global,
            lang,
        ),
        None => {
            let mut cmd = Cli::command();
            let _ = cmd.print_help();
            Ok(0)
        }
        Some(Command::Tui(args)) => tui(&args, &cli.global, lang),
        Some(Command::Explain(args)) => explain(&args, &cli.global, lang),
        Some(Command::Tree(args)) => tree(&args, lang),
        Some(Command::Simulate(args)) => simulate(&args, &cli.global),
        Some(Command::Check(args)) => check(&args, &cli.global, lang),
        Some(Command::Snapshot(args)) => snapshot(&args, &cli.global),
    }
}

fn explain(args: &ExplainArgs, global: &Global, lang: Lang) -> Result<i32, CliError> {
    let text = read_input(args)?;
    let tree = Tree::embedded().map_err(|e| CliError::Tree(e.to_string()))?;
    let found = recognize_all(&text);
    let truncated = found.truncated;
    let diagnoses: Vec<Diagnosis> = found
        .findings
        .clone()
        .into_iter()
        .map(|f| Diagnosis::new(tree, f, &NoEvidence))
        .collect();
    let out = match (&found.authentication, global.output) {
        (Some(code), f) => report::authentication(
            code,
            match f {
                Format::Json => report::Output::Json,
                Format::Markdown => report::Output::Markdown,
                Format::Text => report::Output::Text,
            },
            lang,
            style(global),
        ),
        (None, Format::Json) => report::json(&diagnoses, truncated, lang),
        (None, Format::Markdown) => report::markdown(&diagnoses, truncated, lang),
        (None, Format::Text) => report::text(&diagnoses, truncated, lang, style(global)),
    };
    print(&out);
    Ok(if diagnoses.is_empty() { 0 } else { 1 })
}

fn check(args: &CheckArgs, global: &Global, lang: Lang) -> Result<i32, CliError> {
    use crate::checks::report::{self as check_report, CheckReport};
    use crate::evidence::Snapshot;
    let (snapshot, name) = match &args.snapshot {
        None if !args.demo => {
            let (ev, source) = live_read(&args.function, global)?;
            let snapshot = Snapshot {
                format: crate::evidence::FORMAT.into(),
                version: crate::evidence::VERSION,
                taken_at: None,
                source: Some(source),
                functions: vec![ev],
            };
            (snapshot, "the account".to_string())
        }
        Some(path) => (read_snapshot(path)?, path.display().to_string()),
        None => (Snapshot::demo(), "the demo account".to_string()),
    };
    let ev = snapshot
        .function(&args.function, &name)
        .map_err(|e| CliError::Input(e.to_string()))?;
    let tree = Tree::embedded().map_err(|e| CliError::Tree(e.to_string()))?;
    let source = match (&snapshot.source, &snapshot.taken_at) {
        (Some(s), Some(t)) => format!("{name}: {s}, {t}"),
        (Some(s), None) => format!("{name}: {s}"),
        _ => name.clone(),
    };
    let report = CheckReport::new(tree, ev, &source, lang);
    let out = match global.output {
        Format::Json => check_report::json(&report, lang),
        Format::Markdown => check_report::markdown(&report, lang),
        Format::Text => check_report::text(&report, lang, style(global)),
    };
    print(&out);
    Ok(report.exit_code())
}

/// A snapshot file, size-limited and validated; errors name the file.
fn read_snapshot(path: &std::path::Path) -> Result<crate::evidence::Snapshot, CliError> {
    let name = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| CliError::Read {
        path: name.clone(),
        reason: io_reason(&e),
    })?;
    let text = decode(read_limited(f, &name)?)?;
    crate::evidence::Snapshot::parse(&text, &name).map_err(|e| CliError::Input(e.to_string()))
}

fn tui(args: &TuiArgs, global: &Global, lang: Lang) -> Result<i32, CliError> {
    use crate::evidence::Snapshot;
    use crate::tui::app::{Options, Origin};
    let snapshot = match (&args.snapshot, args.demo) {
        (Some(path), _) => {
            let name = path.display().to_string();
            let snap = read_snapshot(path)?;
            if let Some(fname) = &args.function {
                snap.function(fname, &name)
                    .map_err(|e| CliError::Input(e.to_string()))?;
            }
            let short = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or(name);
            Some((snap, Origin::Snapshot(short)))
        }
        (None, true) => {
            let snap = Snapshot::demo();
            if let Some(fname) = &args.function {
                snap.function(fname, "the demo account")
                    .map_err(|e| CliError::Input(e.to_string()))?;
            }
            Some((snap, Origin::Demo))
        }
        (None, false) => None,
    };
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(CliError::Input(
            "the interactive app needs a terminal; for scripts use explain, check or snapshot"
                .into(),
        ));
    }
    let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let opts = crate::tui::RunOptions {
        app: Options {
            lang,
            snapshot,
            function: args.function.clone(),
            profile: global
                .profile
                .clone()
                .or_else(|| std::env::var("AWS_PROFILE").ok()),
            export_dir: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            size: (80, 24),
            color: !global.no_color && !no_color_env,
        },
        aws: aws_options(global),
    };
    let _log = crate::tui::init_logging();
    crate::tui::run(opts).map_err(CliError::Input)
}

fn aws_options(global: &Global) -> crate::aws::AwsOptions {
    crate::aws::AwsOptions {
        profile: global.profile.clone(),
        region: global.region.clone(),
        endpoint_url: global.endpoint_url.clone(),
    }
}

/// Reads one function from the live account, read-only. Returns the evidence and a line
/// saying where it came from.
fn live_read(
    function: &str,
    global: &Global,
) -> Result<(crate::evidence::FunctionEvidence, String), CliError> {
    use crate::aws::{Aws, read_function};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::Aws(format!("cannot start the async runtime: {e}")))?;
    rt.block_on(async {
        let opts = aws_options(global);
        let endpoint = opts.endpoint_url.clone().unwrap_or_else(|| "AWS".into());
        // Connecting (profiles, credentials, perhaps SSO) and the whole read share one budget.
        let (aws, ev, who) = crate::aws::within_budget(&endpoint, async {
            let aws = Aws::connect(&opts).await?;
            let (ev, who) = tokio::join!(read_function(&aws, function), aws.caller());
            Ok((aws, ev?, who))
        })
        .await
        .map_err(|e| CliError::Aws(e.to_string()))?;
        // What the account says is shown on a terminal: no control sequence survives.
        let who = who
            .map(|(arn, _)| format!(" as {}", crate::sanitize::line(&arn, 300)))
            .unwrap_or_default();
        let ev = ev.cleaned().map_err(CliError::Aws)?;
        Ok((
            ev,
            format!(
                "live account, region {}{who}",
                crate::sanitize::quoted(&aws.region)
            ),
        ))
    })
}

fn snapshot(args: &SnapshotArgs, global: &Global) -> Result<i32, CliError> {
    use crate::evidence::{FORMAT, Snapshot, VERSION};
    let (ev, source) = live_read(&args.function, global)?;
    let snap = Snapshot {
        format: FORMAT.into(),
        version: VERSION,
        taken_at: Some(now_utc()),
        source: Some(source),
        functions: vec![ev],
    };
    let text = serde_json::to_string_pretty(&snap).unwrap_or_default() + "\n";
    let text = crate::redact::redact(&text).into_owned();
    if args.out.as_os_str() == "-" {
        print(&text);
    } else {
        std::fs::write(&args.out, text).map_err(|e| CliError::Read {
            path: args.out.display().to_string(),
            reason: io_reason(&e),
        })?;
        eprintln!("lambda-doctor: wrote {}", args.out.display());
    }
    Ok(0)
}

/// The current time as an ISO 8601 UTC string, without a date crate.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil from days (Howard Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn simulate(args: &SimulateArgs, global: &Global) -> Result<i32, CliError> {
    use crate::policy::simulate::{case_json, parse_cases};
    use crate::policy::synth::{Place, Proposal, propose};
    use crate::policy::{Decision, evaluate};
    let name = args.input.display().to_string();
    let bytes = if args.input.as_os_str() == "-" {
        read_limited(std::io::stdin().lock(), "standard input")?
    } else {
        let f = std::fs::File::open(&args.input).map_err(|e| CliError::Read {
            path: name.clone(),
            reason: io_reason(&e),
        })?;
        read_limited(f, &name)?
    };
    let text = decode(bytes)?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        CliError::Input(format!(
            "{name}: not JSON (line {}, column {}): {e}",
            e.line(),
            e.column()
        ))
    })?;
    let (cases, many) = parse_cases(&value).map_err(|e| CliError::Input(format!("{name}: {e}")))?;
    let results: Vec<_> = cases
        .iter()
        .map(|c| evaluate(&c.policies, &c.request))
        .collect();
    let out = match global.output {
        Format::Json => {
            let v: Vec<serde_json::Value> = cases
                .iter()
                .zip(&results)
                .map(|(c, r)| case_json(c, r))
                .collect();
            let doc = if many {
                serde_json::Value::Array(v)
            } else {
                v.into_iter().next().unwrap_or_default()
            };
            crate::redact::redact(&serde_json::to_string_pretty(&doc).unwrap_or_default())
                .into_owned()
                + "\n"
        }
        Format::Text | Format::Markdown => {
            let mut s = String::new();
            for (i, (c, r)) in cases.iter().zip(&results).enumerate() {
                if many {
                    s.push_str(&format!("[{}] ", i + 1));
                }
                let denied = r
                    .denied_by
                    .map(|l| format!(" by {}", l.as_str()))
                    .unwrap_or_default();
                s.push_str(&format!(
                    "{:?}{denied}: {} {} on {}\n",
                    r.decision, c.request.principal, c.request.action, c.request.resource
                ));
                for st in &r.statements {
                    s.push_str(&format!(
                        "  {:?} {} statement {}{}\n",
                        st.effect,
                        st.policy,
                        st.index,
                        st.sid
                            .as_deref()
                            .map(|x| format!(" ({x})"))
                            .unwrap_or_default()
                    ));
                }
                for reason in &r.reasons {
                    s.push_str(&format!("  - {reason}\n"));
                }
                match propose(&c.policies, &c.request) {
                    Proposal::NothingToFix => {}
                    Proposal::CannotFix { who, .. } => s.push_str(&format!("  fix: {who}\n")),
                    Proposal::Add(adds) => {
                        for a in adds {
                            let place = match a.place {
                                Place::Identity => "the caller's identity-based policy",
                                Place::Resource => "the resource-based policy",
                                Place::Boundary => "the permissions boundary",
                                Place::Session => "the session policy",
                            };
                            s.push_str(&format!(
                                "  fix: add to {place} (verified: the request is then Allowed):\n    {}\n",
                                a.statement
                            ));
                            if let Some(cmd) = a.command {
                                s.push_str(&format!("    $ {cmd}\n"));
                            }
                        }
                    }
                }
            }
            // The case came from a file: nothing in it reaches the terminal as a control
            // sequence, and no secret in it is printed.
            crate::report::finish_markdown(&s)
        }
    };
    print(&out);
    let denied = results.iter().any(|r| r.decision != Decision::Allowed);
    Ok(if denied { 1 } else { 0 })
}

fn print(s: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

fn read_input(args: &ExplainArgs) -> Result<String, CliError> {
    let bytes = match (&args.text, &args.file) {
        (Some(_), Some(_)) => return Err(CliError::TwoInputs),
        (Some(t), None) => t.clone().into_bytes(),
        (None, Some(p)) if p.as_os_str() == "-" => {
            read_limited(std::io::stdin().lock(), "standard input")?
        }
        (None, Some(p)) => {
            let f = std::fs::File::open(p).map_err(|e| CliError::Read {
                path: p.display().to_string(),
                reason: io_reason(&e),
            })?;
            read_limited(f, &p.display().to_string())?
        }
        (None, None) => {
            if std::io::stdin().is_terminal() {
                return Err(CliError::NoInput);
            }
            read_limited(std::io::stdin().lock(), "standard input")?
        }
    };
    decode(bytes)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            // "Is a directory (os error 21)" → "Is a directory"
            s.split(" (os error").next().unwrap_or(&s).to_string()
        }
    }
}

fn read_limited(r: impl Read, name: &str) -> Result<Vec<u8>, CliError> {
    let mut buf = Vec::new();
    r.take(MAX_INPUT as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| CliError::Read {
            path: name.to_string(),
            reason: io_reason(&e),
        })?;
    if buf.len() > MAX_INPUT {
        return Err(CliError::TooLarge);
    }
    Ok(buf)
}

/// Bytes → text: refuses binary data and empty input; tolerates a few invalid UTF-8 bytes.
pub fn decode(bytes: Vec<u8>) -> Result<String, CliError> {
    if bytes.len() > MAX_INPUT {
        return Err(CliError::TooLarge);
    }
    if bytes.contains(&0) {
        return Err(CliError::Binary);
    }
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let bad = lossy.chars().filter(|&c| c == '\u{FFFD}').count();
            if bad > 8.max(lossy.len() / 100) {
                return Err(CliError::Binary);
            }
            lossy
        }
    };
    if text.trim().is_empty() {
        return Err(CliError::Empty);
    }
    Ok(text)
}

fn tree(args: &TreeArgs, lang: Lang) -> Result<i32, CliError> {
    let owned;
    let tree: &Tree = match &args.dir {
        Some(dir) => {
            owned = Tree::from_dir(dir).map_err(|e| CliError::Tree(e.to_string()))?;
            &owned
        }
        None => {
            if args.check {
                // Validate from the sources, so parse errors are reported, not hidden.
                owned = Tree::parse(
                    crate::tree::FILES
                        .iter()
                        .map(|(n, s)| (n.to_string(), s.to_string())),
                )
                .map_err(|e| CliError::Tree(e.to_string()))?;
                &owned
            } else {
                Tree::embedded().map_err(|e| CliError::Tree(e.to_string()))?
            }
        }
    };
    if args.check {
        let mut defects: Vec<String> = tree.validate().iter().map(|d| d.to_string()).collect();
        // The message catalogue is content too: checked with the tree.
        defects.extend(
            crate::recognize::catalogue::defects()
                .into_iter()
                .map(|d| format!("catalogue {d}")),
        );
        if defects.is_empty() {
            let fixes = tree
                .nodes()
                .filter(|n| n.kind == crate::tree::NodeKind::Fix)
                .count();
            print(&format!(
                "tree OK: {} nodes ({} questions, {} fixes), {} symptoms, {} categories\n",
                tree.len(),
                tree.len() - fixes,
                fixes,
                tree.index.symptoms.len(),
                tree.index.entries.len()
            ));
            print(&format!(
                "catalogue OK: {} messages, each with a source and a tested example\n",
                crate::recognize::catalogue::entries().len()
            ));
            return Ok(0);
        }
        let mut s = String::new();
        for d in &defects {
            s.push_str(&format!("{d}\n"));
        }
        s.push_str(&format!("{} defect(s)\n", defects.len()));
        print(&s);
        return Ok(1);
    }
    let out = match args.format {
        TreeFormat::Text => render::text(tree, lang),
        TreeFormat::Mermaid => render::mermaid(tree, lang),
        TreeFormat::Dot => render::dot(tree, lang),
    };
    print(&out);
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_fit_one_line() {
        let e = Cli::try_parse_from(["lambda-doctor", "explain", "x", "--output", "yaml"])
            .expect_err("bad value");
        let line = usage_error_line(&e.to_string());
        assert!(!line.contains('\n'), "{line}");
        assert!(
            line.contains("yaml") && line.contains("[possible values: text, json, markdown]"),
            "{line}"
        );
    }

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn utc_timestamps() {
        let t = now_utc();
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.starts_with("20") && t.ends_with('Z'), "{t}");
    }

    #[test]
    fn decode_rejects_binary_and_empty() {
        assert!(matches!(decode(vec![0, 1, 2]), Err(CliError::Binary)));
        assert!(matches!(decode(vec![0xff; 100]), Err(CliError::Binary)));
        assert!(matches!(decode(b"  \n ".to_vec()), Err(CliError::Empty)));
        let mut almost = b"User: x is not authorized".to_vec();
        almost.push(0xff);
        assert_eq!(decode(almost).expect("one bad byte is tolerated").len(), 28);
    }
}
