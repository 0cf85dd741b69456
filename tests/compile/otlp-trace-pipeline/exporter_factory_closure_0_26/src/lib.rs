#![deny(deprecated)]
//! One closure makes the exporter for all three signals' pipelines (the collector address is
//! worked out once); 0.27 needs a builder per signal, so each call becomes its own chain.

use std::time::Duration;

use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::logs::LoggerProvider;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::TracerProvider;
use opentelemetry_sdk::Resource;

pub struct Telemetry {
    pub traces: TracerProvider,
    pub metrics: SdkMeterProvider,
    pub logs: LoggerProvider,
}

pub fn start(host: &str, resource: Resource) -> anyhow::Result<Telemetry> {
    let collector = format!("http://{host}:4317");
    let exporter_for = || {
        opentelemetry_otlp::new_exporter()
            .tonic()
            .with_endpoint(&collector)
            .with_timeout(Duration::from_secs(3))
    };

    let traces = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporter_for())
        .with_trace_config(opentelemetry_sdk::trace::Config::default().with_resource(resource.clone()))
        .install_batch(opentelemetry_sdk::runtime::Tokio)?;
    let metrics = opentelemetry_otlp::new_pipeline()
        .metrics(opentelemetry_sdk::runtime::Tokio)
        .with_exporter(exporter_for())
        .with_resource(resource.clone())
        .build()?;
    let logs = opentelemetry_otlp::new_pipeline()
        .logging()
        .with_exporter(exporter_for())
        .with_resource(resource)
        .install_batch(opentelemetry_sdk::runtime::Tokio)?;
    Ok(Telemetry { traces, metrics, logs })
}
