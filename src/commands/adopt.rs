//! `otel-migrate adopt`: gives a service that has `tracing` but no OpenTelemetry the 0.27
//! bootstrap (the report's §1.3.5–1.3.6 and §4.5). For the binary crate of each project it
//!
//! - adds the canonical dependencies (`otel::bootstrap::DEPENDENCIES`) to its Cargo.toml, or to
//!   `[workspace.dependencies]` with `x.workspace = true` in the crate when the crate inherits
//!   its tracing dependencies that way — byte splices at the end of the table, formatting kept;
//! - writes `src/telemetry.rs` (`src/otel.rs` when a `telemetry` module already exists) and
//!   declares it in `main.rs`;
//! - when `main` builds `tracing_subscriber::registry()….init()` in one statement, inserts
//!   `let otel_guard = telemetry::init()?;` before it and `.with(otel_guard.layer())` into the
//!   chain; any other shape is reported with the exact place and the lines to add.
//!
//! The plan is computed in memory on top of a migration run's outputs, so `batch` can show it in
//! the dry-run diff and write it with the rest. A crate that already depends on OpenTelemetry
//! is left alone (silently when the module is `adopt`'s own work), so a second run is a no-op.

use std::path::{Path, PathBuf};

use syn::spanned::Spanned;

use crate::commands::migrate::{self, WriteOptions};
use crate::commands::output::print_outcome;
use crate::commands::{exit_code, Presentation};
use crate::engine::config::Config;
use crate::engine::context::{PackageInfo, Project};
use crate::engine::discover::{discover, DiscoverOptions};
use crate::engine::edit::{Edit, EditSet, TextRange};
use crate::engine::finding::{Finding, RawFinding, Severity};
use crate::engine::ledger::{Key, LedgerEntry, Settings, Signal, Value};
use crate::engine::manifest::{DepKind, Manifest};
use crate::engine::pipeline::{FileResult, RunResult};
use crate::engine::report::RunReport;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{self, ImportMap};
use crate::otel::bootstrap::{self, CanonicalDep};
use crate::otel::ladder;
use crate::transforms::service_name::service_name_of_package;

pub const ID: &str = "adopt";

/// The files `adopt` changes or creates (created ones have an empty `original`) and what it
/// could not do.
#[derive(Debug, Default)]
pub struct AdoptPlan {
    pub files: Vec<FileResult>,
    pub findings: Vec<Finding>,
    pub errors: Vec<(PathBuf, String)>,
    /// The walk's own findings (links not walked, loops): a migration run over the same PATHs
    /// reports them already, so only `adopt` on its own shows them.
    pub discovery_findings: Vec<Finding>,
    /// The service-name site of each module created (`added` in the ledger).
    pub ledger: Vec<LedgerEntry>,
}

/// Plans adoption for every project under `paths`, on top of `base` (a migration run whose
/// outputs are the texts to start from; files it did not touch are read from disk). `target`
/// (`--to`) wins over the project's `target`; the module and versions are that release set's.
pub fn plan(
    paths: &[PathBuf],
    config: Option<&Config>,
    target: Option<&str>,
    base: &RunResult,
) -> AdoptPlan {
    let discovery = discover(
        paths,
        &DiscoverOptions {
            config_override: config,
        },
    );
    let mut out = AdoptPlan {
        errors: discovery.errors,
        discovery_findings: discovery.findings,
        ..AdoptPlan::default()
    };
    for mut pf in discovery.projects {
        if pf.project.has_manifests() && pf.project.config_error.is_none() {
            if let Err(errors) = pf.project.resolve_packages() {
                out.errors.extend(errors);
                continue;
            }
            let mut files = Files {
                base,
                changed: Vec::new(),
            };
            let minor = ladder::target_minor(
                pf.project
                    .config
                    .clone()
                    .with_target(target)
                    .target
                    .as_deref(),
            );
            plan_project(&pf.project, minor, &mut files, &mut out);
            out.files
                .extend(files.changed.into_iter().map(|c| c.result));
        }
    }
    out
}

/// Replaces or adds the plan's files in `result`, so the run reports and writes them.
pub fn overlay(result: &mut RunResult, plan: AdoptPlan) {
    for f in plan.files {
        match result.files.iter_mut().find(|r| r.path == f.path) {
            Some(existing) => *existing = f,
            None => result.files.push(f),
        }
    }
    result.files.sort_by(|a, b| a.path.cmp(&b.path));
    result.findings.extend(plan.findings);
    result.errors.extend(plan.errors);
    result.ledger.extend(plan.ledger);
    result
        .ledger
        .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
}

