//! Lambda's own permission messages that are not in the IAM form, and the messages other
//! services print when they cannot reach a function.

use super::classify::{Caller, Hints, caller, classify};
use super::services::{prefix_for_operation, prefix_for_service_name};
use super::{Candidate, Category, Context, Finding, Principal};
use regex::{Captures, Regex};
use std::sync::LazyLock;

/// What a pattern yields.
struct Hit {
    category: Category,
    caller: Caller,
    action: Option<String>,
    resource: Option<String>,
    principal: Option<String>,
    service_principal: Option<&'static str>,
}

impl Hit {
    fn of(category: Category) -> Hit {
        Hit {
            category,
            caller: Caller::Unknown,
            action: None,
            resource: None,
            principal: None,
            service_principal: None,
        }
    }
    fn action(mut self, a: &str) -> Hit {
        self.action = Some(a.to_string());
        self
    }
}

type Build = fn(&Captures, &Context, usize) -> Option<Hit>;

struct Pattern {
    /// Lower-case substrings, one of which must occur for the regex to run (cheap prefilter).
    triggers: &'static [&'static str],
    re: LazyLock<Regex>,
    build: Build,
    /// Generic patterns give way to a specific message nearby.
    generic: bool,
}

macro_rules! pat {
    ($trigger:expr, $re:expr, $build:expr) => {
        pat!($trigger, $re, $build, false)
    };
    ($trigger:expr, $re:expr, $build:expr, $generic:expr) => {
        Pattern {
            triggers: $trigger,
            re: LazyLock::new(|| Regex::new($re).expect("pattern regex")),
            build: $build,
            generic: $generic,
        }
    };
}

/// The execution role's calls that Lambda makes itself, reported as "call Op on Service".
fn role_call(service: &str, op: &str) -> Hit {
    let prefix = prefix_for_service_name(service)
        .or_else(|| prefix_for_operation(op))
        .unwrap_or("");
    let action = if prefix.is_empty() {
        None
    } else {
        Some(format!("{prefix}:{op}"))
    };
    let hints = Hints {
        runtime: true,
        deploy: false,
    };
    Hit {
        category: classify(action.as_deref(), None, hints),
        caller: Caller::Function,
        action,
        resource: None,
        principal: None,
        service_principal: None,
    }
}

fn trim_res(s: &str) -> String {
    s.trim()
        .trim_end_matches(['.', ',', ';', '"', '\'', ')'])
        .to_string()
}

