//! Behaviour tests: the migrated demo services still export the same telemetry. For each demo
//! service that exports, the tool migrates a copy at test time; a generated probe (`probe.rs`)
//! calling the service's own telemetry code is built before migration (old crates) and after
//! (0.27), each run against receivers in this process on 127.0.0.1 (`receivers.rs`), and what
//! arrived is compared (`observed.rs`): service name after the naming rule, resource, span name
//! and attributes, metric names and temporality. The last test alters the after side on purpose
//! and proves the comparison notices.
//!
//! Endpoints reach the probes through the environment variables the services' own config code
//! reads (`OTEL_EXPORTER_OTLP_ENDPOINT`, `JAEGER_AGENT_ENDPOINT`), so the code under test is
//! exactly the migrated text; only settings no variable reaches are set in the probe (the
//! policy engine's Prometheus listener moves from 0.0.0.0:9090 to 127.0.0.1 with a free port).
//!
//! Builds share the compile tests' target directory. On a cold cache they need the crates.io
//! registry; without it the test fails loudly, it never skips. Every wait is bounded.

use std::path::Path;
use std::time::Duration;

use otel_migrate::engine::config::{Config, ServiceNameConfig, CONFIG_FILE};
use otel_migrate::engine::finding::Severity;
use otel_migrate::engine::pipeline::{self, RunOptions};
use otel_migrate::otel::naming::{Mapping, Naming, NamingRules};
use otel_migrate::transforms;

mod jaeger_thrift;
mod observed;
mod probe;
mod receivers;
#[path = "../support/mod.rs"]
mod support;

use observed::{differences, Observed};
use probe::{Service, Side};
use receivers::{Arrivals, Receivers};

const EDGE_AGENT: Service = Service {
    repo: "edge-agent",
    package_dir: "crates/llm-edge-agent",
    modules: &["config", "prometheus", "telemetry"],
    init: "    let cfg = config::AgentConfig::from_env()?;\n    \
           let telemetry = telemetry::init(&cfg.telemetry)?;",
    shutdown: "    telemetry.shutdown();\n    opentelemetry::global::shutdown_tracer_provider();",
    meters: true,
    before_cargo_config: None,
};

const POLICY_ENGINE: Service = Service {
    repo: "policy-engine",
    package_dir: "crates/llm-policy-engine",
    modules: &["telemetry"],
    init: "    let mut cfg = telemetry::TelemetryConfig::from_env();\n    \
           cfg.metrics_addr = ([127, 0, 0, 1], 0).into();\n    \
           telemetry::init(&cfg)?;",
    shutdown: "    opentelemetry::global::shutdown_tracer_provider();",
    meters: false,
    // opentelemetry-jaeger 0.20 hands tokio a blocking UDP socket, which tokio ≥ 1.44 (the
    // demo lock has 1.54) refuses by a debug assertion; a release build of the service runs.
    before_cargo_config: Some("[profile.dev.package.tokio]\ndebug-assertions = false\n"),
};

/// How long the receivers wait, after a probe exited, for its last datagram to be read.
const ARRIVAL_LIMIT: Duration = Duration::from_secs(5);

fn repo_fixture(repo: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/repos")
        .join(repo)
}

/// Migrates the repository at `root` in place with every transform; no error finding allowed.
fn migrate(root: &Path) {
    let result = pipeline::run(
        transforms::all(),
        &RunOptions {
            paths: vec![root.to_path_buf()],
            ..RunOptions::default()
        },
    );
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let errors: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("{}:{}: {}", f.path.display(), f.line, f.message))
        .collect();
    assert!(errors.is_empty(), "error findings: {errors:#?}");
    for f in result.files.iter().filter(|f| f.changed()) {
        std::fs::write(&f.path, f.output()).unwrap();
    }
}

/// Copies of `service`'s repository before and after migration under `work`.
fn copies(service: &Service, work: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    // The repository's directory name is its component in the naming rule: keep it.
    let (before, after) = (
        work.join("before").join(service.repo),
        work.join("after").join(service.repo),
    );
    for copy in [&before, &after] {
        support::robustness::copy_tree(&repo_fixture(service.repo), copy);
    }
    if let Some(config) = service.before_cargo_config {
        std::fs::create_dir_all(before.join(".cargo")).unwrap();
        std::fs::write(before.join(".cargo/config.toml"), config).unwrap();
    }
    migrate(&after);
    (before, after)
}

