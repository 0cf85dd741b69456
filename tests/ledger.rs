//! The ledger: the six demo repositories' ledger as a committed snapshot (any change in what a
//! migrated service exports shows in review), its JSON checked against the committed schema,
//! every pipeline fixture's entries, values read from the fixtures with every option and
//! through the other files of a package, and the `--ledger` views of diff/apply/check and batch on a small Jaeger service.

mod support;

use std::path::Path;

use otel_migrate::engine::ledger::{Key, LedgerEntry, Signal, Status, Value as Setting};
use serde_json::Value;
use support::cli::{bin, git, run, write};
use support::{all_cases, run_case, Case};

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

/// The ledger of `diff --format json` in `repo`, checked against the schema.
fn json_ledger(repo: &Path) -> Value {
    let json = run(bin().current_dir(repo).args(["diff", "--format", "json"]));
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    let ledger = doc["ledger"].clone();
    assert!(ledger_schema().is_valid(&ledger), "{ledger}");
    ledger
}

fn ledger_schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/schemas/ledger.json")).unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

#[test]
fn the_demo_ledger_is_a_snapshot() {
    // Beside the demo batch's other goldens (`tests/snapshots/`).
    insta::assert_snapshot!("demo_ledger", demo(&["--ledger"]));
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
    repo(MANIFEST, &[("src/lib.rs", TELEMETRY)])
}

/// A git repository of one package: `manifest` and `files`, with the manifest transforms
/// skipped and the component `svc`.
fn repo(manifest: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("Cargo.toml"), manifest);
    for (path, text) in files {
        write(&root.join(path), text);
    }
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
        lines[0].starts_with("ledger: .: 2 site(s), 1 with changes"),
        "{}",
        out.stdout
    );
    let row = |key: &str| {
        *lines
            .iter()
            .find(|l| l.split_whitespace().any(|w| w == key))
            .unwrap_or_else(|| panic!("no {key} row:\n{}", out.stdout))
    };
    // The constant's Jaeger default is rewritten with the pipeline: the after side shows the
    // value the rewritten constant holds.
    let endpoint: Vec<&str> = row("endpoint").split_whitespace().collect();
    assert_eq!(endpoint[0], "*");
    assert!(
        endpoint.contains(&"collector.local:6831"),
        "{}",
        row("endpoint")
    );
    assert!(
        endpoint.contains(&"http://collector.local:4317"),
        "{}",
        row("endpoint")
    );
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
        .starts_with("### ledger: .: 2 site(s), 1 with changes\n\n| site |"));
    assert!(
        md.stdout
            .contains("| **protocol** (changed) | **jaeger-udp-thrift** | **otlp-grpc** |"),
        "{}",
        md.stdout
    );
    let ledger = &json_ledger(repo.path());
    let entry = &ledger[0];
    assert_eq!(entry["path"], "src/lib.rs");
    assert_eq!(entry["line"], 6);
    assert_eq!(entry["signal"], "traces");
    assert_eq!(entry["before"]["endpoint"], "collector.local:6831");
    assert_eq!(entry["after"]["endpoint"], "http://collector.local:4317");
    assert_eq!(entry["after"]["service_name"], "llm.svc");
    assert_eq!(
        entry["changed"],
        serde_json::json!(["endpoint", "protocol", "resource"])
    );
    // The service name already follows the convention: its site is in the ledger, unchanged
    // (inside the rewritten chain: located at the chain, as findings are).
    let name = &ledger[1];
    assert_eq!(
        (&name["line"], &name["signal"]),
        (&6.into(), &"service-name".into())
    );
    assert_eq!(name["status"], "unchanged");
    assert_eq!(
        name["before"],
        serde_json::json!({"service_name": "llm.svc"})
    );
    assert_eq!(name["after"], name["before"]);
    assert_eq!(name["changed"], serde_json::json!([]));
    assert_eq!(
        ledger.as_array().unwrap().len(),
        2,
        "one entry per site: {ledger:#}"
    );
}

