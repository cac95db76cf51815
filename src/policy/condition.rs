//! Condition operators: String, Numeric, Date, Bool, Binary, IP, ARN, Null; `...IfExists`;
//! `ForAllValues:` / `ForAnyValue:`; negated operators on missing keys; policy variables.

use super::matching::{arn_condition_matches, glob, tokens};
use super::model::{Cmp, Condition, Operator, SetOp};
use super::request::{ContextValue, Request};
use std::net::IpAddr;

/// Whether the condition holds for the request.
pub fn holds(c: &Condition, req: &Request, vars: bool) -> bool {
    let vars = vars.then_some(req);
    if c.op == Operator::Null {
        let want_absent = c.values.iter().any(|v| v.eq_ignore_ascii_case("true"));
        let absent = match req.get(&c.key) {
            None => true,
            Some(ContextValue::Many(v)) => v.is_empty(),
            Some(ContextValue::One(_)) => false,
        };
        return absent == want_absent;
    }
    let values: Vec<&str> = match req.get(&c.key) {
        None => vec![],
        Some(ContextValue::One(v)) => vec![v.as_str()],
        Some(ContextValue::Many(v)) => v.iter().map(String::as_str).collect(),
    };
    let present = req.get(&c.key).is_some();
    match c.set {
        SetOp::ForAllValues => values.iter().all(|v| value_holds(c, v, vars)),
        SetOp::ForAnyValue => values.iter().any(|v| value_holds(c, v, vars)),
        SetOp::Single => {
            if !present {
                return c.if_exists || c.op.negated();
            }
            match req.get(&c.key) {
                // A single-value operator on a multivalued key never matches.
                Some(ContextValue::Many(v)) if v.len() != 1 => false,
                _ => value_holds(c, values[0], vars),
            }
        }
    }
}

/// One request value against the policy values: positive operators need one match,
/// negated ones need none.
fn value_holds(c: &Condition, v: &str, vars: Option<&Request>) -> bool {
    let any = c.values.iter().any(|p| base_matches(c.op, p, v, vars));
    if c.op.negated() { !any } else { any }
}

/// The positive form of the operator (negation is applied by the caller).
fn base_matches(op: Operator, policy: &str, v: &str, vars: Option<&Request>) -> bool {
    match op {
        Operator::StringEquals { ignore_case, .. } => {
            let Some(p) = literal(policy, vars) else {
                return false;
            };
            if ignore_case {
                p.to_lowercase() == v.to_lowercase()
            } else {
                p == v
            }
        }
        Operator::StringLike { .. } => match tokens(policy, vars) {
            Some(t) => glob(&t, v, false),
            None => false,
        },
        Operator::Arn { like, .. } => {
            if like || policy.contains(['*', '?']) {
                arn_condition_matches(policy, v, vars)
            } else {
                literal(policy, vars).is_some_and(|p| p == v)
            }
        }
        Operator::Bool => literal(policy, vars).is_some_and(|p| p.eq_ignore_ascii_case(v)),
        Operator::BinaryEquals => policy == v,
        Operator::Numeric { cmp, .. } => {
            match (policy.trim().parse::<f64>(), v.trim().parse::<f64>()) {
                (Ok(p), Ok(x)) => compare(x, p, cmp),
                _ => false,
            }
        }
        Operator::Date { cmp, .. } => match (parse_date(policy), parse_date(v)) {
            (Some(p), Some(x)) => compare(x, p, cmp),
            _ => false,
        },
        Operator::IpAddress { .. } => ip_in(v, policy),
        Operator::Null => false,
    }
}

/// A policy value with its variables resolved (`None` when a variable has no value).
fn literal(policy: &str, vars: Option<&Request>) -> Option<String> {
    if vars.is_none() || !policy.contains("${") {
        return Some(policy.to_string());
    }
    let t = tokens(policy, vars)?;
    Some(
        t.into_iter()
            .map(|x| match x {
                super::matching::Tok::Lit(c) => c,
                super::matching::Tok::Star => '*',
                super::matching::Tok::Any1 => '?',
            })
            .collect(),
    )
}

fn compare(x: f64, p: f64, cmp: Cmp) -> bool {
    match cmp {
        Cmp::Eq => x == p,
        Cmp::Lt => x < p,
        Cmp::Le => x <= p,
        Cmp::Gt => x > p,
        Cmp::Ge => x >= p,
    }
}

