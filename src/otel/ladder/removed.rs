//! Items a hop removed or made private with no mechanical replacement (the doc's R rows,
//! otel-ladder.md §3): a path that resolves to one of them is reported at the site with the
//! doc's suggestion.

use crate::engine::finding::Severity;

pub struct RemovedItem {
    pub minor: u64,
    /// The old item's full path; a path naming it or anything under it (`X::Variant`) matches.
    pub path: &'static str,
    pub severity: Severity,
    pub message: &'static str,
    pub suggestion: &'static str,
}

const fn item(
    minor: u64,
    path: &'static str,
    severity: Severity,
    message: &'static str,
    suggestion: &'static str,
) -> RemovedItem {
    RemovedItem {
        minor,
        path,
        severity,
        message,
        suggestion,
    }
}

use Severity::{Error, Warning};

const VIEW_CLOSURE: &str = "write the view as a closure `Fn(&Instrument) -> Option<Stream>`: `.with_view(|i: &Instrument| if i.name() == \"…\" { Stream::builder().with_aggregation(..).build().ok() } else { None })` (`Instrument` getters `name()`, `kind()`, `unit()`, `scope()`; `Stream::builder().with_{name,description,unit,aggregation,allowed_attribute_keys,cardinality_limit}(..).build()`)";
const EXPORT_CONFIG: &str = "call `.with_endpoint(e).with_timeout(t).with_protocol(p)` on the exporter builder (`..ExportConfig::default()` fields are dropped)";
const JAEGER: &str = "decide: `opentelemetry_sdk::propagation::TraceContextPropagator::new()` changes the wire format (`traceparent`, not `uber-trace-id`) — set `jaeger-propagator = \"trace-context\"` in otel-migrate.toml to rewrite it; or stay at `--to 0.32` with `#[allow(deprecated)]`, which keeps `uber-trace-id`";