#[test]
fn apply_ledger_prints_what_was_written_and_the_flag_needs_ledger() {
    let repo = jaeger_repo();
    let out = run(bin().current_dir(repo.path()).args(["apply", "--ledger"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("ledger: .: 2 site(s), 1 with changes"),
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

#[test]
fn diff_and_apply_print_one_table_per_repository() {
    let (first, second) = (jaeger_repo(), jaeger_repo());
    let other = second.path().display().to_string();
    for command in ["diff", "apply"] {
        let out = run(bin()
            .current_dir(first.path())
            .args([command, "--ledger", ".", &other]));
        assert_eq!(out.code, 0, "{command}: {}", out.stderr);
        let headings: Vec<&str> = out
            .stdout
            .lines()
            .filter(|l| l.starts_with("ledger: "))
            .collect();
        assert_eq!(headings.len(), 2, "{command}: {}", out.stdout);
        for heading in headings {
            assert!(
                heading.ends_with(": 2 site(s), 1 with changes (* = changed)"),
                "{command}: {heading}"
            );
        }
        assert!(out.stdout.contains("ledger: .: "), "{}", out.stdout);
    }
}

/// The pipeline transforms and the signal of their entries.
const PIPELINES: &[(&str, Signal)] = &[
    ("jaeger-pipeline", Signal::Traces),
    ("otlp-trace-pipeline", Signal::Traces),
    ("otlp-metrics-pipeline", Signal::Metrics),
    ("otlp-logs-pipeline", Signal::Logs),
];

fn ledger_of(case: &str) -> Vec<LedgerEntry> {
    let case = all_cases()
        .into_iter()
        .find(|c| format!("{}/{}", c.transform, c.name) == case)
        .unwrap_or_else(|| panic!("no fixture {case}"));
    run_case(&case).result.ledger
}

#[test]
fn every_rewritten_pipeline_fixture_has_entries_and_near_misses_have_none() {
    let cases: Vec<Case> = all_cases()
        .into_iter()
        .filter(|c| PIPELINES.iter().any(|(t, _)| *t == c.transform))
        .collect();
    assert!(cases.len() > 40, "{}", cases.len());
    for case in cases {
        let signal = PIPELINES
            .iter()
            .find(|(t, _)| *t == case.transform)
            .unwrap()
            .1;
        let run = run_case(&case);
        let rust_changed = run
            .result
            .files
            .iter()
            .any(|f| f.changed() && f.path.extension().is_some_and(|e| e == "rs"));
        let rewritten: Vec<&LedgerEntry> = run
            .result
            .ledger
            .iter()
            .filter(|e| e.status == Status::Rewritten)
            .collect();
        let name = format!("{}/{}", case.transform, case.name);
        if case.is_negative() || !rust_changed {
            assert!(rewritten.is_empty(), "{name}: {rewritten:#?}");
            continue;
        }
        assert!(
            !rewritten.is_empty(),
            "{name}: no ledger entry for a rewritten pipeline"
        );
        for e in &run.result.ledger {
            assert_eq!(e.signal, signal, "{name}");
            let lines = std::fs::read_to_string(&e.path).unwrap().lines().count();
            assert!(e.line >= 1 && e.line <= lines, "{name}: line {}", e.line);
        }
        if case.transform == "jaeger-pipeline" {
            for e in &rewritten {
                let protocol = |side: &std::collections::BTreeMap<Key, Setting>| match side
                    .get(&Key::Protocol)
                {
                    Some(Setting::Resolved(p)) => p.clone(),
                    other => panic!("{name}: protocol {other:?}"),
                };
                assert!(protocol(&e.before).starts_with("jaeger-"), "{name}");
                assert!(protocol(&e.after).starts_with("otlp-"), "{name}");
                assert!(
                    e.changed.contains(&Key::Endpoint),
                    "{name}: {:?}",
                    e.changed
                );
            }
        }
    }
}

fn setting(e: &LedgerEntry, key: Key) -> Option<&Setting> {
    e.after.get(&key)
}

#[test]
fn a_trace_pipeline_with_every_option_reads_every_key() {
    let ledger = ledger_of("otlp-trace-pipeline/statements_with_every_option");
    let [grpc, http] = &ledger[..] else {
        panic!("{ledger:#?}");
    };
    for e in [grpc, http] {
        assert_eq!(e.before, e.after, "an OTLP rewrite carries every option");
        assert!(e.changed.is_empty());
    }
    let r = Setting::resolved;
    let u = Setting::unresolved;
    assert_eq!(setting(grpc, Key::Protocol), Some(&r("otlp-grpc")));
    assert_eq!(
        setting(grpc, Key::Endpoint),
        Some(&r("http://collector:4317"))
    );
    assert_eq!(setting(grpc, Key::Timeout), Some(&r("3s")));
    assert_eq!(setting(grpc, Key::Headers), Some(&u("map")));
    assert_eq!(
        setting(grpc, Key::Compression),
        Some(&u("opentelemetry_otlp::Compression::Gzip"))
    );
    assert_eq!(
        setting(grpc, Key::Export),
        Some(&r("batch(max_queue_size=4096)"))
    );
    assert_eq!(setting(grpc, Key::GlobalRegistration), Some(&r("no")));
    assert_eq!(
        setting(grpc, Key::Sampler),
        None,
        "no sampler set: the default"
    );
    assert_eq!(setting(http, Key::Export), Some(&r("simple")));
    assert_eq!(setting(http, Key::Headers), Some(&u("headers")));
    assert_eq!(
        setting(http, Key::Protocol),
        Some(&u("otlp-http (protocol by Cargo features)"))
    );
    assert!(
        matches!(setting(http, Key::Endpoint), Some(Setting::Unresolved { unresolved }) if unresolved.starts_with("ExportConfig {"))
    );
}

#[test]
fn metrics_and_logs_pipelines_read_their_keys_and_a_refused_one_is_reported() {
    let logs = ledger_of("otlp-logs-pipeline/statement_batch_config_026");
    assert_eq!(logs.len(), 2, "{logs:#?}");
    assert_eq!(
        setting(&logs[0], Key::Export),
        Some(&Setting::resolved("batch(max_queue_size=4096)"))
    );
    assert_eq!(
        setting(&logs[1], Key::Export),
        Some(&Setting::resolved("simple"))
    );
    assert_eq!(
        setting(&logs[1], Key::Protocol),
        Some(&Setting::resolved("otlp-grpc"))
    );

    let metrics = ledger_of("otlp-metrics-pipeline/edge_agent_tail");
    let m = &metrics[0];
    assert_eq!(
        setting(m, Key::Temporality),
        Some(&Setting::resolved("delta"))
    );
    assert_eq!(
        setting(m, Key::ReaderInterval),
        Some(&Setting::resolved("15s"))
    );

    let refused = ledger_of("otlp-metrics-pipeline/negative_local_not_an_exporter");
    assert!(!refused.is_empty());
    for e in &refused {
        assert_eq!(e.status, Status::Reported, "{e:#?}");
        assert!(e.after.is_empty() && e.changed.is_empty());
    }
}

#[test]
fn a_setting_applied_under_a_condition_shows_the_condition_and_what_holds_otherwise() {
    let ledger = ledger_of("otlp-trace-pipeline/pipeline_extended_conditionally");
    let samplers: Vec<Option<&Setting>> = ledger.iter().map(|e| setting(e, Key::Sampler)).collect();
    assert_eq!(
        samplers,
        [
            Some(&Setting::unresolved(
                "if let Some(ratio) = ratio { .with_sampler(Sampler::TraceIdRatioBased(ratio)) } else (default)"
            )),
            Some(&Setting::unresolved(
                "if sample_everything { .with_sampler(Sampler::AlwaysOn) } else (default)"
            )),
        ]
    );
    for e in &ledger {
        assert_eq!(e.before, e.after);
    }
}

/// A binary package whose telemetry reads values of its other files: the Jaeger agent's
/// address is a constant of `config.rs`, the service name a config struct's default there,
/// and the metrics endpoints parameters that `main.rs` passes.
const PACKAGE_MANIFEST: &str = "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nopentelemetry = { version = \"0.21\", features = [\"metrics\"] }\nopentelemetry_sdk = { version = \"0.21\", features = [\"rt-tokio\", \"metrics\"] }\nopentelemetry-jaeger = { version = \"0.20\", features = [\"rt-tokio\"] }\nopentelemetry-otlp = { version = \"0.14\", features = [\"metrics\"] }\ntokio = \"1\"\n";

const PACKAGE_CONFIG: &str = r#"pub const AGENT: &str = "collector.internal:6831";
pub const COLLECTOR: &str = "http://collector.internal:4317";

pub struct TelemetryConfig {
    pub service_name: String,
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        Self {
            service_name: "llm-svc".to_string(),
        }
    }
}
"#;

const PACKAGE_TELEMETRY: &str = r#"use opentelemetry::metrics::MetricsError;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::runtime;

use crate::config::{self, TelemetryConfig};

pub fn init(cfg: &TelemetryConfig) -> Result<opentelemetry_sdk::trace::Tracer, opentelemetry::trace::TraceError> {
    opentelemetry_jaeger::new_agent_pipeline()
        .with_service_name(cfg.service_name.clone())
        .with_endpoint(config::AGENT)
        .install_batch(runtime::Tokio)
}

pub fn init_metrics(endpoint: &str) -> Result<SdkMeterProvider, MetricsError> {
    opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint))
        .build()
}

pub fn init_backup_metrics(endpoint: &str) -> Result<SdkMeterProvider, MetricsError> {
    opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint))
        .build()
}
"#;

