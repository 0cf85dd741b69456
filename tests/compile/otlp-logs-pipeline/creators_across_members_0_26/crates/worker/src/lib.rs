#![deny(deprecated)]
//! A library member finishing the shared pipelines through imports.
use opentelemetry::logs::LogError;
use opentelemetry::metrics::MetricsError;
use opentelemetry_sdk::logs::LoggerProvider;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::Resource;
use telemetry::{log_pipeline, meter_pipeline};

pub fn worker_meters(endpoint: &str) -> Result<SdkMeterProvider, MetricsError> {
    meter_pipeline(endpoint, Resource::empty()).build()
}

pub fn worker_logs(endpoint: &str) -> Result<LoggerProvider, LogError> {
    let provider =
        log_pipeline(endpoint, Resource::empty()).install_batch(opentelemetry_sdk::runtime::Tokio)?;
    Ok(provider)
}
