//! Which DESIGN.md category a denial belongs to, from the action, the principal and the text
//! around the message.
//!
//! The key distinction is *who* made the call: code running inside a function (its execution
//! role's session, usually named after the function), a deploy pipeline (CloudFormation, CDK,
//! Terraform, CI), a person, or an AWS service.

use super::Category;
use super::principal::{Principal, PrincipalKind};
use super::services::{is_eni_action, is_log_delivery_action, is_poll_action};

/// Who made the denied call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Caller {
    /// Code inside a Lambda function, with the execution role's credentials.
    Function,
    /// A deployment tool or pipeline.
    Deployer,
    /// A person (IAM user, root, SSO session, federated user).
    Person,
    /// An AWS service principal.
    Service,
    /// An assumed-role session with no sign of what it is: in a Lambda tool, most likely a
    /// function's own role when it calls a data-plane API, but not evidence enough for a
    /// Lambda management call.
    Session,
    Unknown,
}

impl Caller {
    pub fn as_str(self) -> &'static str {
        match self {
            Caller::Function => "function",
            Caller::Deployer => "deployer",
            Caller::Person => "person",
            Caller::Service => "service",
            Caller::Session => "session",
            Caller::Unknown => "unknown",
        }
    }
}

/// Signals in the text around a message.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints {
    /// Lambda runtime output: stack paths under /var/task, `errorMessage` JSON, log lines.
    pub runtime: bool,
    /// Deployment output: CloudFormation events, Terraform, CDK, Serverless, SAM.
    pub deploy: bool,
}

impl Hints {
    /// Reads the hints from lower-cased text.
    pub fn from_lower(w: &str) -> Hints {
        Hints {
            runtime: RUNTIME_MARKERS.iter().any(|m| w.contains(m)),
            deploy: DEPLOY_MARKERS.iter().any(|m| w.contains(m)),
        }
    }
}

/// Lower-case markers of Lambda runtime output.
pub const RUNTIME_MARKERS: &[&str] = &[
    "/var/task",
    "/var/runtime",
    "/var/lang",
    "/opt/nodejs",
    "/opt/python",
    "\"errortype\"",
    "\"errormessage\"",
    "errortype:",
    "'errormessage'",
    "start requestid",
    "end requestid",
    "report requestid",
    "[error] ",
    "lambda_function",
    "lambda_handler",
    "awslambdaric",
    "aws-lambda-java",
    "lambdaruntime",
    "function is not authorized",
    "my function",
    "from my lambda",
    "in my lambda",
    "inside lambda",
    "lambda function code",
];

/// Lower-case markers of deployment output.
pub const DEPLOY_MARKERS: &[&str] = &[
    "create_failed",
    "update_failed",
    "update_rollback",
    "resource handler returned message",
    "cloudformation",
    "terraform",
    "error: creating",
    "error: updating",
    "cdk deploy",
    "serverless:",
    "serverless framework",
    "sam deploy",
    "aws::lambda::",
    "aws_lambda_",
    "handlererrorcode",
    "pulumi",
];

/// Where in a (possibly huge) text the hints occur, by chunk, so that each message's
/// neighbourhood is read in constant time.
pub struct HintMap {
    chunks: Vec<u8>,
}

const CHUNK: usize = 512;

impl HintMap {
    /// One pass over lower-cased text.
    pub fn build(lower: &str) -> HintMap {
        use std::sync::LazyLock;
        static AC: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
            aho_corasick::AhoCorasick::new(RUNTIME_MARKERS.iter().chain(DEPLOY_MARKERS))
                .expect("markers build")
        });
        let mut chunks = vec![0u8; lower.len() / CHUNK + 1];
        for m in AC.find_iter(lower) {
            let bit = if m.pattern().as_usize() < RUNTIME_MARKERS.len() {
                1
            } else {
                2
            };
            chunks[m.start() / CHUNK] |= bit;
        }
        HintMap { chunks }
    }

    /// The hints within `radius` bytes of `start..end`.
    pub fn around(&self, start: usize, end: usize, radius: usize) -> Hints {
        let a = start.saturating_sub(radius) / CHUNK;
        let b = ((end + radius) / CHUNK).min(self.chunks.len().saturating_sub(1));
        let mut bits = 0;
        if a <= b {
            for c in &self.chunks[a..=b] {
                bits |= c;
            }
        }
        Hints {
            runtime: bits & 1 != 0,
            deploy: bits & 2 != 0,
        }
    }
}

fn has_any(s: &str, words: &[&str]) -> bool {
    let l = s.to_ascii_lowercase();
    words.iter().any(|w| l.contains(w))
}

fn deployer_name(s: &str) -> bool {
    has_any(
        s,
        &[
            "cloudformation",
            "cfn-exec",
            "cfnexec",
            "cdk-",
            "deploy",
            "terraform",
            "github",
            "gitlab",
            "codebuild",
            "codepipeline",
            "codestar",
            "jenkins",
            "circleci",
            "bitbucket",
            "pipeline",
            "atlantis",
            "spacelift",
            "buildkite",
            "pulumi",
        ],
    )
}

