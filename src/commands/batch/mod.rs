//! `otel-migrate batch <migrate.toml>`: many repositories in one run.
//!
//! The batch file lists repositories with `[[repo]]` entries: `path` (relative to the batch
//! file) and exactly the keys of `otel-migrate.toml` (`only`, `skip`, `include-orphans`,
//! `adopt`, `allow`, `[repo.targets]`, `[repo.service-name]`).
//!
//! Precedence: the repository's own `otel-migrate.toml` (at the repository path) is the base,
//! and a key the batch entry sets replaces the same key there (`[service-name]` key by key, its
//! `crates` and `rename` maps entry by entry), so the batch file can pin what one migration
//! campaign needs without discarding a repository's own `allow` rules. The merged config is
//! used for every project under the repository path. Command-line `--only`/`--skip` narrow
//! every repository further.
//!
//! Repositories run in parallel; an error in one (a missing path, a bad config, a file that
//! does not parse, even a panic) is reported for it and never stops the others. With `--apply`
//! each repository gets its own dirty-tree check: a dirty one is skipped and reported.
//! `--verify` heals each repository before anything is written (`heal`: what does not compile
//! is backed out or restored; `--update-lock` also writes the refreshed lockfile); an adopted
//! repository is compile-checked afterwards (`verify`).

mod command;
pub mod html;
pub use command::{command, print_summary, BatchArgs};

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::commands::adopt;
use crate::commands::formats::Project;
use crate::commands::heal;
use crate::commands::verify::{self, VerifyReport, VerifyStatus};
use crate::engine::config::{ignored_permission, Config, CONFIG_FILE};
use crate::engine::containment::Containment;
use crate::engine::coverage::Coverage;
use crate::engine::discover::{is_deployment_file, walk};
use crate::engine::finding::{Finding, Severity};
use crate::engine::fs;
use crate::engine::manifest::{Lockfile, Manifest};
use crate::engine::pipeline::{self, RunOptions, RunResult};
use crate::engine::report::{display_path, ErrorReport, RunReport, SeverityCounts, REPORT_VERSION};
use crate::engine::vcs;
use crate::engine::write::write_changes;
use crate::otel::naming::{has_conforming_shape, DEFAULT_PREFIX};
use crate::transforms;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchFile {
    #[serde(default)]
    repo: Vec<RepoEntry>,
}

#[derive(Debug, Deserialize)]
struct RepoEntry {
    path: PathBuf,
    /// The `otel-migrate.toml` keys; validated as a [`Config`].
    #[serde(flatten)]
    settings: toml::Table,
}

/// A repository of the batch file, resolved.
#[derive(Debug, Clone)]
pub struct RepoSpec {
    /// As written in the batch file.
    pub name: String,
    /// Resolved against the batch file's directory.
    pub path: PathBuf,
    pub settings: toml::Table,
}

/// Reads a batch file: its repositories, in order.
pub fn load(file: &Path) -> Result<Vec<RepoSpec>, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let parsed: BatchFile = toml::from_str(&text)
        .map_err(|e| format!("invalid {}: {}", file.display(), e.to_string().trim_end()))?;
    if parsed.repo.is_empty() {
        return Err(format!("{}: no [[repo]] entries", file.display()));
    }
    let base = file.parent().unwrap_or(Path::new("."));
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for entry in parsed.repo {
        // Typos in per-repo keys fail the whole file: nothing would run as the user meant.
        toml::Value::Table(entry.settings.clone())
            .try_into::<Config>()
            .map_err(|e| {
                format!(
                    "invalid {}: [[repo]] `{}`: {}",
                    file.display(),
                    entry.path.display(),
                    e.to_string().trim_end()
                )
            })?;
        let name = entry.path.to_string_lossy().replace('\\', "/");
        if !seen.insert(name.clone()) {
            return Err(format!(
                "{}: repository `{name}` is listed twice",
                file.display()
            ));
        }
        out.push(RepoSpec {
            path: base.join(&entry.path),
            name,
            settings: entry.settings,
        });
    }
    Ok(out)
}

