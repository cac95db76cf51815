//! A request to evaluate: who, what, on which resource, with which context.

use std::collections::HashMap;

/// A context value: one value, or several (multivalued keys such as `aws:TagKeys`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextValue {
    One(String),
    Many(Vec<String>),
}

/// The kind of principal making the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    User,
    /// A role ARN used as the principal (rare in requests, common in resource policies).
    Role,
    /// An assumed-role session.
    Session,
    /// A federated user session (GetFederationToken).
    Federated,
    Root,
    Service,
    Anonymous,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub principal: String,
    pub action: String,
    pub resource: String,
    /// Keys in lower case.
    context: HashMap<String, ContextValue>,
    pub principal_account: Option<String>,
    pub resource_account: Option<String>,
    /// The action's service prefix, lower case.
    service: String,
}

impl Request {
    /// The action's service prefix in lower case ("lambda" for "lambda:InvokeFunction").
    pub fn service(&self) -> &str {
        &self.service
    }

    pub fn new(
        principal: &str,
        action: &str,
        resource: &str,
        principal_account: Option<&str>,
        resource_account: Option<&str>,
    ) -> Request {
        let mut r = Request {
            principal: principal.to_string(),
            action: action.to_string(),
            resource: resource.to_string(),
            context: HashMap::new(),
            principal_account: principal_account
                .map(str::to_string)
                .or_else(|| account_of(principal)),
            resource_account: resource_account
                .map(str::to_string)
                .or_else(|| account_of(resource)),
            service: action
                .split_once(':')
                .map(|(s, _)| s)
                .unwrap_or(action)
                .to_ascii_lowercase(),
        };
        r.derive();
        r
    }

    /// Sets a context key (case-insensitive name).
    pub fn set(&mut self, key: &str, value: ContextValue) {
        self.context.insert(key.to_ascii_lowercase(), value);
    }

    /// The values of a key, if present.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        self.context.get(&key.to_ascii_lowercase())
    }

    /// A single-valued key's value (what a policy variable may use).
    pub fn single(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            ContextValue::One(s) => Some(s),
            ContextValue::Many(_) => None,
        }
    }

    /// Keys AWS derives from the principal, unless the caller gave them.
    fn derive(&mut self) {
        let p = self.principal.clone();
        let mut put = |k: &str, v: String| {
            self.context
                .entry(k.to_string())
                .or_insert(ContextValue::One(v));
        };
        match caller_kind(&p) {
            Caller::Service => put("aws:principalservicename", p.clone()),
            Caller::Anonymous => {}
            kind => {
                if let Some(a) = account_of(&p) {
                    put("aws:principalaccount", a);
                }
                // For a session, aws:PrincipalArn is the role's ARN.
                let principal_arn = match kind {
                    Caller::Session => session_role_arn(&p).unwrap_or_else(|| p.clone()),
                    _ => p.clone(),
                };
                put("aws:principalarn", principal_arn);
                if kind == Caller::User
                    && let Some(name) = p.rsplit('/').next()
                {
                    put("aws:username", name.to_string());
                }
            }
        }
    }

    pub fn caller(&self) -> Caller {
        caller_kind(&self.principal)
    }

    /// Whether principal and resource are in the same account (unknown counts as same).
    pub fn same_account(&self) -> bool {
        match (&self.principal_account, &self.resource_account) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }
}

/// The 12-digit account of an ARN.
pub fn account_of(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() < 6 || parts[0] != "arn" {
        return None;
    }
    let a = parts[4];
    (!a.is_empty()).then(|| a.to_string())
}

pub fn caller_kind(p: &str) -> Caller {
    if p == "*" || p.eq_ignore_ascii_case("anonymous") {
        return Caller::Anonymous;
    }
    if !p.starts_with("arn:") {
        return if p.contains('.') {
            Caller::Service
        } else {
            Caller::Anonymous
        };
    }
    let parts: Vec<&str> = p.splitn(6, ':').collect();
    let res = parts.get(5).copied().unwrap_or("");
    match parts.get(2).copied() {
        Some("sts") if res.starts_with("assumed-role/") => Caller::Session,
        Some("sts") if res.starts_with("federated-user/") => Caller::Federated,
        Some("iam") if res == "root" => Caller::Root,
        Some("iam") if res.starts_with("role/") => Caller::Role,
        _ => Caller::User,
    }
}

/// `arn:aws:sts::A:assumed-role/R/S` → `arn:aws:iam::A:role/R`.
pub fn session_role_arn(p: &str) -> Option<String> {
    let parts: Vec<&str> = p.splitn(6, ':').collect();
    let res = parts.get(5)?.strip_prefix("assumed-role/")?;
    let role = res.split('/').next()?;
    Some(format!("arn:{}:iam::{}:role/{role}", parts[1], parts[4]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_keys() {
        let r = Request::new(
            "arn:aws:sts::123456789012:assumed-role/r/s",
            "s3:GetObject",
            "*",
            None,
            None,
        );
        assert_eq!(
            r.single("AWS:PrincipalArn"),
            Some("arn:aws:iam::123456789012:role/r")
        );
        assert_eq!(r.single("aws:principalaccount"), Some("123456789012"));
        assert_eq!(r.single("aws:username"), None);
        let u = Request::new(
            "arn:aws:iam::123456789012:user/alice",
            "s3:GetObject",
            "*",
            None,
            None,
        );
        assert_eq!(u.single("aws:username"), Some("alice"));
        assert_eq!(caller_kind("lambda.amazonaws.com"), Caller::Service);
    }
}
