//! The per-project, per-file pipeline (design.md §3): discover, prefilter, build the context,
//! run the transforms in registry order on a fresh parse each, re-parse after each and drop a
//! transform's changes when the result does not parse, and collect findings located in the
//! original file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::engine::config::Config;
use crate::engine::context::{names_telemetry_crate, PackageInfo, Project, TELEMETRY_NEEDLES};
use crate::engine::discover::{discover, DiscoverOptions, ProjectFiles};
use crate::engine::edit::{EditSet, TextRange};
use crate::engine::finding::{Finding, RawFinding, Severity};
use crate::engine::manifest::Manifest;
use crate::engine::source::SourceFile;
use crate::engine::syntax::ImportMap;
use crate::engine::transform::{FileContext, FileKind, Transform};
use crate::transforms;

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
}

/// One file a transform looked at.
#[derive(Debug, Clone)]
pub struct FileResult {
    pub path: PathBuf,
    pub original: String,
    pub output: String,
    /// Accepted edits per transform, in registry order.
    pub edits: Vec<(String, usize)>,
    /// Where the accepted edits fall in the original text.
    pub edit_ranges: Vec<TextRange>,
    pub project_root: PathBuf,
    pub git_root: Option<PathBuf>,
}

impl FileResult {
    pub fn changed(&self) -> bool {
        self.original != self.output
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
}

impl RunResult {
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

/// Runs every enabled transform over the PATHs, in memory.
pub fn run(opts: &RunOptions) -> RunResult {
    let mut result = RunResult::default();
    run_each(opts, |r| {
        result.files.extend(r.files);
        result.findings.extend(r.findings);
        result.suppressed += r.suppressed;
        result.errors.extend(r.errors);
        result.files_scanned += r.files_scanned;
        result.sources.extend(r.sources);
    });
    result.files.sort_by(|a, b| a.path.cmp(&b.path));
    result.findings.sort_by(finding_order);
    result.findings.dedup();
    result.errors.sort();
    result.errors.dedup();
    result
}

fn finding_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    (&a.path, a.line, a.column, &a.transform).cmp(&(&b.path, b.line, b.column, &b.transform))
}

/// Runs every enabled transform over the PATHs and hands over the results as they are ready,
/// so a caller that prints and drops them stays flat in memory however big the tree: first the
/// discovery's findings and errors (bad config, unknown ids, missing PATHs), then one result per
/// project, in the order of the project roots, each with its files and findings sorted.
pub fn run_each(opts: &RunOptions, mut each: impl FnMut(RunResult)) {
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
        if transforms::find(id).is_none() {
            head.errors.push((
                PathBuf::from(id),
                format!("unknown transform `{id}` (see `otel-migrate list`)"),
            ));
        }
    }
    if !head.errors.is_empty() {
        return each(head);
    }
    let mut discovery = discover(
        &opts.paths,
        &DiscoverOptions {
            config_override: config_override.as_ref(),
        },
    );
    head.findings.extend(discovery.findings);
    head.findings.sort_by(finding_order);
    head.errors.extend(discovery.errors);
    each(head);
    discovery
        .projects
        .sort_by(|a, b| a.project.root.cmp(&b.project.root));
    let mut projects = discovery.projects.into_iter().peekable();
    while projects.peek().is_some() {
        let batch: Vec<ProjectFiles> = projects.by_ref().take(PROJECTS_IN_FLIGHT).collect();
        let results: Vec<RunResult> = batch
            .into_par_iter()
            .map(|p| {
                let mut r = run_project(p, opts);
                r.files.sort_by(|a, b| a.path.cmp(&b.path));
                r.findings.sort_by(finding_order);
                r.findings.dedup();
                r
            })
            .collect();
        results.into_iter().for_each(&mut each);
    }
}

/// A file read for the pipeline: text, or why it cannot be processed.
enum Read {
    Text(String),
    /// No transform would look at it.
    Skipped,
    Error(String),
}

