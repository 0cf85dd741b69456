//! The OpenTelemetry and `metrics` knowledge: how old code is spelled, what it becomes on 0.27,
//! and how the new code is placed. Used by the transforms (and `adopt`); uses only the engine's
//! text, edit, syntax and finding types. It returns edits and findings
//! ([`crate::engine::changes::Changes`]) for a parsed file
//! ([`crate::engine::syntax::ParsedRust`]) and the plain facts a transform hands in (crate
//! versions, targets); it never sees a run (no `FileContext`, config or pipeline).
//!
//! Version facts and tables:
//! - [`crates`]: the crates of the target set, their versions (overridable) and features.
//! - [`deps`]: which version a manifest entry will have once the manifest transforms ran.
//! - [`metrics_facade`]: the `metrics` crate: which macro or item a path names, the 0.21 macro
//!   table, which metrics minor each exporter release is built on.
//! - [`error_handler`]: `global::set_error_handler(..)` statements and whether their handler
//!   only prints or logs.
//! - [`recorder_error`]: the bare `metrics::SetRecorderError` (generic since metrics 0.22) given
//!   the type of the recorder the function installs.
//! - [`instruments`]: the meter's instrument-builder methods.
//! - [`residue`]: the old items the target no longer has (generated from the published sources,
//!   plus hand-written call shapes) and the scan that finds the ones a migrated file still uses.
//! - [`bootstrap`]: what `adopt` writes: the canonical dependencies and the 0.27 telemetry module.
//! - [`ladder`]: the version ladder past 0.27 (`--to`): the targets, the pairing table of every
//!   release set, each hop's feature changes, renames and reported items, the environment
//!   variables whose meaning changed.
//!
//! Models of old pipelines, read from chains and rendered for 0.27:
//! - [`chain`]: reads a method chain (`a().b(x).c(y)`) into its root and its links, and follows
//!   a builder kept in a local (`let mut p = …; if … { p = p.with_x(..) }`) where that is provable.
//! - [`conditional_links`]: settings applied under a condition, rendered on a mutable 0.27
//!   builder under the same condition.
//! - [`exporter`]: the version-independent OTLP exporter model ([`exporter::ExporterConfig`]),
//!   parsed from `new_exporter().tonic()/.http()…` chains (0.14 … 0.26) and rendered as
//!   `{Span,Metric,Log}Exporter::builder().with_tonic()/.with_http()…build()` (0.27).
//! - [`exporter_local`]: an exporter a pipeline takes from a local (`let exporter = …;`, or a
//!   `match`/`if` choosing one), followed where provable and rewritten with the pipeline.
//! - [`exporter_branches`]: a pipeline local given its exporter in every branch of a shadowing
//!   `let` (`let p = if c { p.with_exporter(a) } else { p.with_exporter(b) };`): the `let`
//!   becomes the choice of built exporters.
//! - [`logger_provider_source`]: the function of the file that makes the logger provider a
//!   `global::logger_provider()` elsewhere read, for a concrete fix (0.27 has no such global).
//! - [`exporter_variant_match`]: a choice into the old builder enum refined afterwards by a
//!   `match` on its variants: the refinement moves into the choice's arms.
//! - [`export_config_local`]: an `ExportConfig` literal kept in a local that
//!   `with_export_config(..)` names: its `endpoint` becomes `Some(..)` (optional in 0.27).
//! - [`local_binding`]: where a local read at a site is bound (the nearest enclosing `let`).
//! - [`jaeger_endpoint`]: Jaeger agent/collector addresses → OTLP endpoints, and the constants,
//!   statics and config-field initializers that feed a Jaeger pipeline's endpoint.
//! - [`exporter_build_call`]: an exporter built directly (`….build_log_exporter()`) from an
//!   old chain or a local holding one → the 0.27 builder's `.build()`.
//! - [`exporter_helper`]: an exporter a pipeline takes from a helper function of the same file;
//!   the helper then returns the built exporter.
//! - [`exporter_closure`]: an exporter made by a factory closure of the function
//!   (`let make = || new_exporter()…; ….with_exporter(make())`): each call reads as the chain.
//! - [`exporter_customizer`]: an exporter builder passed through a helper that sets options
//!   (`customize(new_exporter().tonic(), &cfg)`); the helper becomes generic over the 0.27
//!   option traits.
//! - [`pipeline_signature`]: functions that take or return an old OTLP pipeline type: the exact
//!   0.27 signature (the SDK provider builders) and the callers, in a finding;
//!   [`pipeline_customizer`]: the private ones that only add a trace config, rewritten with
//!   their callers (they take and return the provider builder); [`otlp_customizer`]: the
//!   same for metrics and logs pipelines given only a resource (the options that go on other
//!   0.27 builders are named in the signature's finding).
//! - [`trace`]: the trace pipeline model (`TracePipeline`) and its renderers for 0.27, with
//!   the version facts (what `install_batch` returned, whether it registered globally) and the
//!   readers of the old terminal call and trace config.
//! - [`metrics`]: the OTLP metrics pipeline model (`new_pipeline().metrics(rt)…build()`) and
//!   its 0.27 rendering (exporter, `PeriodicReader`, `SdkMeterProvider`).
//! - [`logs`]: the OTLP logging pipeline model (`new_pipeline().logging()…install_*`).
//! - [`otlp_pipeline`]: what the metrics and logs models share: reading the option links
//!   (exporter, resource, comments) and the `Unsupported` error.
//! - [`runtime`]: recognizes runtime arguments (`runtime::Tokio`, `opentelemetry::runtime::…`,
//!   `TokioCurrentThread`, `AsyncStd`) through the file's imports.
//! - [`batch_config`]: 0.21 batch settings (`BatchConfig::default().with_…`, the processor
//!   builders' setters) → `BatchConfigBuilder`.
//! - [`metric_unit`]: `opentelemetry::metrics::Unit` (removed in 0.24) → the unit string /
//!   `Cow<'static, str>`.
//! - [`scope`]: the 0.21–0.26 scope APIs (`tracer_builder(..)…build()`,
//!   `global::meter_with_version(..)`) rewritten to the 0.27 `InstrumentationScope` builder;
//!   [`providers`]: which expressions are provably tracer (logger) providers.
//! - [`facade_paths`]: opentelemetry ≤ 0.20's `opentelemetry::sdk` / `opentelemetry::runtime`
//!   paths → the `opentelemetry_sdk` crate.
//! - [`user_selector`]: a user's own temporality and aggregation selector types (removed in
//!   0.27): their impls, per-kind `match`, and removal once translated;
//!   [`default_aggregation`]: `DefaultAggregationSelector` asked for a constant kind → that
//!   kind's `Aggregation`.
//! - [`observable_calls`]: `.observe(..)` called on an observable instrument the file keeps in a
//!   field or binding (outside its callback); [`observed_gauge`]: such an observable gauge made
//!   without a callback becomes the synchronous `Gauge` it was used as.
//! - [`path_renames`]: renaming items wherever a path resolves to them, imports included (the
//!   0.27 renames and the ladder's moves share it).
//!
//! What a site exports:
//! - [`ledger`]: the settings of each rewritten or reported pipeline, before and after.
//!
//! Placing new code:
//! - [`placement`]: type-preserving placement of a rewritten pipeline (statement form for
//!   `let p = …?;`, `Result`-keeping `.map(|exporter| …)` form elsewhere), and finding the
//!   sites: the OTLP metrics/logs site loop and the trace pipeline finder.
//! - [`imports`]: the import editor, the one place that edits `use` items: the items new code
//!   needs ([`imports::ImportPlan`]: a name in scope is reused, else merged into an existing
//!   `use` tree or added on a new line), removing or renaming leaves with their commas, and
//!   the guard that every such edit changes exactly the imports it was asked to.
//!
//! Naming:
//! - [`naming`]: the service-name convention `llm.{component}[.{subcomponent}]`.

