#![deny(deprecated)]
//! opentelemetry-otlp 0.26 trace pipelines: match on a protocol string, statements, a built exporter.

use std::time::Duration;

use opentelemetry::trace::{TraceError, TracerProvider as _};
use opentelemetry::{global, KeyValue};
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::trace::{self as sdktrace, BatchConfigBuilder, Sampler, TracerProvider};
use opentelemetry_sdk::{runtime, Resource};
use tracing_subscriber::prelude::*;

fn provider_for(protocol: &str, endpoint: &str) -> Result<TracerProvider, TraceError> {
    match protocol {
        "http/protobuf" => opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(
                opentelemetry_otlp::new_exporter()
                    .http()
                    .with_protocol(Protocol::HttpBinary)
                    .with_endpoint(format!("{endpoint}/v1/traces")),
            )
            .with_trace_config(sdktrace::Config::default().with_resource(Resource::new(vec![
                KeyValue::new("service.name", "demo"),
            ])))
            .install_batch(runtime::Tokio),
        _ => opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(
                opentelemetry_otlp::new_exporter()
                    .tonic()
                    .with_endpoint(endpoint)
                    .with_timeout(Duration::from_secs(5)),
            )
            .install_batch(runtime::Tokio),
    }
}

fn exporter() -> Result<opentelemetry_otlp::SpanExporter, TraceError> {
    opentelemetry_otlp::new_exporter()
        .tonic()
        .with_endpoint("http://localhost:4317")
        .build_span_exporter()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _spare = exporter()?;
    let _http = provider_for("http/protobuf", "http://localhost:4318")?;
    let provider = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(
            opentelemetry_otlp::new_exporter()
                .tonic()
                // the local collector
                .with_endpoint("http://localhost:4317"),
        )
        .with_trace_config(
            sdktrace::Config::default()
                .with_sampler(Sampler::TraceIdRatioBased(0.5))
                .with_max_events_per_span(64),
        )
        .with_batch_config(BatchConfigBuilder::default().with_max_queue_size(4096).build())
        .install_batch(runtime::Tokio)
        .expect("tracer provider");
    global::set_tracer_provider(provider.clone());
    let tracer = provider.tracer("demo");
    tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(tracer))
        .init();
    tracing::info!("hello");
    provider.shutdown()?;
    Ok(())
}
