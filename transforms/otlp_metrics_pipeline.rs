//! # otlp-metrics-pipeline
//!
//! ## What it does
//! opentelemetry-otlp 0.27 removed `new_pipeline()`. This transform rewrites every
//! `opentelemetry_otlp::new_pipeline().metrics(rt)…build()` chain (otlp 0.14 … 0.26) into the
//! 0.27 builders: `MetricExporter::builder().with_tonic()/.with_http()` with the exporter's
//! options, a `PeriodicReader::builder(exporter, rt)` with `with_period` → `with_interval` and
//! `with_timeout`, and `SdkMeterProvider::builder().with_reader(reader).with_resource(..)`.
//! Temporality calls (`with_temporality_selector`, `with_delta_temporality`) move to the exporter
//! builder as written; the `temporality` transform (next in the registry) translates them.
//! `with_aggregation_selector(DefaultAggregationSelector::new())` is dropped (the default).
//!
//! Placement keeps the type: `let p = <pipeline>?;` becomes three statements (`let exporter =
//! …build()?;`, `let reader = …;`, `let p = …build();`); in any other position (a function's tail,
//! a `match` arm, an argument, before `.unwrap()`) the expression stays a
//! `Result<SdkMeterProvider, _>`: `MetricExporter::builder()…build().map(|exporter| { … })`.
//! For otlp ≤ 0.16, whose `build()` also installed the provider globally,
//! `global::set_meter_provider(provider.clone())` is added.
//!
//! ## Before
//! ```rust,ignore
//! opentelemetry_otlp::new_pipeline()
//!     .metrics(runtime::Tokio)
//!     .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint(url))
//!     .with_resource(resource)
//!     .with_period(Duration::from_secs(15))
//!     .build()
//! ```
//!
//! ## After
//! ```rust,ignore
//! MetricExporter::builder()
//!     .with_tonic()
//!     .with_endpoint(url)
//!     .build()
//!     .map(|exporter| {
//!         let reader = PeriodicReader::builder(exporter, runtime::Tokio)
//!             .with_interval(Duration::from_secs(15))
//!             .build();
//!         SdkMeterProvider::builder()
//!             .with_reader(reader)
//!             .with_resource(resource)
//!             .build()
//!     })
//! ```
//!
//! An exporter from a helper function (`fn exporter(..) -> TonicExporterBuilder`), in this file
//! or in another file of the package (the package facts, `helper_facts`, as for traces): the
//! helper returns `Result<MetricExporter, MetricError>` and the site unwraps it. A helper several
//! pipelines call (settled and made generic by `otlp-trace-pipeline`, which runs first): the
//! call passes `MetricExporter::builder().with_tonic()` with the pipeline's temporality.
//!
//! A private function creating the pipeline its callers build (`fn metrics() ->
//! OtlpMetricPipeline<..> { new_pipeline().metrics(rt)… }`, every mention a `metrics(..).build()`
//! in the file; `placement::otlp_creator`) returns `Result<MeterProviderBuilder, MetricError>`
//! with the exporter built inside, and each call becomes `metrics(..).map(|builder|
//! builder.build())` (with the global registration for otlp ≤ 0.16). The same for such a
//! function other files or members call (`pub(crate)`, `pub` in a binary or a `publish = false`
//! library; `telemetry::metrics(url).build()` in main.rs), read from the workspace facts
//! (`signature_facts`): every mention in the workspace a call built right after, in packages on
//! an old otlp, or none is rewritten (the function's finding lists the callers). A private function the
//! pipeline passes through that only sets the resource (`fn named(p: OtlpMetricPipeline<..>) ->
//! OtlpMetricPipeline<..> { p.with_resource(..) }`, every call `named(<pipeline>, ..).build()`;
//! `otel::otlp_customizer`) takes and returns `MeterProviderBuilder`, and each site hands it
//! the provider builder before `.build()`. One that sets options of other 0.27 builders (the
//! reader's interval, the exporter's temporality) keeps its finding, which names the builder of
//! each option, or the split when they differ.
//!
//! ## Not rewritten
//! - An exporter that is not a `new_exporter()` chain, a local holding one (followed as in
//!   `otlp-trace-pipeline`; temporality calls move into the local's chain, into every arm of a
//!   `match`) or a helper followed with its calls, e.g. a helper whose other caller keeps its builder, a custom
//!   aggregation selector (0.27 uses views), an unknown pipeline option, a pipeline kept in a
//!   local used in another way than being built once, or extended under a condition with
//!   anything but `with_period`/`with_timeout` (reader) or `with_resource` (provider), one
//!   builder per `if` (else followed, `placement::otlp_locals`; conditional options go onto
//!   a mutable 0.27 builder under the same condition): `error` finding with the 0.27 shape.
//! - A function creating the pipeline that a publishable library exports (unless
//!   `rewrite-public-api = true`), whose name is not unique in the workspace, that a caller
//!   extends or names other than in `f(..).build()`, or that a package not on an old otlp
//!   calls: `error` finding at its signature with the 0.27 signature and every caller.
//! - `global::shutdown_meter_provider()` (removed in 0.22): `error` finding — keep the provider
//!   and call `provider.shutdown()`.
//! - Crates whose source `opentelemetry-otlp` is 0.27 or newer, or unknown.
//!
//! ## Safety
//! Every argument is spliced as written; comments between links travel with their option (or
//! open the new code). The error type becomes `MetricError` (`sdk-api-renames` renames the old
//! `MetricsError` in signatures).

