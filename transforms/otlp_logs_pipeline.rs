//! # otlp-logs-pipeline
//!
//! ## What it does
//! opentelemetry-otlp 0.27 removed `new_pipeline()`. This transform rewrites
//! `opentelemetry_otlp::new_pipeline().logging()…install_batch(rt)` / `.install_simple()`
//! (otlp 0.14 … 0.26) into `LogExporter::builder().with_tonic()/.with_http()…build()` and
//! `LoggerProvider::builder().with_resource(..).with_batch_exporter(exporter, rt).build()`
//! (`with_simple_exporter`; a `with_batch_config(cfg)` becomes a `BatchLogProcessor` handed to
//! `with_log_processor`). The resource comes from `.with_resource(res)` (0.16+) or from
//! `.with_log_config(Config::default().with_resource(res))` (0.14). Placement keeps the type as in
//! `otlp-metrics-pipeline`: `let p = <pipeline>?;` becomes statements, any other position a
//! `Result`-keeping `LogExporter::builder()…build().map(|exporter| …)`.
//!
//! otlp 0.14 returned a `Logger` and installed the global logger provider, which 0.27 no longer
//! has (`global::logger_provider()` is gone; the `opentelemetry-appender-tracing` bridge takes
//! `&LoggerProvider`). The rewrite returns the `LoggerProvider` instead: a helper function whose
//! tail is the pipeline and whose return type names `opentelemetry_sdk::logs::Logger` gets
//! `LoggerProvider` in its signature, with a warning (callers must keep the provider alive,
//! as dropping it shuts it down; callers in other files are reported, not rewritten — the
//! engine runs per file and this transform does no cross-file pre-scan).
//! `global::logger_provider()` in a function that bound the pipeline's result earlier
//! (`let _logger = <pipeline>?; … OpenTelemetryTracingBridge::new(&global::logger_provider())`)
//! becomes `_logger.clone()`, the provider that pipeline now yields.
//!
//! ## Before
//! ```rust,ignore
//! opentelemetry_otlp::new_pipeline()
//!     .logging()
//!     .with_resource(resource)
//!     .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint(url))
//!     .install_batch(runtime::Tokio)
//! ```
//!
//! ## After
//! ```rust,ignore
//! LogExporter::builder()
//!     .with_tonic()
//!     .with_endpoint(url)
//!     .build()
//!     .map(|exporter| {
//!         LoggerProvider::builder()
//!             .with_resource(resource)
//!             .with_batch_exporter(exporter, runtime::Tokio)
//!             .build()
//!     })
//! ```
//!
//! An exporter from a helper in this file or another file of the package (followed with its
//! one call, as for traces) → the helper returns `Result<LogExporter, LogError>`; one several
//! pipelines call (made generic by `otlp-trace-pipeline`) → the call passes
//! `LogExporter::builder().with_tonic()`. An exporter
//! built directly (`<chain or local>.build_log_exporter()`) → the 0.27 builder's `.build()`, and
//! `LoggerProvider::builder()….with_config(Config::default().with_resource(r))` (sdk ≤ 0.22) →
//! `.with_resource(r)`.
//!
//! A private function creating the pipeline its callers install (otlp 0.16+; every mention a
//! call installed right after, all alike; `placement::otlp_creator`) returns
//! `Result<logs::Builder, LogError>` with the exporter built and the install moved inside, and
//! each call becomes `logs(..).map(|builder| builder.build())`. The same for such a function
//! other files or members call (`telemetry::logs(url).install_batch(rt)` in main.rs; `pub(crate)`,
//! `pub` in a binary or a `publish = false` library), from the workspace facts
//! (`signature_facts`): every caller in the workspace installs it alike (the runtime named in the
//! function's file), or none is rewritten. One the pipeline passes through
//! that only sets the resource takes and returns `logs::Builder`, as in `otlp-metrics-pipeline`
//! (a batch config keeps the finding: it goes on a `BatchLogProcessor`).
//!
//! ## Not rewritten
//! - An exporter that is not a `new_exporter()` chain, a local holding one (followed as in
//!   `otlp-trace-pipeline`) or a helper followed with its one call, a pipeline kept in a local used otherwise than installed once or
//!   extended under a condition with anything but `with_resource` (else followed, as in
//!   `otlp-metrics-pipeline`), a
//!   `with_log_config` that is not
//!   `Config::default().with_resource(..)`, an unknown option: `error` finding.
//! - A function creating the pipeline on otlp 0.14 (its install returned a `Logger`), one a
//!   publishable library exports (unless `rewrite-public-api = true`), or whose callers install
//!   it in different ways, extend it or name it otherwise: `error` finding at its signature with
//!   every caller in the workspace.
//! - Other `global::logger_provider()`, `global::set_logger_provider(..)`,
//!   `global::shutdown_logger_provider()` (removed in 0.23): left to `tracing-bridge`, which
//!   uses an SDK `LoggerProvider` bound in the function or reports them.
//! - Crates whose source `opentelemetry-otlp` is 0.27 or newer, or unknown.
//!
//! ## Safety
//! Arguments are spliced as written. The `LogError` type path moves to `opentelemetry_sdk::logs`
//! in `sdk-api-renames`.

