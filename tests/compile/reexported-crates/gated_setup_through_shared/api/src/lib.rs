#![deny(deprecated, unused_imports)]
//! The exporter crate is reached only through `shared`, and only the `otel` feature's setup
//! uses it: the name the migration binds for it must be compiled with that feature alone
//! (checked with no features and with all: an unconditional binding is an unused import).

#[cfg(feature = "otel")]
pub fn init(
    endpoint: &str,
) -> Result<opentelemetry_sdk::trace::TracerProvider, opentelemetry::trace::TraceError> {
    use shared::opentelemetry_otlp::WithExportConfig;
    shared::opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(
            shared::opentelemetry_otlp::new_exporter()
                .tonic()
                .with_endpoint(endpoint),
        )
        .install_simple()
}

pub fn service() -> &'static str {
    "api"
}
