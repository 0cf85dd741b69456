//! The ledger: the six demo repositories' ledger as a committed snapshot (any change in what a
//! migrated service exports shows in review), its JSON checked against the committed schema,
//! and the `--ledger` views of diff/apply/check and batch on a small Jaeger service.

mod support;

use std::path::Path;

use serde_json::Value;
use support::cli::{bin, git, run, write};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The demo batch, run from the crate root with `args` after the batch file.
fn demo(args: &[&str]) -> String {
    let out = run(bin()
        .current_dir(root())
        .args(["batch", "fixtures/repos/migrate.toml", "--quiet"])
        .args(args));
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

fn ledger_schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/schemas/ledger.json")).unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

#[test]
fn the_demo_ledger_is_a_snapshot() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.bind(|| insta::assert_snapshot!("demo_ledger", demo(&["--ledger"])));
}

#[test]
fn the_demo_json_ledger_follows_the_schema_and_the_endpoint_rule() {
    let doc: Value = serde_json::from_str(&demo(&["--format", "json"])).unwrap();
    assert_eq!(doc["version"], 1);
    let schema = ledger_schema();
    let mut entries = Vec::new();
    for repo in doc["repos"].as_array().unwrap() {
        let ledger = &repo["report"]["ledger"];
        if ledger.is_null() {
            continue;
        }
        let errors: Vec<String> = schema
            .iter_errors(ledger)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", repo["name"]);
        entries.extend(ledger.as_array().unwrap().iter().cloned());
    }
    let jaeger: Vec<&Value> = entries
        .iter()
        .filter(|e| {
            e["before"]["protocol"]
                .as_str()
                .is_some_and(|p| p.starts_with("jaeger"))
        })
        .collect();
    assert_eq!(jaeger.len(), 3, "policy-engine's three Jaeger pipelines");
    for e in jaeger {
        let changed: Vec<&str> = e["changed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        assert!(
            changed.contains(&"protocol") && changed.contains(&"endpoint"),
            "{e}"
        );
    }
    // No header value is ever shown, and the schema's keys are the ones produced.
    assert!(!doc.to_string().contains("Bearer"));
}

const MANIFEST: &str = "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nopentelemetry = \"0.21\"\nopentelemetry_sdk = { version = \"0.21\", features = [\"rt-tokio\"] }\nopentelemetry-jaeger = { version = \"0.20\", features = [\"rt-tokio\"] }\ntokio = \"1\"\n";

const TELEMETRY: &str = r#"use opentelemetry_sdk::runtime;

const AGENT: &str = "collector.local:6831";

pub fn init() -> Result<opentelemetry_sdk::trace::Tracer, opentelemetry::trace::TraceError> {
    opentelemetry_jaeger::new_agent_pipeline()
        .with_service_name("llm.svc")
        .with_endpoint(AGENT)
        .install_batch(runtime::Tokio)
}
"#;

/// A git repository holding one Jaeger agent pipeline (manifest transforms skipped: the
/// ledger is about the code).
fn jaeger_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("Cargo.toml"), MANIFEST);
    write(&root.join("src/lib.rs"), TELEMETRY);
    write(
        &root.join("otel-migrate.toml"),
        "skip = [\"manifest-versions\", \"manifest-jaeger-to-otlp\", \"manifest-features\", \"manifest-metrics\"]\n\n[service-name]\ncomponent = \"svc\"\n",
    );
    git(root, &["init", "-q"]);
    git(
        root,
        &["-c", "user.name=t", "-c", "user.email=t@t", "add", "-A"],
    );
    git(
        root,
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "init",
        ],
    );
    dir
}

#[test]
fn diff_ledger_prints_the_table_in_place_of_the_diff() {
    let repo = jaeger_repo();
    let out = run(bin().current_dir(repo.path()).args(["diff", "--ledger"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains("diff --git"), "{}", out.stdout);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with("ledger: .: 1 site(s), 1 with changes"),
        "{}",
        out.stdout
    );
    let row = |key: &str| {
        *lines
            .iter()
            .find(|l| l.split_whitespace().any(|w| w == key))
            .unwrap_or_else(|| panic!("no {key} row:\n{}", out.stdout))
    };
    // The constant's Jaeger default is rewritten with the pipeline: the after side does not
    // claim the old value, it shows the expression.
    let endpoint: Vec<&str> = row("endpoint").split_whitespace().collect();
    assert_eq!(endpoint[0], "*");
    assert!(
        endpoint.contains(&"collector.local:6831"),
        "{}",
        row("endpoint")
    );
    assert!(endpoint.contains(&"`AGENT`?"), "{}", row("endpoint"));
    assert!(row("protocol").contains("jaeger-udp-thrift"));
    assert!(row("protocol").trim_end().ends_with("otlp-grpc"));
    assert!(
        row("service_name").starts_with("  "),
        "unchanged: {}",
        row("service_name")
    );
    assert!(row("global_registration").contains("yes"));
    // Findings still go to stderr.
    assert!(out.stderr.contains("jaeger-pipeline"), "{}", out.stderr);
    // Without --ledger: the diff, no table.
    let plain = run(bin().current_dir(repo.path()).args(["diff"]));
    assert!(plain.stdout.contains("diff --git") && !plain.stdout.contains("ledger:"));
}

#[test]
fn markdown_ledger_and_json_ledger_tell_the_same_site() {
    let repo = jaeger_repo();
    let md = run(bin().current_dir(repo.path()).args([
        "check",
        "--ledger",
        "--ledger-format",
        "markdown",
    ]));
    assert_eq!(md.code, 1, "check still gates: {}", md.stderr);
    assert!(md
        .stdout
        .starts_with("### ledger: .: 1 site(s), 1 with changes\n\n| site |"));
    assert!(
        md.stdout
            .contains("| **protocol** (changed) | **jaeger-udp-thrift** | **otlp-grpc** |"),
        "{}",
        md.stdout
    );
    let json = run(bin()
        .current_dir(repo.path())
        .args(["diff", "--format", "json"]));
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    let ledger = &doc["ledger"];
    assert!(ledger_schema().is_valid(ledger), "{ledger}");
    let entry = &ledger[0];
    assert_eq!(entry["path"], "src/lib.rs");
    assert_eq!(entry["line"], 6);
    assert_eq!(entry["signal"], "traces");
    assert_eq!(entry["before"]["endpoint"], "collector.local:6831");
    assert_eq!(entry["after"]["endpoint"]["unresolved"], "AGENT");
    assert_eq!(entry["after"]["service_name"], "llm.svc");
    assert_eq!(
        entry["changed"],
        serde_json::json!(["endpoint", "protocol", "resource"])
    );
}

#[test]
fn apply_ledger_prints_what_was_written_and_the_flag_needs_ledger() {
    let repo = jaeger_repo();
    let out = run(bin().current_dir(repo.path()).args(["apply", "--ledger"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("ledger: .: 1 site(s), 1 with changes"),
        "{}",
        out.stdout
    );
    let written = std::fs::read_to_string(repo.path().join("src/lib.rs")).unwrap();
    assert!(written.contains("SpanExporter::builder()"), "{written}");
    let bad = run(bin()
        .current_dir(repo.path())
        .args(["diff", "--ledger-format", "markdown"]));
    assert_eq!(
        bad.code, 2,
        "--ledger-format without --ledger: {}",
        bad.stderr
    );
}