/// The repository's own `otel-migrate.toml` with the batch entry's keys laid over it, and the
/// warning when the own file tries to set `write-through-symlinks` (only the batch entry may:
/// the key is dropped from the own file).
pub fn repo_config(
    repo: &Path,
    settings: &toml::Table,
) -> Result<(Config, Option<Finding>), String> {
    let own_path = repo.join(CONFIG_FILE);
    let tree =
        fs::real_path(repo).map_err(|e| format!("cannot resolve {}: {e}", repo.display()))?;
    if let Some(target) = fs::leaves(&own_path, &tree) {
        return Err(format!(
            "{} is a symbolic link to {}, outside the repository: not read; put its keys in the batch entry",
            own_path.display(),
            target.display()
        ));
    }
    let mut merged = if own_path.is_file() {
        let text = std::fs::read_to_string(&own_path)
            .map_err(|e| format!("cannot read {}: {e}", own_path.display()))?;
        toml::from_str::<toml::Table>(&text).map_err(|e| {
            format!(
                "invalid {}: {}",
                own_path.display(),
                e.to_string().trim_end()
            )
        })?
    } else {
        toml::Table::new()
    };
    let ignored = merged
        .remove(PERMISSION_KEY)
        .is_some_and(|v| v.as_bool() != Some(false))
        .then(|| ignored_permission(&own_path));
    overlay(&mut merged, settings, 0);
    let config = toml::Value::Table(merged)
        .try_into::<Config>()
        .map_err(|e| {
            format!(
                "invalid config for {}: {}",
                repo.display(),
                e.to_string().trim_end()
            )
        })?;
    Ok((config, ignored))
}

/// The config key that allows writing through symbolic links out of the repository.
const PERMISSION_KEY: &str = "write-through-symlinks";

