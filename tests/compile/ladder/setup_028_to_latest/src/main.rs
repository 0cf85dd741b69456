//! A 0.28 setup in the shapes of otel-ladder.md §3.2, taken to the newest set in one run: the
//! 0.29 error types and `ExportConfig` timeout, 0.30's crate-private `MetricResult`, the 0.31
//! Prometheus `build()` error, then 0.32's removal of `ExportConfig`.
#![deny(deprecated)]

use std::time::Duration;

use opentelemetry::trace::TraceError;
use opentelemetry_otlp::{ExportConfig, LogExporter, MetricExporter, SpanExporter, WithExportConfig};
use opentelemetry_sdk::logs::{LogError, SdkLoggerProvider};
use opentelemetry_sdk::metrics::{MetricError, MetricResult, SdkMeterProvider};
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

fn init_prometheus(
    registry: prometheus::Registry,
) -> MetricResult<opentelemetry_prometheus::PrometheusExporter> {
    opentelemetry_prometheus::exporter().with_registry(registry).build()
}

fn endpoint(host: &str) -> MetricResult<String> {
    if host.is_empty() {
        return Ok("http://localhost:4317".to_string());
    }
    Ok(format!("http://{host}:4317"))
}

fn metrics_endpoint() -> Result<String, MetricError> {
    let endpoint = endpoint("collector")?;
    Ok(format!("{endpoint}/v1/metrics"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let res = Resource::builder().with_service_name("checkout").build();
    let lp = init_logs(res.clone())?;
    let tp = init_traces(res)?;
    let mp = init_metrics()?;
    let _prometheus = init_prometheus(prometheus::Registry::new())?;
    let _endpoint = metrics_endpoint()?;
    tp.shutdown()?;
    mp.shutdown()?;
    lp.shutdown()?;
    Ok(())
}
