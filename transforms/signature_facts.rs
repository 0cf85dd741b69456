//! Workspace facts of the OTLP pipelines (not a transform): functions taking or returning an
//! old pipeline that other files or other members of the workspace call (issue 15 shape 5),
//! read by each pipeline transform from dry runs of its own rewrites over every file that names
//! one: trace customizers (`pub(crate) fn sampled(p: OtlpTracePipeline, r: f64) ->
//! OtlpTracePipeline { p.with_trace_config(..) }`, `otel::pipeline_customizer`) and creators of
//! every signal (`fn pipeline(url) -> OtlpTracePipeline<..> { new_pipeline().tracing()… }`
//! installed by `pipeline(url).install_batch(rt)`, `placement::pipeline_creator`; `fn metrics()
//! -> OtlpMetricPipeline<..>` built by `metrics().build()` and `fn logs() -> OtlpLogPipeline<..>`
//! installed by `logs().install_batch(rt)`, `placement::otlp_creator`).
//!
//! A function is followed when its rewrite and every call's rewrite are sure to happen
//! together: a free function at the top of its file, the only function of that name in the
//! workspace, whose every mention (outside `use` items; macro bodies by their tokens) is a call
//! the transform rewrites with it, in a file it runs on (a customizer's call rewritten
//! through it; a creator's call finished right after, every caller alike, and its own file
//! able to take that finish). All of them change or none does; then the function's finding
//! names every caller in the workspace. Private functions of a file that declares no
//! out-of-line module are the same-file rules'. The public API of a publishable library (`pub`,
//! reachable from `src/lib.rs`, no `publish = false`) stays as it is unless the config says
//! `rewrite-public-api = true`: its finding lists the callers.
//! Computed once per project, signal and run, in the project's run state. The trace facts
//! are settled together with the member exporter helpers (`helper_facts::settle_shared_helpers`):
//! a pipeline may pass through a customizer of one member and export through a helper of
//! another, and each side's dry runs assume the other followed; rounds with fewer customizers
//! assumed repeat until both agree (`settle_trace_facts`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use syn::visit::Visit;

use crate::engine::context::{PackageInfo, Project};
use crate::engine::syntax::{module_path, range_of_span, ParsedRust};
use crate::engine::transform::{FileContext, FileKind, Transform};
use crate::otel::exporter::Signal;
use crate::otel::exporter_helper::private_free_function;
use crate::otel::exporter_helper::PackageHelpers;
use crate::otel::pipeline_customizer::{top_level_customizer, PipelineCustomizer};
use crate::otel::pipeline_signature::{pipeline_types_in, CallersElsewhere};
use crate::otel::placement::otlp_creator::finishes_elsewhere;
use crate::otel::placement::otlp_sites::{PipelineModel, SiteRewrite};
use crate::otel::placement::pipeline_creator::calls_then;
use crate::otel::trace::InstalledAs;
use crate::transforms::helper_facts::{
    mentions_word, reachable_from_library, references, rust_files_with_text, unpublished, Parsed,
};

/// A dry run of the trace transform's sites over a file (path, parse) with the customizers
/// given (name, pipeline parameter) and the exporter helpers given followed; returns the
/// customizer of each site rewritten.
pub type CustomizerSites<'a> =
    dyn Fn(&Path, ParsedRust<'_>, &[(String, usize)], &PackageHelpers) -> Vec<String> + 'a;

/// The exporter helpers a dry run of a file (path) assumes followed.
pub type HelpersAt<'a> = &'a dyn Fn(&Path) -> PackageHelpers;

/// A pipeline transform's dry runs the facts are read from.
pub struct DryRuns<'a> {
    /// The signal whose old pipeline the functions take or return.
    pub signal: Signal,
    /// Whether the transform runs on the file (path, text): its package is on an old
    /// opentelemetry-otlp and the text holds one of its needles.
    pub runs_on: &'a dyn Fn(&Path, &str) -> bool,
    /// The customizers' call sites (none followed: an empty list).
    pub customizer_sites: &'a CustomizerSites<'a>,
    /// The exporter helpers a file's dry run assumes followed: the member helpers settled
    /// together with these facts (`helper_facts::settle_shared_helpers`), else none.
    pub helpers_at: HelpersAt<'a>,
    /// The customizers that may be followed (those that settlement assumes); any when `None`.
    pub within: Option<&'a [(String, usize)]>,
    /// The calls that finish the pipeline a creator returns (`install_batch`, `build`).
    pub terminals: &'a [&'a str],
    /// Whether the creator `name` of the file can be rewritten finished as its callers do.
    pub creator: &'a dyn Fn(&Path, ParsedRust<'_>, &str, &InstalledAs) -> bool,
}

