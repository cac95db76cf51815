//! The careful fallback, for shapes nothing else recognizes: a permission signal (AccessDenied,
//! Forbidden, UnauthorizedOperation, "not authorized", "permission") close to a named action
//! (a `service:Action` token) gives one finding with `confidence: low`. It runs only when no
//! other detector found anything, and never on an authentication failure.

use super::classify::{caller, classify};
use super::{Candidate, Confidence, Context, Finding};
use regex::Regex;
use std::sync::LazyLock;

/// A permission signal (lower-case text).
static SIGNAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\baccess ?denied\b|\bforbidden\b|\bunauthorized(?:operation)?\b|\bnot authorized\b|\bnot permitted\b|\bpermissions? (?:to|for|on)\b|\bmissing permissions?\b",
    )
    .expect("regex")
});

/// An IAM action token: a service prefix, a colon, an operation in PascalCase.
static ACTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b([a-z][a-z0-9-]{1,30}):([A-Z][A-Za-z0-9]{2,60}\*?)").expect("regex")
});

/// How far apart the signal and the action may be (bytes).
const NEAR: usize = 200;

/// Finds at most one low-confidence finding.
pub fn detect(ctx: &Context, out: &mut Vec<Candidate>) {
    if super::generic::authentication_failure(ctx.text).is_some() {
        return;
    }
    for s in SIGNAL.find_iter(ctx.lower).take(64) {
        let from = super::floor_boundary(ctx.text, s.start().saturating_sub(NEAR));
        let to = super::ceil_boundary(ctx.text, (s.end() + NEAR).min(ctx.text.len()));
        let window = &ctx.text[from..to];
        // The action nearest the signal.
        let Some(a) = ACTION
            .captures_iter(window)
            .filter(|c| !is_not_an_action(&c[1]))
            .min_by_key(|c| {
                let at = from + c.get(0).map_or(0, |m| m.start());
                at.abs_diff(s.start())
            })
        else {
            continue;
        };
        let action = format!("{}:{}", &a[1], &a[2]);
        let hints = ctx.hints(s.start(), s.end());
        let mut f = Finding::new(classify(Some(&action), None, hints), &ctx.text[from..to]);
        f.action = Some(action);
        f.caller = caller(None, hints);
        f.confidence = Confidence::Low;
        out.push(Candidate {
            start: s.start(),
            end: s.end(),
            finding: f,
            generic: true,
        });
        return;
    }
}

/// Prefixes that look like `service:Name` but are not IAM services (URLs, ARNs' partitions,
/// times, log fields).
fn is_not_an_action(prefix: &str) -> bool {
    matches!(
        prefix,
        "http"
            | "https"
            | "arn"
            | "aws"
            | "file"
            | "s3a"
            | "mailto"
            | "error"
            | "warning"
            | "info"
            | "debug"
            | "message"
            | "code"
            | "type"
            | "status"
            | "reason"
            | "note"
            | "see"
    )
}

#[cfg(test)]
mod tests {
    use super::super::{Confidence, recognize};

    #[test]
    fn a_permission_word_near_an_action_is_a_low_confidence_finding() {
        let f = recognize(
            "deploy step 4 failed: missing permissions for dynamodb:CreateTable in the pipeline role",
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].action.as_deref(), Some("dynamodb:CreateTable"));
        assert_eq!(f[0].confidence, Confidence::Low);
    }

    #[test]
    fn no_action_or_no_signal_is_nothing() {
        assert!(recognize("Forbidden: the page you asked for is gone").is_empty());
        assert!(
            recognize("see https://docs.aws.amazon.com/IAM/ for s3:GetObject examples").is_empty()
        );
        assert!(
            recognize("ExpiredToken: not authorized, token expired for sts:GetCallerIdentity")
                .is_empty()
        );
    }
}
