//! The read-only promise, enforced: every SDK call passes this interceptor, which records the
//! operation and refuses anything that is not a Get/List/Describe call before it is sent.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::sync::{Arc, Mutex};

/// The operations sent, as "service:Operation", in order.
#[derive(Debug, Clone, Default)]
pub struct CallLog(Arc<Mutex<Vec<String>>>);

impl CallLog {
    pub fn calls(&self) -> Vec<String> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }

    fn push(&self, call: String) {
        if let Ok(mut v) = self.0.lock() {
            v.push(call);
        }
    }
}

/// Whether an operation only reads.
pub fn is_read_only(operation: &str) -> bool {
    ["Get", "List", "Describe"]
        .iter()
        .any(|p| operation.starts_with(p))
}

#[derive(Debug)]
pub(super) struct ReadOnly {
    pub(super) log: CallLog,
}

impl Intercept for ReadOnly {
    fn name(&self) -> &'static str {
        "LambdaDoctorReadOnly"
    }

    // Client-level interceptors run `read_before_execution` before the operation's own
    // configuration (which names the operation) is applied; serialization comes after it and
    // still before anything is sent.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let (service, operation) = cfg
            .load::<Metadata>()
            .map(|m| (m.service().to_string(), m.name().to_string()))
            .unwrap_or_else(|| ("unknown".into(), "unknown".into()));
        self.log.push(format!("{service}:{operation}"));
        if is_read_only(&operation) {
            Ok(())
        } else {
            Err(format!("refusing {service}:{operation}: lambda-doctor only reads").into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_reads_pass() {
        assert!(is_read_only("GetFunctionConfiguration"));
        assert!(is_read_only("ListAttachedRolePolicies"));
        assert!(is_read_only("GetCallerIdentity"));
        assert!(!is_read_only("AddPermission"));
        assert!(!is_read_only("PutRolePolicy"));
        assert!(!is_read_only("UpdateFunctionConfiguration"));
    }
}
