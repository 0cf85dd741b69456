//! One project through a run, as a few named steps: decide which transforms are enabled and
//! which apply to each package (the plans), read and gate the Rust files (collecting usage facts
//! and orphan notes), read the manifests and deployment files, run every file that passed in
//! parallel, then gather the results and the project-wide notes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::engine::config::{Config, CONFIG_FILE};
use crate::engine::context::{names_telemetry_crate, PackageInfo, Project, RunScope, RunScopeOf};
use crate::engine::discover::ProjectFiles;
use crate::engine::finding::{Finding, Severity};
use crate::engine::source::SourceFile;
use crate::engine::timings;
use crate::engine::transform::{FileKind, Transform};

use super::file::{run_file, FileInput, FileRun};
use super::plan::{needles_of, Plans};
use super::read::{read_file, Gate, Read};
use super::suppress::is_suppressed;
use super::undeclared::Undeclared;
use super::{Registry, RunOptions, RunResult};

/// The id of the engine's own findings (`allow(engine)` suppresses them).
const ENGINE: &str = "engine";

/// A file that passed the gates: its path, its text (`None`: read again when it runs, so a
/// project's Rust files are not all held at once) and its package index.
type Input = (PathBuf, Option<String>, Option<usize>);

/// How many Rust files are read at once by the gate: enough to keep both cores busy, few
/// enough that their texts are not a big project's whole source.
const READ_CHUNK: usize = 64;

pub(super) fn run_project(registry: &Registry, pf: ProjectFiles, opts: &RunOptions) -> RunResult {
    let ProjectFiles {
        mut project,
        manifests,
        rust_files,
        deployment_files,
    } = pf;
    let (manifests, rust_files, deployment_files) = (
        manifests.to_vec(),
        rust_files.to_vec(),
        deployment_files.to_vec(),
    );
    let mut result = RunResult {
        files_scanned: manifests.len() + rust_files.len(),
        ..RunResult::default()
    };
    if project.config_error.is_some() {
        // The error is already reported; migrating with a config the user did not mean is worse.
        return result;
    }
    if let Err(errors) = timings::time("resolve packages", || project.resolve_packages()) {
        result.errors.extend(errors);
        return result;
    }
    let scope = RunScopeOf {
        paths: opts
            .paths
            .iter()
            .filter_map(|p| std::path::absolute(p).and_then(|p| p.canonicalize()).ok())
            .collect(),
        disabled: opts.disabled.clone(),
    };
    let _ = project.state.get::<RunScope>().0.set(scope);
    let config = project
        .config
        .clone()
        .merged_with_cli(&opts.only, &opts.skip, opts.include_orphans)
        .with_target(opts.target.as_deref())
        .with_rustfmt(opts.rustfmt);
    if let Some(e) = registry.iter().find_map(|t| t.check_config(&config).err()) {
        result.errors.push((project.root.join(CONFIG_FILE), e));
        return result;
    }
    let enabled: Vec<&'static dyn Transform> = registry
        .iter()
        .copied()
        .filter(|t| config.is_enabled(t.id()) && t.enabled_by(&config))
        .collect();
    let plans = timings::time("plans", || Plans::new(&enabled, &project));
    // Rust files first: their usage facts feed the manifest transforms.
    let rust = timings::time("read and gate", || {
        read_rust_files(
            &mut project,
            &plans,
            &enabled,
            &config,
            &rust_files,
            &mut result,
        )
    });
    let manifests = timings::time("read manifests", || {
        read_manifests(&plans, &enabled, &manifests, &mut result)
    });
    let deployment = timings::time("read deployment files", || {
        read_deployment_files(&plans, &enabled, &deployment_files, &mut result)
    });

    let inputs = manifests
        .into_par_iter()
        .map(|i| (i, FileKind::Manifest))
        .chain(rust.into_par_iter().map(|i| (i, FileKind::Rust)))
        .chain(
            deployment
                .into_par_iter()
                .map(|i| (i, FileKind::Deployment)),
        );
    let runs: Vec<(FileKind, FileRun)> = inputs
        .map(|((path, text, package), kind)| {
            let text = match text.map_or_else(|| read_again(&path), Ok) {
                Ok(text) => text,
                Err(message) => return (kind, FileRun::Failed { path, message }),
            };
            let package_info = package.map(|i| &project.packages[i]);
            let transforms =
                without_disabled(&plans.of(package).transforms, package_info, &path, opts);
            let input = FileInput {
                project: &project,
                package: package_info,
                config: &config,
                transforms: &transforms,
                path: &path,
                kind,
            };
            let run = run_file(&input, text);
            // Spans of this file are dead now; release proc-macro2's source map so memory
            // stays flat over big trees.
            proc_macro2::extra::invalidate_current_thread_spans();
            (kind, run)
        })
        .collect();
    gather(runs, &mut result);
    // A pipeline may read a service name another file of its package renames.
    crate::engine::ledger::follow_renames_across(&mut result.ledger, |path| {
        project.package_for(path).map(|p| p.manifest_path.clone())
    });
    if let Some(note) = lockfile_note(&project, &result) {
        result.findings.push(note);
    }
    result
}