/// The name the naming rule gives `name` in `service`'s repository (what the tool must have
/// renamed it to): the repository's `[service-name]` configuration, its directory name as the
/// default component, its packages.
fn renamed(service: &Service, name: &str) -> String {
    let root = repo_fixture(service.repo);
    let config_file = root.join(CONFIG_FILE);
    let config = if config_file.is_file() {
        Config::load(&config_file).unwrap().service_name
    } else {
        ServiceNameConfig::default()
    };
    let mut packages = Vec::new();
    for dir in std::fs::read_dir(root.join("crates")).unwrap().flatten() {
        let manifest = std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
        let manifest: toml::Table = manifest.parse().unwrap();
        packages.push(manifest["package"]["name"].as_str().unwrap().to_string());
    }
    let rules = NamingRules {
        prefix: config.prefix.as_deref(),
        crates: &config.crates,
        rename: &config.rename,
    };
    let component = config.component.as_deref().unwrap_or(service.repo);
    let naming = Naming::new(rules, component, packages.iter().map(String::as_str));
    let package = Path::new(service.package_dir).file_name().unwrap();
    match naming.classify(name, package.to_str()) {
        Mapping::Conforming => name.to_string(),
        Mapping::Rename { to, .. } => to,
        Mapping::Unknown { candidates } => {
            panic!("the naming rule has no single name for `{name}`: {candidates:?}")
        }
    }
}

/// Runs `binary` against fresh receivers with the variables `env` gives for their ports.
fn observe(
    service: &Service,
    binary: &Path,
    env: impl Fn(&Receivers) -> Vec<(&'static str, String)>,
) -> Observed {
    let receivers = Receivers::start();
    let log = probe::run(binary, &env(&receivers)).unwrap_or_else(|e| panic!("{e}"));
    let arrived = |a: &Arrivals| {
        (!a.traces.is_empty() || !a.jaeger.is_empty()) && (!service.meters || !a.metrics.is_empty())
    };
    let arrivals = receivers.wait_for(ARRIVAL_LIMIT, arrived);
    assert!(
        arrived(&arrivals),
        "{}: nothing (or not every signal) arrived from {}: {arrivals:?}\nprobe output:\n{log}",
        service.repo,
        binary.display()
    );
    Observed::from_arrivals(&arrivals).unwrap_or_else(|e| panic!("{}: {e}", service.repo))
}

/// The edge agent's settings for one run: the OTLP endpoint and protocol it reads from the
/// environment, every trace sampled, and its Prometheus listener on loopback.
fn edge_env(protocol: &'static str) -> impl Fn(&Receivers) -> Vec<(&'static str, String)> {
    move |r| {
        vec![
            (
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                format!("http://127.0.0.1:{}", r.otlp_port),
            ),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_string()),
            ("EDGE_TRACE_SAMPLE_RATIO", "1.0".to_string()),
            ("EDGE_METRICS_ADDR", "127.0.0.1:0".to_string()),
            ("DEPLOYMENT_ENV", "behaviour-test".to_string()),
        ]
    }
}

