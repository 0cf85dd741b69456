#![deny(deprecated)]
//! Trace (simple), metrics and logs pipelines through the shared crate's helper, and a
//! pipeline sampled by its policy (its root re-export), all under a renamed dependency key.
use std::time::Duration;

use opentelemetry::logs::LogError;
use opentelemetry::metrics::MetricsError;
use opentelemetry_sdk::logs::LoggerProvider;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::runtime;
use opentelemetry_sdk::trace::TracerProvider;
use obs::exporters::collector;
use obs::platform_sampling;
use opentelemetry_otlp::WithExportConfig;

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

pub fn logger_provider(endpoint: &str) -> Result<LoggerProvider, LogError> {
    opentelemetry_otlp::new_pipeline()
        .logging()
        .with_exporter(collector(endpoint, Duration::from_secs(2)))
        .install_batch(runtime::Tokio)
}

pub fn sampled_provider(endpoint: &str) -> TracerProvider {
    let pipeline = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(opentelemetry_otlp::new_exporter().http().with_endpoint(endpoint));
    platform_sampling(pipeline, 1.0)
        .install_simple()
        .expect("the exporter builds")
}
