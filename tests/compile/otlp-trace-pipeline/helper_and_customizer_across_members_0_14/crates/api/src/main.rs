#![deny(deprecated)]
//! A binary whose pipeline (otlp 0.14: the install returned a `Tracer` and set the global
//! provider) exports through the shared collector and passes through the shared sampling policy.
use opentelemetry::trace::{TraceError, Tracer as _};
use opentelemetry_sdk::runtime;
use opentelemetry_sdk::trace::Tracer;
use telemetry::sampling::sampled;

fn tracer(endpoint: &str) -> Result<Tracer, TraceError> {
    let tracer = sampled(
        opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(telemetry::exporters::collector(endpoint)),
        0.25,
    )
    .install_batch(runtime::Tokio)?;
    Ok(tracer)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracer("http://collector:4317")?.in_span("request", |_| {});
    opentelemetry::global::shutdown_tracer_provider();
    Ok(())
}
