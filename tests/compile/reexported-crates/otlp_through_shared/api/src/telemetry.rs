use opentelemetry::trace::TraceError;
use opentelemetry_sdk::trace::TracerProvider;
use shared::otlp::{self, WithExportConfig};

pub fn init_http() -> Result<TracerProvider, TraceError> {
    otlp::new_pipeline()
        .tracing()
        .with_exporter(
            otlp::new_exporter()
                .tonic()
                .with_endpoint("http://localhost:4317"),
        )
        .install_simple()
}