/// Builds and runs the edge agent's probe on both sides over `protocol`.
fn edge_agent_runs(
    work: &Path,
    variant: &str,
    after_edit: impl FnOnce(&Path),
    protocols: &[&'static str],
) -> Vec<(Observed, Observed)> {
    let (before, after) = copies(&EDGE_AGENT, work);
    after_edit(&after);
    let before_bin = probe::build(&EDGE_AGENT, variant, Side::Before, &before, work);
    let after_bin = probe::build(&EDGE_AGENT, variant, Side::After, &after, work);
    protocols
        .iter()
        .map(|p| {
            (
                observe(&EDGE_AGENT, &before_bin, edge_env(p)),
                observe(&EDGE_AGENT, &after_bin, edge_env(p)),
            )
        })
        .collect()
}

fn assert_same(service: &Service, before: &Observed, after: &Observed) {
    let expected = match before.service_names.iter().collect::<Vec<_>>().as_slice() {
        [one] => renamed(service, one),
        other => panic!("{}: before, service names {other:?}", service.repo),
    };
    let found = differences(before, after, &expected, probe::SPAN_NAME);
    assert!(
        found.is_empty(),
        "{}: the migrated service exports differently:\n{}\nbefore: {before:#?}\nafter: {after:#?}",
        service.repo,
        found.join("\n")
    );
}

#[test]
fn edge_agent_exports_the_same_traces_and_metrics_over_otlp_after_migration() {
    let work = tempfile::tempdir().unwrap();
    let runs = edge_agent_runs(work.path(), "", |_| {}, &["grpc", "http/protobuf"]);
    for (before, after) in &runs {
        assert_same(&EDGE_AGENT, before, after);
        let counter = before
            .metrics
            .iter()
            .find(|m| m.name == probe::COUNTER_NAME);
        assert_eq!(
            counter.map(|m| m.temporality.as_str()),
            Some("delta"),
            "{before:#?}"
        );
    }
    let protocols: Vec<_> = runs.iter().map(|(_, a)| a.protocols.clone()).collect();
    assert_eq!(
        format!("{protocols:?}"),
        r#"[{"otlp-grpc"}, {"otlp-grpc", "otlp-http-protobuf"}]"#,
        "grpc mode sends everything over gRPC; http mode sends traces over HTTP, metrics over gRPC"
    );
}

#[test]
fn policy_engine_exports_the_same_traces_after_moving_from_jaeger_to_otlp() {
    let work = tempfile::tempdir().unwrap();
    let (before, after) = copies(&POLICY_ENGINE, work.path());
    let before_bin = probe::build(&POLICY_ENGINE, "", Side::Before, &before, work.path());
    let after_bin = probe::build(&POLICY_ENGINE, "", Side::After, &after, work.path());
    // The same variable on both sides: the migrated code passes the agent address it reads to
    // the OTLP exporter (the tool reports it), so a deployment points it at a collector.
    let before = observe(&POLICY_ENGINE, &before_bin, |r| {
        vec![(
            "JAEGER_AGENT_ENDPOINT",
            format!("127.0.0.1:{}", r.jaeger_port),
        )]
    });
    let after = observe(&POLICY_ENGINE, &after_bin, |r| {
        vec![(
            "JAEGER_AGENT_ENDPOINT",
            format!("http://127.0.0.1:{}", r.otlp_port),
        )]
    });
    assert_eq!(
        (
            Vec::from_iter(before.protocols.iter().map(String::as_str)),
            Vec::from_iter(after.protocols.iter().map(String::as_str))
        ),
        (vec!["jaeger-udp-thrift"], vec!["otlp-grpc"])
    );
    assert_same(&POLICY_ENGINE, &before, &after);
}

/// The permanent negative test: the after side loses its `service.name` resource entry (one
/// line of the migrated code removed), and the same comparison must say so.
#[test]
fn comparison_fails_when_the_after_side_drops_the_service_name() {
    const LINE: &str = "        KeyValue::new(SERVICE_NAME_KEY, SERVICE_NAME),\n";
    let work = tempfile::tempdir().unwrap();
    let drop_service_name = |after: &Path| {
        let file = after.join("crates/llm-edge-agent/src/telemetry.rs");
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains(LINE), "the resource line moved:\n{text}");
        std::fs::write(&file, text.replacen(LINE, "", 1)).unwrap();
    };
    let runs = edge_agent_runs(work.path(), "-altered", drop_service_name, &["grpc"]);
    let (before, after) = &runs[0];
    assert_eq!(
        before.service_names.iter().collect::<Vec<_>>(),
        ["llm-edge-agent"]
    );
    let found = differences(
        before,
        after,
        &renamed(&EDGE_AGENT, "llm-edge-agent"),
        probe::SPAN_NAME,
    );
    eprintln!(
        "behaviour: the altered after side differs:\n{}",
        found.join("\n")
    );
    assert!(
        found.iter().any(|d| d.starts_with("service name:")),
        "the comparison did not notice the missing service name: {found:?}\nafter: {after:#?}"
    );
}
