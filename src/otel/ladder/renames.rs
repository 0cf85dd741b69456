//! Items renamed on a hop (old full path → new full path), for `otel::path_renames`.

/// 0.28: the SDK's provider, builder, logger and log-record types gained the `Sdk` prefix
/// (otel-ladder.md §3.1 items 1 and 2; `Tracer` stays, an alias of `SdkTracer`).
pub const RENAMES_0_28: &[(&str, &str)] = &[
    (
        "opentelemetry_sdk::trace::TracerProvider",
        "opentelemetry_sdk::trace::SdkTracerProvider",
    ),
    (
        "opentelemetry_sdk::trace::Builder",
        "opentelemetry_sdk::trace::TracerProviderBuilder",
    ),
    (
        "opentelemetry_sdk::logs::LoggerProvider",
        "opentelemetry_sdk::logs::SdkLoggerProvider",
    ),
    (
        "opentelemetry_sdk::logs::Builder",
        "opentelemetry_sdk::logs::LoggerProviderBuilder",
    ),
    (
        "opentelemetry_sdk::logs::Logger",
        "opentelemetry_sdk::logs::SdkLogger",
    ),
    (
        "opentelemetry_sdk::logs::LogRecord",
        "opentelemetry_sdk::logs::SdkLogRecord",
    ),
];

/// 0.29: the trace error types moved from the API to the SDK (otel-ladder.md §3.2 item 1).
pub const RENAMES_0_29: &[(&str, &str)] = &[
    (
        "opentelemetry::trace::TraceError",
        "opentelemetry_sdk::trace::TraceError",
    ),
    (
        "opentelemetry::trace::TraceResult",
        "opentelemetry_sdk::trace::TraceResult",
    ),
];

/// The error types an exporter's `build()?` converted into until 0.28, with the `Result`
/// aliases over them (`alias`: the type is `Result<T>` of that error).
pub struct ExporterErrorType {
    pub path: &'static str,
    pub alias: bool,
    /// Removed at 0.29 (every use is reported), rather than only no longer converted into.
    pub removed: bool,
}

/// 0.29: every exporter `build()` returns `opentelemetry_otlp::ExporterBuildError`; `?` no
/// longer converts it into these (otel-ladder.md §3.2 items 2, 3).
pub const EXPORTER_ERRORS_0_29: &[ExporterErrorType] = &[
    ExporterErrorType {
        path: "opentelemetry::trace::TraceError",
        alias: false,
        removed: false,
    },
    ExporterErrorType {
        path: "opentelemetry::trace::TraceResult",
        alias: true,
        removed: false,
    },
    ExporterErrorType {
        path: "opentelemetry_sdk::metrics::MetricError",
        alias: false,
        removed: false,
    },
    ExporterErrorType {
        path: "opentelemetry_sdk::metrics::MetricResult",
        alias: true,
        removed: false,
    },
    ExporterErrorType {
        path: "opentelemetry_sdk::logs::LogError",
        alias: false,
        removed: true,
    },
    ExporterErrorType {
        path: "opentelemetry_sdk::logs::LogResult",
        alias: true,
        removed: true,
    },
];

/// The error every 0.29+ exporter builder returns.
pub const EXPORTER_BUILD_ERROR: &str = "opentelemetry_otlp::ExporterBuildError";

/// The OTLP exporter builders (`…::builder()`) whose `build()` returns it.
pub const EXPORTER_BUILDERS: &[&[&str]] = &[
    &["opentelemetry_otlp", "SpanExporter", "builder"],
    &["opentelemetry_otlp", "MetricExporter", "builder"],
    &["opentelemetry_otlp", "LogExporter", "builder"],
];

/// 0.30 made `MetricError` / `MetricResult` crate-private (otel-ladder.md §3.3 item 2): every
/// use is reported unless the function's error type is rewritten.
pub const METRIC_ERRORS_0_30: &[ExporterErrorType] = &[
    ExporterErrorType {
        path: "opentelemetry_sdk::metrics::MetricError",
        alias: false,
        removed: true,
    },
    ExporterErrorType {
        path: "opentelemetry_sdk::metrics::MetricResult",
        alias: true,
        removed: true,
    },
];

/// 0.31: the same types, still in the functions around a Prometheus `build()` that the 0.30
/// hop leaves to 0.31 (their other uses were reported on the 0.30 hop).
pub const METRIC_ERRORS_0_31: &[ExporterErrorType] = &[
    ExporterErrorType {
        path: "opentelemetry_sdk::metrics::MetricError",
        alias: false,
        removed: false,
    },
    ExporterErrorType {
        path: "opentelemetry_sdk::metrics::MetricResult",
        alias: true,
        removed: false,
    },
];

/// The Prometheus exporter builder: its `build()` returned `MetricResult` through 0.29.1 and
/// returns `OTelSdkError` from 0.31 (otel-ladder.md §3.4 item 9; no 0.30 release).
pub const PROMETHEUS_BUILDERS: &[&[&str]] = &[&["opentelemetry_prometheus", "exporter"]];

/// The error a 0.31+ Prometheus `build()` returns.
pub const PROMETHEUS_BUILD_ERROR: &str = "opentelemetry_sdk::error::OTelSdkError";

/// 0.32: the sampling result types moved from the API to the SDK (otel-ladder.md §3.5 item 3).
pub const RENAMES_0_32: &[(&str, &str)] = &[
    (
        "opentelemetry::trace::SamplingDecision",
        "opentelemetry_sdk::trace::SamplingDecision",
    ),
    (
        "opentelemetry::trace::SamplingResult",
        "opentelemetry_sdk::trace::SamplingResult",
    ),
];
