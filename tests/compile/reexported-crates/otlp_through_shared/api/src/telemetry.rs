use opentelemetry::trace::TraceError;
use opentelemetry_sdk::trace::TracerProvider;
use shared::opentelemetry_otlp::{self, WithExportConfig};

pub fn init_http() -> Result<TracerProvider, TraceError> {
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(
            opentelemetry_otlp::new_exporter()
                .tonic()
                .with_endpoint("http://localhost:4317"),
        )
        .install_simple()
}