/// What the workspace says about the functions taking or returning a signal's old pipeline, as
/// seen from one file.
#[derive(Debug, Default)]
pub struct PipelineFunctions {
    /// Every followed customizer (name, pipeline parameter): calls of them are rewritten.
    pub customizers: Vec<(String, usize)>,
    /// Followed customizers this file defines: their signatures are rewritten here.
    pub own_customizers: Vec<String>,
    /// Every followed creator, with the opentelemetry-otlp version of its package (what the
    /// old install returned): calls of them are rewritten.
    pub creators: Vec<(String, Option<semver::Version>)>,
    /// Followed creators this file defines, with how their callers finish them.
    pub own_creators: Vec<(String, InstalledAs)>,
    /// This file's functions taking or returning the old pipeline that other files may call,
    /// with every caller in the workspace (their findings list them).
    pub left: Vec<CallersElsewhere>,
}

impl PipelineFunctions {
    /// This file's followed customizers, read from its parse.
    pub fn own_customizers<'a>(&self, rust: ParsedRust<'a>) -> Vec<PipelineCustomizer<'a>> {
        self.own_customizers
            .iter()
            .filter_map(|name| top_level_customizer(rust, name))
            .collect()
    }
}

#[derive(Debug, Default)]
struct Facts {
    /// Followed customizers: name, pipeline parameter, defining file.
    customizers: Vec<(String, usize, PathBuf)>,
    /// Followed creators: name, how they are installed, defining file.
    creators: Vec<(String, InstalledAs, PathBuf)>,
    /// Left as they are: the defining file and what its finding says.
    left: Vec<(PathBuf, CallersElsewhere)>,
}

/// A value per signal, computed on first use.
struct BySignal<T> {
    span: OnceLock<T>,
    metric: OnceLock<T>,
    log: OnceLock<T>,
}

impl<T> Default for BySignal<T> {
    fn default() -> Self {
        BySignal {
            span: OnceLock::new(),
            metric: OnceLock::new(),
            log: OnceLock::new(),
        }
    }
}

impl<T> BySignal<T> {
    fn slot(&self, signal: Signal) -> &OnceLock<T> {
        match signal {
            Signal::Span => &self.span,
            Signal::Metric => &self.metric,
            Signal::Log => &self.log,
        }
    }
}

/// The facts of each signal.
#[derive(Default)]
struct ProjectFacts(BySignal<Facts>);

/// The pipeline functions of `cx`'s project for `dry_runs`' signal, seen from `cx`'s file.
pub fn pipeline_functions_for(cx: &FileContext<'_>, dry_runs: &DryRuns<'_>) -> PipelineFunctions {
    let all = cx.project.state.get::<ProjectFacts>();
    let facts = all.0.slot(dry_runs.signal).get_or_init(|| {
        crate::engine::timings::time("workspace signature facts", || {
            compute(cx.project, cx.config.rewrite_public_api, dry_runs)
        })
    });
    let here = cx.file.path();
    let version_at = |path: &Path| {
        let pkg = cx.project.package_for(path);
        pkg.and_then(|p| p.version("opentelemetry-otlp")).cloned()
    };
    PipelineFunctions {
        customizers: facts
            .customizers
            .iter()
            .map(|(name, param, _)| (name.clone(), *param))
            .collect(),
        own_customizers: facts
            .customizers
            .iter()
            .filter(|(_, _, defined)| defined == here)
            .map(|(name, _, _)| name.clone())
            .collect(),
        creators: facts
            .creators
            .iter()
            .map(|(name, _, defined)| (name.clone(), version_at(defined)))
            .collect(),
        own_creators: facts
            .creators
            .iter()
            .filter(|(_, _, defined)| defined == here)
            .map(|(name, install, _)| (name.clone(), install.clone()))
            .collect(),
        left: facts
            .left
            .iter()
            .filter(|(defined, _)| defined == here)
            .map(|(_, left)| left.clone())
            .collect(),
    }
}

