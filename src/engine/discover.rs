//! Finding the files to migrate and the projects they belong to.
//!
//! The walk uses the `ignore` crate in parallel (it respects `.gitignore`, also outside a git
//! repository, and skips cargo's `target/` directories). Every Cargo workspace root or
//! standalone package is a [`Project`]; a PATH inside a project (a crate of a workspace, a
//! single file) belongs to the enclosing project, whose manifests are all read. The PATHs are
//! walked for manifests first; a project's files when it is about to run ([`ProjectWalker`]).

use std::collections::{BTreeMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::{WalkBuilder, WalkState};
use rayon::prelude::*;

use crate::engine::config::{ignored_permission, Config, CONFIG_FILE};
use crate::engine::context::{names_telemetry_crate, Project};
use crate::engine::finding::{Finding, Severity};
use crate::engine::fs;
use crate::engine::manifest::Manifest;
use crate::engine::path_list::PathList;
use crate::engine::source::IndentUnit;

/// What a walk found, sorted.
#[derive(Debug, Default)]
pub struct Walked {
    pub manifests: Vec<PathBuf>,
    pub rust_files: Vec<PathBuf>,
    /// Deployment files that may set service names (`.env`, Dockerfiles, YAML).
    pub deployment_files: Vec<PathBuf>,
    /// One `note` per symbolic link the walk did not enter or read: a directory outside the
    /// tree, a loop, a manifest outside the tree.
    pub skipped_links: Vec<Finding>,
}

pub fn is_deployment_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name == ".env"
        || name.starts_with(".env.")
        || name.ends_with(".env")
        || name == "Dockerfile"
        || name.starts_with("Dockerfile.")
        || name.ends_with(".yaml")
        || name.ends_with(".yml")
}

/// Walks `root` (a directory or a single file).
pub fn walk(root: &Path, manifests_only: bool) -> Walked {
    let keep = if manifests_only {
        Keep::Manifests
    } else {
        Keep::Everything
    };
    walk_under(root, root, keep, None)
}

/// The Rust files under `dir` (a directory or a single file), sorted: a transform's walk of a
/// package or project, on the calling thread (it runs inside the pipeline's parallel work,
/// where a parallel walker's threads per call cost more than they gave).
pub fn rust_files_under(dir: &Path) -> Vec<PathBuf> {
    walk_under(dir, dir, Keep::Files, None).rust_files
}

/// What a walk keeps of what it meets.
#[derive(Clone, Copy, PartialEq)]
enum Keep {
    Everything,
    Manifests,
    /// Discovery's first walk: the manifests, and the notes about links (said once per run).
    ManifestsAndLinks,
    /// A project's walk: its files, without the notes (the first walk said them).
    Files,
}

/// Directories a walk does not enter: the roots of other projects.
#[derive(Clone)]
struct Prune {
    roots: Arc<HashSet<OsString>>,
    /// Also these (the loose roots, for a manifest-less project).
    and: Option<Arc<HashSet<OsString>>>,
}

impl Prune {
    fn contains(&self, dir: &Path) -> bool {
        let dir = dir.as_os_str();
        self.roots.contains(dir) || self.and.as_ref().is_some_and(|and| and.contains(dir))
    }
}

/// Walks `start` (a directory or a single file) under the PATH `root` (links are judged against
/// it), not entering the directories `prune` names. A project's walk runs on the calling
/// thread (it runs beside other projects' work; a thread per walk cost more than it gave).
fn walk_under(start: &Path, root: &Path, keep: Keep, prune: Option<Prune>) -> Walked {
    if start.is_file() {
        let mut w = Walked::default();
        classify(start, &mut w);
        return w;
    }
    let mut builder = WalkBuilder::new(start);
    builder
        .hidden(false)
        .require_git(false)
        .filter_entry(move |e| {
            let name = e.file_name();
            if name == ".git" {
                return false;
            }
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if is_dir && name == "target" {
                // cargo's output directory sits beside a manifest or carries CACHEDIR.TAG.
                let parent_has_manifest = e
                    .path()
                    .parent()
                    .is_some_and(|p| p.join("Cargo.toml").is_file());
                return !(parent_has_manifest || e.path().join("CACHEDIR.TAG").is_file());
            }
            !(is_dir && e.depth() > 0 && prune.as_ref().is_some_and(|p| p.contains(e.path())))
        });
    let mut w = if keep == Keep::Files {
        let mut w = Walked::default();
        for entry in builder.build().flatten() {
            visit(&entry, root, keep, &mut w);
        }
        w
    } else {
        let found = Mutex::new(Walked::default());
        builder.threads(0).build_parallel().run(|| {
            Box::new(|entry| {
                if let Ok(e) = entry {
                    let mut local = Walked::default();
                    visit(&e, root, keep, &mut local);
                    let mut all = found.lock().expect("walk lock");
                    all.manifests.append(&mut local.manifests);
                    all.rust_files.append(&mut local.rust_files);
                    all.deployment_files.append(&mut local.deployment_files);
                    all.skipped_links.append(&mut local.skipped_links);
                }
                WalkState::Continue
            })
        });
        found.into_inner().expect("walk lock")
    };
    w.manifests.sort();
    w.rust_files.sort();
    w.deployment_files.sort();
    w.skipped_links.sort_by(|a, b| a.path.cmp(&b.path));
    w
}

