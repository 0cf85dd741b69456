//! The project context transforms consult: which packages exist, where, and which *source*
//! versions of the telemetry crates each one declares (with `workspace = true` resolved and the
//! lockfile's exact version when there is one), plus usage facts from a cheap text scan of the
//! package's telemetry files. Built from manifests alone, never by running cargo.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use crate::engine::config::Config;
use crate::engine::manifest::{
    canonical, minimum_version, DepEntry, DepKind, DepSource, Edition, Lockfile, Manifest,
};
use crate::engine::reexports::reexported_names;
use crate::engine::syntax::Reexport;

/// Strings whose presence in a package's telemetry files the manifest transforms ask about
/// (which exporters, transports, propagators, signals and runtimes the code uses). A needle
/// that starts (ends) with an identifier character only matches where the text has no
/// identifier character before (after) it: `with_reqwest` does not match `with_reqwest_blocking`,
/// `runtime::Tokio` not `runtime::TokioCurrentThread`, `Propagator` not `TraceContextPropagator`.
pub const USAGE_NEEDLES: &[&str] = &[
    "new_agent_pipeline",
    "new_collector_pipeline",
    "with_reqwest",
    "with_reqwest_blocking",
    "with_hyper",
    "with_isahc",
    "with_surf",
    "with_http_client",
    "Propagator",
    "opentelemetry_jaeger",
    "jaeger_propagator",
    ".tonic()",
    ".http()",
    "with_tonic",
    "with_http",
    "tracing()",
    "metrics(",
    "logging()",
    "runtime::Tokio",
    // opentelemetry ≤ 0.20's facade paths to the SDK (`sdk-facade-paths`).
    "opentelemetry::sdk",
    "opentelemetry::runtime",
    "TokioCurrentThread",
    "AsyncStd",
    "tokio::main",
    "tokio::runtime",
    "install_simple",
    "MetricsLayer",
    "OpenTelemetryTracingBridge",
    "opentelemetry_semantic_conventions",
    "new_view",
    "with_compression",
    "with_tls_config",
    "gzip",
    "zstd",
    "with_view",
    // A user's own aggregation selector, which becomes a view.
    "AggregationSelector",
    "with_metadata",
    "with_channel",
    "with_interceptor",
    "prost::Message",
    "HttpClient for",
    "Tokio",
    "TracerProvider",
    "MeterProvider",
    "SdkMeterProvider",
    "LoggerProvider",
    "set_logger_provider",
    "logger_provider",
    JAEGER_PROPAGATOR,
    "extern crate metrics",
    "#[macro_use]",
    // The ladder: a `prometheus::Registry` handed to opentelemetry-prometheus.
    "with_registry",
];

/// A derived fact: one file both names `opentelemetry_jaeger` and uses a type called exactly
/// `Propagator` (the Jaeger propagator of opentelemetry-jaeger).
pub const JAEGER_PROPAGATOR: &str = "opentelemetry_jaeger::Propagator";

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether the match `text[start..end]` of `needle` has the identifier boundaries
/// [`USAGE_NEEDLES`] asks for.
fn is_word_match(text: &str, start: usize, end: usize, needle: &str) -> bool {
    let before_ok = !needle.starts_with(is_ident_char) || !text[..start].ends_with(is_ident_char);
    let after_ok = !needle.ends_with(is_ident_char) || !text[end..].starts_with(is_ident_char);
    before_ok && after_ok
}