use syn::visit::Visit;

use super::{helper_facts, signature_facts};
use crate::engine::changes::Changes;
use crate::engine::context::{PackageInfo, Project};
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{range_of, ImportMap, ParsedRust};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::exporter::Signal;
use crate::otel::exporter_build_call::rewrite_build_calls;
use crate::otel::exporter_helper::{report_public_helpers, PackageHelpers};
use crate::otel::imports::ImportPlan;
use crate::otel::logs::{provider_config_edits, LogsPipeline};
use crate::otel::otlp_customizer::{rewrite_otlp_customizers, settled_customizers, OtlpCustomizer};
use crate::otel::pipeline_signature::{report_pipeline_fields, report_pipeline_signatures};
use crate::otel::placement::otlp_creator::{
    rewrite_calls_of_otlp_creators_elsewhere, rewrite_otlp_creators,
};
use crate::otel::placement::otlp_sites::{rewrite_sites, SiteRewrite};

pub struct OtlpLogsPipeline;

const GLOBAL_LOGGER_FNS: &[&[&str]] = &[
    &["opentelemetry", "global", "logger_provider"],
    &["opentelemetry", "global", "set_logger_provider"],
    &["opentelemetry", "global", "shutdown_logger_provider"],
];

const OLD_LOGGER: &[&str] = &["opentelemetry_sdk", "logs", "Logger"];

impl Transform for OtlpLogsPipeline {
    fn id(&self) -> &'static str {
        "otlp-logs-pipeline"
    }

    fn description(&self) -> &'static str {
        "OTLP `new_pipeline().logging()…install_*` → LogExporter + LoggerProvider builders (returns the provider)"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn needles(&self) -> &'static [&'static str] {
        &[
            "logging()",
            "logger_provider",
            "OtlpLogPipeline",
            "build_log_exporter",
            "with_config",
            // A file with an exporter helper another file's pipeline follows.
            "ExporterBuilder",
        ]
    }

    fn call_needles(&self) -> &'static [&'static str] {
        // A caller of a function of another file creating the pipeline
        // (`telemetry::logs(url).install_batch(rt)`) names nothing else.
        &["install_batch", "install_simple"]
    }

    fn wants_calls(&self, text: &str, _: &PackageInfo, project: &Project) -> bool {
        signature_facts::names_a_creator(project, Signal::Log, text)
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_otlp"]
    }

    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        package.is_some_and(|p| p.version_below("opentelemetry-otlp", 0, 27))
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let file = cx.file;
        let helpers = logs_helpers(cx);
        // Functions the pipelines pass through that only set the resource.
        let customizers = settled_customizers(cx.rust(), Signal::Log, |customizers| Sites {
            customizers,
            ..sites_of(cx, helpers.clone())
        });
        let mut sites = Sites {
            customizers: customizers.iter().map(OtlpCustomizer::key).collect(),
            ..sites_of(cx, helpers)
        };
        let mut rewritten = rewrite_sites(cx.rust(), &mut sites, &mut out);
        let mut signatures = rewrite_otlp_customizers(
            cx.rust(),
            Signal::Log,
            &customizers,
            &mut out,
            &mut rewritten.plans,
        );
        helper_facts::rewrite_own_helpers(cx, &sites.helpers, &mut out, &mut rewritten.plans);
        report_public_helpers(cx.rust(), &sites.helpers, &mut out);
        // Functions creating the pipeline, with their callers (of this file, or of the
        // workspace); otlp 0.14's install returned a `Logger` its callers cannot get back.
        let elsewhere = signature_facts::otlp_pipeline_functions(cx, (self, Signal::Log), |path| {
            sites_for(cx.project.package_for(path), PackageHelpers::default())
        });
        signatures.extend(rewrite_otlp_creators(
            cx.rust(),
            &sites,
            Signal::Log,
            &elsewhere.own_creators,
            &mut out,
            &mut rewritten.plans,
        ));
        // The 0.16+ install registered no global provider.
        rewrite_calls_of_otlp_creators_elsewhere::<Sites>(
            cx.rust(),
            &elsewhere.creators,
            |_| None,
            &mut out,
            &mut rewritten.plans,
        );
        report_pipeline_signatures(
            cx.rust(),
            Signal::Log,
            &signatures,
            &elsewhere.left,
            &mut out,
        );
        report_pipeline_fields(cx.rust(), Signal::Log, &mut out);
        let (mut plans, mut cleanup) = (rewritten.plans, rewritten.cleanup);
        rewrite_build_calls(cx.rust(), Signal::Log, &mut out.changes, &mut plans);
        for (range, text) in provider_config_edits(cx.rust()) {
            out.replace(range, text);
        }
        let bodies = fn_bodies(file, cx.syntax());
        // 0.21's bridge took `&global::logger_provider()`: when the same function bound the
        // rewritten pipeline's provider earlier, use that instead. Every other call of the
        // removed globals is `tracing-bridge`'s (an SDK `LoggerProvider` bound in the
        // function, or a finding): one transform speaks about a site.
        let logger_provider_calls = rewritten.calls.into_iter().filter(|(_, i)| *i == 0);
        for (range, _) in logger_provider_calls {
            let body = bodies
                .iter()
                .filter(|b| b.contains_range(range))
                .min_by_key(|b| b.len());
            let provider =
                sites.bound.iter().rev().find(|(r, _)| {
                    r.end <= range.start && body.is_some_and(|b| b.contains_range(*r))
                });
            if let Some((_, binding)) = provider {
                out.replace(range, format!("{binding}.clone()"));
                cleanup.remove_if_unused("opentelemetry::global");
            }
        }
        // `with_log_config(Config::default()…)` was folded into the provider builder.
        cleanup.remove_if_unused("opentelemetry_sdk::logs::Config");
        plans.add(cleanup);
        plans.finish(&mut out);
        helper_facts::resolve_ledger(cx, &mut out.changes.ledger);
        out
    }
}

