//! otlp 0.26: private functions create the metrics and logging pipelines, their callers build
//! or install them (issue 15 shape 5).
use std::time::Duration;

use opentelemetry::logs::LogError;
use opentelemetry::metrics::MetricsError;
use opentelemetry_otlp::{
    LogExporterBuilder, MetricsExporterBuilder, OtlpLogPipeline, OtlpMetricPipeline,
    WithExportConfig,
};
use opentelemetry_sdk::logs::LoggerProvider;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::{runtime, Resource};

fn metrics_pipeline(endpoint: &str) -> OtlpMetricPipeline<runtime::Tokio, MetricsExporterBuilder> {
    opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(
            opentelemetry_otlp::new_exporter()
                .tonic()
                .with_endpoint(endpoint),
        )
        .with_period(Duration::from_secs(15))
        .with_timeout(Duration::from_secs(5))
}

pub fn init_metrics(endpoint: &str) -> Result<SdkMeterProvider, MetricsError> {
    metrics_pipeline(endpoint).build()
}

fn logs_pipeline(resource: Resource) -> OtlpLogPipeline<LogExporterBuilder> {
    opentelemetry_otlp::new_pipeline()
        .logging()
        .with_resource(resource)
        .with_exporter(opentelemetry_otlp::new_exporter().http())
}

pub fn init_logs() -> Result<LoggerProvider, LogError> {
    let provider = logs_pipeline(Resource::default()).install_batch(runtime::Tokio)?;
    Ok(provider)
}

pub fn init_logs_again(resource: Resource) -> LoggerProvider {
    logs_pipeline(resource)
        .install_batch(runtime::Tokio)
        .expect("logger provider")
}

/// Only the resource: each function takes and returns its provider builder in 0.27.
fn with_service(
    pipeline: OtlpMetricPipeline<runtime::Tokio, MetricsExporterBuilder>,
    resource: Resource,
) -> OtlpMetricPipeline<runtime::Tokio, MetricsExporterBuilder> {
    pipeline.with_resource(resource)
}

pub fn init_named_metrics(resource: Resource) -> Result<SdkMeterProvider, MetricsError> {
    let provider = with_service(
        opentelemetry_otlp::new_pipeline()
            .metrics(runtime::Tokio)
            .with_exporter(opentelemetry_otlp::new_exporter().http()),
        resource,
    )
    .build()?;
    Ok(provider)
}

fn with_log_resource(
    pipeline: OtlpLogPipeline<LogExporterBuilder>,
    resource: Resource,
) -> OtlpLogPipeline<LogExporterBuilder> {
    pipeline.with_resource(resource)
}

pub fn init_named_logs(resource: Resource) -> Result<LoggerProvider, LogError> {
    with_log_resource(
        opentelemetry_otlp::new_pipeline()
            .logging()
            .with_exporter(opentelemetry_otlp::new_exporter().tonic()),
        resource,
    )
    .install_simple()
}
