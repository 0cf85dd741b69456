//! The compiler is the judge: every `tests/compile/<transform>/<case>/` is a small project on
//! the OLD versions. The test migrates a copy with all transforms and runs `cargo check` on it
//! against the real target crates from the registry (one shared target directory, so the
//! OpenTelemetry crates build once). It needs the network on a cold cache and fails loudly
//! without it — it never skips. A second migration of the migrated copy must change nothing.
//! `OTEL_MIGRATE_COMPILE_FILTER=<substring>` narrows the run.
//!
//! Each case is still checked alone on its own manifest (one workspace would unify features
//! and hide a missing one), but two at a time, and resolved offline first: see [`JOBS`] and
//! [`resolve`].

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

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

/// Cases checked at a time (`OTEL_MIGRATE_COMPILE_JOBS` overrides). A warm case spends most of
/// its time resolving (network round trips to the registry index, under cargo's package-cache
/// lock) and a cold one building (under the target directory's lock): two cases overlap one's
/// resolution with the other's build.
const JOBS: usize = 2;

fn cargo(project: &Path, args: &[&str]) -> Result<(), String> {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/compile-check");
    let out = Command::new(env!("CARGO"))
        .current_dir(project)
        .env("CARGO_TARGET_DIR", &target)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Writes the case's lockfile, offline when the crates it needs are already downloaded (half
/// the time of an online resolution, which revalidates every index file): on a fresh machine
/// these are the newest versions, which earlier cases resolved online. A crate not downloaded
/// yet fails the offline resolution, and the case resolves online.
fn resolve(project: &Path) -> Result<(), String> {
    if project.join("Cargo.lock").is_file() {
        return Ok(());
    }
    cargo(project, &["generate-lockfile", "--offline", "--quiet"])
        .or_else(|_| cargo(project, &["generate-lockfile", "--quiet"]))
}

pub fn cargo_check(project: &Path, all_features: bool) -> Result<(), String> {
    resolve(project)?;
    let mut args = vec!["check", "--all-targets", "--quiet"];
    if all_features {
        args.push("--all-features");
    }
    cargo(project, &args)
}

#[test]
fn migrated_programs_compile_against_the_target_crates() {
    let cases = cases();
    let jobs = std::env::var("OTEL_MIGRATE_COMPILE_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(JOBS)
        .max(1);
    let next = AtomicUsize::new(0);
    let failures_by_case = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(case) = cases.get(i) else { break };
                let failures = check_case(case);
                failures_by_case.lock().unwrap().push((i, failures));
            });
        }
    });
    // In the cases' order, whichever worker checked them.
    let mut failures_by_case = failures_by_case.into_inner().unwrap();
    failures_by_case.sort();
    let failures: Vec<String> = failures_by_case.into_iter().flat_map(|(_, f)| f).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Migrates a copy of `case`, migrates it again (nothing may change) and checks it; returns
/// what went wrong.
fn check_case(case: &Path) -> Vec<String> {
    let mut failures = Vec::new();
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
    failures
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
