//! The IAM form: `<principal> is not authorized to perform: <action> [on resource: <res>]
//! [because no <type> policy allows the <action> action | with an explicit deny in a <type>
//! policy[: <policy arn>]]`, with AWS's authorization ID and console link, and whatever
//! wrapper (CLI, SDK, CloudFormation) surrounds it.

use super::classify::{caller, classify};
use super::principal::looks_like_principal;
use super::{Candidate, Context, DenyKind, Finding, PolicyType, ceil_boundary, floor_boundary};
use regex::Regex;
use std::sync::LazyLock;

const PHRASE: &str = "not authorized to perform";

static ACTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*:?\s*([A-Za-z0-9][A-Za-z0-9-]*:[A-Za-z0-9*]+)").expect("regex")
});
static RESOURCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^\s+on\s+(?:the\s+)?resources?\s*:?\s*(?:"([^"\n]+)"|'([^'\n]+)'|`([^`'\n]+)['`]|((?:<[^<>\n]+>|[^\s"'`<>])+))"#,
    )
    .expect("regex")
});
/// The policy types an error message can name, as AWS spells them.
const TYPES: &str = r"(identity-based|resource-based|resource control|service control|permissions? boundar(?:y|ies)|sessions?|vpc endpoint|role trust)";

static IMPLICIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^[\s.,]*because\s+(?:no|the)\s+{TYPES}(?:\s+polic(?:y|ies))?(?:\s+allows?\b)?"
    ))
    .expect("regex")
});
static EXPLICIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^[\s.,]*(?:with|due to)\s+an\s+explicit\s+deny(?:\s+in\s+(?:a|an|the)\s+{TYPES}(?:\s+polic(?:y|ies))?)?"
    ))
    .expect("regex")
});
static TRANSITIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*transitively\s+through\s+(?:a|an|the)\s+{TYPES}(?:\s+polic(?:y|ies))?"
    ))
    .expect("regex")
});
static POLICY_ARN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*:\s*(arn:[A-Za-z0-9_/:.+=@,*-]+)").expect("regex"));
static AUTH_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[Aa]uthorization[ -][Ii][Dd]\s*:?\s*([A-Za-z0-9]{6,})|authorization-details/([A-Za-z0-9]{6,})")
        .expect("regex")
});
static ENCODED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)encoded authorization failure message\s*:\s*([A-Za-z0-9_-]{16,})")
        .expect("regex")
});
static CLI_WRAPPER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"An error occurred \(([A-Za-z.]+)\) when calling the ([A-Za-z0-9]+) operation")
        .expect("regex")
});
static GO_WRAPPER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"operation error ([A-Za-z0-9 ]+?): ([A-Za-z0-9]+),").expect("regex")
});
static JAVA_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"Error Code: ([A-Za-z.]+)").expect("regex"));

/// Finds every IAM-form message.
pub fn detect(ctx: &Context, out: &mut Vec<Candidate>) {
    let finder = memchr::memmem::Finder::new(PHRASE);
    let hits: Vec<usize> = finder.find_iter(ctx.lower.as_bytes()).collect();
    for (n, &at) in hits.iter().enumerate() {
        let next = hits.get(n + 1).copied().unwrap_or(ctx.text.len());
        if let Some(c) = parse_one(ctx, at, next) {
            out.push(c);
        }
    }
}

