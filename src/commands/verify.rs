//! `--verify`: the compiler is the judge. Each migrated project (the whole workspace, so
//! `workspace = true` and path dependencies keep working) is copied to a temporary directory,
//! the migrated texts laid over the copy, and `cargo check --all-targets` runs there (once more
//! with `--all-features` when a manifest declares features) against the registry, with one
//! shared target directory so the OpenTelemetry crates build once. The user's tree is never
//! touched, so this works for a dry run as well as after `apply`. Symbolic links are copied as
//! links and a migrated file replaces its link in the copy: nothing is written through them.
//!
//! `cargo check` runs the project's build scripts and procedural macros (and its
//! dependencies'): verifying an untrusted repository runs its code (the README says so, and
//! `--help` too).
//!
//! A failure is reported with its first compiler errors, located in the user's files and
//! attributed to the transforms whose edits produced those lines when that can be told.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::commands::cargo_check::{cargo_check, RawError};
use crate::engine::edit::TextRange;
use crate::engine::fs;
use crate::engine::pipeline::{FileResult, RunResult};
use crate::engine::report::display_path;
pub use crate::engine::verify_report::{CompileError, ProjectCheck, VerifyReport, VerifyStatus};

/// How many compiler errors are kept per project and feature set.
const FIRST_ERRORS: usize = 5;

/// The shared target directory: `OTEL_MIGRATE_TARGET_DIR`, else `otel-migrate/target` in the
/// user's cache directory, else in the temporary directory.
pub fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("OTEL_MIGRATE_TARGET_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")));
    match cache {
        Some(c) => c.join("otel-migrate").join("target"),
        None => std::env::temp_dir().join("otel-migrate-target"),
    }
}

/// The projects to check for a run over `paths`: every project a file of the result belongs
/// to, plus each PATH that is itself a Cargo project; nested ones dropped (a workspace check
/// covers its members).
pub fn project_roots(result: &RunResult, paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = result
        .files
        .iter()
        .map(|f| f.project_root.clone())
        .chain(
            paths
                .iter()
                .filter(|p| p.join("Cargo.toml").is_file())
                .filter_map(|p| std::path::absolute(p).and_then(|p| p.canonicalize()).ok()),
        )
        .collect();
    roots.sort();
    roots.dedup();
    let all = roots.clone();
    roots.retain(|r| !all.iter().any(|o| o != r && r.starts_with(o)));
    roots
}

/// Checks each project with the migrated texts of `files` laid over a temporary copy.
pub fn verify(roots: &[PathBuf], files: &[FileResult]) -> VerifyReport {
    let target = target_dir();
    let projects: Vec<ProjectCheck> = roots
        .iter()
        .map(|root| check_project(root, files, &target))
        .collect();
    let status = projects
        .iter()
        .fold(VerifyStatus::Compiles, |s, p| s.worst(p.status));
    VerifyReport {
        status,
        projects,
        packages: Vec::new(),
        rounds: 0,
    }
}

fn check_project(root: &Path, files: &[FileResult], target: &Path) -> ProjectCheck {
    let started = Instant::now();
    let mut check = ProjectCheck {
        path: display_path(root),
        status: VerifyStatus::Compiles,
        all_features: false,
        seconds: 0.0,
        errors: Vec::new(),
        message: None,
        lockfile: None,
    };
    let copy = match prepare_copy(root, files) {
        Ok(c) => c,
        Err(e) => {
            check.status = VerifyStatus::Error;
            check.message = Some(e);
            return check;
        }
    };
    let copy_root = copy
        .path()
        .join(root.file_name().unwrap_or("project".as_ref()));
    check.all_features = declares_features(&copy_root);
    for all_features in [false, true] {
        if all_features && !check.all_features {
            continue;
        }
        let mut args = vec!["--all-targets".to_string()];
        if all_features {
            args.push("--all-features".to_string());
        }
        match cargo_check(&copy_root, target, &args) {
            Ok(run) if run.errors.is_empty() => {}
            Ok(run) => {
                check.status = check.status.worst(VerifyStatus::Fails);
                for e in run.errors {
                    let features = if all_features { "all" } else { "default" };
                    let e = locate(e, &copy_root, root, files, features);
                    if check.errors.len() < 2 * FIRST_ERRORS && !check.errors.contains(&e) {
                        check.errors.push(e);
                    }
                }
            }
            Err(message) => {
                check.status = VerifyStatus::Error;
                check.message = Some(message);
                break;
            }
        }
    }
    check.seconds = started.elapsed().as_secs_f64();
    check
}

/// Copies the project (without `target/` and `.git`) and writes the migrated texts over it.
pub fn prepare_copy(root: &Path, files: &[FileResult]) -> Result<tempfile::TempDir, String> {
    let copy = ProjectCopy::new(root)?;
    for f in files.iter().filter(|f| f.changed()) {
        copy.write(&f.path, f.output())?;
    }
    Ok(copy.dir)
}

