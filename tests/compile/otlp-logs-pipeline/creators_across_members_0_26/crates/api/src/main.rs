#![deny(deprecated)]
//! A binary finishing both shared pipelines: metrics built, logs installed with batching and
//! handed to the tracing bridge.
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::KeyValue;
use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
use opentelemetry_sdk::runtime;
use opentelemetry_sdk::Resource;
use tracing_subscriber::layer::SubscriberExt;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let resource = Resource::new([KeyValue::new("service.name", "api")]);
    let meters = telemetry::meter_pipeline("http://collector:4318/v1/metrics", resource.clone())
        .build()?;
    meters.meter("api").u64_counter("requests").init().add(1, &[]);
    let logs = telemetry::log_pipeline("http://collector:4317", resource)
        .install_batch(runtime::Tokio)?;
    let subscriber = tracing_subscriber::registry().with(OpenTelemetryTracingBridge::new(&logs));
    tracing::subscriber::with_default(subscriber, || tracing::info!("started"));
    meters.shutdown()?;
    logs.shutdown()?;
    Ok(())
}
