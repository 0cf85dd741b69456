//! Unit tests of the parts: module paths, path resolution within a crate, deployment-file
//! values, the per-run package facts. The transform's behaviour is covered by the fixtures.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::deployment::deployment_names;
use super::facts::{self, absolutize, module_path};
use super::naming_of;
use crate::engine::context::Project;
use crate::engine::discover::{discover, DiscoverOptions};

#[test]
fn module_paths_follow_the_file_layout() {
    let dir = Path::new("/p");
    assert_eq!(
        module_path(dir, Path::new("/p/src/lib.rs")),
        Vec::<String>::new()
    );
    assert_eq!(
        module_path(dir, Path::new("/p/src/main.rs")),
        Vec::<String>::new()
    );
    assert_eq!(
        module_path(dir, Path::new("/p/src/telemetry.rs")),
        vec!["telemetry"]
    );
    assert_eq!(module_path(dir, Path::new("/p/src/a/mod.rs")), vec!["a"]);
    assert_eq!(module_path(dir, Path::new("/p/src/a/b.rs")), vec!["a", "b"]);
    assert_eq!(
        module_path(dir, Path::new("/p/src/bin/replay.rs")),
        vec!["#bin:replay"]
    );
}

#[test]
fn paths_resolve_within_the_crate_only() {
    let decls: BTreeSet<String> = ["telemetry".to_string()].into();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        absolutize(&[], &s(&["telemetry", "SERVICE_NAME"]), &decls, "lib"),
        Some((s(&["telemetry"]), "SERVICE_NAME".to_string()))
    );
    assert_eq!(
        absolutize(
            &s(&["a"]),
            &s(&["crate", "telemetry", "X"]),
            &BTreeSet::new(),
            "lib"
        ),
        Some((s(&["telemetry"]), "X".to_string()))
    );
    assert_eq!(
        absolutize(
            &s(&["a", "b"]),
            &s(&["super", "X"]),
            &BTreeSet::new(),
            "lib"
        ),
        Some((s(&["a"]), "X".to_string()))
    );
    assert_eq!(
        absolutize(
            &s(&["a"]),
            &s(&["other_crate", "X"]),
            &BTreeSet::new(),
            "lib"
        ),
        None
    );
    assert_eq!(
        absolutize(
            &s(&["#bin:replay"]),
            &s(&["lib", "names", "X"]),
            &BTreeSet::new(),
            "lib"
        ),
        Some((s(&["names"]), "X".to_string()))
    );
}

#[test]
fn deployment_values_are_found_in_every_syntax() {
    let text = "OTEL_SERVICE_NAME=llm-edge-agent\nENV OTEL_SERVICE_NAME llm-edge-proxy\n  OTEL_SERVICE_NAME: \"edge-agent\"\n- name: OTEL_SERVICE_NAME\n  value: llm-edge-cache\nOTEL_RESOURCE_ATTRIBUTES=deployment.environment=prod,service.name=llm-x\n# OTEL_SERVICE_NAME=commented\nOTEL_SERVICE_NAME=${NAME}\n";
    let found: Vec<String> = deployment_names(text)
        .into_iter()
        .map(|(r, v)| {
            assert_eq!(&text[r.start..r.end], v);
            v
        })
        .collect();
    assert_eq!(
        found,
        vec![
            "llm-edge-agent",
            "llm-edge-proxy",
            "edge-agent",
            "llm-edge-cache",
            "llm-x"
        ]
    );
}

/// The project a run would build for `root` now, its packages resolved.
fn project_of(root: &Path) -> Project {
    let discovery = discover(
        &[root.to_path_buf()],
        &DiscoverOptions {
            config_override: None,
        },
    );
    let mut project = discovery.projects.into_iter().next().unwrap().project;
    project.resolve_packages().unwrap();
    project
}

#[test]
fn package_facts_are_computed_once_per_package_and_run() {
    let dir = tempfile::tempdir().unwrap();
    let root: PathBuf = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        // Sites count in a package with OpenTelemetry (without it, only export configs do).
        "[package]\nname = \"llm-edge-proxy\"\nversion = \"0.1.0\"\n\n[dependencies]\nopentelemetry = \"0.26\"\n",
    )
    .unwrap();
    let lib = root.join("src/lib.rs");
    std::fs::write(&lib, "pub mod telemetry;\nuse opentelemetry::KeyValue;\npub fn r() -> KeyValue {\n    KeyValue::new(\"service.name\", telemetry::SERVICE_NAME)\n}\n").unwrap();
    std::fs::write(
        root.join("src/telemetry.rs"),
        "pub const SERVICE_NAME: &str = \"llm-edge-proxy\";\n",
    )
    .unwrap();
    let facts_of =
        |project: &Project| facts::of_package(project, &project.packages[0], &naming_of(project));

    let run = project_of(&root);
    let first = facts_of(&run);
    assert!(first.has_flows());
    // The site goes away on disk: this run keeps what it computed, the next run sees it.
    std::fs::write(&lib, "pub mod telemetry;\n").unwrap();
    assert!(Arc::ptr_eq(&first, &facts_of(&run)));
    assert!(!facts_of(&project_of(&root)).has_flows());
}

#[test]
fn export_configs_are_named_so_or_have_an_endpoint_beside_the_name() {
    use super::defaults::is_export_config;
    let fields = |fs: &[&str]| fs.iter().map(|f| f.to_string()).collect::<Vec<_>>();
    let name_only = fields(&["service_name"]);
    for strukt in [
        "OtlpConfig",
        "TelemetrySettings",
        "OtelExportConfig",
        "OTLPSettings",
    ] {
        assert!(is_export_config(strukt, &name_only), "{strukt}");
    }
    for endpoint in [
        "endpoint",
        "otlp_endpoint",
        "collector_url",
        "metrics_addr",
        "address",
    ] {
        assert!(
            is_export_config("AppConfig", &fields(&["service_name", endpoint])),
            "{endpoint}"
        );
    }
    // Data-model rows and plain settings: no telling name, no endpoint.
    assert!(!is_export_config(
        "UsageRecord",
        &fields(&["service_name", "tenant_id", "tokens"])
    ));
    assert!(!is_export_config(
        "SpanRow",
        &fields(&["service_name", "trace_id", "duration_ms"])
    ));
    assert!(!is_export_config("OtelSpan", &name_only));
    assert!(!is_export_config(
        "ServiceConfig",
        &fields(&["service_name", "hostname"])
    ));
}

#[test]
fn a_file_may_declare_an_export_config_only_with_a_struct_holding_the_field() {
    let declares = [
        "mod config { pub struct OtlpSettings { pub service_name: String } }",
        "fn f() { struct Telemetry<T> where T: Clone { service_name: T, x: u8 } }",
        "macro_rules! m { () => { struct Settings { #[serde(default)] service_name: String, collector_url: String } } }",
        "pub struct Exporter { service_name: std::string::String, endpoint: Option<String> }",
    ];
    for text in declares {
        assert!(facts::may_declare_export_config(text), "{text}");
    }
    let does_not = [
        // A data model's column, a struct literal, a tuple struct, a field of another name.
        "pub struct Span { pub service_name: String, pub duration_ns: u64 }",
        "fn f() -> OtlpSettings { OtlpSettings { service_name: n(), endpoint: e() } }",
        "struct OtlpName(String); fn service_name() {}",
        "struct OtlpSettings { name: String, endpoint: String }",
    ];
    for text in does_not {
        assert!(!facts::may_declare_export_config(text), "{text}");
    }
}
