//! The only module that talks to AWS: read-only calls (Get/List) that fill an
//! [`evidence::FunctionEvidence`](crate::evidence::FunctionEvidence). SDK types stop here.
//! A refused read is recorded with the permission it needed; a missing thing (404) is
//! recorded as absent; anything else (no region, no credentials, an endpoint that does not
//! answer) is an [`AwsError`] with a one-line reason.

mod guard;
mod read;

pub use guard::{CallLog, is_read_only};
pub use read::{FunctionSummary, list_functions, read_function};

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use thiserror::Error;

/// The IAM policy the tool's own principal needs (published in the README): every operation the
/// reader may send, and nothing else.
pub const READ_ONLY_POLICY: &str = include_str!("../../assets/readonly-policy.json");

/// Where to connect: the aws CLI's global flags.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

/// The longest a person waits for AWS in one step (connecting and the first answer, or one
/// function's reads): retries and the SDK's own timeouts fit inside it.
pub const WAIT_BUDGET: Duration = Duration::from_secs(15);

#[derive(Debug, Error)]
pub enum AwsError {
    #[error("no region: pass --region or set AWS_REGION (or a region in your AWS profile)")]
    NoRegion,
    #[error("no AWS credentials: {0} (run `aws configure` or `aws sso login`, or set AWS_PROFILE)")]
    NoCredentials(String),
    #[error(
        "profile {0} is not in your AWS config or credentials file (see `aws configure list-profiles`)"
    )]
    UnknownProfile(String),
    #[error(
        "--endpoint-url: not a URL ({0}); give one like https://lambda.us-east-1.amazonaws.com"
    )]
    BadEndpoint(String),
    #[error("loading the AWS configuration took too long (a profile or SSO that does not answer?)")]
    ConfigTimeout,
    #[error("{0} did not answer within {1} s")]
    NoAnswer(String, u64),
    #[error("function {0} not found in {1}")]
    NoFunction(String, String),
    #[error("could not read function {0}: access denied (needs lambda:GetFunctionConfiguration)")]
    FunctionDenied(String),
    #[error("cannot reach AWS ({0})")]
    Unreachable(String),
    #[error("AWS call {0} failed: {1}")]
    Call(&'static str, String),
}

impl AwsError {
    /// Whether the endpoint did not answer (as opposed to answering with an error).
    pub fn no_answer(&self) -> bool {
        matches!(self, AwsError::NoAnswer(..) | AwsError::Unreachable(_))
    }
}

/// Runs `fut` within [`WAIT_BUDGET`]; past it, says who did not answer.
pub async fn within_budget<T>(
    who: &str,
    fut: impl std::future::Future<Output = Result<T, AwsError>>,
) -> Result<T, AwsError> {
    match tokio::time::timeout(WAIT_BUDGET, fut).await {
        Ok(r) => r,
        Err(_) => Err(AwsError::NoAnswer(
            crate::sanitize::quoted(who),
            WAIT_BUDGET.as_secs(),
        )),
    }
}

/// An endpoint URL as the SDK needs it: http or https, with a host.
fn check_endpoint(url: &str) -> Result<(), AwsError> {
    let bad = || AwsError::BadEndpoint(crate::sanitize::quoted(url));
    let parsed = url::Url::parse(url.trim()).map_err(|_| bad())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad());
    }
    Ok(())
}

/// A profile named on the command line or in AWS_PROFILE must exist: otherwise the SDK would
/// quietly use other credentials (the environment's) and read another account.
async fn check_profile(name: &str) -> Result<(), AwsError> {
    let set = aws_config::profile::load(
        &aws_types::os_shim_internal::Fs::real(),
        &aws_types::os_shim_internal::Env::real(),
        &aws_runtime::env_config::file::EnvConfigFiles::default(),
        None,
    )
    .await;
    match set {
        Ok(set) if set.get_profile(name).is_some() => Ok(()),
        // No config files at all: only the default profile can be meant.
        Err(_) | Ok(_) if name == "default" => Ok(()),
        _ => Err(AwsError::UnknownProfile(crate::sanitize::quoted(name))),
    }
}

/// Clients for one account and region.
#[derive(Debug, Clone)]
pub struct Aws {
    pub lambda: aws_sdk_lambda::Client,
    pub iam: aws_sdk_iam::Client,
    pub sts: aws_sdk_sts::Client,
    pub kms: aws_sdk_kms::Client,
    pub region: String,
    /// Which endpoint, for messages.
    pub endpoint: Option<String>,
    /// Every operation sent (all of them reads: the guard refuses anything else).
    pub calls: CallLog,
    /// Managed policy documents already read in this run, by ARN: several functions (and a
    /// role's boundary) often share them.
    pub(crate) managed: ManagedCache,
}

/// Default-version documents of managed policies, read once per run. Concurrent readers of
/// the same ARN wait for the first one instead of sending the same calls twice.
#[derive(Debug, Clone, Default)]
pub(crate) struct ManagedCache(Arc<Mutex<HashMap<String, Arc<ManagedCell>>>>);

type ManagedCell = tokio::sync::OnceCell<crate::evidence::Read<serde_json::Value>>;

impl ManagedCache {
    pub(crate) fn cell(&self, arn: &str) -> Arc<ManagedCell> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(arn.to_string()).or_default().clone()
    }
}