/// Tables merge key by key down to the maps of `[service-name]`; other values are replaced.
fn overlay(base: &mut toml::Table, top: &toml::Table, depth: usize) {
    for (k, v) in top {
        match (base.get_mut(k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(t)) if depth < 2 => {
                overlay(b, t, depth + 1)
            }
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct BatchOptions {
    pub apply: bool,
    pub allow_dirty: bool,
    pub verify: bool,
    /// With `--apply --verify`: also write the lockfiles the verification refreshed.
    pub update_lock: bool,
    /// With `--verify`: how cargo runs (`--offline`, `--locked`).
    pub cargo: heal::Settings,
    pub only: Vec<String>,
    pub skip: Vec<String>,
    pub include_orphans: bool,
    /// Rewritten files that were rustfmt-clean go through rustfmt (`--no-rustfmt` turns it off).
    pub rustfmt: bool,
    /// `--write-through-symlinks` for every repository (a batch entry may set it for its own).
    pub write_through_symlinks: bool,
    /// `--to` for every repository (over a batch entry's `target`).
    pub target: Option<String>,
}

/// What happened to one repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RepoStatus {
    Ok,
    /// An error (bad path or config, unparsable files, write failures): see the report.
    Error,
    /// `--apply` refused: a file to change is dirty. Nothing was written there.
    SkippedDirty,
}

#[derive(Debug)]
pub struct RepoRun {
    pub name: String,
    pub path: PathBuf,
    pub status: RepoStatus,
    pub adopt: bool,
    pub result: RunResult,
    pub report: RunReport,
    pub dirty: Vec<vcs::DirtyFile>,
    pub written: usize,
    pub verify: Option<VerifyReport>,
}

impl RepoRun {
    fn failed(spec: &RepoSpec, message: String) -> RepoRun {
        let mut result = RunResult::default();
        result.errors.push((spec.path.clone(), message));
        repo_run(spec, false, result)
    }
}

fn repo_run(spec: &RepoSpec, adopt: bool, result: RunResult) -> RepoRun {
    let report = RunReport::from_result(&result);
    RepoRun {
        name: spec.name.clone(),
        path: spec.path.clone(),
        status: if report.errors.is_empty() {
            RepoStatus::Ok
        } else {
            RepoStatus::Error
        },
        adopt,
        result,
        report,
        dirty: Vec::new(),
        written: 0,
        verify: None,
    }
}

/// Migrates (and with `apply`, writes) every repository, in parallel; `done` is called as each
/// finishes (for the progress bar). Verification is separate: [`verify_all`].
pub fn run_all(
    specs: &[RepoSpec],
    opts: &BatchOptions,
    done: &(dyn Fn(&str) + Sync),
) -> Vec<RepoRun> {
    specs
        .par_iter()
        .map(|spec| {
            let run = std::panic::catch_unwind(AssertUnwindSafe(|| run_repo(spec, opts)))
                .unwrap_or_else(|panic| {
                    let what = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    RepoRun::failed(spec, format!("internal error (please report): {what}"))
                });
            done(&spec.name);
            run
        })
        .collect()
}

fn run_repo(spec: &RepoSpec, opts: &BatchOptions) -> RepoRun {
    if !spec.path.is_dir() {
        return RepoRun::failed(spec, "repository path does not exist".to_string());
    }
    let (config, ignored) = match repo_config(&spec.path, &spec.settings) {
        Ok(c) => c,
        Err(e) => return RepoRun::failed(spec, e),
    };
    let paths = vec![spec.path.clone()];
    let options = RunOptions {
        paths: paths.clone(),
        only: opts.only.clone(),
        skip: opts.skip.clone(),
        config_file: None,
        config: Some(config.clone()),
        include_orphans: opts.include_orphans,
        disabled: Default::default(),
        target: opts.target.clone(),
        rustfmt: opts.rustfmt,
    };
    let mut result = pipeline::run(transforms::all(), &options);
    if config.adopt {
        let plan = adopt::plan(&paths, Some(&config), opts.target.as_deref(), &result);
        adopt::overlay(&mut result, plan);
    }
    result.findings.extend(ignored.clone());
    let containment = Containment::new(
        &paths,
        opts.write_through_symlinks || config.write_through_symlinks,
    );
    containment.enforce(&mut result);
    // Healed before anything is written (an adopted repository is checked afterwards, as it
    // was: adoption's edits are no transform the loop could back out).
    let mut healed = None;
    let mut locks = Vec::new();
    if opts.verify && !config.adopt && result.errors.is_empty() {
        let h = heal::heal(
            transforms::all(),
            &options,
            &opts.cargo,
            result,
            &|r: &mut RunResult| {
                r.findings.extend(ignored.clone());
                containment.enforce(r)
            },
        );
        result = h.result;
        healed = Some(h.report);
        locks = h.locks;
    }
    let mut run = repo_run(spec, config.adopt, result);
    run.verify = healed;
    if let Some(v) = run
        .verify
        .as_ref()
        .filter(|v| v.status == VerifyStatus::Error)
    {
        let why = v
            .projects
            .iter()
            .filter_map(|p| p.message.as_deref())
            .collect::<Vec<_>>();
        run.report.errors.push(ErrorReport {
            path: display_path(&spec.path),
            message: format!(
                "the verification could not run; nothing was written: {}",
                why.join("; ")
            ),
        });
        run.report.summary.errors = run.report.errors.len();
        run.status = RepoStatus::Error;
        return run;
    }
    if opts.apply && run.status == RepoStatus::Ok {
        let outcome = write_changes(&run.result, opts.allow_dirty, &containment);
        run.written = outcome.written;
        for e in outcome.status_errors {
            run.report.errors.push(ErrorReport {
                path: display_path(&spec.path),
                message: e,
            });
        }
        for (p, e) in outcome.write_errors {
            run.report.errors.push(ErrorReport {
                path: display_path(&p),
                message: e,
            });
        }
        if opts.update_lock && outcome.refused.is_empty() {
            for (p, e) in heal::write_locks(&locks, run.verify.as_mut()) {
                run.report.errors.push(ErrorReport {
                    path: display_path(&p),
                    message: e,
                });
            }
        }
        run.report.summary.errors = run.report.errors.len();
        if !outcome.refused.is_empty() {
            run.status = RepoStatus::SkippedDirty;
            run.dirty = outcome.refused;
        } else if !run.report.errors.is_empty() {
            run.status = RepoStatus::Error;
        }
    }
    run
}

/// Compile-checks each repository that ran (after a dry run: its migrated texts on a copy;
/// after `--apply`: what was written). Skipped-dirty and failed repositories are not checked.
pub fn verify_all(runs: &mut [RepoRun], started: &(dyn Fn(&str) + Sync)) {
    for run in runs.iter_mut() {
        if run.status != RepoStatus::Ok || run.verify.is_some() {
            continue;
        }
        started(&run.name);
        let roots = verify::project_roots(&run.result, std::slice::from_ref(&run.path));
        run.verify = Some(verify::verify(&roots, &run.result.files));
    }
}

/// `--apply --verify --update-lock` for adopted repositories (checked, not healed): the
/// lockfile step on what was written, its findings, the refreshed lock written.
pub fn refresh_adopted_locks(runs: &mut [RepoRun]) {
    for run in runs
        .iter_mut()
        .filter(|r| r.adopt && r.status == RepoStatus::Ok)
    {
        let check = match heal::check_lock_alone(&run.path, &heal::Settings::default()) {
            Ok(c) => c,
            Err(e) => {
                run.report.errors.push(ErrorReport {
                    path: display_path(&run.path),
                    message: format!("the lockfile could not be refreshed: {e}"),
                });
                run.report.summary.errors = run.report.errors.len();
                continue;
            }
        };
        for f in check.findings {
            run.report.summary.findings += 1;
            run.report.summary.by_severity.warning += 1;
            run.report.findings.push(f);
        }
        let mut state = check.state.to_string();
        if let Some(text) = check.refreshed {
            let lock = run.path.join("Cargo.lock");
            let errors = heal::write_locks(&[(lock, text)], None);
            state = if errors.is_empty() {
                "refreshed, written".to_string()
            } else {
                state
            };
            for (p, message) in errors {
                run.report.errors.push(ErrorReport {
                    path: display_path(&p),
                    message,
                });
            }
            run.report.summary.errors = run.report.errors.len();
        }
        for p in run.verify.iter_mut().flat_map(|v| v.projects.iter_mut()) {
            p.lockfile = Some(state.clone());
        }
    }
}

/// The batch JSON document. Written by `batch`, read back by `merge` (hence owned or borrowed).
#[derive(Debug, Serialize, Deserialize)]
pub struct BatchReport<'a> {
    pub version: u32,
    pub repos: Vec<RepoReport<'a>>,
    pub summary: BatchSummary,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct RepoReport<'a> {
    /// As the batch file names it.
    pub name: String,
    pub path: String,
    pub status: RepoStatus,
    pub report: Cow<'a, RunReport>,
    pub verify: Option<Cow<'a, VerifyReport>>,
    /// Files that kept `--apply` from writing this repository.
    pub dirty: Vec<DirtyReport>,
    pub written: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DirtyReport {
    pub path: String,
    pub state: String,
}

#[derive(Debug, Serialize, Deserialize, Default, PartialEq)]
pub struct BatchSummary {
    pub repos: usize,
    pub repos_changed: usize,
    pub repos_with_errors: usize,
    pub repos_skipped_dirty: usize,
    pub files_scanned: usize,
    pub files_changed: usize,
    pub files_written: usize,
    /// Accepted edits per transform, over all repositories.
    pub edits: BTreeMap<String, usize>,
    pub findings: usize,
    pub by_severity: SeverityCounts,
    pub suppressed: usize,
    pub errors: usize,
    /// Old-API sites before the run and what became of them, over all repositories.
    #[serde(default)]
    pub coverage: Coverage,
    /// Repositories per verify result (`compiles`, `fails`, `error`); empty without `--verify`.
    pub verify: BTreeMap<String, usize>,
    /// Service names seen in the migrated code, across repositories.
    pub service_names: Vec<ServiceNameUse>,
    pub next_steps: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, Clone, PartialEq, Eq)]
pub struct ServiceNameUse {
    pub name: String,
    pub repos: Vec<String>,
    /// Whether it follows `llm.{component}[.{subcomponent}]`.
    pub conventional: bool,
    /// The names this run renames to it (empty for a name the run left as it was).
    #[serde(default)]
    pub was: Vec<String>,
}

impl RepoStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RepoStatus::Ok => "ok",
            RepoStatus::Error => "error",
            RepoStatus::SkippedDirty => "skipped-dirty",
        }
    }
}

