//! Writing a run's changes: the dirty-tree check per git repository, then atomic writes.
//! Shared by `apply`, `adopt` and `batch --apply` (one call per repository there, so a dirty
//! repository is skipped while the others are written).

use std::collections::BTreeMap;
use std::path::PathBuf;

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
/// dirty in its git repository: then nothing at all is written.
pub fn write_changes(result: &RunResult, allow_dirty: bool) -> ApplyOutcome {
    let changed: Vec<&FileResult> = result.files.iter().filter(|f| f.changed()).collect();
    let mut outcome = ApplyOutcome::default();
    let mut by_repo: BTreeMap<Option<PathBuf>, Vec<PathBuf>> = BTreeMap::new();
    for f in &changed {
        by_repo
            .entry(f.git_root.clone())
            .or_default()
            .push(f.path.clone());
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
    for f in &changed {
        // A file that does not exist yet is one the run creates (`adopt`'s telemetry module).
        let written = if f.path.exists() {
            fs::write_atomic(&f.path, &f.output)
        } else {
            f.path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| fs::create_new(&f.path, &f.output))
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
