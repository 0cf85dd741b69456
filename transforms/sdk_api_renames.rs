//! # sdk-api-renames
//!
//! ## What it does
//! Renames the metric and log API items that 0.27 moved or renamed, wherever a path resolves
//! (through the file's imports) to the old item:
//! - `opentelemetry::metrics::MetricsError` → `opentelemetry_sdk::metrics::MetricError`, and
//!   `opentelemetry::metrics::Result` → `opentelemetry_sdk::metrics::MetricResult`;
//! - `opentelemetry::logs::LogError` / `LogResult` → `opentelemetry_sdk::logs::LogError` /
//!   `LogResult`;
//! - the 0.21 SDK struct `opentelemetry_sdk::metrics::MeterProvider` →
//!   `opentelemetry_sdk::metrics::SdkMeterProvider` (the API trait
//!   `opentelemetry::metrics::MeterProvider` keeps its name and is not touched);
//! - `opentelemetry::InstrumentationLibrary` → `opentelemetry::InstrumentationScope`;
//! - `opentelemetry_sdk::propagation::TextMapCompositePropagator` (sdk 0.20–0.21) →
//!   `opentelemetry::propagation::TextMapCompositePropagator`;
//! - `opentelemetry_sdk::trace::XrayIdGenerator` (sdk 0.20–0.23) →
//!   `opentelemetry_aws::trace::XrayIdGenerator`, in a package that depends on
//!   opentelemetry-aws with its `trace` feature (a default one); without it, `residue` reports
//!   the generator with the crate to add.
//!
//! Tracers and meters named with a version, schema URL or attributes get the 0.27
//! `InstrumentationScope` builder (`otel::scope`):
//! - `<provider>.tracer_builder(name)….build()` (the removed `TracerBuilder`) →
//!   `<provider>.tracer_with_scope(InstrumentationScope::builder(name)….build())`, keeping the
//!   `.with_version(..)` / `.with_schema_url(..)` / `.with_attributes(..)` links as written, when
//!   the provider is `global::tracer_provider()`, an SDK `TracerProvider::builder()….build()`, or
//!   a local or parameter bound to one in the function (`&TracerProvider`, `impl TracerProvider`,
//!   `P: TracerProvider`); the same for `<provider>.logger_builder(name)….build()` (0.23–0.26's
//!   `LoggerBuilder`) → `.logger_with_scope(..)` on a logger provider (`otel::providers`);
//! - `<provider>.versioned_meter(name, version, schema_url, attributes)` /
//!   `.versioned_tracer(..)` / `.versioned_logger(..)` (the file imports the `MeterProvider` /
//!   `TracerProvider` / `LoggerProvider` trait) → `<provider>.meter_with_scope(..)` /
//!   `.tracer_with_scope(..)` / `.logger_with_scope(..)` of the same scope builder as
//!   `meter_with_version` below;
//! - `InstrumentationLibrary::new(name, version, schema_url, attributes)` →
//!   `InstrumentationScope::builder(name)….build()` (same links);
//! - `global::meter_with_version(name, version, schema_url, attributes)` →
//!   `global::meter_with_scope(InstrumentationScope::builder(name)….build())`: an `Option`
//!   argument written `Some(x)` becomes `.with_version(x)` (`.with_schema_url(x)`,
//!   `.with_attributes(x)`), `None` adds no link. A multi-line call stays one item a line.
//!
//! `opentelemetry::metrics::Unit` (removed in 0.24; `otel::metric_unit`): `.with_unit(Unit::new(x))`
//! and the SDK views' `.unit(Unit::new(x))` → `.with_unit(x)` / `.unit(x)`; `Unit` as a type →
//! `Cow<'static, str>`, `Unit::new(x)` elsewhere → `Cow::<'static, str>::from(x)`, `.as_str()` on
//! a local or parameter declared `Unit` → `.as_ref()`; its import goes. The `metrics` facade's
//! own `Unit` is another item and is not touched.
//!
//! 0.21 batch settings (`otel::batch_config`; the setters left `BatchConfig` and the batch
//! processor builders in opentelemetry_sdk 0.22): `BatchConfig::default().with_…(..)` →
//! `BatchConfigBuilder::default().with_…(..).build()`; `BatchSpanProcessor::builder(..)` /
//! `BatchLogProcessor::builder(..)` with `.with_max_queue_size(..)`, `.with_max_timeout(..)`, … →
//! one `.with_batch_config(BatchConfigBuilder::default()….build())` (`with_max_timeout` →
//! `with_max_export_timeout`).
//!
//! A single-path `use` of the old item is rewritten in place (`use opentelemetry::metrics::MetricsError;`
//! → `use opentelemetry_sdk::metrics::MetricError;`), or removed when the new item is already
//! imported; an old item inside a `use` group is removed from it and the new one imported.
//! Uses of the local name follow, also inside macro bodies (`cfg_if!`, `tokio::select!`,
//! `lazy_static!`'s `static ref X: Unit = …;`): the parsed ones like any code, and in a body
//! that does not parse (a service's own macro) every identifier that is the imported local name
//! as a first path segment, since the import's rename would leave it naming nothing.
//!
//! The `opentelemetry-prometheus` exporter needs nothing else: `opentelemetry_prometheus::exporter()
//! .with_registry(registry).build()?` handed to `MeterProvider::builder().with_reader(..)` has the
//! same shape in 0.14 and 0.27, so the provider rename is the whole change. Metric views
//! (`new_view`, `Instrument`, `Stream`, `with_view`) compile unchanged once the SDK's
//! `spec_unstable_metrics_views` feature is on (the manifest transform adds it when the package
//! mentions `new_view`).
//!
//! ## Before
//! ```rust,ignore
//! use opentelemetry::metrics::MetricsError;
//! use opentelemetry_sdk::metrics::MeterProvider;
//! fn init() -> Result<MeterProvider, MetricsError> { /* … */ }
//! let tracer = global::tracer_provider().tracer_builder("basic").with_attributes(attrs.clone()).build();
//! let meter = global::meter_with_version("basic", Some("v1.0"), None, Some(attrs));
//! ```
//!
//! ## After
//! ```rust,ignore
//! use opentelemetry_sdk::metrics::MetricError;
//! use opentelemetry_sdk::metrics::SdkMeterProvider;
//! fn init() -> Result<SdkMeterProvider, MetricError> { /* … */ }
//! let tracer = global::tracer_provider().tracer_with_scope(InstrumentationScope::builder("basic").with_attributes(attrs.clone()).build());
//! let meter = global::meter_with_scope(InstrumentationScope::builder("basic").with_version("v1.0").with_attributes(attrs).build());
//! ```
//!
//! ## Not rewritten (findings)
//! - `InstrumentationLibrary::new(..)` not called with four arguments: `error`.
//! - `global::meter_with_version(..)`, `versioned_meter(..)`, `versioned_tracer(..)`,
//!   `InstrumentationLibrary::new(..)` with an `Option` value (`version`, not `Some(..)`/`None`):
//!   no builder link says "only if `Some`", so `error` with the code to write
//!   (`let mut scope = InstrumentationScope::builder(name); if let Some(x) = version { scope =
//!   scope.with_version(x); } … meter_with_scope(scope.build())`); also with comments inside
//!   the arguments, or when the function is named without being called.
//! - `tracer_builder` on a receiver not known to be a provider (a field, a function's result):
//!   `warning` with the rewritten call, when the file imports the `TracerProvider` trait (else
//!   it is not OpenTelemetry's method and nothing is said); a provider's `TracerBuilder` kept in
//!   a local or extended with other links: `error`.
//! - Any other use of `Unit` (`Unit::default()`, `Unit` passed as a value): `error`.
//!   `.as_str()` on a unit whose type the function does not spell is left alone (it does not
//!   compile on `Cow`; the compiler names it).
//! - Processor builders with both setters and `with_batch_config(..)`, or comments between the
//!   setters; `BatchConfig::default()` chains with other links: `error`.
//! - Crates whose source `opentelemetry` version is 0.27 or newer, or unknown.
//!
//! ## Safety
//! Only path text changes; the renamed items are the same types under new names (the error
//! enums keep their variants that matter: `Other(String)`, `Config(String)`). The scope
//! rewrites build the same scope: `TracerBuilder`'s links are the scope builder's (same
//! argument types), and `meter_with_version` put each `Some` value in the scope and left a
//! `None` field unset, as the builder does with and without the link.

