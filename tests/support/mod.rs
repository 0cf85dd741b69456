//! Shared test harness: lays a fixture case out as a small project in a temporary directory,
//! runs the engine on it, renders the snapshot body and checks the invariants every fixture
//! must satisfy (design.md §10).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use otel_migrate::engine::finding::Finding;
use otel_migrate::engine::pipeline::{self, RunOptions, RunResult};
use otel_migrate::engine::source::SourceFile;
use otel_migrate::transforms;

pub mod cli;
pub mod old_items;
pub mod robustness;

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The manifest a single-file case runs under when its transform directory has no
/// `fixture.toml`: a package with no telemetry dependencies.
const DEFAULT_MANIFEST: &str =
    "[package]\nname = \"fixture\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";

/// A fixture case: `fixtures/<id>/<case>.input.rs`, `<case>.input.toml`, or a directory
/// `fixtures/<id>/<case>/` holding a small project.
#[derive(Debug, Clone)]
pub struct Case {
    pub transform: String,
    pub name: String,
    pub path: PathBuf,
}

impl Case {
    /// The case a fixture path (file or the Cargo.toml of a directory case) stands for.
    pub fn from_path(path: &Path) -> Case {
        let fixtures = fixtures_dir();
        let rel = path
            .strip_prefix(&fixtures)
            .expect("fixture under fixtures/");
        let mut parts = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        let transform = parts.next().expect("transform dir");
        let second = parts.next().expect("case");
        let (name, path) = if let Some(n) = second
            .strip_suffix(".input.rs")
            .or_else(|| second.strip_suffix(".input.toml"))
        {
            (n.to_string(), path.to_path_buf())
        } else {
            (second.clone(), fixtures.join(&transform).join(&second))
        };
        Case {
            transform,
            name,
            path,
        }
    }

    /// A negative case is a near miss: the transform must not edit it.
    pub fn is_negative(&self) -> bool {
        self.name.starts_with("negative_")
    }

    pub fn snapshot_name(&self) -> String {
        format!("{}__{}", self.transform, self.name)
    }

    /// Writes the case into `root` as a project.
    pub fn lay_out(&self, root: &Path) {
        let dir = fixtures_dir().join(&self.transform);
        if self.path.is_dir() {
            copy_dir(&self.path, root);
            return;
        }
        let sidecar = |ext: &str| dir.join(format!("{}.{ext}", self.name));
        let manifest = [sidecar("fixture.toml"), dir.join("fixture.toml")]
            .into_iter()
            .find(|p| p.is_file())
            .map(|p| std::fs::read(p).unwrap())
            .unwrap_or_else(|| DEFAULT_MANIFEST.as_bytes().to_vec());
        std::fs::create_dir_all(root.join("src")).unwrap();
        // The run's config (`target = "0.28"` for the ladder's hops): the case's own, else the
        // transform directory's.
        if let Some(config) = [sidecar("otel-migrate.toml"), dir.join("otel-migrate.toml")]
            .into_iter()
            .find(|p| p.is_file())
        {
            std::fs::copy(config, root.join("otel-migrate.toml")).unwrap();
        }
        let input = std::fs::read(&self.path).unwrap();
        if self.path.extension().is_some_and(|e| e == "toml") {
            std::fs::write(root.join("Cargo.toml"), input).unwrap();
            let code = sidecar("code.rs");
            let code = if code.is_file() {
                std::fs::read(code).unwrap()
            } else {
                Vec::new()
            };
            std::fs::write(root.join("src/lib.rs"), code).unwrap();
        } else {
            std::fs::write(root.join("Cargo.toml"), manifest).unwrap();
            std::fs::write(root.join("src/lib.rs"), input).unwrap();
        }
    }
}

/// Copies a directory tree (fixture cases, demo repositories).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A case after one run of its transform.
pub struct CaseRun {
    pub case: Case,
    pub dir: tempfile::TempDir,
    pub root: PathBuf,
    pub result: RunResult,
}

