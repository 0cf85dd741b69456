use std::time::Duration;

use opentelemetry_otlp::{
    LogExporterBuilder, MetricsExporterBuilder, OtlpLogPipeline, OtlpMetricPipeline,
    WithExportConfig,
};
use opentelemetry_sdk::runtime;
use opentelemetry_sdk::Resource;

/// Metrics of every service, over OTLP/HTTP.
pub fn meter_pipeline(
    endpoint: &str,
    resource: Resource,
) -> OtlpMetricPipeline<runtime::Tokio, MetricsExporterBuilder> {
    opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(
            opentelemetry_otlp::new_exporter()
                .http()
                .with_endpoint(endpoint),
        )
        .with_period(Duration::from_secs(30))
        .with_timeout(Duration::from_secs(5))
        .with_resource(resource)
}

/// Logs of every service, over OTLP/gRPC; each service installs it.
pub fn log_pipeline(endpoint: &str, resource: Resource) -> OtlpLogPipeline<LogExporterBuilder> {
    opentelemetry_otlp::new_pipeline()
        .logging()
        .with_resource(resource)
        .with_exporter(
            opentelemetry_otlp::new_exporter()
                .tonic()
                .with_endpoint(endpoint)
                .with_timeout(Duration::from_secs(3)),
        )
}
