//! The robustness check over real code nobody wrote for this tool (issue 10): each unit (a crate
//! source directory, a demo repository) of a tree is migrated in process with every transform;
//! a panic, an output that does not parse, a change to a file that does not use OpenTelemetry or
//! `metrics` (decided by [`uses_telemetry`], a text search independent of the tool's prefilter),
//! a changed byte outside the reported edits, or a second run that changes a file again is a
//! violation. Shared by `tests/robustness.rs` (a bounded subset) and `examples/robustness.rs`
//! (the whole registry). The tree it is given must be a COPY: outputs are written into it.

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use otel_migrate::engine::pipeline::{self, FileResult, RunOptions, RunResult};
use otel_migrate::engine::source::SourceFile;
use otel_migrate::transforms;

/// Counts and violations of one robustness run.
#[derive(Debug, Default, Clone)]
pub struct Counts {
    pub units: usize,
    /// Files the walk found (manifests and `.rs`).
    pub files_scanned: usize,
    /// `.rs` files whose text contains `opentelemetry` or a `metrics` word (independent search).
    pub telemetry_files: usize,
    /// Files the transforms ran on (past the prefilter, parsed).
    pub files_parsed: usize,
    pub files_changed: usize,
    pub edits: usize,
    pub findings: usize,
    /// Files the engine left untouched with an error (syntax errors in the corpus, non-UTF-8).
    pub file_errors: usize,
    pub bytes_scanned: u64,
    pub panics: Vec<String>,
    pub unparsable: Vec<String>,
    pub changed_without_telemetry: Vec<String>,
    pub changed_outside_edits: Vec<String>,
    pub not_idempotent: Vec<String>,
    /// Lines the independent old-item detector ([`super::old_items`]) found in the original
    /// text of packages on old versions (what it can see at all).
    pub old_item_lines_before: usize,
    /// Lines the independent old-item detector ([`super::old_items`]) found in the migrated
    /// text of packages on old versions.
    pub old_item_lines: usize,
    /// Those of them with no finding.
    pub unreported_old_items: Vec<String>,
}

impl Counts {
    pub fn violations(&self) -> Vec<String> {
        let mut v = Vec::new();
        for (what, list) in [
            ("panic", &self.panics),
            ("unparsable output", &self.unparsable),
            (
                "changed a file without telemetry",
                &self.changed_without_telemetry,
            ),
            ("changed bytes outside edits", &self.changed_outside_edits),
            ("not idempotent", &self.not_idempotent),
            (
                "old item left without a finding",
                &self.unreported_old_items,
            ),
        ] {
            v.extend(list.iter().map(|m| format!("{what}: {m}")));
        }
        v
    }

    pub fn merge(&mut self, other: Counts) {
        self.units += other.units;
        self.files_scanned += other.files_scanned;
        self.telemetry_files += other.telemetry_files;
        self.files_parsed += other.files_parsed;
        self.files_changed += other.files_changed;
        self.edits += other.edits;
        self.findings += other.findings;
        self.file_errors += other.file_errors;
        self.bytes_scanned += other.bytes_scanned;
        self.panics.extend(other.panics);
        self.unparsable.extend(other.unparsable);
        self.changed_without_telemetry
            .extend(other.changed_without_telemetry);
        self.changed_outside_edits
            .extend(other.changed_outside_edits);
        self.not_idempotent.extend(other.not_idempotent);
        self.old_item_lines_before += other.old_item_lines_before;
        self.old_item_lines += other.old_item_lines;
        self.unreported_old_items.extend(other.unreported_old_items);
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "| metric | count |")?;
        writeln!(f, "|---|---:|")?;
        for (name, n) in [
            ("units (crates, repositories)", self.units),
            ("files scanned (.rs + Cargo.toml)", self.files_scanned),
            ("MB scanned", (self.bytes_scanned / 1_000_000) as usize),
            (
                "files using OpenTelemetry/metrics (text search)",
                self.telemetry_files,
            ),
            ("files parsed by the transforms", self.files_parsed),
            ("files changed", self.files_changed),
            ("edits", self.edits),
            ("findings", self.findings),
            ("files left untouched with an error", self.file_errors),
            ("panics", self.panics.len()),
            ("unparsable outputs", self.unparsable.len()),
            (
                "changed files without telemetry",
                self.changed_without_telemetry.len(),
            ),
            (
                "changed bytes outside edits",
                self.changed_outside_edits.len(),
            ),
            ("not idempotent", self.not_idempotent.len()),
            (
                "old-item lines before (independent detector)",
                self.old_item_lines_before,
            ),
            (
                "old-item lines left (independent detector)",
                self.old_item_lines,
            ),
            (
                "old-item lines left without a finding",
                self.unreported_old_items.len(),
            ),
        ] {
            writeln!(f, "| {name} | {n} |")?;
        }
        Ok(())
    }
}

/// Whether a file uses OpenTelemetry or `metrics`, by a plain text search that shares nothing
/// with the tool's needles: `opentelemetry` anywhere (crate names, paths, feature names), or
/// `metrics`/`otel`/`otlp`/`jaeger` as a whole word.
pub fn uses_telemetry(text: &str) -> bool {
    text.contains("opentelemetry")
        || ["metrics", "otel", "otlp", "jaeger"]
            .iter()
            .any(|w| has_word(text, w))
}