impl<'a> BatchReport<'a> {
    /// The repositories, for the report formats.
    pub fn projects(&'a self) -> Vec<Project<'a>> {
        self.repos
            .iter()
            .map(|r| Project {
                name: &r.name,
                root: &r.path,
                report: &r.report,
                verify: r.verify.as_deref(),
            })
            .collect()
    }
}

pub fn report<'a>(runs: &'a [RepoRun], opts: &BatchOptions) -> BatchReport<'a> {
    let repos: Vec<RepoReport> = runs
        .iter()
        .map(|r| RepoReport {
            name: r.name.clone(),
            path: display_path(&r.path),
            status: r.status,
            report: Cow::Borrowed(&r.report),
            verify: r.verify.as_ref().map(Cow::Borrowed),
            dirty: r
                .dirty
                .iter()
                .map(|d| DirtyReport {
                    path: display_path(&d.path),
                    state: d.state.to_string(),
                })
                .collect(),
            written: r.written,
        })
        .collect();
    let summary = BatchSummary {
        service_names: service_names(runs),
        next_steps: next_steps(runs, opts),
        ..summarize(&repos)
    };
    BatchReport {
        version: REPORT_VERSION,
        repos,
        summary,
    }
}

/// The counts of the summary, from the repository rows (a batch's or merged reports'). The
/// service names and next steps come from the runs; the caller sets them.
pub fn summarize(repos: &[RepoReport]) -> BatchSummary {
    let mut s = BatchSummary {
        repos: repos.len(),
        ..BatchSummary::default()
    };
    for r in repos {
        let rs = &r.report.summary;
        s.repos_changed += usize::from(rs.files_changed > 0);
        s.repos_with_errors += usize::from(r.status == RepoStatus::Error);
        s.repos_skipped_dirty += usize::from(r.status == RepoStatus::SkippedDirty);
        s.files_scanned += rs.files_scanned;
        s.files_changed += rs.files_changed;
        s.files_written += r.written;
        s.findings += rs.findings;
        s.by_severity.add(&rs.by_severity);
        s.coverage.add(&rs.coverage);
        s.suppressed += rs.suppressed;
        s.errors += rs.errors;
        for (t, n) in edits_of(&r.report) {
            *s.edits.entry(t).or_default() += n;
        }
        if let Some(v) = &r.verify {
            *s.verify.entry(v.status.as_str().to_string()).or_default() += 1;
        }
    }
    s
}