/// A function of the workspace whose signature names the old trace pipeline.
struct Candidate {
    name: String,
    defined: PathBuf,
    /// The pipeline parameter, when the function has the customizer's form.
    param: Option<usize>,
    /// Returns the pipeline without taking one.
    creates: bool,
    public_api: bool,
    /// The only function of that name in the workspace (calls by name are then its).
    unique_name: bool,
}

/// The functions of the workspace whose signature names `signal`'s old pipeline, but those the
/// same-file rules prove.
fn candidates(project: &Project, files: &[(PathBuf, String)], signal: Signal) -> Vec<Candidate> {
    let mut candidates = Vec::new();
    for (path, text) in files
        .iter()
        .filter(|(_, t)| t.contains(signal.old_pipeline_type()))
    {
        let (Some(pkg), Some(parsed)) = (project.package_for(path), Parsed::read(path, text))
        else {
            continue;
        };
        candidates.extend(candidates_of(project, (pkg, path, signal), &parsed, files));
    }
    candidates
}

/// Whether transform `t` runs on the file at `path` (its text): the engine's gate, read for a
/// file of any package of `cx`'s project.
pub fn runs_on(cx: &FileContext<'_>, t: &dyn Transform, path: &Path, text: &str) -> bool {
    let package = cx.project.package_for(path);
    t.applies_to(package)
        && cx.project.in_run(path)
        && !cx.project.transform_disabled(path, t.id())
        && t.admits(text, FileKind::Rust, package, cx.project)
}

/// The creators of `R`'s pipeline (of `signal`, transform `t`) other files or members call,
/// with `sites_at(path)` the site rewrite of a file of the workspace (on its own package's
/// versions): the workspace facts seen from `cx`'s file (no customizer followed).
pub fn otlp_pipeline_functions<R: SiteRewrite>(
    cx: &FileContext<'_>,
    (t, signal): (&dyn Transform, Signal),
    sites_at: impl Fn(&Path) -> R,
) -> PipelineFunctions {
    // Only a file that defines one (names the type) or calls one reads the workspace's facts.
    let text = &cx.file.text;
    if !text.contains(signal.old_pipeline_type()) && !names_a_creator(cx.project, signal, text) {
        return PipelineFunctions::default();
    }
    let runs_on = |path: &Path, text: &str| runs_on(cx, t, path, text);
    let creator = |path: &Path, rust: ParsedRust<'_>, name: &str, finish: &InstalledAs| {
        finishes_elsewhere(rust, &sites_at(path), signal, (name, finish))
    };
    let dry_runs = DryRuns {
        signal,
        runs_on: &runs_on,
        customizer_sites: &|_, _, _, _| Vec::new(),
        helpers_at: &|_| PackageHelpers::default(),
        within: None,
        terminals: <R::Model as PipelineModel>::TERMINALS,
        creator: &creator,
    };
    pipeline_functions_for(cx, &dry_runs)
}

/// Whether `text` names a function of the workspace that creates `signal`'s old pipeline (but
/// those the same-file rules prove): a call another file may finish (`Transform::wants_calls`).
pub fn names_a_creator(project: &Project, signal: Signal, text: &str) -> bool {
    let names = project.state.get::<CreatorNames>();
    // One read of the workspace for the signals whose transforms ask (the trace transform's
    // needles already hold its installs).
    let names = names.0.get_or_init(|| {
        crate::engine::timings::time("workspace signature facts", || {
            let files = workspace_files(project);
            let mut names = Vec::new();
            for signal in [Signal::Metric, Signal::Log] {
                let creators = candidates(project, &files, signal)
                    .into_iter()
                    .filter(|c| c.creates);
                names.extend(creators.map(|c| (signal, c.name)));
            }
            names
        })
    });
    names
        .iter()
        .any(|(s, n)| *s == signal && mentions_word(text, n))
}

