//! A deterministic mutation fuzzer that runs in CI (`cargo fuzz` needs a nightly toolchain):
//! real pasted messages and real evaluation cases from `tests/fixtures/`, mutated with a
//! seeded generator (byte flips, control sequences, line wraps, repeated slices, splices),
//! fed to the recognizer, the renderers and the evaluator. Every input must give a result
//! without a panic, with bounded output, without a control sequence on the terminal and
//! without a secret.
//!
//! `LAMBDA_DOCTOR_FUZZ_ROUNDS` raises the number of rounds (default 3,000 messages and
//! 3,000 policy cases, a few seconds); `LAMBDA_DOCTOR_FUZZ_SEED` changes the seed.

use lambda_doctor::diagnose::Diagnosis;
use lambda_doctor::i18n::Lang;
use lambda_doctor::policy::simulate::parse_cases;
use lambda_doctor::policy::{evaluate, parse_policy};
use lambda_doctor::recognize::{MAX_FINDINGS, recognize_all};
use lambda_doctor::report::{self, Style};
use lambda_doctor::tree::Tree;
use lambda_doctor::tree::walk::NoEvidence;
use serde_json::Value;

/// xorshift64*: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn rounds() -> usize {
    std::env::var("LAMBDA_DOCTOR_FUZZ_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000)
}