/// One automaton for all the usage needles (the derived [`JAEGER_PROPAGATOR`] excepted), with
/// the needle of each pattern index: a file is scanned once, not once per needle.
fn usage_matcher() -> &'static (AhoCorasick, Vec<&'static str>) {
    static MATCHER: OnceLock<(AhoCorasick, Vec<&'static str>)> = OnceLock::new();
    MATCHER.get_or_init(|| {
        let needles: Vec<&'static str> = USAGE_NEEDLES
            .iter()
            .copied()
            .filter(|n| *n != JAEGER_PROPAGATOR)
            .collect();
        let matcher = AhoCorasick::new(&needles).expect("usage needles build an automaton");
        (matcher, needles)
    })
}

#[derive(Debug, Clone, Default)]
pub struct UsageFacts {
    seen: BTreeSet<&'static str>,
}

impl UsageFacts {
    pub fn scan(&mut self, text: &str) {
        let (matcher, needles) = usage_matcher();
        let mut in_file: BTreeSet<&'static str> = BTreeSet::new();
        for m in matcher.find_overlapping_iter(text) {
            let needle = needles[m.pattern().as_usize()];
            if is_word_match(text, m.start(), m.end(), needle) {
                in_file.insert(needle);
            }
        }
        if in_file.contains("opentelemetry_jaeger") && in_file.contains("Propagator") {
            self.seen.insert(JAEGER_PROPAGATOR);
        }
        self.seen.extend(in_file);
    }

    /// Adds the facts of another package (a workspace dependency serves every member that
    /// inherits it).
    pub fn merge(&mut self, other: &UsageFacts) {
        self.seen.extend(other.seen.iter().copied());
    }

    /// Whether any telemetry file of the package contains `needle` (one of [`USAGE_NEEDLES`]).
    pub fn mentions(&self, needle: &str) -> bool {
        debug_assert!(
            USAGE_NEEDLES.contains(&needle),
            "{needle} is not a usage needle"
        );
        self.seen.contains(needle)
    }
}

/// A dependency with `workspace = true` resolved against `[workspace.dependencies]`.
#[derive(Debug, Clone)]
pub struct ResolvedDep {
    pub entry: DepEntry,
    /// The entry that carries the version: the member's own, or the workspace's.
    pub version_entry: Option<DepEntry>,
    /// The source version: the locked one when a lockfile has it, else the requirement's minimum.
    pub version: Option<semver::Version>,
}

impl ResolvedDep {
    /// Whether the dependency is a `path` one (its own entry's or the workspace entry it
    /// inherits): code in the workspace or beside it, whatever its name. A workspace's own
    /// `metrics` or `opentelemetry-proto` crate is not the registry crate the transforms know.
    pub fn is_path(&self) -> bool {
        self.version_entry.as_ref().unwrap_or(&self.entry).source == DepSource::Path
    }
}

#[derive(Debug, Clone)]
pub struct PackageInfo {
    pub name: String,
    pub dir: PathBuf,
    pub manifest_path: PathBuf,
    pub deps: Vec<ResolvedDep>,
    pub usage: UsageFacts,
    /// Crates the package reaches only through another member's re-export (their entries
    /// are in `deps`, without text).
    pub reexports: Vec<Reexport>,
    /// The package's Rust files the gate read (a needle of its transforms or a telemetry
    /// crate in their text), in path order: see [`Project::files_read`].
    pub files_read: Vec<PathBuf>,
}

impl PackageInfo {
    /// The source version of the registry crate `krate` (`opentelemetry`, `metrics`, …),
    /// preferring normal dependencies over dev and build ones. A path dependency of that name
    /// has none: the transforms never rewrite code against a crate they cannot move.
    pub fn version(&self, krate: &str) -> Option<&semver::Version> {
        let mut candidates: Vec<&ResolvedDep> = self
            .deps
            .iter()
            .filter(|d| d.entry.is(krate) && !d.is_path())
            .collect();
        candidates.sort_by_key(|d| d.entry.table.kind);
        candidates.into_iter().find_map(|d| d.version.as_ref())
    }

    /// Whether the package declares a dependency named `krate`, from any source.
    pub fn depends_on(&self, krate: &str) -> bool {
        self.deps.iter().any(|d| d.entry.is(krate))
    }

    /// Whether the package depends on the registry (or git) crate `krate` itself, not on a
    /// path crate that shares its name (see [`ResolvedDep::is_path`]).
    pub fn uses_crate(&self, krate: &str) -> bool {
        self.deps.iter().any(|d| d.entry.is(krate) && !d.is_path())
    }

    /// Whether the package is or depends on an OpenTelemetry crate (`opentelemetry*`,
    /// `tracing-opentelemetry`): only such a package can use the APIs the OTel transforms
    /// rewrite.
    pub fn uses_opentelemetry(&self) -> bool {
        let is_otel = |name: &str| {
            let name = canonical(name);
            name.starts_with("opentelemetry") || name == "tracing-opentelemetry"
        };
        is_otel(&self.name) || self.deps.iter().any(|d| is_otel(&d.entry.package))
    }

    /// Whether the package is or depends on a telemetry crate ([`TELEMETRY_CRATES`], by the
    /// same substring rule as [`names_telemetry_crate`]): only then can its manifest change.
    pub fn uses_telemetry(&self) -> bool {
        std::iter::once(&self.name)
            .chain(self.deps.iter().map(|d| &d.entry.package))
            .any(|name| names_telemetry_crate(&canonical(name)))
    }

    /// Whether the source version of `krate` is known and below `major.minor`.
    pub fn version_below(&self, krate: &str, major: u64, minor: u64) -> bool {
        self.version(krate)
            .is_some_and(|v| (v.major, v.minor) < (major, minor))
    }

    /// The name the code uses for the dependency on `krate` (`otel` for
    /// `otel = { package = "opentelemetry" }`), as a Rust identifier.
    pub fn code_name_of(&self, krate: &str) -> Option<String> {
        self.deps
            .iter()
            .find(|d| d.entry.is(krate))
            .map(|d| d.entry.key.replace('-', "_"))
    }
}

/// A Cargo workspace root or standalone package: the unit with its own config, component name
/// and lockfile.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    /// The component name for service names: the config's, else the root directory's name.
    pub component: String,
    pub config: Config,
    /// The project's manifests, in path order: all that discovery keeps of them.
    pub manifest_paths: Vec<PathBuf>,
    /// The parsed manifests, read when the project runs ([`Project::resolve_packages`]).
    pub manifests: Vec<Manifest>,
    pub packages: Vec<PackageInfo>,
    /// The lockfile to read when the project runs (only for projects with a telemetry
    /// dependency, and not through a link out of the tree).
    pub lockfile_path: Option<PathBuf>,
    /// The parsed lockfile, read with the manifests.
    pub lockfile: Option<Lockfile>,
    /// The enclosing git work tree, if any.
    pub git_root: Option<PathBuf>,
    /// Set when the project's `otel-migrate.toml` is invalid: its files are not migrated.
    pub config_error: Option<String>,
    /// The indentation step of the project's `rustfmt.toml` (`hard_tabs`, `tab_spaces`), for
    /// files whose own lines show none.
    pub indent_fallback: Option<crate::engine::source::IndentUnit>,
    /// What transforms compute once per project and run (see [`RunState`]).
    pub state: RunState,
}

