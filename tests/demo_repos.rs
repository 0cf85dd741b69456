//! The demo repositories after migration resolve: every transform is applied to a copy of each
//! of `fixtures/repos/*`, then `cargo metadata --format-version 1` must succeed there and the
//! resolved graph must hold a single version of every OpenTelemetry crate (what
//! `cargo tree -d` would show). Needs the crates.io registry (a cold cache downloads the
//! graphs); without it the test fails loudly, it never skips. Prints how long it took.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use otel_migrate::engine::pipeline::{self, RunOptions};
use otel_migrate::transforms;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn repos() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/repos");
    let mut out: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    out.sort();
    out
}

/// Resolved packages whose name belongs to the OpenTelemetry family → their versions.
fn otel_versions(metadata: &serde_json::Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in metadata["packages"].as_array().into_iter().flatten() {
        let name = p["name"].as_str().unwrap_or_default();
        if name.starts_with("opentelemetry") || name == "tracing-opentelemetry" {
            out.entry(name.to_string())
                .or_default()
                .insert(p["version"].as_str().unwrap_or_default().to_string());
        }
    }
    out
}

#[test]
fn migrated_demo_repositories_resolve_with_one_opentelemetry() {
    let repos = repos();
    assert_eq!(repos.len(), 6, "expected the six demo repositories");
    let started = std::time::Instant::now();
    let mut failures = Vec::new();
    for repo in &repos {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join(repo.file_name().unwrap());
        copy_dir(repo, &project);
        let result = pipeline::run(
            transforms::all(),
            &RunOptions {
                paths: vec![project.clone()],
                ..RunOptions::default()
            },
        );
        assert!(result.errors.is_empty(), "{:?}", result.errors);
        for f in result.files.iter().filter(|f| f.changed()) {
            std::fs::write(&f.path, f.output()).unwrap();
        }
        let one = std::time::Instant::now();
        let out = Command::new(env!("CARGO"))
            .current_dir(&project)
            .args(["metadata", "--format-version", "1"])
            .output()
            .expect("cannot run cargo");
        let name = repo.file_name().unwrap().to_string_lossy().into_owned();
        if !out.status.success() {
            failures.push(format!(
                "{name}: cargo metadata failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for (krate, versions) in otel_versions(&metadata) {
            if versions.len() > 1 {
                failures.push(format!("{name}: several versions of {krate}: {versions:?}"));
            }
            if krate == "opentelemetry" && versions.iter().any(|v| !v.starts_with("0.27.")) {
                failures.push(format!("{name}: opentelemetry resolved to {versions:?}"));
            }
        }
        eprintln!("demo repos: {name} resolved in {:.1?}", one.elapsed());
    }
    eprintln!(
        "demo repos: migrated and resolved all {} in {:.1?}",
        repos.len(),
        started.elapsed()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
