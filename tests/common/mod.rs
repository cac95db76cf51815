//! Shared by the fix re-application tests: an applier written from DESIGN.md's description of
//! the `fix` object alone, working on a snapshot's JSON (not on the library's types), so the
//! tests check the published changes as an outside tester would.

#![allow(dead_code)]

use serde_json::{Value, json};

fn statements(doc: &mut Value) -> &mut Vec<Value> {
    if doc["Statement"].is_object() {
        let one = doc["Statement"].take();
        doc["Statement"] = json!([one]);
    }
    if !doc["Statement"].is_array() {
        doc["Statement"] = json!([]);
    }
    doc["Statement"].as_array_mut().expect("an array")
}

fn edit(doc: &mut Value, c: &Value) {
    match c["change"].as_str().expect("change") {
        "replace" => *doc = c["policy"].clone(),
        "add" => {
            let mut add = c["policy"].clone();
            let new = statements(&mut add).clone();
            statements(doc).extend(new);
        }
        "remove" => {
            let sids: Vec<&str> = c["remove_sids"]
                .as_array()
                .expect("remove_sids")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            statements(doc).retain(|s| !s["Sid"].as_str().is_some_and(|x| sids.contains(&x)));
        }
        other => panic!("unknown change {other}"),
    }
}

/// A function's evidence (one entry of a snapshot's `functions`) with `changes` applied.
pub fn apply(function: &Value, changes: &[Value]) -> Value {
    let mut f = function.clone();
    for c in changes {
        let target = c["target"].as_str().expect("target");
        let kind = c["change"].as_str().expect("change");
        match target {
            "identity" => {
                let policies = f["role"]["value"]["policies"]["value"]
                    .as_array_mut()
                    .expect("role policies read");
                let by_name = c["policy_name"].as_str();
                let by_arn = c["target_arn"].as_str();
                let at = policies.iter().position(|p| match by_name {
                    Some(n) => p["name"] == n && p["managed"] == false,
                    None => p["name"].as_str() == by_arn && p["managed"] == true,
                });
                match (kind, at) {
                    ("add", at) => {
                        let p = json!({"name": by_name.expect("policy_name"), "managed": false,
                            "document": {"status": "ok", "value": c["policy"]}});
                        match at {
                            Some(i) => policies[i] = p,
                            None => policies.push(p),
                        }
                    }
                    ("remove", Some(i)) if c.get("remove_sids").is_none() => {
                        policies.remove(i);
                    }
                    (_, Some(i)) => edit(&mut policies[i]["document"]["value"], c),
                    (_, None) => panic!("no policy for {c}"),
                }
            }
            "boundary" => {
                assert_eq!(f["role"]["value"]["boundary_arn"], c["target_arn"], "{c}");
                edit(&mut f["role"]["value"]["boundary"]["value"], c)
            }
            "trust" => edit(&mut f["role"]["value"]["trust_policy"], c),
            "resource" => {
                assert_eq!(f["config"]["arn"], c["target_arn"], "{c}");
                if f["resource_policy"]["status"] == "absent" {
                    f["resource_policy"] = json!({"status": "ok",
                        "value": {"Version": "2012-10-17", "Statement": []}});
                }
                edit(&mut f["resource_policy"]["value"], c)
            }
            "key" => {
                assert_eq!(f["config"]["kms_key_arn"], c["target_arn"], "{c}");
                edit(&mut f["kms_key_policy"]["value"], c)
            }
            "none" => {
                if let Some(t) = c["setting"]["url_auth_type"].as_str() {
                    f["url"]["value"]["auth_type"] = json!(t);
                }
            }
            other => {
                panic!("a check fix changes {other}, which a function's evidence does not hold")
            }
        }
    }
    f
}

/// Every `<PLACEHOLDER>` in a JSON value's strings.
pub fn placeholders(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut walk = vec![v];
    while let Some(v) = walk.pop() {
        match v {
            Value::String(s) => {
                let mut rest = s.as_str();
                while let Some(i) = rest.find('<') {
                    let tail = &rest[i + 1..];
                    match tail.find('>') {
                        Some(j)
                            if j > 1
                                && tail[..j]
                                    .bytes()
                                    .all(|b| b.is_ascii_uppercase() || b == b'_') =>
                        {
                            out.push(tail[..j].to_string());
                            rest = &tail[j..];
                        }
                        _ => rest = tail,
                    }
                }
            }
            Value::Array(a) => walk.extend(a),
            Value::Object(o) => walk.extend(o.values()),
            _ => {}
        }
    }
    out
}

use lambda_doctor::checks::report::{CheckReport, json as check_json};
use lambda_doctor::evidence::FunctionEvidence;
use lambda_doctor::i18n::Lang;
use lambda_doctor::tree::Tree;
use std::collections::BTreeSet;

