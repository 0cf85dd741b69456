use std::time::Duration;

use opentelemetry_otlp::{MetricsExporterBuilder, OtlpMetricPipeline, WithExportConfig};
use opentelemetry_sdk::runtime::Tokio;
use opentelemetry_sdk::Resource;

/// The platform's metrics pipeline; each service builds it.
pub fn platform_meters(
    endpoint: &str,
    resource: Resource,
) -> OtlpMetricPipeline<Tokio, MetricsExporterBuilder> {
    opentelemetry_otlp::new_pipeline()
        .metrics(Tokio)
        // Exported every 15 s, as the dashboards expect.
        .with_period(Duration::from_secs(15))
        .with_exporter(
            opentelemetry_otlp::new_exporter()
                .tonic()
                .with_endpoint(endpoint)
                .with_timeout(Duration::from_secs(3)),
        )
        .with_resource(resource)
}

/// A caller in the creator's own file.
pub fn default_meters() -> opentelemetry_sdk::metrics::MeterProvider {
    platform_meters("http://localhost:4317", Resource::default())
        .build()
        .expect("the meter provider builds")
}