/// The creators of every signal, by name ([`names_a_creator`]).
#[derive(Default)]
struct CreatorNames(OnceLock<Vec<(Signal, String)>>);

/// Every trace customizer (name, pipeline parameter) the trace facts may follow: what a
/// settlement together with the member exporter helpers starts by assuming (`dry_runs` tells
/// where the transform runs).
pub fn customizer_candidates(cx: &FileContext<'_>, dry_runs: &DryRuns<'_>) -> Vec<(String, usize)> {
    let files = workspace_files(cx.project);
    let followable = |c: &Candidate| {
        let text = files.iter().find(|(p, _)| *p == c.defined).map(|(_, t)| t);
        (!c.public_api || cx.config.rewrite_public_api)
            && c.unique_name
            && text.is_some_and(|t| (dry_runs.runs_on)(&c.defined, t))
    };
    candidates(cx.project, &files, Signal::Span)
        .iter()
        .filter(|c| followable(c))
        .filter_map(|c| Some((c.name.clone(), c.param?)))
        .collect()
}

/// The trace customizers settled for the run (`None` before they are).
pub fn settled_trace_customizers(project: &Project) -> Option<Vec<(String, usize)>> {
    let all = project.state.get::<ProjectFacts>();
    let facts = all.0.slot(Signal::Span).get()?;
    Some(
        facts
            .customizers
            .iter()
            .map(|(name, param, _)| (name.clone(), *param))
            .collect(),
    )
}

/// Computes the trace facts with `dry_runs` (their exporter helpers assumed followed, their
/// customizers limited to `within`) and keeps them for the run when they follow every customizer
/// `within`, as the helpers' dry runs assumed; else returns those they follow, the next
/// assumption (fewer: the joint settlement ends).
pub fn settle_trace_facts(
    cx: &FileContext<'_>,
    dry_runs: &DryRuns<'_>,
) -> Result<(), Vec<(String, usize)>> {
    let facts = crate::engine::timings::time("workspace signature facts", || {
        compute(cx.project, cx.config.rewrite_public_api, dry_runs)
    });
    let followed: Vec<(String, usize)> = facts
        .customizers
        .iter()
        .map(|(name, param, _)| (name.clone(), *param))
        .collect();
    let mut assumed = dry_runs.within.unwrap_or_default().to_vec();
    assumed.sort();
    if dry_runs.within.is_some() && followed != assumed {
        return Err(followed);
    }
    let all = cx.project.state.get::<ProjectFacts>();
    // Another file's settlement may have kept the same facts first.
    let _ = all.0.slot(Signal::Span).set(facts);
    Ok(())
}

