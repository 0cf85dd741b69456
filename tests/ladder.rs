//! The version ladder from the outside: `--to` and `target` select the hops (unknown targets
//! are errors naming the known ones), a run without them is the 0.27 run, a batch entry's
//! `target` is honoured, a second `--to latest` run changes nothing, and the demo repositories
//! on the newest set: observatory (0.27) compiles after `apply --to latest` (`cargo check
//! --all-targets`, sharing `target/compile-check`), and so does edge-agent (0.26), whose
//! provider is shut down through its guard type's consuming method.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use otel_migrate::engine::finding::Severity;
use otel_migrate::engine::pipeline::{self, RunOptions, RunResult};
use otel_migrate::transforms;
use support::cli::{bin, git, run, write};
use support::copy_dir;

const MANIFEST: &str = "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nopentelemetry = \"0.27\"\nopentelemetry_sdk = \"0.27.1\"\nopentelemetry-otlp = \"0.27\"\n";
const LIB: &str = "use opentelemetry_sdk::trace::TracerProvider;\n\npub fn init() -> TracerProvider {\n    TracerProvider::builder().build()\n}\n";

fn service(dir: &Path) -> PathBuf {
    let root = dir.join("svc");
    write(&root.join("Cargo.toml"), MANIFEST);
    write(&root.join("src/lib.rs"), LIB);
    git(&root, &["init", "-q"]);
    git(&root, &["add", "-A"]);
    git(
        &root,
        &[
            "-c",
            "user.email=t@t",
            "-c",
            "user.name=t",
            "commit",
            "-qm",
            "init",
        ],
    );
    root
}

#[test]
fn unknown_targets_are_errors_that_name_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = service(dir.path());
    let out = run(bin().args(["diff", "--to", "0.34"]).arg(&root));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("0.27, 0.28, 0.29, 0.30, 0.31, 0.32, 0.33, latest"),
        "{}",
        out.stderr
    );
    write(&root.join("otel-migrate.toml"), "target = \"0.4\"\n");
    let out = run(bin().arg("diff").arg(&root));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("unknown target `0.4`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.is_empty(),
        "nothing is migrated under a bad config: {}",
        out.stdout
    );
    write(
        &root.join("otel-migrate.toml"),
        "jaeger-propagator = \"b3\"\n",
    );
    let out = run(bin().arg("diff").arg(&root));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("\"trace-context\""), "{}", out.stderr);
}

#[test]
fn the_target_selects_the_hops_and_the_flag_wins_over_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let root = service(dir.path());
    let default = run(bin().arg("diff").arg(&root));
    assert_eq!(default.code, 0, "{}", default.stderr);
    assert!(
        default.stdout.is_empty(),
        "on 0.27 already: {}",
        default.stdout
    );
    let to_28 = run(bin().args(["diff", "--to", "0.28"]).arg(&root));
    assert!(
        to_28
            .stdout
            .contains("+pub fn init() -> SdkTracerProvider {"),
        "{}",
        to_28.stdout
    );
    assert!(
        to_28.stdout.contains("+opentelemetry = \"0.28\""),
        "{}",
        to_28.stdout
    );
    write(&root.join("otel-migrate.toml"), "target = \"0.28\"\n");
    let from_config = run(bin().arg("diff").arg(&root));
    assert_eq!(from_config.stdout, to_28.stdout);
    let flag_wins = run(bin().args(["diff", "--to", "0.27"]).arg(&root));
    assert!(flag_wins.stdout.is_empty(), "{}", flag_wins.stdout);
    let latest = run(bin().args(["diff", "--to", "latest"]).arg(&root));
    assert!(
        latest.stdout.contains("+opentelemetry = \"0.33.1\""),
        "{}",
        latest.stdout
    );
}

