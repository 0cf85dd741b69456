//! 0.26 logging: the pipeline returned the `LoggerProvider`; the tracing bridge takes it.
use opentelemetry::logs::LogError;
use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::logs::{BatchConfigBuilder, LoggerProvider};
use opentelemetry_sdk::{runtime, Resource};
use tracing_subscriber::layer::SubscriberExt;

pub fn init_logs(url: &str, resource: Resource) -> Result<LoggerProvider, LogError> {
    opentelemetry_otlp::new_pipeline()
        .logging()
        .with_resource(resource)
        .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint(url))
        .install_batch(runtime::Tokio)
}

pub fn init_batched() -> Result<LoggerProvider, LogError> {
    let provider = opentelemetry_otlp::new_pipeline()
        .logging()
        .with_exporter(opentelemetry_otlp::new_exporter().http())
        .with_batch_config(BatchConfigBuilder::default().with_max_queue_size(4096).build())
        .install_batch(runtime::Tokio)?;
    Ok(provider)
}

pub fn subscriber(provider: &LoggerProvider) -> impl tracing::Subscriber {
    tracing_subscriber::registry().with(OpenTelemetryTracingBridge::new(provider))
}
