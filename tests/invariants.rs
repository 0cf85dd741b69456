//! Meta-tests on the registry and the fixture tree (clippy's missing-test-files, ruff's
//! rule tests): every transform is documented and has positive and negative fixtures, every
//! fixture and snapshot belongs to a registered transform and an existing case, and files
//! without telemetry in the demo repositories are never touched.

mod support;

use std::collections::BTreeSet;

use otel_migrate::engine::pipeline::{self, RunOptions};
use otel_migrate::transforms;
use support::{all_cases, fixtures_dir};

#[test]
fn ids_are_unique_kebab_case_and_documented() {
    let mut seen = BTreeSet::new();
    for t in transforms::all() {
        let id = t.id();
        assert!(seen.insert(id), "duplicate id {id}");
        assert!(
            id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{id} is not kebab-case"
        );
        let doc = transforms::documentation(id).unwrap_or_default();
        assert!(
            doc.contains(id),
            "{id}: the file's //! doc must start with its id"
        );
        for section in [
            "## What it does",
            "## Before",
            "## After",
            "## Not rewritten",
            "## Safety",
        ] {
            assert!(doc.contains(section), "{id}: //! doc lacks `{section}`");
        }
        assert!(
            !t.description().is_empty() && !t.description().contains('\n'),
            "{id}: one-line description"
        );
    }
}

#[test]
fn every_transform_has_positive_and_negative_fixtures() {
    let cases = all_cases();
    for t in transforms::all() {
        let own: Vec<_> = cases.iter().filter(|c| c.transform == t.id()).collect();
        assert!(
            own.iter().any(|c| !c.is_negative()),
            "{}: no positive fixture in fixtures/{}/",
            t.id(),
            t.id()
        );
        assert!(
            own.iter().any(|c| c.is_negative()),
            "{}: no negative (near miss) fixture `negative_*`",
            t.id()
        );
    }
}

#[test]
fn no_orphan_fixture_dirs_or_snapshots() {
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() && name != "repos" {
            assert!(
                transforms::find(&name).is_some(),
                "fixtures/{name}/ belongs to no registered transform"
            );
        }
    }
    let names: BTreeSet<String> = all_cases().iter().map(|c| c.snapshot_name()).collect();
    let snapshots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots");
    for entry in std::fs::read_dir(snapshots).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(stem) = file.strip_suffix(".snap") {
            assert!(names.contains(stem), "snapshots/{file} has no fixture case");
        }
    }
}

/// An independent text search (not the tool's prefilter) for telemetry use.
fn uses_telemetry(text: &str) -> bool {
    text.contains("opentelemetry")
        || text.contains("metrics")
        || text.contains("otlp")
        || text.contains("jaeger")
}

#[test]
fn demo_repositories_change_only_telemetry_files() {
    let result = pipeline::run(
        transforms::all(),
        &RunOptions {
            paths: vec![fixtures_dir().join("repos")],
            ..RunOptions::default()
        },
    );
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    assert!(
        result.files_scanned > 40,
        "scanned only {}",
        result.files_scanned
    );
    for f in result.files.iter().filter(|f| f.changed()) {
        assert!(
            uses_telemetry(&f.original),
            "{} has no telemetry use but was changed",
            f.path.display()
        );
    }
}
