#![deny(deprecated)]
//! Exporter helpers in another module (a builder, and a fallible one chained with `and_then`)
//! on opentelemetry-otlp 0.26, where install_* returned the TracerProvider; and the metrics and
//! logs pipelines' helpers there too (issue 15, shape 2 across files).

mod sampling;
mod telemetry;

use opentelemetry::trace::{TraceError, Tracer as _, TracerProvider as _};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::runtime;
use opentelemetry_sdk::trace::TracerProvider;

fn batch_provider(endpoint: &str) -> Result<TracerProvider, TraceError> {
    let provider = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(telemetry::collector(endpoint))
        .install_batch(runtime::Tokio)?;
    Ok(provider)
}

fn audit_provider(endpoint: Option<&str>) -> Result<TracerProvider, TraceError> {
    let provider = telemetry::audit_exporter(endpoint).and_then(|exporter| {
        opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(exporter)
            .install_simple()
    })?;
    Ok(provider)
}

fn meter_provider(endpoint: &str) -> anyhow::Result<opentelemetry_sdk::metrics::SdkMeterProvider> {
    let provider = opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(telemetry::meter_exporter(endpoint))
        .with_period(std::time::Duration::from_secs(10))
        .build()?;
    Ok(provider)
}

fn logger_provider(endpoint: &str) -> anyhow::Result<opentelemetry_sdk::logs::LoggerProvider> {
    let provider = opentelemetry_otlp::new_pipeline()
        .logging()
        .with_exporter(telemetry::log_exporter(endpoint))
        .install_batch(runtime::Tokio)?;
    Ok(provider)
}

fn sampled_provider(endpoint: &str) -> Result<TracerProvider, TraceError> {
    let provider = sampling::shared_sampler(
        opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint)),
        0.25,
    )
    .install_batch(runtime::Tokio)?;
    Ok(provider)
}

fn created_provider(endpoint: &str) -> Result<TracerProvider, TraceError> {
    let provider = sampling::batch_pipeline(endpoint).install_batch(runtime::Tokio)?;
    Ok(provider)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let provider = batch_provider("http://localhost:4317")?;
    provider.tracer("work").in_span("work", |_| {});
    let audit = audit_provider(Some("http://localhost:4318/v1/traces"))?;
    audit.tracer("audit").in_span("audit", |_| {});
    let meters = meter_provider("http://localhost:4317")?;
    meters.shutdown()?;
    let logs = logger_provider("http://localhost:4318/v1/logs")?;
    logs.shutdown()?;
    let sampled = sampled_provider("http://localhost:4317")?;
    sampled.tracer("sampled").in_span("sampled", |_| {});
    telemetry::debug_provider()?.tracer("debug").in_span("debug", |_| {});
    created_provider("http://localhost:4317")?.tracer("created").in_span("created", |_| {});
    telemetry::jobs_provider().tracer("jobs").in_span("jobs", |_| {});
    Ok(())
}