fn parse_one(ctx: &Context, at: usize, next: usize) -> Option<Candidate> {
    let text = ctx.text;
    let after_phrase = at + PHRASE.len();
    let tail_end = ceil_boundary(text, next.min(after_phrase + 1500));
    let tail = &text[after_phrase..tail_end];

    let am = ACTION.captures(tail)?;
    let action = am.get(1)?.as_str();
    let mut pos = am.get(0)?.end();
    // "perform: this operation" and prose are not actions; an action has a service prefix.
    let (svc, op) = action.split_once(':')?;
    if svc.is_empty() || op.is_empty() {
        return None;
    }

    let mut resource = None;
    if let Some(rm) = RESOURCE.captures(&tail[pos..]) {
        let raw = (1..=4).find_map(|i| rm.get(i)).map(|m| m.as_str())?;
        resource = clean_resource(raw);
        pos += rm.get(0)?.end();
    }

    // The principal: "User: X is", "X is", or nothing ("Not authorized to perform ...").
    let (principal, has_is, start) = principal_before(ctx, at);

    let mut f = Finding::new(super::Category::OtherPermission, "");
    // As the message writes it ("SNS:Publish" stays): IAM matches actions case-insensitively,
    // and the user recognizes their own message.
    f.action = Some(format!("{svc}:{op}"));
    f.principal_arn = principal;
    f.resource = resource;

    // Context clause right after the action/resource.
    let ctx_tail = &tail[pos..];
    // The lower-case copy has the same byte offsets.
    let lower_tail = &ctx.lower[after_phrase + pos..tail_end];
    let mut end_rel = pos;
    if let Some(m) = IMPLICIT.captures(lower_tail) {
        let wording = m.get(1).map(|x| x.as_str()).unwrap_or("");
        let t = PolicyType::from_wording(wording);
        f.policy_type = t;
        f.explicit = Some(false);
        f.deny_kind = Some(match t {
            Some(PolicyType::Resource) => DenyKind::NoResourcePolicy,
            _ => DenyKind::Implicit,
        });
        let e = m.get(0)?.end();
        end_rel = pos + e;
        // "... allows the lambda:GetFunction action"
        if let Some(rest) = lower_tail.get(e..) {
            let trimmed = rest.trim_start();
            if let Some(r) = trimmed.strip_prefix("the ")
                && let Some(sp) = r.find(" action")
                && sp < 120
            {
                end_rel += rest.len() - trimmed.len() + 4 + sp + 7;
            }
        }
    } else if let Some(m) = EXPLICIT.captures(lower_tail) {
        let mut t = m.get(1).and_then(|x| PolicyType::from_wording(x.as_str()));
        let mut e = m.get(0)?.end();
        if let Some(tm) = TRANSITIVE.captures(&lower_tail[e..]) {
            // "an explicit deny in a VPC endpoint policy transitively through a service
            // control policy": the SCP is what denies.
            t = PolicyType::from_wording(tm.get(1)?.as_str()).or(t);
            e += tm.get(0)?.end();
        }
        f.policy_type = t;
        f.explicit = Some(true);
        f.deny_kind = t.map(|t| match t {
            PolicyType::Identity => DenyKind::ExplicitIdentity,
            PolicyType::Resource | PolicyType::Trust => DenyKind::ExplicitResource,
            PolicyType::Scp => DenyKind::ExplicitScp,
            PolicyType::Rcp => DenyKind::ExplicitRcp,
            PolicyType::Boundary => DenyKind::ExplicitBoundary,
            PolicyType::Session => DenyKind::ExplicitSession,
            PolicyType::Vpce => DenyKind::ExplicitVpce,
        });
        end_rel = pos + e;
    } else if has_is {
        // The plain IAM form with no context clause is an implicit deny.
        f.deny_kind = Some(DenyKind::Implicit);
        f.explicit = Some(false);
    }
    if f.explicit.is_some()
        && end_rel > pos
        && let Some(pm) = POLICY_ARN.captures(&ctx_tail[end_rel - pos..])
    {
        let arn = pm.get(1)?.as_str().trim_end_matches(['.', ',']);
        f.policy_arn = Some(arn.to_string());
        end_rel += pm.get(0)?.end();
    }
    if lower_tail.contains("authorization") {
        if let Some(am) = AUTH_ID.captures(ctx_tail) {
            f.authorization_id = am.get(1).or(am.get(2)).map(|m| m.as_str().to_string());
        }
        if let Some(em) = ENCODED.captures(ctx_tail) {
            f.encoded_message = Some(em.get(1)?.as_str().to_string());
        }
    }

    let end = after_phrase + end_rel;
    // The wrapper: CLI/SDK text right before the message, or a Java-style suffix after it.
    let before_start = floor_boundary(text, start.saturating_sub(300));
    let before = &text[before_start..start];
    let before_lower = &ctx.lower[before_start..start];
    if before_lower.contains("error occurred") {
        if let Some(w) = CLI_WRAPPER.captures_iter(before).last() {
            f.error_code = Some(w[1].to_string());
            f.operation = Some(w[2].to_string());
        }
    } else if before_lower.contains("operation error")
        && let Some(w) = GO_WRAPPER.captures_iter(before).last()
    {
        f.operation = Some(w[2].to_string());
    }
    if f.error_code.is_none() {
        let after_end = ceil_boundary(text, (end + 300).min(next.max(end)));
        if ctx.lower[end..after_end].contains("error code")
            && let Some(j) = JAVA_CODE.captures(&text[end..after_end])
        {
            f.error_code = Some(j[1].to_string());
        }
    }

    let principal = f.principal();
    if let Some(p) = &principal
        && p.kind == super::PrincipalKind::Service
    {
        f.service_principal = p.name.clone();
    }
    let hints = ctx.hints(start, end);
    f.category = classify(f.action.as_deref(), principal.as_ref(), hints);
    f.caller = caller(principal.as_ref(), hints);
    f.excerpt = super::one_line(&text[start..ceil_boundary(text, end.max(start))], 400);
    Some(Candidate {
        start,
        end,
        finding: f,
        generic: false,
    })
}