struct Changed {
    result: FileResult,
}

/// The texts adoption starts from and the files it has changed so far.
struct Files<'a> {
    base: &'a RunResult,
    changed: Vec<Changed>,
}

impl Files<'_> {
    /// The current text of `path`: adopted, else migrated, else on disk; `None` if absent.
    fn text(&self, path: &Path) -> Option<String> {
        if let Some(c) = self.changed.iter().find(|c| c.result.path == path) {
            return Some(c.result.output().to_string());
        }
        if let Some(f) = self.base.files.iter().find(|f| f.path == path) {
            return Some(f.output().to_string());
        }
        std::fs::read_to_string(path).ok()
    }

    /// Records `edits` (ranges in the current text of `path`) as adoption's work.
    fn edit(&mut self, project: &Project, path: &Path, edits: EditSet) {
        if edits.is_empty() {
            return;
        }
        let current = self.text(path).unwrap_or_default();
        let output = edits.apply(&current);
        if let Some(c) = self.changed.iter_mut().find(|c| c.result.path == path) {
            c.result.edit_ranges.extend(edits.iter().map(|e| e.range));
            bump(&mut c.result.edits, edits.len());
            c.result.set_output(output);
            return;
        }
        let mut result = match self.base.files.iter().find(|f| f.path == path) {
            Some(f) => f.clone(),
            None => FileResult {
                path: path.to_path_buf(),
                original: current.clone(),
                migrated: None,
                edits: Vec::new(),
                edit_ranges: Vec::new(),
                project_root: project.root.clone(),
                git_root: project.git_root.clone(),
                package: project.package_for(path).map(|p| p.manifest_path.clone()),
            },
        };
        // Ranges are in the migrated text; map them to the original through the line diff so
        // `--verify` can still name the transform behind a line.
        let mapped: Vec<TextRange> = edits
            .iter()
            .map(|e| map_to_original(&result.original, result.output(), e.range))
            .collect();
        result.edit_ranges.extend(mapped);
        bump(&mut result.edits, edits.len());
        result.set_output(output);
        self.changed.push(Changed { result });
    }

    fn create(&mut self, project: &Project, path: &Path, text: String) {
        self.changed.push(Changed {
            result: FileResult {
                path: path.to_path_buf(),
                original: String::new(),
                migrated: Some(text),
                edits: vec![(ID.to_string(), 1)],
                edit_ranges: vec![TextRange::empty(0)],
                project_root: project.root.clone(),
                git_root: project.git_root.clone(),
                package: project.package_for(path).map(|p| p.manifest_path.clone()),
            },
        });
    }
}

fn bump(edits: &mut Vec<(String, usize)>, n: usize) {
    match edits.iter_mut().find(|(t, _)| t == ID) {
        Some((_, c)) => *c += n,
        None => edits.push((ID.to_string(), n)),
    }
}

