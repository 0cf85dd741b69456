//! A 0.30 setup (tracing-opentelemetry 0.31) in the shapes of otel-ladder.md §3.4: an OTLP
//! exporter, generic layer functions (`PreSampledTracer`, `MetricsLayer<S>`), `set_parent`,
//! the `otel.status_message` field and the removed `metrics_gauge_unstable` feature; migrated
//! to the 0.31 set itself.
#![deny(deprecated)]

use opentelemetry::trace::TracerProvider as _;
use opentelemetry::{global, Context};
use opentelemetry_otlp::{ExporterBuildError, SpanExporter};
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_opentelemetry::{
    MetricsLayer, OpenTelemetryLayer, OpenTelemetrySpanExt, PreSampledTracer,
};
use tracing_subscriber::prelude::*;

fn otel_layer<S, T>(tracer: T) -> OpenTelemetryLayer<S, T>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    T: opentelemetry::trace::Tracer + PreSampledTracer + 'static,
{
    tracing_opentelemetry::layer().with_tracer(tracer)
}

fn metrics_layer<S>(mp: SdkMeterProvider) -> MetricsLayer<S>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    MetricsLayer::new(mp)
}

fn init_traces() -> Result<SdkTracerProvider, ExporterBuildError> {
    let exporter = SpanExporter::builder().with_tonic().build()?;
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .build())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let tp = init_traces()?;
    global::set_tracer_provider(tp.clone());
    let mp = SdkMeterProvider::builder().build();
    tracing_subscriber::registry()
        .with(otel_layer(tp.tracer("app")))
        .with(metrics_layer(mp))
        .init();
    let span = tracing::info_span!("request", otel.status_message = tracing::field::Empty);
    span.set_parent(Context::new());
    tp.shutdown()?;
    Ok(())
}
