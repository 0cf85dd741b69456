//! otlp 0.14 tracing next to metrics and logs: the pipeline returned a `Tracer` and installed
//! the global provider.
use opentelemetry::trace::{TraceError, Tracer as _};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::{runtime, trace as sdktrace};

pub fn init_tracer(endpoint: &str) -> Result<sdktrace::Tracer, TraceError> {
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint))
        .install_batch(runtime::Tokio)
}

pub fn span(tracer: &sdktrace::Tracer) {
    tracer.in_span("work", |_cx| {});
}