/// An offset range of `migrated` → the original lines it came from (line granularity).
fn map_to_original(original: &str, migrated: &str, range: TextRange) -> TextRange {
    if original == migrated {
        return range;
    }
    let line_of = |text: &str, offset: usize| text[..offset.min(text.len())].matches('\n').count();
    let starts: Vec<usize> = std::iter::once(0)
        .chain(original.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let diff = similar::TextDiff::from_lines(original, migrated);
    let map_line = |l: usize| -> usize {
        diff.ops()
            .iter()
            .find(|op| op.new_range().contains(&l))
            .map(|op| match op.tag() {
                similar::DiffTag::Equal => op.old_range().start + (l - op.new_range().start),
                _ => op.old_range().start,
            })
            .unwrap_or(starts.len().saturating_sub(1))
    };
    let byte = |l: usize| starts.get(l).copied().unwrap_or(original.len());
    let start = byte(map_line(line_of(migrated, range.start)));
    let end = byte(map_line(line_of(migrated, range.end))).max(start);
    TextRange::new(start, end)
}

fn plan_project(project: &Project, minor: u64, files: &mut Files, out: &mut AdoptPlan) {
    let bins: Vec<&PackageInfo> = project
        .packages
        .iter()
        .filter(|p| p.dir.join("src/main.rs").is_file())
        .collect();
    let wiring = |p: &PackageInfo| {
        files
            .text(&p.dir.join("src/main.rs"))
            .is_some_and(|t| t.contains("registry()"))
    };
    let chosen: Vec<&PackageInfo> =
        if bins.len() > 1 && bins.iter().filter(|p| wiring(p)).count() == 1 {
            bins.iter().copied().filter(|p| wiring(p)).collect()
        } else {
            bins.clone()
        };
    let pkg = match chosen.as_slice() {
        [one] => *one,
        [] => {
            out.findings.push(
                Finding::about_path(&project.root, ID, Severity::Warning, "no binary crate (src/main.rs) found: OpenTelemetry not added")
                    .with_suggestion("run `otel-migrate adopt` on the service's workspace, or add the telemetry module to the binary by hand"),
            );
            return;
        }
        many => {
            let names: Vec<&str> = many.iter().map(|p| p.name.as_str()).collect();
            out.findings.push(
                Finding::about_path(&project.root, ID, Severity::Warning, format!("several binary crates ({}): which one is the service is ambiguous; OpenTelemetry not added", names.join(", ")))
                    .with_suggestion("run `otel-migrate adopt <crate dir>` on the service's binary crate"),
            );
            return;
        }
    };
    let main_rs = pkg.dir.join("src/main.rs");
    let module = ["telemetry", "otel"].into_iter().find(|m| {
        !pkg.dir.join(format!("src/{m}.rs")).exists() && !pkg.dir.join(format!("src/{m}")).exists()
    });
    let own_module = ["telemetry", "otel"].iter().any(|m| {
        files
            .text(&pkg.dir.join(format!("src/{m}.rs")))
            .is_some_and(|t| t.starts_with(bootstrap::MARKER))
    });
    if own_module {
        return;
    }
    let otel_deps = [
        "opentelemetry",
        "opentelemetry_sdk",
        "tracing-opentelemetry",
    ];
    if let Some(dep) = otel_deps.iter().find(|d| pkg.depends_on(d)) {
        out.findings.push(Finding::about_path(
            &pkg.manifest_path,
            ID,
            Severity::Note,
            format!("`{}` already depends on `{dep}`: adopt left it alone (the migration transforms handle it)", pkg.name),
        ));
        return;
    }
    if !pkg.depends_on("tracing") || !pkg.depends_on("tracing-subscriber") {
        out.findings.push(
            Finding::about_path(&pkg.manifest_path, ID, Severity::Warning, format!("`{}` does not depend on both `tracing` and `tracing-subscriber`: adopt adds OpenTelemetry to a tracing subscriber and has none to extend", pkg.name))
                .with_suggestion("add tracing and tracing-subscriber with a `tracing_subscriber::registry()` in main, then run adopt again"),
        );
        return;
    }
    let Some(module) = module else {
        out.findings.push(
            Finding::about_path(
                &main_rs,
                ID,
                Severity::Warning,
                "modules `telemetry` and `otel` both exist: no free name for the generated module",
            )
            .with_suggestion("rename one of them and run adopt again"),
        );
        return;
    };
    let Some(main_text) = files.text(&main_rs) else {
        out.errors.push((main_rs, "cannot read file".to_string()));
        return;
    };
    let main_file =
        SourceFile::new(&main_rs, main_text).with_indent_fallback(project.indent_fallback);
    let syntax = match main_file.parse_rust() {
        Ok(s) => s,
        Err(e) => {
            out.errors
                .push((main_rs, format!("Rust syntax error: {e}; adopt skipped")));
            return;
        }
    };

    let service = service_name_of_package(project, &pkg.name);
    let nl = main_file.line_ending.as_str();
    // The new module is laid out like the package's `main.rs` (the template is in four-space
    // steps).
    let module_text = main_file
        .indent_unit()
        .reindent(&bootstrap::telemetry_module_for(&service, minor))
        .replace('\n', nl);
    let module_path = pkg.dir.join(format!("src/{module}.rs"));
    out.ledger
        .push(service_name_entry(&module_path, &module_text, &service));
    files.create(project, &module_path, module_text);

    let mut edits = EditSet::new();
    insert_mod_decl(&main_file, &syntax, module, &mut edits);
    wire_main(&main_file, &syntax, module, &mut edits, out);
    files.edit(project, &main_rs, edits);

    add_dependencies(project, pkg, minor, files, out);
    out.findings.push(
        Finding::about_path(&module_path, ID, Severity::Note, format!("added OpenTelemetry tracing as `{service}`: set OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4317), DEPLOYMENT_ENVIRONMENT and optionally OTEL_TRACES_SAMPLER_ARG in the deployment")),
    );
}

/// The ledger entry of the service name a created module reports: at the line of its literal.
fn service_name_entry(path: &Path, text: &str, service: &str) -> LedgerEntry {
    let at = text.find(&format!("{service:?}")).unwrap_or(0);
    let line = text[..at].matches('\n').count() + 1;
    let after = Settings::from([(Key::ServiceName, Value::resolved(service))]);
    LedgerEntry::added(path.to_path_buf(), line, Signal::ServiceName, after)
}

/// `mod telemetry;` after the last `mod x;`, else after the last `use`, else at the top.
fn insert_mod_decl(file: &SourceFile, syntax: &syn::File, module: &str, edits: &mut EditSet) {
    let nl = file.line_ending.as_str();
    let last_mod = syntax
        .items
        .iter()
        .rfind(|i| matches!(i, syn::Item::Mod(m) if m.content.is_none()));
    let last_use = syntax
        .items
        .iter()
        .rfind(|i| matches!(i, syn::Item::Use(_)));
    let edit = if let Some(m) = last_mod {
        Edit::insert(syntax::range_of(file, m).end, format!("{nl}mod {module};"))
    } else if let Some(u) = last_use {
        Edit::insert(
            syntax::range_of(file, u).end,
            format!("{nl}{nl}mod {module};"),
        )
    } else if let Some(first) = syntax.items.first() {
        let start = item_start(file, first);
        Edit::insert(start, format!("mod {module};{nl}{nl}"))
    } else {
        Edit::insert(file.text.len(), format!("{nl}mod {module};{nl}"))
    };
    let _ = edits.insert(edit);
}

/// Where an item's text starts, outer attributes and doc comments included.
fn item_start(file: &SourceFile, item: &syn::Item) -> usize {
    syntax::range_of(file, item).start
}

/// The statement in `main` that builds and installs a `tracing_subscriber::registry()`.
fn wire_main(
    file: &SourceFile,
    syntax: &syn::File,
    module: &str,
    edits: &mut EditSet,
    out: &mut AdoptPlan,
) {
    let imports = ImportMap::of_file(syntax);
    let main = syntax.items.iter().find_map(|i| match i {
        syn::Item::Fn(f) if f.sig.ident == "main" => Some(f),
        _ => None,
    });
    let lines_to_add = format!(
        "`let otel_guard = {module}::init()?;` at the start of `main` (keep the binding alive until main returns) and `.with(otel_guard.layer())` on the subscriber before `.init()`"
    );
    let Some(main) = main else {
        out.findings.push(
            Finding::about_path(
                file.path(),
                ID,
                Severity::Warning,
                "no `fn main` in main.rs: the telemetry layer is not wired",
            )
            .with_suggestion(format!("add {lines_to_add}")),
        );
        return;
    };
    let candidates: Vec<(&syn::Stmt, &syn::ExprMethodCall)> = main
        .block
        .stmts
        .iter()
        .filter_map(|s| match s {
            syn::Stmt::Expr(syn::Expr::MethodCall(m), Some(_))
                if installs_registry(m, &imports) =>
            {
                Some((s, m))
            }
            _ => None,
        })
        .collect();
    let registry_at = file.text.find("registry()");
    let [(stmt, install)] = candidates.as_slice() else {
        let (at, why) = match (candidates.len(), registry_at) {
            (0, Some(at)) => (at, "the `tracing_subscriber::registry()` here is not installed by one `….init()` statement of `main`"),
            (0, None) => (syntax::range_of(file, &main.sig).start, "`main` builds no `tracing_subscriber::registry()`"),
            _ => (syntax::range_of(file, candidates[1].0).start, "`main` installs more than one subscriber"),
        };
        let raw = RawFinding::new(
            TextRange::empty(at),
            Severity::Warning,
            format!("{why}: the telemetry layer is not wired"),
        )
        .with_suggestion(format!("add {lines_to_add}"));
        out.findings
            .push(Finding::located(file, file.path(), ID, raw));
        return;
    };
    let nl = file.line_ending.as_str();
    let stmt_start = syntax::range_of(file, *stmt).start;
    let indent = file.indent_at(stmt_start).to_string();
    let question = returns_boxed_error(&main.sig.output);
    let init = if question {
        format!("{module}::init()?")
    } else {
        format!("{module}::init().expect(\"cannot initialize OpenTelemetry\")")
    };
    let _ = edits.insert(Edit::insert(
        stmt_start,
        format!("let otel_guard = {init};{nl}{indent}"),
    ));
    // Before `.init()`: on its own line when the chain is one call per line.
    let receiver_end = syntax::range_of(file, &*install.receiver).end;
    let dot = syntax::range_of_span(file, install.dot_token.span()).start;
    let gap = &file.text[receiver_end..dot];
    let layer = match gap.rfind('\n') {
        Some(i) => format!("{nl}{}.with(otel_guard.layer())", &gap[i + 1..]),
        None => ".with(otel_guard.layer())".to_string(),
    };
    let _ = edits.insert(Edit::insert(receiver_end, layer));
}

/// `registry()….init()` / `.try_init()` with the registry from tracing_subscriber.
fn installs_registry(call: &syn::ExprMethodCall, imports: &ImportMap) -> bool {
    if call.method != "init" && call.method != "try_init" {
        return false;
    }
    let mut expr = &*call.receiver;
    loop {
        match expr {
            syn::Expr::MethodCall(m) => expr = &m.receiver,
            syn::Expr::Call(c) => {
                return matches!(&*c.func, syn::Expr::Path(p)
                    if imports.is(&p.path, &["tracing_subscriber", "registry"])
                        || imports.is(&p.path, &["tracing_subscriber", "registry", "registry"]))
            }
            _ => return false,
        }
    }
}

/// Whether `?` works on a `TraceError` in a function returning this: boxed errors, anyhow,
/// eyre.
fn returns_boxed_error(output: &syn::ReturnType) -> bool {
    let syn::ReturnType::Type(_, ty) = output else {
        return false;
    };
    let text: String = quote::quote!(#ty).to_string().replace(' ', "");
    text.contains("Box<dynstd::error::Error")
        || text.contains("Box<dynError")
        || text.contains("anyhow::")
        || text.contains("eyre::")
}

fn add_dependencies(
    project: &Project,
    pkg: &PackageInfo,
    minor: u64,
    files: &mut Files,
    out: &mut AdoptPlan,
) {
    let crate_text = files.text(&pkg.manifest_path).unwrap_or_default();
    let Ok(manifest) = Manifest::parse(&pkg.manifest_path, &crate_text) else {
        out.errors.push((
            pkg.manifest_path.clone(),
            "malformed Cargo.toml; adopt skipped".into(),
        ));
        return;
    };
    let dependencies = bootstrap::dependencies(minor);
    let mut wanted: Vec<&CanonicalDep> = dependencies.iter().collect();
    if !pkg.depends_on("tokio") {
        wanted.push(&bootstrap::TOKIO);
    } else if !tokio_multi_thread(project, pkg) {
        out.findings.push(
            Finding::about_path(&pkg.manifest_path, ID, Severity::Warning, "the generated telemetry module starts a multi-threaded Tokio runtime when `init` runs outside one, and tokio's `rt-multi-thread` feature is not visible here")
                .with_suggestion("add `rt-multi-thread` to the tokio features"),
        );
    }
    // Follow the crate's style: inherit from [workspace.dependencies] when its tracing
    // dependencies do.
    let subscriber = manifest
        .deps
        .iter()
        .find(|d| d.is("tracing-subscriber") && d.table.kind == DepKind::Normal);
    let workspace = project
        .workspace_manifest()
        .filter(|_| subscriber.is_some_and(|d| d.workspace))
        .filter(|w| w.deps.iter().any(|d| d.table.kind == DepKind::Workspace));
    match workspace {
        Some(ws) => {
            let ws_text = files.text(&ws.path).unwrap_or_default();
            let missing: Vec<String> = wanted
                .iter()
                .filter(|d| {
                    !ws.deps
                        .iter()
                        .any(|w| w.table.kind == DepKind::Workspace && w.is(d.name))
                })
                .map(|d| format!("{} = {}", d.name, d.value))
                .collect();
            let dotted = subscriber
                .and_then(|d| d.key_span)
                .is_some_and(|k| crate_text[k.end..].starts_with(".workspace"));
            let lines: Vec<String> = wanted
                .iter()
                .map(|d| {
                    if dotted {
                        format!("{}.workspace = true", d.name)
                    } else {
                        format!("{} = {{ workspace = true }}", d.name)
                    }
                })
                .collect();
            let ws_edits = append_to_table(&ws_text, "workspace.dependencies", &missing);
            files.edit(project, &ws.path, ws_edits);
            let crate_edits = append_to_table(
                &files.text(&pkg.manifest_path).unwrap_or_default(),
                "dependencies",
                &lines,
            );
            files.edit(project, &pkg.manifest_path, crate_edits);
        }
        None => {
            let lines: Vec<String> = wanted
                .iter()
                .map(|d| format!("{} = {}", d.name, d.value))
                .collect();
            let edits = append_to_table(&crate_text, "dependencies", &lines);
            files.edit(project, &pkg.manifest_path, edits);
        }
    }
}

/// Whether the crate's tokio (or the workspace's it inherits) enables a multi-thread runtime.
fn tokio_multi_thread(project: &Project, pkg: &PackageInfo) -> bool {
    pkg.deps.iter().filter(|d| d.entry.is("tokio")).any(|d| {
        let mut features = d.entry.features.clone();
        if let Some(v) = &d.version_entry {
            features.extend(v.features.iter().cloned());
        }
        let _ = project;
        features
            .iter()
            .any(|f| f == "rt-multi-thread" || f == "full")
    })
}

/// Lines appended at the end of `[header]` (after its last entry), or a new table at the end
/// of the file when there is none.
fn append_to_table(text: &str, header: &str, lines: &[String]) -> EditSet {
    let mut edits = EditSet::new();
    if lines.is_empty() {
        return edits;
    }
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let block: String = lines.iter().map(|l| format!("{l}{nl}")).collect();
    let wanted = format!("[{header}]");
    let mut offset = 0;
    let mut in_table = false;
    let mut end = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            if in_table {
                break;
            }
            let name = trimmed
                .split('#')
                .next()
                .unwrap_or("")
                .trim()
                .replace(' ', "");
            in_table = name == wanted;
            if in_table {
                end = Some(offset + line.len());
            }
        } else if in_table && !trimmed.is_empty() && !trimmed.starts_with('#') {
            end = Some(offset + line.len());
        }
        offset += line.len();
    }
    let edit = match end {
        Some(at) if text[..at].ends_with('\n') => Edit::insert(at, block),
        Some(at) => Edit::insert(at, format!("{nl}{block}")),
        None => {
            // One blank line before the new table.
            let sep = if text.is_empty() || text.ends_with(&format!("{nl}{nl}")) {
                String::new()
            } else if text.ends_with('\n') {
                nl.to_string()
            } else {
                format!("{nl}{nl}")
            };
            Edit::insert(text.len(), format!("{sep}{wanted}{nl}{block}"))
        }
    };
    let _ = edits.insert(edit);
    edits
}

