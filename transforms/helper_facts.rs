//! Package facts of the pipeline transforms (not a transform): exporter helpers defined in one
//! file of a package and called, once, by a pipeline in another (`telemetry.rs` builds the
//! exporter, `main.rs` installs it), read per signal by `otlp-trace-pipeline`,
//! `otlp-metrics-pipeline` and `otlp-logs-pipeline` (each from a dry run of its own site
//! rewrite; the trace transform also leaves the other two signals' helpers to them); and the
//! constants, statics
//! and config fields that feed a Jaeger pipeline's endpoint, read by `jaeger-pipeline`; and the
//! values the ledger resolves through (constants, config defaults, callers' arguments).
//!
//! A helper is followed only when its rewrite and its call's rewrite are sure to happen
//! together: a free function at the top of its file returning an old exporter builder
//! (`otel::exporter_helper::helper_form`), private to the crate (a `pub` one only in a package
//! without a library target), whose name occurs once more in the whole package outside `use`
//! items, in one other file, and that call's pipeline is rewritten when the helper is assumed
//! followed (a dry run of the transform over the caller's file). Computed once per package and
//! run, in the project's run state. A library member's helpers other members call are the
//! workspace facts' (`members`), settled before the package's.

mod members;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::context::{PackageInfo, Project};
use crate::engine::edit::TextRange;
use crate::engine::ledger::RawLedgerEntry;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{module_path, range_of, range_of_span, ImportMap, ParsedRust};
use crate::engine::transform::FileContext;
use crate::otel::chain::count_ident;
use crate::otel::exporter::{Signal, OLD_BUILDER_ITEMS};
use crate::otel::exporter_helper::shared::{
    call_site_rewritten, generic_form_fits, pipeline_helper_calls, SharedRef,
};
use crate::otel::exporter_helper::{
    helper_form, own_helper_edits, top_level_fn, HelperRef, PackageHelpers, ReportedHelper,
};
use crate::otel::imports::{ImportPlan, ImportPlans};
use crate::otel::jaeger_endpoint::EndpointFeed;
use crate::otel::ledger::package::{resolve_entries, PackageValues, Place};
use crate::otel::placement::otlp_sites::{rewrite_sites, SiteRewrite};

pub use members::{report_left_member_helpers, Agreed};