/// Looks back from the phrase for the principal. Returns (principal, whether the phrase is
/// preceded by "is", where the message starts).
fn principal_before(ctx: &Context, at: usize) -> (Option<String>, bool, usize) {
    let text = ctx.text;
    let from = floor_boundary(text, at.saturating_sub(400));
    let before = &text[from..at];
    let trimmed = before.trim_end();
    let lower = &ctx.lower[from..from + trimmed.len()];
    let has_is = lower.ends_with(" is") || lower.ends_with("\nis") || lower == "is";
    let head = if has_is {
        trimmed[..trimmed.len() - 2].trim_end()
    } else {
        trimmed
    };
    // The message starts at the principal, or at the phrase itself.
    let phrase_start = if has_is {
        from + head.len()
    } else {
        // "Not authorized ..." — include the "Not " before the phrase.
        let l = &ctx.lower[floor_boundary(ctx.lower, at.saturating_sub(4))..at];
        if l == "not " { at - 4 } else { at }
    };
    let phrase_start = if has_is {
        phrase_start.min(at)
    } else {
        phrase_start
    };

    // "User: <p>" / "Principal: <p>" within the last three lines.
    let head_lower = &ctx.lower[from..from + head.len()];
    let window_start = nth_line_start_from_end(head_lower, 3);
    let marker = ["user:", "principal:", "identity:"]
        .iter()
        .filter_map(|m| {
            head_lower[window_start..]
                .rfind(m)
                .map(|i| (window_start + i, m.len()))
        })
        .max_by_key(|&(i, _)| i);
    let (tok, tok_start) = if let Some((i, len)) = marker {
        let seg = &head[i + len..];
        let toks: Vec<&str> = seg.split_whitespace().collect();
        let t = match toks.len() {
            0 => None,
            1 => Some(toks[0].to_string()),
            2 | 3 if toks[0].starts_with("arn:") || toks[0].starts_with('<') => Some(toks.concat()),
            _ => toks.last().map(|s| s.to_string()),
        };
        (t, from + i)
    } else {
        let last = head.rsplit(char::is_whitespace).next().unwrap_or("");
        let cleaned = clean_token(last);
        if has_is && looks_like_principal(&cleaned) {
            (Some(last.to_string()), from + head.len() - last.len())
        } else {
            (None, phrase_start)
        }
    };
    let principal = tok
        .map(|t| clean_token(&t))
        .filter(|t| !t.is_empty() && t.len() <= 400);
    let start = if principal.is_some() {
        tok_start
    } else {
        phrase_start
    };
    (principal, has_is, start.min(at))
}

fn nth_line_start_from_end(s: &str, n: usize) -> usize {
    let mut idx = s.len();
    for _ in 0..n {
        match s[..idx].rfind('\n') {
            Some(i) => idx = i,
            None => return 0,
        }
    }
    idx
}

/// Strips quotes, brackets and trailing punctuation a message or a log put around a token.
fn clean_token(t: &str) -> String {
    let t = t.trim_matches(|c: char| {
        matches!(
            c,
            '"' | '\''
                | '`'
                | '‘'
                | '’'
                | '“'
                | '”'
                | '('
                | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | ','
                | ';'
        )
    });
    let t = t.trim_end_matches(['.', ':']);
    t.to_string()
}

