//! Bare denials: an SDK, the CLI or CloudFormation saying AccessDenied without IAM's wording
//! ("An error occurred (AccessDenied) when calling the PutObject operation: Access Denied",
//! a Java `(Service: AmazonDynamoDBv2; ...; Error Code: AccessDeniedException)`, a Node.js
//! `AccessDenied: Access Denied` with a stack). The action is pieced together from the
//! operation, the service name and the stack; who called decides the category.

use super::classify::{Caller, caller, classify};
use super::services::{prefix_for_operation, prefix_for_service_name};
use super::{Candidate, Category, Context, Finding};
use regex::Regex;
use std::sync::LazyLock;

static MARKERS: LazyLock<Regex> = LazyLock::new(|| {
    // Spaces match any whitespace run (a wrapped line), as in the catalogue.
    Regex::new(&super::catalogue::widen(concat!(
        r"An error occurred \((?P<cli>AccessDenied(?:Exception)?|(?:Client\.)?UnauthorizedOperation|UnauthorizedAccess|AuthorizationError(?:Exception)?|InsufficientPermissionsException)\) when calling the (?P<op>[A-Za-z0-9]+) operation",
        r"|\(Service: (?P<jsvc>[A-Za-z0-9 ]+?)[;,]\s+Status Code:\s*(?:403|400)[;,]\s+Error Code:\s*(?P<jcode>AccessDenied(?:Exception)?|UnauthorizedOperation|AuthorizationError\w*)",
        r"|\(Service: (?P<csvc>[A-Za-z0-9]+),\s+Status Code:\s*403",
        r"|operation error (?P<gsvc>[A-Za-z0-9 ]+?): (?P<gop>[A-Za-z0-9]+), https response error StatusCode: 403",
        r"|Access to the resource (?P<res>[^\s]+) is denied",
        r"|[Ee]ncoded authorization failure message:\s*(?P<enc>[A-Za-z0-9_-]{16,})",
        r"|HandlerErrorCode: AccessDenied",
        r"|<Code>AccessDenied</Code>",
        r#"|"errorType"\s*:\s*"AccessDenied(?:Exception)?""#,
        r"|code: '(?:AccessDenied(?:Exception)?)'",
        r"|\bAccessDenied(?:Exception)?: ",
        r"|\bAccess Denied\b",
    )))
    .expect("regex")
});

/// Authentication failures: the credentials were refused, not an action. Lower case.
static AUTH_FAILURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"unrecognizedclientexception|invalidclienttokenid|expiredtoken(?:exception)?",
        r"|signaturedoesnotmatch|incompletesignature|missingauthenticationtoken",
        r"|the security token included in the request is (?:invalid|expired)",
        r"|the request signature we calculated does not match",
    ))
    .expect("regex")
});

/// The authentication failure a text shows (its error code or wording, as written), when it
/// holds one: explain then says the credentials were refused, which no policy change fixes.
pub fn authentication_failure(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let m = AUTH_FAILURE.find(&lower)?;
    Some(text[m.start()..m.end()].to_string())
}

static JAVA_STACK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\.((?:Amazon|AWS)[A-Za-z0-9]*)Client\.([a-z][A-Za-z0-9]*)\(").expect("regex")
});
static NODE_SERVICE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"lib/services/([a-z0-9]+)\.js").expect("regex"));

#[derive(Default)]
struct Block {
    start: usize,
    end: usize,
    code: Option<String>,
    op: Option<String>,
    service: Option<String>,
    resource: Option<String>,
    encoded: Option<String>,
}