/// `check --output json` for one function's evidence, parsed.
pub fn check(ev: &Value, lang: Lang) -> Value {
    let ev: FunctionEvidence = serde_json::from_value(ev.clone()).expect("evidence");
    let r = CheckReport::new(Tree::embedded().expect("tree"), &ev, "test", lang);
    serde_json::from_str(&check_json(&r, lang)).expect("check JSON")
}

/// The ids of the errors and warnings of a check report, and of the checks it could not
/// answer.
pub fn failing(report: &Value) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| f["id"].as_str().expect("id").to_string())
        .collect();
    for u in report["unanswered"].as_array().into_iter().flatten() {
        out.insert(u["id"].as_str().expect("id").to_string());
    }
    out
}

/// What re-applying every fix of one function found.
#[derive(Debug, Default)]
pub struct Reapplied {
    /// Error and warning findings, and how many of them their own changes cleared.
    pub findings: usize,
    pub cleared: usize,
    /// `function check: status reason` of the fixes that are not proven.
    pub not_proven: Vec<String>,
    /// Everything that contradicts the contract.
    pub problems: Vec<String>,
}

/// Applies each error/warning finding's `changes` (from the JSON, in every language) to the
/// function's evidence and runs `check` again: a proven fix must clear its finding and break
/// nothing; the changes must be the same in every language and hold no placeholder. The
/// combined fix, when proven, must clear every error and warning at once.
pub fn reapply(ev: &FunctionEvidence) -> Reapplied {
    let evj = serde_json::to_value(ev).expect("evidence JSON");
    let name = &ev.config.name;
    let mut out = Reapplied::default();
    let reports: Vec<(Lang, Value)> = Lang::ALL.iter().map(|&l| (l, check(&evj, l))).collect();
    let en = &reports[0].1;
    let before = failing(en);
    for (lang, r) in &reports {
        for (a, b) in en["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .zip(r["findings"].as_array().expect("findings"))
        {
            for key in ["changes", "commands", "policy"] {
                if a["fix"][key] != b["fix"][key] {
                    out.problems
                        .push(format!("{name} {}: fix.{key} differs in {lang}", a["id"]));
                }
            }
            if a["fix"]["verified"]["status"] != b["fix"]["verified"]["status"] {
                out.problems
                    .push(format!("{name} {}: the proof differs in {lang}", a["id"]));
            }
        }
        if en["combined_fix"]["changes"] != r["combined_fix"]["changes"] {
            out.problems
                .push(format!("{name}: combined_fix differs in {lang}"));
        }
    }
    for f in en["findings"].as_array().expect("findings") {
        if f["severity"] == "info" {
            continue;
        }
        let id = f["id"].as_str().expect("id");
        out.findings += 1;
        let fix = &f["fix"];
        let status = fix["verified"]["status"].as_str().unwrap_or("missing");
        let changes = fix["changes"].as_array().cloned().unwrap_or_default();
        if status != "proven" {
            out.not_proven.push(format!(
                "{name} {id}: {status} {}",
                fix["verified"]["reason"].as_str().unwrap_or("")
            ));
        }
        let holes = placeholders(&json!([fix["changes"], fix["commands"], fix["policy"]]));
        if !holes.is_empty() && status == "proven" {
            out.problems.push(format!(
                "{name} {id}: placeholders {holes:?} in a proven fix"
            ));
        }
        if changes.is_empty() {
            if status == "proven" {
                out.problems
                    .push(format!("{name} {id}: proven without changes"));
            }
            continue;
        }
        let after = check(&apply(&evj, &changes), Lang::En);
        let now = failing(&after);
        let gone = !now.contains(id);
        let broke: Vec<&String> = now.difference(&before).collect();
        if gone && broke.is_empty() {
            out.cleared += 1;
        } else if status == "proven" {
            out.problems.push(format!(
                "{name} {id}: proven, but after its changes it is {} and these newly fail: {broke:?}",
                if gone { "gone" } else { "still there" }
            ));
        }
    }
    let combined = &en["combined_fix"];
    if combined["verified"]["status"] == "proven" {
        let changes = combined["changes"].as_array().cloned().unwrap_or_default();
        let after = failing(&check(&apply(&evj, &changes), Lang::En));
        if !after.is_empty() {
            out.problems
                .push(format!("{name}: the proven combined fix leaves {after:?}"));
        }
        let holes = placeholders(combined);
        if !holes.is_empty() {
            out.problems.push(format!(
                "{name}: placeholders {holes:?} in the combined fix"
            ));
        }
    } else if out.findings > 0 && combined.is_null() {
        out.problems
            .push(format!("{name}: findings but no combined_fix"));
    }
    out
}
