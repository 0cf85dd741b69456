//! Writes stay inside the tree: a file the run would change (or create) is written only when
//! its real path (symlinks followed, `..` resolved) lies inside its project root and inside the
//! PATH it was found under. A repository's content (a symbolic link) must never make the tool
//! change files elsewhere; `--write-through-symlinks` is the user's explicit permission.
//!
//! [`Containment::enforce`] runs on every result before it is reported or written, so `diff`,
//! `check` and `apply` agree on what would be written; `engine::write` checks again before it
//! writes.

use std::path::{Path, PathBuf};

use crate::engine::finding::{Finding, Severity};
use crate::engine::fs::real_path;
use crate::engine::pipeline::{FileResult, RunResult};
use crate::engine::report::display_path;

/// The user's PATHs and whether writing through a symbolic link out of the tree is allowed.
#[derive(Debug, Clone, Default)]
pub struct Containment {
    /// The PATHs, resolved (a PATH that is itself a link is the user's choice: followed).
    paths: Vec<PathBuf>,
    pub write_through_symlinks: bool,
}

/// Where a file really lands and the tree it leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escape {
    pub target: PathBuf,
    pub tree: PathBuf,
}

impl Containment {
    pub fn new(paths: &[PathBuf], write_through_symlinks: bool) -> Containment {
        Containment {
            paths: paths.iter().filter_map(|p| real_path(p).ok()).collect(),
            write_through_symlinks,
        }
    }

    /// Where `file` really lands when that is outside its tree; `Err` when it cannot be
    /// resolved (then it must not be written either).
    pub fn escape(&self, file: &FileResult) -> Result<Option<Escape>, String> {
        let target = real_path(&file.path)
            .map_err(|e| format!("cannot resolve where {} leads: {e}", file.path.display()))?;
        let root = real_path(&file.project_root).unwrap_or_else(|_| file.project_root.clone());
        // The PATHs this file was found under (none for a manifest `adopt` edits above a
        // crate PATH: that one only has to stay in its project).
        let trees = std::iter::once(root).chain(
            self.paths
                .iter()
                .filter(|p| file.path.starts_with(p))
                .cloned(),
        );
        for tree in trees {
            if !target.starts_with(&tree) {
                return Ok(Some(Escape { target, tree }));
            }
        }
        Ok(None)
    }

    /// Takes back every change to a file that leaves its tree (without the permission) and
    /// says so with an `error` finding at the link; with it, a `note` names where the write
    /// goes.
    pub fn enforce(&self, result: &mut RunResult) {
        for file in result.files.iter_mut().filter(|f| f.changed()) {
            let escape = match self.escape(file) {
                Ok(Some(escape)) => escape,
                Ok(None) => continue,
                Err(e) => {
                    // Not resolvable now: `engine::write` refuses it with this reason.
                    result.errors.push((file.path.clone(), e));
                    continue;
                }
            };
            if self.write_through_symlinks {
                result.findings.push(Finding::about_path(
                    &file.path,
                    "engine",
                    Severity::Note,
                    format!(
                        "`{}` leads outside `{}` to `{}`: written there (--write-through-symlinks)",
                        display_path(&file.path),
                        escape.tree.display(),
                        escape.target.display()
                    ),
                ));
                continue;
            }
            result.findings.push(refusal(&file.path, &escape));
            file.migrated = None;
            file.edits.clear();
            file.edit_ranges.clear();
        }
    }
}

/// The `error` finding for a file that is not written because it leaves its tree.
fn refusal(link: &Path, escape: &Escape) -> Finding {
    Finding::about_path(
        link,
        "engine",
        Severity::Error,
        format!(
            "`{}` is (or lies under) a symbolic link to `{}`, outside `{}`: not written (the tool never writes outside the tree)",
            display_path(link),
            escape.target.display(),
            escape.tree.display()
        ),
    )
    .with_suggestion(
        "migrate the target in its own repository, or pass --write-through-symlinks (or set `write-through-symlinks = true` in the --config file or the batch entry) to write it; the dirty-tree check then covers the target's git work tree",
    )
}