/// A temporary copy of a project that texts can be laid over, again and again.
pub struct ProjectCopy {
    pub dir: tempfile::TempDir,
    /// The user's project root.
    pub user_root: PathBuf,
    /// The project root in the copy.
    pub root: PathBuf,
    real: PathBuf,
}

impl ProjectCopy {
    pub fn new(user_root: &Path) -> Result<ProjectCopy, String> {
        let dir = tempfile::Builder::new()
            .prefix("otel-migrate-verify.")
            .tempdir()
            .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        let root = dir
            .path()
            .join(user_root.file_name().unwrap_or("project".as_ref()));
        copy_tree(user_root, &root)
            .map_err(|e| format!("cannot copy {}: {e}", user_root.display()))?;
        let real = root
            .canonicalize()
            .map_err(|e| format!("cannot resolve {}: {e}", root.display()))?;
        Ok(ProjectCopy {
            dir,
            user_root: user_root.to_path_buf(),
            root,
            real,
        })
    }

    /// Writes `text` as the copy of the user's file `path` (outside the project: ignored).
    pub fn write(&self, path: &Path, text: &str) -> Result<(), String> {
        let Ok(rel) = path.strip_prefix(&self.user_root) else {
            return Ok(());
        };
        let to = self.root.join(rel);
        // A link in the copy is replaced by the migrated file, never written through.
        if std::fs::symlink_metadata(&to).is_ok_and(|m| m.file_type().is_symlink()) {
            std::fs::remove_file(&to).map_err(|e| e.to_string())?;
        }
        if let Some(target) = fs::leaves(&to, &self.real) {
            return Err(format!(
                "{} leads outside the copy to {}: not written",
                rel.display(),
                target.display()
            ));
        }
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&to, text).map_err(|e| format!("cannot write {}: {e}", to.display()))
    }

    /// The user's path of a path cargo printed in the copy (relative to the copy's root, or
    /// absolute).
    pub fn user_path(&self, printed: &Path) -> PathBuf {
        user_path(printed, &self.root, &self.user_root)
    }
}

fn user_path(printed: &Path, copy_root: &Path, root: &Path) -> PathBuf {
    let in_copy = if printed.is_absolute() {
        printed.to_path_buf()
    } else {
        copy_root.join(printed)
    };
    in_copy
        .strip_prefix(copy_root)
        .map(|rel| root.join(rel))
        .unwrap_or(in_copy)
}

