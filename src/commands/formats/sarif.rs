//! `--format sarif`: one SARIF 2.1.0 log with one run. The tool is the driver, with one rule
//! per transform (its description; its `explain` text as help); each finding is a result whose
//! level is its severity, located relative to its repository's root (a batch names each root
//! in `originalUriBaseIds`), with the suggestion as a fix description. Errors that stopped a
//! file are tool execution notifications.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::Project;
use crate::engine::finding::Finding;
use crate::transforms;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn render(projects: &[Project]) -> String {
    let rules = rules(projects);
    let rule_index = |id: &str| rules.iter().position(|r| r["id"] == id);
    let single = projects.len() == 1 && projects[0].root == ".";
    let base_id = |i: usize| {
        if single {
            "%SRCROOT%".to_string()
        } else {
            format!("REPO{i}")
        }
    };
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for (i, p) in projects.iter().enumerate() {
        for f in &p.report.findings {
            let path = f.path.to_string_lossy();
            results.push(result(f, p.relative(&path), &base_id(i), rule_index));
        }
        for e in &p.report.errors {
            notifications.push(json!({
                "level": "error",
                "message": { "text": e.message },
                "locations": [{ "physicalLocation": { "artifactLocation": {
                    "uri": p.relative(&e.path), "uriBaseId": base_id(i)
                } } }],
            }));
        }
    }
    let mut run = json!({
        "tool": { "driver": {
            "name": "otel-migrate",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": rules,
        } },
        "columnKind": "unicodeCodePoints",
        "invocations": [{
            "executionSuccessful": notifications.is_empty(),
            "toolExecutionNotifications": notifications,
        }],
        "results": results,
    });
    if !single {
        let bases: serde_json::Map<String, Value> = projects
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let uri = format!("{}/", p.root.trim_end_matches('/'));
                (
                    base_id(i),
                    json!({ "uri": uri, "description": { "text": p.name } }),
                )
            })
            .collect();
        run["originalUriBaseIds"] = Value::Object(bases);
    }
    let log = json!({ "$schema": SCHEMA, "version": "2.1.0", "runs": [run] });
    serde_json::to_string_pretty(&log).expect("serializable") + "\n"
}

/// The registry's transforms in order (those a run without `--to` has, and any other with a
/// finding), then any other finding source (adopt, the engine).
fn rules(projects: &[Project]) -> Vec<Value> {
    let reported: BTreeSet<&str> = projects
        .iter()
        .flat_map(|p| p.report.findings.iter().map(|f| f.transform.as_str()))
        .collect();
    let default_run = crate::engine::config::Config::default();
    let mut rules: Vec<Value> = transforms::all()
        .iter()
        .filter(|t| t.enabled_by(&default_run) || reported.contains(t.id()))
        .map(|t| {
            let help = transforms::documentation(t.id()).unwrap_or_default();
            json!({
                "id": t.id(),
                "shortDescription": { "text": t.description() },
                "help": { "text": help, "markdown": help },
            })
        })
        .collect();
    let known: BTreeSet<&str> = transforms::all().iter().map(|t| t.id()).collect();
    for id in reported.into_iter().filter(|id| !known.contains(id)) {
        rules.push(json!({
            "id": id,
            "shortDescription": { "text": format!("findings of otel-migrate's `{id}` step") },
        }));
    }
    rules
}

fn result(
    f: &Finding,
    uri: &str,
    base_id: &str,
    rule_index: impl Fn(&str) -> Option<usize>,
) -> Value {
    let location = json!({ "uri": uri, "uriBaseId": base_id });
    let region = json!({
        "startLine": f.line,
        "startColumn": f.column,
        "endLine": f.end_line.max(f.line),
        "endColumn": f.end_column.max(1),
    });
    let mut result = json!({
        "ruleId": f.transform,
        "level": f.severity.as_str(),
        "message": { "text": f.message },
        "locations": [{ "physicalLocation": {
            "artifactLocation": location,
            "region": region,
        } }],
    });
    if let Some(i) = rule_index(&f.transform) {
        result["ruleIndex"] = json!(i);
    }
    if let Some(help) = &f.suggestion {
        // SARIF requires a fix to carry a change: an empty insertion at the finding's start
        // (a no-op) holds the suggestion, which is prose, not an edit.
        result["fixes"] = json!([{
            "description": { "text": help },
            "artifactChanges": [{
                "artifactLocation": location,
                "replacements": [{ "deletedRegion": {
                    "startLine": f.line,
                    "startColumn": f.column,
                    "endColumn": f.column,
                } }],
            }],
        }]);
    }
    result
}
