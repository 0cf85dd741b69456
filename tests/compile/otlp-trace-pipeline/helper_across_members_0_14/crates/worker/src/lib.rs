#![deny(deprecated)]
//! A metrics pipeline on otlp 0.14 (build() also installed the provider globally) through the
//! shared crate's helper, under a renamed dependency key and its root re-export.
use std::time::Duration;

use opentelemetry::metrics::{MeterProvider as _, MetricsError};
use opentelemetry_sdk::metrics::MeterProvider;
use opentelemetry_sdk::runtime;

pub fn meter_provider(endpoint: &str) -> Result<MeterProvider, MetricsError> {
    let provider = opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(otel_common::collector(endpoint))
        .with_period(Duration::from_secs(15))
        .build()?;
    provider.meter("worker").u64_counter("jobs").init().add(1, &[]);
    Ok(provider)
}
