#![deny(deprecated)]
//! One HTTP exporter helper shared by the trace, metrics and logs pipelines of a service on
//! opentelemetry-otlp 0.26 (issue 15 shape 2): every option it sets must exist unchanged on the
//! 0.27 traits (`WithExportConfig + WithHttpConfig`) the generic helper is bounded by.

use std::collections::HashMap;
use std::time::Duration;

use opentelemetry_otlp::{HttpExporterBuilder, Protocol, WithExportConfig};
use opentelemetry_sdk::logs::LoggerProvider;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::runtime;
use opentelemetry_sdk::trace::TracerProvider;

/// The gateway every signal posts to, with its token.
fn gateway(url: &str, token: &str) -> HttpExporterBuilder {
    opentelemetry_otlp::new_exporter()
        .http()
        .with_endpoint(url)
        .with_protocol(Protocol::HttpBinary)
        .with_timeout(Duration::from_secs(5))
        .with_headers(HashMap::from([("x-token".to_string(), token.to_string())]))
}

fn telemetry(url: &str, token: &str) -> anyhow::Result<(TracerProvider, SdkMeterProvider, LoggerProvider)> {
    let traces = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(gateway(url, token))
        .install_batch(runtime::Tokio)?;
    let meters = opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(gateway(url, token))
        .build()?;
    let logs = opentelemetry_otlp::new_pipeline()
        .logging()
        .with_exporter(gateway(url, token))
        .install_simple()?;
    Ok((traces, meters, logs))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let providers = telemetry("http://gateway:4318", "secret")?;
    drop(providers);
    Ok(())
}