/// The text of a Rust file that passed the gate, read when it runs.
fn read_again(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read file: {e}"))
}

/// The plan's transforms less those the run disabled for this file's package (or, outside
/// every package, for this file).
fn without_disabled(
    transforms: &[&'static dyn Transform],
    package: Option<&PackageInfo>,
    path: &Path,
    opts: &RunOptions,
) -> Vec<&'static dyn Transform> {
    let key = package.map_or(path, |p| p.manifest_path.as_path());
    match opts.disabled.get(key) {
        Some(off) => transforms
            .iter()
            .copied()
            .filter(|t| !off.contains(t.id()))
            .collect(),
        None => transforms.to_vec(),
    }
}

/// Reads the Rust files through their package's needles, a chunk at a time; scans those of
/// telemetry packages for usage facts; keeps the paths of the ones a transform may want (their
/// texts are read again when they run). Files outside any package are skipped with one note
/// per directory unless orphans are included.
fn read_rust_files(
    project: &mut Project,
    plans: &Plans,
    enabled: &[&'static dyn Transform],
    config: &Config,
    paths: &[PathBuf],
    result: &mut RunResult,
) -> Vec<Input> {
    let mut inputs = Vec::new();
    let mut orphans = OrphanNotes::default();
    let texts = paths.chunks(READ_CHUNK).flat_map(|chunk| {
        chunk
            .par_iter()
            .map(|p| {
                let package = plans.dirs.package_of(p);
                let gate = &plans.of(package).read_gate;
                let read = if gate.is_empty() {
                    Read::Skipped
                } else {
                    read_file(p, gate)
                };
                (p.clone(), package, read)
            })
            .collect::<Vec<_>>()
    });
    for (path, package, read) in texts {
        let text = match read {
            Read::Text(text) => text,
            Read::Skipped => continue,
            Read::Error(e) => {
                result.errors.push((path, e));
                continue;
            }
        };
        if let Some(i) = package {
            project.packages[i].files_read.push(path.clone());
        }
        let plan = plans.of(package);
        if project.has_manifests() && package.is_none() {
            let dir = path.parent().unwrap_or(&path).to_path_buf();
            if !config.include_orphans {
                if plans.orphan_gate.finds(text.as_bytes()) {
                    orphans.skipped.insert(dir);
                }
                continue;
            }
            orphans.note_version_blind(dir, enabled, &text);
        }
        if let Some(i) = package {
            warn_undeclared(project, &plan.undeclared, i, config, &path, &text, result);
        }
        if let Some(i) = package.filter(|_| plan.wants_usage) {
            project.packages[i].usage.scan(&text);
        }
        if plan.rust_gate.finds(text.as_bytes()) {
            inputs.push((path, None, package));
        }
    }
    result.findings.extend(orphans.into_findings());
    inputs
}

/// The gate's warnings for a file that names a crate its package does not declare.
fn warn_undeclared(
    project: &Project,
    undeclared: &Undeclared,
    package: usize,
    config: &Config,
    path: &Path,
    text: &str,
    result: &mut RunResult,
) {
    let pkg = &project.packages[package];
    let dir = project.relative(&pkg.dir).display().to_string();
    let dir = if dir.is_empty() { ".".to_string() } else { dir };
    let raw = undeclared.findings(text, pkg, &dir);
    if raw.is_empty() {
        return;
    }
    let file = SourceFile::new(path, text.to_string());
    let mut shown = false;
    for r in raw {
        let finding = Finding::located(&file, path, ENGINE, r);
        if is_suppressed(&file, &finding, project, config) {
            result.suppressed += 1;
        } else {
            result.findings.push(finding);
            shown = true;
        }
    }
    if shown {
        result.sources.push((path.to_path_buf(), text.to_string()));
    }
}

/// What the walk found outside every package, said once per directory.
#[derive(Default)]
struct OrphanNotes {
    /// Directories of skipped orphan files that use telemetry.
    skipped: BTreeSet<PathBuf>,
    /// Directories of included orphan files, with the transforms that need a package's
    /// versions and so left them alone.
    version_blind: BTreeMap<PathBuf, BTreeSet<&'static str>>,
}

impl OrphanNotes {
    fn note_version_blind(&mut self, dir: PathBuf, enabled: &[&'static dyn Transform], text: &str) {
        for t in enabled {
            if !t.applies_to(None) && t.scans(FileKind::Rust) && t.has_needle(text) {
                self.version_blind
                    .entry(dir.clone())
                    .or_default()
                    .insert(t.id());
            }
        }
    }

    fn into_findings(self) -> Vec<Finding> {
        let mut findings = Vec::new();
        for (dir, ids) in self.version_blind {
            let ids: Vec<&str> = ids.into_iter().collect();
            findings.push(
                Finding::about_path(
                    &dir,
                    ENGINE,
                    Severity::Note,
                    format!("not part of any package: included, but these transforms need a package's dependency versions and left the files alone: {}", ids.join(", ")),
                )
                .with_suggestion("add these files to a package (or give them a Cargo.toml) so the versions they are written against are known"),
            );
        }
        for dir in self.skipped {
            findings.push(
                Finding::about_path(&dir, ENGINE, Severity::Note, "not part of any package: skipped")
                    .with_suggestion("these files use telemetry APIs but no Cargo package contains them; pass --include-orphans to migrate them too"),
            );
        }
        findings
    }
}

/// The manifests that name a telemetry crate and contain a manifest transform's needle.
fn read_manifests(
    plans: &Plans,
    enabled: &[&'static dyn Transform],
    paths: &[PathBuf],
    result: &mut RunResult,
) -> Vec<Input> {
    let gate = Gate::new(&needles_of(enabled, FileKind::Manifest));
    paths
        .iter()
        .filter_map(|p| match read_file(p, &gate) {
            Read::Text(t) if names_telemetry_crate(&t) => {
                Some((p.clone(), Some(t), plans.dirs.package_of(p)))
            }
            Read::Error(e) => {
                result.errors.push((p.clone(), e));
                None
            }
            _ => None,
        })
        .collect()
}

/// Deployment files, read only when a transform scans them (findings only).
fn read_deployment_files(
    plans: &Plans,
    enabled: &[&'static dyn Transform],
    paths: &[PathBuf],
    result: &mut RunResult,
) -> Vec<Input> {
    if needles_of(enabled, FileKind::Deployment).is_empty() {
        return Vec::new();
    }
    result.files_scanned += paths.len();
    paths
        .iter()
        .filter_map(|p| {
            let package = plans.dirs.package_of(p);
            let gate = &plans.of(package).deployment_gate;
            if gate.is_empty() {
                return None;
            }
            match read_file(p, gate) {
                Read::Text(t) => Some((p.clone(), Some(t), package)),
                Read::Error(e) => {
                    result.errors.push((p.clone(), e));
                    None
                }
                Read::Skipped => None,
            }
        })
        .collect()
}

/// Files, findings and errors of the project's file runs into its result.
fn gather(runs: Vec<(FileKind, FileRun)>, result: &mut RunResult) {
    for (kind, run) in runs {
        match run {
            FileRun::Done {
                file,
                findings,
                suppressed,
                coverage,
                ledger,
            } => {
                result.coverage.add(&coverage);
                result.ledger.extend(ledger);
                // A deployment file is never changed: keep its text only for excerpts.
                if kind == FileKind::Deployment {
                    if !findings.is_empty() {
                        result.sources.push((file.path, file.original));
                    }
                } else {
                    result.files.push(*file);
                }
                result.findings.extend(findings);
                result.suppressed += suppressed;
            }
            FileRun::Failed { path, message } => result.errors.push((path, message)),
            FileRun::Skipped => {}
        }
    }
}

/// Cargo.lock is never edited: say once per project that `cargo update` refreshes it.
fn lockfile_note(project: &Project, result: &RunResult) -> Option<Finding> {
    let manifest_changed = result
        .files
        .iter()
        .any(|f| f.changed() && f.path.file_name().is_some_and(|n| n == "Cargo.toml"));
    // (The lock is only parsed for projects with telemetry dependencies: check the file too.)
    let has_lock = project.lockfile.is_some() || project.root.join("Cargo.lock").is_file();
    (manifest_changed && has_lock).then(|| {
        Finding::about_path(
            &project.root.join("Cargo.toml"),
            ENGINE,
            Severity::Note,
            "Cargo.lock was not edited: it still pins the old versions",
        )
        .with_suggestion(
            "run `cargo update` (or `cargo update -p <crate>` for each moved crate) to refresh it",
        )
    })
}
