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
//! `let _ = <pipeline>…;` (otlp 0.14: the `Logger` dropped, the provider kept by the global)
//! would drop the new provider on the spot, which shuts it down: the `_` becomes
//! `_logger_provider` (typed `LoggerProvider` when the `let` unwraps it with `?`, `.unwrap()` or
//! `.expect(..)`, so `tracing-bridge` turns the function's later `global::logger_provider()` and
//! `global::shutdown_logger_provider()` into its `clone()` and `shutdown()`). It then lives to the
//! end of its block: a `note` in `fn main`'s own body or when that block later calls
//! `global::shutdown_logger_provider()`, an `error` elsewhere (the provider ends with the function
//! or block, while the global kept it for the whole program; the finding says where to keep it).
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
use crate::engine::syntax::{ident_str, range_of, ImportMap, ParsedRust};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::exporter::Signal;
use crate::otel::exporter_build_call::rewrite_build_calls;
use crate::otel::exporter_helper::{report_public_helpers, PackageHelpers};
use crate::otel::imports::ImportPlan;
use crate::otel::local_binding::method_calls_after;
use crate::otel::logs::{provider_config_edits, LogsPipeline};
use crate::otel::otlp_customizer::{rewrite_otlp_customizers, settled_customizers, OtlpCustomizer};
use crate::otel::pipeline_signature::{report_pipeline_fields, report_pipeline_signatures};
use crate::otel::placement::otlp_creator::{
    rewrite_calls_of_otlp_creators_elsewhere, rewrite_otlp_creators,
};
use crate::otel::placement::otlp_sites::{rewrite_sites, SiteRewrite};
use crate::otel::placement::statement::fresh;

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
        let globals = GlobalUses::of(cx.rust(), &rewritten.calls);
        for dropped in &sites.dropped {
            dropped.report(cx.rust(), &globals, &mut out);
        }
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
        dropped: Vec::new(),
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
    /// otlp 0.14 pipelines installed in `let _ = …`, now bound to a name.
    dropped: Vec<DroppedProvider>,
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

    fn placed_statement(
        &mut self,
        rust: ParsedRust<'_>,
        out: &mut Changes,
        range: TextRange,
        binding: &str,
    ) {
        self.bound.push((range, binding.to_string()));
        if self.returned_logger {
            // otlp 0.14's `Logger::provider()` (`Option<LoggerProvider>`): the binding is the
            // provider now.
            if let Some(name) = crate::otel::placement::statement::pattern_ident(binding) {
                for call in method_calls_after(rust, range.start, &name, "provider") {
                    out.replace(call, format!("Some({name}.clone())"));
                }
            }
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
        if !self.returned_logger {
            return;
        }
        match DroppedProvider::bind(rust, out, plan, range) {
            Some(dropped) => self.dropped.push(dropped),
            None => retype_helper(out, rust, plan, range),
        }
    }
}

/// otlp 0.14's `let _ = <pipeline>…;`: the `Logger` was dropped, but the provider lived on in
/// the global `install_batch`/`install_simple` set (`build_batch_with_exporter` in otlp 0.14's
/// `logs.rs`). The rewrite yields the provider itself, which `_` would drop (and shut down) on
/// the spot: the pattern becomes a name, so it lives to the end of the block.
struct DroppedProvider {
    /// The pipeline, rewritten in place.
    site: TextRange,
    binding: String,
    /// The binding holds the `Result` (the `let` did not unwrap it).
    holds_result: bool,
    /// The function holding the `let`.
    function: String,
    /// The block holding the `let`, and where the `let` ends.
    block: TextRange,
    let_end: usize,
    /// The `let` is a statement of the function's own body (not of a block inside it).
    in_body: bool,
    /// The function is the program's `fn main` (a free function).
    in_main: bool,
}