/// The values that feed the Jaeger pipelines' endpoints anywhere in `pkg`: what `sites` records
/// while rewriting (dry) each file that has a Jaeger pipeline.
pub fn endpoint_feeds_of(
    project: &Project,
    pkg: &PackageInfo,
    sites: &dyn Fn(ParsedRust<'_>, Vec<String>) -> Vec<EndpointFeed>,
) -> Arc<Vec<EndpointFeed>> {
    per_package(project, pkg, || {
        let mut feeds: Vec<EndpointFeed> = package_files(project, pkg)
            .iter()
            .filter(|(_, t)| {
                t.contains("new_agent_pipeline") || t.contains("new_collector_pipeline")
            })
            .filter_map(|(p, t)| {
                let parsed = Parsed::read(p, t)?;
                Some(sites(parsed.rust(), module_path(&pkg.dir, p)))
            })
            .flatten()
            .collect();
        feeds.sort();
        feeds.dedup();
        feeds
    })
}

/// The values of `pkg`'s files the ledger resolves through (constants, config defaults, what
/// callers pass): every file read twice, definitions first, then calls (their arguments
/// resolve through the definitions).
pub fn package_values_of(project: &Project, pkg: &PackageInfo) -> Arc<PackageValues> {
    per_package(project, pkg, || {
        let lib = crate_name(pkg);
        let parsed: Vec<(Vec<String>, Parsed)> = package_files(project, pkg)
            .iter()
            .filter_map(|(p, t)| Some((module_path(&pkg.dir, p), Parsed::read(p, t)?)))
            .collect();
        let mut definitions = PackageValues::new(pkg.dir.join("src/lib.rs").is_file());
        for (module, file) in &parsed {
            definitions.add_definitions(file.rust(), Place { module, lib: &lib });
        }
        let mut values = definitions.clone();
        for (module, file) in &parsed {
            values.add_calls(file.rust(), Place { module, lib: &lib }, &definitions);
        }
        values
    })
}

/// Resolves through the package of `cx` what a transform's ledger entries left unresolved
/// (`otel::ledger::package`).
pub fn resolve_ledger(cx: &FileContext<'_>, ledger: &mut [RawLedgerEntry]) {
    // Reading the package's values parses every file of the package: only for an entry
    // that has something left to resolve.
    let Some(pkg) = cx
        .package
        .filter(|_| ledger.iter().any(RawLedgerEntry::has_unresolved))
    else {
        return;
    };
    let values = package_values_of(cx.project, pkg);
    let module = module_path(&pkg.dir, cx.file.path());
    let lib = crate_name(pkg);
    let place = Place {
        module: &module,
        lib: &lib,
    };
    resolve_entries(cx.rust(), &values, place, ledger);
}

/// Rewrites a caller file assuming the helpers it is given are followed (the transform's own
/// site rewrite, without the rest of its pass).
pub type DryRun<'a> = &'a dyn Fn(ParsedRust<'_>, &PackageHelpers) -> Changes;

/// Followed helpers of one package: each with the file that defines it and the file that
/// calls it.
#[derive(Debug, Default)]
struct HelperFacts {
    followed: Vec<(HelperRef, PathBuf, PathBuf)>,
    /// Public API helpers of a publishable library, with the file that defines them.
    reported: Vec<(PathBuf, ReportedHelper)>,
}

/// Per-package values of one kind, computed on first use in a run (one cell per package, so
/// packages compute in parallel and each only once). A run's files do not change on disk while
/// it runs, so nothing here goes stale.
struct PackageCache<T> {
    packages: Mutex<HashMap<PathBuf, Arc<OnceLock<Arc<T>>>>>,
}

impl<T> Default for PackageCache<T> {
    fn default() -> Self {
        PackageCache {
            packages: Mutex::default(),
        }
    }
}

/// The value of type `T` for `pkg`, computed by `compute` on first use.
pub(crate) fn per_package<T: Send + Sync + 'static>(
    project: &Project,
    pkg: &PackageInfo,
    compute: impl FnOnce() -> T,
) -> Arc<T> {
    let cell = project
        .state
        .get::<PackageCache<T>>()
        .packages
        .lock()
        .expect("package facts cache")
        .entry(pkg.manifest_path.clone())
        .or_default()
        .clone();
    cell.get_or_init(|| Arc::new(crate::engine::timings::time("package facts", compute)))
        .clone()
}

/// The helper facts of each signal's pipelines, each read with that signal's transform's dry
/// run when it first asks.
#[derive(Default)]
struct FactsBySignal {
    span: OnceLock<HelperFacts>,
    metric: OnceLock<HelperFacts>,
    log: OnceLock<HelperFacts>,
}

/// The exporter helpers of `cx`'s package for `signal`'s pipelines (`dry_run`: that signal's
/// site rewrite).
pub fn helpers_for(cx: &FileContext<'_>, signal: Signal, dry_run: DryRun<'_>) -> PackageHelpers {
    let Some(pkg) = cx.package else {
        return PackageHelpers {
            signal,
            ..PackageHelpers::default()
        };
    };
    let at = (cx.file.path(), signal);
    helpers_of(cx.project, pkg, at, cx.config.rewrite_public_api, dry_run)
}

/// [`helpers_for`] a transform whose site rewrite is [`rewrite_sites`] with the [`SiteRewrite`]
/// `sites` makes around the helpers assumed followed.
pub fn site_rewrite_helpers<R: SiteRewrite>(
    cx: &FileContext<'_>,
    signal: Signal,
    sites: impl Fn(PackageHelpers) -> R,
) -> PackageHelpers {
    let dry_run = |rust: ParsedRust<'_>, helpers: &PackageHelpers| {
        let mut out = Changes::default();
        rewrite_sites(rust, &mut sites(helpers.clone()), &mut out);
        out
    };
    helpers_for(cx, signal, &dry_run)
}

/// This file's helpers whose call another file's pipeline follows: they return the built
/// exporter (that pipeline unwraps it).
pub fn rewrite_own_helpers<'c>(
    cx: &FileContext<'c>,
    helpers: &PackageHelpers,
    out: &mut Changes,
    plans: &mut ImportPlans<'c>,
) {
    if helpers.own.is_empty() {
        return;
    }
    let mut names = ImportPlan::at(cx.file, cx.syntax(), 0);
    for (range, text) in own_helper_edits(cx.rust(), helpers, &mut names) {
        out.replace(range, text);
    }
    for path in OLD_BUILDER_ITEMS {
        names.remove_if_unused(path);
    }
    plans.add(names);
}

