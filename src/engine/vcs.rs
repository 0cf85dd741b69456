//! The dirty-tree check before `apply`: a file the tool would change must be clean in git
//! (not modified, staged or untracked), so the user can always review and revert.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Why a file is not clean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirtyFile {
    pub path: PathBuf,
    pub state: &'static str,
}

/// The files among `files` (absolute paths inside `git_root`) that git reports as modified,
/// staged or untracked.
pub fn dirty_files(git_root: &Path, files: &[PathBuf]) -> Result<Vec<DirtyFile>, String> {
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let output = Command::new("git")
        .arg("-C")
        .arg(git_root)
        .args([
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--",
        ])
        .args(files)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git status failed in {}: {}",
            git_root.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut dirty = Vec::new();
    let mut entries = stdout.split('\0').filter(|e| !e.is_empty());
    while let Some(entry) = entries.next() {
        if entry.len() < 4 {
            continue;
        }
        let (code, path) = entry.split_at(3);
        let code = &code[..2];
        if code.starts_with('R') || code.starts_with('C') {
            entries.next(); // the rename's source path
        }
        let state = match code {
            "??" => "untracked",
            c if c.as_bytes()[0] != b' ' => "staged",
            _ => "modified",
        };
        dirty.push(DirtyFile {
            path: git_root.join(path),
            state,
        });
    }
    Ok(dirty)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn reports_modified_staged_and_untracked_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        git(&root, &["init", "-q"]);
        git(&root, &["config", "user.email", "t@example.com"]);
        git(&root, &["config", "user.name", "t"]);
        for f in ["a.rs", "b.rs", "c.rs"] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        git(&root, &["add", "a.rs", "b.rs", "c.rs"]);
        git(&root, &["commit", "-qm", "init"]);
        std::fs::write(root.join("a.rs"), "y").unwrap();
        std::fs::write(root.join("b.rs"), "y").unwrap();
        git(&root, &["add", "b.rs"]);
        std::fs::write(root.join("d.rs"), "new").unwrap();
        let files: Vec<PathBuf> = ["a.rs", "b.rs", "c.rs", "d.rs"]
            .iter()
            .map(|f| root.join(f))
            .collect();
        let dirty = dirty_files(&root, &files).unwrap();
        let states: Vec<(&str, &str)> = dirty
            .iter()
            .map(|d| (d.path.file_name().unwrap().to_str().unwrap(), d.state))
            .collect();
        assert_eq!(
            states,
            vec![
                ("a.rs", "modified"),
                ("b.rs", "staged"),
                ("d.rs", "untracked")
            ]
        );
    }
}
