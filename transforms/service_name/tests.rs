//! Unit tests of the parts that need no project: module paths, path resolution within a
//! crate, deployment-file values. The transform's behaviour is covered by the fixtures.

use std::collections::BTreeSet;
use std::path::Path;

use super::deployment::deployment_names;
use super::facts::{absolutize, module_path};

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