static PATTERNS: [Pattern; 23] = [
    pat!(
        &["cannot be assumed by lambda"],
        r"(?i)the role defined for the function cannot be assumed by lambda",
        |_, _, _| Some(Hit::of(Category::ExecutionRoleTrust))
    ),
    pat!(
        &["trusted entity"],
        r"(?i)please add lambda as a trusted entity(?: for ([^\s]+))?",
        |c, _, _| {
            let mut h = Hit::of(Category::ExecutionRoleTrust);
            h.resource = c.get(1).map(|m| trim_res(m.as_str()));
            Some(h)
        }
    ),
    pat!(
        &["edgelambda.amazonaws.com"],
        r"(?im)execution role must be assumable with edgelambda\.amazonaws\.com[^\n]*?(?:role:\s*(arn:[^\s]+))?$",
        |c, _, _| {
            let mut h = Hit::of(Category::ExecutionRoleTrust);
            h.resource = c.get(1).map(|m| trim_res(m.as_str()));
            Some(h)
        }
    ),
    pat!(
        &["unable to assume"],
        r"(?i)lambda (?:was |is )?unable to assume (?:the |your )?(?:function'?s? )?(?:execution )?role",
        |_, _, _| Some(Hit::of(Category::ExecutionRoleTrust))
    ),
    pat!(
        &["execution role does not have permissions to call"],
        r"(?i)execution role does not have permissions? to call\s*([A-Za-z0-9]+) on ([A-Za-z0-9]+)",
        |c, _, _| Some(role_call(&c[2], &c[1]))
    ),
    pat!(
        &["your access has been denied by ec2"],
        r"(?i)your access has been denied by ec2,? please make sure your (?:function )?execution role ha(?:s|ve) permission to\s*\*?([A-Za-z0-9]+)",
        |c, _, _| Some(role_call("EC2", &c[1]))
    ),
    pat!(
        &["your access has been denied by s3"],
        r"(?i)your access has been denied by s3,? please make sure your request credentials have permission to ([A-Za-z0-9]+)(?: for ([^\s]+))?",
        |c, _, _| {
            let mut h = Hit::of(Category::IdentityNotAuthorized).action(&format!("s3:{}", &c[1]));
            h.resource = c
                .get(2)
                .map(|m| trim_res(m.as_str()))
                .filter(|s| !s.is_empty());
            Some(h)
        }
    ),
    pat!(
        &["environment variables", "kms", "ciphertext refers"],
        r"(?i)lambda was unable to (?:decrypt|configure access to) (?:the |your )?environment variables|kmsaccessdenied(?:exception)?|the ciphertext refers to a customer master key that does not exist|kmsdisabledexception|kmsinvalidstateexception",
        |c, ctx, _| {
            // "... because the KMS key is invalid for CreateGrant": the operation KMS refused.
            static OP: LazyLock<Regex> = LazyLock::new(|| {
                Regex::new(r"(?i)^[^\n]{0,200}?\binvalid for ([A-Za-z]+)").expect("regex")
            });
            let end = c.get(0).map(|m| m.end()).unwrap_or(0);
            let rest = &ctx.text[end..super::ceil_boundary(ctx.text, end + 240)];
            let op = OP
                .captures(rest)
                .map(|m| format!("kms:{}", &m[1]))
                .unwrap_or_else(|| "kms:Decrypt".to_string());
            Some(Hit::of(Category::Kms).action(&op))
        }
    ),
    pat!(
        &["ec2accessdenied", "permissions to configure vpc"],
        r"(?i)ec2accessdenied(?:exception)?|need additional permissions to configure vpc settings",
        |_, _, _| Some(Hit::of(Category::VpcEni))
    ),
    pat!(
        &["ecr image", "imageaccessdenied"],
        r"(?i)lambda does not have permission to access the ecr image|imageaccessdenied",
        |_, _, _| Some(Hit::of(Category::EcrImageAccess))
    ),
    pat!(
        &["invalid permissions on lambda function"],
        r"(?i)invalid permissions on lambda function",
        |_, _, _| {
            let mut h = Hit::of(Category::InvokePermission).action("lambda:InvokeFunction");
            h.service_principal = Some("apigateway.amazonaws.com");
            Some(h)
        }
    ),
    pat!(
        &["unable to validate the following destination configurations"],
        r"(?i)unable to validate the following destination configurations",
        |_, _, _| {
            let mut h = Hit::of(Category::InvokePermission);
            h.service_principal = Some("s3.amazonaws.com");
            Some(h)
        }
    ),
    pat!(
        &["cannot access stream"],
        r"(?i)cannot access stream (arn:[^\s]+)",
        |c, _, _| {
            let mut h = Hit::of(Category::EventSourceMapping);
            h.resource = Some(trim_res(&c[1]));
            Some(h)
        }
    ),
    pat!(
        &["please ensure the role can perform"],
        r"(?i)please ensure the role can perform the ([A-Za-z]+)(?:,| and)",
        |_, _, _| Some(Hit::of(Category::EventSourceMapping))
    ),
    pat!(
        &["cannot be invoked"],
        r"(?i)the (?:aws )?lambda function ((?:<[^<>\n]+>|[^\s<>])+) cannot be invoked",
        |c, _, _| {
            let mut h = Hit::of(Category::InvokePermission).action("lambda:InvokeFunction");
            h.resource = Some(trim_res(&c[1]));
            Some(h)
        }
    ),
    pat!(
        &[
            "failed due to error accessdenied",
            "failed with error accessdenied"
        ],
        r"(?i)\b(?:pre ?sign ?up|post ?confirmation|pre ?authentication|post ?authentication|pre ?token ?generation|custom ?message|define ?auth ?challenge|create ?auth ?challenge|verify ?auth ?challenge ?response|user ?migration|custom ?sms ?sender|custom ?email ?sender)\s+(?:invocation\s+)?failed (?:due to|with) error accessdenied",
        |_, _, _| {
            let mut h = Hit::of(Category::InvokePermission).action("lambda:InvokeFunction");
            h.service_principal = Some("cognito-idp.amazonaws.com");
            Some(h)
        }
    ),
    pat!(
        &["function url"],
        r"(?i)for troubleshooting function url authorization issues",
        |_, _, _| Some(Hit::of(Category::FunctionUrlAuth))
    ),
    pat!(
        &["signature we calculated", "invalidsignatureexception"],
        r"(?i)the request signature we calculated does not match|invalidsignatureexception",
        |_, ctx, at| {
            let w = ctx.window(at, at, 600);
            let url = [
                "http/",
                "x-amzn-",
                "lambda-url",
                "function url",
                "curl ",
                "cloudfront",
            ]
            .iter()
            .any(|m| w.contains(m));
            url.then(|| Hit::of(Category::FunctionUrlAuth))
        }
    ),
    pat!(
        &["cross-account log access is not allowed"],
        r"(?i)cross-account log access is not allowed",
        |_, _, _| Some(Hit::of(Category::OtherPermission))
    ),
    pat!(
        &[
            "insufficientrolepermissions",
            "doesn't have permission to perform this operation"
        ],
        r"(?i)insufficientrolepermissions|the function's execution role doesn't have permission to perform this operation",
        |_, _, _| Some(Hit::of(Category::OtherPermission))
    ),
    pat!(
        &["is not found in resource policy"],
        r"(?i)statement ([^\s]+) is not found in resource policy",
        |_, _, _| Some(Hit::of(Category::OtherPermission))
    ),
    pat!(
        &["efsmountfailure", "could not mount the efs"],
        r"(?i)(?:efsmountfailureexception|could not mount the efs file system)(?:[^\n]{0,80}?access point (arn:[^\s]+))?",
        |c, _, _| {
            let mut h = Hit::of(Category::OtherPermission);
            h.resource = c.get(1).map(|m| trim_res(m.as_str()));
            Some(h)
        }
    ),
    pat!(
        &["but failed due to access"],
        r"(?i)((?:arn:[^\s]+)|[^\s]+) called ([A-Za-z0-9]+) but failed due to accessdenied",
        |c, ctx, at| {
            let principal = c[1].starts_with("arn:").then(|| c[1].to_string());
            let op = &c[2];
            let action = prefix_for_operation(op).map(|p| format!("{p}:{op}"));
            let p = principal.as_deref().map(Principal::parse);
            let hints = ctx.hints(at, at);
            let mut h = Hit::of(classify(action.as_deref(), p.as_ref(), hints));
            h.caller = caller(p.as_ref(), hints);
            h.action = action;
            h.principal = principal;
            Some(h)
        },
        true
    ),
];