pub fn run_case(case: &Case) -> CaseRun {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap().join("project");
    case.lay_out(&root);
    let result = run_only(&root, &case.transform);
    CaseRun {
        case: case.clone(),
        dir,
        root,
        result,
    }
}

pub fn run_only(root: &Path, transform: &str) -> RunResult {
    pipeline::run(
        transforms::all(),
        &RunOptions {
            paths: vec![root.to_path_buf()],
            only: vec![transform.to_string()],
            ..RunOptions::default()
        },
    )
}

fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Carriage returns are shown as `␍` so a lost or added `\r` shows in a snapshot (insta
/// normalizes line endings when comparing).
fn visible_cr(s: &str) -> String {
    s.replace('\r', "␍")
}

impl CaseRun {
    pub fn edit_count(&self) -> usize {
        self.result
            .files
            .iter()
            .flat_map(|f| f.edits.iter().map(|(_, n)| n))
            .sum()
    }

    /// Findings (rustc style, no color), then errors, then the unified diff of every file.
    pub fn snapshot(&self) -> String {
        let mut out = String::new();
        for f in &self.result.findings {
            let shown = Finding {
                path: PathBuf::from(rel(&self.root, &f.path)),
                ..f.clone()
            };
            let source = self
                .result
                .source_of(&f.path)
                .map(|t| SourceFile::new(&f.path, t.to_string()));
            out.push_str(&shown.render(source.as_ref(), false));
            out.push_str("\n\n");
        }
        for (p, m) in &self.result.errors {
            out.push_str(&format!("error: {}: {m}\n\n", rel(&self.root, p)));
        }
        for f in &self.result.files {
            out.push_str(&otel_migrate::engine::diff::unified(
                &rel(&self.root, &f.path),
                &f.original,
                f.output(),
            ));
        }
        if out.is_empty() {
            out.push_str("(no changes, no findings)\n");
        }
        visible_cr(&out)
    }

    /// The invariants every fixture must satisfy; returns a description of each violation.
    pub fn invariant_violations(&self) -> Vec<String> {
        let mut v = Vec::new();
        let name = self.case.snapshot_name();
        if !self.result.errors.is_empty() {
            v.push(format!("{name}: errors: {:?}", self.result.errors));
        }
        if self.case.is_negative() && self.edit_count() > 0 {
            v.push(format!("{name}: a negative case must not be edited"));
        }
        if !self.case.is_negative() && self.edit_count() == 0 && self.result.findings.is_empty() {
            v.push(format!(
                "{name}: a positive case must produce an edit or a finding"
            ));
        }
        for f in &self.result.files {
            let file = rel(&self.root, &f.path);
            if f.path.extension().is_some_and(|e| e == "rs") {
                if SourceFile::new(&f.path, f.output().to_string())
                    .parse_rust()
                    .is_err()
                {
                    v.push(format!("{name}: {file}: output does not parse"));
                }
            } else if toml_edit::DocumentMut::from_str_checked(f.output()).is_err() {
                v.push(format!("{name}: {file}: output is not valid TOML"));
            }
            v.extend(
                changed_outside_edits(f)
                    .into_iter()
                    .map(|m| format!("{name}: {file}: {m}")),
            );
            v.extend(
                line_ending_violations(&f.original, f.output())
                    .into_iter()
                    .map(|m| format!("{name}: {file}: {m}")),
            );
        }
        // Idempotence: write the outputs and run again.
        for f in &self.result.files {
            std::fs::write(&f.path, f.output()).unwrap();
        }
        let second = run_only(&self.root, &self.case.transform);
        for f in second.files.iter().filter(|f| f.changed()) {
            v.push(format!(
                "{name}: {}: a second run changes the file again:\n{}",
                rel(&self.root, &f.path),
                otel_migrate::engine::diff::unified("x", &f.original, f.output())
            ));
        }
        v
    }
}

trait FromStrChecked {
    fn from_str_checked(s: &str) -> Result<(), ()>;
}

impl FromStrChecked for toml_edit::DocumentMut {
    fn from_str_checked(s: &str) -> Result<(), ()> {
        s.parse::<toml_edit::DocumentMut>()
            .map(|_| ())
            .map_err(|_| ())
    }
}

/// Every changed line must overlap a range the engine says it edited: nothing else moves.
pub fn changed_outside_edits(f: &pipeline::FileResult) -> Vec<String> {
    let diff = similar::TextDiff::from_lines(f.original.as_str(), f.output());
    let mut starts = vec![0usize];
    for (i, b) in f.original.bytes().enumerate() {
        if b == b'\n' {
            starts.push(i + 1);
        }
    }
    // Lines inserted at a line's start may show lower down when they end like the lines after
    // them (`#[cfg(x)]` + `use …;` inserted above `#[cfg(x)] fn …`): the inserted lines then end
    // with the original lines between the edit and where the diff put them.
    let (old_lines, new_lines) = (diff.old_slices(), diff.new_slices());
    let slid_down = |edit: usize, at: usize, inserted: std::ops::Range<usize>| {
        starts
            .binary_search(&edit)
            .is_ok_and(|line| line < at && new_lines[inserted].ends_with(&old_lines[line..at]))
    };
    let mut out = Vec::new();
    for op in diff.ops() {
        if matches!(op.tag(), similar::DiffTag::Equal) {
            continue;
        }
        let old = op.old_range();
        let start = starts.get(old.start).copied().unwrap_or(f.original.len());
        let end = starts.get(old.end).copied().unwrap_or(f.original.len());
        // An edit ending at a line's end that adds lines shows in the diff as lines inserted
        // at the next line's start: count the line break after an edit as covered by it.
        let touched = f.edit_ranges.iter().any(|r| {
            let rest = &f.original.as_bytes()[r.end.min(f.original.len())..];
            let eol = match rest {
                [b'\r', b'\n', ..] => 2,
                [b'\n', ..] => 1,
                _ => 0,
            };
            // Lines inserted before an unchanged line: the diff may have lined up the first
            // line of an edit starting on that line with the line it replaced.
            let next = starts
                .get(old.start + 1)
                .copied()
                .unwrap_or(f.original.len());
            let inserted_before_edit = old.is_empty() && (start..next).contains(&r.start);
            (r.start <= end && start <= r.end + eol)
                || inserted_before_edit
                || slid_down(r.start, old.start, op.new_range())
        });
        if !touched {
            out.push(format!(
                "bytes {start}..{end} changed but no edit covers them"
            ));
        }
    }
    out
}

pub fn line_ending_violations(original: &str, output: &str) -> Vec<String> {
    let mut v = Vec::new();
    let bare_lf = |s: &str| {
        s.bytes()
            .enumerate()
            .filter(|&(i, b)| b == b'\n' && (i == 0 || s.as_bytes()[i - 1] != b'\r'))
            .count()
    };
    if original.contains("\r\n") && bare_lf(original) == 0 && bare_lf(output) > 0 {
        v.push("a CRLF file gained LF-only line endings".to_string());
    }
    if !original.contains('\r') && output.contains('\r') {
        v.push("an LF file gained carriage returns".to_string());
    }
    if original.starts_with('\u{feff}') != output.starts_with('\u{feff}') {
        v.push("the byte-order mark changed".to_string());
    }
    if original.ends_with('\n') != output.ends_with('\n') {
        v.push("the final newline changed".to_string());
    }
    v
}

/// Every case under `fixtures/<id>/` (excluding the demo repositories).
pub fn all_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for dir in std::fs::read_dir(fixtures_dir()).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() || dir.file_name().is_some_and(|n| n == "repos") {
            continue;
        }
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_dir() || name.ends_with(".input.rs") || name.ends_with(".input.toml") {
                cases.push(Case::from_path(&p));
            }
        }
    }
    cases.sort_by_key(Case::snapshot_name);
    cases
}