/// One entry of a walk into `w`, as much of it as `keep` asks for.
fn visit(e: &ignore::DirEntry, root: &Path, keep: Keep, w: &mut Walked) {
    let (rust, deployment, links) = (
        w.rust_files.len(),
        w.deployment_files.len(),
        w.skipped_links.len(),
    );
    if e.path_is_symlink() {
        symlink(e.path(), root, w);
    } else if e.file_type().is_some_and(|t| t.is_file()) {
        classify(e.path(), w);
    }
    if keep != Keep::Everything && keep != Keep::Files {
        w.rust_files.truncate(rust);
        w.deployment_files.truncate(deployment);
    }
    if keep != Keep::Everything && keep != Keep::ManifestsAndLinks {
        w.skipped_links.truncate(links);
    }
}

/// A symbolic link met by the walk (links are never followed into directories, so the walk
/// cannot loop). A linked file is a file of the tree (a dangling one is reported when it is
/// read; one that leads outside is read but never written: `engine::containment`), except a
/// manifest leading outside, which is not read. A linked directory is not walked: inside the
/// tree its target is walked anyway; outside, or as a loop, a `note` says so.
fn symlink(link: &Path, root: &Path, w: &mut Walked) {
    let note = |message: String| Finding::about_path(link, "engine", Severity::Note, message);
    let target = match std::fs::canonicalize(link) {
        Ok(target) => target,
        Err(e) if fs::is_symlink_loop(&e) => {
            w.skipped_links
                .push(note("symbolic link loop: skipped".to_string()));
            return;
        }
        Err(_) => return classify(link, w),
    };
    let outside = !target.starts_with(root);
    if target.is_dir() {
        let shown = target.display();
        if outside {
            w.skipped_links.push(note(format!(
                "symbolic link to the directory `{shown}`, outside `{}`: not walked",
                root.display()
            )));
        } else if link.starts_with(&target) {
            w.skipped_links.push(note(format!(
                "symbolic link loop: `{shown}` contains the link; not walked again"
            )));
        }
    } else if outside && link.file_name().is_some_and(|n| n == "Cargo.toml") {
        w.skipped_links.push(note(format!(
            "manifest is a symbolic link to `{}`, outside `{}`: not read",
            target.display(),
            root.display()
        )));
    } else {
        classify(link, w);
    }
}

fn classify(path: &Path, w: &mut Walked) {
    if path.file_name().is_some_and(|n| n == "Cargo.toml") {
        w.manifests.push(path.to_path_buf());
    } else if path.extension().is_some_and(|e| e == "rs") {
        w.rust_files.push(path.to_path_buf());
    } else if is_deployment_file(path) {
        w.deployment_files.push(path.to_path_buf());
    }
}

/// The projects under the PATHs, with the files to migrate assigned to each.
#[derive(Debug, Default)]
pub struct Discovery {
    pub projects: Vec<ProjectFiles>,
    pub findings: Vec<Finding>,
    pub errors: Vec<(PathBuf, String)>,
}

#[derive(Debug)]
pub struct ProjectFiles {
    /// The project, its packages not resolved yet: call [`Project::resolve_packages`] when it
    /// runs, so only the projects in flight hold resolved dependencies.
    pub project: Project,
    /// Manifests under the PATHs (the ones the tool may edit). The file lists are compact
    /// and sorted.
    pub manifests: PathList,
    pub rust_files: PathList,
    pub deployment_files: PathList,
}