pub mod batch_config;
pub mod bootstrap;
pub mod chain;
pub mod closure_customizer;
pub mod conditional_links;
pub mod crates;
pub mod default_aggregation;
pub mod deps;
pub mod error_handler;
pub mod export_config_local;
pub mod exporter;
pub mod exporter_branches;
pub mod exporter_build_call;
pub mod exporter_closure;
pub mod exporter_customizer;
pub mod exporter_field;
pub mod exporter_helper;
pub mod exporter_local;
pub mod exporter_variant_match;
pub mod facade_paths;
pub mod imports;
pub mod instruments;
pub mod jaeger_endpoint;
pub mod ladder;
pub mod ledger;
pub mod local_binding;
pub mod logger_provider_source;
pub mod logs;
pub mod metric_unit;
pub mod metrics;
pub mod metrics_facade;
pub mod naming;
pub mod observable_calls;
pub mod observed_gauge;
pub mod otlp_customizer;
pub mod otlp_pipeline;
pub mod path_renames;
pub mod pipeline_customizer;
pub mod pipeline_signature;
pub mod placement;
pub mod providers;
pub mod recorder_error;
pub mod residue;
pub mod runtime;
pub mod scope;
pub mod sdk_provider_reads;
pub mod trace;
pub mod trace_config_local;
pub mod user_selector;

/// Whether `path` (resolved) starts with one of the crate names the old and new stacks use for
/// the SDK: `opentelemetry_sdk` (0.21+) or `opentelemetry::sdk` (≤ 0.20).
pub fn sdk_path_suffix(resolved: &[String]) -> Option<&[String]> {
    match resolved {
        [first, rest @ ..] if first == "opentelemetry_sdk" => Some(rest),
        [first, second, rest @ ..] if first == "opentelemetry" && second == "sdk" => Some(rest),
        _ => None,
    }
}

/// The text between the parentheses of a call (`with_endpoint( "x" )` → ` "x" `), verbatim.
pub fn args_text(file: &crate::engine::source::SourceFile, call: &syn::ExprMethodCall) -> String {
    let r = crate::engine::syntax::range_of_span(file, call.paren_token.span.join());
    file.text[r.start + 1..r.end - 1].to_string()
}
