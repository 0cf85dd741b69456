#![deny(deprecated)]
//! A 0.20 service whose telemetry is an opt-in feature: the SDK is named through the facade
//! (`opentelemetry::sdk::trace as sdktrace`) under `#[cfg(feature = "otel")]`, and the
//! pipeline exports each span as it ends.

#[cfg(feature = "otel")]
// The sampler and the tracer type come from the facade's SDK.
use opentelemetry::sdk::trace as sdktrace;

#[cfg(feature = "otel")]
fn tracer() -> sdktrace::Tracer {
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(opentelemetry_otlp::new_exporter().tonic())
        .with_trace_config(sdktrace::config().with_sampler(sdktrace::Sampler::AlwaysOn))
        .install_simple()
        .expect("an OTLP pipeline")
}

#[cfg(not(feature = "otel"))]
fn tracer() {}

#[tokio::main]
async fn main() {
    let _tracer = tracer();
    tracing::info!("started");
}