fn function_name_like(role: &str, session: Option<&str>) -> bool {
    let r = role.to_ascii_lowercase();
    if has_any(
        &r,
        &[
            "lambda",
            "execution",
            "execrole",
            "exec-role",
            "functionrole",
            "function-role",
            "fnrole",
            "fn-role",
            "servicerole",
        ],
    ) {
        return true;
    }
    // The console's default: "<function>-role-<8 chars>".
    if let Some(pos) = r.rfind("-role-") {
        let tail = &r[pos + 6..];
        if tail.len() == 8 && tail.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return true;
        }
    }
    if let Some(sess) = session {
        let s = sess.to_ascii_lowercase();
        if s.contains("lambda") || s.starts_with("awslambda_") {
            return true;
        }
        // Lambda names the session after the function; roles are often named after it too
        // ("CRRHourlyMaintRole" / "CRRHourlyMaint").
        if s.len() >= 4 && (r.starts_with(&s) || r.contains(&s)) {
            return true;
        }
    }
    false
}

/// A session that is not Lambda's: an EC2 instance, an SDK default, a person.
fn foreign_session(session: &str) -> bool {
    let s = session.to_ascii_lowercase();
    let instance =
        s.len() >= 10 && s.starts_with("i-") && s[2..].bytes().all(|b| b.is_ascii_hexdigit());
    instance
        || s.starts_with("botocore-session")
        || s.starts_with("aws-go-sdk")
        || s.starts_with("aws-sdk-java")
        || s.contains('@')
}

/// Decides who made the call.
pub fn caller(principal: Option<&Principal>, hints: Hints) -> Caller {
    if let Some(p) = principal {
        match p.kind {
            PrincipalKind::Service => return Caller::Service,
            PrincipalKind::User | PrincipalKind::Root | PrincipalKind::Federated => {
                return if p.name.as_deref().is_some_and(deployer_name) {
                    Caller::Deployer
                } else {
                    Caller::Person
                };
            }
            PrincipalKind::AssumedRole | PrincipalKind::Role => {
                let role = p.name.as_deref().unwrap_or("");
                let session = p.session.as_deref();
                if deployer_name(role) || session.is_some_and(deployer_name) {
                    return Caller::Deployer;
                }
                if role.starts_with("AWSReservedSSO_")
                    || role == "OrganizationAccountAccessRole"
                    || session.is_some_and(|s| s.contains('@'))
                {
                    return Caller::Person;
                }
                if function_name_like(role, session) {
                    return Caller::Function;
                }
                if session.is_some_and(foreign_session) {
                    return Caller::Unknown;
                }
                if hints.runtime {
                    return Caller::Function;
                }
                if hints.deploy {
                    return Caller::Deployer;
                }
                return if p.kind == PrincipalKind::AssumedRole {
                    Caller::Session
                } else {
                    Caller::Unknown
                };
            }
            PrincipalKind::Anonymous | PrincipalKind::Unknown => {}
        }
    }
    if hints.runtime {
        Caller::Function
    } else if hints.deploy {
        Caller::Deployer
    } else {
        Caller::Unknown
    }
}

/// Service prefixes whose actions administer infrastructure rather than being called by
/// application code.
fn control_plane(prefix: &str) -> bool {
    matches!(
        prefix,
        "iam"
            | "cloudformation"
            | "organizations"
            | "ec2"
            | "elasticloadbalancing"
            | "route53"
            | "acm"
            | "cloudfront"
            | "codebuild"
            | "codepipeline"
            | "codedeploy"
            | "ecs"
            | "eks"
            | "autoscaling"
            | "servicecatalog"
            | "ram"
            | "account"
            | "sso"
            | "config"
    )
}

