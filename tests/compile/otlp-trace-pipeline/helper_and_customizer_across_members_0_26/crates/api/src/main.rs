#![deny(deprecated)]
//! A binary whose pipeline exports through the shared collector and passes through the shared
//! sampling policy.
use opentelemetry::trace::{TraceError, Tracer as _, TracerProvider as _};
use opentelemetry_sdk::runtime;
use opentelemetry_sdk::trace::TracerProvider;
use telemetry::sampling::sampled;

fn provider(endpoint: &str) -> Result<TracerProvider, TraceError> {
    let provider = sampled(
        opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(telemetry::exporters::collector(endpoint)),
        0.25,
    )
    .install_batch(runtime::Tokio)?;
    Ok(provider)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let provider = provider("http://collector:4317")?;
    provider.tracer("api").in_span("request", |_| {});
    provider.shutdown()?;
    Ok(())
}