const PACKAGE_MAIN: &str = r#"mod config;
mod telemetry;

fn main() {
    let cfg = config::TelemetryConfig::default();
    let _tracer = telemetry::init(&cfg);
    let _metrics = telemetry::init_metrics(config::COLLECTOR);
    let _primary = telemetry::init_backup_metrics("http://primary:4317");
    let _secondary = telemetry::init_backup_metrics("http://secondary:4317");
}
"#;

#[test]
fn values_resolve_through_the_other_files_of_the_package() {
    let repo = repo(
        PACKAGE_MANIFEST,
        &[
            ("src/config.rs", PACKAGE_CONFIG),
            ("src/telemetry.rs", PACKAGE_TELEMETRY),
            ("src/main.rs", PACKAGE_MAIN),
        ],
    );
    let ledger = &json_ledger(repo.path());
    let at = |path: &str, line: u64| {
        ledger
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["path"] == path && e["line"] == line)
            .unwrap_or_else(|| panic!("no entry at {path}:{line}: {ledger:#}"))
    };
    let jaeger = at("src/telemetry.rs", 9);
    // The constant of config.rs, and the OTLP address the rewrite writes into it.
    assert_eq!(jaeger["before"]["endpoint"], "collector.internal:6831");
    assert_eq!(
        jaeger["after"]["endpoint"],
        "http://collector.internal:4317"
    );
    // The config default of config.rs, renamed there by service-name.
    assert_eq!(jaeger["before"]["service_name"], "llm-svc (config default)");
    assert_eq!(jaeger["after"]["service_name"], "llm.svc (config default)");
    // The rewrite puts the service name into the resource: with its value, renamed.
    assert_eq!(jaeger["before"]["resource"], "default");
    assert_eq!(
        jaeger["after"]["resource"],
        "default + service.name=llm.svc (config default)"
    );
    assert_eq!(
        jaeger["changed"],
        serde_json::json!(["service_name", "endpoint", "protocol", "resource"])
    );
    let rename = at("src/config.rs", 11);
    assert_eq!(rename["signal"], "service-name");
    assert_eq!(rename["after"]["service_name"], "llm.svc");
    // Every caller passes config.rs's constant: the parameter's value.
    let metrics = at("src/telemetry.rs", 16);
    assert_eq!(
        metrics["before"]["endpoint"],
        "http://collector.internal:4317"
    );
    assert_eq!(
        metrics["after"]["endpoint"],
        "http://collector.internal:4317"
    );
    // Callers that disagree: the parameter as written.
    let backup = at("src/telemetry.rs", 23);
    assert_eq!(
        backup["before"]["endpoint"],
        serde_json::json!({"unresolved": "endpoint"})
    );
    // What the diff writes agrees: config.rs's constant now holds the OTLP address.
    let diff = run(bin().current_dir(repo.path()).args(["diff"]));
    assert!(
        diff.stdout
            .contains("+pub const AGENT: &str = \"http://collector.internal:4317\";"),
        "{}",
        diff.stdout
    );
}