/// What the package of `file` says about the exporter helpers of `signal`'s pipelines (whose
/// transform `dry_run` is), as seen from `file`.
pub fn helpers_of(
    project: &Project,
    pkg: &PackageInfo,
    (file, signal): (&Path, Signal),
    rewrite_public_api: bool,
    dry_run: DryRun<'_>,
) -> PackageHelpers {
    let by_signal = per_package(project, pkg, FactsBySignal::default);
    let slot = match signal {
        Signal::Span => &by_signal.span,
        Signal::Metric => &by_signal.metric,
        Signal::Log => &by_signal.log,
    };
    let shared = settled_shared(project, pkg);
    let facts = slot.get_or_init(|| {
        crate::engine::timings::time("package facts", || {
            compute(project, pkg, rewrite_public_api, (signal, dry_run))
        })
    });
    PackageHelpers {
        signal,
        module: module_path(&pkg.dir, file),
        crate_name: crate_name(pkg),
        followed: facts
            .followed
            .iter()
            .filter(|(_, _, caller)| caller == file)
            .map(|(h, _, _)| h.clone())
            .collect(),
        own: facts
            .followed
            .iter()
            .filter(|(_, defined, _)| defined == file)
            .map(|(h, _, _)| h.name.clone())
            .collect(),
        reported: facts
            .reported
            .iter()
            .filter(|(defined, _)| defined == file)
            .map(|(_, r)| r.clone())
            .collect(),
        shared: Vec::new(),
        shared_elsewhere: shared
            .iter()
            .map(|(r, _)| r.clone())
            .chain(members::seen_from(project, pkg))
            .collect(),
        own_shared: shared
            .iter()
            .filter(|(_, defined)| defined == file)
            .map(|(r, _)| r.helper.name.clone())
            .chain(members::defined_in(project, file))
            .collect(),
    }
}

/// The shared exporter helpers of a package, once `otlp-trace-pipeline` settled them.
#[derive(Default)]
struct SharedSlot(OnceLock<Vec<(SharedRef, PathBuf)>>);

