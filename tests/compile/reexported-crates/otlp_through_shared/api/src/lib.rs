#![deny(deprecated)]
//! Reaches `opentelemetry_otlp` through `shared`: fully qualified here, under its short name
//! in `telemetry`.

mod telemetry;

use opentelemetry::trace::TraceError;
use opentelemetry_sdk::trace::TracerProvider;

pub fn init(endpoint: &str) -> Result<TracerProvider, TraceError> {
    use shared::opentelemetry_otlp::WithExportConfig;
    let _ = telemetry::init_http();
    shared::opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(
            shared::opentelemetry_otlp::new_exporter()
                .tonic()
                .with_endpoint(endpoint),
        )
        .install_batch(opentelemetry_sdk::runtime::Tokio)
}
