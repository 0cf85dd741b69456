#![deny(deprecated)]
//! A library member building the shared pipeline through an import under a renamed key.
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::metrics::MetricsError;
use opentelemetry_sdk::metrics::MeterProvider;
use opentelemetry_sdk::Resource;
use otel_common::meters::platform_meters;

pub fn worker_meters(endpoint: &str) -> Result<MeterProvider, MetricsError> {
    let provider = platform_meters(endpoint, Resource::empty()).build()?;
    provider.meter("worker").u64_counter("jobs").init().add(1, &[]);
    Ok(provider)
}
