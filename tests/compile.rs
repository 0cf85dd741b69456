//! The compiler is the judge: every `tests/compile/<transform>/<case>/` is a small project on
//! the OLD versions. The test migrates a copy with all transforms and runs `cargo check` on it
//! against the real target crates from the registry (one shared target directory, so the
//! OpenTelemetry crates build once). It needs the network on a cold cache and fails loudly
//! without it — it never skips. A second migration of the migrated copy must change nothing.
//! `OTEL_MIGRATE_COMPILE_FILTER=<substring>` narrows the run.

use std::path::{Path, PathBuf};
use std::process::Command;

use otel_migrate::engine::pipeline::{self, RunOptions};
use otel_migrate::transforms;

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compile");
    let mut out = Vec::new();
    let Ok(transforms) = std::fs::read_dir(&root) else {
        return out;
    };
    for t in transforms.flatten() {
        for case in std::fs::read_dir(t.path()).into_iter().flatten().flatten() {
            if case.path().join("Cargo.toml").is_file() {
                out.push(case.path());
            }
        }
    }
    out.sort();
    if let Ok(filter) = std::env::var("OTEL_MIGRATE_COMPILE_FILTER") {
        out.retain(|p| p.to_string_lossy().contains(&filter));
    }
    out
}

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

/// Migrates `project` in place with every transform; returns the findings of severity error.
pub fn migrate_in_place(project: &Path) -> Vec<String> {
    let result = pipeline::run(
        transforms::all(),
        &RunOptions {
            paths: vec![project.to_path_buf()],
            ..RunOptions::default()
        },
    );
    assert!(
        result.errors.is_empty(),
        "{}: {:?}",
        project.display(),
        result.errors
    );
    for f in result.files.iter().filter(|f| f.changed()) {
        std::fs::write(&f.path, f.output()).unwrap();
    }
    result
        .findings
        .iter()
        .filter(|f| f.severity == otel_migrate::engine::finding::Severity::Error)
        .map(|f| {
            format!(
                "{}:{}:{}: {}",
                f.path.display(),
                f.line,
                f.column,
                f.message
            )
        })
        .collect()
}

pub fn cargo_check(project: &Path, all_features: bool) -> Result<(), String> {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/compile-check");
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(project)
        .env("CARGO_TARGET_DIR", &target)
        .args(["check", "--all-targets", "--quiet"]);
    if all_features {
        cmd.arg("--all-features");
    }
    let out = cmd.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn migrated_programs_compile_against_the_target_crates() {
    let cases = cases();
    let mut failures = Vec::new();
    for case in &cases {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join(case.file_name().unwrap());
        copy_dir(case, &project);
        let errors = migrate_in_place(&project);
        if !errors.is_empty() {
            failures.push(format!(
                "{}: error findings after migration:\n{}",
                case.display(),
                errors.join("\n")
            ));
        }
        // Idempotence of the whole run (the snapshots check it per transform): a second
        // migration of the migrated project changes nothing.
        let again = pipeline::run(
            transforms::all(),
            &RunOptions {
                paths: vec![project.clone()],
                ..RunOptions::default()
            },
        );
        for f in again.files.iter().filter(|f| f.changed()) {
            failures.push(format!(
                "{}: a second migration changes {}:\n{}",
                case.display(),
                f.path.display(),
                otel_migrate::engine::diff::unified("x", &f.original, f.output())
            ));
        }
        let after = project.join("after.toml");
        if after.is_file() {
            std::fs::rename(&after, project.join("Cargo.toml")).unwrap();
        }
        let manifest = std::fs::read_to_string(project.join("Cargo.toml")).unwrap();
        let has_features = manifest.contains("[features]");
        let started = std::time::Instant::now();
        for all_features in [false, true].into_iter().filter(|&a| !a || has_features) {
            if let Err(e) = cargo_check(&project, all_features) {
                let sources: String = walk_rs(&project)
                    .iter()
                    .map(|p| {
                        format!(
                            "--- {}\n{}\n",
                            p.display(),
                            std::fs::read_to_string(p).unwrap()
                        )
                    })
                    .collect();
                failures.push(format!(
                    "{} (all-features: {all_features}) does not compile:\n{e}\n{sources}",
                    case.display()
                ));
            }
        }
        eprintln!(
            "compile: {} checked in {:.1?}",
            case.display(),
            started.elapsed()
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn walk_rs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk_rs(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}