/// Edits per transform of one run report.
pub fn edits_of(report: &RunReport) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for f in &report.files {
        for e in &f.edits {
            *m.entry(e.transform.clone()).or_default() += e.count;
        }
    }
    m
}

/// The exit code: 2 when a repository had an error or was skipped as dirty; else 1 when
/// `--verify` failed or (`--check`) a change or an error/warning finding is pending; else 0.
pub fn exit_code(runs: &[RepoRun], check: bool) -> u8 {
    if runs.iter().any(|r| r.status != RepoStatus::Ok) {
        return 2;
    }
    let verify_failed = runs
        .iter()
        .any(|r| r.verify.as_ref().is_some_and(|v| !v.passed()));
    let check_failed = check && runs.iter().any(|r| r.report.check_fails());
    if verify_failed || check_failed {
        1
    } else {
        0
    }
}

/// A repository's cells of the summary table (text and HTML).
pub struct SummaryCells {
    pub scanned: String,
    pub changed: String,
    pub edits: String,
    pub findings: String,
    pub errors: String,
    pub verify: String,
}

pub fn summary_table_cells(r: &RepoReport) -> SummaryCells {
    let s = &r.report.summary;
    let edits = edits_of(&r.report);
    let edits = if edits.is_empty() {
        "-".to_string()
    } else {
        edits
            .iter()
            .map(|(t, n)| format!("{t}:{n}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let verify = match (r.verify.as_deref(), r.status) {
        (_, RepoStatus::SkippedDirty) => "skipped (dirty)".to_string(),
        (Some(v), _) => v.short(),
        (None, RepoStatus::Error) => "-".to_string(),
        (None, _) => "not run".to_string(),
    };
    SummaryCells {
        scanned: s.files_scanned.to_string(),
        changed: s.files_changed.to_string(),
        edits,
        findings: format!(
            "{}/{}/{}",
            s.by_severity.error, s.by_severity.warning, s.by_severity.note
        ),
        errors: s.errors.to_string(),
        verify,
    }
}

/// The summary table, one row per repository.
pub fn summary_table(repos: &[RepoReport]) -> String {
    let header = [
        "repository",
        "scanned",
        "changed",
        "edits per transform",
        "findings (E/W/N)",
        "errors",
        "verify",
    ];
    let rows: Vec<[String; 7]> = repos
        .iter()
        .map(|r| {
            let c = summary_table_cells(r);
            [
                r.name.clone(),
                c.scanned,
                c.changed,
                c.edits,
                c.findings,
                c.errors,
                c.verify,
            ]
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    let mut out = String::new();
    out.push_str(&line(header.to_vec()));
    out.push('\n');
    out.push_str(&line(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect(),
    ));
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}

/// The cross-repository table of service names.
pub fn service_names_table(names: &[ServiceNameUse]) -> String {
    if names.is_empty() {
        return String::new();
    }
    let width = names
        .iter()
        .map(|n| n.name.len())
        .max()
        .unwrap_or(0)
        .max(12);
    let mut out = format!(
        "{:<width$}  {:<10}  repositories\n",
        "service name", "convention"
    );
    for n in names {
        let was = if n.was.is_empty() {
            String::new()
        } else {
            format!("  (was {})", n.was.join(", "))
        };
        out.push_str(&format!(
            "{:<width$}  {:<10}  {}{was}\n",
            n.name,
            if n.conventional { "ok" } else { "differs" },
            n.repos.join(", ")
        ));
    }
    out
}

/// Service names in each repository's migrated code: string literals on lines that set or
/// hold a service name (`service.name` attributes, `SERVICE_NAME` constants, `service_name`
/// fields, `with_service_name`). A text scan of every `.rs` file (migrated text where the run
/// changed it): simple, and it sees the names the `service-name` transform left or wrote.
fn service_names(runs: &[RepoRun]) -> Vec<ServiceNameUse> {
    let mut by_name: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut was: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in runs.iter().filter(|r| r.status != RepoStatus::Error) {
        for (old, new) in r.result.findings.iter().filter_map(rename_of) {
            was.entry(new).or_default().insert(old);
        }
        // Files the run creates (adopt's module) are not on disk yet. The walk's paths are
        // spelled as the batch file gave them, the run's are canonical: compare canonical
        // paths, or a dry run would read the old text of a file the run migrated.
        let mut paths: Vec<PathBuf> = walk(&r.path, false)
            .rust_files
            .into_iter()
            .map(|p| p.canonicalize().unwrap_or(p))
            .collect();
        paths.extend(
            r.result
                .files
                .iter()
                .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
                .map(|f| f.path.clone()),
        );
        paths.sort();
        paths.dedup();
        for path in paths {
            let text = match r.result.files.iter().find(|f| f.path == path) {
                Some(f) => f.output().to_string(),
                None => match std::fs::read_to_string(&path) {
                    Ok(t) => t,
                    Err(_) => continue,
                },
            };
            for name in names_in(&text) {
                by_name.entry(name).or_default().insert(r.name.clone());
            }
        }
    }
    by_name
        .into_iter()
        .map(|(name, repos)| ServiceNameUse {
            conventional: has_conforming_shape(DEFAULT_PREFIX, &name),
            was: was.remove(&name).unwrap_or_default().into_iter().collect(),
            name,
            repos: repos.into_iter().collect(),
        })
        .collect()
}

/// `(old, new)` of a `service-name` rename note (`renamed service name `old` → `new` …`).
fn rename_of(f: &Finding) -> Option<(String, String)> {
    if f.transform != "service-name" {
        return None;
    }
    let rest = f.message.strip_prefix("renamed service name `")?;
    let (old, rest) = rest.split_once("` → `")?;
    let (new, _) = rest.split_once('`')?;
    Some((old.to_string(), new.to_string()))
}

/// Lines that set or hold a service name.
const NAME_SITES: &[&str] = &[
    "\"service.name\"",
    "SERVICE_NAME",
    "service_name",
    "with_service_name",
];

/// The literal each service-name site on a line holds: the value right after the site
/// (`"service.name", "x"`, `SERVICE_NAME, "x"`, `SERVICE_NAME: &str = "x"`,
/// `service_name: "x"`, `service_name = "x"`, `with_service_name("x")`). Other literals on the
/// same line (`KeyValue::new("replay.source", "stdin")`, keys, span names) are not names.
fn names_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        for site in NAME_SITES {
            for (at, _) in code.match_indices(site) {
                let Some(lit) = value_after(&code[at + site.len()..]) else {
                    continue;
                };
                if is_plausible_name(lit) && !out.iter().any(|o| o == lit) {
                    out.push(lit.to_string());
                }
            }
        }
    }
    out
}

/// The string literal that is the site's value: only punctuation of a binding, argument list
/// or typed constant between the site and the literal.
fn value_after(rest: &str) -> Option<&str> {
    let open = rest.find('"')?;
    let gap = rest[..open].trim();
    let binds = matches!(gap, "," | "=" | ":" | "(")
        || (gap.starts_with(':') && gap.ends_with('=') && !gap.contains([',', '(', ';', ')']));
    if !binds {
        return None;
    }
    let lit = &rest[open + 1..];
    lit.find('"').map(|close| &lit[..close])
}

fn is_plausible_name(lit: &str) -> bool {
    !lit.is_empty()
        && lit != "service.name"
        && lit.len() <= 64
        && lit
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// What the user does after the batch: lockfiles, deployments, the next command.
fn next_steps(runs: &[RepoRun], opts: &BatchOptions) -> Vec<String> {
    let mut steps = Vec::new();
    for r in runs {
        let crates = bumped_crates(&r.result);
        if !crates.is_empty()
            && walk(&r.path, true)
                .manifests
                .iter()
                .any(|m| m.with_file_name("Cargo.lock").is_file())
        {
            let ps: Vec<String> = crates.iter().map(|c| format!("-p {c}")).collect();
            steps.push(format!(
                "{}: refresh the lockfile: (cd {} && cargo update {})",
                r.name,
                display_path(&r.path),
                ps.join(" ")
            ));
        }
        for f in &r.report.findings {
            let deployment = is_deployment_file(&f.path);
            if f.severity == Severity::Note && (deployment || f.transform == adopt::ID) {
                steps.push(format!(
                    "{}: deployment: {}:{}: {}",
                    r.name,
                    f.path.display(),
                    f.line,
                    f.message
                ));
            }
        }
        if r.status == RepoStatus::SkippedDirty {
            steps.push(format!(
                "{}: skipped, {} file(s) to change have uncommitted changes: commit or stash them, or pass --allow-dirty",
                r.name,
                r.dirty.len()
            ));
        }
    }
    let pending = runs.iter().any(|r| r.report.summary.files_changed > 0);
    if !opts.apply && pending {
        steps.push("review the diffs, then run again with --apply (each repository must be a clean git work tree) and --verify to compile-check the result".to_string());
    } else if opts.apply && !opts.verify && runs.iter().any(|r| r.written > 0) {
        steps.push("compile-check the written repositories: run again with --verify (or cargo check --all-targets in each)".to_string());
    }
    steps
}

/// Crates whose requirement a changed manifest raised and that a Cargo.lock of the project
/// pins: `cargo update -p` them. (Newly added dependencies need nothing: cargo locks them on
/// the next build, and `cargo update -p` rejects a crate the lockfile does not have.)
fn bumped_crates(result: &RunResult) -> Vec<String> {
    let mut out = BTreeSet::new();
    for f in result
        .files
        .iter()
        .filter(|f| f.changed() && f.path.ends_with("Cargo.toml"))
    {
        let lock = std::fs::read_to_string(f.project_root.join("Cargo.lock"))
            .ok()
            .and_then(|t| Lockfile::parse(&t).ok());
        let Some(lock) = lock else {
            continue;
        };
        let (Ok(old), Ok(new)) = (
            Manifest::parse(&f.path, &f.original),
            Manifest::parse(&f.path, f.output()),
        ) else {
            continue;
        };
        for d in &new.deps {
            let before = old
                .deps
                .iter()
                .find(|o| o.key == d.key && o.table == d.table);
            let raised = before.is_some_and(|o| o.version != d.version && d.version.is_some());
            let package = before.map_or(d.package.as_str(), |o| o.package.as_str());
            if raised && lock.packages.contains_key(package) {
                out.insert(package.to_string());
            }
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_entry_keys_win_key_by_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "skip = [\"service-name\"]\nallow = [\"engine\"]\n[service-name]\ncomponent = \"old\"\nprefix = \"llm\"\n[service-name.crates]\na = \"x\"\n",
        )
        .unwrap();
        let settings: toml::Table = toml::from_str(
            "adopt = true\n[service-name]\ncomponent = \"new\"\n[service-name.crates]\nb = \"y\"\n",
        )
        .unwrap();
        let (c, ignored) = repo_config(dir.path(), &settings).unwrap();
        assert!(ignored.is_none());
        assert!(c.adopt);
        assert_eq!(c.skip, vec!["service-name"]);
        assert_eq!(c.allow.len(), 1);
        assert_eq!(c.service_name.component.as_deref(), Some("new"));
        assert_eq!(c.service_name.prefix.as_deref(), Some("llm"));
        assert_eq!(c.service_name.crates.len(), 2);
    }

    #[test]
    fn finds_names_on_service_name_lines() {
        let text = "const SERVICE_NAME: &str = \"llm-shield\";\nKeyValue::new(\"service.name\", \"llm.edge-agent\"),\nlet x = \"not-a-name\";\nKeyValue::new(\"component\", SERVICE_NAME),\nglobal::tracer(SERVICE_NAME).start(\"span.x\");\nKeyValue::new(\"service.namespace\", \"llm-devops\"),\n.with_service_name(\"llm.a\")\n";
        assert_eq!(
            names_in(text),
            vec!["llm-shield", "llm.edge-agent", "llm.a"]
        );
    }

    #[test]
    fn look_alike_literals_on_a_service_name_line_are_not_names() {
        let text = "let r = vec![KeyValue::new(\"service.name\", \"llm.replay\"), KeyValue::new(\"replay.source\", \"stdin\")];\nlet c = Config { service_name: \"llm.cost-ops\".into(), endpoint: \"localhost\".into() };\nKeyValue::new(SERVICE_NAME, \"llm.b\"), KeyValue::new(\"k\", \"v\")\n";
        assert_eq!(names_in(text), vec!["llm.replay", "llm.cost-ops", "llm.b"]);
    }
}