use crate::engine::context::PackageInfo;
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::imports::ImportPlan;

pub struct SdkApiRenames;

/// Items the SDK handed to a contrib crate: renamed where the package depends on that crate
/// (moved to its 0.27 release by `manifest-versions`) with the feature that has them.
const AWS_MOVES: &[(&str, &str)] = &[(
    "opentelemetry_sdk::trace::XrayIdGenerator",
    "opentelemetry_aws::trace::XrayIdGenerator",
)];

/// Whether the package depends on opentelemetry-aws with its `trace` feature (a default one).
fn has_aws_trace(package: &PackageInfo) -> bool {
    package.deps.iter().any(|d| {
        let e = &d.entry;
        e.is("opentelemetry-aws")
            && !d.is_path()
            && (e.default_features != Some(false) || e.features.iter().any(|f| f == "trace"))
    })
}

const RENAMES: &[(&str, &str)] = &[
    (
        "opentelemetry::metrics::MetricsError",
        "opentelemetry_sdk::metrics::MetricError",
    ),
    (
        "opentelemetry::metrics::Result",
        "opentelemetry_sdk::metrics::MetricResult",
    ),
    (
        "opentelemetry::logs::LogError",
        "opentelemetry_sdk::logs::LogError",
    ),
    (
        "opentelemetry::logs::LogResult",
        "opentelemetry_sdk::logs::LogResult",
    ),
    (
        "opentelemetry_sdk::metrics::MeterProvider",
        "opentelemetry_sdk::metrics::SdkMeterProvider",
    ),
    (
        "opentelemetry::InstrumentationLibrary",
        "opentelemetry::InstrumentationScope",
    ),
    // The enum itself lives on (only its `data` path went private); `temporality` renames it
    // where it rewrites a selector, this covers every other use (a grouped import, a user type).
    (
        "opentelemetry_sdk::metrics::data::Temporality",
        "opentelemetry_sdk::metrics::Temporality",
    ),
    // Moved to the API crate in 0.22 (same type, same `new(Vec<Box<dyn TextMapPropagator + Send
    // + Sync>>)`); the SDK's re-export went with it.
    (
        "opentelemetry_sdk::propagation::TextMapCompositePropagator",
        "opentelemetry::propagation::TextMapCompositePropagator",
    ),
];

