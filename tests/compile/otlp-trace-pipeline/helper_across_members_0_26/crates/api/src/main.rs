#![deny(deprecated)]
//! A batch trace pipeline through the shared crate's helper, by its module path.
use std::time::Duration;

use opentelemetry::global;
use opentelemetry::trace::{TraceError, Tracer as _, TracerProvider as _};
use opentelemetry_sdk::runtime;
use opentelemetry_sdk::trace::TracerProvider;

fn tracer_provider(endpoint: &str) -> Result<TracerProvider, TraceError> {
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(telemetry::exporters::collector(endpoint, Duration::from_secs(3)))
        .install_batch(runtime::Tokio)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let provider = tracer_provider("http://localhost:4318/v1/traces")?;
    provider.tracer("api").in_span("work", |_| {});
    global::set_tracer_provider(provider);
    Ok(())
}
