//! A 0.29 setup in the shapes otel-ladder.md §3.3 says stay the same at 0.30 (exporters,
//! providers, `ExporterBuildError`, the sdk's `TraceError`, `ExportConfig`): the hop moves the
//! versions (tonic 0.13 under the exporter) and the code must still compile. Item 3: an
//! exact-name `new_view` becomes a view closure.
#![deny(deprecated)]

use std::time::Duration;

use opentelemetry_otlp::{
    ExportConfig, ExporterBuildError, MetricExporter, SpanExporter, WithExportConfig,
};
use opentelemetry_sdk::metrics::{new_view, Aggregation, Instrument, SdkMeterProvider, Stream};
use opentelemetry_sdk::trace::{SdkTracerProvider, TraceError};
use opentelemetry_sdk::Resource;

fn init_traces(res: Resource) -> Result<SdkTracerProvider, ExporterBuildError> {
    let exporter = SpanExporter::builder()
        .with_tonic()
        .with_export_config(ExportConfig {
            endpoint: Some("http://localhost:4317".to_string()),
            timeout: Some(Duration::from_secs(5)),
            ..ExportConfig::default()
        })
        .build()?;
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(res)
        .build())
}

fn init_metrics(res: Resource) -> Result<SdkMeterProvider, Box<dyn std::error::Error + Send + Sync>> {
    let exporter = MetricExporter::builder().with_tonic().build()?;
    let latency = new_view(
        Instrument::new().name("http.server.duration"),
        Stream::new().aggregation(Aggregation::ExplicitBucketHistogram {
            boundaries: vec![0.005, 0.1, 1.0],
            record_min_max: true,
        }),
    )?;
    Ok(SdkMeterProvider::builder()
        .with_periodic_exporter(exporter)
        .with_view(latency)
        .with_view(new_view(Instrument::new().name("db.rows"), Stream::new().name("db.rows.read").unit("{row}")).unwrap())
        .with_resource(res)
        .build())
}

fn wrap(e: std::io::Error) -> TraceError {
    TraceError::Other(Box::new(e))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let res = Resource::builder().with_service_name("checkout").build();
    let tp = init_traces(res.clone())?;
    let mp = init_metrics(res)?;
    let _ = wrap(std::io::Error::other("x"));
    tp.shutdown()?;
    mp.shutdown()?;
    Ok(())
}
