#![deny(deprecated)]
//! opentelemetry 0.26: the provider registered globally, the layer fed from `global::tracer`.

use opentelemetry::global;
use opentelemetry_sdk::trace::{self as sdktrace, Sampler};
use opentelemetry_sdk::runtime;
use tracing_subscriber::prelude::*;

/// Same-file helper: the sampler every pipeline shares.
fn trace_config() -> sdktrace::Config {
    sdktrace::Config::default().with_sampler(Sampler::AlwaysOn)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let provider = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(opentelemetry_otlp::new_exporter().tonic())
        .with_trace_config(trace_config())
        .install_batch(runtime::Tokio)?;
    global::set_tracer_provider(provider.clone());
    tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(global::tracer("bridge")))
        .init();
    tracing::info!("hello");
    global::shutdown_tracer_provider();
    Ok(())
}