/// The category for a denied `action` by `principal`.
pub fn classify(action: Option<&str>, principal: Option<&Principal>, hints: Hints) -> Category {
    let who = caller(principal, hints);
    let Some(action) = action else {
        return match who {
            Caller::Function => Category::ExecutionRoleMissingPermission,
            // Another service's own role (DESIGN.md: "none of the above").
            Caller::Service => Category::OtherPermission,
            // A person, a deploy or a pipeline lacks an allow for some call.
            _ => Category::IdentityNotAuthorized,
        };
    };
    let a = action.to_ascii_lowercase();
    let (prefix, op) = a.split_once(':').unwrap_or(("", a.as_str()));
    match a.as_str() {
        "iam:passrole" => return Category::PassRole,
        "lambda:invokefunctionurl" => return Category::FunctionUrlAuth,
        "lambda:invokefunction" | "lambda:invokeasync" | "lambda:invoke" => {
            return Category::InvokePermission;
        }
        // Reading a layer (often another account's): its layer policy decides.
        "lambda:getlayerversion"
        | "lambda:getlayerversionbyarn"
        | "lambda:listlayerversions"
        | "lambda:getlayerversionpolicy" => return Category::LayerAccess,
        "ecr:batchgetimage" | "ecr:getdownloadurlforlayer" | "ecr:batchchecklayeravailability" => {
            return Category::EcrImageAccess;
        }
        _ => {}
    }
    if prefix == "sts" && (op.starts_with("assumerole") || op == "tagsession") {
        return if principal.is_some_and(Principal::is_lambda_service) {
            Category::ExecutionRoleTrust
        } else {
            Category::CrossAccountAssumeRole
        };
    }
    if is_eni_action(&a) && a != "ec2:describesubnets" {
        return Category::VpcEni;
    }
    if is_log_delivery_action(&a) {
        return Category::CloudwatchLogs;
    }
    // KMS denied to the function's own code (reading an encrypted object, publishing to an
    // encrypted topic) is a permission its role lacks; the kms category is Lambda's own use of
    // the function's key (environment variables), which Lambda's messages say.
    if prefix == "kms" {
        return if who == Caller::Function {
            Category::ExecutionRoleMissingPermission
        } else {
            Category::Kms
        };
    }
    if is_poll_action(&a) && !matches!(who, Caller::Person) {
        return Category::EventSourceMapping;
    }
    if prefix == "lambda" {
        return if who == Caller::Function {
            Category::ExecutionRoleMissingPermission
        } else {
            Category::IdentityNotAuthorized
        };
    }
    // DESIGN.md: a person, deployer, pipeline or tool denied an API call of any service is
    // identity_not_authorized; other_permission is for what is none of the categories (a
    // service's own role).
    // An anonymous caller has no identity to grant to: a resource policy decides.
    if principal.is_some_and(|p| p.kind == PrincipalKind::Anonymous) {
        return Category::OtherPermission;
    }
    match who {
        Caller::Function => Category::ExecutionRoleMissingPermission,
        Caller::Person | Caller::Deployer => Category::IdentityNotAuthorized,
        Caller::Service => Category::OtherPermission,
        Caller::Session if control_plane(prefix) => Category::IdentityNotAuthorized,
        Caller::Session => Category::ExecutionRoleMissingPermission,
        Caller::Unknown => {
            if control_plane(prefix) || principal.is_some() {
                Category::IdentityNotAuthorized
            } else {
                Category::ExecutionRoleMissingPermission
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat(action: &str, principal: &str) -> Category {
        let p = Principal::parse(principal);
        classify(Some(action), Some(&p), Hints::default())
    }

    #[test]
    fn who_calls_decides_lambda_actions() {
        assert_eq!(
            cat(
                "lambda:GetFunction",
                "arn:aws:sts::1:assumed-role/CodeStarWorker-x-CloudFormation/AWSCloudFormation"
            ),
            Category::IdentityNotAuthorized
        );
        assert_eq!(
            cat(
                "lambda:DeleteEventSourceMapping",
                "arn:aws:sts::1:assumed-role/LambdaExecRole/EnsureDynamoBackup"
            ),
            Category::ExecutionRoleMissingPermission
        );
        assert_eq!(
            cat(
                "lambda:GetFunction",
                "arn:aws:iam::123456789012:user/mateojackson"
            ),
            Category::IdentityNotAuthorized
        );
    }

    #[test]
    fn action_specific_categories() {
        assert_eq!(
            cat("iam:PassRole", "arn:aws:iam::1:user/u"),
            Category::PassRole
        );
        assert_eq!(
            cat("lambda:InvokeFunction", "sns.amazonaws.com"),
            Category::InvokePermission
        );
        assert_eq!(
            cat(
                "logs:CreateLogStream",
                "arn:aws:sts::1:assumed-role/SomeRole/SomeFn"
            ),
            Category::CloudwatchLogs
        );
        assert_eq!(
            cat("sts:AssumeRole", "arn:aws:sts::1:assumed-role/A/B"),
            Category::CrossAccountAssumeRole
        );
        assert_eq!(
            cat("iam:CreateRole", "arn:aws:iam::1:user/yyy"),
            Category::IdentityNotAuthorized
        );
        assert_eq!(
            cat(
                "dynamodb:UpdateItem",
                "arn:aws:sts::1:assumed-role/api-dev-us-east-2-lambdaRole/api-dev-post"
            ),
            Category::ExecutionRoleMissingPermission
        );
        assert_eq!(
            cat(
                "sqs:ReceiveMessage",
                "arn:aws:sts::1:assumed-role/r-role-ab12cd34/f"
            ),
            Category::EventSourceMapping
        );
    }

    #[test]
    fn hints_break_ties() {
        let h = Hints::from_lower("at /var/task/index.js:12");
        assert!(h.runtime && !h.deploy);
        assert_eq!(
            classify(Some("s3:GetObject"), None, h),
            Category::ExecutionRoleMissingPermission
        );
        let d = Hints::from_lower("create_failed aws::lambda::layerversion");
        assert_eq!(
            classify(Some("lambda:PublishLayerVersion"), None, d),
            Category::IdentityNotAuthorized
        );
    }
}