fn read_file(path: &Path, needles: &[&str]) -> Read {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return Read::Error(format!("cannot read file: {e}")),
    };
    let contains = |n: &&str| memchr::memmem::find(&bytes, n.as_bytes()).is_some();
    let hit = needles.iter().any(contains);
    // A file that mentions telemetry but cannot be decoded is an error even when no enabled
    // transform would look at it: the user must know it was not migrated.
    if !hit && !TELEMETRY_NEEDLES.iter().any(contains) {
        return Read::Skipped;
    }
    match String::from_utf8(bytes) {
        Ok(_) if !hit => Read::Skipped,
        Ok(t) => Read::Text(t),
        Err(e) => Read::Error(format!(
            "not valid UTF-8 (invalid byte at offset {}); file left untouched",
            e.utf8_error().valid_up_to()
        )),
    }
}

fn run_project(pf: ProjectFiles, opts: &RunOptions) -> RunResult {
    let ProjectFiles {
        mut project,
        manifests,
        rust_files,
        deployment_files,
    } = pf;
    let mut result = RunResult {
        files_scanned: manifests.len() + rust_files.len(),
        ..RunResult::default()
    };
    if project.config_error.is_some() {
        // The error is already reported; migrating with a config the user did not mean is worse.
        return result;
    }
    let config =
        project
            .config
            .clone()
            .merged_with_cli(&opts.only, &opts.skip, opts.include_orphans);
    let enabled: Vec<&'static dyn Transform> = transforms::all()
        .iter()
        .copied()
        .filter(|t| config.is_enabled(t.id()))
        .collect();
    let usage_wanted = enabled.iter().any(|t| t.kind() == FileKind::Manifest);
    // One plan per package (same index) and one for files outside any package.
    let plans: Vec<Plan> = project
        .packages
        .iter()
        .map(|p| Plan::new(&enabled, Some(p), usage_wanted))
        .collect();
    // Files in no package are read for every enabled transform's needles: an orphan that uses
    // telemetry is reported even when no transform can migrate it without a package.
    let all_rust_needles = needles_of(&enabled, FileKind::Rust);
    let loose = Plan {
        read_needles: all_rust_needles.clone(),
        ..Plan::new(&enabled, None, false)
    };
    let plan_of = |package: Option<usize>| package.map_or(&loose, |i| &plans[i]);

    // Read the Rust files first: their usage facts feed the manifest transforms.
    let texts: Vec<(PathBuf, Option<usize>, Read)> = rust_files
        .par_iter()
        .map(|p| {
            let package = package_index(&project, p);
            let needles = &plan_of(package).read_needles;
            let read = if needles.is_empty() {
                Read::Skipped
            } else {
                read_file(p, needles)
            };
            (p.clone(), package, read)
        })
        .collect();
    let mut rust_inputs = Vec::new();
    let mut orphan_dirs: BTreeSet<PathBuf> = BTreeSet::new();
    let mut version_blind: BTreeMap<PathBuf, BTreeSet<&'static str>> = BTreeMap::new();
    for (path, package, read) in texts {
        match read {
            Read::Text(text) => {
                let plan = plan_of(package);
                let for_rust = plan.rust_needles.iter().any(|n| text.contains(n));
                let orphan = project.has_manifests() && package.is_none();
                if orphan && !config.include_orphans {
                    if all_rust_needles.iter().any(|n| text.contains(n)) {
                        orphan_dirs.insert(path.parent().unwrap_or(&path).to_path_buf());
                    }
                    continue;
                }
                if orphan {
                    // Included, but a transform that needs the package's versions cannot run.
                    let dir = path.parent().unwrap_or(&path).to_path_buf();
                    for t in &enabled {
                        if !t.applies_to(None)
                            && t.scans(FileKind::Rust)
                            && t.needles().iter().any(|n| text.contains(n))
                        {
                            version_blind.entry(dir.clone()).or_default().insert(t.id());
                        }
                    }
                }
                if let Some(i) = package.filter(|_| plan.wants_usage) {
                    project.packages[i].usage.scan(&text);
                }
                if for_rust {
                    rust_inputs.push((path, text, package));
                }
            }
            Read::Skipped => {}
            Read::Error(e) => result.errors.push((path, e)),
        }
    }
    for (dir, ids) in version_blind {
        let ids: Vec<&str> = ids.into_iter().collect();
        result.findings.push(
            Finding::about_path(
                &dir,
                "engine",
                Severity::Note,
                format!("not part of any package: included, but these transforms need a package's dependency versions and left the files alone: {}", ids.join(", ")),
            )
            .with_suggestion("add these files to a package (or give them a Cargo.toml) so the versions they are written against are known"),
        );
    }
    for dir in orphan_dirs {
        result.findings.push(
            Finding::about_path(&dir, "engine", Severity::Note, "not part of any package: skipped")
                .with_suggestion("these files use telemetry APIs but no Cargo package contains them; pass --include-orphans to migrate them too"),
        );
    }

    let manifest_needles = needles_of(&enabled, FileKind::Manifest);
    let manifest_inputs: Vec<(PathBuf, String, Option<usize>)> = manifests
        .iter()
        .filter_map(|p| match read_file(p, &manifest_needles) {
            Read::Text(t) if names_telemetry_crate(&t) => {
                Some((p.clone(), t, package_index(&project, p)))
            }
            Read::Error(e) => {
                result.errors.push((p.clone(), e));
                None
            }
            _ => None,
        })
        .collect();

    // Deployment files are read only when a transform scans them (findings only).
    let deployment_needles = needles_of(&enabled, FileKind::Deployment);
    let deployment_inputs: Vec<(PathBuf, String, Option<usize>)> = if deployment_needles.is_empty()
    {
        Vec::new()
    } else {
        result.files_scanned += deployment_files.len();
        deployment_files
            .iter()
            .filter_map(|p| {
                let package = package_index(&project, p);
                let needles = &plan_of(package).deployment_needles;
                if needles.is_empty() {
                    return None;
                }
                match read_file(p, needles) {
                    Read::Text(t) => Some((p.clone(), t, package)),
                    Read::Error(e) => {
                        result.errors.push((p.clone(), e));
                        None
                    }
                    Read::Skipped => None,
                }
            })
            .collect()
    };

    let project = &project;
    let config = &config;
    let outcomes: Vec<(FileKind, FileRun)> = manifest_inputs
        .into_par_iter()
        .map(|(p, t, i)| (p, t, i, FileKind::Manifest))
        .chain(
            rust_inputs
                .into_par_iter()
                .map(|(p, t, i)| (p, t, i, FileKind::Rust)),
        )
        .chain(
            deployment_inputs
                .into_par_iter()
                .map(|(p, t, i)| (p, t, i, FileKind::Deployment)),
        )
        .map(|(path, text, package, kind)| {
            let transforms = &plan_of(package).transforms;
            let package = package.map(|i| &project.packages[i]);
            let run = run_file(project, package, config, transforms, &path, text, kind);
            // Spans of this file are dead now; release proc-macro2's source map so memory
            // stays flat over big trees.
            proc_macro2::extra::invalidate_current_thread_spans();
            (kind, run)
        })
        .collect();
    for (kind, o) in outcomes {
        match o {
            FileRun::Done {
                file,
                findings,
                suppressed,
            } => {
                // A deployment file is never changed: keep its text only for excerpts.
                if kind == FileKind::Deployment {
                    if !findings.is_empty() {
                        result.sources.push((file.path, file.original));
                    }
                } else {
                    result.files.push(file);
                }
                result.findings.extend(findings);
                result.suppressed += suppressed;
            }
            FileRun::Failed { path, message } => result.errors.push((path, message)),
            FileRun::Skipped => {}
        }
    }
    // Cargo.lock is never edited: say once per project that `cargo update` refreshes it.
    let manifest_changed = result
        .files
        .iter()
        .any(|f| f.changed() && f.path.file_name().is_some_and(|n| n == "Cargo.toml"));
    // (The lock is only parsed for projects with telemetry dependencies: check the file too.)
    if manifest_changed && (project.lockfile.is_some() || project.root.join("Cargo.lock").is_file())
    {
        result.findings.push(
            Finding::about_path(
                &project.root.join("Cargo.toml"),
                "engine",
                Severity::Note,
                "Cargo.lock was not edited: it still pins the old versions",
            )
            .with_suggestion("run `cargo update` (or `cargo update -p <crate>` for each moved crate) to refresh it"),
        );
    }
    result
}