/// The projects under the PATHs before their files are walked: a project's files are found
/// when it is about to run ([`ProjectWalker::files`]), so the lists of a big tree never exist
/// all at once.
#[derive(Debug)]
pub struct PendingDiscovery {
    pub projects: Vec<PendingProject>,
    pub findings: Vec<Finding>,
    pub errors: Vec<(PathBuf, String)>,
    pub walker: ProjectWalker,
}

#[derive(Debug)]
pub enum PendingProject {
    /// A project with manifests: its files are walked when it runs.
    ToWalk(Box<Project>),
    /// A manifest-less project of files in no package: walked by discovery (which must know
    /// whether it has files to create it, and in which order), usually a few files.
    Walked(Box<ProjectFiles>),
}

impl PendingProject {
    pub fn root(&self) -> &Path {
        match self {
            PendingProject::ToWalk(p) => &p.root,
            PendingProject::Walked(pf) => &pf.project.root,
        }
    }
}

/// Options that shape the project set.
pub struct DiscoverOptions<'a> {
    /// `--config FILE`: used for every project instead of its own `otel-migrate.toml`.
    pub config_override: Option<&'a Config>,
}

/// Finds the projects under the PATHs and assigns every file found to one (every project's
/// files at once: for callers that need them all; a run walks each project when it runs).
pub fn discover(paths: &[PathBuf], opts: &DiscoverOptions) -> Discovery {
    let pending = discover_projects(paths, opts);
    let walker = &pending.walker;
    Discovery {
        projects: pending
            .projects
            .into_iter()
            .filter_map(|p| walker.files(p))
            .collect(),
        findings: pending.findings,
        errors: pending.errors,
    }
}

/// Finds the projects under the PATHs in three steps: walk each PATH for its manifests (and
/// find the manifests of enclosing packages and workspaces), read and parse the manifests,
/// group them into projects by workspace root. Files in no package are walked here, into
/// manifest-less projects; the files of the others when they run.
pub fn discover_projects(paths: &[PathBuf], opts: &DiscoverOptions) -> PendingDiscovery {
    let mut out = Discovery::default();
    let found = walk_paths(paths, &mut out);
    let outlines = read_manifests(&found.all_manifests(), &mut out);
    out.findings.extend(missing_members_and_targets(&outlines));
    let groups = group_by_project_root(outlines);
    let walker = ProjectWalker {
        manifest_roots: Arc::new(groups.keys().map(|r| r.clone().into_os_string()).collect()),
        loose_roots: Arc::new(
            found
                .loose_roots
                .iter()
                .map(|r| r.clone().into_os_string())
                .collect(),
        ),
        paths: found.paths,
    };
    let mut projects: Vec<PendingProject> = groups
        .into_iter()
        .map(|(root, manifests)| {
            PendingProject::ToWalk(Box::new(new_project(root, manifests, opts, &mut out)))
        })
        .collect();
    projects.extend(loose_projects(&walker, found.loose_roots, opts, &mut out));
    PendingDiscovery {
        projects,
        findings: out.findings,
        errors: out.errors,
        walker,
    }
}

/// The manifest-less projects: one per loose root (a PATH, or a file PATH's directory) outside
/// every package's project that has files, created in the order of their first file (their
/// config errors come in that order).
fn loose_projects(
    walker: &ProjectWalker,
    mut loose_roots: Vec<PathBuf>,
    opts: &DiscoverOptions,
    out: &mut Discovery,
) -> Vec<PendingProject> {
    loose_roots.sort();
    loose_roots.dedup();
    let mut walked: Vec<(PathBuf, Walked)> = loose_roots
        .into_iter()
        .map(|root| {
            let files = walker.walk_project(&root, &[]);
            (root, files)
        })
        .filter(|(_, w)| !(w.rust_files.is_empty() && w.deployment_files.is_empty()))
        .collect();
    walked.sort_by(|(_, a), (_, b)| first_file(a).cmp(&first_file(b)));
    walked
        .into_iter()
        .map(|(root, files)| {
            let project = new_project(root, Vec::new(), opts, out);
            PendingProject::Walked(Box::new(ProjectFiles::new(project, files)))
        })
        .collect()
}

/// Where a walk's first file comes when files are assigned kind by kind, in path order.
fn first_file(w: &Walked) -> (u8, Option<&PathBuf>) {
    match w.rust_files.first() {
        Some(f) => (0, Some(f)),
        None => (1, w.deployment_files.first()),
    }
}

