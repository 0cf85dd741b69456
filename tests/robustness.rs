//! Robustness on real code nobody wrote for this tool (issue 10), bounded for CI: the sources of
//! every crate in the dependency graph of `tests/robustness/Cargo.toml` (opentelemetry 0.21,
//! 0.26, 0.27, the SDKs, opentelemetry-otlp 0.14/0.26/0.27, opentelemetry-jaeger 0.20, metrics
//! 0.21/0.24 and what they pull in), pinned by its committed Cargo.lock and `cargo fetch`ed into
//! the registry, plus the demo repositories. A COPY is migrated with every transform: 0 panics,
//! 0 unparsable outputs, 0 changes to files without telemetry, 0 changed bytes outside edits,
//! idempotent, and minimum counts so an empty run cannot pass. Needs the network on a cold
//! cache and fails loudly without it. The whole registry: `scripts/robustness.sh`.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::robustness::{check_tree, copy_tree};

fn corpus_manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/robustness/Cargo.toml")
}

/// The source directories of the corpus packages, fetched into the registry.
fn corpus_packages() -> Vec<(String, PathBuf)> {
    let manifest = corpus_manifest();
    let fetch = Command::new(env!("CARGO"))
        .args(["fetch", "--locked", "--manifest-path"])
        .arg(&manifest)
        .output()
        .expect("cannot run cargo");
    assert!(
        fetch.status.success(),
        "`cargo fetch` of the robustness corpus failed (this test needs the network on a cold \
         registry cache; it never skips):\n{}",
        String::from_utf8_lossy(&fetch.stderr)
    );
    let meta = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--offline",
            "--manifest-path",
        ])
        .arg(&manifest)
        .output()
        .expect("cannot run cargo");
    assert!(
        meta.status.success(),
        "cargo metadata failed:\n{}",
        String::from_utf8_lossy(&meta.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&meta.stdout).unwrap();
    let mut out: Vec<(String, PathBuf)> = json["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["source"].is_string())
        // windows-sys and friends are 40 MB of generated bindings: no signal, most of the time.
        .filter(|p| !p["name"].as_str().unwrap().starts_with("windows"))
        .map(|p| {
            let id = format!(
                "{}-{}",
                p["name"].as_str().unwrap(),
                p["version"].as_str().unwrap()
            );
            let dir = Path::new(p["manifest_path"].as_str().unwrap())
                .parent()
                .unwrap()
                .to_path_buf();
            (id, dir)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn real_crates_and_demo_repositories_are_never_corrupted() {
    let packages = corpus_packages();
    for pinned in [
        "opentelemetry-0.21.0",
        "opentelemetry-0.26.0",
        "opentelemetry-0.27.1",
        "opentelemetry-otlp-0.14.0",
        "opentelemetry-otlp-0.26.0",
        "opentelemetry-jaeger-0.20.0",
        "opentelemetry_sdk-0.21.2",
        "metrics-0.21.1",
        "metrics-0.24.2",
    ] {
        assert!(
            packages.iter().any(|(id, _)| id == pinned),
            "{pinned} missing from the corpus"
        );
    }
    // Work on a copy: the registry is never written.
    let tmp = tempfile::tempdir().unwrap();
    let tree = tmp.path().join("tree");
    for (id, dir) in &packages {
        copy_tree(dir, &tree.join(id));
    }
    let repos = support::fixtures_dir().join("repos");
    for unit in support::robustness::units_of(&repos) {
        copy_tree(
            &unit,
            &tree.join(format!(
                "repo-{}",
                unit.file_name().unwrap().to_string_lossy()
            )),
        );
    }
    let counts = check_tree(&tree);
    eprintln!(
        "robustness (bounded corpus, {} crates + demo repositories):\n{counts}",
        packages.len()
    );
    let violations = counts.violations();
    assert!(violations.is_empty(), "{}", violations.join("\n\n"));
    // Floors well below what this corpus gives (150 units, 5329 files scanned, 477 telemetry
    // files, 292 parsed (213 before the residue scan, which reads every file of an old package
    // that names a table item), 100 changed, 779 edits; 1085 were parsed before transforms were
    // gated on their packages' dependencies and texts, with the same changes): an empty or
    // prefiltered-away run cannot pass.
    assert!(counts.units >= 100, "only {} units", counts.units);
    assert!(
        counts.files_scanned >= 3_000,
        "scanned only {}",
        counts.files_scanned
    );
    assert!(
        counts.telemetry_files >= 300,
        "only {} telemetry files",
        counts.telemetry_files
    );
    assert!(
        counts.files_parsed >= 150,
        "parsed only {}",
        counts.files_parsed
    );
    assert!(
        counts.files_changed >= 50,
        "changed only {}",
        counts.files_changed
    );
    // The independent old-item detector (every line it finds left has a finding, checked
    // above as a violation) must see old items at all: it cannot pass on nothing. Once the
    // old SDKs' own `global::handle_error(..)` calls were migrated, few lines are left (6 of the
    // 133 it sees before), so what it sees in the original text is the measure, and something
    // must still be left.
    assert!(
        counts.old_item_lines_before >= 100,
        "the old-item detector saw only {} lines before migration",
        counts.old_item_lines_before
    );
    assert!(
        counts.old_item_lines >= 1,
        "the old-item detector saw no line left: the finding check ran on nothing"
    );
}