impl DroppedProvider {
    /// Binds the provider of the pipeline at `site` when it is installed in `let _ = …` (as the
    /// `Result`, or through `?`, `.unwrap()` or `.expect(..)`: then typed, so `tracing-bridge`
    /// finds the provider for the removed globals read later in the function).
    fn bind(
        rust: ParsedRust<'_>,
        out: &mut Changes,
        plan: &mut ImportPlan<'_>,
        site: TextRange,
    ) -> Option<DroppedProvider> {
        let mut find = WildcardLet {
            file: rust.file,
            site,
            function: None,
            found: None,
        };
        find.visit_file(rust.syntax);
        let (pattern, unwrapped, mut dropped) = find.found?;
        dropped.binding = fresh("_logger_provider", &rust.file.text, "");
        dropped.holds_result = !unwrapped;
        let pattern_text = if unwrapped {
            let provider = plan.name("opentelemetry_sdk::logs::LoggerProvider");
            format!("{}: {provider}", dropped.binding)
        } else {
            dropped.binding.clone()
        };
        out.replace(pattern, pattern_text);
        Some(dropped)
    }

    /// A `note` where the provider now lives as long as the old global did: to the end of
    /// `main`, past the `global::shutdown_logger_provider()` of its block (which `tracing-bridge`
    /// turns into its `shutdown()`), or handed on where the block reads the global after it
    /// (a bridge built from the provider keeps it alive; the read is reported or rewritten
    /// there). An `error` where it ends with a function or block and nothing takes it on.
    fn report(&self, rust: ParsedRust<'_>, globals: &GlobalUses, out: &mut Changes) {
        let after = |r: &TextRange| r.start >= self.let_end && self.block.contains_range(*r);
        let kept = if self.in_main && self.in_body {
            Some("until the end of `main`".to_string())
        } else if globals.shutdowns.iter().any(after) {
            Some("until its block ends, past the `global::shutdown_logger_provider()` that shut the global down".to_string())
        } else if globals.reads.iter().any(after) || globals.reader_called(rust, self) {
            Some(format!(
                "and `{}` reads the global logger provider after it (directly or in a function it calls): a bridge built from it there keeps it alive",
                self.function
            ))
        } else {
            None
        };
        if let Some(kept) = kept {
            let binding = &self.binding;
            let pass = if self.holds_result {
                format!("the provider in `{binding}` (a `Result`: the `let` did not unwrap it)")
            } else {
                format!("`&{binding}`")
            };
            out.finding(
                self.site,
                Severity::Note,
                format!(
                    "the `LoggerProvider` this now yields is kept in `{binding}` {kept}; `let _` would drop it on the spot, which shuts it down (otlp 0.14's install kept it in a global)"
                ),
                format!(
                    "`global::logger_provider()` has no global to read on 0.27: pass {pass} where it was read"
                ),
            );
            return;
        }
        let function = &self.function;
        let when = if self.in_body {
            format!("when `{function}` returns")
        } else {
            format!("at the end of its block in `{function}`")
        };
        let keep = if self.in_main {
            "bound in `main`'s own body, outside the block".to_string()
        } else {
            format!("bound in `main`'s own body, returned from `{function}` up to it")
        };
        out.finding(
            self.site,
            Severity::Error,
            format!(
                "the `LoggerProvider` this now yields is dropped {when}, which shuts it down: otlp 0.14's install kept it in a global for the rest of the program (it is kept in `{}` until then)",
                self.binding
            ),
            format!(
                "keep the provider where it lives as long as the program did ({keep}), call `provider.shutdown()` where `global::shutdown_logger_provider()` was called, and hand `&provider` to `OpenTelemetryTracingBridge::new`"
            ),
        );
    }
}

/// The calls of the removed logger-provider globals in the file.
struct GlobalUses {
    /// `global::logger_provider()`.
    reads: Vec<TextRange>,
    /// `global::shutdown_logger_provider()`.
    shutdowns: Vec<TextRange>,
    /// The free functions that read the global.
    readers: Vec<String>,
}

impl GlobalUses {
    /// From the calls `rewrite_sites` collected (index into [`GLOBAL_LOGGER_FNS`]).
    fn of(rust: ParsedRust<'_>, calls: &[(TextRange, usize)]) -> GlobalUses {
        let of_fn = |index: usize| -> Vec<TextRange> {
            calls
                .iter()
                .filter(|(_, i)| *i == index)
                .map(|(r, _)| *r)
                .collect()
        };
        let reads = of_fn(0);
        let readers = (rust.syntax.items.iter())
            .filter_map(|item| match item {
                syn::Item::Fn(f) => Some(f),
                _ => None,
            })
            .filter(|f| {
                let body = range_of(rust.file, &*f.block);
                reads.iter().any(|r| body.contains_range(*r))
            })
            .map(|f| ident_str(&f.sig.ident))
            .collect();
        GlobalUses {
            reads,
            shutdowns: of_fn(2),
            readers,
        }
    }

