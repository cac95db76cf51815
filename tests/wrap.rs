//! Wrap-proof recognition (issue 12): what a terminal, a table, a log shipper or a Markdown
//! renderer does to a message must not change its finding. Every catalogue example is checked
//! at every word boundary; the real corpora at random ones (proptest).

use lambda_doctor::recognize::{catalogue, recognize};
use proptest::prelude::*;

/// (category, action) of the first finding.
fn key(text: &str) -> Option<(String, Option<String>)> {
    recognize(text)
        .first()
        .map(|f| (f.category.as_str().to_string(), f.action.clone()))
}

/// Byte offsets of the spaces between words.
fn boundaries(text: &str) -> Vec<usize> {
    text.char_indices()
        .filter(|(_, c)| *c == ' ')
        .map(|(i, _)| i)
        .collect()
}

/// `text` with the space at `at` replaced by a line break and an indentation.
fn wrapped_at(text: &str, at: usize) -> String {
    format!("{}\n      {}", &text[..at], &text[at + 1..])
}

#[test]
fn every_catalogue_example_survives_a_line_break_at_every_word_boundary() {
    let mut broken = Vec::new();
    for e in catalogue::entries() {
        for x in &e.examples {
            let want = key(&x.text);
            for at in boundaries(&x.text) {
                let t = wrapped_at(&x.text, at);
                if key(&t) != want {
                    broken.push(format!("{}: {:?} → {:?}", e.id, want, key(&t)));
                    break;
                }
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn every_catalogue_example_survives_log_prefixes_quotes_and_html() {
    let mut broken = Vec::new();
    for e in catalogue::entries() {
        for x in &e.examples {
            let want = key(&x.text);
            let shapes = [
                // Each line behind a log timestamp.
                x.text
                    .lines()
                    .map(|l| format!("2024-05-01T10:00:00.000Z {l}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
                // In a Markdown code span, in a table cell.
                format!("`{}`", x.text.replace('\n', " ")),
                format!("| error | {} |", x.text.replace('\n', " ")),
                // HTML-escaped, as a web page shows it.
                x.text
                    .replace('&', "&amp;")
                    .replace('"', "&quot;")
                    .replace('\'', "&#39;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;"),
                // Inside an HTTP response dump.
                format!(
                    "HTTP/1.1 400 Bad Request\nContent-Type: application/json\nx-amzn-RequestId: 1\n\n{{\"message\":{}}}",
                    serde_json::to_string(&x.text).expect("json")
                ),
            ];
            for (i, t) in shapes.iter().enumerate() {
                if key(t) != want {
                    broken.push(format!("{} shape {i}: {:?} → {:?}", e.id, want, key(t)));
                }
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}

fn corpus() -> Vec<String> {
    let mut out = Vec::new();
    for text in [
        include_str!("fixtures/errors-sample.jsonl"),
        include_str!("fixtures/errors-more.jsonl"),
    ] {
        for l in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(l).expect("json");
            if v["expected"]["category"] != "not_a_permission_problem" {
                out.push(v["text"].as_str().expect("text").to_string());
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A real message wrapped at a random word boundary keeps its finding.
    #[test]
    fn real_messages_survive_a_line_break(i in 0usize..1000, j in 0usize..1000) {
        let all = corpus();
        let text = &all[i % all.len()];
        let b = boundaries(text);
        prop_assume!(!b.is_empty());
        let at = b[j % b.len()];
        prop_assert_eq!(key(&wrapped_at(text, at)), key(text), "wrapped at {}", at);
    }
}
