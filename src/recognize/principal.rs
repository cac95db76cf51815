//! Principals as error messages show them: ARNs of users, roles, assumed-role sessions, root,
//! federated users, service principals, and the redacted forms people paste (`xxxx`, `***`,
//! `<user>`).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    User,
    Role,
    AssumedRole,
    Root,
    Federated,
    Service,
    Anonymous,
    /// Redacted or unparseable.
    Unknown,
}

impl PrincipalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::User => "user",
            PrincipalKind::Role => "role",
            PrincipalKind::AssumedRole => "assumed_role",
            PrincipalKind::Root => "root",
            PrincipalKind::Federated => "federated",
            PrincipalKind::Service => "service",
            PrincipalKind::Anonymous => "anonymous",
            PrincipalKind::Unknown => "unknown",
        }
    }
}

/// A parsed principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub raw: String,
    pub kind: PrincipalKind,
    pub partition: Option<String>,
    /// The 12-digit account, when the ARN shows one (redacted accounts are `None`).
    pub account: Option<String>,
    /// User name, role name (for roles and sessions), or the service principal.
    pub name: Option<String>,
    /// The session name of an assumed-role session.
    pub session: Option<String>,
}

impl Principal {
    pub fn parse(raw: &str) -> Principal {
        let raw = raw.trim();
        let mut p = Principal {
            raw: raw.to_string(),
            kind: PrincipalKind::Unknown,
            partition: None,
            account: None,
            name: None,
            session: None,
        };
        if raw == "*" || raw.eq_ignore_ascii_case("anonymous") {
            p.kind = PrincipalKind::Anonymous;
            return p;
        }
        if raw.ends_with(".amazonaws.com") || raw.ends_with(".amazonaws.com.cn") {
            p.kind = PrincipalKind::Service;
            p.name = Some(raw.to_string());
            return p;
        }
        let Some(rest) = raw.strip_prefix("arn:") else {
            return p;
        };
        // arn:partition:service:region:account:resource
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        if parts.len() < 5 {
            return p;
        }
        let (partition, service, account, resource) = (parts[0], parts[1], parts[3], parts[4]);
        p.partition = Some(partition.to_string());
        if account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) {
            p.account = Some(account.to_string());
        }
        match service {
            "iam" => {
                if resource == "root" {
                    p.kind = PrincipalKind::Root;
                } else if let Some(u) = resource.strip_prefix("user/") {
                    p.kind = PrincipalKind::User;
                    p.name = Some(last_segment(u).to_string());
                } else if let Some(r) = resource.strip_prefix("role/") {
                    p.kind = PrincipalKind::Role;
                    p.name = Some(last_segment(r).to_string());
                } else if resource.starts_with("saml-provider/")
                    || resource.starts_with("oidc-provider/")
                {
                    p.kind = PrincipalKind::Federated;
                }
            }
            "sts" => {
                if let Some(r) = resource.strip_prefix("assumed-role/") {
                    p.kind = PrincipalKind::AssumedRole;
                    let mut it = r.splitn(2, '/');
                    p.name = it.next().map(str::to_string);
                    p.session = it.next().map(str::to_string);
                } else if resource.starts_with("federated-user/") {
                    p.kind = PrincipalKind::Federated;
                    p.name = resource.strip_prefix("federated-user/").map(str::to_string);
                }
            }
            _ => {}
        }
        p
    }

    /// The role ARN behind an assumed-role session (what policies must name).
    pub fn role_arn(&self) -> Option<String> {
        match self.kind {
            PrincipalKind::AssumedRole | PrincipalKind::Role => {
                let part = self.partition.as_deref().unwrap_or("aws");
                let acct = self.account.as_deref().unwrap_or("<ACCOUNT_ID>");
                Some(format!(
                    "arn:{part}:iam::{acct}:role/{}",
                    self.name.as_deref()?
                ))
            }
            _ => None,
        }
    }

    /// Whether this is the Lambda service itself.
    pub fn is_lambda_service(&self) -> bool {
        self.kind == PrincipalKind::Service && self.raw.starts_with("lambda.")
    }
}

fn last_segment(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Whether a token from a message can stand for a principal: an ARN, a service principal, or a
/// redacted placeholder.
pub fn looks_like_principal(tok: &str) -> bool {
    let t = tok.trim();
    if t.is_empty() || t.len() > 400 {
        return false;
    }
    t.starts_with("arn:")
        || t.ends_with(".amazonaws.com")
        || t.ends_with(".amazonaws.com.cn")
        || (t.starts_with('<') && t.ends_with('>'))
        || t.contains("***")
        || t.eq_ignore_ascii_case("anonymous")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kinds() {
        let s = Principal::parse("arn:aws:sts::123456789012:assumed-role/my-role/my-fn");
        assert_eq!(s.kind, PrincipalKind::AssumedRole);
        assert_eq!(s.name.as_deref(), Some("my-role"));
        assert_eq!(s.session.as_deref(), Some("my-fn"));
        assert_eq!(s.account.as_deref(), Some("123456789012"));
        assert_eq!(
            s.role_arn().as_deref(),
            Some("arn:aws:iam::123456789012:role/my-role")
        );
        let u = Principal::parse("arn:aws:iam::123456789012:user/dev/marymajor");
        assert_eq!(u.kind, PrincipalKind::User);
        assert_eq!(u.name.as_deref(), Some("marymajor"));
        assert_eq!(
            Principal::parse("arn:aws:iam::281655567048:root").kind,
            PrincipalKind::Root
        );
        assert_eq!(
            Principal::parse("sns.amazonaws.com").kind,
            PrincipalKind::Service
        );
        assert_eq!(Principal::parse("<ARN>").kind, PrincipalKind::Unknown);
        let redacted = Principal::parse("arn:aws:sts::xxx:assumed-role/R/S");
        assert_eq!(redacted.kind, PrincipalKind::AssumedRole);
        assert_eq!(redacted.account, None);
        assert_eq!(
            Principal::parse("arn:aws-cn:sts::member-account:federated-user/bob").kind,
            PrincipalKind::Federated
        );
    }

    #[test]
    fn principal_tokens() {
        assert!(looks_like_principal("arn:aws:iam::1:user/x"));
        assert!(looks_like_principal("<user>"));
        assert!(looks_like_principal("sns.amazonaws.com"));
        assert!(!looks_like_principal("function"));
        assert!(!looks_like_principal("Error"));
    }
}
