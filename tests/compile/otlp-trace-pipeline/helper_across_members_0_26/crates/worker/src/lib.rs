#![deny(deprecated)]
//! A simple trace pipeline and a metrics pipeline through the shared crate's helper, imported.
use std::time::Duration;

use opentelemetry::metrics::MetricsError;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::runtime;
use opentelemetry_sdk::trace::TracerProvider;
use telemetry::exporters::collector;

pub fn tracer_provider(endpoint: &str) -> TracerProvider {
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(collector(endpoint, Duration::from_secs(1)))
        .install_simple()
        .expect("the exporter builds")
}

pub fn meter_provider(endpoint: &str) -> Result<SdkMeterProvider, MetricsError> {
    let provider = opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(collector(endpoint, Duration::from_secs(5)))
        .with_period(Duration::from_secs(15))
        .build()?;
    Ok(provider)
}