use super::{helper_facts, signature_facts};
use crate::engine::changes::Changes;
use crate::engine::context::{PackageInfo, Project};
use crate::engine::finding::Severity;
use crate::engine::syntax::ParsedRust;
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::exporter::Signal;
use crate::otel::exporter_build_call::rewrite_build_calls;
use crate::otel::exporter_helper::{report_public_helpers, PackageHelpers};
use crate::otel::metrics::MetricsPipeline;
use crate::otel::otlp_customizer::{rewrite_otlp_customizers, settled_customizers, OtlpCustomizer};
use crate::otel::pipeline_signature::{report_pipeline_fields, report_pipeline_signatures};
use crate::otel::placement::otlp_creator::{
    rewrite_calls_of_otlp_creators_elsewhere, rewrite_otlp_creators,
};
use crate::otel::placement::otlp_sites::{rewrite_sites, SiteRewrite};

pub struct OtlpMetricsPipeline;

impl Transform for OtlpMetricsPipeline {
    fn id(&self) -> &'static str {
        "otlp-metrics-pipeline"
    }

    fn description(&self) -> &'static str {
        "OTLP `new_pipeline().metrics(rt)…build()` → MetricExporter + PeriodicReader + SdkMeterProvider builders"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn needles(&self) -> &'static [&'static str] {
        // `ExporterBuilder`: a file with an exporter helper another file's pipeline follows.
        &[
            "metrics(",
            "shutdown_meter_provider",
            "OtlpMetricPipeline",
            "ExporterBuilder",
        ]
    }

    fn call_needles(&self) -> &'static [&'static str] {
        // A caller of a function of another file creating the pipeline
        // (`telemetry::metrics(url).build()`) names nothing else.
        &["build()"]
    }

    fn wants_calls(&self, text: &str, _: &PackageInfo, project: &Project) -> bool {
        signature_facts::names_a_creator(project, Signal::Metric, text)
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_otlp"]
    }

    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        package.is_some_and(|p| p.version_below("opentelemetry-otlp", 0, 27))
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let helpers = metrics_helpers(cx);
        // Functions the pipelines pass through that only set the resource.
        let customizers = settled_customizers(cx.rust(), Signal::Metric, |customizers| Sites {
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
            Signal::Metric,
            &customizers,
            &mut out,
            &mut rewritten.plans,
        );
        helper_facts::rewrite_own_helpers(cx, &sites.helpers, &mut out, &mut rewritten.plans);
        report_public_helpers(cx.rust(), &sites.helpers, &mut out);
        // Functions creating the pipeline, with their callers (of this file, or of the workspace).
        let elsewhere =
            signature_facts::otlp_pipeline_functions(cx, (self, Signal::Metric), |path| {
                sites_for(cx.project.package_for(path), PackageHelpers::default())
            });
        signatures.extend(rewrite_otlp_creators(
            cx.rust(),
            &sites,
            Signal::Metric,
            &elsewhere.own_creators,
            &mut out,
            &mut rewritten.plans,
        ));
        rewrite_calls_of_otlp_creators_elsewhere::<Sites>(
            cx.rust(),
            &elsewhere.creators,
            |otlp| {
                otlp.is_some_and(registers_globally)
                    .then_some(SET_METER_PROVIDER)
            },
            &mut out,
            &mut rewritten.plans,
        );
        report_pipeline_signatures(
            cx.rust(),
            Signal::Metric,
            &signatures,
            &elsewhere.left,
            &mut out,
        );
        report_pipeline_fields(cx.rust(), Signal::Metric, &mut out);
        rewrite_build_calls(
            cx.rust(),
            Signal::Metric,
            &mut out.changes,
            &mut rewritten.plans,
        );
        for (range, _) in rewritten.calls {
            // The same site `tracing-bridge` and `residue` see: reported once.
            out.item_finding(
                "opentelemetry::global::shutdown_meter_provider",
                range,
                Severity::Error,
                "`global::shutdown_meter_provider()` was removed in opentelemetry 0.22",
                "keep the `SdkMeterProvider` you built (a clone is cheap) and call `provider.shutdown()` at this point; it returns `MetricResult<()>`",
            );
        }
        // The default aggregation selector was dropped from the rewritten chains.
        let mut cleanup = rewritten.cleanup;
        cleanup.remove_if_unused("opentelemetry_sdk::metrics::reader::DefaultAggregationSelector");
        rewritten.plans.add(cleanup);
        rewritten.plans.finish(&mut out);
        helper_facts::resolve_ledger(cx, &mut out.changes.ledger);
        out
    }
}