/// Which patterns' triggers occur in the text, found in one pass over it.
fn triggered(lower: &str) -> Vec<bool> {
    static AC: LazyLock<(aho_corasick::AhoCorasick, Vec<usize>)> = LazyLock::new(|| {
        let mut words = Vec::new();
        let mut owner = Vec::new();
        for (i, p) in PATTERNS.iter().enumerate() {
            for t in p.triggers {
                words.push(*t);
                owner.push(i);
            }
        }
        let ac = aho_corasick::AhoCorasick::new(words).expect("triggers build");
        (ac, owner)
    });
    let (ac, owner) = &*AC;
    let mut on = vec![false; PATTERNS.len()];
    for m in ac.find_iter(lower) {
        on[owner[m.pattern().as_usize()]] = true;
        if on.iter().all(|&x| x) {
            break;
        }
    }
    on
}

/// Finds every non-IAM permission message.
pub fn detect(ctx: &Context, out: &mut Vec<Candidate>) {
    let on = triggered(ctx.lower);
    for (p, _) in PATTERNS.iter().zip(&on).filter(|(_, on)| **on) {
        for c in p.re.captures_iter(ctx.text).take(super::MAX_FINDINGS * 4) {
            let m = c.get(0).expect("whole match");
            let Some(hit) = (p.build)(&c, ctx, m.start()) else {
                continue;
            };
            let mut f = Finding::new(hit.category, &ctx.text[sentence(ctx, m.start(), m.end())]);
            f.action = hit.action;
            f.resource = hit.resource;
            f.principal_arn = hit.principal;
            f.service_principal = hit.service_principal.map(str::to_string);
            f.caller = hit.caller;
            out.push(Candidate {
                start: m.start(),
                end: m.end(),
                finding: f,
                generic: p.generic,
            });
        }
    }
}