/// Rewrites a file assuming the helpers it is given are followed: the site rewrites of every
/// signal (trace, metrics, logs).
pub type SignalsDryRun<'a> = &'a dyn Fn(ParsedRust<'_>, &PackageHelpers) -> Vec<Changes>;

/// Settles, once per package, the exporter helpers that pipelines of several files call
/// (`otel::exporter_helper::shared`): a top-level function returning an old exporter chain the
/// generic form can take, private to the crate (a `pub` one only when the package's public
/// API may change), every use of whose name in the package is a pipeline's exporter, at least
/// one in another file, and every such call rewritten by a dry run of its file with the helpers
/// assumed followed. `otlp-trace-pipeline` settles them before its first file (it runs before
/// the metrics and logs transforms on every file, which read what it settled).
/// `agreed` checks what the dry runs assume besides the helpers, once the member helpers are
/// settled ([`members::Agreed`]).
pub fn settle_shared_helpers(
    cx: &FileContext<'_>,
    dry_run: SignalsDryRun<'_>,
    agreed: members::Agreed<'_>,
) {
    // Those other members call first: the package's own dry runs assume them followed.
    members::settle(cx, dry_run, agreed);
    let Some(pkg) = cx.package else {
        return;
    };
    let slot = per_package(cx.project, pkg, SharedSlot::default);
    slot.0.get_or_init(|| {
        crate::engine::timings::time("package facts", || {
            shared_helpers(cx.project, pkg, cx.config.rewrite_public_api, dry_run)
        })
    });
}

/// What [`settle_shared_helpers`] settled for `pkg` (nothing before it ran).
fn settled_shared(project: &Project, pkg: &PackageInfo) -> Vec<(SharedRef, PathBuf)> {
    per_package(project, pkg, SharedSlot::default)
        .0
        .get()
        .cloned()
        .unwrap_or_default()
}

fn shared_helpers(
    project: &Project,
    pkg: &PackageInfo,
    rewrite_public_api: bool,
    dry_run: SignalsDryRun<'_>,
) -> Vec<(SharedRef, PathBuf)> {
    let files = package_files(project, pkg);
    let public_api_stays = !rewrite_public_api && !unpublished(pkg);
    let parsed: Vec<(&PathBuf, Vec<String>, Parsed)> = files
        .iter()
        .filter(|(_, t)| t.contains("new_pipeline") || t.contains("ExporterBuilder"))
        .filter_map(|(p, t)| Some((p, module_path(&pkg.dir, p), Parsed::read(p, t)?)))
        .filter(|(_, module, _)| !module.first().is_some_and(|m| m.starts_with('#')))
        .collect();
    let mut candidates = Vec::new();
    for (path, module, file) in &parsed {
        for item in &file.syntax.items {
            let syn::Item::Fn(f) = item else { continue };
            let name = f.sig.ident.to_string();
            let Some((transport, params)) =
                top_level_fn(&file.syntax, &name).and_then(|f| generic_form_fits(file.rust(), f))
            else {
                continue;
            };
            let public = matches!(f.vis, syn::Visibility::Public(_))
                && reachable_from_library(pkg, &files, module);
            if public && (public_api_stays || named_by_other_members(project, pkg, &name))
                || members::covers(project, path, &name)
            {
                continue;
            }
            let helper = HelperRef {
                module: module.clone(),
                name,
            };
            candidates.push((
                SharedRef {
                    helper,
                    transport,
                    params,
                    paths: Vec::new(),
                },
                (*path).clone(),
            ));
        }
    }
    // Each candidate's calls, by file: every use of its name a pipeline's exporter.
    let lib = crate_name(pkg);
    let calls_of = |shared: &SharedRef, defined: &PathBuf| {
        let mut found = Vec::new();
        for (path, text) in files
            .iter()
            .filter(|(_, t)| mentions_word(t, &shared.helper.name))
        {
            let file = Parsed::read(path, text)?;
            let at = PackageHelpers {
                module: module_path(&pkg.dir, path),
                crate_name: lib.clone(),
                ..PackageHelpers::default()
            };
            let here: Vec<TextRange> = pipeline_helper_calls(file.rust())
                .into_iter()
                .filter(|(call, p)| {
                    call.args.len() == shared.params
                        && at.resolve(file.rust(), p).is_some_and(|(module, name)| {
                            module == shared.helper.module && name == shared.helper.name
                        })
                })
                .map(|(call, _)| range_of(&file.file, call))
                .collect();
            let uses = references(&file.syntax, &shared.helper.name).count;
            if uses != here.len() || !project.in_run(path) {
                return None;
            }
            if !here.is_empty() {
                found.push((path, here));
            }
        }
        let total: usize = found.iter().map(|(_, h)| h.len()).sum();
        let elsewhere = found.iter().any(|(p, _)| *p != defined);
        (total >= 2 && elsewhere && project.in_run(defined)).then_some(found)
    };
    let mut calls: Vec<(usize, &PathBuf, Vec<TextRange>)> = Vec::new();
    let mut kept = Vec::new();
    for (shared, defined) in candidates {
        if let Some(found) = calls_of(&shared, &defined) {
            calls.extend(found.into_iter().map(|(p, h)| (kept.len(), p, h)));
            kept.push((shared, defined));
        }
    }
    let candidates = kept;
    let in_package = |caller: &Path, assumed: &[usize]| PackageHelpers {
        module: module_path(&pkg.dir, caller),
        crate_name: lib.clone(),
        shared_elsewhere: assumed
            .iter()
            .map(|i| candidates[*i].0.clone())
            .chain(members::seen_from(project, pkg))
            .collect(),
        ..PackageHelpers::default()
    };
    let settled = settle_by_dry_runs(
        &files,
        &calls,
        vec![true; candidates.len()],
        in_package,
        dry_run,
    );
    candidates
        .into_iter()
        .zip(settled)
        .filter(|(_, s)| *s)
        .map(|(c, _)| c)
        .collect()
}

/// Which of the shared helpers `settled` starts with stay settled when every call of each
/// (`calls`: the helper's index, the calling file, the calls' ranges) must be rewritten by a
/// dry run of its file with the helpers still settled assumed (`helpers_at`: the file's helpers
/// given those indices); one that fails anywhere is dropped and the rest tried again.
fn settle_by_dry_runs(
    files: &[(PathBuf, String)],
    calls: &[(usize, &PathBuf, Vec<TextRange>)],
    mut settled: Vec<bool>,
    helpers_at: impl Fn(&Path, &[usize]) -> PackageHelpers,
    dry_run: SignalsDryRun<'_>,
) -> Vec<bool> {
    let count = settled.len();
    let mut callers: Vec<&PathBuf> = calls.iter().map(|(_, p, _)| *p).collect();
    callers.sort();
    callers.dedup();
    loop {
        let assumed: Vec<usize> = (0..count).filter(|i| settled[*i]).collect();
        if assumed.is_empty() {
            return settled;
        }
        let mut changed = false;
        for caller in &callers {
            let file = files
                .iter()
                .find(|(p, _)| p == *caller)
                .and_then(|(p, t)| Parsed::read(p, t));
            let runs = match &file {
                Some(file) => dry_run(file.rust(), &helpers_at(caller, &assumed)),
                None => Vec::new(),
            };
            for (i, _, ranges) in calls.iter().filter(|(_, p, _)| p == caller) {
                let rewritten = file.as_ref().is_some_and(|file| {
                    ranges
                        .iter()
                        .all(|r| call_site_rewritten(file.rust(), *r, &runs))
                });
                if settled[*i] && !rewritten {
                    settled[*i] = false;
                    changed = true;
                }
            }
        }
        if !changed {
            return settled;
        }
    }
}

pub(crate) fn crate_name(pkg: &PackageInfo) -> String {
    pkg.name.replace('-', "_")
}

/// A parsed file of the package.
pub(crate) struct Parsed {
    file: SourceFile,
    syntax: syn::File,
    imports: ImportMap,
}

impl Parsed {
    pub(crate) fn read(path: &Path, text: &str) -> Option<Parsed> {
        let file = SourceFile::new(path, text.to_string());
        let syntax = file.parse_rust().ok()?;
        let imports = ImportMap::of_file(&syntax);
        Some(Parsed {
            file,
            syntax,
            imports,
        })
    }

    pub(crate) fn rust(&self) -> ParsedRust<'_> {
        ParsedRust {
            file: &self.file,
            syntax: &self.syntax,
            imports: &self.imports,
        }
    }
}