/// Walks a project's files: under each PATH, the project root (or the PATH, when the root
/// encloses it), not entering the roots of other projects. A file belongs to the innermost
/// project root with manifests above it, else to the innermost loose root above it.
#[derive(Debug)]
pub struct ProjectWalker {
    /// Each PATH, absolute and canonical.
    paths: Vec<PathBuf>,
    /// Keyed by the path's bytes: every path here is absolute, canonical and built by joining
    /// names (from the walk or a manifest's parent), so bytes compare like components, faster.
    manifest_roots: Arc<HashSet<OsString>>,
    loose_roots: Arc<HashSet<OsString>>,
}

impl ProjectWalker {
    /// The project's files under the PATHs, or `None` when it has none (it does not run).
    pub fn files(&self, pending: PendingProject) -> Option<ProjectFiles> {
        let pf = match pending {
            PendingProject::Walked(pf) => *pf,
            PendingProject::ToWalk(project) => {
                let walked = self.walk_project(&project.root, &project.manifest_paths);
                ProjectFiles::new(*project, walked)
            }
        };
        let empty =
            pf.manifests.is_empty() && pf.rust_files.is_empty() && pf.deployment_files.is_empty();
        (!empty).then_some(pf)
    }

    /// The files owned by `root` (a project with `manifests`, or a manifest-less one when
    /// empty), sorted and deduplicated. Of the manifests only the project's own are kept (a
    /// malformed one is not a file to migrate).
    fn walk_project(&self, root: &Path, manifests: &[PathBuf]) -> Walked {
        let owned_elsewhere = Prune {
            roots: self.manifest_roots.clone(),
            and: manifests.is_empty().then(|| self.loose_roots.clone()),
        };
        let mut all = Walked::default();
        for path in &self.paths {
            let start = if path.starts_with(root) {
                path.as_path()
            } else if root.starts_with(path) {
                root
            } else {
                continue;
            };
            if self.owner(start) != (root, manifests.is_empty()) {
                continue;
            }
            let mut w = walk_under(start, path, Keep::Files, Some(owned_elsewhere.clone()));
            all.manifests.append(&mut w.manifests);
            all.rust_files.append(&mut w.rust_files);
            all.deployment_files.append(&mut w.deployment_files);
        }
        all.manifests.retain(|m| manifests.contains(m));
        for files in [
            &mut all.manifests,
            &mut all.rust_files,
            &mut all.deployment_files,
        ] {
            files.sort();
            files.dedup();
        }
        all
    }

    /// The project root that owns `path` and what lies below it, and whether it is a loose
    /// root (one path may be both a loose root and a project root with manifests).
    fn owner<'a>(&self, path: &'a Path) -> (&'a Path, bool) {
        let innermost =
            |roots: &HashSet<OsString>| path.ancestors().find(|a| roots.contains(a.as_os_str()));
        match innermost(&self.manifest_roots) {
            Some(root) => (root, false),
            // Every file of the walk is under a PATH, so under a loose root.
            None => (innermost(&self.loose_roots).unwrap_or(path), true),
        }
    }
}

/// What discovery keeps of a parsed manifest: what grouping, the member and target checks and
/// the choice of the lockfile need. A project re-reads its manifests in full when it runs
/// (`Project::resolve_packages`), so discovery does not hold every dependency entry of a big
/// tree at once.
#[derive(Debug)]
struct ManifestOutline {
    path: PathBuf,
    is_workspace_root: bool,
    workspace_members: Vec<String>,
    workspace_exclude: Vec<String>,
    target_paths: Vec<String>,
    /// Whether a dependency entry names a telemetry crate (then its project's lock is read).
    names_telemetry_dependency: bool,
}

impl ManifestOutline {
    fn of(m: Manifest) -> ManifestOutline {
        ManifestOutline {
            names_telemetry_dependency: m.deps.iter().any(|d| names_telemetry_crate(&d.package)),
            path: m.path,
            is_workspace_root: m.is_workspace_root,
            workspace_members: m.workspace_members,
            workspace_exclude: m.workspace_exclude,
            target_paths: m.target_paths,
        }
    }

    fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}

impl ProjectFiles {
    fn new(project: Project, walked: Walked) -> ProjectFiles {
        let list = |files: Vec<PathBuf>| {
            let mut list = PathList::new(&project.root);
            for f in files {
                list.push(f);
            }
            list.shrink_to_fit();
            list
        };
        ProjectFiles {
            manifests: list(walked.manifests),
            rust_files: list(walked.rust_files),
            deployment_files: list(walked.deployment_files),
            project,
        }
    }
}

