//! Workspace facts of the pipeline transforms: exporter helpers of a library member that
//! pipelines of other members call (issue 15, shapes 2 and 5 across members). The shared
//! telemetry crate of a workspace defines `pub fn collector(url: &str) -> TonicExporterBuilder`;
//! one member's trace pipeline calls `.with_exporter(telemetry::exporters::collector(url))`,
//! another's metrics pipeline `.with_exporter(collector(url))` after a `use`.
//!
//! Such a helper is made generic over the 0.27 option traits as within one package
//! (`otel::exporter_helper::shared`), and every call in the workspace passes its signal's
//! builder. Followed only when the helper and every call change together: a `pub` top-level
//! function of a library whose body the generic form takes, reached from other crates (its
//! module public from `src/lib.rs`, or re-exported by a `pub use` of a public module), that
//! another member names; its package has `publish = false` (or the config says
//! `rewrite-public-api = true`); every mention of its name in the workspace (outside `use`
//! items) is a call of it (through the member's dependency key, renamed or not) that is a
//! pipeline's exporter, with its arguments, in a file of the run whose package is on an old
//! opentelemetry-otlp; and a dry run of every signal's site rewrite over each calling file
//! rewrites every call. All of them change or none does; then one error at the helper gives
//! the generic signature, the reason and every call in the workspace.
//! Settled once per project and run (by `otlp-trace-pipeline`, before its first file), in the
//! project's run state, jointly with the trace customizers of other files
//! (`signature_facts`): the trace dry runs assume those customizers followed, the customizers'
//! dry runs these helpers; a round whose customizers do not all hold is settled again with
//! fewer (`Agreed`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::engine::changes::Changes;
use crate::engine::context::{PackageInfo, Project};
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::syntax::{
    ident_str, item_named_in, module_path, range_of, range_of_span, ParsedRust,
};
use crate::engine::transform::FileContext;
use crate::otel::exporter_helper::shared::{
    generic_form_fits, generic_signature, pipeline_helper_calls, SharedRef,
};
use crate::otel::exporter_helper::{top_level_fn, HelperRef, PackageHelpers};

use super::{
    callers, crate_name, mentions_word, named_by_other_members, package_files,
    reachable_from_library, references, settle_by_dry_runs, unpublished, Parsed, SignalsDryRun,
};

/// A helper of a library member that other members' pipelines call.
#[derive(Debug, Clone)]
struct MemberHelper {
    /// As its own crate names it (module, name; no paths).
    shared: SharedRef,
    defined: PathBuf,
    /// The manifest of its package.
    package: PathBuf,
    /// Its package's name, what other members' dependencies name.
    krate: String,
    /// The paths inside its crate other crates reach it by (its module's, a re-export's).
    public_paths: Vec<Vec<String>>,
    /// Why it cannot be followed whatever the dry runs say (public API of a publishable
    /// library).
    kept: Option<String>,
}

impl MemberHelper {
    /// How the crate of `pkg` names it: by module and name in its own package, else by the
    /// paths through `pkg`'s dependency on its package (`None`: no such dependency).
    fn seen_from(&self, pkg: &PackageInfo) -> Option<SharedRef> {
        if pkg.manifest_path == self.package {
            return Some(self.shared.clone());
        }
        let key = pkg.code_name_of(&self.krate)?;
        let paths = self
            .public_paths
            .iter()
            .map(|p| std::iter::once(key.clone()).chain(p.clone()).collect())
            .collect();
        Some(SharedRef {
            paths,
            ..self.shared.clone()
        })
    }
}

/// A helper left as it is, with its finding's parts.
#[derive(Debug, Clone)]
struct LeftHelper {
    name: String,
    reason: String,
    /// `path:line` of every mention in the workspace.
    callers: Vec<String>,
    public_api: bool,
}

#[derive(Debug, Default)]
struct Facts {
    settled: Vec<MemberHelper>,
    left: Vec<(PathBuf, LeftHelper)>,
}

#[derive(Default)]
struct ProjectFacts(OnceLock<Facts>);

/// What the member helpers' dry runs assume besides the helpers, checked once the helpers are
/// settled: told the exporter helpers each file then sees followed, whether the assumption
/// still holds (`false`: it now assumes less, and the helpers are settled again).
pub type Agreed<'a> = &'a dyn Fn(&dyn Fn(&Path) -> PackageHelpers) -> bool;