impl Aws {
    /// Loads the configuration (profiles, SSO, environment, `AWS_ENDPOINT_URL`) with bounded
    /// timeouts and the SDK's standard retry, and checks that credentials resolve.
    pub async fn connect(opts: &AwsOptions) -> Result<Aws, AwsError> {
        let endpoint = opts.endpoint_url.clone().or_else(|| {
            std::env::var("AWS_ENDPOINT_URL")
                .ok()
                .filter(|e| !e.is_empty())
        });
        if let Some(e) = &endpoint {
            check_endpoint(e)?;
        }
        let profile = opts
            .profile
            .clone()
            .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()));
        if let Some(p) = &profile {
            check_profile(p).await?;
        }
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .timeout_config(timeout_config())
            .retry_config(retry_config());
        if let Some(p) = &opts.profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = &opts.region {
            loader = loader.region(aws_config::Region::new(r.clone()));
        }
        if let Some(e) = &opts.endpoint_url {
            loader = loader.endpoint_url(e);
        }
        let cfg = tokio::time::timeout(Duration::from_secs(10), loader.load())
            .await
            .map_err(|_| AwsError::ConfigTimeout)?;
        let region = cfg
            .region()
            .map(|r| r.to_string())
            .ok_or(AwsError::NoRegion)?;
        let provider = cfg
            .credentials_provider()
            .ok_or_else(|| AwsError::NoCredentials("no credentials provider".into()))?;
        use aws_credential_types::provider::ProvideCredentials;
        match tokio::time::timeout(Duration::from_secs(8), provider.provide_credentials()).await {
            Err(_) => {
                return Err(AwsError::NoCredentials(
                    "resolving credentials timed out".into(),
                ));
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %aws_smithy_types::error::display::DisplayErrorContext(&e), "credentials");
                return Err(AwsError::NoCredentials(crate::sanitize::line(
                    &e.to_string(),
                    read::MAX_REASON,
                )));
            }
            Ok(Ok(_)) => {}
        }
        let mut aws = Aws::from_sdk_config(&cfg);
        aws.region = region;
        aws.endpoint = endpoint;
        Ok(aws)
    }

    /// Connects and asks who we are, within [`WAIT_BUDGET`]: an endpoint that does not answer
    /// is an error here, not an unknown caller later. A refused GetCallerIdentity leaves the
    /// caller unknown.
    pub async fn connect_and_identify(
        opts: &AwsOptions,
    ) -> Result<(Aws, Option<(String, String)>), AwsError> {
        let who = opts
            .endpoint_url
            .clone()
            .unwrap_or_else(|| "AWS".to_string());
        within_budget(&who, async {
            let aws = Aws::connect(opts).await?;
            match aws.caller().await {
                Ok(c) => Ok((aws, Some(c))),
                Err(e) if e.no_answer() => Err(e),
                Err(_) => Ok((aws, None)),
            }
        })
        .await
    }

    /// Who did not answer, for messages: the endpoint URL, or AWS in the region.
    pub fn who(&self) -> String {
        self.endpoint
            .clone()
            .unwrap_or_else(|| format!("AWS ({})", self.region))
    }

    /// Clients built elsewhere (tests use mocked ones). Each client must carry
    /// [`read_only_guard`] with `calls`: the guard is what keeps the promise.
    pub fn from_clients(
        lambda: aws_sdk_lambda::Client,
        iam: aws_sdk_iam::Client,
        sts: aws_sdk_sts::Client,
        kms: aws_sdk_kms::Client,
        region: &str,
        calls: CallLog,
    ) -> Aws {
        Aws {
            lambda,
            iam,
            sts,
            kms,
            region: region.to_string(),
            endpoint: None,
            calls,
            managed: ManagedCache::default(),
        }
    }

    /// Clients for an already loaded configuration (tests build one for a local endpoint).
    pub fn from_sdk_config(cfg: &aws_config::SdkConfig) -> Aws {
        let calls = CallLog::default();
        let guard = || read_only_guard(&calls);
        Aws {
            lambda: aws_sdk_lambda::Client::from_conf(
                aws_sdk_lambda::config::Builder::from(cfg)
                    .interceptor(guard())
                    .build(),
            ),
            iam: aws_sdk_iam::Client::from_conf(
                aws_sdk_iam::config::Builder::from(cfg)
                    .interceptor(guard())
                    .build(),
            ),
            sts: aws_sdk_sts::Client::from_conf(
                aws_sdk_sts::config::Builder::from(cfg)
                    .interceptor(guard())
                    .build(),
            ),
            kms: aws_sdk_kms::Client::from_conf(
                aws_sdk_kms::config::Builder::from(cfg)
                    .interceptor(guard())
                    .build(),
            ),
            region: cfg.region().map(|r| r.to_string()).unwrap_or_default(),
            endpoint: None,
            calls,
            managed: ManagedCache::default(),
        }
    }

    /// Who the tool runs as (for the status line and "can I..." questions).
    pub async fn caller(&self) -> Result<(String, String), AwsError> {
        let out = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| read::failure("sts:GetCallerIdentity", &e))?;
        Ok((
            out.arn().unwrap_or_default().to_string(),
            out.account().unwrap_or_default().to_string(),
        ))
    }
}

/// The SDK's standard retry (exponential backoff with jitter, throttling and transient errors
/// retried) with three attempts in all.
pub fn retry_config() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(3)
}

/// Per-call limits that keep a call, with its retries, inside [`WAIT_BUDGET`]: 3 s to connect,
/// 5 s to the first byte of an answer, 12 s for the whole operation.
pub fn timeout_config() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(3))
        .read_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(Duration::from_secs(5))
        .operation_timeout(Duration::from_secs(12))
        .build()
}

/// The interceptor that records every operation in `calls` and refuses anything that is not a
/// read before it is sent. Every client lambda-doctor builds carries it.
pub fn read_only_guard(
    calls: &CallLog,
) -> impl aws_smithy_runtime_api::client::interceptors::Intercept + 'static {
    guard::ReadOnly { log: calls.clone() }
}
