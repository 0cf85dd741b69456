//! A 0.28 setup in the shapes of otel-ladder.md §3.2 (the 0.29 after-code's before).
#![deny(deprecated)]

use std::time::Duration;

use opentelemetry::trace::TraceError;
use opentelemetry_otlp::{ExportConfig, LogExporter, MetricExporter, SpanExporter, WithExportConfig};
use opentelemetry_sdk::logs::{LogError, SdkLoggerProvider};
use opentelemetry_sdk::metrics::{MetricError, SdkMeterProvider};
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;

fn init_logs(res: Resource) -> Result<SdkLoggerProvider, LogError> {
    let exporter = LogExporter::builder()
        .with_tonic()
        .with_export_config(ExportConfig {
            endpoint: Some("http://localhost:4317".to_string()),
            timeout: Duration::from_secs(5),
            ..ExportConfig::default()
        })
        .build()?;
    Ok(SdkLoggerProvider::builder().with_resource(res).with_batch_exporter(exporter).build())
}

fn init_traces(res: Resource) -> Result<SdkTracerProvider, TraceError> {
    let exporter = SpanExporter::builder().with_tonic().build()?;
    Ok(SdkTracerProvider::builder().with_batch_exporter(exporter).with_resource(res).build())
}

fn init_metrics() -> Result<SdkMeterProvider, MetricError> {
    let exporter = MetricExporter::builder().with_tonic().build()?;
    Ok(SdkMeterProvider::builder().with_periodic_exporter(exporter).build())
}

fn wrap(e: std::io::Error) -> TraceError {
    TraceError::Other(Box::new(e))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let res = Resource::builder().with_service_name("checkout").build();
    let lp = init_logs(res.clone())?;
    let tp = init_traces(res)?;
    let mp = init_metrics()?;
    let _ = wrap(std::io::Error::other("x"));
    tp.shutdown()?;
    mp.shutdown()?;
    lp.shutdown()?;
    Ok(())
}