/// Per-run state a transform keeps for a project (e.g. facts computed over a whole package),
/// one value per type, created on first use and dropped with the project at the end of the
/// run. The engine does not know what is stored; a clone starts empty.
#[derive(Default)]
pub struct RunState {
    slots: std::sync::Mutex<
        HashMap<std::any::TypeId, std::sync::Arc<dyn std::any::Any + Send + Sync>>,
    >,
}

/// What this run covers, in the run state: a transform whose rewrite in one file relies on
/// other files being rewritten too must not count on a file outside the run's paths, or in a
/// package the transform is turned off for.
#[derive(Default)]
pub struct RunScope(pub OnceLock<RunScopeOf>);

pub struct RunScopeOf {
    /// The run's paths, absolute and canonical (as the walk spells the files).
    pub paths: Vec<PathBuf>,
    /// Transforms turned off per package (`RunOptions::disabled`, keyed by manifest path).
    pub disabled: std::collections::BTreeMap<PathBuf, BTreeSet<String>>,
}

impl RunState {
    /// The project's value of type `T`, created with `T::default()` on first use.
    pub fn get<T: Default + Send + Sync + 'static>(&self) -> std::sync::Arc<T> {
        let mut slots = self.slots.lock().expect("run state");
        let slot = slots
            .entry(std::any::TypeId::of::<T>())
            .or_insert_with(|| std::sync::Arc::new(T::default()));
        slot.clone()
            .downcast::<T>()
            .expect("a run-state slot holds the type it is keyed by")
    }
}

impl Clone for RunState {
    fn clone(&self) -> RunState {
        RunState::default()
    }
}

impl std::fmt::Debug for RunState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RunState")
    }
}

impl Project {
    /// Whether this run turned transform `id` off for the package of `path` (or, outside every
    /// package, for the file).
    pub fn transform_disabled(&self, path: &Path, id: &str) -> bool {
        let key = self
            .package_for(path)
            .map_or(path, |p| p.manifest_path.as_path());
        let scope = self.state.get::<RunScope>();
        scope
            .0
            .get()
            .and_then(|s| s.disabled.get(key))
            .is_some_and(|off| off.contains(id))
    }

