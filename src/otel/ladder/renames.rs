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