/// ISO 8601 (`2020-01-01`, `2020-01-01T12:00:00Z`, with fractions or an offset) or epoch
/// seconds → seconds since the epoch.
pub fn parse_date(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>() {
        return Some(n);
    }
    let (date, time) = match s.split_once(['T', 't', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut d = date.split('-');
    let y: i64 = d.next()?.parse().ok()?;
    let m: i64 = d.next()?.parse().ok()?;
    let day: i64 = d.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(y, m, day);
    let mut secs = days as f64 * 86_400.0;
    if let Some(t) = time {
        let (clock, offset) = split_offset(t);
        let mut parts = clock.split(':');
        let h: f64 = parts.next()?.parse().ok()?;
        let mi: f64 = parts.next().unwrap_or("0").parse().ok()?;
        let se: f64 = parts.next().unwrap_or("0").parse().ok()?;
        secs += h * 3600.0 + mi * 60.0 + se - offset;
    }
    Some(secs)
}

fn split_offset(t: &str) -> (&str, f64) {
    if let Some(c) = t.strip_suffix(['Z', 'z']) {
        return (c, 0.0);
    }
    if let Some(i) = t.rfind(['+', '-'])
        && i > 0
    {
        let (c, o) = t.split_at(i);
        let sign = if o.starts_with('-') { -1.0 } else { 1.0 };
        let o = &o[1..];
        let (h, m) = o.split_once(':').unwrap_or((o, "0"));
        if let (Ok(h), Ok(m)) = (h.parse::<f64>(), m.parse::<f64>()) {
            return (c, sign * (h * 3600.0 + m * 60.0));
        }
    }
    (t, 0.0)
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Whether `addr` is in `cidr` (a bare address means /32 or /128).
fn ip_in(addr: &str, cidr: &str) -> bool {
    let (net, bits) = match cidr.split_once('/') {
        Some((n, b)) => (n, b.parse::<u32>().ok()),
        None => (cidr, None),
    };
    let (Ok(a), Ok(n)) = (addr.trim().parse::<IpAddr>(), net.trim().parse::<IpAddr>()) else {
        return false;
    };
    match (a, n) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let bits = bits.unwrap_or(32).min(32);
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let bits = bits.unwrap_or(128).min(128);
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::model::parse_policy;
    use serde_json::json;

    fn cond(c: serde_json::Value) -> Condition {
        let p = parse_policy(
            &json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Condition": c}}),
            "$",
        )
        .expect("parses");
        p.statements[0].conditions[0].clone()
    }

    fn req(ctx: &[(&str, ContextValue)]) -> Request {
        let mut r = Request::new(
            "arn:aws:iam::123456789012:user/alice",
            "s3:GetObject",
            "*",
            None,
            None,
        );
        for (k, v) in ctx {
            r.set(k, v.clone());
        }
        r
    }

    fn one(s: &str) -> ContextValue {
        ContextValue::One(s.into())
    }

    #[test]
    fn missing_keys() {
        let r = req(&[]);
        assert!(!holds(
            &cond(json!({"StringEquals": {"aws:SourceVpc": "vpc-1"}})),
            &r,
            true
        ));
        assert!(holds(
            &cond(json!({"StringNotEquals": {"aws:SourceVpc": "vpc-1"}})),
            &r,
            true
        ));
        assert!(holds(
            &cond(json!({"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}})),
            &r,
            true
        ));
        assert!(holds(
            &cond(json!({"Null": {"aws:SourceVpc": "true"}})),
            &r,
            true
        ));
        assert!(holds(
            &cond(json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}})),
            &r,
            true
        ));
        assert!(!holds(
            &cond(json!({"ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}})),
            &r,
            true
        ));
    }

    #[test]
    fn negated_lists_are_nor_and_names_ignore_case() {
        let r = req(&[("aws:SourceIp", one("10.0.0.5"))]);
        assert!(!holds(
            &cond(json!({"NotIpAddress": {"AWS:SOURCEIP": ["10.0.0.0/8", "192.168.0.0/16"]}})),
            &r,
            true
        ));
        assert!(holds(
            &cond(json!({"IpAddress": {"aws:sourceip": "10.0.0.0/8"}})),
            &r,
            true
        ));
        assert!(holds(
            &cond(json!({"StringNotEquals": {"aws:SourceIp": ["1", "2"]}})),
            &r,
            true
        ));
    }

    #[test]
    fn set_operators() {
        let r = req(&[(
            "aws:TagKeys",
            ContextValue::Many(vec!["a".into(), "b".into()]),
        )]);
        assert!(holds(
            &cond(json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b", "c"]}})),
            &r,
            true
        ));
        assert!(!holds(
            &cond(json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}})),
            &r,
            true
        ));
        assert!(holds(
            &cond(json!({"ForAnyValue:StringEquals": {"aws:TagKeys": ["b"]}})),
            &r,
            true
        ));
        assert!(
            !holds(
                &cond(json!({"StringEquals": {"aws:TagKeys": "a"}})),
                &r,
                true
            ),
            "single-value operator on a multivalued key"
        );
    }

    #[test]
    fn numbers_dates_bools_variables() {
        let r = req(&[
            ("s3:max-keys", one("10")),
            ("aws:CurrentTime", one("2024-06-01T12:00:00Z")),
            ("aws:SecureTransport", one("true")),
            ("aws:PrincipalTag/team", one("blue")),
        ]);
        assert!(holds(
            &cond(json!({"NumericLessThanEquals": {"s3:max-keys": 10}})),
            &r,
            true
        ));
        assert!(!holds(
            &cond(json!({"NumericGreaterThan": {"s3:max-keys": "10"}})),
            &r,
            true
        ));
        assert!(holds(
            &cond(json!({"DateGreaterThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}})),
            &r,
            true
        ));
        assert!(holds(
            &cond(json!({"DateLessThan": {"aws:CurrentTime": "1735689600"}})),
            &r,
            true
        ));
        assert!(holds(
            &cond(json!({"Bool": {"aws:SecureTransport": true}})),
            &r,
            true
        ));
        assert!(holds(
            &cond(json!({"StringEquals": {"aws:PrincipalTag/team": "${aws:PrincipalTag/team}"}})),
            &r,
            true
        ));
        assert!(holds(
            &cond(json!({"StringLike": {"aws:PrincipalTag/team": "bl*"}})),
            &r,
            true
        ));
        assert_eq!(parse_date("1970-01-02"), Some(86400.0));
        assert_eq!(
            parse_date("2024-01-01T01:00:00+01:00"),
            parse_date("2024-01-01T00:00:00Z")
        );
    }
}