/// Finds bare denials, one candidate per cluster of markers.
pub fn detect(ctx: &Context, out: &mut Vec<Candidate>) {
    let l = ctx.lower;
    if !(l.contains("accessdenied")
        || l.contains("access denied")
        || l.contains("unauthorized")
        || l.contains("authorizationerror")
        || l.contains("insufficientpermissions")
        || l.contains("status code: 403")
        || l.contains("statuscode: 403")
        || l.contains("is denied")
        || l.contains("encoded authorization failure"))
    {
        return;
    }
    let mut blocks: Vec<Block> = Vec::new();
    for c in MARKERS
        .captures_iter(ctx.text)
        .take(super::MAX_FINDINGS * 20)
    {
        let m = c.get(0).expect("whole match");
        let merge = blocks.last().is_some_and(|b| m.start() < b.end + 800);
        if !merge {
            blocks.push(Block {
                start: m.start(),
                end: m.end(),
                ..Block::default()
            });
        }
        let b = blocks.last_mut().expect("a block");
        b.end = m.end();
        if let Some(x) = c.name("cli") {
            b.code.get_or_insert(x.as_str().to_string());
        }
        if let Some(x) = c.name("op").or(c.name("gop")) {
            b.op.get_or_insert(x.as_str().to_string());
        }
        if let Some(x) = c.name("jcode") {
            b.code.get_or_insert(x.as_str().to_string());
        }
        if let Some(x) = c.name("jsvc").or(c.name("csvc")).or(c.name("gsvc")) {
            b.service.get_or_insert(x.as_str().trim().to_string());
        }
        if let Some(x) = c.name("enc") {
            b.encoded.get_or_insert(x.as_str().to_string());
        }
        if let Some(x) = c.name("res") {
            b.resource
                .get_or_insert(x.as_str().trim_end_matches(['.', ',']).to_string());
        }
    }
    for b in blocks {
        // A 403 that is an authentication failure (expired session, unknown key, bad
        // signature) is not a missing permission: no finding (explain says what it is).
        let w = ctx.window(b.start, b.end, 300);
        if AUTH_FAILURE.is_match(w)
            && !w.contains("accessdenied")
            && !w.contains("not authorized to perform")
        {
            continue;
        }
        out.push(build(ctx, b));
    }
}