/// What walking the PATHs for manifests found.
struct Found {
    /// Each PATH, absolute and canonical.
    paths: Vec<PathBuf>,
    /// The manifests under the PATHs (sorted, deduplicated).
    manifests: Vec<PathBuf>,
    /// Manifests of the packages and workspaces enclosing a PATH: context, never edited.
    context_manifests: Vec<PathBuf>,
    /// Each PATH as a directory: the root of a manifest-less project for files in no package.
    loose_roots: Vec<PathBuf>,
}

impl Found {
    fn all_manifests(&self) -> Vec<PathBuf> {
        let mut all = self.manifests.clone();
        all.extend(self.context_manifests.iter().cloned());
        all.sort();
        all.dedup();
        all
    }
}

fn walk_paths(paths: &[PathBuf], out: &mut Discovery) -> Found {
    let mut found = Found {
        paths: Vec::new(),
        manifests: Vec::new(),
        context_manifests: Vec::new(),
        loose_roots: Vec::new(),
    };
    for raw in paths {
        let path = match std::path::absolute(raw).and_then(|p| p.canonicalize()) {
            Ok(p) => p,
            Err(e) => {
                let message = if e.kind() == std::io::ErrorKind::NotFound {
                    "path does not exist".to_string()
                } else {
                    format!("cannot read path: {e}")
                };
                out.errors.push((raw.clone(), message));
                continue;
            }
        };
        let mut w = walk_under(&path, &path, Keep::ManifestsAndLinks, None);
        found.manifests.append(&mut w.manifests);
        out.findings.append(&mut w.skipped_links);
        found.context_manifests.extend(enclosing_manifests(&path));
        found.loose_roots.push(if path.is_dir() {
            path.clone()
        } else {
            path.parent().unwrap_or(&path).to_path_buf()
        });
        found.paths.push(path);
    }
    found.manifests.sort();
    found.manifests.dedup();
    found
}

/// Manifests of the packages and workspaces enclosing `path` (and every manifest of an
/// enclosing workspace): the context needs all of them.
fn enclosing_manifests(path: &Path) -> Vec<PathBuf> {
    let (own, start) = if path.is_dir() {
        (Some(path.join("Cargo.toml")), path.parent())
    } else {
        (
            path.parent().map(|p| p.join("Cargo.toml")),
            path.parent().and_then(Path::parent),
        )
    };
    let candidates = own.into_iter().chain(
        start
            .into_iter()
            .flat_map(Path::ancestors)
            .map(|a| a.join("Cargo.toml")),
    );
    let mut out = Vec::new();
    for candidate in candidates {
        if candidate.is_file() && !candidate.starts_with(path) {
            if is_workspace_manifest(&candidate) {
                let root = candidate.parent().expect("manifest has a parent");
                out.extend(walk(root, true).manifests);
            }
            out.push(candidate);
        }
    }
    out
}

/// Reads and parses the manifests in parallel (on a crate registry these are thousands of
/// files), keeping each one's outline, in path order. A malformed manifest that names a
/// telemetry crate is an error; one that does not is only a note.
fn read_manifests(paths: &[PathBuf], out: &mut Discovery) -> Vec<ManifestOutline> {
    let read: Vec<(&PathBuf, ReadManifest)> = paths
        .par_iter()
        .map(|path| (path, read_manifest(path)))
        .collect();
    let mut outlines = Vec::new();
    for (path, read) in read {
        match read {
            ReadManifest::Parsed(outline) => outlines.push(outline),
            ReadManifest::Malformed {
                error,
                names_telemetry: true,
            } => out
                .errors
                .push((path.clone(), format!("malformed Cargo.toml: {error}"))),
            ReadManifest::Malformed { error, .. } => out.findings.push(Finding::about_path(
                path,
                "engine",
                Severity::Note,
                format!(
                    "malformed Cargo.toml without telemetry dependencies, ignored: {}",
                    first_line(&error)
                ),
            )),
            ReadManifest::Unreadable(e) => out
                .errors
                .push((path.clone(), format!("cannot read manifest: {e}"))),
        }
    }
    outlines
}