fn has_word(text: &str, word: &str) -> bool {
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = text.as_bytes();
    text.match_indices(word).any(|(i, _)| {
        let before = i.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(i + word.len()).copied();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// The immediate subdirectories of `tree`, sorted: the units the check runs one by one.
pub fn units_of(tree: &Path) -> Vec<PathBuf> {
    let mut units: Vec<PathBuf> = std::fs::read_dir(tree)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", tree.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    units.sort();
    units
}

/// Copies a directory tree (regular files and directories; symlinks are skipped so a copy
/// never points back into the original).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        let ty = entry.file_type().unwrap();
        if ty.is_dir() {
            copy_tree(&entry.path(), &target);
        } else if ty.is_file() {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn run_all(path: &Path) -> Result<RunResult, String> {
    catch_unwind(AssertUnwindSafe(|| {
        pipeline::run(
            transforms::all(),
            &RunOptions {
                paths: vec![path.to_path_buf()],
                // Loose example and test files of a crate are still real inputs.
                include_orphans: true,
                ..RunOptions::default()
            },
        )
    }))
    .map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "non-string panic".to_string())
    })
}

fn output_parses(f: &FileResult) -> Result<(), String> {
    if f.path.extension().is_some_and(|e| e == "rs") {
        SourceFile::new(&f.path, f.output().to_string())
            .parse_rust()
            .map(|_| ())
            .map_err(|e| e.to_string())
    } else {
        f.output()
            .parse::<toml_edit::DocumentMut>()
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// Checks one unit: run, check the outputs, write them, run again.
pub fn check_unit(unit: &Path) -> Counts {
    let mut c = Counts {
        units: 1,
        ..Counts::default()
    };
    let name = unit.display().to_string();
    let first = match run_all(unit) {
        Ok(r) => r,
        Err(p) => {
            c.panics.push(format!("{name}: {p}"));
            return c;
        }
    };
    c.files_scanned = first.files_scanned;
    c.findings = first.findings.len();
    c.file_errors = first.errors.len();
    c.files_parsed = first.files.len();
    detect_old_items(unit, &first, &mut c);
    for f in first.files.iter().filter(|f| f.changed()) {
        let file = f.path.display();
        c.files_changed += 1;
        c.edits += f.edits.iter().map(|(_, n)| n).sum::<usize>();
        if let Err(e) = output_parses(f) {
            c.unparsable.push(format!("{file}: {e}"));
        }
        if !uses_telemetry(&f.original) {
            c.changed_without_telemetry.push(file.to_string());
        }
        c.changed_outside_edits.extend(
            super::changed_outside_edits(f)
                .into_iter()
                .chain(super::line_ending_violations(&f.original, f.output()))
                .map(|m| format!("{file}: {m}")),
        );
        std::fs::write(&f.path, f.output()).unwrap();
    }
    if c.files_changed > 0 {
        match run_all(unit) {
            Ok(second) => {
                for f in second.files.iter().filter(|f| f.changed()) {
                    c.not_idempotent.push(format!(
                        "{}:\n{}",
                        f.path.display(),
                        otel_migrate::engine::diff::unified("second run", &f.original, f.output())
                    ));
                }
            }
            Err(p) => c.panics.push(format!("{name} (second run): {p}")),
        }
    }
    c
}

/// Text-search facts about a unit, independent of the engine: `.rs` files using telemetry,
/// bytes of `.rs` and `Cargo.toml` files.
fn scan_unit(unit: &Path, c: &mut Counts) {
    for entry in ignore::WalkBuilder::new(unit)
        .standard_filters(false)
        .build()
        .flatten()
    {
        let p = entry.path();
        let is_rs = p.extension().is_some_and(|e| e == "rs");
        if !(is_rs || p.file_name().is_some_and(|n| n == "Cargo.toml")) || !p.is_file() {
            continue;
        }
        let bytes = std::fs::read(p).unwrap_or_default();
        c.bytes_scanned += bytes.len() as u64;
        if is_rs && uses_telemetry(&String::from_utf8_lossy(&bytes)) {
            c.telemetry_files += 1;
        }
    }
}

/// Checks every unit of `tree` (a copy), one at a time.
pub fn check_tree(tree: &Path) -> Counts {
    let mut total = Counts::default();
    for unit in units_of(tree) {
        let mut c = check_unit(&unit);
        scan_unit(&unit, &mut c);
        total.merge(c);
    }
    total
}

/// Runs the independent old-item detector over the migrated text of every `.rs` file of a
/// package on an old version: each line it finds must carry a finding.
fn detect_old_items(unit: &Path, run: &RunResult, c: &mut Counts) {
    use super::old_items::{
        old_item_lines, old_package, original_lines, package_manifest, reported,
    };
    let root_manifest = unit.join("Cargo.toml");
    let mut old_packages: std::collections::HashMap<PathBuf, Option<String>> = Default::default();
    for entry in ignore::WalkBuilder::new(unit)
        .standard_filters(false)
        .build()
        .flatten()
    {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") || !path.is_file() {
            continue;
        }
        let Some(manifest) = package_manifest(unit, path) else {
            continue;
        };
        let package = old_packages
            .entry(manifest.clone())
            .or_insert_with(|| old_package(&manifest, Some(&root_manifest)));
        let Some(package) = package.as_deref() else {
            continue;
        };
        let Ok(on_disk) = std::fs::read_to_string(path) else {
            continue;
        };
        let migrated = run.files.iter().find(|f| f.path == path);
        let (original, output) = match migrated {
            Some(f) => (f.original.as_str(), f.output()),
            None => (on_disk.as_str(), on_disk.as_str()),
        };
        c.old_item_lines_before += old_item_lines(original, package).len();
        for line in old_item_lines(output, package) {
            c.old_item_lines += 1;
            let lines = original_lines(original, output, line);
            if !reported(&run.findings, path, lines) {
                c.unreported_old_items.push(format!(
                    "{}:{line}: {}",
                    path.display(),
                    output.lines().nth(line - 1).unwrap_or("").trim()
                ));
            }
        }
    }
}