/// Settles, once per project, the helpers of library members other members' pipelines call
/// (`dry_run`: every signal's site rewrite), jointly with what `agreed` checks: a pipeline
/// may need both a member's helper and a function of another file followed (the trace
/// customizers). Each round assumes no more than the last, so the rounds end.
pub(super) fn settle(cx: &FileContext<'_>, dry_run: SignalsDryRun<'_>, agreed: Agreed<'_>) {
    let facts = cx.project.state.get::<ProjectFacts>();
    facts.0.get_or_init(|| {
        crate::engine::timings::time("workspace helper facts", || loop {
            let facts = compute(cx.project, cx.config.rewrite_public_api, dry_run);
            let helpers_at = |caller: &Path| helpers_seen_at(cx.project, &facts.settled, caller);
            if agreed(&helpers_at) {
                return facts;
            }
        })
    });
}

/// The exporter helpers a pipeline of `caller` sees followed when `helpers` are.
fn helpers_seen_at<'h>(
    project: &Project,
    helpers: impl IntoIterator<Item = &'h MemberHelper>,
    caller: &Path,
) -> PackageHelpers {
    let Some(pkg) = project.package_for(caller) else {
        return PackageHelpers::default();
    };
    PackageHelpers {
        module: module_path(&pkg.dir, caller),
        crate_name: crate_name(pkg),
        shared_elsewhere: helpers
            .into_iter()
            .filter_map(|h| h.seen_from(pkg))
            .collect(),
        ..PackageHelpers::default()
    }
}

/// `read` of the settled facts (the default before they are settled).
fn read_facts<T: Default>(project: &Project, read: impl FnOnce(&Facts) -> T) -> T {
    project
        .state
        .get::<ProjectFacts>()
        .0
        .get()
        .map(read)
        .unwrap_or_default()
}

/// The settled helpers as the crate of `pkg` calls them.
pub(super) fn seen_from(project: &Project, pkg: &PackageInfo) -> Vec<SharedRef> {
    read_facts(project, |f| {
        f.settled.iter().filter_map(|h| h.seen_from(pkg)).collect()
    })
}

/// The settled helpers `file` defines: it makes them generic.
pub(super) fn defined_in(project: &Project, file: &Path) -> Vec<String> {
    read_facts(project, |f| {
        f.settled
            .iter()
            .filter(|h| h.defined == file)
            .map(|h| h.shared.helper.name.clone())
            .collect()
    })
}

/// Whether these facts speak for helper `name` of `file` (settled or left): the package facts
/// leave it to them.
pub(super) fn covers(project: &Project, file: &Path, name: &str) -> bool {
    read_facts(project, |f| {
        f.settled
            .iter()
            .any(|h| h.defined == file && h.shared.helper.name == name)
            || f.left.iter().any(|(p, l)| p == file && l.name == name)
    })
}

/// An error at each helper of `cx`'s file left as it is: the generic signature it could take,
/// why it was not rewritten, and every call in the workspace.
pub fn report_left_member_helpers(cx: &FileContext<'_>, out: &mut Changes) {
    let here = cx.file.path();
    let left: Vec<LeftHelper> = read_facts(cx.project, |f| {
        f.left
            .iter()
            .filter(|(p, _)| p == here)
            .map(|(_, l)| l.clone())
            .collect()
    });
    let rust = cx.rust();
    for left in left {
        let Some(item) = top_level_fn(rust.syntax, &left.name) else {
            continue;
        };
        let Some(signature) = generic_signature(rust, item) else {
            continue;
        };
        let allow = if left.public_api {
            "; or set `rewrite-public-api = true` in otel-migrate.toml to have the tool do it"
        } else {
            ""
        };
        out.finding(
            range_of(rust.file, &item.sig),
            Severity::Error,
            format!(
                "`{}` is an exporter helper pipelines of other workspace members call ({}); it and its calls were not rewritten: {}",
                left.name,
                left.callers.join(", "),
                left.reason
            ),
            format!("0.27's builder types cannot be named: make it generic, `{signature}`, with `builder` in place of its `new_exporter()…` builder; every call passes its signal's builder (`opentelemetry_otlp::SpanExporter::builder()`, `MetricExporter::builder()`, `LogExporter::builder()`, then `.with_tonic()`/`.with_http()`) and builds what it returns{allow}"),
        );
    }
}