/// One manifest read by discovery: its text and parse are dropped as soon as the outline is
/// taken, on the thread that read it.
enum ReadManifest {
    Parsed(ManifestOutline),
    Malformed {
        error: String,
        names_telemetry: bool,
    },
    Unreadable(String),
}

fn read_manifest(path: &Path) -> ReadManifest {
    let text = match std::fs::read(path)
        .map_err(|e| e.to_string())
        .and_then(|b| String::from_utf8(b).map_err(|_| "not valid UTF-8".to_string()))
    {
        Ok(text) => text,
        Err(e) => return ReadManifest::Unreadable(e),
    };
    match Manifest::parse(path, &text) {
        Ok(m) => ReadManifest::Parsed(ManifestOutline::of(m)),
        Err(error) => ReadManifest::Malformed {
            error,
            names_telemetry: names_telemetry_crate(&text),
        },
    }
}

/// Project roots: the nearest enclosing workspace root that does not exclude the package, else
/// the package itself. Looked up by walking a manifest's ancestors (innermost first): linear
/// in the number of manifests, where comparing every manifest with every workspace root was
/// quadratic. The manifests move into their group (a copy of every manifest of a big tree
/// would double discovery's peak memory).
fn group_by_project_root(parsed: Vec<ManifestOutline>) -> BTreeMap<PathBuf, Vec<ManifestOutline>> {
    let roots: Vec<PathBuf> = {
        let workspace_roots: BTreeMap<&Path, &ManifestOutline> = parsed
            .iter()
            .filter(|m| m.is_workspace_root)
            .map(|m| (m.dir(), m))
            .collect();
        parsed
            .iter()
            .map(|m| {
                let dir = m.dir();
                dir.ancestors()
                    .find_map(|a| workspace_roots.get(a))
                    .filter(|w| {
                        let rel = dir.strip_prefix(w.dir()).unwrap_or(dir);
                        !w.workspace_exclude.iter().any(|e| rel.starts_with(e))
                    })
                    .map(|w| w.dir().to_path_buf())
                    .unwrap_or_else(|| dir.to_path_buf())
            })
            .collect()
    };
    let mut by_root: BTreeMap<PathBuf, Vec<ManifestOutline>> = BTreeMap::new();
    for (root, m) in roots.into_iter().zip(parsed) {
        by_root.entry(root).or_default().push(m);
    }
    by_root
}

