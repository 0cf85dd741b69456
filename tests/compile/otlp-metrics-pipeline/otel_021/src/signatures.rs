//! otlp 0.14: private functions create the metrics pipeline, their callers build it (issue 15
//! shape 5); `build()` set the global meter provider, which the callers rely on.
use std::time::Duration;

use opentelemetry::global;
use opentelemetry::metrics::MetricsError;
use opentelemetry_otlp::{MetricsExporterBuilder, OtlpMetricPipeline, WithExportConfig};
use opentelemetry_sdk::metrics::MeterProvider;
use opentelemetry_sdk::{runtime, Resource};

fn metrics_pipeline(
    endpoint: &str,
    resource: Resource,
) -> OtlpMetricPipeline<runtime::Tokio, MetricsExporterBuilder> {
    let exporter = opentelemetry_otlp::new_exporter()
        .tonic()
        .with_endpoint(endpoint);
    opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_period(Duration::from_secs(10))
        .with_exporter(exporter)
        .with_resource(resource)
}

pub fn init(endpoint: &str) -> Result<MeterProvider, MetricsError> {
    let provider = metrics_pipeline(endpoint, Resource::default()).build()?;
    let _meter = global::meter("svc");
    Ok(provider)
}

pub fn init_or_panic(endpoint: &str) -> MeterProvider {
    metrics_pipeline(endpoint, Resource::empty())
        .build()
        .expect("meter provider")
}

/// Only the resource: the function takes and returns the provider builder in 0.27.
fn with_service(
    pipeline: OtlpMetricPipeline<runtime::Tokio, MetricsExporterBuilder>,
    name: &'static str,
) -> OtlpMetricPipeline<runtime::Tokio, MetricsExporterBuilder> {
    pipeline.with_resource(Resource::new([opentelemetry::KeyValue::new(
        "service.name",
        name,
    )]))
}

pub fn init_named(endpoint: &str) -> Result<MeterProvider, MetricsError> {
    with_service(
        opentelemetry_otlp::new_pipeline()
            .metrics(runtime::Tokio)
            .with_exporter(
                opentelemetry_otlp::new_exporter()
                    .tonic()
                    .with_endpoint(endpoint),
            ),
        "edge-agent",
    )
    .build()
}
