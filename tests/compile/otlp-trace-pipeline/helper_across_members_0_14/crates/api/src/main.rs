#![deny(deprecated)]
//! A trace pipeline on otlp 0.14 (install_batch returned a Tracer) through the shared crate's
//! helper, by its module path.
use opentelemetry::trace::{TraceError, Tracer as _};
use opentelemetry_sdk::{runtime, trace as sdktrace};

fn tracer(endpoint: &str) -> Result<sdktrace::Tracer, TraceError> {
    let tracer = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(telemetry::exporters::collector(endpoint))
        .install_batch(runtime::Tokio)?;
    Ok(tracer)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracer("http://localhost:4317")?.in_span("work", |_| {});
    Ok(())
}