/// The sentence or line around a match, for the excerpt.
fn sentence(ctx: &Context, start: usize, end: usize) -> std::ops::Range<usize> {
    let t = ctx.text;
    let line_start = t[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let a = if start - line_start <= 300 {
        line_start
    } else {
        // A long line: start at a word boundary some way before the match.
        let from = super::floor_boundary(t, start - 200);
        t[from..start]
            .find(' ')
            .map(|i| from + i + 1)
            .unwrap_or(from)
    };
    let b = t[end..].find('\n').map(|i| end + i).unwrap_or(t.len());
    let b = b.min(super::ceil_boundary(t, end + 300));
    a..b
}

#[cfg(test)]
mod tests {
    use super::super::{Category, recognize};

    #[test]
    fn lambda_service_messages() {
        let cases: &[(&str, Category, Option<&str>)] = &[
            (
                "An error occurred (InvalidParameterValueException) when calling the CreateFunction operation: The role defined for the function cannot be assumed by Lambda.",
                Category::ExecutionRoleTrust,
                None,
            ),
            (
                "The provided execution role does not have permissions to call ReceiveMessage on SQS (Service: AWSLambda; Status Code: 400)",
                Category::EventSourceMapping,
                Some("sqs:ReceiveMessage"),
            ),
            (
                "RetryDashnotifyDashuserLambdaFunction - The provided execution role does not have permissions to callPublish on SNS.",
                Category::ExecutionRoleMissingPermission,
                Some("sns:Publish"),
            ),
            (
                "The provided execution role does not have permissions to call CreateNetworkInterface on EC2",
                Category::VpcEni,
                Some("ec2:CreateNetworkInterface"),
            ),
            (
                "Your access has been denied by EC2, please make sure your function execution role have permission to \n*CreateNetworkInterface*.  EC2 Error Code: UnauthorizedOperation.",
                Category::VpcEni,
                Some("ec2:CreateNetworkInterface"),
            ),
            (
                "Your access has been denied by S3, please make sure your request credentials have permission to GetObject for my-bucket/code.zip. S3 Error Code: AccessDenied.",
                Category::IdentityNotAuthorized,
                Some("s3:GetObject"),
            ),
            (
                "Lambda was unable to decrypt the environment variables because KMS access was denied.",
                Category::Kms,
                Some("kms:Decrypt"),
            ),
            (
                "Execution failed due to configuration error: Invalid permissions on Lambda function",
                Category::InvokePermission,
                Some("lambda:InvokeFunction"),
            ),
            (
                "PostConfirmation invocation failed due to error AccessDeniedException.",
                Category::InvokePermission,
                Some("lambda:InvokeFunction"),
            ),
            (
                "Statement abc is not found in resource policy.",
                Category::OtherPermission,
                None,
            ),
        ];
        for (text, cat, action) in cases {
            let f = recognize(text);
            assert_eq!(f.len(), 1, "{text}: {f:?}");
            assert_eq!(f[0].category, *cat, "{text}");
            assert_eq!(f[0].action.as_deref(), *action, "{text}");
        }
    }

    #[test]
    fn signature_errors_need_url_context() {
        let url = "HTTP/2 403\nx-amzn-errortype: InvalidSignatureException\n\n{\"message\":\"The request signature we calculated does not match the signature you provided.\"}";
        assert_eq!(recognize(url)[0].category, Category::FunctionUrlAuth);
        assert!(recognize("InvalidSignatureException: clock skew").is_empty());
    }
}