/// Cleans a resource token; `None` when nothing is left.
fn clean_resource(raw: &str) -> Option<String> {
    let mut r = raw
        .trim()
        .trim_end_matches(['.', ',', ';', '"', '\'', '`', '}', ')']);
    // "role/name: ClientError" — a Python exception suffix, not part of the ARN; but
    // "log-stream:" (an empty name) is kept as the message wrote it.
    if let Some(stripped) = r.strip_suffix(':') {
        let last = stripped.rsplit(':').next().unwrap_or("");
        if last.contains('/') {
            r = stripped;
        }
    }
    if r.is_empty() {
        None
    } else {
        Some(r.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::super::recognize;
    use super::super::{Category, DenyKind, PolicyType};

    #[test]
    fn seed_mateojackson() {
        let f = &recognize(
            "User: arn:aws:iam::123456789012:user/mateojackson is not authorized to perform: lambda:GetFunction on resource: my-function",
        )[0];
        assert_eq!(f.category, Category::IdentityNotAuthorized);
        assert_eq!(f.action.as_deref(), Some("lambda:GetFunction"));
        assert_eq!(
            f.principal_arn.as_deref(),
            Some("arn:aws:iam::123456789012:user/mateojackson")
        );
        assert_eq!(f.resource.as_deref(), Some("my-function"));
        assert_eq!(f.deny_kind, Some(DenyKind::Implicit));
    }

    #[test]
    fn seed_marymajor_split_across_lines() {
        let f = &recognize(
            "User: arn:aws:iam::123456789012:user/\nmarymajor\nis not authorized to perform: iam:PassRole",
        )[0];
        assert_eq!(f.category, Category::PassRole);
        assert_eq!(
            f.principal_arn.as_deref(),
            Some("arn:aws:iam::123456789012:user/marymajor")
        );
        assert_eq!(f.resource, None);
    }

    #[test]
    fn explicit_deny_with_policy_arn_and_authorization_id() {
        let t = "User: arn:aws:iam::123456789012:user/janedoe is not authorized to perform: iam:CreateInstanceProfile\non resource: arn:aws:iam::123456789012:instance-profile/my-instance-profile\nwith an explicit deny in an identity-based policy: arn:aws:iam::123456789012:policy/ExampleDenyPolicy.\nGo to https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/EXAMPLE1a2b3c4d5e6f7g8h9i0j for complete details,\nor call the GetRequestAuthorizationDetails API with the following authorization id: EXAMPLE1a2b3c4d5e6f7g8h9i0j";
        let f = &recognize(t)[0];
        assert_eq!(f.deny_kind, Some(DenyKind::ExplicitIdentity));
        assert_eq!(
            f.policy_arn.as_deref(),
            Some("arn:aws:iam::123456789012:policy/ExampleDenyPolicy")
        );
        assert_eq!(
            f.authorization_id.as_deref(),
            Some("EXAMPLE1a2b3c4d5e6f7g8h9i0j")
        );
        assert_eq!(
            f.resource.as_deref(),
            Some("arn:aws:iam::123456789012:instance-profile/my-instance-profile")
        );
    }

    #[test]
    fn every_context_wording() {
        let cases = [
            (
                "with an explicit deny in a service control policy",
                Some(DenyKind::ExplicitScp),
                Some(PolicyType::Scp),
            ),
            (
                "due to an explicit deny in a Service Control Policy",
                Some(DenyKind::ExplicitScp),
                Some(PolicyType::Scp),
            ),
            (
                "because no VPC endpoint policy allows the codecommit:ListRepositories action",
                Some(DenyKind::Implicit),
                Some(PolicyType::Vpce),
            ),
            (
                "with an explicit deny in a VPC endpoint policy",
                Some(DenyKind::ExplicitVpce),
                Some(PolicyType::Vpce),
            ),
            (
                "because no permissions boundary allows the x:Y action",
                Some(DenyKind::Implicit),
                Some(PolicyType::Boundary),
            ),
            (
                "with an explicit deny in a permissions boundary",
                Some(DenyKind::ExplicitBoundary),
                Some(PolicyType::Boundary),
            ),
            (
                "because no session policy allows the x:Y action",
                Some(DenyKind::Implicit),
                Some(PolicyType::Session),
            ),
            (
                "with an explicit deny in a sessions policy",
                Some(DenyKind::ExplicitSession),
                Some(PolicyType::Session),
            ),
            (
                "because no resource-based policy allows the x:Y action",
                Some(DenyKind::NoResourcePolicy),
                Some(PolicyType::Resource),
            ),
            (
                "with an explicit deny in a resource-based policy",
                Some(DenyKind::ExplicitResource),
                Some(PolicyType::Resource),
            ),
            (
                "because the role trust policy allows the sts:AssumeRole action",
                Some(DenyKind::Implicit),
                Some(PolicyType::Trust),
            ),
            (
                "with an explicit deny in the role trust policy",
                Some(DenyKind::ExplicitResource),
                Some(PolicyType::Trust),
            ),
            (
                "because no identity-based policy allows the x:Y action",
                Some(DenyKind::Implicit),
                Some(PolicyType::Identity),
            ),
            (
                "with an explicit deny in an identity-based policy",
                Some(DenyKind::ExplicitIdentity),
                Some(PolicyType::Identity),
            ),
            (
                "with an explicit deny in a resource control policy",
                Some(DenyKind::ExplicitRcp),
                Some(PolicyType::Rcp),
            ),
            (
                "because no service control policy allows the x:Y action",
                Some(DenyKind::Implicit),
                Some(PolicyType::Scp),
            ),
            (
                "with an explicit deny in a VPC endpoint policy transitively through a service control policy",
                Some(DenyKind::ExplicitScp),
                Some(PolicyType::Scp),
            ),
            ("with an explicit deny", None, None),
        ];
        for (clause, kind, layer) in cases {
            let t = format!(
                "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: \nsns:Publish on resource: arn:aws:sns:us-east-1:123456789012:t {clause}"
            );
            let f = &recognize(&t)[0];
            assert_eq!(f.deny_kind, kind, "{clause}");
            assert_eq!(f.policy_type, layer, "{clause}");
            assert_eq!(
                f.resource.as_deref(),
                Some("arn:aws:sns:us-east-1:123456789012:t"),
                "{clause}"
            );
        }
    }

    #[test]
    fn quoted_and_backticked_resources() {
        let t = "User: arn:aws:sts::112233445566:assumed-role/AWSReservedSSO_PermSetName_0123456789abcdef/abcde\nis not authorized to perform: s3:PutObject\non resource: \"arn:aws:s3:::test-bucket/non-encrypted.txt\"\nwith an explicit deny in a resource control policy";
        let f = &recognize(t)[0];
        assert_eq!(
            f.resource.as_deref(),
            Some("arn:aws:s3:::test-bucket/non-encrypted.txt")
        );
        assert_eq!(f.deny_kind, Some(DenyKind::ExplicitRcp));
        let t2 = "User: `arn:aws:iam::123456789012:user/bob' is not authorized to perform: lambda:GetFunction on resource: `arn:aws:lambda:us-east-1:123456789012:function:f'";
        let f2 = &recognize(t2)[0];
        assert_eq!(
            f2.principal_arn.as_deref(),
            Some("arn:aws:iam::123456789012:user/bob")
        );
        assert_eq!(
            f2.resource.as_deref(),
            Some("arn:aws:lambda:us-east-1:123456789012:function:f")
        );
    }

    #[test]
    fn cli_wrapper_gives_operation() {
        let t = "An error occurred (AccessDeniedException) when calling the CreateFunction operation: User: arn:aws:iam::281655567048:root is not authorized to perform: lambda:GetLayerVersion on resource: arn:aws:lambda:us-east-1:667743079194:layer:serverless-bash:35 because no resource-based policy allows the lambda:GetLayerVersion action";
        let f = &recognize(t)[0];
        assert_eq!(f.operation.as_deref(), Some("CreateFunction"));
        assert_eq!(f.error_code.as_deref(), Some("AccessDeniedException"));
        assert_eq!(f.category, Category::LayerAccess);
    }
}
