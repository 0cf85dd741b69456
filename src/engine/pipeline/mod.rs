//! The pipeline (design.md §3), read top-down: [`run_each`] discovers the projects and hands
//! each to `project::run_project` (read and gate the files of a project, build the package
//! plans, run its files in parallel), which hands each file that passed the gates to
//! `file::run_file` (parse, transforms in registry order on a fresh parse each, re-parse after
//! each and drop a transform's changes when the result does not parse, findings mapped back to
//! the original text and filtered by `suppress`). The registry of transforms is handed in by
//! the caller; the engine names none.

mod deleted_sites;
mod file;
mod merge;
mod plan;
mod project;
mod read;
mod suppress;
mod undeclared;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::engine::config::Config;
use crate::engine::coverage::Coverage;
use crate::engine::discover::{discover_projects, DiscoverOptions, PendingProject};
use crate::engine::edit::TextRange;
use crate::engine::finding::Finding;
use crate::engine::ledger::LedgerEntry;
use crate::engine::source::SourceFile;
use crate::engine::transform::Transform;

#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub paths: Vec<PathBuf>,
    pub only: Vec<String>,
    pub skip: Vec<String>,
    /// `--config FILE` for every project.
    pub config_file: Option<PathBuf>,
    /// A config for every project, given in memory (the batch file's merged per-repo config);
    /// wins over `config_file`.
    pub config: Option<Config>,
    pub include_orphans: bool,
    /// Transforms turned off for one package only (a verifier backing out what broke its
    /// build), keyed by the package's manifest path; a manifest outside every package (a
    /// virtual workspace root) is keyed by its own path.
    pub disabled: BTreeMap<PathBuf, BTreeSet<String>>,
    /// `--to`: the release to move code to, over every project's config.
    pub target: Option<String>,
    /// Rewritten files that were rustfmt-clean go through rustfmt ([`crate::engine::rustfmt`])
    /// unless a project's config says `rustfmt = false`. Off by default for callers of the
    /// library (the transforms' own layout, which snapshot tests pin); the command line turns
    /// it on unless `--no-rustfmt`.
    pub rustfmt: bool,
}

/// One file a transform looked at.
#[derive(Debug, Clone)]
pub struct FileResult {
    pub path: PathBuf,
    pub original: String,
    /// The text after the run; `None` when it is the original (most files a transform looks
    /// at do not change: one copy of their text is enough). Read it through [`Self::output`].
    pub migrated: Option<String>,
    /// Accepted edits per transform, in registry order.
    pub edits: Vec<(String, usize)>,
    /// Where the accepted edits fall in the original text.
    pub edit_ranges: Vec<TextRange>,
    pub project_root: PathBuf,
    pub git_root: Option<PathBuf>,
    /// The manifest of the file's package (None outside every package): the unit a verifier
    /// keeps or restores.
    pub package: Option<PathBuf>,
}

impl FileResult {
    /// The text after the run.
    pub fn output(&self) -> &str {
        self.migrated.as_deref().unwrap_or(&self.original)
    }

    /// Sets the text after the run, keeping no copy when it is the original.
    pub fn set_output(&mut self, text: String) {
        self.migrated = (text != self.original).then_some(text);
    }

    pub fn changed(&self) -> bool {
        self.migrated.as_ref().is_some_and(|m| *m != self.original)
    }
}

#[derive(Debug, Default)]
pub struct RunResult {
    /// Files the transforms ran on, sorted by path.
    pub files: Vec<FileResult>,
    pub findings: Vec<Finding>,
    pub suppressed: usize,
    pub errors: Vec<(PathBuf, String)>,
    pub files_scanned: usize,
    /// Original texts of files that have findings but no [`FileResult`], for excerpts.
    pub sources: Vec<(PathBuf, String)>,
    /// Old-API sites before the run and what became of them.
    pub coverage: Coverage,
    /// What each rewritten or reported site exports, before and after; sorted by path and line.
    pub ledger: Vec<LedgerEntry>,
}

impl RunResult {
    /// Every finding mapped by `f` with the original text of its file, in order. Findings are
    /// sorted by path: each file's text is indexed once for all its findings, and files run in
    /// parallel.
    pub fn map_findings<T: Send>(
        &self,
        f: impl Fn(&Finding, Option<&SourceFile>) -> T + Sync + Send,
    ) -> Vec<T> {
        self.findings
            .par_chunk_by(|a, b| a.path == b.path)
            .flat_map_iter(|same_file| {
                let path = &same_file[0].path;
                let source = self
                    .source_of(path)
                    .map(|t| SourceFile::new(path, t.to_string()));
                let f = &f;
                same_file
                    .iter()
                    .map(move |finding| f(finding, source.as_ref()))
            })
            .collect()
    }

