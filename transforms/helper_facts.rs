//! Package facts of the pipeline transforms: exporter helpers defined in one file of a package
//! and called, once, by a pipeline in another (`telemetry.rs` builds the exporter, `main.rs`
//! installs it). Not a transform: `otlp-trace-pipeline` reads the facts of its package.
//!
//! A helper is followed only when its rewrite and its call's rewrite are sure to happen
//! together: a free function at the top of its file returning an old exporter builder
//! (`otel::exporter_helper::helper_form`), private to the crate (a `pub` one only in a package
//! without a library target), whose name occurs once more in the whole package outside `use`
//! items, in one other file, and that call's pipeline is rewritten when the helper is assumed
//! followed (a dry run of the transform over the caller's file). Computed once per package and
//! run, in the project's run state.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::context::{PackageInfo, Project};
use crate::engine::finding::Severity;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{module_path, range_of, ImportMap, ParsedRust};
use crate::otel::chain::count_ident;
use crate::otel::exporter_helper::{helper_form, top_level_fn, HelperRef, PackageHelpers};

/// Rewrites a caller file assuming the helpers it is given are followed (the transform's own
/// site rewrite, without the rest of its pass).
pub type DryRun<'a> = &'a dyn Fn(ParsedRust<'_>, &PackageHelpers) -> Changes;

/// Followed helpers of one package: each with the file that defines it and the file that
/// calls it.
#[derive(Debug, Default)]
struct HelperFacts {
    followed: Vec<(HelperRef, PathBuf, PathBuf)>,
}

#[derive(Default)]
struct HelperFactsCache {
    packages: Mutex<HashMap<PathBuf, Arc<OnceLock<Arc<HelperFacts>>>>>,
}

/// What the package of `file` says about exporter helpers, as seen from `file`.
pub fn helpers_of(
    project: &Project,
    pkg: &PackageInfo,
    file: &Path,
    dry_run: DryRun<'_>,
) -> PackageHelpers {
    let cell = project
        .state
        .get::<HelperFactsCache>()
        .packages
        .lock()
        .expect("helper facts cache")
        .entry(pkg.manifest_path.clone())
        .or_default()
        .clone();
    let facts = cell.get_or_init(|| Arc::new(compute(project, pkg, dry_run)));
    PackageHelpers {
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
    }
}

fn crate_name(pkg: &PackageInfo) -> String {
    pkg.name.replace('-', "_")
}

/// A parsed file of the package.
struct Parsed {
    file: SourceFile,
    syntax: syn::File,
    imports: ImportMap,
}

impl Parsed {
    fn read(path: &Path, text: &str) -> Option<Parsed> {
        let file = SourceFile::new(path, text.to_string());
        let syntax = file.parse_rust().ok()?;
        let imports = ImportMap::of_file(&syntax);
        Some(Parsed {
            file,
            syntax,
            imports,
        })
    }

    fn rust(&self) -> ParsedRust<'_> {
        ParsedRust {
            file: &self.file,
            syntax: &self.syntax,
            imports: &self.imports,
        }
    }
}

fn compute(project: &Project, pkg: &PackageInfo, dry_run: DryRun<'_>) -> HelperFacts {
    let files: Vec<(PathBuf, String)> = crate::engine::discover::walk(&pkg.dir, false)
        .rust_files
        .into_iter()
        .filter(|path| {
            project
                .package_for(path)
                .is_some_and(|p| p.manifest_path == pkg.manifest_path)
        })
        .filter_map(|path| Some((path.clone(), std::fs::read_to_string(&path).ok()?)))
        .collect();
    let has_library = pkg.dir.join("src/lib.rs").is_file();
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
            let private = match &f.vis {
                syn::Visibility::Public(_) => !has_library,
                _ => true,
            };
            if private
                && top_level_fn(&parsed.syntax, &name).is_some()
                && references(&parsed.syntax, &name) == 0
                && helper_form(parsed.rust(), f).is_some()
            {
                candidates.push((HelperRef { module: module.clone(), name }, path.clone()));
            }
        }
    }
    // Each candidate's one caller file: the only other file that names it, once.
    let mut by_caller: HashMap<PathBuf, Vec<(HelperRef, PathBuf)>> = HashMap::new();
    for (helper, defined) in candidates {
        let mut naming = files
            .iter()
            .filter(|(p, t)| *p != defined && mentions_word(t, &helper.name))
            .map(|(p, t)| (p, Parsed::read(p, t).map(|f| references(&f.syntax, &helper.name))))
            .filter(|(_, refs)| *refs != Some(0));
        if let (Some((caller, Some(1))), None) = (naming.next(), naming.next()) {
            by_caller
                .entry(caller.clone())
                .or_default()
                .push((helper, defined));
        }
    }
    let mut facts = HelperFacts::default();
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
            own: Vec::new(),
        };
        let changes = dry_run(parsed.rust(), &assumed);
        for (helper, defined) in helpers {
            if call_rewritten(&parsed, &helper.name, &changes) {
                facts.followed.push((helper, defined, caller.clone()));
            }
        }
    }
    facts.followed.sort();
    facts
}

/// Whether the one call of `name` in the file lies in an edit of `changes`, and no error
/// finding falls in the item around it.
fn call_rewritten(parsed: &Parsed, name: &str, changes: &Changes) -> bool {
    let mut calls = Calls {
        name,
        found: Vec::new(),
    };
    calls.visit_file(&parsed.syntax);
    let [call] = calls.found.as_slice() else {
        return false;
    };
    let call = range_of(&parsed.file, *call);
    let Some(item) = parsed
        .syntax
        .items
        .iter()
        .map(|i| range_of(&parsed.file, i))
        .find(|i| i.contains_range(call))
    else {
        return false;
    };
    changes.edits.iter().any(|e| e.range.contains_range(call))
        && !changes
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error && f.range.overlaps(item))
}

/// How often `name` is used as a path (a call, a function value) outside `use` items, macro
/// bodies counted by their tokens. Fields and methods of that name are other namespaces.
fn references(syntax: &syn::File, name: &str) -> usize {
    let mut refs = References { name, count: 0 };
    refs.visit_file(syntax);
    refs.count
}

struct References<'n> {
    name: &'n str,
    count: usize,
}

impl<'a> Visit<'a> for References<'_> {
    fn visit_item_use(&mut self, _: &'a syn::ItemUse) {}

    fn visit_expr_path(&mut self, p: &'a syn::ExprPath) {
        if p.path.segments.last().is_some_and(|s| s.ident == self.name) {
            self.count += 1;
        }
        syn::visit::visit_expr_path(self, p);
    }

    fn visit_macro(&mut self, m: &'a syn::Macro) {
        self.count += count_ident(&m.tokens, self.name);
    }
}

/// Whether `text` has `name` as a whole word (comments and strings count: a miss only makes
/// the facts more careful).
fn mentions_word(text: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(is_ident)
            && !text[i + name.len()..].chars().next().is_some_and(is_ident)
    })
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
