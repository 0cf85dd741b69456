//! A 0.27 setup in the shapes of otel-ladder.md §3.1 (the 0.28 after-code's before).
#![deny(deprecated)]

use std::time::Duration;

use opentelemetry::{global, KeyValue};
use opentelemetry_otlp::{Compression, LogExporter, MetricExporter, Protocol, SpanExporter, WithExportConfig, WithTonicConfig};
use opentelemetry_sdk::logs::LoggerProvider;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider, Temporality};
use opentelemetry_sdk::trace::{BatchConfigBuilder, BatchSpanProcessor, Sampler, TracerProvider};
use opentelemetry_sdk::{runtime, Resource};
use opentelemetry_semantic_conventions::resource::SERVICE_NAME;

type Error = Box<dyn std::error::Error + Send + Sync>;

fn init_traces(res: Resource) -> Result<TracerProvider, Error> {
    let exporter = SpanExporter::builder()
        .with_tonic()
        .with_endpoint("http://localhost:4317")
        .with_timeout(Duration::from_secs(3))
        .with_compression(Compression::Gzip)
        .build()?;
    // Batch settings kept as written.
    let processor = BatchSpanProcessor::builder(exporter, runtime::Tokio)
        .with_batch_config(
            BatchConfigBuilder::default()
                .with_max_queue_size(4096)
                .with_max_export_batch_size(512)
                .with_scheduled_delay(Duration::from_secs(5))
                .build(),
        )
        .build();
    Ok(TracerProvider::builder()
        .with_span_processor(processor)
        .with_sampler(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(0.25))))
        .with_resource(res)
        .build())
}

fn init_metrics(res: Resource) -> Result<SdkMeterProvider, Error> {
    let exporter = MetricExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint("http://localhost:4318/v1/metrics")
        .with_temporality(Temporality::Delta)
        .build()?;
    let reader = PeriodicReader::builder(exporter, runtime::Tokio)
        .with_interval(Duration::from_secs(30))
        .build();
    Ok(SdkMeterProvider::builder().with_reader(reader).with_resource(res).build())
}

fn init_logs(res: Resource) -> Result<LoggerProvider, Error> {
    Ok(LoggerProvider::builder()
        .with_resource(res)
        .with_batch_exporter(LogExporter::builder().with_tonic().build()?, runtime::Tokio)
        .build())
}

/// Installs the provider globally and shuts it down through the global at the end.
fn serve(tp: TracerProvider) {
    global::set_tracer_provider(tp);
    // … the service runs …
    global::shutdown_tracer_provider();
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let res = Resource::default().merge(&Resource::new(vec![
        KeyValue::new(SERVICE_NAME, "checkout"),
        KeyValue::new("deployment.environment", "dev"),
    ]));
    let plain = Resource::new([KeyValue::new("k", "v")]);
    serve(init_traces(res.clone())?);
    let tp = init_traces(res.clone())?;
    let mp = init_metrics(res.clone())?;
    let lp = init_logs(plain)?;
    let _prev = global::set_tracer_provider(tp.clone());
    global::set_meter_provider(mp.clone());
    tp.shutdown()?;
    mp.shutdown()?;
    lp.shutdown()?;
    Ok(())
}