/// `otel-migrate adopt [PATH]`: plan the telemetry module and the wiring, then print the diff
/// (`--dry-run`) or write it.
pub fn command(
    path: PathBuf,
    target: Option<&str>,
    presentation: &Presentation,
    dry_run: bool,
    write: &WriteOptions,
) -> u8 {
    let paths = vec![path];
    let mut result = RunResult::default();
    let mut plan = plan(&paths, None, target, &result);
    result.findings.append(&mut plan.discovery_findings);
    overlay(&mut result, plan);
    if !dry_run {
        return migrate::apply(presentation, result, write, &paths);
    }
    write.containment.enforce(&mut result);
    let verify = write.verify;
    let mut report = RunReport::from_result(&result);
    let verified = migrate::verify_if(verify, &result, &paths, &mut report);
    print_outcome(presentation, &result, &report, true);
    exit_code(!report.errors.is_empty(), !verified)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_after_the_last_entry_of_the_table() {
        let text = "[package]\nname = \"x\"\n\n[dependencies]\ntracing = \"0.1\" # logs\n\n[dev-dependencies]\ntokio = \"1\"\n";
        let e = append_to_table(text, "dependencies", &["a = \"1\"".to_string()]);
        assert_eq!(
            e.apply(text),
            "[package]\nname = \"x\"\n\n[dependencies]\ntracing = \"0.1\" # logs\na = \"1\"\n\n[dev-dependencies]\ntokio = \"1\"\n"
        );
        let crlf = "[package]\r\nname = \"x\"\r\n";
        let e = append_to_table(crlf, "dependencies", &["a = \"1\"".to_string()]);
        assert_eq!(
            e.apply(crlf),
            "[package]\r\nname = \"x\"\r\n\r\n[dependencies]\r\na = \"1\"\r\n"
        );
    }

    #[test]
    fn maps_migrated_offsets_to_original_lines() {
        let original = "a\nb\nc\n";
        let migrated = "a\nX\nY\nc\n";
        let at_c = migrated.find('c').unwrap();
        let r = map_to_original(original, migrated, TextRange::empty(at_c));
        assert_eq!(r, TextRange::empty(original.find('c').unwrap()));
    }
}