#[test]
fn every_service_name_site_has_one_entry_renamed_or_not() {
    let lib = r#"use opentelemetry::KeyValue;

pub fn conforming() -> KeyValue {
    KeyValue::new("service.name", "llm.svc")
}

pub fn renamed() -> KeyValue {
    KeyValue::new("service.name", "llm-svc")
}

pub fn passed(name: String) -> KeyValue {
    KeyValue::new("service.name", name)
}

pub fn joined(base: &str) -> KeyValue {
    KeyValue::new("service.name", format!("{base}.worker"))
}
"#;
    let manifest = "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nopentelemetry = \"0.21\"\n";
    let repo = repo(manifest, &[("src/lib.rs", lib)]);
    let ledger = &json_ledger(repo.path());
    let sites: Vec<(u64, &str, &Value, &Value)> = ledger
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["signal"], "service-name", "{e}");
            let line = e["line"].as_u64().unwrap();
            let name = &e["before"]["service_name"];
            (
                line,
                e["status"].as_str().unwrap(),
                name,
                &e["after"]["service_name"],
            )
        })
        .collect();
    let unresolved = |text: &str| serde_json::json!({ "unresolved": text });
    assert_eq!(
        sites,
        [
            (4, "unchanged", &"llm.svc".into(), &"llm.svc".into()),
            (8, "rewritten", &"llm-svc".into(), &"llm.svc".into()),
            (12, "unchanged", &unresolved("name"), &unresolved("name")),
            (
                16,
                "unchanged",
                &unresolved("format!(\"{base}.worker\")"),
                &unresolved("format!(\"{base}.worker\")")
            ),
        ]
    );
}