fn compute(project: &Project, rewrite_public_api: bool, dry_run: SignalsDryRun<'_>) -> Facts {
    let candidates: Vec<MemberHelper> = project
        .packages
        .iter()
        .filter(|p| p.dir.join("src/lib.rs").is_file() && on_old_otlp(p))
        .flat_map(|pkg| candidates_of(project, pkg, rewrite_public_api))
        .collect();
    if candidates.is_empty() {
        return Facts::default();
    }
    let files = super::rust_files_with_text(&project.root, |p| project.package_for(p).is_some());
    let mut calls: Vec<(usize, &PathBuf, Vec<TextRange>)> = Vec::new();
    let mut reasons: Vec<Option<String>> = Vec::new();
    for (i, helper) in candidates.iter().enumerate() {
        let mut reason = helper.kept.clone();
        for (path, text) in files
            .iter()
            .filter(|(_, t)| mentions_word(t, &helper.shared.helper.name))
        {
            match calls_in(project, helper, path, text) {
                Ok(ranges) if !ranges.is_empty() => calls.push((i, path, ranges)),
                Ok(_) => {}
                Err(why) => reason = reason.or(Some(why)),
            }
        }
        reasons.push(reason);
    }
    let helpers_at = |caller: &Path, assumed: &[usize]| {
        helpers_seen_at(project, assumed.iter().map(|i| &candidates[*i]), caller)
    };
    // Those kept for a reason of their own are never assumed followed.
    let followable = reasons.iter().map(Option::is_none).collect();
    let settled = settle_by_dry_runs(&files, &calls, followable, helpers_at, dry_run);
    let mut facts = Facts::default();
    for (i, helper) in candidates.into_iter().enumerate() {
        if settled[i] {
            facts.settled.push(helper);
            continue;
        }
        let name = helper.shared.helper.name.clone();
        let reason = reasons[i].clone().unwrap_or_else(|| {
            let sites: Vec<String> = calls
                .iter()
                .filter(|(c, _, _)| *c == i)
                .map(|(_, p, _)| format!("`{}`", project.relative(p).display()))
                .collect();
            format!(
                "a pipeline calling it cannot be rewritten with it (dry runs of {})",
                sites.join(", ")
            )
        });
        let pkg = project
            .packages
            .iter()
            .find(|p| p.manifest_path == helper.package);
        let left = LeftHelper {
            callers: pkg.map(|p| callers(project, p, &name)).unwrap_or_default(),
            public_api: helper.kept.is_some(),
            name,
            reason,
        };
        facts.left.push((helper.defined, left));
    }
    facts
}

fn on_old_otlp(pkg: &PackageInfo) -> bool {
    pkg.version_below("opentelemetry-otlp", 0, 27)
}

/// The `pub` top-level functions of library `pkg` the generic form takes, reached from
/// other crates, that another member names.
fn candidates_of(
    project: &Project,
    pkg: &PackageInfo,
    rewrite_public_api: bool,
) -> Vec<MemberHelper> {
    let files = package_files(project, pkg);
    let lib = crate_name(pkg);
    let kept = (!rewrite_public_api && !unpublished(pkg)).then(|| {
        "it is public API of a publishable library (crates outside the workspace may call it)"
            .to_string()
    });
    let mut out = Vec::new();
    for (path, text) in files.iter().filter(|(_, t)| t.contains("ExporterBuilder")) {
        let module = module_path(&pkg.dir, path);
        if module.first().is_some_and(|m| m.starts_with('#')) {
            continue;
        }
        let Some(file) = Parsed::read(path, text) else {
            continue;
        };
        for item in &file.syntax.items {
            let syn::Item::Fn(f) = item else { continue };
            let name = ident_str(&f.sig.ident);
            if !matches!(f.vis, syn::Visibility::Public(_)) {
                continue;
            }
            let Some((transport, params)) =
                top_level_fn(&file.syntax, &name).and_then(|f| generic_form_fits(file.rust(), f))
            else {
                continue;
            };
            let helper = HelperRef {
                module: module.clone(),
                name,
            };
            let public_paths = public_paths(pkg, &files, &helper, &lib);
            if public_paths.is_empty() || !named_by_other_members(project, pkg, &helper.name) {
                // No other crate can call it: the package's own facts decide.
                continue;
            }
            out.push(MemberHelper {
                shared: SharedRef {
                    helper,
                    transport,
                    params,
                    paths: Vec::new(),
                },
                defined: path.clone(),
                package: pkg.manifest_path.clone(),
                krate: pkg.name.clone(),
                public_paths,
                kept: kept.clone(),
            });
        }
    }
    out
}