fn seed() -> u64 {
    std::env::var("LAMBDA_DOCTOR_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED_1A3B_DA0C_7012)
}

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// What mutations insert: control sequences, wraps, escapes, ARN pieces, wildcards, secrets.
const INSERTS: &[&str] = &[
    "\x1b]0;title\x1b\\",
    "\x1b[2J",
    "\x1bP1;2q\x1b\\",
    "\x1b(0",
    "\u{9b}1m",
    "\r",
    "\n",
    "\n                         ",
    "\\n",
    "\\\"",
    "\\u001b",
    "│ ",
    "arn:aws:iam::123456789012:user/",
    "arn:aws:sts::123456789012:assumed-role/",
    " is not authorized to perform: ",
    " with an explicit deny in a ",
    "*",
    "?",
    "${aws:username}",
    "${",
    "%2F",
    "日本語",
    "\u{202E}",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "secret=wJalrXUtnFEMI/K7MDEN\nG/bPxRfiCYEXAMPLEKEY",
];

fn mutate(rng: &mut Rng, base: &str, other: &str) -> String {
    let mut s: Vec<u8> = base.as_bytes().to_vec();
    for _ in 0..1 + rng.below(6) {
        let at = rng.below(s.len() + 1);
        match rng.below(7) {
            0 if !s.is_empty() => {
                let i = rng.below(s.len());
                s[i] ^= 1 << rng.below(8);
            }
            1 => {
                let ins = INSERTS[rng.below(INSERTS.len())];
                s.splice(at..at, ins.bytes());
            }
            2 if !s.is_empty() => {
                let end = (at + rng.below(64)).min(s.len());
                s.drain(at..end);
            }
            3 if !s.is_empty() => {
                // A slice repeated many times: the shape of pathological pastes.
                let start = rng.below(s.len());
                let end = (start + 1 + rng.below(16)).min(s.len());
                let piece = s[start..end].to_vec();
                let times = 1 + rng.below(2_000);
                let rep: Vec<u8> = piece
                    .iter()
                    .copied()
                    .cycle()
                    .take(piece.len() * times)
                    .collect();
                s.splice(at..at, rep);
            }
            4 => {
                // Splice in part of another input.
                let o = other.as_bytes();
                let start = rng.below(o.len() + 1);
                let end = (start + rng.below(200)).min(o.len());
                s.splice(at..at, o[start..end].iter().copied());
            }
            5 => {
                // Wrap every N characters, as a terminal does.
                let w = 20 + rng.below(100);
                let mut out = Vec::with_capacity(s.len() + s.len() / w);
                for (i, b) in s.iter().enumerate() {
                    if i > 0 && i % w == 0 {
                        out.push(b'\n');
                    }
                    out.push(*b);
                }
                s = out;
            }
            _ => {
                let b = rng.below(256) as u8;
                s.insert(at, b);
            }
        }
    }
    String::from_utf8_lossy(&s).into_owned()
}

fn messages() -> Vec<String> {
    ["errors-sample.jsonl", "errors-heldout.jsonl"]
        .iter()
        .flat_map(|f| {
            let path = format!("{}/tests/fixtures/{f}", env!("CARGO_MANIFEST_DIR"));
            std::fs::read_to_string(path)
                .expect("fixture")
                .lines()
                .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                .filter_map(|v| v["text"].as_str().map(str::to_string))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Whether the key is in the text (as a terminal shows it) whole and delimited.
fn intact_secret(input: &str) -> bool {
    let shown = lambda_doctor::sanitize::clean(input);
    let b64 = |c: char| c.is_ascii_alphanumeric() || c == '/' || c == '+' || c == '=';
    shown.match_indices(SECRET).any(|(i, _)| {
        let before = shown[..i].chars().next_back();
        let after = shown[i + SECRET.len()..].chars().next();
        !before.is_some_and(|c| b64(c) || "-_.@:".contains(c)) && !after.is_some_and(b64)
    })
}

fn assert_terminal_safe(what: &str, s: &str, input: &str) {
    for bad in ['\x1b', '\r', '\u{9b}', '\u{202E}'] {
        assert!(
            !s.contains(bad),
            "{what} holds {bad:?} for input {:?}",
            input
                .escape_debug()
                .to_string()
                .chars()
                .take(400)
                .collect::<String>()
        );
    }
}

#[test]
fn mutated_messages_give_bounded_clean_output() {
    let tree = Tree::embedded().expect("tree");
    let corpus = messages();
    assert!(corpus.len() > 100, "the fixtures hold the real messages");
    let mut rng = Rng(seed());
    // Only the tool's own colour codes may remain in coloured text.
    let own = lambda_doctor::sanitize::OWN_SGR
        .iter()
        .map(|c| regex::escape(&format!("\x1b[{c}m")))
        .collect::<Vec<_>>()
        .join("|");
    let sgr = regex::Regex::new(&own).expect("regex");
    let style = Style {
        color: false,
        width: 80,
    };
    let colored = Style {
        color: true,
        width: 80,
    };
    for round in 0..rounds() {
        let a = &corpus[rng.below(corpus.len())];
        let b = &corpus[rng.below(corpus.len())];
        let input = mutate(&mut rng, a, b);
        let found = recognize_all(&input);
        assert!(found.findings.len() <= MAX_FINDINGS);
        // Rendering every finding is the expensive part: every eighth round.
        if round % 8 != 0 {
            for f in &found.findings {
                assert!(f.excerpt.chars().count() <= 401);
                assert_terminal_safe("excerpt", &f.excerpt, &input);
            }
            continue;
        }
        let diagnoses: Vec<Diagnosis> = found
            .findings
            .into_iter()
            .map(|f| Diagnosis::new(tree, f, &NoEvidence))
            .collect();
        let lang = Lang::ALL[round % 3];
        let text = report::text(&diagnoses, found.truncated, lang, style);
        let md = report::markdown(&diagnoses, found.truncated, lang);
        let json = report::json(&diagnoses, found.truncated, lang);
        assert_terminal_safe("text", &text, &input);
        assert_terminal_safe("markdown", &md, &input);
        // Coloured text keeps only the tool's own colour codes.
        let painted = report::text(&diagnoses, found.truncated, lang, colored);
        let stripped = sgr.replace_all(&painted, "");
        assert_terminal_safe("coloured text", &stripped, &input);
        serde_json::from_str::<Value>(&json).expect("valid JSON");
        // A key that the mutations left whole (and not glued to other base64 characters,
        // which would make it another string) never shows.
        if intact_secret(&input) {
            for out in [&text, &md, &json] {
                assert!(
                    !out.contains(&SECRET[..16]) && !out.contains(&SECRET[24..]),
                    "a secret in the output for input {:?}",
                    input
                        .escape_debug()
                        .to_string()
                        .chars()
                        .take(600)
                        .collect::<String>()
                );
            }
        }
    }
}

#[test]
fn mutated_policies_parse_or_fail_cleanly_and_evaluate() {
    let path = format!(
        "{}/tests/fixtures/eval-sample.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let cases: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    let cases = cases.as_array().expect("cases").clone();
    let mut rng = Rng(seed() ^ 0xC0FFEE);
    let mut evaluated = 0;
    for _ in 0..rounds() {
        let a = &cases[rng.below(cases.len())];
        let b = &cases[rng.below(cases.len())];
        let text = mutate(
            &mut rng,
            &serde_json::to_string(a).expect("json"),
            &serde_json::to_string(b).expect("json"),
        );
        let Ok(v) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        // Whole cases, as `simulate` reads them.
        if let Ok((parsed, _)) = parse_cases(&v) {
            for c in &parsed {
                let r = evaluate(&c.policies, &c.request);
                // The same input, the same answer.
                assert_eq!(r.decision, evaluate(&c.policies, &c.request).decision);
                evaluated += 1;
            }
        }
        // Every policy document of the case on its own: a result or a path to the defect.
        for doc in v["policies"]["identity"].as_array().into_iter().flatten() {
            if let Err(e) = parse_policy(doc, "$") {
                assert!(e.to_string().contains('$'), "{e}");
            }
        }
    }
    assert!(
        evaluated > 0,
        "some mutated cases stay valid and are evaluated"
    );
}
