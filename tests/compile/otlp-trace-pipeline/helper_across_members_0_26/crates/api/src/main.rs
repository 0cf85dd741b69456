#![deny(deprecated)]
//! A batch trace pipeline through the shared crate's helper, by its module path.
use std::time::Duration;

use opentelemetry::global;
use opentelemetry::trace::{TraceError, Tracer as _, TracerProvider as _};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::runtime;
use opentelemetry_sdk::trace::TracerProvider;

fn tracer_provider(endpoint: &str) -> Result<TracerProvider, TraceError> {
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(telemetry::exporters::collector(endpoint, Duration::from_secs(3)))
        .install_batch(runtime::Tokio)
}

/// Sampled by the shared crate's policy, by its module path.
fn sampled_provider(endpoint: &str) -> Result<TracerProvider, TraceError> {
    telemetry::sampling::platform_sampling(
        opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(opentelemetry_otlp::new_exporter().http().with_endpoint(endpoint)),
        0.05,
    )
    .install_batch(runtime::Tokio)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let provider = tracer_provider("http://localhost:4318/v1/traces")?;
    provider.tracer("api").in_span("work", |_| {});
    global::set_tracer_provider(provider);
    let sampled = sampled_provider("http://localhost:4318/v1/traces")?;
    sampled.tracer("api").in_span("sampled", |_| {});
    Ok(())
}