    /// Whether `path` lies under one of the run's paths (the run rewrites it).
    pub fn in_run(&self, path: &Path) -> bool {
        let scope = self.state.get::<RunScope>();
        scope
            .0
            .get()
            .is_none_or(|s| s.paths.iter().any(|p| path.starts_with(p)))
    }

    /// The Rust files of `pkg` the gate read when this run's paths cover its whole directory
    /// (else `None`: files outside the run were not read). A file whose text holds a needle
    /// of a transform that applies to the package is among them, so a transform's package
    /// facts need not walk and read the package again.
    pub fn files_read<'p>(&self, pkg: &'p PackageInfo) -> Option<&'p [PathBuf]> {
        let scope = self.state.get::<RunScope>();
        let covered = scope
            .0
            .get()
            .is_some_and(|s| s.paths.iter().any(|p| pkg.dir.starts_with(p)));
        covered.then_some(pkg.files_read.as_slice())
    }

    /// The usage facts of the code that uses `entry`: the package's, or for a
    /// `[workspace.dependencies]` entry those of every member that inherits it.
    pub fn usage_of(&self, package: Option<&PackageInfo>, entry: &DepEntry) -> UsageFacts {
        let mut usage = UsageFacts::default();
        if entry.table.kind == DepKind::Workspace {
            for p in self.inheritors(&entry.key) {
                usage.merge(&p.usage);
            }
        } else if let Some(p) = package {
            usage.merge(&p.usage);
        }
        usage
    }

    /// The entry that carries the version of `entry`: itself, or for `workspace = true` the
    /// root's `[workspace.dependencies]` entry.
    pub fn version_entry<'a>(&'a self, entry: &'a DepEntry) -> Option<&'a DepEntry> {
        if !entry.workspace {
            return Some(entry);
        }
        self.workspace_manifest()?
            .deps
            .iter()
            .find(|d| d.table.kind == DepKind::Workspace && d.key == entry.key)
    }

    /// The package whose directory contains `path` (the innermost one).
    pub fn package_for(&self, path: &Path) -> Option<&PackageInfo> {
        innermost(self.packages.iter(), path)
    }

    /// Whether [`Self::package_for`] a path under `pkg`'s directory is `pkg`, asked of only the
    /// packages in that directory: a package's files are filtered by it, and a big workspace
    /// would otherwise compare every file with every member.
    pub fn owns<'p>(&'p self, pkg: &'p PackageInfo) -> impl Fn(&Path) -> bool + 'p {
        let inside: Vec<&PackageInfo> = self
            .packages
            .iter()
            .filter(|p| p.dir.starts_with(&pkg.dir))
            .collect();
        move |path| {
            path.starts_with(&pkg.dir)
                && innermost(inside.iter().copied(), path)
                    .is_some_and(|p| p.manifest_path == pkg.manifest_path)
        }
    }

    pub fn manifest(&self, path: &Path) -> Option<&Manifest> {
        self.manifests.iter().find(|m| m.path == path)
    }

    /// The Rust edition `package` is written in, as `cargo fmt` passes it to rustfmt (`None`:
    /// not said, rustfmt's default).
    pub fn edition_of(&self, package: &PackageInfo) -> Option<&str> {
        match &self.manifest(&package.manifest_path)?.edition {
            Edition::Written(edition) => Some(edition),
            Edition::FromWorkspace => self.workspace_manifest()?.workspace_edition.as_deref(),
            Edition::Unsaid => None,
        }
    }

    /// The root manifest when it declares `[workspace]`.
    pub fn workspace_manifest(&self) -> Option<&Manifest> {
        self.manifests
            .iter()
            .find(|m| m.is_workspace_root && m.dir() == self.root)
    }

    /// Whether the project has any manifest at all (a loose tree of `.rs` files has none).
    pub fn has_manifests(&self) -> bool {
        !self.manifest_paths.is_empty()
    }

    /// The packages that inherit `[workspace.dependencies]` entry `key` (`x.workspace = true`).
    pub fn inheritors(&self, key: &str) -> Vec<&PackageInfo> {
        self.packages
            .iter()
            .filter(|p| {
                p.deps
                    .iter()
                    .any(|d| d.entry.workspace && d.entry.key == key)
            })
            .collect()
    }

    pub fn relative<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }

    /// Whether one of the project's packages is named `krate`: a path dependency of that name
    /// is the project's own crate and migrates with it, not as the registry crate.
    pub fn has_package(&self, krate: &str) -> bool {
        let krate = canonical(krate);
        self.packages.iter().any(|p| canonical(&p.name) == krate)
    }

    /// Reads and parses the project's manifests and lockfile, then builds the package list.
    /// Usage facts are filled later, once the telemetry files have been read. A manifest that
    /// no longer reads or parses (changed since discovery) is an error: the project is not run.
    pub fn resolve_packages(&mut self) -> Result<(), Vec<(PathBuf, String)>> {
        self.read_manifests()?;
        let workspace_deps: Vec<DepEntry> = self
            .workspace_manifest()
            .map(|m| {
                m.deps
                    .iter()
                    .filter(|d| d.table.kind == DepKind::Workspace)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let lock = self.lockfile.as_ref();
        self.packages = self
            .manifests
            .iter()
            .filter_map(|m| {
                let name = m.package_name.clone()?;
                let mut deps: Vec<ResolvedDep> = m
                    .deps
                    .iter()
                    .filter(|d| d.table.kind != DepKind::Workspace)
                    .map(|d| resolve_dep(d, &workspace_deps, lock))
                    .collect();
                let dir = m.dir().strip_prefix(&self.root).unwrap_or(m.dir());
                for assumed in self.config.assumed_dependencies(dir) {
                    if !deps.iter().any(|d| d.entry.is(&assumed.krate)) {
                        let entry = DepEntry::assumed(&assumed.krate, &assumed.version);
                        deps.push(resolve_dep(&entry, &[], None));
                    }
                }
                Some(PackageInfo {
                    name,
                    dir: m.dir().to_path_buf(),
                    manifest_path: m.path.clone(),
                    deps,
                    usage: UsageFacts::default(),
                    reexports: Vec::new(),
                    files_read: Vec::new(),
                })
            })
            .collect();
        reach_through_reexports(&mut self.packages);
        Ok(())
    }

    /// The manifests (once) and the lockfile (when discovery chose one; unreadable or
    /// malformed, versions come from the manifests).
    fn read_manifests(&mut self) -> Result<(), Vec<(PathBuf, String)>> {
        if self.manifests.len() == self.manifest_paths.len() {
            return Ok(());
        }
        let mut errors = Vec::new();
        let mut manifests = Vec::new();
        for path in &self.manifest_paths {
            match std::fs::read_to_string(path) {
                Ok(text) => match Manifest::parse(path, &text) {
                    Ok(m) => manifests.push(m),
                    Err(e) => errors.push((path.clone(), format!("malformed Cargo.toml: {e}"))),
                },
                Err(e) => errors.push((path.clone(), format!("cannot read manifest: {e}"))),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        self.manifests = manifests;
        self.lockfile = self
            .lockfile_path
            .as_ref()
            .and_then(|lock| std::fs::read_to_string(lock).ok())
            .and_then(|t| Lockfile::parse(&t).ok());
        Ok(())
    }
}

/// Gives every package the telemetry crates it reaches only through a member it depends on
/// that re-exports them (`pub use opentelemetry_otlp;`): an entry at that member's version (no
/// text, so nothing edits it; the member's own entry is the one migrated) and the path it
/// names them by.
fn reach_through_reexports(packages: &mut [PackageInfo]) {
    // The packages naming each crate (canonical) among their dependencies: a member's
    // dependents are found by one lookup, not by asking every package about every member.
    let mut dependents: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in packages.iter().enumerate() {
        for d in &p.deps {
            let list = dependents.entry(canonical(&d.entry.package)).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    let depended_on = |m: &PackageInfo| {
        dependents.get(&canonical(&m.name)).is_some_and(|ps| {
            ps.iter()
                .any(|&i| packages[i].name != m.name && packages[i].depends_on(&m.name))
        })
    };
    // What each member another package depends on re-exports of its normal dependencies.
    let offered: Vec<(String, Vec<(String, ResolvedDep)>)> = packages
        .iter()
        .filter(|m| depended_on(m))
        .map(|m| (m.name.clone(), reexport_offers(m)))
        .collect();
    // The offering members by name (canonical), in order.
    let mut offering: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, (member, _)) in offered.iter().enumerate() {
        offering.entry(canonical(member)).or_default().push(i);
    }
    for package in packages.iter_mut() {
        let mut reached: Vec<ResolvedDep> = Vec::new();
        let mut paths: Vec<Reexport> = Vec::new();
        for dep in &package.deps {
            let Some((_, offers)) = offering
                .get(&canonical(&dep.entry.package))
                .into_iter()
                .flatten()
                .map(|&i| &offered[i])
                .find(|(member, _)| *member != package.name && dep.entry.is(member))
            else {
                continue;
            };
            let member = dep.entry.key.replace('-', "_");
            for (alias, offer) in offers {
                let krate = &offer.entry.package;
                if package.depends_on(krate) {
                    continue;
                }
                // One entry per crate; every path that reaches it resolves.
                if !reached.iter().any(|d| d.entry.is(krate)) {
                    let version = offer.version.clone().expect("offers have a version");
                    let entry = DepEntry::assumed(krate, &version.to_string());
                    reached.push(ResolvedDep {
                        version_entry: Some(entry.clone()),
                        entry,
                        version: Some(version),
                    });
                }
                paths.push(Reexport {
                    through: vec![member.clone(), alias.clone()],
                    krate: offer.entry.key.replace('-', "_"),
                });
            }
        }
        package.deps.extend(reached);
        package.reexports.extend(paths);
    }
}

/// The innermost of `packages` whose directory contains `path` (the last of equal ones). A
/// package that contains `path` is an ancestor or a descendant of any other that does, so
/// the packages inside a directory answer for the paths under it as all of them would.
fn innermost<'p>(
    packages: impl Iterator<Item = &'p PackageInfo>,
    path: &Path,
) -> Option<&'p PackageInfo> {
    packages
        .filter(|p| path.starts_with(&p.dir))
        .max_by_key(|p| p.dir.components().count())
}

/// What member `m`'s library root re-exports of its normal telemetry dependencies (the only
/// crates the transforms resolve paths through), each with the name it is re-exported under.
/// The root is read only when some dependency could be offered: most members of a big
/// workspace have no telemetry dependency, and reading their roots was most of the time
/// `resolve packages` took.
fn reexport_offers(m: &PackageInfo) -> Vec<(String, ResolvedDep)> {
    let offerable: Vec<&ResolvedDep> = m
        .deps
        .iter()
        .filter(|d| {
            // A renamed dependency would need its new code written under the rename.
            d.entry.table.kind == DepKind::Normal
                && d.version.is_some()
                && names_telemetry_crate(&canonical(&d.entry.package))
                && canonical(&d.entry.key) == canonical(&d.entry.package)
        })
        .collect();
    if offerable.is_empty() {
        return Vec::new();
    }
    let names: Vec<String> = offerable
        .iter()
        .map(|d| d.entry.key.replace('-', "_"))
        .collect();
    reexported_names(&m.dir, &names)
        .into_iter()
        .filter_map(|(name, alias)| {
            let dep = offerable
                .iter()
                .find(|d| d.entry.key.replace('-', "_") == name)?;
            Some((alias, (*dep).clone()))
        })
        .collect()
}

fn resolve_dep(
    entry: &DepEntry,
    workspace_deps: &[DepEntry],
    lock: Option<&Lockfile>,
) -> ResolvedDep {
    let mut entry = entry.clone();
    let version_entry = if entry.workspace {
        let found = workspace_deps.iter().find(|w| w.key == entry.key).cloned();
        if let Some(w) = &found {
            entry.package = w.package.clone();
        }
        found
    } else {
        Some(entry.clone())
    };
    let version = version_entry
        .as_ref()
        .and_then(|v| v.version.as_deref())
        .and_then(|req| {
            let locked = semver::VersionReq::parse(req)
                .ok()
                .and_then(|r| lock.and_then(|l| l.resolve(&entry.package, &r)));
            locked.or_else(|| minimum_version(req))
        });
    ResolvedDep {
        entry,
        version_entry,
        version,
    }
}

/// Text that marks a file as using telemetry APIs at all (OpenTelemetry or `metrics`).
pub const TELEMETRY_NEEDLES: &[&str] =
    &["opentelemetry", "otlp", "jaeger", "metrics", "service.name"];

/// Crates whose presence in a manifest makes it a telemetry manifest.
pub const TELEMETRY_CRATES: &[&str] = &["opentelemetry", "tracing-opentelemetry", "metrics"];

/// Whether manifest text names a telemetry crate (prefilter; also decides whether a manifest
/// that fails to parse is an error or only a note).
pub fn names_telemetry_crate(text: &str) -> bool {
    TELEMETRY_CRATES.iter().any(|c| text.contains(c))
}