/// Workspace members and explicit targets whose files are missing: a `note` (the user's
/// build is already broken there, or the manifest is a fixture), never an error.
fn missing_members_and_targets(manifests: &[ManifestOutline]) -> Vec<Finding> {
    let mut out = Vec::new();
    for m in manifests {
        for member in &m.workspace_members {
            let found = match globset::Glob::new(member) {
                Ok(glob) if member.contains(['*', '?', '[']) => {
                    let matcher = glob.compile_matcher();
                    manifests.iter().any(|other| {
                        other
                            .dir()
                            .strip_prefix(m.dir())
                            .is_ok_and(|rel| matcher.is_match(rel))
                    })
                }
                _ => m.dir().join(member).join("Cargo.toml").is_file(),
            };
            if !found {
                out.push(
                    Finding::about_path(
                        &m.path,
                        "engine",
                        Severity::Note,
                        format!("workspace member `{member}` has no Cargo.toml"),
                    )
                    .with_suggestion(
                        "its files are not migrated; fix or remove the `members` entry",
                    ),
                );
            }
        }
        for target in &m.target_paths {
            if !m.dir().join(target).is_file() {
                out.push(Finding::about_path(
                    &m.path,
                    "engine",
                    Severity::Note,
                    format!("target file `{target}` does not exist"),
                ));
            }
        }
    }
    out
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

fn is_workspace_manifest(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .is_ok_and(|t| Manifest::parse(path, &t).is_ok_and(|m| m.is_workspace_root))
}

/// The git work tree containing `dir`, found by looking for `.git` (no process spawned).
pub fn git_root_of(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|a| a.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The project's own `otel-migrate.toml` (at its root, else at its git work tree's root), read
/// only when it stays inside that tree; the error is also recorded in `out`.
fn own_config(root: &Path, git_root: Option<&Path>, out: &mut Discovery) -> Result<Config, String> {
    let own = root.join(CONFIG_FILE);
    let repo = git_root.map(|g| g.join(CONFIG_FILE));
    let file = if own.is_file() {
        Some(own)
    } else {
        repo.filter(|r| r.is_file())
    };
    let Some(file) = file else {
        return Ok(Config::default());
    };
    let loaded = match fs::leaves(&file, git_root.unwrap_or(root)) {
        Some(target) => Err(format!(
            "the config file is a symbolic link to `{}`, outside the tree: not read; pass that file with --config to use it",
            target.display()
        )),
        None => Config::load(&file),
    };
    match loaded {
        Ok(c) => {
            if c.write_through_symlinks {
                out.findings.push(ignored_permission(&file));
            }
            Ok(c)
        }
        Err(e) => {
            out.errors.push((file, e.clone()));
            Err(e)
        }
    }
}

fn new_project(
    root: PathBuf,
    manifests: Vec<ManifestOutline>,
    opts: &DiscoverOptions,
    out: &mut Discovery,
) -> Project {
    let git_root = git_root_of(&root);
    let mut config_error = None;
    let config = match opts.config_override {
        Some(c) => c.clone(),
        None => own_config(&root, git_root.as_deref(), out).unwrap_or_else(|e| {
            config_error = Some(e);
            Config::default()
        }),
    };
    let tree = git_root.as_deref().unwrap_or(&root);
    // The lock only refines the versions of telemetry dependencies: skip reading it for the
    // (many) projects that declare none — on a crate registry most ship a large Cargo.lock.
    // It is read when the project runs; the note about a link stays here, in the order of the
    // discovery's findings.
    let lockfile_path = manifests
        .iter()
        .any(|m| m.names_telemetry_dependency)
        .then(|| root.join("Cargo.lock"))
        .filter(|lock| match fs::leaves(lock, tree) {
            None => true,
            Some(target) => {
                out.findings.push(Finding::about_path(
                    lock,
                    "engine",
                    Severity::Note,
                    format!(
                        "Cargo.lock is a symbolic link to `{}`, outside the tree: not read (versions come from the manifests)",
                        target.display()
                    ),
                ));
                false
            }
        });
    let component = config.service_name.component.clone().unwrap_or_else(|| {
        root.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    // Manifests are parsed again and packages resolved when the project runs
    // (`Project::resolve_packages`): parsed manifests, resolved dependencies and re-export
    // parses of every project at once would grow with the tree.
    let indent_fallback = rustfmt_indent(&root, git_root.as_deref());
    // Held until the project runs: exact capacities (a joined path doubles its buffer), which
    // halved a pending project's memory on a big tree.
    let mut manifest_paths: Vec<PathBuf> = manifests
        .into_iter()
        .map(|m| {
            let mut path = m.path;
            path.shrink_to_fit();
            path
        })
        .collect();
    manifest_paths.shrink_to_fit();
    Project {
        root,
        component,
        config,
        manifest_paths,
        manifests: Vec::new(),
        packages: Vec::new(),
        lockfile_path,
        lockfile: None,
        git_root,
        config_error,
        indent_fallback,
        state: Default::default(),
    }
}

/// The indentation step of the project's `rustfmt.toml` or `.rustfmt.toml` (at its root, else
/// at its git work tree's root, where `otel-migrate.toml` is looked for too): a tab with
/// `hard_tabs = true`, else `tab_spaces`; none when neither is set or the file cannot be read.
fn rustfmt_indent(root: &Path, git_root: Option<&Path>) -> Option<IndentUnit> {
    let tree = git_root.unwrap_or(root);
    let file = [Some(root), git_root]
        .into_iter()
        .flatten()
        .flat_map(|dir| ["rustfmt.toml", ".rustfmt.toml"].map(|name| dir.join(name)))
        .find(|f| f.is_file())
        .filter(|f| fs::leaves(f, tree).is_none())?;
    let table: toml::Table = std::fs::read_to_string(&file).ok()?.parse().ok()?;
    if table.get("hard_tabs").and_then(toml::Value::as_bool) == Some(true) {
        return Some(IndentUnit::Tab);
    }
    let spaces = table.get("tab_spaces")?.as_integer()?;
    u8::try_from(spaces)
        .ok()
        .filter(|n| (1..=8).contains(n))
        .map(IndentUnit::Spaces)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Discovery keeps only the manifests' paths; the project parses them when it runs, and one
    /// that no longer parses by then stops the project with an error instead of a guess.
    #[test]
    fn a_manifest_broken_after_discovery_is_an_error_when_its_project_runs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let manifest = root.join("Cargo.toml");
        std::fs::write(
            &manifest,
            "[package]\nname = \"p\"\nversion = \"0.1.0\"\n\n[dependencies]\nopentelemetry = \"0.21\"\n",
        )
        .unwrap();
        let opts = DiscoverOptions {
            config_override: None,
        };
        let found = discover(std::slice::from_ref(&root), &opts);
        let mut project = found.projects.into_iter().next().unwrap().project;
        assert_eq!(project.manifest_paths, vec![manifest.clone()]);
        assert!(project.manifests.is_empty(), "parsed when the project runs");
        let mut fresh = project.clone();
        fresh.resolve_packages().unwrap();
        assert_eq!(
            fresh.packages[0].version("opentelemetry").unwrap().minor,
            21
        );

        std::fs::write(&manifest, "[package\n").unwrap();
        let errors = project.resolve_packages().unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, manifest);
        assert!(
            errors[0].1.starts_with("malformed Cargo.toml"),
            "{errors:?}"
        );
    }

    /// Each project walks its own files when it runs: every file of the tree lands in exactly
    /// one project, the innermost root with manifests above it (nested workspaces, a package a
    /// workspace excludes), else the PATH's manifest-less project; a PATH inside a workspace
    /// walks only that PATH; overlapping PATHs give each file once.
    #[test]
    fn each_project_walks_exactly_the_files_it_owns() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        let package = |name: &str| format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n");
        write(
            "ws/Cargo.toml",
            "[workspace]\nmembers = [\"a\"]\nexclude = [\"out\"]\n",
        );
        write("ws/a/Cargo.toml", &package("a"));
        write("ws/a/src/lib.rs", "");
        write("ws/a/deploy.yaml", "");
        write("ws/out/Cargo.toml", &package("out"));
        write("ws/out/src/lib.rs", "");
        write("ws/inner/Cargo.toml", "[workspace]\nmembers = [\"b\"]\n");
        write("ws/inner/b/Cargo.toml", &package("b"));
        write("ws/inner/b/src/lib.rs", "");
        write("ws/tools/gen.rs", "");
        write("loose/script.rs", "");
        write("loose/.env", "");
        write("broken/Cargo.toml", "[package\n");
        write("broken/src/lib.rs", "");
        let opts = DiscoverOptions {
            config_override: None,
        };
        let owners = |paths: &[PathBuf]| -> Vec<(String, Vec<String>)> {
            let found = discover(paths, &opts);
            let mut owners: Vec<(String, Vec<String>)> = found
                .projects
                .iter()
                .map(|pf| {
                    let files = [&pf.manifests, &pf.rust_files, &pf.deployment_files]
                        .into_iter()
                        .flat_map(PathList::to_vec)
                        .map(|f| f.strip_prefix(&root).unwrap().display().to_string())
                        .collect();
                    let at = pf.project.root.strip_prefix(&root).unwrap();
                    (at.display().to_string(), files)
                })
                .collect();
            owners.sort();
            owners
        };
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            owners(std::slice::from_ref(&root)),
            vec![
                (
                    String::new(),
                    strings(&["broken/src/lib.rs", "loose/script.rs", "loose/.env"])
                ),
                (
                    "ws".to_string(),
                    strings(&[
                        "ws/Cargo.toml",
                        "ws/a/Cargo.toml",
                        "ws/a/src/lib.rs",
                        "ws/tools/gen.rs",
                        "ws/a/deploy.yaml"
                    ])
                ),
                (
                    "ws/inner".to_string(),
                    strings(&[
                        "ws/inner/Cargo.toml",
                        "ws/inner/b/Cargo.toml",
                        "ws/inner/b/src/lib.rs"
                    ])
                ),
                (
                    "ws/out".to_string(),
                    strings(&["ws/out/Cargo.toml", "ws/out/src/lib.rs"])
                ),
            ]
        );
        // A PATH inside the workspace: the workspace is its project, walked only there.
        let member = root.join("ws/a");
        let expected = vec![(
            "ws".to_string(),
            strings(&["ws/a/Cargo.toml", "ws/a/src/lib.rs", "ws/a/deploy.yaml"]),
        )];
        assert_eq!(owners(std::slice::from_ref(&member)), expected);
        assert_eq!(owners(&[member.clone(), member.join("src")]), expected);
        // A single file PATH in no package: its directory's project, that file alone.
        assert_eq!(
            owners(&[root.join("loose/script.rs")]),
            vec![("loose".to_string(), strings(&["loose/script.rs"]))]
        );
    }
}