/// The exporter helpers of other files the logging pipelines of `cx`'s package follow (and
/// the ones of this file they follow), read with this transform's own site rewrite.
pub fn logs_helpers(cx: &FileContext<'_>) -> PackageHelpers {
    helper_facts::site_rewrite_helpers(cx, Signal::Log, |helpers| sites_of(cx, helpers))
}

/// This transform's site rewrite of `rust` with `helpers` assumed followed: a dry run for
/// `otlp-trace-pipeline`, which settles and rewrites the shared exporter helpers.
pub fn logs_dry_run(
    cx: &FileContext<'_>,
    rust: ParsedRust<'_>,
    helpers: PackageHelpers,
) -> Changes {
    let mut out = Changes::default();
    rewrite_sites(rust, &mut sites_of(cx, helpers), &mut out);
    out
}

/// The site rewrite's state for `cx`'s package, with `helpers` assumed followed.
fn sites_of(cx: &FileContext<'_>, helpers: PackageHelpers) -> Sites {
    sites_for(cx.package, helpers)
}

/// The site rewrite's state for a file of `package`, with `helpers` assumed followed.
fn sites_for(package: Option<&PackageInfo>, helpers: PackageHelpers) -> Sites {
    Sites {
        returned_logger: package.is_some_and(|p| p.version_below("opentelemetry-otlp", 0, 16)),
        bound: Vec::new(),
        helpers,
        customizers: Vec::new(),
    }
}

struct Sites {
    /// otlp 0.14 returned a `Logger` (and kept the provider in a global).
    returned_logger: bool,
    helpers: PackageHelpers,
    /// Providers bound by rewritten statements: (statement range, binding).
    bound: Vec<(TextRange, String)>,
    /// Settled customizers (name, pipeline parameter) the sites go through.
    customizers: Vec<(String, usize)>,
}