fn compute(project: &Project, rewrite_public_api: bool, dry_runs: &DryRuns<'_>) -> Facts {
    let files = workspace_files(project);
    let candidates = candidates(project, &files, dry_runs.signal);
    if candidates.is_empty() {
        return Facts::default();
    }
    // Its own file must be rewritten too: the transform runs on it.
    let runs_on_definer = |c: &Candidate| {
        let text = files.iter().find(|(p, _)| *p == c.defined).map(|(_, t)| t);
        text.is_some_and(|t| (dry_runs.runs_on)(&c.defined, t))
    };
    let followable = |c: &&Candidate| {
        (!c.public_api || rewrite_public_api) && runs_on_definer(c) && c.unique_name
    };
    let assumed = |c: &&Candidate| {
        let within = dry_runs.within;
        within.is_none_or(|w| c.param.is_some_and(|p| w.contains(&(c.name.clone(), p))))
    };
    let customizers = followed_customizers(
        &files,
        candidates
            .iter()
            .filter(|c| c.param.is_some())
            .filter(followable)
            .filter(assumed)
            .collect(),
        dry_runs,
    );
    let mut facts = Facts::default();
    for c in &candidates {
        let followed = if customizers.iter().any(|f| std::ptr::eq(*f, c)) {
            c.param.map(|param| {
                facts
                    .customizers
                    .push((c.name.clone(), param, c.defined.clone()))
            })
        } else if c.creates && followable(&c) {
            creator_installed(&files, c, dry_runs).map(|install| {
                facts
                    .creators
                    .push((c.name.clone(), install, c.defined.clone()))
            })
        } else {
            None
        };
        if followed.is_none() {
            let left = CallersElsewhere {
                name: c.name.clone(),
                callers: callers(project, &files, &c.name),
                shared_name: !c.unique_name,
                public_api: c.public_api && !rewrite_public_api,
            };
            facts.left.push((c.defined.clone(), left));
        }
    }
    facts.customizers.sort();
    facts
        .creators
        .sort_by(|a, b| (&a.0, &a.2).cmp(&(&b.0, &b.2)));
    facts.left.sort();
    facts
}

/// The customizers every mention of which is a call rewritten through them; one that fails
/// anywhere is dropped and the rest tried again (their sites may have gone through it).
fn followed_customizers<'c>(
    files: &[(PathBuf, String)],
    mut followed: Vec<&'c Candidate>,
    dry_runs: &DryRuns<'_>,
) -> Vec<&'c Candidate> {
    while !followed.is_empty() {
        let names: Vec<(String, usize)> = followed
            .iter()
            .filter_map(|c| Some((c.name.clone(), c.param?)))
            .collect();
        let mut mentions: HashMap<&str, (usize, usize)> = HashMap::new();
        for (path, text) in files {
            let named: Vec<&str> = names
                .iter()
                .map(|(n, _)| n.as_str())
                .filter(|n| mentions_word(text, n))
                .collect();
            if named.is_empty() {
                continue;
            }
            let Some(parsed) = Parsed::read(path, text) else {
                // A file that does not parse may call it: nothing is sure.
                named
                    .iter()
                    .for_each(|n| mentions.entry(n).or_default().0 += 1);
                continue;
            };
            // A file the transform does not run on rewrites none of its calls (a `pub use`
            // re-exporting it is none).
            let rewritten = if (dry_runs.runs_on)(path, text) {
                let helpers = (dry_runs.helpers_at)(path);
                (dry_runs.customizer_sites)(path, parsed.rust(), &names, &helpers)
            } else {
                Vec::new()
            };
            for name in named {
                let count = references(parsed.rust().syntax, name).count;
                let through = rewritten.iter().filter(|r| *r == name).count();
                let seen = mentions.entry(name).or_default();
                seen.0 += count;
                seen.1 += through.min(count);
            }
        }
        let before = followed.len();
        followed.retain(|c| {
            mentions
                .get(c.name.as_str())
                .is_some_and(|(all, through)| *all > 0 && all == through)
        });
        if followed.len() == before {
            break;
        }
    }
    followed
}

/// How every caller of creator `c` finishes its pipeline, when every mention of its name in
/// the workspace is a call finished right after, all alike, in files the transform runs on,
/// and its own file can be rewritten that way.
fn creator_installed(
    files: &[(PathBuf, String)],
    c: &Candidate,
    dry_runs: &DryRuns<'_>,
) -> Option<InstalledAs> {
    let mut install: Option<InstalledAs> = None;
    let mut definer = None;
    for (path, text) in files.iter().filter(|(_, t)| mentions_word(t, &c.name)) {
        let parsed = Parsed::read(path, text)?;
        let rust = parsed.rust();
        let calls = calls_then(rust.syntax, &c.name, true, dry_runs.terminals);
        if calls.len() != references(rust.syntax, &c.name).count {
            return None;
        }
        if !calls.is_empty() && !(dry_runs.runs_on)(path, text) {
            return None;
        }
        for (_, terminal) in &calls {
            let this = InstalledAs::read(rust, terminal)?;
            if install.as_ref().is_some_and(|i| *i != this) {
                return None;
            }
            install = Some(this);
        }
        if *path == c.defined {
            definer = Some(parsed);
        }
    }
    let (install, definer) = (install?, definer?);
    (dry_runs.creator)(&c.defined, definer.rust(), &c.name, &install).then_some(install)
}

