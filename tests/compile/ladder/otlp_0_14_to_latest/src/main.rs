#![deny(deprecated)]
//! The ladder, several hops at once: opentelemetry-otlp 0.14 code (install_batch returned a
//! Tracer and registered the provider globally) migrated with `target = "latest"`: the 0.27
//! transforms, then every hop to 0.33, in one run.

use opentelemetry::trace::TraceError;
use opentelemetry::KeyValue;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::{runtime, trace as sdktrace, Resource};
use tracing_subscriber::prelude::*;

fn init_tracer() -> Result<sdktrace::Tracer, TraceError> {
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint("http://localhost:4317"))
        .with_trace_config(
            sdktrace::config()
                .with_sampler(sdktrace::Sampler::AlwaysOn)
                .with_resource(Resource::new(vec![KeyValue::new("service.name", "otlp-14")])),
        )
        .install_batch(runtime::Tokio)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let tracer = init_tracer()?;
    let simple = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(opentelemetry_otlp::new_exporter().http().with_endpoint("http://localhost:4318/v1/traces"))
        .install_simple()
        .map_err(|e| anyhow::anyhow!("tracer: {e}"))?;
    drop(simple);
    tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(tracer))
        .init();
    tracing::info!("hello");
    Ok(())
}
