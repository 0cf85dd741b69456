//! A 0.30 setup (tracing-opentelemetry 0.31) in the shapes of otel-ladder.md §3.4 and §3.5:
//! generic layer functions (`PreSampledTracer`, `MetricsLayer<S>`), `set_parent`, the `otel.status_message` field, and a custom
//! sampler with the API's sampling types; migrated to the newest set.
#![deny(deprecated)]

use opentelemetry::trace::{Link, SamplingDecision, SamplingResult, SpanKind, TraceId};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::{SdkTracerProvider, ShouldSample};
use tracing_opentelemetry::{MetricsLayer, OpenTelemetryLayer, OpenTelemetrySpanExt, PreSampledTracer};
use tracing_subscriber::prelude::*;

#[derive(Clone, Debug)]
struct DropAll;

impl ShouldSample for DropAll {
    fn should_sample(
        &self,
        _parent: Option<&Context>,
        _trace_id: TraceId,
        _name: &str,
        _kind: &SpanKind,
        _attributes: &[KeyValue],
        _links: &[Link],
    ) -> SamplingResult {
        SamplingResult {
            decision: SamplingDecision::Drop,
            attributes: vec![],
            trace_state: Default::default(),
        }
    }
}

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

fn main() {
    use opentelemetry::trace::TracerProvider as _;
    let tp = SdkTracerProvider::builder().with_sampler(DropAll).build();
    let mp = SdkMeterProvider::builder().build();
    tracing_subscriber::registry()
        .with(otel_layer(tp.tracer("app")))
        .with(metrics_layer(mp))
        .init();
    let span = tracing::info_span!("request", otel.status_message = tracing::field::Empty);
    span.set_parent(Context::new());
}