pub const REMOVED: &[RemovedItem] = &[
    item(29, "opentelemetry_sdk::trace::config", Error, "0.29 removed `trace::config()`", "set the options on the provider builder: `SdkTracerProvider::builder().with_sampler(..).with_resource(..)…`"),
    item(29, "opentelemetry_sdk::trace::Config", Warning, "0.29 removed the trace `Config`'s `with_*` setters and the provider builder's `with_config` (the struct stays)", "set the options on the provider builder: `.with_sampler(..)`, `.with_id_generator(..)`, `.with_max_events_per_span(..)`, `.with_resource(..)`"),
    item(29, "opentelemetry_otlp::OTEL_EXPORTER_OTLP_TIMEOUT_DEFAULT", Warning, "0.29 made `OTEL_EXPORTER_OTLP_TIMEOUT_DEFAULT` a `Duration` (10 000 ms; it was a `u64` of seconds)", "use it as the `Duration` (`Duration::from_secs(OTEL_EXPORTER_OTLP_TIMEOUT_DEFAULT)` becomes `OTEL_EXPORTER_OTLP_TIMEOUT_DEFAULT`)"),
    item(30, "opentelemetry_sdk::metrics::new_view", Error, "0.30 removed `new_view`", VIEW_CLOSURE),
    item(30, "opentelemetry_sdk::metrics::Stream::new", Error, "0.30 removed `Stream::new()` and made `Instrument`'s fields private (a 0.27 closure view, such as the one `aggregation-selector` writes, reads `i.kind`, `i.name`)", VIEW_CLOSURE),
    item(30, "opentelemetry_sdk::metrics::ManualReader", Warning, "0.30 put `ManualReader` behind the sdk feature `experimental_metrics_custom_reader`", "enable `experimental_metrics_custom_reader` on opentelemetry_sdk"),
    item(30, "opentelemetry_sdk::metrics::reader::MetricReader", Warning, "0.30 put `MetricReader` behind the sdk feature `experimental_metrics_custom_reader`", "enable `experimental_metrics_custom_reader` on opentelemetry_sdk"),
    item(31, "tracing_opentelemetry::PreSampledTracer", Error, "tracing-opentelemetry 0.32 removed `PreSampledTracer`", "bound the tracer with `T: opentelemetry::trace::Tracer + 'static, T::Span: Send + Sync`"),
    item(31, "tracing_opentelemetry::OtelData", Warning, "tracing-opentelemetry 0.32 made `OtelData`'s fields private (`builder`, `parent_cx`)", "use `data.trace_id()` / `data.span_id()` (`None` until the span's context is built)"),
    item(32, "tracing_opentelemetry::OtelData", Error, "tracing-opentelemetry 0.33 made `OtelData` private", "use `OpenTelemetrySpanExt::context()` on the span, or `tracing_opentelemetry::get_otel_context(&id, &dispatch)`"),
    item(32, "opentelemetry_sdk::trace::TraceError", Error, "0.32 removed `opentelemetry_sdk::trace::TraceError`", "use `opentelemetry_otlp::ExporterBuildError` for exporter builds, else `Box<dyn std::error::Error + Send + Sync>`; check matches on its variants"),
    item(32, "opentelemetry_sdk::trace::TraceResult", Error, "0.32 removed `opentelemetry_sdk::trace::TraceResult`", "use `Result<T, opentelemetry_otlp::ExporterBuildError>` for exporter builds, else `Result<T, Box<dyn std::error::Error + Send + Sync>>`"),
    item(32, "opentelemetry_otlp::ExportConfig", Error, "0.32 removed `ExportConfig` and `with_export_config`", EXPORT_CONFIG),
    item(32, "opentelemetry_otlp::HasExportConfig", Error, "0.32 removed `HasExportConfig`", EXPORT_CONFIG),
    item(32, "opentelemetry_otlp::HasTonicConfig", Error, "0.32 removed `HasTonicConfig`", "configure the builder through `WithTonicConfig`"),
    item(32, "opentelemetry_otlp::HasHttpConfig", Error, "0.32 removed `HasHttpConfig`", "configure the builder through `WithHttpConfig`"),
    item(32, "opentelemetry_otlp::TonicConfig", Error, "0.32 removed `TonicConfig`", "configure the builder through `WithTonicConfig`"),
    item(32, "opentelemetry_otlp::HttpConfig", Error, "0.32 removed `HttpConfig`", "configure the builder through `WithHttpConfig`"),
    item(32, "opentelemetry_otlp::Protocol::default", Warning, "0.32's `Protocol::default()` is the feature default only: it no longer reads `OTEL_EXPORTER_OTLP_PROTOCOL`", "drop `.with_protocol(Protocol::default())` so the exporter builder reads `OTEL_EXPORTER_OTLP_PROTOCOL` (and the per-signal variables) itself, or name the protocol (`Protocol::Grpc`, `Protocol::HttpBinary`)"),
    item(32, "opentelemetry_jaeger_propagator::Propagator", Error, "opentelemetry-jaeger-propagator is deprecated in 0.32 (and has no 0.33 release)", JAEGER),
    item(33, "opentelemetry_otlp::ExporterBuildError::InvalidUri", Error, "0.33's `ExporterBuildError` has two variants, `InvalidConfiguration(String)` and `InternalFailure(String)`", "match `ExporterBuildError::InvalidConfiguration(_)` / `ExporterBuildError::InternalFailure(_)` (exhaustive: a leftover `_` arm is unreachable)"),
    item(33, "opentelemetry_otlp::ExporterBuildError::NoHttpClient", Error, "0.33's `ExporterBuildError` has two variants, `InvalidConfiguration(String)` and `InternalFailure(String)`", "match `ExporterBuildError::InvalidConfiguration(_)` / `ExporterBuildError::InternalFailure(_)` (exhaustive: a leftover `_` arm is unreachable)"),
    item(33, "opentelemetry_otlp::ExporterBuildError::InvalidConfig", Error, "0.33's `ExporterBuildError` has two variants, `InvalidConfiguration(String)` and `InternalFailure(String)`", "match `ExporterBuildError::InvalidConfiguration(_)` / `ExporterBuildError::InternalFailure(_)` (exhaustive: a leftover `_` arm is unreachable)"),
    item(33, "opentelemetry_otlp::HttpExporterBuilder", Error, "0.33 removed `HttpExporterBuilder`'s `build_*_exporter`", "write `SpanExporter::builder().with_http()…build()` (metrics: `MetricExporter::builder().with_http().with_temporality(t).build()`)"),
    item(33, "opentelemetry_otlp::TonicExporterBuilder", Error, "0.33 removed `TonicExporterBuilder`'s direct use", "write `SpanExporter::builder().with_tonic()…build()`"),
    item(33, "opentelemetry_otlp::retry", Error, "0.33 removed `opentelemetry_otlp::retry`", "use `opentelemetry_otlp::RetryPolicy` with its `with_*` methods, or `RetryPolicy::disabled()`"),
    item(33, "opentelemetry_otlp::OTEL_EXPORTER_OTLP_ENDPOINT_DEFAULT", Error, "0.33 removed `OTEL_EXPORTER_OTLP_ENDPOINT_DEFAULT`", "omit `.with_endpoint(..)` for the default, or write the URL"),
    item(33, "opentelemetry_otlp::Protocol::from_env", Error, "0.33 removed `Protocol::from_env()`", "read `OTEL_EXPORTER_OTLP_PROTOCOL` yourself"),
];

/// The items removed on the hop to `minor`.
pub fn removed_at(minor: u64) -> impl Iterator<Item = &'static RemovedItem> {
    REMOVED.iter().filter(move |r| r.minor == minor)
}