/// The exporter helpers of other files the metrics pipelines of `cx`'s package follow (and
/// the ones of this file they follow), read with this transform's own site rewrite.
pub fn metrics_helpers(cx: &FileContext<'_>) -> PackageHelpers {
    helper_facts::site_rewrite_helpers(cx, Signal::Metric, |helpers| sites_of(cx, helpers))
}

/// This transform's site rewrite of `rust` with `helpers` assumed followed: a dry run for
/// `otlp-trace-pipeline`, which settles and rewrites the shared exporter helpers.
pub fn metrics_dry_run(
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
    let otlp = package.and_then(|p| p.version("opentelemetry-otlp"));
    Sites {
        registers_globally: otlp.is_some_and(registers_globally),
        helpers,
        customizers: Vec::new(),
    }
}

/// Whether the metrics pipeline's `build()` on this opentelemetry-otlp version also set the
/// global meter provider (≤ 0.16).
fn registers_globally(otlp: &semver::Version) -> bool {
    (otlp.major, otlp.minor) < (0, 17)
}

const SET_METER_PROVIDER: &str = "opentelemetry::global::set_meter_provider";

struct Sites {
    /// otlp ≤ 0.16: `build()` also installed the provider globally.
    registers_globally: bool,
    helpers: PackageHelpers,
    /// Settled customizers (name, pipeline parameter) the sites go through.
    customizers: Vec<(String, usize)>,
}

impl SiteRewrite for Sites {
    type Model = MetricsPipeline;
    const MACRO_IDENTS: &'static [&'static str] = &["metrics"];
    const FUNCTIONS: &'static [&'static [&'static str]] =
        &[&["opentelemetry", "global", "shutdown_meter_provider"]];
    const IN_MACRO: (&'static str, &'static str) = (
        "an OTLP metrics pipeline inside a macro body was not rewritten",
        "rewrite it by hand: `MetricExporter::builder().with_tonic()…build()?`, `PeriodicReader::builder(exporter, runtime)…build()`, `SdkMeterProvider::builder().with_reader(reader)…build()`",
    );

    fn helpers(&self) -> &PackageHelpers {
        &self.helpers
    }

    fn customizers(&self) -> &[(String, usize)] {
        &self.customizers
    }

    fn register(&self) -> Option<&'static str> {
        self.registers_globally.then_some(SET_METER_PROVIDER)
    }
}
