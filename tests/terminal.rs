//! The real binary in a pseudo-terminal: it opens the TUI with no arguments, a bracketed
//! paste shows the finding, `q` quits with exit code 0, and the terminal is restored. The
//! screen is read back through a VT100 parser, as a person would see it.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

struct Session {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    /// Kept for as long as the child runs (and to resize the terminal).
    master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Session {
    /// Starts the binary with `args` in an 80x24 terminal, with no AWS configuration at all.
    fn start(args: &[&str], log: &std::path::Path) -> Session {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_lambda-doctor"));
        for a in args {
            cmd.arg(a);
        }
        cmd.env_clear();
        let empty = std::env::temp_dir().join("lambda-doctor-no-aws-config");
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd.env("HOME", std::env::temp_dir());
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "en_US.UTF-8");
        cmd.env("AWS_CONFIG_FILE", &empty);
        cmd.env("AWS_SHARED_CREDENTIALS_FILE", &empty);
        cmd.env("AWS_EC2_METADATA_DISABLED", "true");
        cmd.env("LAMBDA_DOCTOR_LOG", log);
        cmd.cwd(std::env::temp_dir());
        let child = pair.slave.spawn_command(cmd).expect("spawn");
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(24, 80, 0)));
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let sink = parser.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().expect("parser").process(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().expect("writer");
        Session {
            parser,
            writer,
            child,
            master: pair.master,
        }
    }

    fn contents(&self) -> String {
        self.parser.lock().expect("parser").screen().contents()
    }

    /// Waits until the screen shows `text`; panics with the screen after 15 s.
    fn wait_for(&self, text: &str) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(15) {
            if self.contents().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("{text:?} never appeared; the screen:\n{}", self.contents());
    }

    fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).expect("write");
        self.writer.flush().expect("flush");
    }

    /// Waits for the process to end; its exit code.
    fn exit_code(&mut self) -> u32 {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(15) {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.exit_code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("the process did not exit; the screen:\n{}", self.contents());
    }
}

#[test]
fn paste_see_the_finding_quit() {
    let log = std::env::temp_dir().join(format!("lambda-doctor-pty-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let mut s = Session::start(&[], &log);
    s.wait_for("lambda-doctor › Home");
    // No credentials, no region: the app says it is offline and offers the demo.
    s.wait_for("offline");
    let message = format!(
        "aws_secret_access_key={SECRET}\r\nAn error occurred (AccessDeniedException) when calling the CreateFunction operation: User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/thumbnailer-role because no identity-based policy allows the iam:PassRole action"
    );
    s.send(&format!("\x1b[200~{message}\x1b[201~"));
    s.wait_for("Findings (1)");
    assert!(
        s.parser.lock().expect("parser").screen().alternate_screen(),
        "the app draws on the alternate screen"
    );
    s.wait_for("iam:PassRole denied");
    s.wait_for("arn:aws:iam::123456789012:role/thumbnailer-role");
    assert!(!s.contents().contains(SECRET));
    s.send("q");
    assert_eq!(s.exit_code(), 0);
    // The terminal is given back: main screen, no bracketed paste, cursor shown.
    std::thread::sleep(Duration::from_millis(100));
    let parser = s.parser.lock().expect("parser");
    let screen = parser.screen();
    assert!(!screen.alternate_screen(), "left the alternate screen");
    assert!(!screen.bracketed_paste(), "bracketed paste switched off");
    assert!(!screen.hide_cursor(), "cursor visible again");
    drop(parser);
    // The log has the first frame and never the pasted secret.
    let logged = std::fs::read_to_string(&log).expect("the log file");
    assert!(logged.contains("first frame"), "{logged}");
    assert!(!logged.contains(SECRET));
    let _ = std::fs::remove_file(&log);
}

#[test]
fn ctrl_c_quits_while_typing_and_the_demo_opens_offline() {
    let log = std::env::temp_dir().join(format!("lambda-doctor-pty2-{}.log", std::process::id()));
    let mut s = Session::start(&["tui", "--demo", "--function", "thumbnailer"], &log);
    s.wait_for("Function thumbnailer");
    s.wait_for("role.trust");
    s.send("\x1b"); // Esc: back to Home, typing in the box
    s.wait_for("Paste the error message");
    s.send("q"); // typed, not quit
    s.wait_for("Pasted text (1 line)");
    s.send("\x03"); // Ctrl-c
    assert_eq!(s.exit_code(), 0);
    let _ = std::fs::remove_file(&log);
}

#[test]
fn an_absurd_terminal_size_is_clamped_and_ctrl_c_still_quits() {
    let log = std::env::temp_dir().join(format!("lambda-doctor-pty3-{}.log", std::process::id()));
    let mut s = Session::start(&["tui", "--demo"], &log);
    s.wait_for("lambda-doctor › Home");
    // A terminal that reports 65535×65535 (the app once tried to allocate 206 GB for it and
    // aborted in raw mode), then a usual size again.
    for (rows, cols) in [(65535, 65535), (8000, 8000), (24, 80)] {
        s.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize");
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            s.child.try_wait().expect("wait").is_none(),
            "the app ended at {cols}x{rows}"
        );
    }
    s.wait_for("lambda-doctor › Home");
    s.send("\x03");
    assert_eq!(s.exit_code(), 0);
    std::thread::sleep(Duration::from_millis(100));
    let parser = s.parser.lock().expect("parser");
    assert!(
        !parser.screen().alternate_screen(),
        "left the alternate screen"
    );
    drop(parser);
    let _ = std::fs::remove_file(&log);
}