/// Copies `from` into `to`, symbolic links as links (never followed: a link out of the tree
/// stays a link, a loop is not walked into).
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    let has_manifest = from.join("Cargo.toml").is_file();
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let path = entry.path();
        if name == ".git"
            || (name == "target" && (has_manifest || path.join("CACHEDIR.TAG").is_file()))
        {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_symlink() {
            copy_link(&path, &to.join(&name))?;
        } else if kind.is_dir() {
            copy_tree(&path, &to.join(&name))?;
        } else if kind.is_file() {
            std::fs::copy(&path, to.join(&name))?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn copy_link(link: &Path, to: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(std::fs::read_link(link)?, to)
}

/// Elsewhere a link's target is copied when it is a file (links need privileges there).
#[cfg(not(unix))]
fn copy_link(link: &Path, to: &Path) -> std::io::Result<()> {
    if link.is_file() {
        std::fs::copy(link, to)?;
    }
    Ok(())
}

/// Whether any manifest of the copied project has a `[features]` table.
fn declares_features(root: &Path) -> bool {
    crate::engine::discover::walk(root, true)
        .manifests
        .iter()
        .any(|m| {
            std::fs::read_to_string(m)
                .ok()
                .and_then(|t| t.parse::<toml_edit::DocumentMut>().ok())
                .and_then(|d| {
                    d.get("features")
                        .and_then(|f| f.as_table_like())
                        .map(|t| !t.is_empty())
                })
                .unwrap_or(false)
        })
}

/// Puts an error in the user's file and names the transforms behind its line.
pub fn locate(
    e: RawError,
    copy_root: &Path,
    root: &Path,
    files: &[FileResult],
    features: &str,
) -> CompileError {
    let original = user_path(&e.file, copy_root, root);
    let transforms = files
        .iter()
        .find(|f| f.path == original)
        .map(|f| transforms_at_line(f, e.line))
        .unwrap_or_default();
    CompileError {
        path: if e.file.as_os_str().is_empty() {
            String::new()
        } else {
            display_path(&original)
        },
        line: e.line,
        column: e.column,
        message: e.message,
        transforms,
        features: features.to_string(),
        rendered: e.rendered,
    }
}

/// The accepted edits of a file with the transform that made each (`edits` counts and
/// `edit_ranges` come from the same edit sets, in the same order).
pub fn ranges_by_transform(file: &FileResult) -> Vec<(&str, TextRange)> {
    let mut ranges = file.edit_ranges.iter();
    file.edits
        .iter()
        .flat_map(|(t, n)| {
            ranges
                .by_ref()
                .take(*n)
                .map(move |r| (t.as_str(), *r))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The transforms whose edits produced 1-based `line` of the file's migrated text: the line
/// is mapped to the original lines it replaced, then to the edits that touch them.
pub fn transforms_at_line(file: &FileResult, line: usize) -> Vec<String> {
    if line == 0 {
        return Vec::new();
    }
    let diff = similar::TextDiff::from_lines(file.original.as_str(), file.output());
    let Some(op) = diff
        .ops()
        .iter()
        .find(|op| op.new_range().contains(&(line - 1)))
    else {
        return Vec::new();
    };
    if op.tag() == similar::DiffTag::Equal {
        return Vec::new();
    }
    let starts = line_starts(&file.original);
    let byte_of = |l: usize| starts.get(l).copied().unwrap_or(file.original.len());
    // A replacement of as many lines as it removed maps line to line: an error on one of
    // two neighbouring edited lines blames only its own.
    let old = match (op.old_range(), op.new_range()) {
        (old, new) if old.len() == new.len() => {
            let at = old.start + (line - 1 - new.start);
            at..at + 1
        }
        (old, _) => old,
    };
    let (start, end) = (byte_of(old.start), byte_of(old.end));
    let mut out: Vec<String> = Vec::new();
    for (t, r) in ranges_by_transform(file) {
        // An edit starting where the next line starts belongs to that line (but the end of the
        // file belongs to the last one).
        let touches = (r.start < end || end == file.original.len()) && r.end >= start;
        if touches && !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    }
    out
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_changed_lines_to_their_transform() {
        let original = "a\nb\nc\nd\n".to_string();
        let output = "a\nB\nc\nD\nE\n".to_string();
        let file = FileResult {
            path: PathBuf::from("x.rs"),
            original,
            migrated: Some(output),
            edits: vec![("first".into(), 1), ("second".into(), 1)],
            edit_ranges: vec![TextRange::new(2, 3), TextRange::new(6, 7)],
            project_root: PathBuf::from("."),
            git_root: None,
            package: None,
        };
        assert_eq!(transforms_at_line(&file, 1), Vec::<String>::new());
        assert_eq!(transforms_at_line(&file, 2), vec!["first"]);
        assert_eq!(transforms_at_line(&file, 4), vec!["second"]);
        assert_eq!(transforms_at_line(&file, 5), vec!["second"]);
        let neighbours = FileResult {
            migrated: Some("a\nB\nC\nd\n".to_string()),
            edits: vec![("first".into(), 1), ("second".into(), 1)],
            edit_ranges: vec![TextRange::new(2, 3), TextRange::new(4, 5)],
            ..file
        };
        assert_eq!(transforms_at_line(&neighbours, 2), vec!["first"]);
        assert_eq!(transforms_at_line(&neighbours, 3), vec!["second"]);
    }

    #[cfg(unix)]
    #[test]
    fn the_copy_keeps_links_as_links_and_never_writes_through_them() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        let (root, elsewhere) = (base.join("svc"), base.join("elsewhere"));
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("secret.rs"), "old").unwrap();
        symlink(elsewhere.join("secret.rs"), root.join("src/lib.rs")).unwrap();
        symlink(&elsewhere, root.join("out")).unwrap();
        symlink("..", root.join("src/up")).unwrap();
        let file = FileResult {
            path: root.join("src/lib.rs"),
            original: "old".into(),
            migrated: Some("new".into()),
            edits: Vec::new(),
            edit_ranges: Vec::new(),
            project_root: root.clone(),
            git_root: None,
            package: None,
        };
        let copy = prepare_copy(&root, &[file]).unwrap();
        let copied = copy.path().join("svc");
        assert_eq!(
            std::fs::read_to_string(elsewhere.join("secret.rs")).unwrap(),
            "old"
        );
        assert_eq!(
            std::fs::read_to_string(copied.join("src/lib.rs")).unwrap(),
            "new"
        );
        for link in ["out", "src/up"] {
            let meta = std::fs::symlink_metadata(copied.join(link)).unwrap();
            assert!(meta.file_type().is_symlink(), "{link}");
        }
    }

    #[test]
    fn nested_project_roots_are_dropped() {
        let result = RunResult {
            files: ["/r/a", "/r/a/crates/x", "/r/b"]
                .iter()
                .map(|r| FileResult {
                    path: PathBuf::from(r).join("Cargo.toml"),
                    original: String::new(),
                    migrated: None,
                    edits: Vec::new(),
                    edit_ranges: Vec::new(),
                    project_root: PathBuf::from(r),
                    git_root: None,
                    package: None,
                })
                .collect(),
            ..RunResult::default()
        };
        assert_eq!(
            project_roots(&result, &[]),
            vec![PathBuf::from("/r/a"), PathBuf::from("/r/b")]
        );
    }
}