fn compute(
    project: &Project,
    pkg: &PackageInfo,
    rewrite_public_api: bool,
    (signal, dry_run): (Signal, DryRun<'_>),
) -> HelperFacts {
    let files = package_files(project, pkg);
    let public_api_stays = !rewrite_public_api && !unpublished(pkg);
    let mut facts = HelperFacts::default();
    let mut candidates = Vec::new();
    for (path, text) in files.iter().filter(|(_, t)| t.contains("ExporterBuilder")) {
        let Some(parsed) = Parsed::read(path, text) else {
            continue;
        };
        let module = module_path(&pkg.dir, path);
        if module.first().is_some_and(|m| m.starts_with('#')) {
            continue;
        }
        for item in &parsed.syntax.items {
            let syn::Item::Fn(f) = item else { continue };
            let name = f.sig.ident.to_string();
            if top_level_fn(&parsed.syntax, &name).is_none()
                || references(&parsed.syntax, &name).count > 1
                || helper_form(parsed.rust(), f).is_none()
                || members::covers(project, path, &name)
            {
                continue;
            }
            let helper = HelperRef {
                module: module.clone(),
                name,
            };
            let public = matches!(f.vis, syn::Visibility::Public(_))
                && reachable_from_library(pkg, &files, &helper.module);
            // Other crates of the workspace (or, when it is published, anywhere) may call a
            // public helper: rewritten only when allowed and no other member names it.
            if public && (public_api_stays || named_by_other_members(project, pkg, &helper.name)) {
                let callers = callers(project, pkg, &helper.name);
                let reported = ReportedHelper {
                    name: helper.name,
                    callers,
                };
                facts.reported.push((path.clone(), reported));
                continue;
            }
            candidates.push((helper, path.clone()));
        }
    }
    // Each candidate's one caller file: the only file that calls it, once (its own file too:
    // unlike the same-file rule, the facts see the other files that could call it).
    let mut by_caller: HashMap<PathBuf, Vec<(HelperRef, PathBuf)>> = HashMap::new();
    for (helper, defined) in candidates {
        let mut naming = files
            .iter()
            .filter(|(_, t)| mentions_word(t, &helper.name))
            .map(|(p, t)| {
                let refs = Parsed::read(p, t).map(|f| references(&f.syntax, &helper.name).count);
                (p, refs)
            })
            .filter(|(_, refs)| *refs != Some(0));
        // Both files change together: the run must cover both.
        let in_run = |caller: &Path| project.in_run(caller) && project.in_run(&defined);
        if let (Some((caller, Some(1))), None) = (naming.next(), naming.next()) {
            if !in_run(caller) {
                continue;
            }
            by_caller
                .entry(caller.clone())
                .or_default()
                .push((helper, defined));
        }
    }
    for (caller, helpers) in by_caller {
        let Some(text) = files.iter().find(|(p, _)| *p == caller).map(|(_, t)| t) else {
            continue;
        };
        let Some(parsed) = Parsed::read(&caller, text) else {
            continue;
        };
        let assumed = PackageHelpers {
            module: module_path(&pkg.dir, &caller),
            crate_name: crate_name(pkg),
            followed: helpers.iter().map(|(h, _)| h.clone()).collect(),
            signal,
            ..PackageHelpers::default()
        };
        let changes = dry_run(parsed.rust(), &assumed);
        for (helper, defined) in helpers {
            if call_rewritten(&parsed, &helper.name, &changes) {
                facts.followed.push((helper, defined, caller.clone()));
            }
        }
    }
    facts.followed.sort();
    facts.reported.sort();
    facts
}

/// The Rust files of `pkg` (not of a package nested in it), with their text.
pub(crate) fn package_files(project: &Project, pkg: &PackageInfo) -> Vec<(PathBuf, String)> {
    rust_files_with_text(&pkg.dir, project.owns(pkg))
}

/// The Rust files under `dir` that `keep` accepts, with their text (unreadable ones left out).
pub(crate) fn rust_files_with_text(
    dir: &Path,
    keep: impl Fn(&Path) -> bool,
) -> Vec<(PathBuf, String)> {
    crate::engine::discover::rust_files_under(dir)
        .into_iter()
        .filter(|path| keep(path))
        .filter_map(|path| Some((path.clone(), std::fs::read_to_string(&path).ok()?)))
        .collect()
}

/// `publish = false` (or `publish = []`): no crate outside the workspace can call it.
pub(crate) fn unpublished(pkg: &PackageInfo) -> bool {
    let Ok(text) = std::fs::read_to_string(&pkg.manifest_path) else {
        return false;
    };
    let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
        return false;
    };
    match doc.get("package").and_then(|p| p.get("publish")) {
        Some(v) => v.as_bool() == Some(false) || v.as_array().is_some_and(|a| a.is_empty()),
        None => false,
    }
}