    pub fn source_of(&self, path: &Path) -> Option<&str> {
        self.files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.original.as_str())
            .or_else(|| {
                self.sources
                    .iter()
                    .find(|(p, _)| p == path)
                    .map(|(_, t)| t.as_str())
            })
    }
}

/// How many projects run at once before their results are handed on: bounds what a streaming
/// caller holds in memory while keeping both cores busy.
const PROJECTS_IN_FLIGHT: usize = 16;

/// The transforms a run may use, in the order they run (order is semantics). The command line
/// hands in the crate's registry; tests may hand in their own.
pub type Registry = [&'static dyn Transform];

/// Runs every enabled transform of `registry` over the PATHs, in memory.
pub fn run(registry: &Registry, opts: &RunOptions) -> RunResult {
    let mut result = RunResult::default();
    run_each(registry, opts, |r| {
        result.files.extend(r.files);
        result.findings.extend(r.findings);
        result.suppressed += r.suppressed;
        result.errors.extend(r.errors);
        result.files_scanned += r.files_scanned;
        result.sources.extend(r.sources);
        result.coverage.add(&r.coverage);
        result.ledger.extend(r.ledger);
    });
    result.files.sort_by(|a, b| a.path.cmp(&b.path));
    result.findings.sort_by(finding_order);
    result.findings.dedup();
    result.errors.sort();
    result.errors.dedup();
    result
        .ledger
        .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    result
}

/// Hands the memory glibc keeps after the walk back to the system: the whole tree's path lists,
/// freed on other threads' arenas, would otherwise stay resident beside the projects' runs.
/// (Once per run: after every batch of projects it cut the peak further but doubled the page
/// faults, +1 s of system time on the ordinary tree; BENCHMARKS.md.)
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of glibc's heaps to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Pins glibc's allocator thresholds at their initial values (blocks from 128 KiB get their own
/// mapping, returned when freed; free heap over 256 KiB at the top goes back). Left dynamic,
/// freeing one mapped block (a big file's text) raises them up to 32 and 64 MiB, after which big
/// transient buffers come from the heap and their pages stay resident: the peak then grew with
/// the tree (1.25x for 10x the ordinary tree; 1.19x pinned, same wall time: BENCHMARKS.md).
fn pin_allocator_thresholds() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; both values are within glibc's bounds.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 * 1024);
    }
}

pub fn finding_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    (&a.path, a.line, a.column, &a.transform).cmp(&(&b.path, b.line, b.column, &b.transform))
}

/// Runs every enabled transform over the PATHs and hands over the results as they are ready,
/// so a caller that prints and drops them stays flat in memory however big the tree: first the
/// discovery's findings and errors (bad config, unknown ids, missing PATHs), then one result per
/// project, in the order of the project roots, each with its files and findings sorted.
pub fn run_each(registry: &Registry, opts: &RunOptions, mut each: impl FnMut(RunResult)) {
    pin_allocator_thresholds();
    let mut head = RunResult::default();
    let config_override = match (&opts.config, &opts.config_file) {
        (Some(c), _) => Some(c.clone()),
        (None, Some(path)) => match Config::load(path) {
            Ok(c) => Some(c),
            Err(e) => {
                head.errors.push((path.clone(), e));
                return each(head);
            }
        },
        (None, None) => None,
    };
    for id in opts.only.iter().chain(&opts.skip) {
        if !registry.iter().any(|t| t.id() == id) {
            head.errors.push((
                PathBuf::from(id),
                format!("unknown transform `{id}` (see `otel-migrate list`)"),
            ));
        }
    }
    if !head.errors.is_empty() {
        return each(head);
    }
    let mut discovery = crate::engine::timings::time("walk", || {
        discover_projects(
            &opts.paths,
            &DiscoverOptions {
                config_override: config_override.as_ref(),
            },
        )
    });
    release_free_memory();
    crate::engine::timings::memory("after the walk");
    head.findings.extend(discovery.findings);
    head.findings.sort_by(finding_order);
    head.errors.extend(discovery.errors);
    each(head);
    discovery.projects.sort_by(|a, b| a.root().cmp(b.root()));
    let walker = &discovery.walker;
    let mut projects = discovery.projects.into_iter().peekable();
    while projects.peek().is_some() {
        let batch: Vec<PendingProject> = projects.by_ref().take(PROJECTS_IN_FLIGHT).collect();
        // Each project's files are walked here, so only the projects in flight hold them.
        let results: Vec<RunResult> = batch
            .into_par_iter()
            .filter_map(|p| crate::engine::timings::time("walk projects", || walker.files(p)))
            .map(|p| {
                let mut r = project::run_project(registry, p, opts);
                r.files.sort_by(|a, b| a.path.cmp(&b.path));
                r.findings.sort_by(finding_order);
                r.findings.dedup();
                r.ledger
                    .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
                r
            })
            .collect();
        results.into_iter().for_each(&mut each);
    }
    crate::engine::timings::memory("at the end");
}