/// The paths inside its crate other crates reach `helper` by: its module's when public from
/// the library root, and each `pub use` of it (by name or glob, not renamed) in a public module.
fn public_paths(
    pkg: &PackageInfo,
    files: &[(PathBuf, String)],
    helper: &HelperRef,
    lib: &str,
) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let reachable = |module: &[String]| reachable_from_library(pkg, files, module);
    if reachable(&helper.module) {
        out.push(path_to(&helper.module, &helper.name));
    }
    for (path, text) in files.iter().filter(|(_, t)| t.contains("pub use")) {
        let module = module_path(&pkg.dir, path);
        if module.first().is_some_and(|m| m.starts_with('#')) || !reachable(&module) {
            continue;
        }
        let Some(file) = Parsed::read(path, text) else {
            continue;
        };
        for item in &file.syntax.items {
            let syn::Item::Use(u) = item else { continue };
            if !matches!(u.vis, syn::Visibility::Public(_)) || u.leading_colon.is_some() {
                continue;
            }
            for mut used in use_leaves(&u.tree, &helper.name) {
                used.push(helper.name.clone());
                let target = item_named_in(&file.syntax, &module, &used, lib);
                if target.is_some_and(|(m, n)| m == helper.module && n == helper.name) {
                    out.push(path_to(&module, &helper.name));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn path_to(module: &[String], name: &str) -> Vec<String> {
    module.iter().cloned().chain([name.to_string()]).collect()
}

/// The prefixes of `tree` that bring `name` into scope as itself: `a::b::name`, `a::b::*`.
fn use_leaves(tree: &syn::UseTree, name: &str) -> Vec<Vec<String>> {
    match tree {
        syn::UseTree::Path(p) => use_leaves(&p.tree, name)
            .into_iter()
            .map(|mut rest| {
                rest.insert(0, ident_str(&p.ident));
                rest
            })
            .collect(),
        syn::UseTree::Name(n) if n.ident == name => vec![Vec::new()],
        syn::UseTree::Glob(_) => vec![Vec::new()],
        syn::UseTree::Group(g) => g.items.iter().flat_map(|t| use_leaves(t, name)).collect(),
        _ => Vec::new(),
    }
}

/// The calls of `helper` in the file at `path` that are pipelines' exporters, when every
/// mention of its name there is one; else why not.
fn calls_in(
    project: &Project,
    helper: &MemberHelper,
    path: &Path,
    text: &str,
) -> Result<Vec<TextRange>, String> {
    let shown = project.relative(path).display().to_string();
    let name = &helper.shared.helper.name;
    let file = Parsed::read(path, text).ok_or_else(|| format!("`{shown}` does not parse"))?;
    let uses = references(&file.syntax, name).at;
    if uses.is_empty() {
        return Ok(Vec::new());
    }
    let pkg = project
        .package_for(path)
        .filter(|p| on_old_otlp(p) && project.in_run(path))
        .ok_or_else(|| {
            format!("`{shown}` is not migrated in this run (outside the paths given, or not on an old opentelemetry-otlp)")
        })?;
    let at = PackageHelpers {
        module: module_path(&pkg.dir, path),
        crate_name: crate_name(pkg),
        ..PackageHelpers::default()
    };
    let seen = helper.seen_from(pkg);
    let rust: ParsedRust<'_> = file.rust();
    let calls: Vec<TextRange> = pipeline_helper_calls(rust)
        .into_iter()
        .filter(|(call, p)| {
            call.args.len() == helper.shared.params
                && seen.as_ref().is_some_and(|s| s.named_by(rust, p, &at))
        })
        .map(|(call, _)| range_of(rust.file, call))
        .collect();
    let other = uses.iter().find_map(|span| {
        let at = range_of_span(rust.file, *span).start;
        (!calls.iter().any(|c| c.start <= at && at < c.end)).then(|| rust.file.line_col(at).0)
    });
    match other {
        Some(line) => Err(format!(
            "`{shown}:{line}` uses it otherwise than as the exporter of a pipeline"
        )),
        None => Ok(calls),
    }
}