/// Whether the module is public from the library root: every `mod` on the way is `pub`.
pub(crate) fn reachable_from_library(
    pkg: &PackageInfo,
    files: &[(PathBuf, String)],
    module: &[String],
) -> bool {
    let lib = pkg.dir.join("src/lib.rs");
    (0..module.len()).all(|depth| {
        let parent = &module[..depth];
        let declaring = files.iter().find(|(p, _)| {
            if depth == 0 {
                *p == lib
            } else {
                module_path(&pkg.dir, p) == parent && *p != pkg.dir.join("src/main.rs")
            }
        });
        declaring
            .and_then(|(p, t)| Parsed::read(p, t))
            .is_some_and(|f| {
                f.syntax.items.iter().any(|i| {
                    matches!(i, syn::Item::Mod(m)
                        if m.ident == module[depth] && matches!(m.vis, syn::Visibility::Public(_)))
                })
            })
    })
}

/// Whether a file of another package of the project names `name`.
fn named_by_other_members(project: &Project, pkg: &PackageInfo, name: &str) -> bool {
    crate::engine::discover::rust_files_under(&project.root)
        .iter()
        .filter(|p| {
            project
                .package_for(p)
                .is_none_or(|o| o.manifest_path != pkg.manifest_path)
        })
        .any(|p| std::fs::read_to_string(p).is_ok_and(|t| mentions_word(&t, name)))
}