#[test]
fn a_package_past_027_keeps_its_own_features() {
    let dir = tempfile::tempdir().unwrap();
    let root = service(dir.path());
    let on_028 = "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nopentelemetry = \"0.28\"\nopentelemetry-otlp = { version = \"0.28\", features = [\"http-proto\"] }\n";
    write(&root.join("Cargo.toml"), on_028);
    write(
        &root.join("src/lib.rs"),
        "pub fn f() { let _ = opentelemetry_otlp::SpanExporter::builder().with_http().build(); }\n",
    );
    let out = run(bin().args(["diff", "--to", "0.29"]).arg(&root));
    assert!(
        out.stdout
            .contains("+opentelemetry-otlp = { version = \"0.29\", features = [\"http-proto\"] }"),
        "0.27's client rule (add reqwest-client) must not reach a 0.28 package: {}\n{}",
        out.stdout,
        out.stderr
    );
    assert!(
        !out.stderr.contains("newer than the target"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_batch_entry_target_is_honoured() {
    let dir = tempfile::tempdir().unwrap();
    service(dir.path());
    let batch = dir.path().join("migrate.toml");
    write(&batch, "[[repo]]\npath = \"svc\"\ntarget = \"0.29\"\n");
    let out = run(bin().arg("batch").arg(&batch));
    assert!(
        out.stdout.contains("+opentelemetry = \"0.29.1\""),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    let flag = run(bin().args(["batch", "--to", "0.28"]).arg(&batch));
    assert!(
        flag.stdout.contains("+opentelemetry = \"0.28\""),
        "{}\n{}",
        flag.stdout,
        flag.stderr
    );
}

#[test]
fn list_shows_the_hops_and_explain_documents_them() {
    let out = run(bin().arg("list"));
    for id in [
        "ladder-manifest",
        "hop-0-28-runtime-argument",
        "hop-0-33-scope-info",
    ] {
        assert!(out.stdout.contains(id), "{}", out.stdout);
    }
    assert!(out.stdout.contains("--to"), "{}", out.stdout);
    let explain = run(bin().args(["explain", "hop-0-29-exporter-build-error"]));
    assert!(
        explain.stdout.contains("## What it does"),
        "{}",
        explain.stdout
    );
}

fn demo(name: &str, dir: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/repos")
        .join(name);
    let to = dir.join(name);
    copy_dir(&from, &to);
    to
}

fn migrate_to_latest(project: &Path) -> RunResult {
    let result = pipeline::run(
        transforms::all(),
        &RunOptions {
            paths: vec![project.to_path_buf()],
            target: Some("latest".to_string()),
            ..RunOptions::default()
        },
    );
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    for f in result.files.iter().filter(|f| f.changed()) {
        std::fs::write(&f.path, f.output()).unwrap();
    }
    result
}

fn errors(result: &RunResult) -> Vec<String> {
    result
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| {
            format!(
                "{}:{}: [{}] {}",
                f.path.display(),
                f.line,
                f.transform,
                f.message
            )
        })
        .collect()
}

fn cargo_check(project: &Path) -> Result<(), String> {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/compile-check");
    let out = Command::new(env!("CARGO"))
        .current_dir(project)
        .env("CARGO_TARGET_DIR", &target)
        .args(["check", "--all-targets", "--quiet"])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn demo_repositories_on_the_newest_set() {
    let dir = tempfile::tempdir().unwrap();
    let observatory = demo("observatory", dir.path());
    let result = migrate_to_latest(&observatory);
    assert!(errors(&result).is_empty(), "{:#?}", errors(&result));
    let manifest = std::fs::read_to_string(observatory.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("\"0.33.1\""), "{manifest}");
    // Idempotent: a second run on the result changes nothing.
    let again = migrate_to_latest(&observatory);
    let changed: Vec<_> = again
        .files
        .iter()
        .filter(|f| f.changed())
        .map(|f| &f.path)
        .collect();
    assert!(
        changed.is_empty(),
        "second --to latest run changed {changed:?}"
    );
    let started = std::time::Instant::now();
    cargo_check(&observatory).unwrap_or_else(|e| panic!("observatory on the newest set:\n{e}"));
    eprintln!(
        "ladder: observatory checked on the newest set in {:.1?}",
        started.elapsed()
    );

    // edge-agent: its provider lives in the private field of the guard `telemetry::Telemetry`
    // that `telemetry.shutdown()` consumes right before `global::shutdown_tracer_provider()`:
    // the guard's method now shuts the provider down, the call goes, and nothing is left.
    let edge = demo("edge-agent", dir.path());
    let result = migrate_to_latest(&edge);
    assert!(errors(&result).is_empty(), "{:#?}", errors(&result));
    let agent = edge.join("crates/llm-edge-agent/src");
    let telemetry = std::fs::read_to_string(agent.join("telemetry.rs")).unwrap();
    assert!(
        telemetry.contains(
            "let _ = self.tracer_provider.force_flush();\n        let _ = self.tracer_provider.shutdown();\n    }"
        ),
        "{telemetry}"
    );
    let main = std::fs::read_to_string(agent.join("main.rs")).unwrap();
    assert!(!main.contains("shutdown_tracer_provider"), "{main}");
    // The 0.27 bridge's warning at that call went with it (the hop's note says why).
    let at_deleted_call: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.path.ends_with("main.rs") && f.message.contains("shutdown_tracer_provider"))
        .map(|f| &f.transforms)
        .collect();
    assert_eq!(
        at_deleted_call,
        [&vec!["hop-0-28-global-shutdown".to_string()]],
        "findings at the deleted call"
    );
    let started = std::time::Instant::now();
    cargo_check(&edge).unwrap_or_else(|e| panic!("edge-agent on the newest set:\n{e}"));
    eprintln!(
        "ladder: edge-agent checked on the newest set in {:.1?}",
        started.elapsed()
    );
}

#[test]
fn adopt_writes_the_module_of_the_target_set() {
    let dir = tempfile::tempdir().unwrap();
    let shield = demo("shield", dir.path());
    let bad = run(bin().current_dir(&shield).args(["adopt", "--to", "0.34"]));
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("0.33, latest"), "{}", bad.stderr);
    let out = run(bin()
        .current_dir(&shield)
        .args(["adopt", "--allow-dirty", "--to", "latest"]));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let manifest = std::fs::read_to_string(shield.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("opentelemetry = \"0.33.1\"")
            && manifest.contains("tracing-opentelemetry = \"0.34\""),
        "{manifest}"
    );
    let module =
        std::fs::read_to_string(shield.join("crates/llm-shield/src/telemetry.rs")).unwrap();
    assert!(module.contains("SdkTracerProvider"), "{module}");
    let started = std::time::Instant::now();
    cargo_check(&shield).unwrap_or_else(|e| panic!("adopted shield on the newest set:\n{e}"));
    eprintln!(
        "ladder: adopted shield checked on the newest set in {:.1?}",
        started.elapsed()
    );
}
