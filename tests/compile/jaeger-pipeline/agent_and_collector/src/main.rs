#![deny(deprecated)]
//! Jaeger 0.20 agent and collector pipelines in the shapes services use.

use std::time::Duration;

use opentelemetry::trace::TraceError;
use opentelemetry::{global, KeyValue};
use opentelemetry_sdk::trace::{self as sdktrace, Sampler};
use opentelemetry_sdk::{runtime, Resource};
use tracing_subscriber::prelude::*;

const COLLECTOR: &str = "http://localhost:14268/api/traces";

/// A helper whose signature callers depend on.
fn agent_tracer(name: &str, max_packet: Option<usize>) -> Result<sdktrace::Tracer, TraceError> {
    let mut pipeline = opentelemetry_jaeger::new_agent_pipeline()
        .with_service_name(name)
        .with_endpoint("localhost:6831")
        // UDP tuning
        .with_auto_split_batch(true)
        .with_trace_config(
            sdktrace::config()
                .with_sampler(Sampler::AlwaysOn)
                .with_resource(Resource::new(vec![KeyValue::new("deployment.environment", "dev")])),
        );
    if let Some(size) = max_packet {
        pipeline = pipeline.with_max_packet_size(size);
    }
    pipeline.install_batch(runtime::Tokio)
}

fn collector_tracer() -> Result<sdktrace::Tracer, Box<dyn std::error::Error + Send + Sync>> {
    let tracer = opentelemetry_jaeger::new_collector_pipeline()
        .with_service_name("collector-demo")
        .with_endpoint(COLLECTOR)
        .with_timeout(Duration::from_secs(5))
        .with_reqwest()
        .with_batch_processor_config(
            sdktrace::BatchConfig::default()
                .with_max_queue_size(4096)
                .with_scheduled_delay(Duration::from_secs(2)),
        )
        .install_batch(runtime::Tokio)?;
    Ok(tracer)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    global::set_text_map_propagator(opentelemetry_jaeger::Propagator::new());
    let tracer = opentelemetry_jaeger::new_agent_pipeline()
        .with_service_name("demo-service")
        .with_instrumentation_library_tags(false)
        .install_simple()?;
    let _other = agent_tracer("helper", Some(9000))?;
    let _collector = collector_tracer().map_err(|e| anyhow::anyhow!(e))?;
    tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(tracer))
        .init();
    tracing::info!("hello");
    Ok(())
}