    /// Whether the block of `dropped` calls a function that reads the global after the `let`.
    fn reader_called(&self, rust: ParsedRust<'_>, dropped: &DroppedProvider) -> bool {
        struct Calls<'a> {
            rust: ParsedRust<'a>,
            readers: &'a [String],
            from: usize,
            within: TextRange,
            found: bool,
        }
        impl<'a> Visit<'a> for Calls<'a> {
            fn visit_expr_call(&mut self, c: &'a syn::ExprCall) {
                let range = range_of(self.rust.file, c);
                if let syn::Expr::Path(p) = &*c.func {
                    let named = p.path.get_ident().map(ident_str);
                    self.found |= range.start >= self.from
                        && self.within.contains_range(range)
                        && named.is_some_and(|n| self.readers.contains(&n));
                }
                syn::visit::visit_expr_call(self, c);
            }
        }
        let mut calls = Calls {
            rust,
            readers: &self.readers,
            from: dropped.let_end,
            within: dropped.block,
            found: false,
        };
        calls.visit_file(rust.syntax);
        calls.found
    }
}

/// Finds `let _ = <site>` (or `<site>?`, `<site>.unwrap()`, `<site>.expect(..)`): the `_`
/// pattern's range, whether the site's `Result` is unwrapped, and where the `let` stands.
struct WildcardLet<'a> {
    file: &'a SourceFile,
    site: TextRange,
    /// The function being visited: its name, its body, whether it is a free `fn` (a `main`
    /// that is the program's).
    function: Option<(String, &'a syn::Block, bool)>,
    found: Option<(TextRange, bool, DroppedProvider)>,
}

impl WildcardLet<'_> {
    /// Whether `expr` is the site (`Some(false)`) or the site unwrapped (`Some(true)`).
    fn installs_site(&self, expr: &syn::Expr) -> Option<bool> {
        let is_site = |e: &syn::Expr| range_of(self.file, e) == self.site;
        match expr {
            e if is_site(e) => Some(false),
            syn::Expr::Try(t) if is_site(&t.expr) => Some(true),
            syn::Expr::MethodCall(m)
                if (m.method == "unwrap" || m.method == "expect") && is_site(&m.receiver) =>
            {
                Some(true)
            }
            _ => None,
        }
    }
}

impl<'a> Visit<'a> for WildcardLet<'a> {
    fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
        let outer = self
            .function
            .replace((ident_str(&f.sig.ident), &f.block, true));
        syn::visit::visit_item_fn(self, f);
        self.function = outer;
    }

    fn visit_impl_item_fn(&mut self, f: &'a syn::ImplItemFn) {
        let outer = self
            .function
            .replace((ident_str(&f.sig.ident), &f.block, false));
        syn::visit::visit_impl_item_fn(self, f);
        self.function = outer;
    }

    fn visit_block(&mut self, b: &'a syn::Block) {
        for stmt in &b.stmts {
            let syn::Stmt::Local(local) = stmt else {
                continue;
            };
            let (syn::Pat::Wild(wild), Some(init)) = (&local.pat, &local.init) else {
                continue;
            };
            let (Some(unwrapped), None, Some((function, body, free))) = (
                self.installs_site(&init.expr),
                &init.diverge,
                &self.function,
            ) else {
                continue;
            };
            let dropped = DroppedProvider {
                site: self.site,
                binding: String::new(),
                holds_result: false,
                function: function.clone(),
                block: range_of(self.file, b),
                let_end: range_of(self.file, local).end,
                in_body: std::ptr::eq(*body, b),
                in_main: *free && function == "main",
            };
            self.found = Some((range_of(self.file, wild), unwrapped, dropped));
        }
        syn::visit::visit_block(self, b);
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
