//! Writing a run's changes: the dirty-tree check per git repository, then atomic writes.
//! Shared by `apply`, `adopt` and `batch --apply` (one call per repository there, so a dirty
//! repository is skipped while the others are written). Nothing is written outside the tree:
//! a file whose real path leaves it is refused unless [`Containment`] allows it, and then the
//! dirty-tree check covers the git work tree the write lands in too.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::engine::containment::Containment;
use crate::engine::discover::git_root_of;
use crate::engine::fs;
use crate::engine::pipeline::{FileResult, RunResult};
use crate::engine::vcs::{self, DirtyFile};

/// What [`write_changes`] did.
#[derive(Debug, Default)]
pub struct ApplyOutcome {
    pub written: usize,
    /// Files to change that are modified, staged or untracked: nothing was written.
    pub refused: Vec<DirtyFile>,
    /// `git status` failures: nothing was written.
    pub status_errors: Vec<String>,
    pub write_errors: Vec<(PathBuf, String)>,
    /// Files written without a dirty-tree check because no git repository contains them.
    pub outside_git: usize,
}

impl ApplyOutcome {
    /// Whether the dirty-tree check stopped the write.
    pub fn refused_any(&self) -> bool {
        !self.refused.is_empty() || !self.status_errors.is_empty()
    }
}

/// Writes every changed file of `result`, unless (without `allow_dirty`) a file to change is
/// dirty in its git repository: then nothing at all is written. A file that leaves its tree is
/// written only with the containment's permission (callers take such changes back first, with
/// `Containment::enforce`; this is the last guard).
pub fn write_changes(
    result: &RunResult,
    allow_dirty: bool,
    containment: &Containment,
) -> ApplyOutcome {
    let mut outcome = ApplyOutcome::default();
    let mut changed: Vec<(&FileResult, PathBuf)> = Vec::new();
    for f in result.files.iter().filter(|f| f.changed()) {
        match containment.escape(f) {
            Ok(Some(escape)) if !containment.write_through_symlinks => {
                outcome.write_errors.push((
                    f.path.clone(),
                    format!(
                        "not written: leads outside {} to {}",
                        escape.tree.display(),
                        escape.target.display()
                    ),
                ));
            }
            Ok(escape) => {
                let target = escape.map_or_else(|| f.path.clone(), |e| e.target);
                changed.push((f, target));
            }
            Err(e) => outcome.write_errors.push((f.path.clone(), e)),
        }
    }
    let mut by_repo: BTreeMap<Option<PathBuf>, Vec<PathBuf>> = BTreeMap::new();
    for (f, target) in &changed {
        by_repo
            .entry(f.git_root.clone())
            .or_default()
            .push(f.path.clone());
        if *target != f.path {
            // Written through a link: the work tree the write lands in is checked as well.
            let target_root = target.parent().and_then(git_root_of);
            if target_root.is_some() || f.git_root.is_some() {
                by_repo.entry(target_root).or_default().push(target.clone());
            }
        }
    }
    for (root, files) in &by_repo {
        match root {
            None => outcome.outside_git += files.len(),
            Some(root) if !allow_dirty => match vcs::dirty_files(root, files) {
                Ok(dirty) => outcome.refused.extend(dirty),
                Err(e) => outcome.status_errors.push(e),
            },
            Some(_) => {}
        }
    }
    if outcome.refused_any() {
        return outcome;
    }
    for (f, target) in &changed {
        // A file that does not exist yet is one the run creates (`adopt`'s telemetry module).
        let written = if target.exists() {
            fs::write_atomic(target, f.output())
        } else {
            target
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| fs::create_new(target, f.output()))
        };
        match written {
            Ok(()) => outcome.written += 1,
            Err(e) => outcome
                .write_errors
                .push((f.path.clone(), format!("cannot write: {e}"))),
        }
    }
    outcome
}