fn build(ctx: &Context, b: Block) -> Candidate {
    let hints = ctx.hints(b.start, b.end);
    let rs = super::floor_boundary(ctx.text, b.start.saturating_sub(1500));
    let re = super::ceil_boundary(ctx.text, b.end + 3000);
    let raw_window = &ctx.text[rs..re];
    let window_lower = &ctx.lower[rs..re];
    let mut prefix = b.service.as_deref().and_then(prefix_for_service_name);
    if prefix.is_none() && window_lower.contains("lib/services/") {
        prefix = NODE_SERVICE
            .captures(raw_window)
            .and_then(|c| prefix_for_service_name(&c[1]));
    }
    let mut op = b.op.clone();
    if op.is_none() && window_lower.contains("client.") {
        // The Java SDK's stack names the client method: AmazonDynamoDBClient.getItem(...).
        for c in JAVA_STACK.captures_iter(raw_window).take(64) {
            let class = &c[1];
            let method = &c[2];
            let plumbing = class.contains("Http")
                || [
                    "execute", "invoke", "doInvoke", "before", "after", "handle", "run",
                ]
                .iter()
                .any(|p| method.starts_with(p));
            if plumbing {
                continue;
            }
            if prefix.is_none() {
                prefix = prefix_for_service_name(class);
            }
            let mut chars = method.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            op = first.map(|f| std::iter::once(f).chain(chars).collect());
            break;
        }
    }
    let action = match (&prefix, &op) {
        (Some(p), Some(o)) => Some(super::services::action_for_operation(p, o)),
        (None, Some(o)) => {
            prefix_for_operation(o).map(|p| super::services::action_for_operation(p, o))
        }
        _ => None,
    };
    // SQS names its endpoint, not its service: "Access to the resource
    // https://sqs.eu-west-1.amazonaws.com/... is denied".
    if prefix.is_none()
        && b.resource
            .as_deref()
            .is_some_and(|r| r.contains("queue.amazonaws.com") || r.contains("://sqs."))
    {
        prefix = Some("sqs");
    }
    let action = action.or_else(|| {
        let (p, o) = (prefix?, op.as_deref()?);
        Some(super::services::action_for_operation(p, o))
    });
    let who = caller(None, hints);
    let mut category = classify(action.as_deref(), None, hints);
    if action.is_none() && prefix == Some("lambda") && who != Caller::Function {
        category = Category::IdentityNotAuthorized;
    } else if action.is_none()
        && prefix.is_some_and(|p| p != "lambda")
        && matches!(who, Caller::Unknown | Caller::Session)
    {
        // A data-plane service named without an action: code calling it.
        category = Category::ExecutionRoleMissingPermission;
    }
    let excerpt =
        &ctx.text[b.start..super::ceil_boundary(ctx.text, (b.end + 200).min(ctx.text.len()))];
    let mut f = Finding::new(category, excerpt);
    f.action = action;
    f.resource = b.resource;
    f.operation = b.op;
    f.error_code = b.code;
    f.encoded_message = b.encoded;
    f.caller = who;
    // A bare AccessDenied from a wrapper: as sure as the operation it names.
    f.confidence = if f.action.is_some() {
        super::Confidence::Medium
    } else {
        super::Confidence::Low
    };
    Candidate {
        start: b.start,
        end: b.end,
        finding: f,
        generic: true,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Category, recognize};

    #[test]
    fn cli_access_denied_names_the_action() {
        let f = recognize(
            "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation: Access Denied\n  File \"/var/task/app.py\", line 3",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].action.as_deref(), Some("s3:PutObject"));
        assert_eq!(f[0].category, Category::ExecutionRoleMissingPermission);
    }

    #[test]
    fn java_stack_gives_operation() {
        let t = "\"errorMessage\": \"null (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: AccessDeniedException; Request ID: X)\",\n\"stackTrace\": [\n\"com.amazonaws.http.AmazonHttpClient.handleErrorResponse(AmazonHttpClient.java:1182)\",\n\"com.amazonaws.services.dynamodbv2.AmazonDynamoDBClient.invoke(AmazonDynamoDBClient.java:1772)\",\n\"com.amazonaws.services.dynamodbv2.AmazonDynamoDBClient.getItem(AmazonDynamoDBClient.java:1141)\"";
        let f = recognize(t);
        assert_eq!(f[0].action.as_deref(), Some("dynamodb:GetItem"));
        assert_eq!(f[0].category, Category::ExecutionRoleMissingPermission);
    }

    #[test]
    fn ec2_encoded_message_is_kept_for_decoding() {
        let t = "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You are not authorized to perform this operation. Encoded authorization failure message: 4ZHfEXAMPLEabc_def-GHIjkl0123456789";
        let f = recognize(t);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].action.as_deref(), Some("ec2:RunInstances"));
        // Someone's EC2 call: DESIGN.md's identity_not_authorized (any service).
        assert_eq!(f[0].category, Category::IdentityNotAuthorized);
        assert_eq!(
            f[0].encoded_message.as_deref(),
            Some("4ZHfEXAMPLEabc_def-GHIjkl0123456789")
        );
    }

    #[test]
    fn not_permission_problems() {
        for t in [
            "Task timed out after 30.01 seconds",
            "[ERROR] Runtime.ImportModuleError: Unable to import module 'handler'",
            "An error occurred (TooManyRequestsException) when calling the Invoke operation: Rate exceeded",
            "Lambda was throttled while using the Lambda Execution Role",
            "An error occurred (ResourceNotFoundException) when calling the GetFunction operation: Function not found",
            "Error: EACCES: permission denied, open '/var/task/x'",
            "[Errno 13] Permission denied: '/tmp/x'",
            "{\"message\":\"Forbidden\"}",
        ] {
            assert!(recognize(t).is_empty(), "{t}");
        }
    }
}