/// The free functions at the top of `parsed` whose signature names `signal`'s old pipeline, but
/// those the same-file rule proves (private, in a file declaring no out-of-line module).
fn candidates_of(
    project: &Project,
    (pkg, path, signal): (&PackageInfo, &Path, Signal),
    parsed: &Parsed,
    files: &[(PathBuf, String)],
) -> Vec<Candidate> {
    let rust = parsed.rust();
    let module = module_path(&pkg.dir, path);
    let mut out = Vec::new();
    for item in &rust.syntax.items {
        let syn::Item::Fn(f) = item else { continue };
        let name = f.sig.ident.to_string();
        let Some(found) = pipeline_types_in(rust, &f.sig, signal) else {
            continue;
        };
        if private_free_function(rust, &name).is_some() {
            continue;
        }
        let public = matches!(f.vis, syn::Visibility::Public(_));
        let public_api = public && public_library_api(project, pkg, path, &module, files);
        let creates = found.creates;
        let unique_name = defined_once(files, &name);
        out.push(Candidate {
            param: top_level_customizer(rust, &name).map(|c| c.param),
            creates,
            name,
            defined: path.to_path_buf(),
            public_api,
            unique_name,
        });
    }
    out
}

/// Whether the module at `path` is public API of a publishable library.
pub(crate) fn public_library_api(
    project: &Project,
    pkg: &PackageInfo,
    path: &Path,
    module: &[String],
    files: &[(PathBuf, String)],
) -> bool {
    let lib = pkg.dir.join("src/lib.rs");
    if !lib.is_file() || unpublished(pkg) || module.first().is_some_and(|m| m.starts_with('#')) {
        return false;
    }
    // A binary's root is no module of the library.
    if module.is_empty() && path != lib {
        return false;
    }
    let own: Vec<(PathBuf, String)> = files
        .iter()
        .filter(|(p, _)| {
            project
                .package_for(p)
                .is_some_and(|o| o.manifest_path == pkg.manifest_path)
        })
        .cloned()
        .collect();
    reachable_from_library(pkg, &own, module)
}

/// Whether the workspace defines exactly one function `name` (calls by name are then its).
pub(crate) fn defined_once(files: &[(PathBuf, String)], name: &str) -> bool {
    struct Definitions<'n> {
        name: &'n str,
        count: usize,
    }
    impl<'a> Visit<'a> for Definitions<'_> {
        fn visit_signature(&mut self, sig: &'a syn::Signature) {
            if sig.ident == self.name {
                self.count += 1;
            }
        }
    }
    let mut defs = Definitions { name, count: 0 };
    for (path, text) in files.iter().filter(|(_, t)| mentions_word(t, name)) {
        match Parsed::read(path, text) {
            Some(parsed) => defs.visit_file(parsed.rust().syntax),
            None => return false,
        }
    }
    defs.count == 1
}

/// `path:line` of every use of `name` as a path in the workspace.
fn callers(project: &Project, files: &[(PathBuf, String)], name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in files.iter().filter(|(_, t)| mentions_word(t, name)) {
        let Some(parsed) = Parsed::read(path, text) else {
            continue;
        };
        let rust = parsed.rust();
        for span in references(rust.syntax, name).at {
            let (line, _) = rust.file.line_col(range_of_span(rust.file, span).start);
            out.push(format!("{}:{line}", project.relative(path).display()));
        }
    }
    out
}

/// The Rust files of every package of the project, with their text.
pub(crate) fn workspace_files(project: &Project) -> Vec<(PathBuf, String)> {
    rust_files_with_text(&project.root, |path| project.package_for(path).is_some())
}