/// The enabled transforms that apply to one package (or to the files outside any package), and
/// the needles that let a file through to them.
struct Plan {
    transforms: Vec<&'static dyn Transform>,
    rust_needles: Vec<&'static str>,
    deployment_needles: Vec<&'static str>,
    /// Whether the files read are scanned for usage facts (the package depends on a telemetry
    /// crate).
    wants_usage: bool,
    /// What lets a Rust file be read at all: its transforms' needles, plus the telemetry
    /// needles when the manifest transforms want the usage facts of every telemetry file.
    read_needles: Vec<&'static str>,
}

impl Plan {
    fn new(enabled: &[&'static dyn Transform], package: Option<&PackageInfo>, usage: bool) -> Plan {
        let transforms: Vec<&'static dyn Transform> = enabled
            .iter()
            .copied()
            .filter(|t| t.applies_to(package))
            .collect();
        let rust_needles = needles_of(&transforms, FileKind::Rust);
        let wants_usage = package.is_some_and(PackageInfo::uses_telemetry);
        let mut read_needles = rust_needles.clone();
        if usage && wants_usage {
            read_needles.extend(TELEMETRY_NEEDLES);
        }
        Plan {
            deployment_needles: needles_of(&transforms, FileKind::Deployment),
            transforms,
            rust_needles,
            wants_usage,
            read_needles,
        }
    }
}

fn needles_of(transforms: &[&'static dyn Transform], kind: FileKind) -> Vec<&'static str> {
    let mut n: Vec<&str> = transforms
        .iter()
        .filter(|t| t.scans(kind))
        .flat_map(|t| t.needles().iter().copied())
        .collect();
    n.sort();
    n.dedup();
    n
}

fn package_index(project: &Project, path: &Path) -> Option<usize> {
    let pkg = project.package_for(path)?;
    project
        .packages
        .iter()
        .position(|p| p.manifest_path == pkg.manifest_path)
}

enum FileRun {
    Done {
        file: FileResult,
        findings: Vec<Finding>,
        suppressed: usize,
    },
    Failed {
        path: PathBuf,
        message: String,
    },
    /// No transform wants the file after a closer look at its text: not parsed.
    Skipped,
}

/// Checks that text is still valid for its kind; the error message when it is not. The
/// parsed Rust file is returned so the next transform can use it instead of parsing again.
fn reparse(kind: FileKind, file: &SourceFile) -> Result<Option<syn::File>, String> {
    match kind {
        FileKind::Rust => file.parse_rust().map(Some).map_err(|e| {
            let lc = e.span().start();
            format!("{}:{}: {e}", lc.line, lc.column + 1)
        }),
        FileKind::Manifest => toml_edit::Document::parse(file.text.clone())
            .map(|_| None)
            .map_err(|e| {
                e.to_string()
                    .lines()
                    .next()
                    .unwrap_or("invalid TOML")
                    .to_string()
            }),
        FileKind::Deployment => Ok(None),
    }
}

fn run_file(
    project: &Project,
    package: Option<&PackageInfo>,
    config: &Config,
    transforms: &[&'static dyn Transform],
    path: &Path,
    text: String,
    kind: FileKind,
) -> FileRun {
    let wanted = |t: &&&'static dyn Transform, text: &str| {
        t.scans(kind)
            && t.needles().iter().any(|n| text.contains(n))
            && t.wants(text, kind, package, project)
    };
    if !transforms.iter().any(|t| wanted(&t, &text)) {
        return FileRun::Skipped;
    }
    let original = SourceFile::new(path, text);
    // The parse of `current`, when it is fresh: a file is parsed once to check it, and again
    // only after a transform changed it.
    let mut fresh_parse = match reparse(kind, &original) {
        Ok(parsed) => parsed,
        Err(e) => {
            let what = match kind {
                FileKind::Rust => "Rust syntax error",
                FileKind::Manifest => "malformed Cargo.toml",
                FileKind::Deployment => unreachable!("deployment files are not parsed"),
            };
            return FileRun::Failed {
                path: path.to_path_buf(),
                message: format!("{what} at {e}; file left untouched"),
            };
        }
    };
    let mut current = original.clone();
    let mut history: Vec<EditSet> = Vec::new();
    let mut counts = Vec::new();
    let mut raw_findings: Vec<(&'static str, RawFinding)> = Vec::new();
    for t in transforms {
        if !wanted(&t, &current.text) {
            continue;
        }
        let (syntax, manifest) = match kind {
            FileKind::Rust => match fresh_parse.take().map_or_else(|| current.parse_rust(), Ok) {
                Ok(f) => (Some(f), None),
                Err(_) => unreachable!("text is re-parsed after every transform"),
            },
            FileKind::Manifest => match Manifest::parse(path, &current.text) {
                Ok(m) => (None, Some(m)),
                Err(_) => unreachable!("text is re-parsed after every transform"),
            },
            FileKind::Deployment => (None, None),
        };
        let imports = syntax.as_ref().map(ImportMap::of_file);
        let cx = FileContext {
            file: &current,
            syntax: syntax.as_ref(),
            imports: imports.as_ref(),
            manifest: manifest.as_ref(),
            package,
            project,
            config,
        };
        let outcome = t.run(&cx).changes;
        for f in outcome.findings {
            raw_findings.push((t.id(), map_finding(&history, f)));
        }
        if outcome.edits.is_empty() {
            // The text did not change: the next transform sees the same parse.
            fresh_parse = syntax;
            continue;
        }
        if kind == FileKind::Deployment {
            let first = outcome
                .edits
                .iter()
                .next()
                .map(|e| e.range)
                .unwrap_or_default();
            raw_findings.push((
                t.id(),
                RawFinding::new(
                    first,
                    Severity::Error,
                    "internal: a transform asked to edit a deployment file; deployment files are only reported on, its edits were dropped",
                ),
            ));
            continue;
        }
        let candidate = SourceFile::new(path, outcome.edits.apply(&current.text));
        match reparse(kind, &candidate) {
            Ok(parsed) => {
                counts.push((t.id().to_string(), outcome.edits.len()));
                history.push(outcome.edits);
                current = candidate;
                fresh_parse = parsed;
            }
            Err(e) => {
                fresh_parse = syntax;
                if std::env::var_os("OTEL_MIGRATE_DEBUG_UNPARSABLE").is_some() {
                    eprintln!("--- {} by {}:\n{}", path.display(), t.id(), candidate.text);
                }
                let first = outcome
                    .edits
                    .iter()
                    .next()
                    .map(|e| e.range)
                    .unwrap_or_default();
                raw_findings.push((
                    t.id(),
                    map_finding(
                        &history,
                        RawFinding::new(
                            first,
                            Severity::Error,
                            format!("internal: the rewrite produced code that does not parse ({e}); its changes to this file were dropped"),
                        ),
                    )
                    .with_suggestion("please report this file; migrate this site by hand"),
                ));
            }
        }
    }
    let edit_ranges = history
        .iter()
        .enumerate()
        .flat_map(|(k, set)| {
            let earlier = &history[..k];
            set.iter()
                .map(|e| {
                    TextRange::new(
                        map_back_all(earlier, e.range.start),
                        map_back_all(earlier, e.range.end),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let mut findings = Vec::new();
    let mut suppressed = 0;
    for (id, raw) in raw_findings {
        let finding = Finding::located(&original, path, id, raw);
        if is_suppressed(&original, &finding, project, config) {
            suppressed += 1;
        } else {
            findings.push(finding);
        }
    }
    FileRun::Done {
        file: FileResult {
            path: path.to_path_buf(),
            output: current.text,
            original: original.text,
            edits: counts,
            edit_ranges,
            project_root: project.root.clone(),
            git_root: project.git_root.clone(),
        },
        findings,
        suppressed,
    }
}

fn map_back_all(history: &[EditSet], mut offset: usize) -> usize {
    for set in history.iter().rev() {
        offset = set.map_back(offset);
    }
    offset
}

fn map_finding(history: &[EditSet], mut f: RawFinding) -> RawFinding {
    let start = map_back_all(history, f.range.start);
    let end = map_back_all(history, f.range.end).max(start);
    f.range = TextRange::new(start, end);
    f
}

/// `// otel-migrate: allow(<id>[, <id>…])` on the finding's line or the line before, or an
/// `allow` rule in the project config.
fn is_suppressed(file: &SourceFile, finding: &Finding, project: &Project, config: &Config) -> bool {
    if config
        .allow
        .iter()
        .any(|rule| rule.matches(&finding.transform, project.relative(&finding.path)))
    {
        return true;
    }
    let lines = [finding.line.checked_sub(1), Some(finding.line)];
    lines
        .into_iter()
        .flatten()
        .filter(|&l| l >= 1 && l <= file.line_count())
        .any(|l| {
            let text = file.slice(file.line_range(l));
            allow_comment_ids(text).any(|id| id == finding.transform)
        })
}

fn allow_comment_ids(line: &str) -> impl Iterator<Item = &str> {
    line.match_indices("otel-migrate: allow(")
        .flat_map(move |(i, m)| {
            let rest = &line[i + m.len()..];
            let inner = rest.split(')').next().unwrap_or("");
            inner.split(',').map(str::trim)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reports every line of a deployment file, and (wrongly) asks to edit it.
    struct DeploymentProbe;

    impl Transform for DeploymentProbe {
        fn id(&self) -> &'static str {
            "probe"
        }
        fn description(&self) -> &'static str {
            "test probe"
        }
        fn kind(&self) -> FileKind {
            FileKind::Rust
        }
        fn scans(&self, kind: FileKind) -> bool {
            matches!(kind, FileKind::Rust | FileKind::Deployment)
        }
        fn needles(&self) -> &'static [&'static str] {
            &["OTEL_"]
        }
        fn run(&self, cx: &FileContext<'_>) -> crate::engine::transform::Outcome {
            let mut out = crate::engine::transform::Outcome::default();
            assert_eq!(cx.kind(), FileKind::Deployment);
            out.finding(
                TextRange::new(0, 4),
                Severity::Note,
                "seen",
                "nothing to do",
            );
            out.replace(TextRange::new(0, 4), "EDIT");
            out
        }
    }

    #[test]
    fn deployment_files_get_findings_but_never_edits() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(
            root.join("Cargo.toml"),
            "[package]\nname = \"p\"\nversion = \"0.1.0\"\n",
        )
        .unwrap();
        std::fs::write(root.join(".env"), "OTEL_SERVICE_NAME=p\n").unwrap();
        let discovery = discover(
            std::slice::from_ref(&root),
            &DiscoverOptions {
                config_override: None,
            },
        );
        let pf = discovery.projects.into_iter().next().unwrap();
        assert_eq!(pf.deployment_files, vec![root.join(".env")]);
        static PROBE: DeploymentProbe = DeploymentProbe;
        let run = run_file(
            &pf.project,
            pf.project.package_for(&root.join(".env")),
            &Config::default(),
            &[&PROBE],
            &root.join(".env"),
            "OTEL_SERVICE_NAME=p\n".to_string(),
            FileKind::Deployment,
        );
        let FileRun::Done { file, findings, .. } = run else {
            panic!("the run failed");
        };
        assert!(!file.changed());
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages.contains(&"seen"));
        assert!(messages.iter().any(|m| m.contains("edits were dropped")));
    }

    #[test]
    fn allow_comments_list_ids() {
        let ids: Vec<_> =
            allow_comment_ids("x(); // otel-migrate: allow(jaeger-pipeline, service-name)")
                .collect();
        assert_eq!(ids, vec!["jaeger-pipeline", "service-name"]);
    }
}