impl SiteRewrite for Sites {
    type Model = LogsPipeline;
    const MACRO_IDENTS: &'static [&'static str] = &["logging"];
    const FUNCTIONS: &'static [&'static [&'static str]] = GLOBAL_LOGGER_FNS;
    const IN_MACRO: (&'static str, &'static str) = (
        "an OTLP logging pipeline inside a macro body was not rewritten",
        "rewrite it by hand: `LogExporter::builder().with_tonic()…build()?` and `LoggerProvider::builder().with_batch_exporter(exporter, runtime)…build()`",
    );

    fn helpers(&self) -> &PackageHelpers {
        &self.helpers
    }

    fn customizers(&self) -> &[(String, usize)] {
        &self.customizers
    }

    fn yields_provider(&self) -> bool {
        !self.returned_logger
    }

    fn placed_statement(&mut self, out: &mut Changes, range: TextRange, binding: &str) {
        self.bound.push((range, binding.to_string()));
        if self.returned_logger {
            out.finding(
                range,
                Severity::Warning,
                format!("`{binding}` is now the `LoggerProvider` (otlp 0.14 returned a `Logger` and kept the provider in a global that 0.27 no longer has)"),
                "keep the provider alive until shutdown (dropping it shuts it down), hand `&provider` to `OpenTelemetryTracingBridge::new`, and call `provider.logger(name)` where a `Logger` is needed",
            );
        }
    }

    fn placed_expression(
        &mut self,
        rust: ParsedRust<'_>,
        out: &mut Changes,
        plan: &mut ImportPlan<'_>,
        range: TextRange,
    ) {
        if self.returned_logger {
            retype_helper(out, rust, plan, range);
        }
    }
}

/// The byte ranges of every function body in the file.
fn fn_bodies(file: &SourceFile, syntax: &syn::File) -> Vec<TextRange> {
    struct V<'a> {
        file: &'a SourceFile,
        out: Vec<TextRange>,
    }
    impl<'ast> Visit<'ast> for V<'_> {
        fn visit_block(&mut self, b: &'ast syn::Block) {
            self.out.push(range_of(self.file, b));
            syn::visit::visit_block(self, b);
        }
    }
    let mut v = V {
        file,
        out: Vec::new(),
    };
    v.visit_file(syntax);
    v.out
}

/// A function whose tail is the rewritten pipeline and whose return type names the 0.21 SDK
/// `Logger`: the type becomes `LoggerProvider`, with a warning about the callers.
fn retype_helper(
    out: &mut Changes,
    rust: ParsedRust<'_>,
    plan: &mut ImportPlan<'_>,
    pipeline: TextRange,
) {
    let ParsedRust {
        file,
        syntax,
        imports,
    } = rust;
    struct Find<'a> {
        file: &'a SourceFile,
        pipeline: TextRange,
        found: Option<&'a syn::Signature>,
    }
    impl<'a> Visit<'a> for Find<'a> {
        fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
            if let Some(syn::Stmt::Expr(tail, None)) = f.block.stmts.last() {
                if range_of(self.file, tail).contains_range(self.pipeline) {
                    self.found = Some(&f.sig);
                }
            }
            syn::visit::visit_item_fn(self, f);
        }
    }
    let mut find = Find {
        file,
        pipeline,
        found: None,
    };
    find.visit_file(syntax);
    let Some(sig) = find.found else {
        out.finding(
            pipeline,
            Severity::Warning,
            "this now yields the `LoggerProvider` (otlp 0.14 returned a `Logger`)",
            "keep the provider alive until shutdown and use `provider.logger(name)` where a `Logger` is needed",
        );
        return;
    };
    let mut paths: Vec<TextRange> = Vec::new();
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return;
    };
    collect_logger_paths(imports, file, ty, &mut paths);
    if paths.is_empty() {
        return;
    }
    let provider = plan.name("opentelemetry_sdk::logs::LoggerProvider");
    for r in paths {
        out.replace(r, provider.clone());
    }
    plan.remove_if_unused(&OLD_LOGGER.join("::"));
    out.finding(
        range_of(file, &sig.ident),
        Severity::Warning,
        format!(
            "`{}` now returns the `LoggerProvider` instead of a `Logger` (0.27 has no global logger provider to keep it alive)",
            sig.ident
        ),
        "callers must keep the returned provider until shutdown (dropping it shuts it down) and pass `&provider` to `OpenTelemetryTracingBridge::new`; callers in other files are not rewritten by this tool",
    );
}

fn collect_logger_paths(
    imports: &ImportMap,
    file: &SourceFile,
    ty: &syn::Type,
    out: &mut Vec<TextRange>,
) {
    struct V<'a> {
        imports: &'a ImportMap,
        file: &'a SourceFile,
        out: &'a mut Vec<TextRange>,
    }
    impl<'ast> Visit<'ast> for V<'_> {
        fn visit_type_path(&mut self, t: &'ast syn::TypePath) {
            if t.qself.is_none() && self.imports.is(&t.path, OLD_LOGGER) {
                self.out.push(range_of(self.file, &t.path));
                return;
            }
            syn::visit::visit_type_path(self, t);
        }
    }
    V { imports, file, out }.visit_type(ty);
}