/// `path:line` of every use of `name` as a path in the project (this package's files first).
fn callers(project: &Project, pkg: &PackageInfo, name: &str) -> Vec<String> {
    let mut files = package_files(project, pkg);
    files.extend(
        crate::engine::discover::rust_files_under(&project.root)
            .into_iter()
            .filter(|p| {
                project
                    .package_for(p)
                    .is_none_or(|o| o.manifest_path != pkg.manifest_path)
            })
            .filter_map(|p| Some((p.clone(), std::fs::read_to_string(&p).ok()?))),
    );
    let mut out = Vec::new();
    for (path, text) in files.iter().filter(|(_, t)| mentions_word(t, name)) {
        let Some(parsed) = Parsed::read(path, text) else {
            continue;
        };
        for range in references(&parsed.syntax, name).at {
            let (line, _) = parsed
                .file
                .line_col(range_of_span(&parsed.file, range).start);
            out.push(format!("{}:{line}", project.relative(path).display()));
        }
    }
    out
}

/// Whether the one call of `name` in the file lies in an edit of `changes`, and no error
/// finding falls in the item around it.
fn call_rewritten(parsed: &Parsed, name: &str, changes: &Changes) -> bool {
    let calls = calls_named(&parsed.syntax, name);
    let [call] = calls.as_slice() else {
        return false;
    };
    let call = range_of(&parsed.file, *call);
    call_site_rewritten(parsed.rust(), call, std::slice::from_ref(changes))
}

/// Where `name` is used as a path (a call, a function value) outside `use` items, macro
/// bodies by their tokens. Fields and methods of that name are other namespaces.
pub(crate) fn references<'n>(syntax: &syn::File, name: &'n str) -> References<'n> {
    references_where(syntax, name, &|_| true)
}

/// [`references`] but only the paths `keep` accepts (macro tokens, which cannot be told
/// apart, always count).
pub(crate) fn references_where<'n>(
    syntax: &syn::File,
    name: &'n str,
    keep: &dyn Fn(&syn::Path) -> bool,
) -> References<'n> {
    let mut refs = Referencing {
        keep,
        refs: References {
            name,
            count: 0,
            at: Vec::new(),
        },
    };
    refs.visit_file(syntax);
    refs.refs
}

pub(crate) struct References<'n> {
    name: &'n str,
    pub(crate) count: usize,
    pub(crate) at: Vec<proc_macro2::Span>,
}

/// The visitor of [`references_where`].
struct Referencing<'k, 'n> {
    keep: &'k dyn Fn(&syn::Path) -> bool,
    refs: References<'n>,
}

impl<'a> Visit<'a> for Referencing<'_, '_> {
    fn visit_item_use(&mut self, _: &'a syn::ItemUse) {}

    fn visit_expr_path(&mut self, p: &'a syn::ExprPath) {
        let named = p.path.segments.last().filter(|s| s.ident == self.refs.name);
        if let Some(last) = named.filter(|_| (self.keep)(&p.path)) {
            self.refs.count += 1;
            self.refs.at.push(last.ident.span());
        }
        syn::visit::visit_expr_path(self, p);
    }

    fn visit_macro(&mut self, m: &'a syn::Macro) {
        let n = count_ident(&m.tokens, self.refs.name);
        self.refs.count += n;
        self.refs
            .at
            .extend((0..n).map(|_| m.path.segments[0].ident.span()));
    }
}

/// Whether `text` has `name` as a whole word (comments and strings count: a miss only makes
/// the facts more careful).
pub(crate) fn mentions_word(text: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(is_ident)
            && !text[i + name.len()..].chars().next().is_some_and(is_ident)
    })
}

/// The calls of the file whose function path ends in `name`.
pub(crate) fn calls_named<'a>(syntax: &'a syn::File, name: &str) -> Vec<&'a syn::ExprCall> {
    let mut calls = Calls {
        name,
        found: Vec::new(),
    };
    calls.visit_file(syntax);
    calls.found
}

/// Calls whose function path ends in `name`.
struct Calls<'a, 'n> {
    name: &'n str,
    found: Vec<&'a syn::ExprCall>,
}

impl<'a> Visit<'a> for Calls<'a, '_> {
    fn visit_expr_call(&mut self, c: &'a syn::ExprCall) {
        if let syn::Expr::Path(p) = &*c.func {
            if p.path.segments.last().is_some_and(|s| s.ident == self.name) {
                self.found.push(c);
            }
        }
        syn::visit::visit_expr_call(self, c);
    }
}