impl Transform for SdkApiRenames {
    fn id(&self) -> &'static str {
        "sdk-api-renames"
    }

    fn description(&self) -> &'static str {
        "0.27 renames: MetricsError → MetricError, LogError → sdk, SDK MeterProvider → SdkMeterProvider, InstrumentationLibrary → InstrumentationScope; tracer_builder / logger_builder / meter_with_version → InstrumentationScope builders; provider() of a tracer or logger made from a provider local → that local"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn needles(&self) -> &'static [&'static str] {
        &[
            "MetricsError",
            "metrics::Result",
            "LogError",
            "LogResult",
            "MeterProvider",
            "InstrumentationLibrary",
            "versioned_meter",
            "versioned_tracer",
            "versioned_logger",
            "meter_with_version",
            "tracer_builder",
            "logger_builder",
            ".provider()",
            "Unit",
            "BatchConfig",
            "BatchSpanProcessor",
            "BatchLogProcessor",
            "Temporality",
            "TextMapCompositePropagator",
            "XrayIdGenerator",
        ]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry"]
    }

    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        package.is_some_and(|p| p.version_below("opentelemetry", 0, 27))
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let file = cx.file;
        let syntax = cx.syntax();
        let mut plan = ImportPlan::at(file, syntax, 0);

        crate::otel::path_renames::rename_paths(&cx.rust(), RENAMES, &mut plan, &mut out);
        if cx.package.is_some_and(has_aws_trace) {
            crate::otel::path_renames::rename_paths(&cx.rust(), AWS_MOVES, &mut plan, &mut out);
        }
        // The 0.21 SDK's `provider()` of a tracer or logger returned an `Option`.
        let sdk_before_0_22 = cx
            .package
            .is_some_and(|p| p.version_below("opentelemetry", 0, 22));
        crate::otel::scope::rewrite_scopes(&cx.rust(), &mut plan, sdk_before_0_22, &mut out);
        crate::otel::metric_unit::rewrite_units(&cx.rust(), &mut plan, &mut out);
        crate::otel::batch_config::rewrite_batch_configs(&cx.rust(), &mut plan, &mut out);
        plan.finish(&mut out);
        out
    }
}
